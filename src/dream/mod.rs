//! The dream generator: fear profile + seed + loop number → [`DreamRecipe`] → [`Dream`].
//!
//! Plain Rust with no ECS access: deterministic for its inputs on every platform, tested
//! and benchmarked on its own. Bevy systems (in `crate::dive`) turn a `Dream` into
//! meshes, colliders and entities; they never compute one.
//!
//! The files, in the order a dream is made (each imports only files above it):
//! `rng`, `math`, `parallel`, `options`, `perlin` (shared helpers); `terrain_shape`, `fear`,
//! `recipe` (the numbers); `noise_field`, `heightfield` (the ground); `reach`, `ground`,
//! `spawn`, `core_site`, `placement`, `shading` (what is made on it); `dreamscape` (the
//! [`Dream`] and the order it is made in); `preview` (a map of one).

mod core_site;
mod dreamscape;
mod fear;
mod ground;
mod heightfield;
mod math;
mod noise_field;
mod options;
mod pace;
mod parallel;
pub mod perlin;
mod placement;
pub mod preview;
mod reach;
mod recipe;
mod rng;
mod shading;
mod spawn;
mod terrain_shape;

pub use core_site::{CORE_RADIUS, DreamCore};
pub use dreamscape::{Cancelled, Dream, GRID_METRES, MAX_FLOOD_FILLS, TerrainMeshData};
pub use fear::{FearTag, FearTraits, FearWeight, HazardKind, PropKind};
pub use ground::GenWork;
pub use heightfield::Heightfield;
pub use math::smoothstep;
pub use noise_field::{Reference, reference_heights};
pub use options::{GenOptions, Progress, SILENT_FAILURE, default_threads};
pub use pace::{Pace, poll_once, run_to_end};
pub use placement::{ANCHOR_HOVER, HazardSpawn, Prop};
pub use reach::{MovementLimits, reachable_from};
pub use recipe::{DreamRecipe, MAX_MUTATIONS, MAX_PROPS, Mood, Palette, TerrainSize, Tuning};
pub use rng::{DreamRng, mix_seed};
pub use terrain_shape::TerrainShape;
