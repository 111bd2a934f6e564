//! The dream generator: fear profile + seed + loop number → [`DreamRecipe`] → [`Dream`].
//!
//! Plain Rust with no ECS access: deterministic for its inputs on every platform, tested
//! and benchmarked on its own. Bevy systems (in `crate::dive`) turn a `Dream` into
//! meshes, colliders and entities; they never compute one.

mod dreamscape;
mod fear;
mod heightfield;
mod noise_field;
pub mod preview;
mod reach;
mod recipe;
mod rng;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

pub use dreamscape::{
    ANCHOR_HOVER, CORE_RADIUS, Dream, DreamCore, GRID_METRES, HazardSpawn, Prop, TerrainMeshData,
};
pub use fear::{FearTag, FearTraits, FearWeight, HazardKind, PropKind};
pub use heightfield::{Heightfield, smoothstep};
pub use noise_field::{Reference, reference_heights};
pub use reach::{MovementLimits, reachable_avoiding, reachable_from, reachable_with};
pub use recipe::{DreamRecipe, MAX_MUTATIONS, Palette, TerrainSize, Tuning};
pub use rng::{DreamRng, mix_seed};

/// How the generator runs. The result does not depend on `threads`; it depends on
/// `reference` only within the accuracy the tests check (0.5% of the height range).
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// Threads to evaluate rows on (always one in the browser).
    pub threads: usize,
    /// Evaluate the noise the naive way (the `noise` crate's fractals at every sample):
    /// the yardstick for the fast pipeline.
    pub reference: bool,
    /// Where to report how far along the generation is.
    pub progress: Option<Arc<Progress>>,
}

impl Default for GenOptions {
    fn default() -> Self {
        Self {
            threads: default_threads(),
            reference: false,
            progress: None,
        }
    }
}

impl GenOptions {
    /// On one thread, with the fast pipeline.
    pub fn single_threaded() -> Self {
        Self {
            threads: 1,
            ..Self::default()
        }
    }

    fn report(&self, fraction: f32) {
        if let Some(progress) = &self.progress {
            progress.set(fraction);
        }
    }
}

/// The machine's hardware threads (1 where that is unknown, and in the browser).
pub fn default_threads() -> usize {
    if cfg!(target_arch = "wasm32") {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// How far a generation has got, 0 to 1; shared between the generating thread and the
/// screen showing it.
#[derive(Debug, Default)]
pub struct Progress(AtomicU32);

impl Progress {
    pub fn set(&self, fraction: f32) {
        let permille = (fraction.clamp(0.0, 1.0) * 1000.0) as u32;
        self.0.fetch_max(permille, Ordering::Relaxed);
    }

    pub fn get(&self) -> f32 {
        self.0.load(Ordering::Relaxed) as f32 / 1000.0
    }
}
