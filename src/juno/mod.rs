//! Juno: her body in the dream (a rapier kinematic character controller), how the
//! player's devices steer it.

mod controller;
mod input;

use bevy::prelude::*;
use bevy_rapier3d::prelude::*;

pub use controller::{HazardEffects, JunoMotion, JunoRescues, JunoTuning};
pub use input::{LookAngles, PlayerIntent, TickIntent};

use crate::dream::MovementLimits;
use crate::state::AppState;

/// Juno's capsule: radius and the half-length of its straight middle, metres.
pub const JUNO_RADIUS: f32 = 0.35;
pub const JUNO_HALF_SEGMENT: f32 = 0.55;
/// From her feet to her centre.
pub const JUNO_CENTRE_HEIGHT: f32 = JUNO_RADIUS + JUNO_HALF_SEGMENT;

/// The player character.
#[derive(Component, Debug, Default, Clone, Copy)]
pub struct Juno;

/// Puts Juno's feet at a point, spawning her if she is not in the dream yet.
#[derive(Event, Debug, Clone, Copy)]
pub struct PlaceJuno {
    pub feet: Vec3,
}

/// Juno holds still for a few physics ticks after being placed, so a freshly spawned
/// terrain collider is in the physics world before she moves against it.
#[derive(Component, Debug, Clone, Copy)]
pub struct Settling {
    pub ticks: u32,
}

pub(super) fn plugin(app: &mut App) {
    app.add_observer(place_juno);
    app.add_plugins((controller::plugin, input::plugin));
}

fn place_juno(
    place: On<PlaceJuno>,
    mut commands: Commands,
    mut juno: Query<(Entity, &mut Transform, &mut JunoMotion), With<Juno>>,
    tuning: Res<JunoTuning>,
) {
    let centre = place.feet + Vec3::Y * (JUNO_CENTRE_HEIGHT + 0.05);
    let settle = Settling { ticks: 3 };
    if let Ok((entity, mut transform, mut motion)) = juno.single_mut() {
        transform.translation = centre;
        *motion = JunoMotion::default();
        commands.entity(entity).insert(settle);
        return;
    }
    commands.spawn((
        Name::new("Juno"),
        Juno,
        settle,
        Transform::from_translation(centre),
        Visibility::Visible,
        DespawnOnExit(AppState::Dream),
        RigidBody::KinematicPositionBased,
        Collider::capsule_y(JUNO_HALF_SEGMENT, JUNO_RADIUS),
        character_controller(&tuning.limits()),
        JunoMotion::default(),
        LookAngles::default(),
    ));
}

/// Rapier's controller with the same limits the generator plans reachability with.
pub(crate) fn character_controller(limits: &MovementLimits) -> KinematicCharacterController {
    KinematicCharacterController {
        up: Vec3::Y,
        offset: CharacterLength::Absolute(0.02),
        max_slope_climb_angle: limits.max_slope_angle(),
        min_slope_slide_angle: limits.max_slope_angle(),
        autostep: Some(CharacterAutostep {
            max_height: CharacterLength::Absolute(limits.step_height),
            min_width: CharacterLength::Absolute(0.2),
            include_dynamic_bodies: false,
        }),
        snap_to_ground: Some(CharacterLength::Absolute(0.3)),
        ..default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dream::MovementLimits;

    #[test]
    fn the_generator_plans_with_junos_body() {
        assert_eq!(MovementLimits::default().body_radius, JUNO_RADIUS);
    }
}
