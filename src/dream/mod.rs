//! The dream generator: fear profile + seed + loop number → [`DreamRecipe`] → [`Dream`].
//!
//! Plain Rust with no ECS access: deterministic for its inputs on every platform, tested
//! and benchmarked on its own. Bevy systems (in `crate::dive`) turn a `Dream` into
//! meshes, colliders and entities; they never compute one.

mod dreamscape;
mod fear;
mod heightfield;
mod reach;
mod recipe;
mod rng;

pub use dreamscape::{ANCHOR_HOVER, Dream, GRID_METRES, TerrainMeshData};
pub use fear::{FearTag, FearTraits, FearWeight};
pub use heightfield::{Heightfield, smoothstep};
pub use reach::{MovementLimits, reachable_from};
pub use recipe::{DreamRecipe, Palette, TerrainSize};
pub use rng::{DreamRng, mix_seed};
