//! How a dream looks: terrain, water and anchor materials, the sun, sky and fog, all
//! from the dream's palette. Gameplay spawns the entities; this dresses them.

use bevy::asset::RenderAssetUsages;
use bevy::image::{ImageAddressMode, ImageFilterMode, ImageSampler, ImageSamplerDescriptor};
use bevy::light::{CascadeShadowConfigBuilder, NotShadowCaster};
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

use super::{Collected, CurrentDream, MemoryAnchor, Terrain, WaterSurface};
use crate::juno::GameCamera;
use crate::screens::AppState;

/// Sky colour outside dreams: the control room's night.
const WAKING_SKY: Color = Color::srgb(0.015, 0.02, 0.04);

/// The dream's sun (or moon): the light.
#[derive(Component)]
struct DreamSun;

/// The disc of the sun or moon in the sky, far away along the light.
#[derive(Component)]
struct SkyOrb;

/// How far away the sky orb hangs, and its radius, metres.
const ORB_DISTANCE: f32 = 700.0;
const ORB_RADIUS: f32 = 45.0;

/// The glowing grid drawn on the ground of dreams with `grid_glow`.
#[derive(Resource)]
struct GridTexture(Handle<Image>);

/// The pillar of light over every memory anchor: one mesh, made once.
#[derive(Resource)]
struct BeaconMesh(Handle<Mesh>);

/// Height of the light pillar that marks a memory anchor from afar, metres.
const BEACON_HEIGHT: f32 = 60.0;

pub(super) fn plugin(app: &mut App) {
    app.insert_resource(ClearColor(WAKING_SKY))
        .add_systems(Startup, make_shared_assets)
        .add_observer(dress_terrain)
        .add_observer(dress_water)
        .add_observer(dress_anchor)
        .add_systems(OnEnter(AppState::Dream), spawn_sun)
        .add_systems(OnExit(AppState::Dream), wake_atmosphere)
        .add_systems(
            Update,
            (
                (dream_atmosphere, dream_sun, dream_sky_orb)
                    .run_if(resource_exists_and_changed::<CurrentDream>),
                animate_anchors,
            )
                .run_if(in_state(AppState::Dream)),
        );
}

fn make_shared_assets(
    mut commands: Commands,
    mut images: ResMut<Assets<Image>>,
    mut meshes: ResMut<Assets<Mesh>>,
) {
    commands.insert_resource(GridTexture(images.add(grid_image(128))));
    commands.insert_resource(BeaconMesh(meshes.add(Cylinder::new(0.12, BEACON_HEIGHT))));
}

/// A tileable square with bright soft lines along two edges, with its whole mip chain
/// (computed here: far-away grid lines must blur, not shimmer).
fn grid_image(size: u32) -> Image {
    let line = |i: u32| {
        let d = i.min(size - i) as f32 / size as f32;
        (1.0 - d / 0.035).clamp(0.0, 1.0).powi(2)
    };
    let mut level: Vec<f32> = (0..size * size)
        .map(|i| line(i % size).max(line(i / size)))
        .collect();
    let mut side = size;
    let mut data = Vec::new();
    let mut levels = 0;
    loop {
        data.extend(level.iter().flat_map(|&v| {
            let c = (v.clamp(0.0, 1.0) * 255.0) as u8;
            [c, c, c, 255]
        }));
        levels += 1;
        if side == 1 {
            break;
        }
        let half = side / 2;
        level = (0..half * half)
            .map(|i| {
                let (x, y) = ((i % half) * 2, (i / half) * 2);
                let at = |x: u32, y: u32| level[(y * side + x) as usize];
                (at(x, y) + at(x + 1, y) + at(x, y + 1) + at(x + 1, y + 1)) * 0.25
            })
            .collect();
        side = half;
    }
    let extent = Extent3d {
        width: size,
        height: size,
        depth_or_array_layers: 1,
    };
    let first_level = data[..(size * size * 4) as usize].to_vec();
    let mut image = Image::new(
        extent,
        TextureDimension::D2,
        first_level,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    );
    image.data = Some(data);
    image.texture_descriptor.mip_level_count = levels;
    image.sampler = ImageSampler::Descriptor(ImageSamplerDescriptor {
        address_mode_u: ImageAddressMode::Repeat,
        address_mode_v: ImageAddressMode::Repeat,
        mag_filter: ImageFilterMode::Linear,
        min_filter: ImageFilterMode::Linear,
        mipmap_filter: ImageFilterMode::Linear,
        anisotropy_clamp: 8,
        ..default()
    });
    image
}

fn dress_terrain(
    add: On<Add, Terrain>,
    mut commands: Commands,
    dream: Option<Res<CurrentDream>>,
    grid: Res<GridTexture>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    // The palette lives in the vertex colours; the material adds the finish and the grid.
    let glow = dream.map_or(LinearRgba::BLACK, |d| {
        d.recipe.palette.accent * (3.0 * d.recipe.grid_glow)
    });
    commands
        .entity(add.entity)
        .insert(MeshMaterial3d(materials.add(StandardMaterial {
            base_color: Color::WHITE,
            emissive: glow,
            emissive_texture: (glow != LinearRgba::BLACK).then(|| grid.0.clone()),
            perceptual_roughness: 0.88,
            reflectance: 0.25,
            ..default()
        })));
}

fn dress_water(
    add: On<Add, WaterSurface>,
    mut commands: Commands,
    dream: Option<Res<CurrentDream>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let fog = dream.map_or(LinearRgba::rgb(0.1, 0.15, 0.25), |d| d.recipe.palette.fog);
    commands
        .entity(add.entity)
        .insert(MeshMaterial3d(materials.add(StandardMaterial {
            base_color: Color::LinearRgba(LinearRgba::new(
                fog.red * 0.6,
                fog.green * 0.7,
                fog.blue,
                0.78,
            )),
            alpha_mode: AlphaMode::Blend,
            perceptual_roughness: 0.08,
            reflectance: 0.6,
            ..default()
        })));
}

fn dress_anchor(
    add: On<Add, MemoryAnchor>,
    mut commands: Commands,
    dream: Option<Res<CurrentDream>>,
    beacon: Res<BeaconMesh>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let accent = dream.map_or(LinearRgba::rgb(1.0, 0.8, 0.4), |d| d.recipe.palette.accent);
    let beacon_material = materials.add(StandardMaterial {
        base_color: Color::LinearRgba(accent.with_alpha(0.35)),
        emissive: accent * 2.0,
        alpha_mode: AlphaMode::Add,
        unlit: true,
        fog_enabled: false,
        ..default()
    });
    commands
        .entity(add.entity)
        .insert(MeshMaterial3d(materials.add(StandardMaterial {
            base_color: Color::LinearRgba(accent),
            emissive: accent * 2.5,
            ..default()
        })))
        .with_children(|anchor| {
            anchor.spawn(PointLight {
                color: Color::LinearRgba(accent),
                intensity: 150_000.0,
                range: 16.0,
                shadow_maps_enabled: false,
                ..default()
            });
            // A pillar of light: the memory can be seen from anywhere in the dream.
            anchor.spawn((
                Mesh3d(beacon.0.clone()),
                MeshMaterial3d(beacon_material),
                Transform::from_xyz(0.0, BEACON_HEIGHT * 0.5, 0.0),
            ));
        });
}

fn spawn_sun(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    commands.spawn((
        Name::new("Sky orb"),
        SkyOrb,
        // It hangs between the light and the dream: it must not shadow everything.
        NotShadowCaster,
        DespawnOnExit(AppState::Dream),
        Mesh3d(meshes.add(Sphere::new(ORB_RADIUS).mesh().uv(32, 18))),
        MeshMaterial3d(materials.add(StandardMaterial {
            unlit: true,
            fog_enabled: false,
            ..default()
        })),
        Transform::default(),
    ));
    commands.spawn((
        Name::new("Dream sun"),
        DreamSun,
        DespawnOnExit(AppState::Dream),
        DirectionalLight {
            illuminance: 5_000.0,
            shadow_maps_enabled: true,
            ..default()
        },
        Transform::default(),
        CascadeShadowConfigBuilder {
            num_cascades: 2,
            maximum_distance: 90.0,
            first_cascade_far_bound: 20.0,
            ..default()
        }
        .build(),
    ));
}

/// Sky, fog and ambient light from the current loop's palette.
fn dream_atmosphere(
    dream: Res<CurrentDream>,
    mut commands: Commands,
    mut clear: ResMut<ClearColor>,
    mut ambient: ResMut<GlobalAmbientLight>,
    camera: Single<Entity, With<GameCamera>>,
) {
    let r = &dream.recipe;
    let p = &r.palette;
    clear.0 = Color::LinearRgba(p.sky);
    commands.entity(*camera).insert(DistanceFog {
        color: Color::LinearRgba(p.fog),
        directional_light_color: Color::LinearRgba(p.sun * 0.5),
        directional_light_exponent: 24.0,
        falloff: FogFalloff::Linear {
            start: r.fog_start,
            end: r.fog_end,
        },
    });
    *ambient = GlobalAmbientLight {
        color: Color::LinearRgba(p.fog * 3.0 + p.sky),
        brightness: 220.0,
        ..default()
    };
}

/// The direction from the dream towards its sun or moon.
fn towards_sky_orb(dream: &CurrentDream) -> Vec3 {
    Quat::from_euler(EulerRot::YXZ, 0.7, dream.recipe.sun_elevation, 0.0) * Vec3::NEG_Z
}

/// The light shines from the orb's side of the sky, in the palette's colour.
fn dream_sun(
    dream: Res<CurrentDream>,
    mut sun: Single<(&mut DirectionalLight, &mut Transform), With<DreamSun>>,
) {
    let (light, transform) = &mut *sun;
    light.color = Color::LinearRgba(dream.recipe.palette.sun);
    **transform = Transform::default().looking_to(-towards_sky_orb(&dream), Vec3::Y);
}

fn dream_sky_orb(
    dream: Res<CurrentDream>,
    mut orb: Single<(&MeshMaterial3d<StandardMaterial>, &mut Transform), With<SkyOrb>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let (material, transform) = &mut *orb;
    transform.translation = towards_sky_orb(&dream) * ORB_DISTANCE;
    if let Some(mut material) = materials.get_mut(&material.0) {
        material.base_color = Color::LinearRgba(dream.recipe.palette.sun * 1.6);
    }
}

fn wake_atmosphere(
    mut commands: Commands,
    mut clear: ResMut<ClearColor>,
    camera: Single<Entity, With<GameCamera>>,
) {
    clear.0 = WAKING_SKY;
    commands.entity(*camera).remove::<DistanceFog>();
}

/// Anchors bob and turn, so they read as alive from far away.
fn animate_anchors(
    time: Res<Time>,
    mut anchors: Query<(&MemoryAnchor, &mut Transform), Without<Collected>>,
) {
    let t = time.elapsed_secs();
    for (anchor, mut transform) in &mut anchors {
        let phase = anchor.index as f32 * 1.7;
        transform.rotation = Quat::from_rotation_y(t * 0.8 + phase);
        transform.scale = Vec3::splat(1.0 + 0.12 * (t * 2.4 + phase).sin());
    }
}
