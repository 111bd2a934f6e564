//! What drifts in a dream's air, from its strongest fear: sparks rising off a dream that
//! comes apart, dust hanging in a sleepless night, ash falling where someone watches,
//! pages tumbling where control slips, bubbles in a drowning dream, streaks rushing up
//! past a fall. One mesh of camera-facing quads moved on the CPU each frame (a few
//! hundred): it needs no compute shader, so it runs in the WebGL2 browser build as on
//! the desktop. More drifts as the loop hardens; at dawn it turns to warm light.

use bevy::camera::visibility::NoFrustumCulling;
use bevy::light::NotShadowCaster;
use bevy::prelude::*;

use super::camera::GameCamera;
use super::sky::Dawn;
use crate::dive::CurrentDream;
use crate::dream::FearTag;
use crate::state::AppState;

/// The most particles in the air (a fully hardened loop).
pub const MOST: usize = 360;
/// Half the side of the box of air around the camera the particles fill, metres.
const REACH: f32 = 16.0;

/// What drifts, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drift {
    Sparks,
    Dust,
    Ash,
    Pages,
    Bubbles,
    Streaks,
}

impl Drift {
    /// What drifts in a dream whose strongest fear is `fear`.
    pub fn of(fear: FearTag) -> Self {
        match fear {
            FearTag::Dissolution | FearTag::Mirrors => Drift::Sparks,
            FearTag::Endlessness | FearTag::Sleeplessness => Drift::Dust,
            FearTag::BeingWatched | FearTag::Abandonment => Drift::Ash,
            FearTag::LosingControl => Drift::Pages,
            FearTag::Drowning => Drift::Bubbles,
            FearTag::Falling => Drift::Streaks,
        }
    }

    /// Velocity (m/s), quad size (width, height, metres) and how much each wanders.
    fn motion(self) -> (Vec3, Vec2, f32) {
        match self {
            Drift::Sparks => (Vec3::new(0.0, 0.9, 0.0), Vec2::splat(0.07), 0.5),
            Drift::Dust => (Vec3::new(0.08, 0.02, 0.05), Vec2::splat(0.05), 0.35),
            Drift::Ash => (Vec3::new(0.3, -0.6, 0.1), Vec2::new(0.08, 0.06), 0.6),
            Drift::Pages => (Vec3::new(1.2, -0.25, 0.4), Vec2::new(0.22, 0.3), 1.2),
            Drift::Bubbles => (Vec3::new(0.0, 0.7, 0.0), Vec2::splat(0.1), 0.25),
            Drift::Streaks => (Vec3::new(0.0, 6.0, 0.0), Vec2::new(0.02, 0.9), 0.1),
        }
    }

    /// Glowing drifts add light; ash and pages are matter.
    fn glows(self) -> bool {
        matches!(
            self,
            Drift::Sparks | Drift::Dust | Drift::Streaks | Drift::Bubbles
        )
    }
}

/// The dream's drifting particles: what they are and where each started.
#[derive(Component)]
struct Particles {
    drift: Drift,
    /// Each particle's start in the box (0..1 on each axis) and its own phase.
    seeds: Vec<(Vec3, f32)>,
    /// How many show (more as the loop hardens).
    shown: usize,
    colour: LinearRgba,
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(AppState::Dream), spawn_particles)
        .add_systems(
            Update,
            (
                choose_drift.run_if(resource_exists_and_changed::<CurrentDream>),
                move_particles,
            )
                .chain()
                .run_if(in_state(AppState::Dream)),
        );
}

fn spawn_particles(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    commands.spawn((
        Name::new("Drifting particles"),
        Particles {
            drift: Drift::Dust,
            seeds: super::scattered_seeds(MOST, 0x2045),
            shown: 0,
            colour: LinearRgba::WHITE,
        },
        Mesh3d(meshes.add(super::quads_mesh(MOST))),
        MeshMaterial3d(materials.add(StandardMaterial {
            unlit: true,
            alpha_mode: AlphaMode::Add,
            cull_mode: None,
            ..default()
        })),
        Transform::default(),
        // The quads move every frame, far from where the mesh was first measured.
        NoFrustumCulling,
        NotShadowCaster,
        DespawnOnExit(AppState::Dream),
    ));
}

/// Each loop: what drifts (the strongest fear), in which colour, and how much.
fn choose_drift(
    dream: Res<CurrentDream>,
    mut particles: Query<(&mut Particles, &MeshMaterial3d<StandardMaterial>)>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let recipe = &dream.recipe;
    let strongest = recipe
        .fears
        .iter()
        .max_by(|a, b| a.weight.total_cmp(&b.weight))
        .map_or(FearTag::Endlessness, |f| f.tag);
    for (mut p, material) in &mut particles {
        p.drift = Drift::of(strongest);
        let palette = &recipe.palette;
        p.colour = match p.drift {
            Drift::Sparks => palette.accent * 1.6,
            Drift::Dust | Drift::Bubbles => palette.sun * 0.5 + palette.fog * 1.5,
            Drift::Streaks => palette.fog * 2.0 + LinearRgba::gray(0.2),
            Drift::Ash => LinearRgba::gray(0.12),
            Drift::Pages => palette.high * 0.6 + LinearRgba::gray(0.5),
        };
        p.shown = ((0.45 + 0.55 * recipe.hostility) * MOST as f32) as usize;
        if let Some(mut m) = materials.get_mut(&material.0) {
            m.alpha_mode = if p.drift.glows() {
                AlphaMode::Add
            } else {
                AlphaMode::Blend
            };
        }
    }
}

/// Where every particle is now, as quads facing the camera, in the box of air around it.
fn move_particles(
    time: Res<Time>,
    dawn: Res<Dawn>,
    camera: Single<&GlobalTransform, With<GameCamera>>,
    particles: Query<(&Particles, &Mesh3d)>,
    mut meshes: ResMut<Assets<Mesh>>,
) {
    let t = time.elapsed_secs();
    let eye = camera.translation();
    let right = camera.right().as_vec3();
    let up = camera.up().as_vec3();
    for (p, mesh) in &particles {
        let Some(mut mesh) = meshes.get_mut(&mesh.0) else {
            continue;
        };
        let (velocity, size, wander) = p.drift.motion();
        let warm = LinearRgba::rgb(1.0, 0.75, 0.45);
        let colour = p.colour * (1.0 - dawn.0) + warm * dawn.0;
        let mut positions = Vec::with_capacity(MOST * 4);
        let mut colours = Vec::with_capacity(MOST * 4);
        for (k, (seed, phase)) in p.seeds.iter().enumerate() {
            let shown = k < p.shown;
            // Its place in the box, carried by the drift and wandering about it; the
            // box moves with the camera and what leaves one side comes in at the other.
            let travelled = *seed * (2.0 * REACH) + velocity * t;
            let sway = Vec3::new(
                (t * 0.7 + phase).sin(),
                (t * 0.5 + phase * 1.3).sin() * 0.5,
                (t * 0.6 + phase * 0.7).cos(),
            ) * wander;
            let cell = travelled + sway - eye;
            let local = (cell + Vec3::splat(REACH)).rem_euclid(Vec3::splat(2.0 * REACH))
                - Vec3::splat(REACH);
            let at = eye + local;
            // Fade out towards the box's edges, so none pops in or out.
            let edge = (local.abs() / REACH).max_element();
            let fade = ((1.0 - edge) * 4.0).clamp(0.0, 1.0);
            let flicker = match p.drift {
                Drift::Sparks => 0.55 + 0.45 * (t * 9.0 + phase * 5.0).sin().abs(),
                _ => 1.0,
            };
            let (r, u) = match p.drift {
                // Pages turn as they fall; streaks stand upright.
                Drift::Pages => {
                    let spin = Quat::from_axis_angle(
                        Vec3::new(phase.cos(), 0.6, phase.sin()).normalize(),
                        t * 1.5 + phase,
                    );
                    (spin * Vec3::X, spin * Vec3::Y)
                }
                Drift::Streaks => (right, Vec3::Y),
                _ => (right, up),
            };
            let (r, u) = (r * size.x * 0.5, u * size.y * 0.5);
            let strength = if shown { fade * flicker } else { 0.0 };
            let c = colour * strength;
            let alpha = if p.drift.glows() { 1.0 } else { strength };
            for corner in [-r - u, r - u, r + u, -r + u] {
                positions.push((at + corner).to_array());
                colours.push([c.red, c.green, c.blue, alpha]);
            }
        }
        super::write_quads(&mut mesh, positions, colours);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fear_has_a_drift_and_the_dreams_differ() {
        for fear in FearTag::ALL {
            let (velocity, size, _) = Drift::of(fear).motion();
            assert!(
                velocity.length() > 0.0 && size.min_element() > 0.0,
                "{fear:?}"
            );
        }
        assert_ne!(
            Drift::of(FearTag::Dissolution),
            Drift::of(FearTag::Sleeplessness),
            "Leo's and Mara's dreams drift alike"
        );
    }
}
