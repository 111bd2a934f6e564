//! How the dream looks: materials, lights, fog and sky for the generated world, the
//! people's and the hazards' figures and warnings, and the camera that follows Juno. Presentation only:
//! these systems read the game's state and never change how a dive goes.

mod between_ticks;
mod camera;
mod dream;
mod drift;
pub(crate) mod figure;
mod fog;
mod hazards;
mod sky;
mod surface;
mod transition;

/// The autopilot frames its pictures as the game camera would.
#[cfg(feature = "dev")]
pub(crate) use camera::{GameCamera, camera_position};

use bevy::prelude::*;

/// Numbers in 0..1 that look scattered (xorshift), the same for the same `seed`: where
/// the stars hang, where each drifting particle starts.
fn scatter(seed: u32) -> impl FnMut() -> f32 {
    let mut state = seed.wrapping_mul(747_796_405).wrapping_add(2_891_336_453) | 1;
    move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state >> 8) as f32 / (1u32 << 24) as f32
    }
}

/// `count` places in the unit box with a phase each (0..TAU), scattered from `seed`:
/// where each drifting particle or fog puff starts.
fn scattered_seeds(count: usize, seed: u32) -> Vec<(Vec3, f32)> {
    let mut next = scatter(seed);
    (0..count)
        .map(|_| {
            (
                Vec3::new(next(), next(), next()),
                next() * std::f32::consts::TAU,
            )
        })
        .collect()
}

/// A mesh of `count` quads whose corners a system moves every frame (camera-facing
/// particles and puffs): corners and colours start at zero, each quad's texture
/// corners are set.
fn quads_mesh(count: usize) -> Mesh {
    use bevy::asset::RenderAssetUsages;
    use bevy::mesh::{Indices, PrimitiveTopology};
    let indices: Vec<u32> = (0..count as u32)
        .flat_map(|k| {
            let a = k * 4;
            [a, a + 1, a + 2, a, a + 2, a + 3]
        })
        .collect();
    let corners = count * 4;
    let uvs: Vec<[f32; 2]> = (0..count)
        .flat_map(|_| [[0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
        .collect();
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::default(),
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, vec![[0.0f32; 3]; corners])
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, vec![[0.0f32, 1.0, 0.0]; corners])
    .with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, uvs)
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, vec![[0.0f32; 4]; corners])
    .with_inserted_indices(Indices::U32(indices))
}

/// Writes this frame's corners and colours into a mesh made by [`quads_mesh`].
fn write_quads(mesh: &mut Mesh, positions: Vec<[f32; 3]>, colours: Vec<[f32; 4]>) {
    use bevy::mesh::VertexAttributeValues;
    mesh.insert_attribute(
        Mesh::ATTRIBUTE_POSITION,
        VertexAttributeValues::Float32x3(positions),
    );
    mesh.insert_attribute(
        Mesh::ATTRIBUTE_COLOR,
        VertexAttributeValues::Float32x4(colours),
    );
}

/// The dream's looks and the camera (needs the renderer).
pub(super) fn plugin(app: &mut App) {
    app.add_plugins((
        between_ticks::plugin,
        camera::plugin,
        surface::plugin,
        fog::plugin,
        figure::plugin,
        figure::dress_plugin,
        dream::plugin,
        sky::plugin,
        drift::plugin,
        transition::plugin,
        hazards::plugin,
    ));
}

/// The dream's and the hazards' looks without the camera: for headless tests that count
/// what a loop leaves behind, and of the ground's fold.
#[cfg(feature = "dev")]
pub(crate) fn dream_looks_plugin(app: &mut App) {
    app.add_plugins((
        surface::plugin,
        figure::plugin,
        figure::dress_plugin,
        dream::plugin,
        hazards::plugin,
        transition::plugin,
    ));
}

/// The camera that follows Juno, without a renderer: for the headless test of how far
/// behind her it stays.
#[cfg(feature = "dev")]
pub(crate) fn camera_plugin(app: &mut App) {
    app.add_plugins(camera::plugin);
}

/// What moves in the fixed step drawn between ticks, without a renderer: for the
/// headless tests that a replay plays the same drawn so, and of where it is drawn.
#[cfg(feature = "dev")]
pub(crate) fn between_ticks_plugin(app: &mut App) {
    app.add_plugins(between_ticks::plugin);
}

/// The figures' skeletons and animation without meshes: for the headless feet test.
#[cfg(feature = "dev")]
pub(crate) fn figures_plugin(app: &mut App) {
    app.add_plugins(figure::plugin);
}
