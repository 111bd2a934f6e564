//! How the fear's hazards look, so the player can read them: what each is, where it
//! reaches, and — the moment it hurts — that it is the one hurting. Meshes and
//! materials are made once; a loop reset makes none.

use bevy::light::NotShadowCaster;
use bevy::prelude::*;

use super::figure::{Figures, Finish, Glitch, Slot, Spawned};
use super::surface::{self, SurfaceTextures};
use crate::dive::hazards::{DissolvingPatch, RisingPool, WATCHER_EYE, Watcher};
use crate::dive::{ActiveDive, CurrentDream, Hazard, LoopState, NightmareLoop};
use crate::dream::HazardKind;
use crate::juno::Juno;
use crate::levels::{Build, Clothing, Figure, FigurePalette, Hair};
use crate::settings::{AccessibilitySettings, PictureSettings};
use crate::state::AppState;
use crate::theme::HazardColours;

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
    /// The watcher's gaze while it sees her.
    sight: Handle<StandardMaterial>,
    tile_mesh: Handle<Mesh>,
    pool: Handle<Mesh>,
    sheet: Handle<Mesh>,
    thread: Handle<Mesh>,
    stalk: Handle<Mesh>,
    eyeball: Handle<Mesh>,
    pupil: Handle<Mesh>,
}

/// How much of what is hostile shows: all of it while the loop runs; it fades from view
/// while Juno talks at the core and once the dreamer is free, so nothing stands between
/// the camera and the dialogue. On screen only: the hazards go on as before.
#[derive(Resource)]
pub(super) struct HostileFade {
    pub(super) shown: f32,
    /// The hazards' shared materials with their colour and blending as made.
    originals: Vec<(Handle<StandardMaterial>, Color, AlphaMode)>,
}

/// A material lit from within in `colour`: drawn unlit, bright past white.
fn glow([r, g, b]: [f32; 3]) -> StandardMaterial {
    StandardMaterial {
        base_color: Color::srgb(r, g, b),
        emissive: LinearRgba::rgb(r * 4.0, g * 4.0, b * 4.0),
        unlit: true,
        ..default()
    }
}

/// Seconds the hostile world takes to fade out or back in.
const FADE_SECONDS: f32 = 0.6;

/// Spacing of dissolving ground's tiles, metres.
const TILE_SPACING: f32 = 1.5;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, make_assets.after(surface::make_textures))
        .add_systems(
            Update,
            recolour.run_if(resource_exists_and_changed::<AccessibilitySettings>),
        )
        .add_systems(OnEnter(AppState::Dream), show_hostiles)
        .add_observer(dress)
        .add_systems(
            Update,
            (
                show_hurt,
                show_wear.run_if(|p: Res<PictureSettings>| !p.reduce_motion),
                show_pools,
                show_reach,
                fade_hostiles,
                watch_and_sway,
            )
                .run_if(in_state(AppState::Dream))
                .run_if(resource_exists::<CurrentDream>)
                .run_if(resource_exists::<ActiveDive>),
        );
}

fn make_assets(
    mut commands: Commands,
    textures: Res<SurfaceTextures>,
    access: Option<Res<AccessibilitySettings>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let colours = HazardColours::of(access.map(|a| a.palette).unwrap_or_default());
    let translucent = |colour: Color| StandardMaterial {
        base_color: colour,
        alpha_mode: AlphaMode::Blend,
        unlit: true,
        double_sided: true,
        cull_mode: None,
        ..default()
    };
    let assets = HazardAssets {
        dark: materials.add(StandardMaterial {
            base_color: Color::srgb(0.03, 0.02, 0.04),
            perceptual_roughness: 0.3,
            ..default()
        }),
        eye: materials.add(glow(colours.eye)),
        hurting: materials.add(glow(colours.hurting)),
        // Her figure in glass: pale, lit from within, half there.
        copy: materials.add(StandardMaterial {
            base_color: Color::srgba(0.78, 0.84, 1.0, 0.72),
            emissive: LinearRgba::rgb(0.25, 0.32, 0.6),
            metallic: 0.5,
            perceptual_roughness: 0.1,
            alpha_mode: AlphaMode::Blend,
            ..default()
        }),
        tile: materials.add(glow(colours.tile)),
        // The fog's body, faint: its puffs (`fog.rs`) give it its shape.
        fog: materials.add(translucent(Color::srgba(0.72, 0.76, 0.92, 0.3))),
        water: materials.add(StandardMaterial {
            base_color: Color::srgba(0.08, 0.2, 0.32, 0.72),
            ..surface::water_material(&textures)
        }),
        string: materials.add(glow(colours.string)),
        sight: materials.add(glow(colours.sight)),
        tile_mesh: meshes.add(Cuboid::new(1.3, 0.08, 1.3)),
        pool: meshes.add(Cylinder::new(1.0, 1.0)),
        sheet: meshes.add(Plane3d::default().mesh().size(1.0, 1.0)),
        thread: meshes.add(Cylinder::new(0.03, 1.0)),
        stalk: meshes.add(Cylinder::new(0.07, WATCHER_EYE)),
        eyeball: meshes.add(Sphere::new(0.5).mesh().uv(16, 10)),
        pupil: meshes.add(Sphere::new(0.16).mesh().uv(12, 8)),
    };
    // Rising water ripples (a normal map) on either body.
    surface::with_tangents(&mut meshes, &assets.pool);
    surface::with_tangents(&mut meshes, &assets.sheet);
    let originals = [
        &assets.dark,
        &assets.eye,
        &assets.hurting,
        &assets.copy,
        &assets.tile,
        &assets.fog,
        &assets.water,
        &assets.string,
        &assets.sight,
    ]
    .into_iter()
    .filter_map(|handle| {
        let m = materials.get(handle)?;
        Some((handle.clone(), m.base_color, m.alpha_mode))
    })
    .collect();
    commands.insert_resource(assets);
    commands.insert_resource(HostileFade {
        shown: 1.0,
        originals,
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
    mut figures: Figures,
) {
    let (Ok(hazard), Some(dive), Some(dream)) = (hazards.get(add.entity), dive, dream) else {
        return;
    };
    let rules = &dive.spec.dream.nightmare;
    let a = &*assets;
    let mut look = HazardLook::default();
    match hazard.kind {
        HazardKind::Chaser => {
            // A shade: a person's shape stretched thin, hooded, two embers for eyes.
            let shade = figures.spawn(
                &mut commands,
                add.entity,
                &shade(),
                0.0,
                Finish::Uniform {
                    body: a.dark.clone(),
                    eyes: a.eye.clone(),
                },
            );
            look.body.extend(body_parts(&shade));
        }
        HazardKind::MirrorCopy => {
            // Juno's own figure, glassy, slipping out of step with itself.
            let figure = figures.juno();
            let copy = figures.spawn(
                &mut commands,
                add.entity,
                &figure,
                0.0,
                Finish::Uniform {
                    body: a.copy.clone(),
                    eyes: a.eye.clone(),
                },
            );
            commands.entity(copy.root).insert(Glitch);
            look.body.extend(body_parts(&copy));
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
                        &mut commands,
                        add.entity,
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
            // A pool with a radius, or a sheet over the whole dream.
            let mesh = if rising.radius > 0.0 {
                a.pool.clone()
            } else {
                a.sheet.clone()
            };
            let material = if hazard.kind == HazardKind::RisingWater {
                a.water.clone()
            } else {
                a.fog.clone()
            };
            look.parts.push(part(
                &mut commands,
                add.entity,
                (mesh, material, Transform::default()),
            ));
        }
        HazardKind::Strings => {
            for k in 0..5 {
                let angle = k as f32 * std::f32::consts::TAU / 5.0;
                let at = Vec2::from_angle(angle) * 1.2;
                look.body.push(part(
                    &mut commands,
                    add.entity,
                    (
                        a.thread.clone(),
                        a.string.clone(),
                        Transform::from_xyz(at.x, 20.0, at.y).with_scale(Vec3::new(1.0, 40.0, 1.0)),
                    ),
                ));
            }
            look.beam = Some(part(
                &mut commands,
                add.entity,
                (
                    a.thread.clone(),
                    a.string.clone(),
                    Transform::from_scale(Vec3::ZERO),
                ),
            ));
        }
        HazardKind::Watcher => {
            part(
                &mut commands,
                add.entity,
                (
                    a.stalk.clone(),
                    a.dark.clone(),
                    Transform::from_xyz(0.0, WATCHER_EYE * 0.5, 0.0),
                ),
            );
            let eyeball = part(
                &mut commands,
                add.entity,
                (
                    a.eyeball.clone(),
                    a.dark.clone(),
                    Transform::from_xyz(0.0, WATCHER_EYE, 0.0),
                ),
            );
            look.body.push(eyeball);
            // Its pupil, an ember on the front of the eye: the eye turns to follow her.
            part(
                &mut commands,
                eyeball,
                (
                    a.pupil.clone(),
                    a.eye.clone(),
                    Transform::from_xyz(0.0, 0.0, -0.42).with_scale(Vec3::new(1.0, 1.0, 0.35)),
                ),
            );
            look.beam = Some(part(
                &mut commands,
                add.entity,
                (
                    a.thread.clone(),
                    a.sight.clone(),
                    Transform::from_scale(Vec3::ZERO),
                ),
            ));
        }
    }
    commands.entity(add.entity).insert(look);
}

/// One visible piece of a hazard, hung from it; it casts no shadow.
fn part(
    commands: &mut Commands,
    parent: Entity,
    (mesh, material, transform): (Handle<Mesh>, Handle<StandardMaterial>, Transform),
) -> Entity {
    commands
        .spawn((
            Mesh3d(mesh),
            MeshMaterial3d(material),
            transform,
            NotShadowCaster,
            ChildOf(parent),
        ))
        .id()
}

/// A figure's parts that light up when it hurts: all but its eyes.
fn body_parts(figure: &Spawned) -> impl Iterator<Item = Entity> + '_ {
    figure
        .parts
        .iter()
        .filter(|(_, slot)| *slot != Slot::Eyes)
        .map(|(entity, _)| *entity)
}

/// The chasers' figure: tall, gaunt, in a robe to the shins, hooded.
pub(super) fn shade() -> Figure {
    let dark = "#0a070c".to_owned();
    Figure {
        height: 2.35,
        build: Build::Gaunt,
        clothing: Clothing::Shroud,
        hair: Hair::None,
        palette: FigurePalette {
            skin: dark.clone(),
            hair: dark.clone(),
            top: dark.clone(),
            bottom: dark.clone(),
            shoes: dark,
        },
    }
}

/// The glowing materials in the palette the player chose, whenever the choice changes
/// (the fade's record of them too, so a fade brings back the new colours).
fn recolour(
    access: Res<AccessibilitySettings>,
    assets: Option<Res<HazardAssets>>,
    fade: Option<ResMut<HostileFade>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let (Some(assets), Some(mut fade)) = (assets, fade) else {
        return;
    };
    let colours = HazardColours::of(access.palette);
    for (handle, colour) in [
        (&assets.eye, colours.eye),
        (&assets.hurting, colours.hurting),
        (&assets.tile, colours.tile),
        (&assets.string, colours.string),
        (&assets.sight, colours.sight),
    ] {
        let lit = glow(colour);
        if let Some((_, original, _)) = fade.originals.iter_mut().find(|(h, ..)| h == handle) {
            *original = lit.base_color;
        }
        if let Some(mut material) = materials.get_mut(handle) {
            material.base_color = lit.base_color.with_alpha(fade.shown);
            material.emissive = lit.emissive;
        }
    }
}

/// A hazard lights up (red, or orange in the safe palette) while it hurts her (never
/// at the core or once she is free: nothing hurts there).
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

/// Pools stand from below the ground up to their level; rising water's ripples drift.
fn show_pools(
    time: Res<Time>,
    dream: Res<CurrentDream>,
    dive: Res<ActiveDive>,
    assets: Res<HazardAssets>,
    pools: Query<(&Hazard, &RisingPool, &HazardLook)>,
    mut parts: Query<&mut Transform, Without<Hazard>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let water = dive.spec.dream.nightmare.rising_water;
    let across = if water.radius > 0.0 {
        water.radius * 2.0
    } else {
        dream.heightfield.extent() * crate::dive::WATER_SPREAD
    };
    if pools
        .iter()
        .any(|(h, _, _)| h.kind == HazardKind::RisingWater)
        && let Some(mut material) = materials.get_mut(&assets.water)
    {
        material.uv_transform = surface::ripple_transform(across, time.elapsed_secs());
    }
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
            let size = dream.heightfield.extent() * crate::dive::WATER_SPREAD;
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

/// A new dive's hazards are seen at once, whatever the last dive ended in.
fn show_hostiles(mut fade: ResMut<HostileFade>, mut materials: ResMut<Assets<StandardMaterial>>) {
    fade.shown = 1.0;
    for (handle, colour, blending) in &fade.originals {
        if let Some(mut material) = materials.get_mut(handle) {
            material.base_color = *colour;
            material.alpha_mode = *blending;
        }
    }
}

/// Fades the hazards' shared materials (and with them every hazard) out at the core
/// and once the dreamer is free, and back in when a loop runs again.
fn fade_hostiles(
    time: Res<Time>,
    nightmare: Option<Res<NightmareLoop>>,
    mut fade: ResMut<HostileFade>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut hazards: Query<&mut Visibility, With<Hazard>>,
) {
    let calm = nightmare
        .is_some_and(|n| matches!(n.state, LoopState::Confronting { .. } | LoopState::Freed));
    let wanted = if calm { 0.0 } else { 1.0 };
    if fade.shown == wanted {
        return;
    }
    let step = time.delta_secs() / FADE_SECONDS;
    fade.shown = if wanted > fade.shown {
        (fade.shown + step).min(wanted)
    } else {
        (fade.shown - step).max(wanted)
    };
    let shown = fade.shown;
    for (handle, colour, blending) in &fade.originals {
        if let Some(mut material) = materials.get_mut(handle) {
            material.base_color = colour.with_alpha(colour.alpha() * shown);
            material.alpha_mode = if shown < 1.0 {
                AlphaMode::Blend
            } else {
                *blending
            };
        }
    }
    let visibility = if shown > 0.0 {
        Visibility::Inherited
    } else {
        Visibility::Hidden
    };
    for mut seen in &mut hazards {
        seen.set_if_neq(visibility);
    }
}

/// The watchers' eyes turn to follow Juno (slowly, so she sees them turn); the strings
/// sway, each out of step with the others.
fn watch_and_sway(
    time: Res<Time>,
    juno: Query<&Transform, With<Juno>>,
    hazards: Query<(&Hazard, &Transform, &HazardLook), Without<Juno>>,
    mut parts: Query<&mut Transform, (Without<Hazard>, Without<Juno>)>,
) {
    let t = time.elapsed_secs();
    let follow = 1.0 - (-2.5 * time.delta_secs()).exp();
    let juno = juno.single().map(|j| j.translation).ok();
    for (hazard, at, look) in &hazards {
        match hazard.kind {
            HazardKind::Watcher => {
                let (Some(juno), Some(&eye)) = (juno, look.body.first()) else {
                    continue;
                };
                let Ok(mut eye) = parts.get_mut(eye) else {
                    continue;
                };
                let to = juno - (at.translation + Vec3::Y * WATCHER_EYE);
                if to.length_squared() > 0.01 {
                    let wanted = Transform::default().looking_to(to, Vec3::Y).rotation;
                    eye.rotation = eye.rotation.slerp(wanted, follow);
                }
            }
            HazardKind::Strings => {
                for (k, &thread) in look.body.iter().enumerate() {
                    if let Ok(mut thread) = parts.get_mut(thread) {
                        let phase = k as f32 * 1.9;
                        thread.rotation = Quat::from_euler(
                            EulerRot::XYZ,
                            (t * 0.7 + phase).sin() * 0.025,
                            0.0,
                            (t * 0.5 + phase * 1.3).cos() * 0.025,
                        );
                    }
                }
            }
            _ => {}
        }
    }
}
