//! The sleepless fog, seen: soft puffs churning slowly round in each pool of it as it
//! rises, thickest under its surface and spilling over its edge, so it reads as fog and
//! not as a pale wall. A fog that covers the whole dream (no radius) billows in a box
//! of air around the camera. One mesh of camera-facing quads moved on the CPU, like the
//! drifting particles: it runs in the WebGL2 browser build as on the desktop. Puffs
//! near the camera thin out, so standing in the fog still shows the world through it.

use std::f32::consts::TAU;

use bevy::camera::visibility::NoFrustumCulling;
use bevy::light::NotShadowCaster;
use bevy::prelude::*;

use super::camera::GameCamera;
use super::hazards::HostileFade;
use super::surface::SurfaceTextures;
use crate::dive::hazards::RisingPool;
use crate::dive::{ActiveDive, Hazard};
use crate::dream::HazardKind;
use crate::state::AppState;

/// Puffs in one pool of fog.
pub const PER_POOL: usize = 56;
/// Where the puffs' scatter starts.
const SEED: u32 = 0xf06;
/// Pools drawn at once; a dream with more draws the first ones.
const POOLS: usize = 3;
/// Half the side of the box of air a dream-wide fog billows in, metres.
const REACH: f32 = 22.0;
/// How far below its surface the fog's puffs reach, metres.
const DEPTH: f32 = 2.8;
/// How fast the fog turns over, in turns a minute: 1.2× this at its middle, 0.25× at its
/// edge.
const CHURN: f32 = 0.7;

/// The fog's puffs: where each started, its phase and size.
#[derive(Component)]
struct Puffs {
    seeds: Vec<(Vec3, f32)>,
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(AppState::Dream), spawn_puffs)
        .add_systems(
            Update,
            billow
                .run_if(in_state(AppState::Dream))
                .run_if(resource_exists::<ActiveDive>),
        );
}

fn spawn_puffs(
    mut commands: Commands,
    textures: Res<SurfaceTextures>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let most = PER_POOL * POOLS;
    commands.spawn((
        Name::new("Fog puffs"),
        Puffs {
            seeds: super::scattered_seeds(most, SEED),
        },
        Mesh3d(meshes.add(super::quads_mesh(most))),
        MeshMaterial3d(materials.add(StandardMaterial {
            base_color: Color::srgb(0.8, 0.83, 0.95),
            base_color_texture: Some(textures.puff.clone()),
            alpha_mode: AlphaMode::Blend,
            unlit: true,
            cull_mode: None,
            ..default()
        })),
        Transform::default(),
        Visibility::Hidden,
        NoFrustumCulling,
        NotShadowCaster,
        DespawnOnExit(AppState::Dream),
    ));
}

/// One puff: its middle, its size (metres across) and how opaque it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Puff {
    pub at: Vec3,
    pub size: f32,
    pub alpha: f32,
}

/// Where puff `seed` of a pool of fog is at `seconds`: a pool centred on `centre` with
/// its surface at `level` and `radius` metres across (0: everywhere, in the box of air
/// around `eye`).
pub fn puff(
    seed: (Vec3, f32),
    centre: Vec2,
    level: f32,
    radius: f32,
    eye: Vec3,
    seconds: f32,
) -> Puff {
    let (s, phase) = seed;
    let bob = 0.3 * (seconds * 0.35 + phase).sin();
    let depth = s.y * DEPTH;
    let size = 3.2 + 2.6 * (phase / TAU);
    let (at, edge) = if radius > 0.0 {
        // Round the pool's middle, faster inside: the fog turns over on itself.
        let out = s.x.sqrt() * 0.95;
        let turn = s.z * TAU + seconds / 60.0 * TAU * CHURN * (1.2 - out);
        let place = centre + Vec2::from_angle(turn) * out * radius;
        (Vec3::new(place.x, level - 0.35 - depth + bob, place.y), 1.0)
    } else {
        // Carried on a slow wind through a box that moves with the camera.
        let wind = Vec2::new(0.35, 0.2) * seconds;
        let travelled = Vec2::new(s.x, s.z) * (2.0 * REACH) + wind - eye.xz();
        let local = (travelled + Vec2::splat(REACH)).rem_euclid(Vec2::splat(2.0 * REACH))
            - Vec2::splat(REACH);
        let edge = ((1.0 - (local.abs() / REACH).max_element()) * 4.0).clamp(0.0, 1.0);
        let place = eye.xz() + local;
        (
            Vec3::new(place.x, level - 0.25 - depth * 0.7 + bob, place.y),
            edge,
        )
    };
    // Thin near the camera, so the world shows through when Juno stands in it.
    let near = ((at.distance(eye) - 1.5) / 5.0).clamp(0.0, 1.0);
    Puff {
        at,
        size,
        alpha: 0.55 * near * edge,
    }
}

/// Every pool's puffs, facing the camera, where the pools now stand.
fn billow(
    time: Res<Time>,
    fade: Res<HostileFade>,
    dive: Res<ActiveDive>,
    camera: Single<&GlobalTransform, With<GameCamera>>,
    pools: Query<(&Hazard, &RisingPool)>,
    mut puffs: Query<(&Puffs, &Mesh3d, &mut Visibility)>,
    mut meshes: ResMut<Assets<Mesh>>,
) {
    let radius = dive.spec.dream.nightmare.rising_fog.radius;
    let fogs: Vec<(Vec2, f32)> = pools
        .iter()
        .filter(|(hazard, _)| hazard.kind == HazardKind::RisingFog)
        .map(|(hazard, pool)| (hazard.home.xz(), pool.level))
        .take(POOLS)
        .collect();
    let t = time.elapsed_secs();
    let eye = camera.translation();
    let (right, up) = (camera.right().as_vec3(), camera.up().as_vec3());
    let facing = camera.forward().as_vec3();
    for (puffs, mesh, mut visibility) in &mut puffs {
        let shown = !fogs.is_empty() && fade.shown > 0.0;
        visibility.set_if_neq(if shown {
            Visibility::Inherited
        } else {
            Visibility::Hidden
        });
        if !shown {
            continue;
        }
        let Some(mut mesh) = meshes.get_mut(&mesh.0) else {
            continue;
        };
        let mut positions = Vec::with_capacity(puffs.seeds.len() * 4);
        let mut colours = Vec::with_capacity(puffs.seeds.len() * 4);
        for (k, &seed) in puffs.seeds.iter().enumerate() {
            let p = fogs.get(k / PER_POOL).map_or(
                Puff {
                    at: eye,
                    size: 0.0,
                    alpha: 0.0,
                },
                |&(centre, level)| puff(seed, centre, level, radius, eye, t),
            );
            // Each turned its own way in the picture's plane, so no two look alike.
            let spin = Quat::from_axis_angle(facing, seed.1 + t * 0.04);
            let (r, u) = (spin * right * p.size * 0.5, spin * up * p.size * 0.5);
            let alpha = p.alpha * fade.shown;
            for corner in [-r - u, r - u, r + u, -r + u] {
                positions.push((p.at + corner).to_array());
                colours.push([1.0, 1.0, 1.0, alpha]);
            }
        }
        super::write_quads(&mut mesh, positions, colours);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeds() -> Vec<(Vec3, f32)> {
        crate::looks::scattered_seeds(PER_POOL, SEED)
    }

    #[test]
    fn a_pool_of_fog_churns_within_its_edge_under_its_surface() {
        let (centre, level, radius) = (Vec2::new(10.0, -4.0), 3.0, 18.0);
        let eye = Vec3::new(60.0, 20.0, 60.0);
        let mut moved = 0.0;
        for &seed in &seeds() {
            let a = puff(seed, centre, level, radius, eye, 0.0);
            let b = puff(seed, centre, level, radius, eye, 20.0);
            for p in [a, b] {
                assert!(
                    p.at.xz().distance(centre) <= radius,
                    "{p:?} outside the pool"
                );
                assert!(p.at.y < level && p.at.y > level - DEPTH - 1.0, "{p:?}");
                assert!(p.alpha > 0.0 && p.size > 3.0);
            }
            moved += a.at.distance(b.at);
        }
        assert!(
            moved / PER_POOL as f32 > 1.0,
            "the fog turns over: {moved} m in all"
        );
    }

    #[test]
    fn fog_thins_round_the_camera_and_a_dream_wide_one_follows_it() {
        let eye = Vec3::new(100.0, 2.0, -40.0);
        for &seed in &seeds() {
            let p = puff(seed, Vec2::ZERO, 3.0, 0.0, eye, 7.0);
            assert!(p.at.xz().distance(eye.xz()) <= REACH * 2f32.sqrt());
            if p.at.distance(eye) < 1.5 {
                assert_eq!(p.alpha, 0.0, "a puff in the camera's face");
            }
        }
    }
}
