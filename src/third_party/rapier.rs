//! Rapier physics, stepped in `FixedUpdate` at the fixed clock's rate.

use bevy::prelude::*;
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
