//! People and the fears that wear a person's shape, as jointed figures built from
//! parameters ([`Figure`]) and animated from how their bodies move. Presentation only:
//! the animation reads the game's state (Juno's motion, where a chaser went) and never
//! writes to it, so replays stay tick-identical.
//!
//! A figure is a root entity standing on the ground under its body, with a joint entity
//! per [`Joint`] and the parts' meshes hung from the joints. The skeleton and its
//! animation need no renderer (the headless feet test runs them); the meshes are added
//! when the renderer's [`FigureKit`] is there.

mod parts;
mod pose;

use std::collections::HashMap;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_rapier3d::prelude::{QueryFilter, RapierContext, ReadRapierContext};

pub use parts::{Slot, parts};
pub use pose::{Dims, Gait, Joint, Motion, pose};

use crate::dive::{CurrentDream, LoopState, NightmareLoop};
use crate::juno::{JUNO_CENTRE_HEIGHT, Juno, JunoMotion};
use crate::levels::{Cast, Figure, Levels};
use crate::settings::PictureSettings;
use crate::state::AppState;

/// A figure standing on `body` (a Juno, a hazard, a core): its skeleton and animation.
#[derive(Component, Debug, Clone)]
pub struct FigureRig {
    pub body: Entity,
    /// The joint entities, in [`Joint::ALL`] order.
    pub joints: [Entity; 15],
    pub dims: Dims,
    pub gait: Gait,
    pub motion: Motion,
    /// Where the body was last frame, and which way it faced (yaw).
    last: Option<(Vec3, f32)>,
}

impl FigureRig {
    pub fn joint(&self, joint: Joint) -> Entity {
        self.joints[joint.index()]
    }
}

/// Marks a figure's joint entities.
#[derive(Component, Debug, Clone, Copy)]
pub struct FigureJoint;

/// The figure talks with its hands while Juno is at the core.
#[derive(Component, Debug, Clone, Copy)]
pub struct Talks(pub f32);

/// The figure turns to face Juno (a dreamer at the core).
#[derive(Component, Debug, Clone, Copy)]
pub struct FacesJuno;

/// The figure stutters and slips sideways now and then: a copy that is not quite her.
#[derive(Component, Debug, Clone, Copy)]
pub struct Glitch;

/// How a figure is coloured: its own palette, or one material over all (a mirror copy,
/// a shade) with its own eyes.
#[derive(Clone)]
pub enum Finish {
    Own,
    Uniform {
        body: Handle<StandardMaterial>,
        eyes: Handle<StandardMaterial>,
    },
}

/// A figure put up: its root, and the mesh entities of its parts with their colour
/// slots (empty without a renderer).
pub struct Spawned {
    pub root: Entity,
    pub joints: [Entity; 15],
    pub parts: Vec<(Entity, Slot)>,
}

/// Meshes and palettes made once per distinct figure in a dive: a loop reset makes none.
#[derive(Resource, Default)]
pub struct FigureKit {
    meshes: HashMap<String, Vec<Handle<Mesh>>>,
    palettes: HashMap<[[u8; 3]; 5], [Handle<StandardMaterial>; 6]>,
    extras: HashMap<&'static str, (Handle<Mesh>, Handle<StandardMaterial>)>,
}

/// What putting up a figure needs: the kit and the assets when there is a renderer.
#[derive(SystemParam)]
pub struct Figures<'w> {
    levels: Option<Res<'w, Levels>>,
    kit: Option<ResMut<'w, FigureKit>>,
    meshes: Option<ResMut<'w, Assets<Mesh>>>,
    materials: Option<ResMut<'w, Assets<StandardMaterial>>>,
}

impl Figures<'_> {
    /// Juno's figure, from the campaign file's cast.
    pub fn juno(&self) -> Figure {
        self.levels
            .as_ref()
            .map_or_else(|| Cast::default().juno, |l| l.library.cast.juno.clone())
    }

    /// Puts `figure` up on `body`, its feet `base` metres below the body's origin.
    pub fn spawn(
        &mut self,
        commands: &mut Commands,
        body: Entity,
        figure: &Figure,
        base: f32,
        finish: Finish,
    ) -> Spawned {
        let dims = Dims::of(figure);
        let root = commands
            .spawn((
                Name::new("Figure"),
                Transform::from_xyz(0.0, -base, 0.0),
                Visibility::default(),
                ChildOf(body),
            ))
            .id();
        let mut joints = [Entity::PLACEHOLDER; 15];
        for joint in Joint::ALL {
            let parent = joint.parent().map_or(root, |p| joints[p.index()]);
            joints[joint.index()] = commands
                .spawn((
                    FigureJoint,
                    Transform::from_translation(dims.offset(joint)),
                    Visibility::default(),
                    ChildOf(parent),
                ))
                .id();
        }
        commands.entity(root).insert(FigureRig {
            body,
            joints,
            dims,
            gait: Gait::default(),
            motion: Motion::default(),
            last: None,
        });
        let mut spawned = Spawned {
            root,
            joints,
            parts: Vec::new(),
        };
        let (Some(kit), Some(meshes), Some(materials)) = (
            self.kit.as_deref_mut(),
            self.meshes.as_deref_mut(),
            self.materials.as_deref_mut(),
        ) else {
            return spawned;
        };
        let parts = parts(figure, &dims);
        let handles = kit
            .meshes
            // By shape alone: figures differing only in colour share meshes.
            .entry(format!(
                "{:?} {:?} {:?} {}",
                figure.build, figure.clothing, figure.hair, figure.height
            ))
            .or_insert_with(|| parts.iter().map(|p| meshes.add(p.shape.mesh())).collect())
            .clone();
        let palette = kit
            .palettes
            .entry(figure.colours())
            .or_insert_with(|| palette_materials(figure.colours(), materials))
            .clone();
        for (part, mesh) in parts.iter().zip(handles) {
            let material = match &finish {
                Finish::Own => palette[part.slot as usize].clone(),
                Finish::Uniform { eyes, .. } if part.slot == Slot::Eyes => eyes.clone(),
                Finish::Uniform { body, .. } => body.clone(),
            };
            let id = commands
                .spawn((
                    Mesh3d(mesh),
                    MeshMaterial3d(material),
                    part.at,
                    ChildOf(joints[part.joint.index()]),
                ))
                .id();
            spawned.parts.push((id, part.slot));
        }
        spawned
    }
}

impl Figures<'_> {
    /// Hangs an extra piece (`name`d, made once) on `parent`: Juno's dive rig.
    pub fn extra(
        &mut self,
        commands: &mut Commands,
        parent: Entity,
        name: &'static str,
        make: impl FnOnce() -> (Mesh, StandardMaterial),
        at: Transform,
    ) -> Option<Entity> {
        let (Some(kit), Some(meshes), Some(materials)) = (
            self.kit.as_deref_mut(),
            self.meshes.as_deref_mut(),
            self.materials.as_deref_mut(),
        ) else {
            return None;
        };
        let (mesh, material) = kit
            .extras
            .entry(name)
            .or_insert_with(|| {
                let (mesh, material) = make();
                (meshes.add(mesh), materials.add(material))
            })
            .clone();
        Some(
            commands
                .spawn((Mesh3d(mesh), MeshMaterial3d(material), at, ChildOf(parent)))
                .id(),
        )
    }
}

/// Juno's figure, from the campaign file's cast, with the dive rig's glowing band round
/// her head so the player finds her at a glance.
fn dress_juno(add: On<Add, Juno>, mut commands: Commands, mut figures: Figures) {
    let figure = figures.juno();
    let spawned = figures.spawn(
        &mut commands,
        add.entity,
        &figure,
        JUNO_CENTRE_HEIGHT,
        Finish::Own,
    );
    let dims = Dims::of(&figure);
    let head = dims.head;
    figures.extra(
        &mut commands,
        spawned.joints[Joint::Head.index()],
        "dive rig",
        || {
            (
                Torus::new(0.98, 1.1).mesh().build(),
                StandardMaterial {
                    base_color: Color::srgb(0.3, 0.9, 1.0),
                    emissive: LinearRgba::rgb(0.6, 2.4, 3.0),
                    unlit: true,
                    ..default()
                },
            )
        },
        Transform::from_xyz(0.0, head * 1.05, 0.0)
            .with_rotation(Quat::from_rotation_x(0.25))
            .with_scale(Vec3::splat(head)),
    );
}

/// A palette's materials, in [`Slot`]'s order: cloth and skin matte, hair with a
/// little sheen, eyes dark.
fn palette_materials(
    colours: [[u8; 3]; 5],
    materials: &mut Assets<StandardMaterial>,
) -> [Handle<StandardMaterial>; 6] {
    let srgb = |[r, g, b]: [u8; 3]| Color::srgb_u8(r, g, b);
    let matte = |c: [u8; 3], roughness: f32| StandardMaterial {
        base_color: srgb(c),
        perceptual_roughness: roughness,
        ..default()
    };
    let [skin, hair, top, bottom, shoes] = colours;
    [
        matte(skin, 0.7),
        matte(hair, 0.45),
        matte(top, 0.85),
        matte(bottom, 0.85),
        matte(shoes, 0.5),
        matte([20, 16, 24], 0.3),
    ]
    .map(|m| materials.add(m))
}

/// The skeletons and their animation (no renderer needed).
pub(super) fn plugin(app: &mut App) {
    app.add_observer(dress_juno).add_systems(
        Update,
        (sense, face_juno, animate, glitch)
            .chain()
            .run_if(in_state(AppState::Dream)),
    );
}

/// The kit the meshes are made with (needs the renderer's assets). It is emptied on
/// waking: the next dive makes what it needs again, and the control room keeps no
/// figures' meshes.
pub(super) fn dress_plugin(app: &mut App) {
    app.init_resource::<FigureKit>().add_systems(
        OnExit(AppState::Dream),
        |mut kit: ResMut<FigureKit>| {
            *kit = FigureKit::default();
        },
    );
}

/// How each figure's body moved this frame: Juno's from her motion while the loop runs,
/// anything else's from where its body went.
fn sense(
    time: Res<Time>,
    nightmare: Option<Res<NightmareLoop>>,
    bodies: Query<(&Transform, Option<&JunoMotion>)>,
    mut rigs: Query<(&mut FigureRig, Option<&Talks>)>,
) {
    let dt = time.delta_secs();
    if dt <= 0.0 {
        return;
    }
    let state = nightmare.as_ref().map(|n| &n.state);
    let running = state.is_some_and(|s| *s == LoopState::Running);
    let talking = matches!(state, Some(LoopState::Confronting { .. }));
    for (mut rig, talks) in &mut rigs {
        let Ok((body, juno)) = bodies.get(rig.body) else {
            continue;
        };
        let yaw = body.rotation.to_euler(EulerRot::YXZ).0;
        let (at, last_yaw) = rig.last.unwrap_or((body.translation, yaw));
        let turning = wrap(yaw - last_yaw) / dt;
        rig.last = Some((body.translation, yaw));
        let mut motion = match juno {
            Some(m) if running => Motion {
                speed: m.velocity.xz().length(),
                vertical: m.velocity.y,
                grounded: m.grounded,
                ..Motion::default()
            },
            Some(_) => Motion {
                grounded: true,
                ..Motion::default()
            },
            None => {
                let moved = (body.translation - at) / dt;
                Motion {
                    speed: moved.xz().length(),
                    vertical: moved.y,
                    grounded: true,
                    ..Motion::default()
                }
            }
        };
        motion.turning = turning;
        motion.talking = if talking {
            talks.map_or(0.0, |t| t.0)
        } else {
            0.0
        };
        rig.motion = motion;
    }
}

/// An angle brought into (−π, π].
fn wrap(angle: f32) -> f32 {
    use std::f32::consts::{PI, TAU};
    (angle + PI).rem_euclid(TAU) - PI
}

/// A dreamer at the core turns, unhurried, to face Juno.
fn face_juno(
    time: Res<Time>,
    juno: Query<&GlobalTransform, With<Juno>>,
    bodies: Query<&GlobalTransform, Without<FigureRig>>,
    mut rigs: Query<(&FigureRig, &mut Transform), With<FacesJuno>>,
) {
    // The figure's turn is in its body's frame; the way to Juno is in the world's.
    let Ok(juno) = juno.single() else {
        return;
    };
    for (rig, mut transform) in &mut rigs {
        let Ok(body) = bodies.get(rig.body) else {
            continue;
        };
        let to = juno.translation() - body.translation();
        if to.xz().length_squared() < 0.01 {
            continue;
        }
        let wanted = body.rotation().inverse() * Quat::from_rotation_y(f32::atan2(-to.x, -to.z));
        let blend = 1.0 - (-3.0 * time.delta_secs()).exp();
        transform.rotation = transform.rotation.slerp(wanted, blend);
    }
}

/// How far above a foot the ground is looked for: a step up is at most this.
const SURFACE_REACH: f32 = 0.6;

/// The height of what a foot at `at` stands on: the terrain, or the top of a prop (a
/// stair, a chair) within [`SURFACE_REACH`] above it. `body`'s own collider and
/// sensors do not count; a foot inside something solid falls back to the terrain.
pub fn surface(physics: Option<&RapierContext>, terrain: f32, at: Vec3, body: Entity) -> f32 {
    let Some(context) = physics else {
        return terrain;
    };
    let filter = QueryFilter::default()
        .exclude_collider(body)
        .exclude_sensors();
    let from = at + Vec3::Y * SURFACE_REACH;
    let hit = context.with_query_pipeline(filter, |pipeline| {
        pipeline
            .cast_ray(from, Vec3::NEG_Y, SURFACE_REACH + 3.0, true)
            .map(|(_, toi)| toi)
    });
    match hit {
        // Above the terrain by more than its triangles' own wobble: a prop.
        Some(toi) if toi > 0.0 && from.y - toi > terrain + 0.02 => from.y - toi,
        _ => terrain,
    }
}

/// Poses every figure for its motion, feet on the ground under them.
fn animate(
    time: Res<Time>,
    dream: Option<Res<CurrentDream>>,
    physics: ReadRapierContext,
    bodies: Query<&Transform, (Without<FigureRig>, Without<FigureJoint>)>,
    mut rigs: Query<(&mut FigureRig, &Transform)>,
    mut joints: Query<&mut Transform, (With<FigureJoint>, Without<FigureRig>)>,
) {
    let dt = time.delta_secs();
    let context = physics.single().ok();
    for (mut rig, local) in &mut rigs {
        let Ok(body) = bodies.get(rig.body) else {
            continue;
        };
        let root = body.mul_transform(*local);
        let rig = &mut *rig;
        rig.gait.advance(&rig.dims, &rig.motion, dt);
        let body_entity = rig.body;
        let ground = |p: Vec2| {
            let at = root.translation + root.rotation * Vec3::new(p.x, 0.0, p.y);
            let terrain = dream
                .as_ref()
                .map_or(0.0, |d| d.heightfield.height_at(at.xz()));
            surface(context.as_ref(), terrain, at, body_entity) - root.translation.y
        };
        let pose = pose(&rig.dims, &rig.motion, &mut rig.gait, ground);
        for joint in Joint::ALL {
            let Ok(mut transform) = joints.get_mut(rig.joint(joint)) else {
                continue;
            };
            transform.translation = if joint == Joint::Pelvis {
                pose.pelvis
            } else {
                rig.dims.offset(joint)
            };
            transform.rotation = pose.turns[joint.index()];
        }
    }
}

/// A copy slips: a few times a second, for a few frames, it jumps sideways and thins.
fn glitch(
    time: Res<Time>,
    picture: Option<Res<PictureSettings>>,
    mut rigs: Query<(&FigureRig, &mut Transform), With<Glitch>>,
) {
    if picture.is_some_and(|p| p.reduce_motion) {
        return;
    }
    let t = time.elapsed_secs();
    for (rig, mut transform) in &mut rigs {
        let burst = (t * 14.0).floor();
        // A hash of the burst's number: which bursts slip, and how far.
        let noise =
            ((burst * 12.9898 + rig.body.index_u32() as f32 * 78.233).sin() * 43_758.5).fract();
        let slipping = noise.abs() > 0.8;
        let offset = if slipping {
            (noise * 10.0).fract() - 0.5
        } else {
            0.0
        };
        transform.translation.x = offset * 0.5;
        transform.scale = if slipping {
            Vec3::new(0.6, 1.04, 1.0)
        } else {
            Vec3::ONE
        };
    }
}

#[cfg(test)]
mod tests {
    use bevy::mesh::{Indices, VertexAttributeValues};

    use super::*;
    use crate::levels::{Build, Clothing, FigurePalette, Hair};

    /// Pixels per metre of the silhouettes.
    const PX: f32 = 100.0;
    const WIDE: usize = 260;
    const TALL: usize = 270;

    /// The figure seen from the front in orthographic projection, one bit per
    /// centimetre, in the pose it stands in at rest.
    fn silhouette(figure: &Figure) -> Vec<bool> {
        let dims = Dims::of(figure);
        let mut gait = Gait::default();
        let idle = Motion {
            grounded: true,
            ..Motion::default()
        };
        let pose = pose(&dims, &idle, &mut gait, |_| 0.0);
        let joints = pose.joints_in_root(&dims);
        let mut mask = vec![false; WIDE * TALL];
        for part in parts(figure, &dims) {
            let mesh = part.shape.mesh();
            let Some(VertexAttributeValues::Float32x3(positions)) =
                mesh.attribute(Mesh::ATTRIBUTE_POSITION)
            else {
                panic!("a part without positions");
            };
            let (at, turn) = joints[part.joint.index()];
            let points: Vec<Vec2> = positions
                .iter()
                .map(|p| {
                    let p = at + turn * part.at.transform_point(Vec3::from(*p));
                    Vec2::new(p.x * PX + WIDE as f32 * 0.5, p.y * PX)
                })
                .collect();
            let indices: Vec<usize> = match mesh.indices() {
                Some(Indices::U32(i)) => i.iter().map(|&k| k as usize).collect(),
                Some(Indices::U16(i)) => i.iter().map(|&k| k as usize).collect(),
                None => (0..points.len()).collect(),
            };
            for tri in indices.chunks_exact(3) {
                fill(&mut mask, [points[tri[0]], points[tri[1]], points[tri[2]]]);
            }
        }
        mask
    }

    /// Sets every pixel whose centre lies inside the triangle.
    fn fill(mask: &mut [bool], [a, b, c]: [Vec2; 3]) {
        let low = a.min(b).min(c).max(Vec2::ZERO);
        let high = a
            .max(b)
            .max(c)
            .min(Vec2::new(WIDE as f32 - 1.0, TALL as f32 - 1.0));
        let edge = |p: Vec2, q: Vec2, r: Vec2| (q - p).perp_dot(r - p);
        let area = edge(a, b, c);
        if area.abs() < 1e-9 {
            return;
        }
        for y in low.y as usize..=high.y.max(0.0) as usize {
            for x in low.x as usize..=high.x.max(0.0) as usize {
                let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
                let (u, v, w) = (edge(b, c, p), edge(c, a, p), edge(a, b, p));
                if (u * area >= 0.0) && (v * area >= 0.0) && (w * area >= 0.0) {
                    mask[y * WIDE + x] = true;
                }
            }
        }
    }

    fn intersection_over_union(a: &[bool], b: &[bool]) -> f32 {
        let both = a.iter().zip(b).filter(|(x, y)| **x && **y).count();
        let either = a.iter().zip(b).filter(|(x, y)| **x || **y).count();
        both as f32 / either.max(1) as f32
    }

    /// The shipped characters, and the chasers' shade.
    fn cast() -> Vec<(String, Figure)> {
        let root = crate::levels::data_root();
        let assembly = crate::levels::disk::load(&root.join("levels"), &[], &root);
        assert!(assembly.errors.is_empty(), "{:?}", assembly.errors);
        let library = assembly.library;
        let mut out = vec![
            ("Juno".to_owned(), library.cast.juno.clone()),
            ("Father".to_owned(), library.cast.father.clone()),
        ];
        for entry in library.dreamers.values() {
            let dreamer = &entry.value;
            // Father is in the campaign's cast and, for the dreams he shares, a dreamer.
            if out.iter().all(|(_, f)| *f != dreamer.figure()) {
                out.push((dreamer.name.clone(), dreamer.figure()));
            }
        }
        out.push(("shade".to_owned(), super::super::hazards::shade()));
        out
    }

    #[test]
    fn characters_are_told_apart_by_shape() {
        let cast = cast();
        assert!(cast.len() >= 5, "{} figures", cast.len());
        let masks: Vec<_> = cast.iter().map(|(_, f)| silhouette(f)).collect();
        let mut report = String::new();
        for i in 0..cast.len() {
            let filled = masks[i].iter().filter(|p| **p).count();
            assert!(filled > 2_000, "{}: only {filled} px of figure", cast[i].0);
            for j in i + 1..cast.len() {
                let iou = intersection_over_union(&masks[i], &masks[j]);
                report += &format!("{} / {}: {iou:.3}\n", cast[i].0, cast[j].0);
                assert!(
                    iou < 0.8,
                    "{} and {} have nearly the same silhouette (IoU {iou:.3})",
                    cast[i].0,
                    cast[j].0
                );
            }
        }
        println!("silhouette overlap (intersection over union):\n{report}");
    }

    #[test]
    fn clothing_and_hair_change_the_silhouette() {
        let base = Figure {
            height: 1.7,
            build: Build::Average,
            clothing: Clothing::Jumpsuit,
            hair: Hair::None,
            palette: FigurePalette {
                skin: "#000000".into(),
                hair: "#000000".into(),
                top: "#000000".into(),
                bottom: "#000000".into(),
                shoes: "#000000".into(),
            },
        };
        let plain = silhouette(&base);
        for clothing in [
            Clothing::Coat,
            Clothing::Dress,
            Clothing::Shroud,
            Clothing::Hoodie,
        ] {
            let dressed = silhouette(&Figure {
                clothing,
                ..base.clone()
            });
            assert!(
                intersection_over_union(&plain, &dressed) < 0.97,
                "{clothing:?} looks like a jumpsuit"
            );
        }
        for hair in [Hair::Bun, Hair::Curls, Hair::Long, Hair::Bob] {
            let styled = silhouette(&Figure {
                hair,
                ..base.clone()
            });
            assert!(styled != plain, "{hair:?} changes nothing");
        }
    }
}
