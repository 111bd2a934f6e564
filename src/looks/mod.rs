//! How the dream looks: materials, lights, fog and sky for the generated world, the
//! people's and the hazards' figures and warnings, and the camera that follows Juno. Presentation only:
//! these systems read the game's state and never change how a dive goes.

mod camera;
mod dream;
mod drift;
pub(crate) mod figure;
mod hazards;
mod sky;
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

/// The dream's looks and the camera (needs the renderer).
pub(super) fn plugin(app: &mut App) {
    app.add_plugins((
        camera::plugin,
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
/// what a loop leaves behind.
#[cfg(feature = "dev")]
pub(crate) fn dream_looks_plugin(app: &mut App) {
    app.add_plugins((
        figure::plugin,
        figure::dress_plugin,
        dream::plugin,
        hazards::plugin,
    ));
}

/// The figures' skeletons and animation without meshes: for the headless feet test.
#[cfg(feature = "dev")]
pub(crate) fn figures_plugin(app: &mut App) {
    app.add_plugins(figure::plugin);
}
