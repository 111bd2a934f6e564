//! Building a loop's world from a generated dream: terrain with its collider, water,
//! memory anchors — and putting Juno at the spawn.

use bevy::prelude::*;

use crate::state::DiveResources;
use bevy_rapier3d::prelude::Collider;

use super::forge::GeneratedDream;
use super::hazards::make_hazard;
use super::people::{People, put_in_place};
use super::{
    ActiveDive, CORE_VEIL_RADIUS, CoreVeil, DreamForge, Lucidity, MemoryAnchor, NightmareLoop,
    Understood,
};
use crate::dream::{Dream, HazardKind, PropKind};
use crate::juno::PlaceJuno;
use crate::long_work::ChangeStep;
use crate::state::AppState;
use crate::state::DreamPhase;
use crate::world::CurrentDream;

/// Belongs to one loop: despawned when the loop collapses.
#[derive(Component, Debug, Default, Clone, Copy)]
pub struct LoopScoped;

/// The dream's ground: a heightfield collider, with its mesh in [`TerrainChunk`]
/// children.
#[derive(Component, Debug, Default, Clone, Copy)]
pub struct Terrain;

/// One square of the terrain's mesh, culled on its own.
#[derive(Component, Debug, Default, Clone, Copy)]
pub struct TerrainChunk;

/// The dream's core: the sunken plaza where the dreamer waits.
#[derive(Component, Debug, Default, Clone, Copy)]
pub struct DreamCoreSite;

/// Something standing in the dream that says what it is about.
#[derive(Component, Debug, Clone, Copy)]
pub struct DreamProp(pub PropKind);

/// Where one of the fear's hazards starts (its behaviour belongs to the nightmare).
#[derive(Component, Debug, Clone, Copy)]
pub struct HazardSite(pub HazardKind);

/// The water surface of a dream that has one.
#[derive(Component, Debug, Default, Clone, Copy)]
pub struct WaterSurface;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        form_loop
            .in_set(crate::AppSystems::Update)
            .run_if(in_state(DreamPhase::Forming)),
    )
    .add_systems(OnEnter(DreamPhase::Exploring), loop_begins)
    .end_with_dive::<Unfurnished>();
}

/// The frame a loop's play begins is the change's last: what runs only in play runs
/// again, on a world it has not seen (the cast, put in place behind the forming screen,
/// start to walk the frame after).
fn loop_begins(mut meter: ResMut<crate::long_work::WorkMeter>) {
    meter.loop_changing(ChangeStep::Beginning);
}

/// The new loop's ground is in place, solid under Juno; what is still to come, a
/// frame's share at a time, so no frame carries the whole rebuild: the ground's mesh a
/// few chunks a frame (each one's upload is the frame's), then the core and the memory
/// anchors, then the props and the hazards a few a frame (each dressed as it comes),
/// then the dream's people one a frame.
#[derive(Resource)]
pub(super) struct Unfurnished {
    terrain: Entity,
    chunks: Vec<Mesh>,
    /// Whether the core and the anchors stand.
    core: bool,
    /// How many of the dream's props, then of its hazards, stand; how many of its cast
    /// were seen to (put in place, or gone from the dream).
    props: usize,
    hazards: usize,
    people: usize,
}

/// The ground's mesh chunks added (and so uploaded) in one frame of a loop's change.
pub const CHUNKS_PER_FRAME: usize = 4;
/// The props put in one frame of a loop's change.
pub const PROPS_PER_FRAME: usize = 8;
/// The hazards put in one frame of a loop's change (each one a figure or a field of
/// tiles to dress).
pub const HAZARDS_PER_FRAME: usize = 2;
/// The dream's people put in one frame of a loop's change (each a figure to dress, and
/// someone at the edge a search of the reachable ground).
pub const PEOPLE_PER_FRAME: usize = 1;

/// When the generator has the loop the dive is on, replaces the old loop's world with it,
/// over a few frames behind the forming screen: first the ground's collider (and Juno on
/// it), then its mesh [`CHUNKS_PER_FRAME`] chunks a frame, then what stands on it a few
/// things a frame ([`Unfurnished`]), the dream's people last; the loop begins in the
/// frame after the last comes.
#[allow(clippy::too_many_arguments)]
pub(super) fn form_loop(
    mut commands: Commands,
    mut forge: ResMut<DreamForge>,
    dive: Res<ActiveDive>,
    mut meshes: ResMut<Assets<Mesh>>,
    old: Query<Entity, With<LoopScoped>>,
    unfurnished: Option<ResMut<Unfurnished>>,
    reshaping: Option<Res<super::Reshaping>>,
    current: Option<Res<CurrentDream>>,
    mut next_phase: ResMut<NextState<DreamPhase>>,
    mut meter: ResMut<crate::long_work::WorkMeter>,
    people: Res<People>,
) {
    // Furnishing a loop whose files just changed would dress the old ground: the new
    // loop is on its way.
    if let (Some(mut unfurnished), Some(current), None) = (unfurnished, current, &reshaping) {
        meter.loop_changing(if unfurnished.chunks.is_empty() {
            ChangeStep::Furnishing
        } else {
            ChangeStep::Chunks
        });
        let dream = current.0.clone();
        let to = Furnishing {
            dream: &dream,
            dive: &dive,
            people: &people,
        };
        if !furnish_a_frame(&mut commands, &mut meshes, &mut unfurnished, to) {
            return;
        }
        commands.remove_resource::<Unfurnished>();
        commands.insert_resource(NightmareLoop::new(
            dive.loop_index,
            dive.spec.dream.loop_seconds,
            dream.anchors.len(),
        ));
        // Each loop starts lucid: what carries over is what she understood.
        commands.insert_resource(Lucidity::full());
        // Forge the next loop while this one is played.
        forge.request(&dive.spec, dive.next_loop());
        next_phase.set(DreamPhase::Exploring);
        return;
    }
    // Behind the forming screen a loop is changing, whatever this frame does.
    let Some(generated) = forge.take(dive.spec.id(), dive.loop_index) else {
        meter.loop_changing(ChangeStep::Forming);
        return;
    };
    meter.loop_changing(ChangeStep::Ground);
    for entity in &old {
        commands.entity(entity).despawn();
    }
    let dream = generated.dream.clone();
    info!(
        "{}'s dream, loop {}: generated in {:.0} ms",
        dive.spec.dreamer.name,
        dive.loop_number(),
        generated.millis
    );
    // First the dream, then its entities: observers dressing them read the palette.
    commands.insert_resource(CurrentDream(dream.clone()));
    let unfurnished = spawn_ground(&mut commands, &mut meshes, generated);
    // After a hot reload Juno stays where she was, on the nearest safe ground.
    let feet = match reshaping {
        Some(r) => {
            commands.remove_resource::<super::Reshaping>();
            dream.safe_spot_near(Vec2::new(r.juno_at.x, r.juno_at.z))
        }
        None => dream.spawn,
    };
    commands.trigger(PlaceJuno { feet });
    commands.insert_resource(unfurnished);
}

/// The terrain's collider and the water; the terrain's mesh chunks are left to come.
fn spawn_ground(
    commands: &mut Commands,
    meshes: &mut Assets<Mesh>,
    generated: GeneratedDream,
) -> Unfurnished {
    let dream = &generated.dream;
    let terrain = commands
        .spawn((
            Name::new("Terrain"),
            Terrain,
            loop_scope(),
            Transform::IDENTITY,
            Visibility::Visible,
            generated.collider,
        ))
        .id();
    if let Some(level) = dream.water_level {
        let size = dream.heightfield.extent() * WATER_SPREAD;
        commands.spawn((
            Name::new("Water"),
            WaterSurface,
            loop_scope(),
            Transform::from_xyz(0.0, level, 0.0),
            Mesh3d(meshes.add(Plane3d::default().mesh().size(size, size))),
        ));
    }
    Unfurnished {
        terrain,
        chunks: generated.terrain_chunks,
        core: false,
        props: 0,
        hazards: 0,
        people: 0,
    }
}

/// This frame's share of what is still to come of the loop's world (see
/// [`Unfurnished`]): whether all of it is now there.
fn furnish_a_frame(
    commands: &mut Commands,
    meshes: &mut Assets<Mesh>,
    to_come: &mut Unfurnished,
    Furnishing {
        dream,
        dive,
        people,
    }: Furnishing,
) -> bool {
    let cast = dive.spec.dream.cast.len();
    if !to_come.chunks.is_empty() {
        let from = to_come.chunks.len().saturating_sub(CHUNKS_PER_FRAME);
        let terrain = to_come.terrain;
        for chunk in to_come.chunks.drain(from..) {
            commands.spawn(terrain_chunk(meshes, chunk, terrain));
        }
    } else if !to_come.core {
        furnish_core_and_anchors(commands, meshes, dream, dive);
        to_come.core = true;
    } else if to_come.props < dream.props.len() {
        let end = (to_come.props + PROPS_PER_FRAME).min(dream.props.len());
        for prop in &dream.props[to_come.props..end] {
            let mut entity = commands.spawn(prop_bundle(prop));
            if let Some((offset, collider)) = prop_collider(prop.kind) {
                entity.with_children(|solid| {
                    solid.spawn((Transform::from_translation(offset), collider));
                });
            }
        }
        to_come.props = end;
    } else if to_come.hazards < dream.hazards.len() {
        let end = (to_come.hazards + HAZARDS_PER_FRAME).min(dream.hazards.len());
        for hazard in &dream.hazards[to_come.hazards..end] {
            let mut entity = commands.spawn((
                Name::new(format!("Hazard: {}", hazard.kind.label())),
                HazardSite(hazard.kind),
                loop_scope(),
                Transform::from_translation(hazard.position),
                Visibility::Visible,
            ));
            make_hazard(&mut entity, hazard.kind, hazard.position);
        }
        to_come.hazards = end;
    } else {
        // Those gone from the dream cost nothing: on to the next who is not.
        let mut put = 0;
        while put < PEOPLE_PER_FRAME && to_come.people < cast {
            put += usize::from(put_in_place(commands, to_come.people, people, dive, dream));
            to_come.people += 1;
        }
    }
    to_come.chunks.is_empty()
        && to_come.core
        && to_come.props == dream.props.len()
        && to_come.hazards == dream.hazards.len()
        && to_come.people >= cast
}

/// What a loop's world is furnished from.
#[derive(Clone, Copy)]
struct Furnishing<'a> {
    dream: &'a Dream,
    dive: &'a ActiveDive,
    people: &'a People,
}

/// One square of the terrain's mesh, under the terrain.
fn terrain_chunk(meshes: &mut Assets<Mesh>, chunk: Mesh, terrain: Entity) -> impl Bundle {
    (
        Name::new("Terrain chunk"),
        TerrainChunk,
        Mesh3d(meshes.add(chunk)),
        ChildOf(terrain),
    )
}

/// How far a dream's water reaches, as a multiple of its ground's extent: past the
/// horizon, so no edge shows.
pub const WATER_SPREAD: f32 = 1.6;

/// The core (with its veil while it is closed) and the memory anchors.
fn furnish_core_and_anchors(
    commands: &mut Commands,
    meshes: &mut Assets<Mesh>,
    dream: &Dream,
    dive: &ActiveDive,
) {
    commands
        .spawn((
            Name::new("Dream core"),
            DreamCoreSite,
            loop_scope(),
            Transform::from_translation(dream.core.position),
            Visibility::Visible,
        ))
        .with_children(|core| {
            // The dreamer's place at the heart of the plaza: solid, Juno walks around it.
            core.spawn((
                Transform::from_xyz(0.0, 1.3, 0.0),
                Collider::capsule_y(0.8, 0.45),
            ));
            if !dive.core_open() {
                core.spawn(core_veil());
            }
        });
    let anchor_mesh = meshes.add(Sphere::new(0.45).mesh().uv(24, 16));
    for (index, position) in dream.anchors.iter().enumerate() {
        let mut anchor = commands.spawn((
            Name::new(format!("Memory anchor {index}")),
            MemoryAnchor { index },
            loop_scope(),
            Transform::from_translation(*position),
            Visibility::Visible,
            Mesh3d(anchor_mesh.clone()),
        ));
        // Understood in an earlier loop: it stays lit.
        if dive.understood.contains(&index) {
            anchor.insert(Understood);
        }
    }
}

/// A prop where the dream put it (its solid part, if any, is a child).
fn prop_bundle(prop: &crate::dream::Prop) -> impl Bundle {
    (
        Name::new(format!("Prop: {:?}", prop.kind)),
        DreamProp(prop.kind),
        loop_scope(),
        Transform::from_translation(prop.position)
            .with_rotation(crate::portable::yaw_rotation(
                prop.turn * std::f32::consts::TAU,
            ))
            .with_scale(Vec3::splat(prop.scale)),
        Visibility::Visible,
    )
}

/// The veil that keeps Juno from the dreamer until she understands enough of them:
/// solid, a little wider than the dreamer's own place.
fn core_veil() -> impl Bundle {
    (
        Name::new("Core veil"),
        CoreVeil,
        Transform::from_xyz(0.0, 2.0, 0.0),
        Visibility::Visible,
        Collider::cylinder(2.0, CORE_VEIL_RADIUS),
    )
}

/// What every entity of a loop carries: gone when the loop collapses or the dive ends.
fn loop_scope() -> (LoopScoped, DespawnOnExit<AppState>) {
    (LoopScoped, DespawnOnExit(AppState::Dream))
}

/// The solid part of a prop, in its own space (scaled with it), and where it sits. Props
/// that float overhead or are thin as a thread have none.
pub fn prop_collider(kind: PropKind) -> Option<(Vec3, Collider)> {
    let part = match kind {
        PropKind::Shard | PropKind::PuppetString => return None,
        PropKind::MirrorPane => (Vec3::Y * 1.3, Collider::cuboid(0.7, 1.3, 0.04)),
        PropKind::StreetLamp => (Vec3::Y * 1.6, Collider::cylinder(1.6, 0.1)),
        PropKind::Clock => (Vec3::Y * 0.9, Collider::cylinder(0.9, 0.08)),
        PropKind::Eye => (Vec3::Y * 1.1, Collider::cylinder(1.1, 0.08)),
        PropKind::Buoy => (Vec3::Y * 0.6, Collider::cylinder(0.6, 0.45)),
        PropKind::EmptyChair => (Vec3::Y * 0.5, Collider::cuboid(0.3, 0.5, 0.3)),
        PropKind::BrokenStair => {
            // Four blocks rising 0.35 m each: steps Juno can climb, to nowhere.
            let steps = (0..4)
                .map(|k| {
                    let h = STAIR_RISE * (k + 1) as f32;
                    let at = Vec3::new(0.0, h * 0.5, k as f32 * STAIR_RUN);
                    (
                        at,
                        Quat::IDENTITY,
                        Collider::cuboid(0.5, h * 0.5, STAIR_RUN * 0.5),
                    )
                })
                .collect();
            (Vec3::ZERO, Collider::compound(steps))
        }
    };
    Some(part)
}

/// Rise and run of a broken stair's steps, metres.
pub const STAIR_RISE: f32 = 0.35;
pub const STAIR_RUN: f32 = 0.6;
