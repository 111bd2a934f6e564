//! Rapier physics, stepped in `FixedUpdate` at the fixed clock's rate.

use bevy::prelude::*;
use bevy_rapier3d::plugin::RapierTransformPropagateSet;
use bevy_rapier3d::prelude::*;

/// Simulation rate, Hz. Rapier and Juno's controller both step at this rate.
pub const PHYSICS_HZ: f64 = 60.0;

pub(crate) fn plugin(app: &mut App) {
    app.insert_resource(Time::<Fixed>::from_hz(PHYSICS_HZ))
        // Must exist before the plugin builds, or it warns about a mismatched step.
        .insert_resource(TimestepMode::Fixed {
            dt: 1.0 / PHYSICS_HZ as f32,
            substeps: 1,
        })
        .add_plugins(RapierPhysicsPlugin::<NoUserData>::default().in_fixed_schedule())
        // bevy_rapier propagates transforms inside each step, but without Bevy's
        // `mark_dirty_trees` (which runs once a frame, in PostUpdate), so the propagation
        // skips every tree it has not been told changed: a body with children (Juno
        // wearing her figure, in a window) kept a stale GlobalTransform, her moves were
        // undone, and a replay played in a window parted from the same one headless at its
        // first second. Marking the trees (after the controller has moved her) makes each
        // step see this tick's poses.
        .add_systems(
            FixedUpdate,
            bevy::transform::systems::mark_dirty_trees
                .in_set(RapierTransformPropagateSet)
                .after(bevy_rapier3d::plugin::systems::update_character_controls)
                .before(bevy::transform::systems::sync_simple_transforms),
        )
        .configure_sets(
            FixedUpdate,
            (
                (
                    crate::SimSystems::Tick,
                    crate::SimSystems::Intent,
                    crate::SimSystems::Move,
                )
                    .chain()
                    .before(PhysicsSet::SyncBackend),
                (
                    crate::SimSystems::Hazards,
                    crate::SimSystems::Dream,
                    crate::SimSystems::Loop,
                    crate::SimSystems::Check,
                )
                    .chain()
                    .after(PhysicsSet::Writeback),
            ),
        );
}
