//! How the fear's hazards look, so the player can read them: what each is, where it
//! reaches, and — the moment it hurts — that it is the one hurting. Meshes and
//! materials are made once; a loop reset makes none.

use bevy::light::NotShadowCaster;
use bevy::prelude::*;

use crate::dive::hazards::{DissolvingPatch, RisingPool, WATCHER_EYE, Watcher};
use crate::dive::{ActiveDive, CurrentDream, Hazard, NightmareLoop};
use crate::dream::HazardKind;
use crate::juno::{JUNO_HALF_SEGMENT, JUNO_RADIUS, Juno};
use crate::state::AppState;

/// The parts of a hazard that change as it acts.
#[derive(Component, Debug, Clone, Default)]
struct HazardLook {
    /// Lit up while it hurts.
    body: Vec<Entity>,
    /// A line from it to Juno while it reaches her (watcher's gaze, taut string).
    beam: Option<Entity>,
    /// Tiles of dissolving ground, or the body of a pool.
    parts: Vec<Entity>,
}

#[derive(Resource)]
struct HazardAssets {
    dark: Handle<StandardMaterial>,
    eye: Handle<StandardMaterial>,
    hurting: Handle<StandardMaterial>,
    copy: Handle<StandardMaterial>,
    tile: Handle<StandardMaterial>,
    fog: Handle<StandardMaterial>,
    water: Handle<StandardMaterial>,
    string: Handle<StandardMaterial>,
    chaser: Handle<Mesh>,
    small_eye: Handle<Mesh>,
    copy_body: Handle<Mesh>,
    tile_mesh: Handle<Mesh>,
    pool: Handle<Mesh>,
    sheet: Handle<Mesh>,
    thread: Handle<Mesh>,
    stalk: Handle<Mesh>,
    eyeball: Handle<Mesh>,
}

/// Spacing of dissolving ground's tiles, metres.
const TILE_SPACING: f32 = 1.5;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, make_assets)
        .add_observer(dress)
        .add_systems(
            Update,
            (show_hurt, show_wear, show_pools, show_reach)
                .run_if(in_state(AppState::Dream))
                .run_if(resource_exists::<CurrentDream>)
                .run_if(resource_exists::<ActiveDive>),
        );
}

fn make_assets(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let glow = |r: f32, g: f32, b: f32| StandardMaterial {
        base_color: Color::srgb(r, g, b),
        emissive: LinearRgba::rgb(r * 4.0, g * 4.0, b * 4.0),
        unlit: true,
        ..default()
    };
    let translucent = |colour: Color| StandardMaterial {
        base_color: colour,
        alpha_mode: AlphaMode::Blend,
        unlit: true,
        double_sided: true,
        cull_mode: None,
        ..default()
    };
    commands.insert_resource(HazardAssets {
        dark: materials.add(StandardMaterial {
            base_color: Color::srgb(0.03, 0.02, 0.04),
            perceptual_roughness: 0.3,
            ..default()
        }),
        eye: materials.add(glow(1.0, 0.15, 0.1)),
        hurting: materials.add(glow(1.0, 0.05, 0.05)),
        copy: materials.add(StandardMaterial {
            base_color: Color::srgba(0.5, 0.6, 0.9, 0.55),
            metallic: 1.0,
            perceptual_roughness: 0.05,
            alpha_mode: AlphaMode::Blend,
            ..default()
        }),
        tile: materials.add(glow(0.9, 0.2, 0.75)),
        fog: materials.add(translucent(Color::srgba(0.72, 0.76, 0.92, 0.55))),
        water: materials.add(translucent(Color::srgba(0.1, 0.25, 0.4, 0.6))),
        string: materials.add(glow(1.0, 0.8, 0.45)),
        chaser: meshes.add(Capsule3d::new(0.6, 1.4)),
        small_eye: meshes.add(Sphere::new(0.1).mesh().ico(1).expect("small icosphere")),
        copy_body: meshes.add(Capsule3d::new(JUNO_RADIUS, JUNO_HALF_SEGMENT * 2.0)),
        tile_mesh: meshes.add(Cuboid::new(1.3, 0.08, 1.3)),
        pool: meshes.add(Cylinder::new(1.0, 1.0)),
        sheet: meshes.add(Plane3d::default().mesh().size(1.0, 1.0)),
        thread: meshes.add(Cylinder::new(0.03, 1.0)),
        stalk: meshes.add(Cylinder::new(0.07, WATCHER_EYE)),
        eyeball: meshes.add(Sphere::new(0.5).mesh().uv(16, 10)),
    });
}

/// Gives a hazard the looks of its kind.
fn dress(
    add: On<Add, Hazard>,
    mut commands: Commands,
    hazards: Query<&Hazard>,
    assets: Res<HazardAssets>,
    dive: Option<Res<ActiveDive>>,
    dream: Option<Res<CurrentDream>>,
) {
    let (Ok(hazard), Some(dive), Some(dream)) = (hazards.get(add.entity), dive, dream) else {
        return;
    };
    let rules = &dive.spec.dream.nightmare;
    let a = &*assets;
    let mut look = HazardLook::default();
    let mut root = commands.entity(add.entity);
    let part = |root: &mut EntityCommands,
                bundle: (Handle<Mesh>, Handle<StandardMaterial>, Transform)| {
        let (mesh, material, transform) = bundle;
        let mut id = Entity::PLACEHOLDER;
        root.with_children(|p| {
            id = p
                .spawn((
                    Mesh3d(mesh),
                    MeshMaterial3d(material),
                    transform,
                    NotShadowCaster,
                ))
                .id();
        });
        id
    };
    match hazard.kind {
        HazardKind::Chaser => {
            look.body.push(part(
                &mut root,
                (
                    a.chaser.clone(),
                    a.dark.clone(),
                    Transform::from_xyz(0.0, 1.3, 0.0),
                ),
            ));
            for x in [-0.2, 0.2] {
                part(
                    &mut root,
                    (
                        a.small_eye.clone(),
                        a.eye.clone(),
                        Transform::from_xyz(x, 1.9, -0.55),
                    ),
                );
            }
        }
        HazardKind::MirrorCopy => {
            look.body.push(part(
                &mut root,
                (
                    a.copy_body.clone(),
                    a.copy.clone(),
                    Transform::from_xyz(0.0, JUNO_RADIUS + JUNO_HALF_SEGMENT, 0.0),
                ),
            ));
            part(
                &mut root,
                (
                    a.small_eye.clone(),
                    a.eye.clone(),
                    Transform::from_xyz(0.0, 1.35, -0.32),
                ),
            );
        }
        HazardKind::DissolvingGround => {
            let r = rules.dissolving_ground.radius;
            let steps = (r / TILE_SPACING).floor() as i32;
            for i in -steps..=steps {
                for j in -steps..=steps {
                    let offset = Vec2::new(i as f32, j as f32) * TILE_SPACING;
                    if offset.length() > r {
                        continue;
                    }
                    let ground = dream.heightfield.height_at(hazard.home.xz() + offset);
                    let at = Vec3::new(offset.x, ground - hazard.home.y + 0.06, offset.y);
                    look.parts.push(part(
                        &mut root,
                        (
                            a.tile_mesh.clone(),
                            a.tile.clone(),
                            Transform::from_translation(at),
                        ),
                    ));
                }
            }
        }
        HazardKind::RisingFog | HazardKind::RisingWater => {
            let rising = if hazard.kind == HazardKind::RisingFog {
                rules.rising_fog
            } else {
                rules.rising_water
            };
            let body = if rising.radius > 0.0 {
                (a.pool.clone(), a.fog.clone())
            } else {
                (a.sheet.clone(), a.water.clone())
            };
            let material = if hazard.kind == HazardKind::RisingWater {
                a.water.clone()
            } else {
                body.1
            };
            look.parts
                .push(part(&mut root, (body.0, material, Transform::default())));
        }
        HazardKind::Strings => {
            for k in 0..5 {
                let angle = k as f32 * std::f32::consts::TAU / 5.0;
                let at = Vec2::from_angle(angle) * 1.2;
                look.body.push(part(
                    &mut root,
                    (
                        a.thread.clone(),
                        a.string.clone(),
                        Transform::from_xyz(at.x, 20.0, at.y).with_scale(Vec3::new(1.0, 40.0, 1.0)),
                    ),
                ));
            }
            look.beam = Some(part(
                &mut root,
                (
                    a.thread.clone(),
                    a.string.clone(),
                    Transform::from_scale(Vec3::ZERO),
                ),
            ));
        }
        HazardKind::Watcher => {
            part(
                &mut root,
                (
                    a.stalk.clone(),
                    a.dark.clone(),
                    Transform::from_xyz(0.0, WATCHER_EYE * 0.5, 0.0),
                ),
            );
            look.body.push(part(
                &mut root,
                (
                    a.eyeball.clone(),
                    a.dark.clone(),
                    Transform::from_xyz(0.0, WATCHER_EYE, 0.0),
                ),
            ));
            look.beam = Some(part(
                &mut root,
                (
                    a.thread.clone(),
                    a.hurting.clone(),
                    Transform::from_scale(Vec3::ZERO),
                ),
            ));
        }
    }
    root.insert(look);
}

/// A hazard lights up red while it hurts her (never at the core or once she is free:
/// nothing hurts there).
fn show_hurt(
    hazards: Query<(&Hazard, &HazardLook)>,
    nightmare: Option<Res<NightmareLoop>>,
    assets: Res<HazardAssets>,
    mut materials: Query<&mut MeshMaterial3d<StandardMaterial>>,
) {
    let running = nightmare.is_some_and(|n| n.is_running());
    for (hazard, look) in &hazards {
        for &part in &look.body {
            let Ok(mut material) = materials.get_mut(part) else {
                continue;
            };
            let wanted = if hazard.hurting && running {
                &assets.hurting
            } else {
                match hazard.kind {
                    HazardKind::MirrorCopy => &assets.copy,
                    HazardKind::Strings => &assets.string,
                    _ => &assets.dark,
                }
            };
            if material.0 != *wanted {
                material.0 = wanted.clone();
            }
        }
    }
}

/// Dissolving tiles shake and shrink as she stands on them, and are gone once given way.
fn show_wear(
    time: Res<Time>,
    dive: Res<ActiveDive>,
    patches: Query<(&DissolvingPatch, &HazardLook)>,
    mut tiles: Query<(&mut Transform, &mut Visibility)>,
) {
    let rules = &dive.spec.dream.nightmare.dissolving_ground;
    let t = time.elapsed_secs();
    for (patch, look) in &patches {
        let wear = patch.0.wear(rules);
        for (k, &tile) in look.parts.iter().enumerate() {
            let Ok((mut transform, mut visibility)) = tiles.get_mut(tile) else {
                continue;
            };
            let shake = (t * 40.0 + k as f32 * 1.3).sin() * 0.12 * wear;
            transform.scale = Vec3::splat(1.0 - 0.6 * wear) + Vec3::Y * shake;
            *visibility = if patch.0.given_way {
                Visibility::Hidden
            } else {
                Visibility::Inherited
            };
        }
    }
}

/// Pools stand from below the ground up to their level.
fn show_pools(
    dream: Res<CurrentDream>,
    dive: Res<ActiveDive>,
    pools: Query<(&Hazard, &RisingPool, &HazardLook)>,
    mut parts: Query<&mut Transform, Without<Hazard>>,
) {
    for (hazard, pool, look) in &pools {
        let rules = match hazard.kind {
            HazardKind::RisingFog => dive.spec.dream.nightmare.rising_fog,
            _ => dive.spec.dream.nightmare.rising_water,
        };
        let Some(&body) = look.parts.first() else {
            continue;
        };
        let Ok(mut transform) = parts.get_mut(body) else {
            continue;
        };
        let level = pool.level - hazard.home.y;
        *transform = if rules.radius > 0.0 {
            let bottom = -4.0;
            let height = (level - bottom).max(0.01);
            Transform::from_xyz(0.0, bottom + height * 0.5, 0.0).with_scale(Vec3::new(
                rules.radius,
                height,
                rules.radius,
            ))
        } else {
            let size = dream.heightfield.extent() * 1.6;
            Transform::from_xyz(-hazard.home.x, level, -hazard.home.z)
                .with_scale(Vec3::new(size, 1.0, size))
        };
    }
}

/// The watcher's gaze and the strings' pull, drawn to Juno while they reach her.
fn show_reach(
    hazards: Query<(&Hazard, &Transform, &HazardLook, Option<&Watcher>)>,
    juno: Query<&Transform, With<Juno>>,
    nightmare: Option<Res<NightmareLoop>>,
    mut beams: Query<&mut Transform, (Without<Hazard>, Without<Juno>)>,
) {
    let running = nightmare.is_some_and(|n| n.is_running());
    let Ok(juno) = juno.single() else {
        return;
    };
    for (hazard, at, look, watcher) in &hazards {
        let Some(beam) = look.beam else {
            continue;
        };
        let Ok(mut beam) = beams.get_mut(beam) else {
            continue;
        };
        let (from, reaching) = match hazard.kind {
            HazardKind::Watcher => (Vec3::Y * WATCHER_EYE, watcher.is_some_and(|w| w.sees)),
            _ => (Vec3::Y * 30.0, hazard.hurting),
        };
        let to = juno.translation - at.translation;
        let line = to - from;
        *beam = if running && reaching && line.length() > 0.1 {
            Transform::from_translation(from + line * 0.5)
                .with_rotation(Quat::from_rotation_arc(Vec3::Y, line.normalize()))
                .with_scale(Vec3::new(1.5, line.length(), 1.5))
        } else {
            Transform::from_scale(Vec3::ZERO)
        };
    }
}
