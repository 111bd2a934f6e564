//! How a dream looks: terrain, water and anchor materials, the sun and its shadows, the
//! props, markers and the dreamer at the core, all from the dream's palette (the sky and
//! fog are `sky.rs`). Gameplay spawns the entities; this dresses them.

use bevy::light::{CascadeShadowConfigBuilder, NotShadowCaster};
use bevy::prelude::*;

use super::figure::{self, FacesJuno, Figures, Talks};
use super::sky::DreamSun;
use super::surface::{self, SurfaceTextures};
use crate::dive::{
    ActiveDive, CoreVeil, CurrentDream, DreamCoreSite, DreamPerson, DreamProp, HazardSite,
    LoopState, MemoryAnchor, NightmareLoop, STAIR_RISE, STAIR_RUN, TerrainChunk, Understood,
    WaterSurface,
};
use crate::dream::PropKind;
use crate::levels::Role;
use crate::settings::{AccessibilitySettings, PictureSettings};
use crate::state::AppState;
use crate::theme::HazardColours;

/// Sky colour outside dreams: the control room's night.
pub(super) const WAKING_SKY: Color = Color::srgb(0.015, 0.02, 0.04);

/// The pillar of light over the core: it shows the way there, and goes out while Juno
/// talks with the dreamer (it would stand between them).
#[derive(Component)]
struct CoreBeacon;

/// The pillar of light over every memory anchor: one mesh, made once.
#[derive(Resource)]
struct BeaconMesh(Handle<Mesh>);

/// Height of the light pillar that marks a memory anchor from afar, metres.
const BEACON_HEIGHT: f32 = 60.0;

pub(super) fn plugin(app: &mut App) {
    app.insert_resource(ClearColor(WAKING_SKY))
        .add_systems(
            Startup,
            (
                make_shared_assets,
                make_materials.after(surface::make_textures),
                make_marker_meshes,
            ),
        )
        .add_observer(dress_chunk)
        .add_observer(dress_water)
        .add_observer(dress_anchor)
        .add_observer(dress_prop)
        .add_observer(dress_core)
        .add_observer(dress_person)
        .add_observer(dress_hazard)
        .add_observer(light_understood_anchor)
        .add_observer(dress_veil)
        .add_systems(OnEnter(AppState::Dream), spawn_sun)
        .add_systems(
            Update,
            sun_shadows.run_if(resource_exists_and_changed::<PictureSettings>),
        )
        .add_systems(
            Update,
            (
                recolour_materials.run_if(
                    resource_exists_and_changed::<CurrentDream>
                        .or_eager(resource_exists_and_changed::<AccessibilitySettings>),
                ),
                animate_anchors,
                ripple_water,
                core_beacon.run_if(resource_exists::<NightmareLoop>),
            )
                .run_if(in_state(AppState::Dream)),
        );
}

fn make_shared_assets(mut commands: Commands, mut meshes: ResMut<Assets<Mesh>>) {
    commands.insert_resource(BeaconMesh(meshes.add(Cylinder::new(0.12, BEACON_HEIGHT))));
}

/// Materials every loop shares, recoloured from each loop's palette when the loop
/// forms: a loop reset makes no new materials.
#[derive(Resource)]
struct DreamMaterials {
    terrain: Handle<StandardMaterial>,
    water: Handle<StandardMaterial>,
    anchor: Handle<StandardMaterial>,
    beacon: Handle<StandardMaterial>,
    /// Props' bodies: matte, in the palette's high colour.
    prop: Handle<StandardMaterial>,
    /// Lamps, pupils, strings: glowing in the accent colour.
    glow: Handle<StandardMaterial>,
    mirror: Handle<StandardMaterial>,
    /// The core's ring.
    core: Handle<StandardMaterial>,
    /// The pillar over the core, white: the way to the end.
    core_beacon: Handle<StandardMaterial>,
    /// Where the fear will rise: dark, glowing in the palette's danger colour.
    hazard: Handle<StandardMaterial>,
    /// An anchor Juno understands: steady, warm white.
    lit_anchor: Handle<StandardMaterial>,
    /// The veil around the dreamer while the way is closed.
    veil: Handle<StandardMaterial>,
}

/// Which of the shared materials a prop part uses.
#[derive(Clone, Copy)]
enum Finish {
    Body,
    Glow,
    Mirror,
}

/// The visible parts of each kind of prop, made once at start-up.
#[derive(Resource)]
struct PropParts(Vec<(PropKind, Parts)>);

/// The meshes of one kind of prop, with their finish and place.
type Parts = Vec<(Handle<Mesh>, Finish, Transform)>;

/// Shared meshes of the core and hazard markers.
#[derive(Resource)]
struct MarkerMeshes {
    core_ring: Handle<Mesh>,
    hazard_ring: Handle<Mesh>,
    hazard_mote: Handle<Mesh>,
    veil: Handle<Mesh>,
}

fn make_materials(
    mut commands: Commands,
    textures: Res<SurfaceTextures>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let mut add = |m: StandardMaterial| materials.add(m);
    commands.insert_resource(DreamMaterials {
        terrain: add(StandardMaterial {
            base_color: Color::WHITE,
            perceptual_roughness: 0.88,
            reflectance: 0.25,
            ..default()
        }),
        water: add(surface::water_material(&textures)),
        anchor: add(StandardMaterial::default()),
        beacon: add(StandardMaterial {
            alpha_mode: AlphaMode::Add,
            unlit: true,
            fog_enabled: false,
            ..default()
        }),
        prop: add(StandardMaterial {
            perceptual_roughness: 0.7,
            ..default()
        }),
        glow: add(StandardMaterial::default()),
        mirror: add(StandardMaterial {
            metallic: 1.0,
            perceptual_roughness: 0.04,
            reflectance: 1.0,
            ..default()
        }),
        core: add(StandardMaterial {
            alpha_mode: AlphaMode::Blend,
            ..default()
        }),
        core_beacon: add(StandardMaterial {
            base_color: Color::LinearRgba(LinearRgba::new(1.0, 1.0, 1.0, 0.25)),
            emissive: LinearRgba::rgb(2.0, 2.0, 2.2),
            alpha_mode: AlphaMode::Add,
            unlit: true,
            fog_enabled: false,
            ..default()
        }),
        hazard: add(hazard_site(HazardColours::STANDARD.site)),
        lit_anchor: add(StandardMaterial {
            base_color: Color::srgb(1.0, 0.95, 0.85),
            emissive: LinearRgba::rgb(6.0, 5.2, 3.8),
            unlit: true,
            ..default()
        }),
        veil: add(StandardMaterial {
            base_color: Color::srgba(0.85, 0.9, 1.0, 0.28),
            emissive: LinearRgba::rgb(0.4, 0.45, 0.6),
            alpha_mode: AlphaMode::Blend,
            double_sided: true,
            cull_mode: None,
            ..default()
        }),
    });
}

/// Where a fear will rise: dark, glowing `[r, g, b]` (linear).
fn hazard_site([r, g, b]: [f32; 3]) -> StandardMaterial {
    StandardMaterial {
        base_color: Color::LinearRgba(LinearRgba::rgb(r, g, b) * 0.09),
        emissive: LinearRgba::rgb(r, g, b),
        ..default()
    }
}

/// Recolours the shared materials for the loop that just formed, or for the palette the
/// player just chose: the hazards' sites, and the anchors where the palette fixes their
/// colour apart from the hazards'.
fn recolour_materials(
    dream: Res<CurrentDream>,
    shared: Res<DreamMaterials>,
    textures: Res<SurfaceTextures>,
    access: Option<Res<AccessibilitySettings>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let p = dream.recipe.palette;
    let colours = HazardColours::of(access.map(|a| a.palette).unwrap_or_default());
    let memory = colours
        .anchor
        .map_or(p.accent, |[r, g, b]| LinearRgba::rgb(r, g, b));
    let glow = p.accent * (3.0 * dream.recipe.terrain.grid_glow);
    let mut edit = |handle: &Handle<StandardMaterial>, f: &dyn Fn(&mut StandardMaterial)| {
        if let Some(mut material) = materials.get_mut(handle) {
            f(&mut material);
        }
    };
    // The palette lives in the vertex colours; the material adds the finish and the grid.
    edit(&shared.terrain, &|m| {
        m.emissive = glow;
        m.emissive_texture = (glow != LinearRgba::BLACK).then(|| textures.grid.clone());
    });
    edit(&shared.water, &|m| {
        m.base_color = Color::LinearRgba(LinearRgba::new(
            p.fog.red * 0.6,
            p.fog.green * 0.7,
            p.fog.blue,
            0.78,
        ));
    });
    edit(&shared.anchor, &|m| {
        m.base_color = Color::LinearRgba(memory);
        m.emissive = memory * 2.5;
    });
    edit(&shared.beacon, &|m| {
        m.base_color = Color::LinearRgba(memory.with_alpha(0.35));
        m.emissive = memory * 2.0;
    });
    edit(&shared.hazard, &|m| {
        let site = hazard_site(colours.site);
        m.base_color = site.base_color;
        m.emissive = site.emissive;
    });
    edit(&shared.prop, &|m| {
        m.base_color = Color::LinearRgba(p.high * 0.8 + p.mid * 0.4);
    });
    edit(&shared.glow, &|m| {
        m.base_color = Color::LinearRgba(p.accent);
        m.emissive = p.accent * 4.0;
    });
    edit(&shared.mirror, &|m| {
        m.base_color = Color::LinearRgba(p.sky * 2.0 + p.high * 0.5);
    });
    edit(&shared.core, &|m| {
        m.base_color = Color::LinearRgba(p.accent.with_alpha(0.7));
        m.emissive = p.accent * 3.0;
    });
}

fn make_marker_meshes(mut commands: Commands, mut meshes: ResMut<Assets<Mesh>>) {
    use crate::dream::CORE_RADIUS;
    let mut add = |mesh: Mesh| meshes.add(mesh);
    commands.insert_resource(MarkerMeshes {
        core_ring: add(Torus::new(CORE_RADIUS - 0.15, CORE_RADIUS + 0.15)
            .mesh()
            .build()),
        hazard_ring: add(Torus::new(1.3, 1.5).mesh().build()),
        hazard_mote: add(Sphere::new(0.3).mesh().ico(2).expect("small icosphere")),
        veil: add(Cylinder::new(crate::dive::CORE_VEIL_RADIUS, 4.0)
            .mesh()
            .build()),
    });
    let mut parts: Vec<(PropKind, Parts)> = Vec::new();
    let at = |x: f32, y: f32, z: f32| Transform::from_xyz(x, y, z);
    let cuboid = |x, y, z| Cuboid::new(x, y, z).mesh().build();
    let cylinder = |r, h| Cylinder::new(r, h).mesh().build();
    let sphere = |r| Sphere::new(r).mesh().uv(16, 10);
    let mut kind = |k: PropKind, list: Vec<(Mesh, Finish, Transform)>| {
        parts.push((
            k,
            list.into_iter().map(|(m, f, t)| (add(m), f, t)).collect(),
        ));
    };
    let tilt =
        |t: Transform, x: f32, z: f32| t.with_rotation(Quat::from_euler(EulerRot::XYZ, x, 0.0, z));
    kind(
        PropKind::Shard,
        vec![
            (
                cuboid(1.2, 0.9, 1.0),
                Finish::Body,
                tilt(at(0.0, 2.6, 0.0), 0.4, 0.3),
            ),
            (
                cuboid(0.6, 0.5, 0.6),
                Finish::Glow,
                tilt(at(0.9, 3.5, 0.3), 0.9, 0.2),
            ),
            (
                cuboid(0.4, 0.4, 0.4),
                Finish::Body,
                tilt(at(-0.7, 3.1, -0.5), 0.2, 1.1),
            ),
        ],
    );
    kind(
        PropKind::MirrorPane,
        vec![(cuboid(1.4, 2.6, 0.08), Finish::Mirror, at(0.0, 1.3, 0.0))],
    );
    kind(
        PropKind::StreetLamp,
        vec![
            (cylinder(0.08, 3.2), Finish::Body, at(0.0, 1.6, 0.0)),
            (sphere(0.28), Finish::Glow, at(0.0, 3.35, 0.0)),
        ],
    );
    kind(
        PropKind::PuppetString,
        vec![
            (cylinder(0.025, 40.0), Finish::Glow, at(0.0, 20.0, 0.0)),
            (cuboid(0.5, 0.05, 0.05), Finish::Body, at(0.0, 1.6, 0.0)),
        ],
    );
    kind(
        PropKind::Clock,
        vec![
            (cylinder(0.06, 1.8), Finish::Body, at(0.0, 0.9, 0.0)),
            (
                cylinder(0.6, 0.08),
                Finish::Body,
                at(0.0, 2.3, 0.0).with_rotation(Quat::from_rotation_x(std::f32::consts::FRAC_PI_2)),
            ),
            (cuboid(0.05, 0.45, 0.03), Finish::Glow, at(0.0, 2.5, 0.06)),
            (cuboid(0.32, 0.05, 0.03), Finish::Glow, at(0.14, 2.3, 0.06)),
        ],
    );
    kind(
        PropKind::Eye,
        vec![
            (cylinder(0.06, 2.2), Finish::Body, at(0.0, 1.1, 0.0)),
            (sphere(0.45), Finish::Body, at(0.0, 2.5, 0.0)),
            (sphere(0.2), Finish::Glow, at(0.0, 2.5, 0.34)),
        ],
    );
    kind(
        PropKind::BrokenStair,
        (0..4)
            .map(|k| {
                let h = STAIR_RISE * (k + 1) as f32;
                (
                    cuboid(1.0, h, STAIR_RUN),
                    Finish::Body,
                    at(0.0, h * 0.5, k as f32 * STAIR_RUN),
                )
            })
            .collect(),
    );
    kind(
        PropKind::Buoy,
        vec![
            (cylinder(0.45, 1.2), Finish::Body, at(0.0, 0.6, 0.0)),
            (sphere(0.2), Finish::Glow, at(0.0, 1.35, 0.0)),
        ],
    );
    let mut chair = vec![
        (cuboid(0.6, 0.08, 0.6), Finish::Body, at(0.0, 0.5, 0.0)),
        (cuboid(0.6, 0.7, 0.08), Finish::Body, at(0.0, 0.85, -0.26)),
    ];
    for (x, z) in [(-0.26, -0.26), (0.26, -0.26), (-0.26, 0.26), (0.26, 0.26)] {
        chair.push((cylinder(0.03, 0.5), Finish::Body, at(x, 0.25, z)));
    }
    kind(PropKind::EmptyChair, chair);
    commands.insert_resource(PropParts(parts));
}

fn dress_chunk(add: On<Add, TerrainChunk>, mut commands: Commands, shared: Res<DreamMaterials>) {
    commands
        .entity(add.entity)
        .insert(MeshMaterial3d(shared.terrain.clone()));
}

/// Water: the shared rippling material. Its ripples are a normal map, which needs the
/// surface's tangents.
fn dress_water(
    add: On<Add, WaterSurface>,
    mut commands: Commands,
    shared: Res<DreamMaterials>,
    surfaces: Query<&Mesh3d>,
    mut meshes: ResMut<Assets<Mesh>>,
) {
    if let Ok(mesh) = surfaces.get(add.entity) {
        surface::with_tangents(&mut meshes, &mesh.0);
    }
    commands
        .entity(add.entity)
        .insert(MeshMaterial3d(shared.water.clone()));
}

/// The water's ripples drift across it.
fn ripple_water(
    time: Res<Time>,
    dream: Option<Res<CurrentDream>>,
    shared: Res<DreamMaterials>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some(dream) = dream.filter(|d| d.water_level.is_some()) else {
        return;
    };
    if let Some(mut water) = materials.get_mut(&shared.water) {
        let metres = dream.heightfield.extent() * crate::dive::WATER_SPREAD;
        water.uv_transform = surface::ripple_transform(metres, time.elapsed_secs());
    }
}

fn dress_anchor(
    add: On<Add, MemoryAnchor>,
    mut commands: Commands,
    dream: Option<Res<CurrentDream>>,
    beacon: Res<BeaconMesh>,
    shared: Res<DreamMaterials>,
) {
    let accent = dream.map_or(LinearRgba::rgb(1.0, 0.8, 0.4), |d| d.recipe.palette.accent);
    commands
        .entity(add.entity)
        .insert(MeshMaterial3d(shared.anchor.clone()))
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
                MeshMaterial3d(shared.beacon.clone()),
                Transform::from_xyz(0.0, BEACON_HEIGHT * 0.5, 0.0),
                NotShadowCaster,
            ));
        });
}

fn dress_prop(
    add: On<Add, DreamProp>,
    mut commands: Commands,
    props: Query<&DreamProp>,
    parts: Res<PropParts>,
    shared: Res<DreamMaterials>,
) {
    let Ok(DreamProp(kind)) = props.get(add.entity) else {
        return;
    };
    let Some((_, list)) = parts.0.iter().find(|(k, _)| k == kind) else {
        return;
    };
    commands.entity(add.entity).with_children(|prop| {
        for (mesh, finish, transform) in list {
            let material = match finish {
                Finish::Body => &shared.prop,
                Finish::Glow => &shared.glow,
                Finish::Mirror => &shared.mirror,
            };
            let mut part = prop.spawn((
                Mesh3d(mesh.clone()),
                MeshMaterial3d(material.clone()),
                *transform,
            ));
            // Light does not cast shadows: a 40 m string would stripe the whole dream.
            if matches!(finish, Finish::Glow) {
                part.insert(NotShadowCaster);
            }
        }
    });
}

/// The core: its ring, the pillar of light, and the dreamer standing in it, in their
/// own figure, turning to face Juno and talking with their hands when she speaks.
fn dress_core(
    add: On<Add, DreamCoreSite>,
    mut commands: Commands,
    mut figures: Figures,
    dive: Option<Res<ActiveDive>>,
    markers: Res<MarkerMeshes>,
    beacon: Res<BeaconMesh>,
    shared: Res<DreamMaterials>,
) {
    // A dreamer who walks with Juno (a shared dream's cast) comes to the core on foot.
    let walks_there = |d: &ActiveDive| d.spec.dream.cast.iter().any(|p| p.who == d.spec.dreamer.id);
    if let Some(dive) = dive.filter(|d| !walks_there(d)) {
        let figure = dive.spec.dreamer.figure();
        let dreamer = figures.spawn(&mut commands, add.entity, &figure, 0.0, figure::Finish::Own);
        commands
            .entity(dreamer.root)
            .insert((Name::new("Dreamer"), Talks(0.7), FacesJuno));
    }
    commands.entity(add.entity).with_children(|core| {
        core.spawn((
            Mesh3d(markers.core_ring.clone()),
            MeshMaterial3d(shared.core.clone()),
            Transform::from_xyz(0.0, 0.05, 0.0),
            NotShadowCaster,
        ));
        core.spawn((
            CoreBeacon,
            Mesh3d(beacon.0.clone()),
            MeshMaterial3d(shared.core_beacon.clone()),
            Transform::from_xyz(0.0, BEACON_HEIGHT * 0.5, 0.0).with_scale(Vec3::new(2.5, 1.0, 2.5)),
            NotShadowCaster,
        ));
    });
}

/// Someone else in the dream, in their own figure: those at the edge watch Juno.
fn dress_person(
    add: On<Add, DreamPerson>,
    mut commands: Commands,
    mut figures: Figures,
    people: Query<&DreamPerson>,
    dive: Option<Res<ActiveDive>>,
) {
    let (Some(dive), Ok(person)) = (dive, people.get(add.entity)) else {
        return;
    };
    let Some(dreamer) = dive.spec.people.get(person.index) else {
        return;
    };
    let figure = dreamer.figure();
    let spawned = figures.spawn(&mut commands, add.entity, &figure, 0.0, figure::Finish::Own);
    if person.role == Role::Edge {
        commands.entity(spawned.root).insert(FacesJuno);
    }
}

fn dress_hazard(
    add: On<Add, HazardSite>,
    mut commands: Commands,
    markers: Res<MarkerMeshes>,
    shared: Res<DreamMaterials>,
) {
    commands.entity(add.entity).with_children(|site| {
        site.spawn((
            Mesh3d(markers.hazard_ring.clone()),
            MeshMaterial3d(shared.hazard.clone()),
            Transform::from_xyz(0.0, 0.08, 0.0),
            NotShadowCaster,
        ));
        site.spawn((
            Mesh3d(markers.hazard_mote.clone()),
            MeshMaterial3d(shared.hazard.clone()),
            Transform::from_xyz(0.0, 1.4, 0.0),
            NotShadowCaster,
        ));
    });
}

/// An understood anchor glows steady white-gold, in this loop and every later one.
fn light_understood_anchor(
    add: On<Add, Understood>,
    mut commands: Commands,
    shared: Res<DreamMaterials>,
) {
    commands
        .entity(add.entity)
        .insert(MeshMaterial3d(shared.lit_anchor.clone()));
}

fn dress_veil(
    add: On<Add, CoreVeil>,
    mut commands: Commands,
    markers: Res<MarkerMeshes>,
    shared: Res<DreamMaterials>,
) {
    commands.entity(add.entity).insert((
        Mesh3d(markers.veil.clone()),
        MeshMaterial3d(shared.veil.clone()),
        NotShadowCaster,
    ));
}

fn spawn_sun(mut commands: Commands, picture: Res<PictureSettings>) {
    commands.spawn((
        Name::new("Dream sun"),
        DreamSun,
        DespawnOnExit(AppState::Dream),
        DirectionalLight {
            illuminance: 5_000.0,
            shadow_maps_enabled: picture.shadows,
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

/// Shadows on or off as the player sets them.
fn sun_shadows(
    picture: Res<PictureSettings>,
    mut suns: Query<&mut DirectionalLight, With<DreamSun>>,
) {
    for mut sun in &mut suns {
        sun.shadow_maps_enabled = picture.shadows;
    }
}

fn core_beacon(
    nightmare: Res<NightmareLoop>,
    mut beacons: Query<&mut Visibility, With<CoreBeacon>>,
) {
    let lit = !matches!(
        nightmare.state,
        LoopState::Confronting { .. } | LoopState::Freed
    );
    for mut seen in &mut beacons {
        seen.set_if_neq(if lit {
            Visibility::Inherited
        } else {
            Visibility::Hidden
        });
    }
}

/// Anchors bob and turn, so they read as alive from far away.
fn animate_anchors(
    time: Res<Time>,
    mut anchors: Query<(&MemoryAnchor, &mut Transform), Without<Understood>>,
) {
    let t = time.elapsed_secs();
    for (anchor, mut transform) in &mut anchors {
        let phase = anchor.index as f32 * 1.7;
        transform.rotation = Quat::from_rotation_y(t * 0.8 + phase);
        transform.scale = Vec3::splat(1.0 + 0.12 * (t * 2.4 + phase).sin());
    }
}
