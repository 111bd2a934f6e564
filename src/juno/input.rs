//! From controls to intent: the player's controls (`crate::controls`, whatever device
//! and bindings) become a [`PlayerIntent`] each frame, which each fixed tick takes as its
//! [`TickIntent`]. Tests drive the same path by pressing keys on `ButtonInput`.

use bevy::prelude::*;
use bevy::window::{CursorGrabMode, CursorOptions, PrimaryWindow};

use super::Juno;
use crate::controls::{Control, ControlState};
use crate::state::DreamPhase;

/// What the player wants Juno to do, from whatever device.
#[derive(Resource, Debug, Default, Clone, Copy)]
pub struct PlayerIntent {
    /// Walk direction: x to the right, y forward, length ≤ 1.
    pub movement: Vec2,
    /// A jump was asked for and not yet taken by the controller.
    pub jump: bool,
}

/// What Juno does on one fixed tick, as the simulation takes it: the player's intent
/// in whole units (thousandths of full stick, ten-thousandths of a radian), so a
/// recording holds exactly what was played and a replay plays exactly that.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TickIntent {
    /// Walk direction, thousandths: x to the right, y forward.
    pub walk: [i16; 2],
    /// A jump was pressed.
    pub jump: bool,
    /// Heading, ten-thousandths of a radian (0 looks along -Z).
    pub yaw: i32,
}

impl TickIntent {
    /// `movement` (length ≤ 1), `jump` and heading `yaw` (radians), in whole units.
    pub fn new(movement: Vec2, jump: bool, yaw: f32) -> Self {
        let m = movement.clamp_length_max(1.0);
        Self {
            walk: [(m.x * 1000.0).round() as i16, (m.y * 1000.0).round() as i16],
            jump,
            yaw: (yaw.rem_euclid(std::f32::consts::TAU) * 10_000.0).round() as i32,
        }
    }

    /// Walk direction, length ≤ 1.
    pub fn movement(&self) -> Vec2 {
        Vec2::new(self.walk[0] as f32, self.walk[1] as f32) / 1000.0
    }

    /// Heading, radians.
    pub fn yaw(&self) -> f32 {
        self.yaw as f32 / 10_000.0
    }
}

/// Where Juno (and the camera behind her) is looking, radians.
#[derive(Component, Debug, Default, Clone, Copy)]
pub struct LookAngles {
    /// Turn around the vertical axis; 0 looks along -Z.
    pub yaw: f32,
    /// Up/down; negative looks down from above.
    pub pitch: f32,
}

/// Pitch limits: from steeply above to slightly below the horizon.
const PITCH_RANGE: (f32, f32) = (-1.25, 0.35);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<PlayerIntent>()
        .init_resource::<TickIntent>()
        .add_systems(
            FixedUpdate,
            take_intent
                .in_set(crate::SimSystems::Intent)
                .in_set(crate::DiveSystems::PlayerSteers),
        )
        .add_systems(
            Update,
            (read_movement, read_look)
                .in_set(crate::AppSystems::RecordInput)
                .in_set(crate::DiveSystems::PlayerSteers),
        )
        // Nothing pressed while the dream was forming carries into the new loop.
        .add_systems(
            OnEnter(DreamPhase::Exploring),
            |mut intent: ResMut<PlayerIntent>,
             mut tick: ResMut<TickIntent>,
             mut controls: ResMut<ControlState>| {
                *intent = PlayerIntent::default();
                tick.walk = [0, 0];
                tick.jump = false;
                controls.release_toggles();
            },
        );
}

/// This frame's walk and jump, from the controls (evaluated once per frame): the walk
/// as it is now, a jump latched until a tick takes it.
fn read_movement(controls: Res<ControlState>, mut intent: ResMut<PlayerIntent>) {
    intent.movement = controls.walk();
    intent.jump |= controls.pressed(Control::Jump);
}

/// The devices' intent becomes this tick's: a jump is taken once.
fn take_intent(
    mut intent: ResMut<PlayerIntent>,
    juno: Query<&LookAngles, With<Juno>>,
    mut tick: ResMut<TickIntent>,
) {
    let yaw = juno.single().map_or(0.0, |look| look.yaw);
    *tick = TickIntent::new(intent.movement, intent.jump, yaw);
    intent.jump = false;
}

fn read_look(
    controls: Res<ControlState>,
    cursor: Query<&CursorOptions, With<PrimaryWindow>>,
    time: Res<Time<Real>>,
    tuning: Res<super::JunoTuning>,
    mut juno: Query<&mut LookAngles, With<Juno>>,
) {
    let Ok(mut look) = juno.single_mut() else {
        return;
    };
    let mut delta = controls.turn() * tuning.stick_turn * time.delta_secs();
    // The mouse steers the camera only while the game holds the cursor.
    if cursor
        .single()
        .is_ok_and(|c| c.grab_mode != CursorGrabMode::None)
    {
        delta += controls.mouse * tuning.mouse_turn;
    }
    *look = turn(*look, delta);
}

/// `look` turned by `delta` (radians: x right, y down; the player's sensitivity and
/// inverted look are the controls' modifiers, already in it), the pitch kept within its
/// limits.
pub fn turn(look: LookAngles, delta: Vec2) -> LookAngles {
    LookAngles {
        yaw: (look.yaw - delta.x).rem_euclid(std::f32::consts::TAU),
        pitch: (look.pitch - delta.y).clamp(PITCH_RANGE.0, PITCH_RANGE.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looking_turns_and_stays_within_the_pitch_limits() {
        let level = LookAngles {
            yaw: 1.0,
            pitch: -0.3,
        };
        let down_right = Vec2::new(0.1, 0.05);
        let turned = turn(level, down_right);
        assert!((turned.yaw - 0.9).abs() < 1e-6);
        assert!((turned.pitch - -0.35).abs() < 1e-6, "down looks down");
        let far = turn(level, Vec2::new(0.0, 10.0));
        assert_eq!(far.pitch, PITCH_RANGE.0, "never past the limits");
        let round = turn(level, Vec2::new(-7.0, 0.0));
        assert!((0.0..std::f32::consts::TAU).contains(&round.yaw));
    }
}
