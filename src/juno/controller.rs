//! Juno's movement: acceleration, gravity, coyote time and jump buffering on top of
//! rapier's kinematic character controller, stepped on the fixed clock.

use bevy::prelude::*;
use bevy_rapier3d::prelude::*;

use super::{JUNO_CENTRE_HEIGHT, Juno, Settling, TickIntent};
pub use crate::levels::JunoTuning;
use crate::levels::Levels;
use crate::portable;
use crate::world::CurrentDream;

/// Juno's momentum and jump state between physics ticks.
#[derive(Component, Debug, Default, Clone, Copy)]
pub struct JunoMotion {
    pub velocity: Vec3,
    pub grounded: bool,
    /// Seconds since she last stood on ground.
    pub airborne_for: f32,
    /// Seconds a buffered jump stays wanted.
    pub jump_wanted_for: f32,
}

/// How often Juno had to be lifted back onto the terrain after ending up below it.
/// Zero in a healthy game; tests assert it stays zero.
#[derive(Resource, Debug, Default, Clone, Copy)]
pub struct JunoRescues(pub u32);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<JunoTuning>()
        .init_resource::<JunoRescues>()
        .add_systems(
            FixedUpdate,
            move_juno
                .in_set(crate::SimSystems::Move)
                .in_set(crate::DiveSystems::LoopRunning),
        )
        .add_systems(
            Update,
            follow_tuning_file.run_if(resource_exists_and_changed::<Levels>),
        );
}

/// The campaign file's `juno` numbers, whenever the level files change (hot reload
/// included): the resource and the body in play follow them.
fn follow_tuning_file(
    levels: Res<Levels>,
    mut tuning: ResMut<JunoTuning>,
    mut bodies: Query<&mut KinematicCharacterController, With<Juno>>,
) {
    if *tuning == levels.library.juno {
        return;
    }
    *tuning = levels.library.juno;
    info!("Juno's movement tuned from the campaign file");
    for mut body in &mut bodies {
        *body = super::character_controller(&tuning.limits());
    }
}

/// What the hazards do to Juno's movement on the next tick.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct HazardEffects {
    /// Pulled along at this velocity, m/s (horizontal).
    pub pull: Vec3,
    /// Her walking speed is multiplied by this.
    pub slow: f32,
}

impl Default for HazardEffects {
    fn default() -> Self {
        Self {
            pull: Vec3::ZERO,
            slow: 1.0,
        }
    }
}

#[allow(clippy::type_complexity, clippy::too_many_arguments)]
fn move_juno(
    time: Res<Time>,
    tuning: Res<JunoTuning>,
    dream: Res<CurrentDream>,
    intent: Res<TickIntent>,
    effects: Res<HazardEffects>,
    mut rescues: ResMut<JunoRescues>,
    mut commands: Commands,
    mut juno: Query<
        (
            Entity,
            &mut Transform,
            &mut KinematicCharacterController,
            Option<&KinematicCharacterControllerOutput>,
            &mut JunoMotion,
            Option<&mut Settling>,
        ),
        With<Juno>,
    >,
) {
    let dt = time.delta_secs();
    let Ok((entity, mut transform, mut controller, output, mut motion, settling)) =
        juno.single_mut()
    else {
        return;
    };
    if intent.jump {
        motion.jump_wanted_for = tuning.jump_buffer;
    }
    if let Some(mut settling) = settling {
        settling.ticks = settling.ticks.saturating_sub(1);
        if settling.ticks == 0 {
            commands.entity(entity).remove::<Settling>();
        }
        motion.velocity = Vec3::ZERO;
        return;
    }

    // Safety net: if she is ever below the ground, lift her back up (and count it).
    let ground = dream.heightfield.height_at(transform.translation.xz());
    if transform.translation.y < ground + JUNO_CENTRE_HEIGHT - 0.5 {
        warn!(
            "Juno was below the terrain at {}; lifted back",
            transform.translation
        );
        rescues.0 += 1;
        transform.translation.y = ground + JUNO_CENTRE_HEIGHT + 0.1;
        motion.velocity = Vec3::ZERO;
        return;
    }

    motion.grounded = output.is_some_and(|o| o.grounded);
    if motion.grounded {
        motion.airborne_for = 0.0;
        motion.velocity.y = motion.velocity.y.max(-1.0);
    } else {
        motion.airborne_for += dt;
    }
    if motion.jump_wanted_for > 0.0 && motion.airborne_for <= tuning.coyote_time {
        motion.velocity.y = tuning.jump_speed;
        motion.jump_wanted_for = 0.0;
        // No second jump from the same coyote window.
        motion.airborne_for = tuning.coyote_time + dt;
    }
    motion.jump_wanted_for = (motion.jump_wanted_for - dt).max(0.0);
    motion.velocity.y = (motion.velocity.y - tuning.gravity * dt).max(-tuning.terminal_speed);

    let wish = portable::turn_about_y(
        Vec3::new(intent.movement().x, 0.0, -intent.movement().y),
        intent.yaw(),
    ) * (tuning.walk_speed * effects.slow);
    let accel = if motion.grounded {
        tuning.ground_accel
    } else {
        tuning.air_accel
    };
    let horizontal = motion.velocity.xz().move_towards(wish.xz(), accel * dt);
    motion.velocity.x = horizontal.x;
    motion.velocity.z = horizontal.y;

    // The strings pull her along without becoming her own momentum.
    let mut step = (motion.velocity + effects.pull) * dt;
    // The dream's rim: she may not leave it, however she jumps.
    let bound = dream.heightfield.extent() * 0.5 - 2.0;
    for axis in [0, 2] {
        let next = transform.translation[axis] + step[axis];
        if next.abs() > bound && next.abs() > transform.translation[axis].abs() {
            step[axis] = 0.0;
            motion.velocity[axis] = 0.0;
        }
    }
    controller.translation = Some(step);
    if horizontal.length_squared() > 0.25 {
        let target = portable::atan2(-horizontal.x, -horizontal.y);
        let yaw = portable::turn_towards(
            portable::yaw_of(transform.rotation),
            target,
            (12.0 * dt).min(1.0),
        );
        transform.rotation = portable::yaw_rotation(yaw);
    }
}
