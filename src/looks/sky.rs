//! The dream's sky and light, over a loop and beyond it: a dome shading from the zenith
//! down to a horizon that matches the fog (the land fades into the sky, not into a wall),
//! stars where the sky is dark, the sun or moon, bloom on what glows, the fear's colour
//! fringes as it hurts, and the dawn that comes up when a dreamer is freed — the light
//! itself changing, not a tint over the picture. All of it works in WebGL2: a mesh with
//! vertex colours, a distance fog, Bevy's bloom and chromatic aberration passes.

use std::f32::consts::{FRAC_PI_2, TAU};

use bevy::asset::RenderAssetUsages;
use bevy::camera::Hdr;
use bevy::light::NotShadowCaster;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::post_process::bloom::Bloom;
use bevy::post_process::effect_stack::ChromaticAberration;
use bevy::prelude::*;

use super::camera::GameCamera;
use crate::dive::{CurrentDream, LoopState, Lucidity, NightmareLoop};
use crate::dream::{Palette, smoothstep};
use crate::settings::PictureSettings;
use crate::state::AppState;

/// How far away the dome and stars are, metres (inside the camera's far plane).
const DOME_RADIUS: f32 = 900.0;
/// How far away the sun or moon hangs, and its radius, metres.
const ORB_DISTANCE: f32 = 700.0;
const ORB_RADIUS: f32 = 45.0;
/// Seconds the dawn takes to come up once the dreamer is free.
const DAWN_SECONDS: f32 = 6.0;
/// Stars on the sky.
const STARS: usize = 700;

/// The sky's dome, its gradient in the mesh's vertex colours.
#[derive(Component)]
struct SkyDome;

/// The stars, one mesh.
#[derive(Component)]
struct Stars;

/// The dream's sun (or moon): the light.
#[derive(Component)]
pub(super) struct DreamSun;

/// The disc of the sun or moon in the sky, far away along the light.
#[derive(Component)]
struct SkyOrb;

/// How far the dawn has come, 0 (the nightmare's own sky) to 1 (morning).
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct Dawn(pub f32);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Dawn>()
        .add_systems(OnEnter(AppState::Dream), (spawn_sky, start_dark))
        .add_systems(OnExit(AppState::Dream), wake)
        .add_systems(
            Update,
            (
                rise_dawn.run_if(resource_exists::<NightmareLoop>),
                light_the_dream.run_if(
                    resource_exists_and_changed::<CurrentDream>.or_else(resource_changed::<Dawn>),
                ),
                fear_fringes,
                glow.run_if(resource_changed::<PictureSettings>),
            )
                .chain()
                .run_if(in_state(AppState::Dream)),
        )
        .add_systems(
            PostUpdate,
            follow_camera
                .after(TransformSystems::Propagate)
                .run_if(in_state(AppState::Dream)),
        );
}

/// The sky's parts, and bloom (if the player has glow on) and colour fringes on the
/// camera.
fn spawn_sky(
    picture: Res<PictureSettings>,
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    camera: Single<Entity, With<GameCamera>>,
) {
    let sky_material = || StandardMaterial {
        unlit: true,
        fog_enabled: false,
        cull_mode: None,
        alpha_mode: AlphaMode::Opaque,
        ..default()
    };
    commands.spawn((
        Name::new("Sky dome"),
        SkyDome,
        NotShadowCaster,
        DespawnOnExit(AppState::Dream),
        Mesh3d(meshes.add(dome_mesh())),
        MeshMaterial3d(materials.add(sky_material())),
        Transform::default(),
    ));
    commands.spawn((
        Name::new("Stars"),
        Stars,
        NotShadowCaster,
        DespawnOnExit(AppState::Dream),
        Mesh3d(meshes.add(star_mesh(2045))),
        MeshMaterial3d(materials.add(StandardMaterial {
            alpha_mode: AlphaMode::Add,
            ..sky_material()
        })),
        Transform::default(),
    ));
    commands.spawn((
        Name::new("Sky orb"),
        SkyOrb,
        // It hangs between the light and the dream: it must not shadow everything.
        NotShadowCaster,
        DespawnOnExit(AppState::Dream),
        Mesh3d(meshes.add(Sphere::new(ORB_RADIUS).mesh().uv(32, 18))),
        MeshMaterial3d(materials.add(sky_material())),
        Transform::default(),
    ));
    commands.entity(*camera).insert((
        Hdr,
        ChromaticAberration {
            intensity: 0.0,
            max_samples: 6,
            ..default()
        },
    ));
    if picture.glow {
        commands.entity(*camera).insert(dream_bloom());
    }
}

/// The dream's bloom: a little glow round what is bright.
fn dream_bloom() -> Bloom {
    Bloom {
        intensity: 0.12,
        ..Bloom::NATURAL
    }
}

/// Glow (the player's setting) on or off while in the dream.
fn glow(
    picture: Res<PictureSettings>,
    mut commands: Commands,
    camera: Single<(Entity, Has<Bloom>), With<GameCamera>>,
) {
    let (camera, glowing) = *camera;
    match (picture.glow, glowing) {
        (true, false) => {
            commands.entity(camera).insert(dream_bloom());
        }
        (false, true) => {
            commands.entity(camera).remove::<Bloom>();
        }
        _ => {}
    }
}

fn start_dark(mut dawn: ResMut<Dawn>) {
    dawn.0 = 0.0;
}

/// Back in the control room: no fog, no bloom, no HDR, the night outside.
fn wake(
    mut commands: Commands,
    mut clear: ResMut<ClearColor>,
    camera: Single<Entity, With<GameCamera>>,
) {
    clear.0 = super::dream::WAKING_SKY;
    commands
        .entity(*camera)
        .remove::<(DistanceFog, Bloom, ChromaticAberration, Hdr)>();
}

/// The dawn comes up over [`DAWN_SECONDS`] once the dreamer is free.
fn rise_dawn(time: Res<Time>, nightmare: Res<NightmareLoop>, mut dawn: ResMut<Dawn>) {
    let wanted = if nightmare.state == LoopState::Freed {
        1.0
    } else {
        0.0
    };
    if dawn.0 != wanted {
        let step = time.delta_secs() / DAWN_SECONDS;
        dawn.0 = if wanted > dawn.0 {
            (dawn.0 + step).min(1.0)
        } else {
            wanted
        };
    }
}

/// The light of the dream at a moment of its dawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Atmosphere {
    pub zenith: LinearRgba,
    pub horizon: LinearRgba,
    pub fog: LinearRgba,
    pub fog_start: f32,
    pub fog_end: f32,
    pub sun: LinearRgba,
    /// Radians above the horizon.
    pub sun_elevation: f32,
    pub illuminance: f32,
    pub ambient: LinearRgba,
    /// How bright the stars are, 0 to 1.
    pub stars: f32,
}

/// The dream's light from its palette, `dawn` of the way to morning.
pub fn atmosphere(palette: &Palette, fog: (f32, f32), elevation: f32, dawn: f32) -> Atmosphere {
    let t = smoothstep(0.0, 1.0, dawn);
    let mix = |a: LinearRgba, b: LinearRgba| a * (1.0 - t) + b * t;
    let night = Atmosphere {
        zenith: palette.sky * 0.55,
        horizon: palette.fog * 0.9 + palette.sky * 0.1,
        fog: palette.fog,
        fog_start: fog.0,
        fog_end: fog.1,
        sun: palette.sun,
        sun_elevation: elevation,
        illuminance: 5_000.0,
        ambient: palette.fog * 3.0 + palette.sky,
        stars: (1.0 - luminance(palette.sky) * 12.0).clamp(0.0, 1.0),
    };
    let morning_horizon = LinearRgba::rgb(1.0, 0.55, 0.3);
    Atmosphere {
        zenith: mix(night.zenith, LinearRgba::rgb(0.22, 0.34, 0.7)),
        horizon: mix(night.horizon, morning_horizon),
        fog: mix(
            night.fog,
            morning_horizon * 0.75 + LinearRgba::rgb(0.1, 0.1, 0.2),
        ),
        fog_start: night.fog_start + (night.fog_start * 1.5 + 20.0 - night.fog_start) * t,
        fog_end: night.fog_end + (night.fog_end * 2.2 + 40.0 - night.fog_end) * t,
        sun: mix(night.sun, LinearRgba::rgb(1.0, 0.72, 0.45)),
        sun_elevation: night.sun_elevation + (0.22 - night.sun_elevation) * t,
        illuminance: night.illuminance + (9_000.0 - night.illuminance) * t,
        ambient: mix(night.ambient, LinearRgba::rgb(0.9, 0.7, 0.55)),
        stars: night.stars * (1.0 - t),
    }
}

fn luminance(c: LinearRgba) -> f32 {
    0.2126 * c.red + 0.7152 * c.green + 0.0722 * c.blue
}

/// The direction from the dream towards its sun or moon.
pub(super) fn towards_sky_orb(elevation: f32) -> Vec3 {
    Quat::from_euler(EulerRot::YXZ, 0.7, elevation, 0.0) * Vec3::NEG_Z
}

/// Sky, fog, ambient light, the sun, the orb and the stars, from the loop's palette and
/// the dawn.
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn light_the_dream(
    dream: Option<Res<CurrentDream>>,
    dawn: Res<Dawn>,
    mut commands: Commands,
    mut clear: ResMut<ClearColor>,
    mut ambient: ResMut<GlobalAmbientLight>,
    camera: Single<Entity, With<GameCamera>>,
    mut sun: Query<(&mut DirectionalLight, &mut Transform), With<DreamSun>>,
    sky: Query<
        (
            &Mesh3d,
            Has<Stars>,
            Has<SkyOrb>,
            &MeshMaterial3d<StandardMaterial>,
        ),
        Or<(With<SkyDome>, With<Stars>, With<SkyOrb>)>,
    >,
    mut orbs: Query<&mut Transform, (With<SkyOrb>, Without<DreamSun>)>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some(dream) = dream else {
        return;
    };
    let r = &dream.recipe;
    let a = atmosphere(
        &r.palette,
        (r.fog_start, r.fog_end),
        r.sun_elevation,
        dawn.0,
    );
    clear.0 = Color::LinearRgba(a.horizon);
    commands.entity(*camera).insert(DistanceFog {
        color: Color::LinearRgba(a.fog),
        directional_light_color: Color::LinearRgba(a.sun * 0.5),
        directional_light_exponent: 24.0,
        falloff: FogFalloff::Linear {
            start: a.fog_start,
            end: a.fog_end,
        },
    });
    *ambient = GlobalAmbientLight {
        color: Color::LinearRgba(a.ambient),
        brightness: 220.0,
        ..default()
    };
    let towards = towards_sky_orb(a.sun_elevation);
    for (mut light, mut transform) in &mut sun {
        light.color = Color::LinearRgba(a.sun);
        light.illuminance = a.illuminance;
        *transform = Transform::default().looking_to(-towards, Vec3::Y);
    }
    for mut orb in &mut orbs {
        orb.translation = towards * ORB_DISTANCE;
    }
    for (mesh, stars, orb, material) in &sky {
        if orb {
            if let Some(mut m) = materials.get_mut(&material.0) {
                m.base_color = Color::LinearRgba(a.sun * 1.6);
            }
        } else if stars {
            if let Some(mut m) = materials.get_mut(&material.0) {
                m.base_color = Color::LinearRgba(LinearRgba::gray(a.stars));
            }
        } else if let Some(mut dome) = meshes.get_mut(&mesh.0) {
            paint_dome(&mut dome, &a);
        }
    }
}

/// What stays centred on the camera.
type AroundCamera = Or<(With<SkyDome>, With<Stars>)>;

/// The dome and stars stay centred on the camera: the sky is always as far away.
fn follow_camera(
    camera: Single<&GlobalTransform, With<GameCamera>>,
    mut sky: Query<&mut Transform, AroundCamera>,
) {
    let at = camera.translation();
    for mut transform in &mut sky {
        transform.translation = at;
    }
}

/// The fear shows at the picture's edges: colour fringes grow with the loop's hostility
/// and flare while a hazard hurts.
fn fear_fringes(
    picture: Res<crate::settings::PictureSettings>,
    access: Res<crate::settings::AccessibilitySettings>,
    dream: Option<Res<CurrentDream>>,
    lucidity: Option<Res<Lucidity>>,
    nightmare: Option<Res<NightmareLoop>>,
    mut fringes: Query<&mut ChromaticAberration, With<GameCamera>>,
) {
    let hostility = dream.map_or(0.0, |d| d.recipe.hostility);
    let running = nightmare.is_some_and(|n| n.is_running());
    let hurt = lucidity.is_some_and(|l| running && !l.hurting(20).is_empty());
    // With less motion or no flashing asked for, the fringes hold still: no flare when
    // hurt.
    let flare = if hurt && !picture.reduce_motion && !access.reduce_flashing {
        0.012
    } else {
        0.0
    };
    let wanted = 0.003 * hostility + flare;
    for mut fringe in &mut fringes {
        let eased = fringe.intensity + (wanted - fringe.intensity) * 0.15;
        if (eased - fringe.intensity).abs() > 1e-5 {
            fringe.intensity = eased;
        }
    }
}

/// Rings of the dome from the zenith down to below the horizon.
const DOME_RINGS: u32 = 18;
const DOME_SEGMENTS: u32 = 32;

/// A sphere seen from inside, in rings of latitude, its colours filled by [`paint_dome`].
fn dome_mesh() -> Mesh {
    let mut positions = Vec::new();
    for ring in 0..=DOME_RINGS {
        let latitude = FRAC_PI_2 - ring as f32 / DOME_RINGS as f32 * std::f32::consts::PI;
        for k in 0..=DOME_SEGMENTS {
            let longitude = k as f32 / DOME_SEGMENTS as f32 * TAU;
            positions.push(
                Vec3::new(
                    latitude.cos() * longitude.cos(),
                    latitude.sin(),
                    latitude.cos() * longitude.sin(),
                ) * DOME_RADIUS,
            );
        }
    }
    let row = DOME_SEGMENTS + 1;
    let mut indices = Vec::new();
    for ring in 0..DOME_RINGS {
        for k in 0..DOME_SEGMENTS {
            let a = ring * row + k;
            let b = a + row;
            indices.extend([a, b, a + 1, a + 1, b, b + 1]);
        }
    }
    let colours = vec![[0.0f32; 4]; positions.len()];
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::default(),
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(
        Mesh::ATTRIBUTE_NORMAL,
        vec![[0.0f32, 1.0, 0.0]; colours.len()],
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colours)
    .with_inserted_indices(Indices::U32(indices))
}

/// The dome's colours: the horizon's colour up to a little above it, easing into the
/// zenith's, and the horizon's below (the fog's, so the land meets the sky).
fn paint_dome(dome: &mut Mesh, a: &Atmosphere) {
    let Some(bevy::mesh::VertexAttributeValues::Float32x3(positions)) =
        dome.attribute(Mesh::ATTRIBUTE_POSITION)
    else {
        return;
    };
    let colours: Vec<[f32; 4]> = positions
        .iter()
        .map(|p| {
            let up = (p[1] / DOME_RADIUS).max(0.0);
            let t = (up / 0.6).clamp(0.0, 1.0).powf(0.7);
            let c = a.horizon * (1.0 - t) + a.zenith * t;
            [c.red, c.green, c.blue, 1.0]
        })
        .collect();
    dome.insert_attribute(Mesh::ATTRIBUTE_COLOR, colours);
}

/// [`STARS`] small quads scattered over the upper sky, facing its middle, some brighter
/// than others (in their vertex colours).
fn star_mesh(seed: u32) -> Mesh {
    let mut next = super::scatter(seed);
    let (mut positions, mut colours, mut indices) = (Vec::new(), Vec::new(), Vec::new());
    for k in 0..STARS as u32 {
        // Evenly over the sphere's upper part, above the haze at the horizon.
        let up = 0.12 + next() * 0.88;
        let around = next() * TAU;
        let flat = (1.0 - up * up).sqrt();
        let direction = Vec3::new(flat * around.cos(), up, flat * around.sin());
        let size = (0.6 + next() * 1.2) * DOME_RADIUS / 900.0;
        let brightness = 0.35 + next().powi(3) * 0.65;
        let right = direction.cross(Vec3::Y).normalize_or(Vec3::X) * size;
        let top = right.cross(direction).normalize() * size;
        let centre = direction * (DOME_RADIUS * 0.97);
        for corner in [-right - top, right - top, right + top, -right + top] {
            positions.push(centre + corner);
            colours.push([brightness, brightness, brightness * 1.05, 1.0]);
        }
        let a = k * 4;
        indices.extend([a, a + 1, a + 2, a, a + 2, a + 3]);
    }
    let normals = vec![[0.0f32, 1.0, 0.0]; positions.len()];
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::default(),
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colours)
    .with_inserted_indices(Indices::U32(indices))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The camera's bloom as the player's glow asks: on entering the dream (the sky's
    /// set-up), as glow is turned off and on in it, and gone on waking.
    #[test]
    fn glow_follows_the_setting() {
        use bevy::ecs::system::RunSystemOnce;

        let mut app = App::new();
        app.init_resource::<PictureSettings>()
            .init_resource::<ClearColor>()
            .init_resource::<Assets<Mesh>>()
            .init_resource::<Assets<StandardMaterial>>()
            .add_systems(Update, glow.run_if(resource_changed::<PictureSettings>));
        let camera = app.world_mut().spawn(GameCamera).id();
        let glowing = |app: &App| app.world().entity(camera).contains::<Bloom>();
        let set_glow = |app: &mut App, on: bool| {
            app.world_mut().resource_mut::<PictureSettings>().glow = on;
        };
        let enter = |app: &mut App| app.world_mut().run_system_once(spawn_sky).unwrap();

        set_glow(&mut app, false);
        enter(&mut app);
        assert!(!glowing(&app), "a dive with glow off has no bloom");
        app.update();
        assert!(!glowing(&app));
        set_glow(&mut app, true);
        app.update();
        assert!(glowing(&app), "turned on in the dream, the bloom comes");
        set_glow(&mut app, false);
        app.update();
        assert!(!glowing(&app), "turned off, it goes");
        app.update();
        assert!(!glowing(&app));

        set_glow(&mut app, true);
        app.world_mut().run_system_once(wake).unwrap();
        assert!(!glowing(&app), "awake, there is no bloom");
        enter(&mut app);
        assert!(glowing(&app), "a dive with glow on has it from the start");
    }

    fn palette() -> Palette {
        Palette {
            low: LinearRgba::gray(0.1),
            mid: LinearRgba::gray(0.2),
            high: LinearRgba::gray(0.3),
            accent: LinearRgba::rgb(0.9, 0.2, 0.7),
            sky: LinearRgba::rgb(0.01, 0.01, 0.03),
            fog: LinearRgba::rgb(0.05, 0.04, 0.1),
            sun: LinearRgba::rgb(0.5, 0.5, 0.8),
        }
    }

    #[test]
    fn dawn_raises_the_sun_warms_and_brightens_the_light_and_puts_out_the_stars() {
        let night = atmosphere(&palette(), (20.0, 80.0), -0.1, 0.0);
        let morning = atmosphere(&palette(), (20.0, 80.0), -0.1, 1.0);
        assert!(night.stars > 0.5, "a dark sky has stars: {}", night.stars);
        assert_eq!(morning.stars, 0.0);
        assert!(morning.sun_elevation > night.sun_elevation + 0.2);
        assert!(morning.illuminance > night.illuminance);
        assert!(luminance(morning.ambient) > luminance(night.ambient) * 2.0);
        assert!(morning.horizon.red > morning.horizon.blue, "a warm horizon");
        assert!(morning.fog_end > night.fog_end, "the fog lifts");
        let halfway = atmosphere(&palette(), (20.0, 80.0), -0.1, 0.5);
        assert!(halfway.sun_elevation > night.sun_elevation);
        assert!(halfway.sun_elevation < morning.sun_elevation);
    }

    #[test]
    fn the_dome_shades_from_horizon_to_zenith() {
        let mut dome = dome_mesh();
        let a = atmosphere(&palette(), (20.0, 80.0), 0.3, 1.0);
        paint_dome(&mut dome, &a);
        let Some(bevy::mesh::VertexAttributeValues::Float32x4(colours)) =
            dome.attribute(Mesh::ATTRIBUTE_COLOR)
        else {
            panic!("no colours");
        };
        let top = colours[0];
        let horizon = colours[(DOME_RINGS / 2 * (DOME_SEGMENTS + 1)) as usize];
        assert_eq!(top[..3], [a.zenith.red, a.zenith.green, a.zenith.blue]);
        assert_eq!(
            horizon[..3],
            [a.horizon.red, a.horizon.green, a.horizon.blue]
        );
        assert_eq!(star_mesh(1).count_vertices(), STARS * 4);
    }
}
