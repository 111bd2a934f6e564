//! Building a loop's world from a generated dream: terrain with its collider, water,
//! memory anchors — and putting Juno at the spawn.

use std::sync::Arc;

use bevy::prelude::*;

use super::forge::GeneratedDream;
use super::{ActiveDive, DreamForge, DreamPhase, MemoryAnchor, NightmareLoop};
use crate::dream::Dream;
use crate::juno::PlaceJuno;
use crate::screens::AppState;

/// The dream being played. Systems that need the ground (camera, controller) read it here.
#[derive(Resource, Clone, Deref)]
pub struct CurrentDream(pub Arc<Dream>);

/// Belongs to one loop: despawned when the loop collapses.
#[derive(Component, Debug, Default, Clone, Copy)]
pub struct LoopScoped;

/// The dream's ground: a mesh and a heightfield collider.
#[derive(Component, Debug, Default, Clone, Copy)]
pub struct Terrain;

/// The water surface of a dream that has one.
#[derive(Component, Debug, Default, Clone, Copy)]
pub struct WaterSurface;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        form_loop
            .in_set(crate::AppSystems::Update)
            .run_if(in_state(DreamPhase::Forming)),
    );
}

/// When the generator has the loop the dive is on, replaces the old loop's world with it.
fn form_loop(
    mut commands: Commands,
    mut forge: ResMut<DreamForge>,
    dive: Res<ActiveDive>,
    mut meshes: ResMut<Assets<Mesh>>,
    old: Query<Entity, With<LoopScoped>>,
    mut next_phase: ResMut<NextState<DreamPhase>>,
) {
    let Some(generated) = forge.take(&dive.dreamer.id, dive.loop_index) else {
        return;
    };
    for entity in &old {
        commands.entity(entity).despawn();
    }
    let dream = generated.dream.clone();
    info!(
        "{}'s dream, loop {}: generated in {:.0} ms",
        dive.dreamer.name,
        dive.loop_index + 1,
        generated.millis
    );
    // First the dream, then its entities: observers dressing them read the palette.
    commands.insert_resource(CurrentDream(dream.clone()));
    spawn_world(&mut commands, &mut meshes, generated);
    commands.insert_resource(NightmareLoop::new(
        dive.loop_index,
        dive.dreamer.loop_seconds,
        dream.anchors.len(),
    ));
    commands.trigger(PlaceJuno { feet: dream.spawn });
    // Forge the next loop while this one is played.
    forge.request(&dive.dreamer, dive.loop_index + 1);
    next_phase.set(DreamPhase::Exploring);
}

fn spawn_world(commands: &mut Commands, meshes: &mut Assets<Mesh>, generated: GeneratedDream) {
    let dream = &generated.dream;
    commands.spawn((
        Name::new("Terrain"),
        Terrain,
        loop_scope(),
        Transform::IDENTITY,
        Mesh3d(meshes.add(generated.terrain_mesh)),
        generated.collider,
    ));
    if let Some(level) = dream.water_level {
        let size = dream.heightfield.extent() * 1.6;
        commands.spawn((
            Name::new("Water"),
            WaterSurface,
            loop_scope(),
            Transform::from_xyz(0.0, level, 0.0),
            Mesh3d(meshes.add(Plane3d::default().mesh().size(size, size))),
        ));
    }
    let anchor_mesh = meshes.add(Sphere::new(0.45).mesh().uv(24, 16));
    for (index, position) in dream.anchors.iter().enumerate() {
        commands.spawn((
            Name::new(format!("Memory anchor {index}")),
            MemoryAnchor { index },
            loop_scope(),
            Transform::from_translation(*position),
            Visibility::Visible,
            Mesh3d(anchor_mesh.clone()),
        ));
    }
}

/// What every entity of a loop carries: gone when the loop collapses or the dive ends.
fn loop_scope() -> (LoopScoped, DespawnOnExit<AppState>) {
    (LoopScoped, DespawnOnExit(AppState::Dream))
}
