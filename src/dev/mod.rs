//! Developers' tools, compiled only with `--features dev` (release and browser builds
//! leave them out): the autopilot's tour of every screen (`sleep-sync --tour DIR`) and
//! the helpers the integration tests build their headless apps with.

pub mod autopilot;
mod desk;
/// The figures' skeleton and pose, for `benches/figures.rs`.
pub mod figure {
    pub use crate::levels::Cast;
    pub use crate::looks::figure::{Dims, Gait, Motion, parts, pose};
}
mod nightmare;
pub mod pacing;
pub mod player;
pub mod playthrough;
pub mod strangers;
pub mod testing;
pub mod vision;
