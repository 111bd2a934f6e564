//! Developers' tools, compiled only with `--features dev` (release and browser builds
//! leave them out): the autopilot's tour of every screen (`sleep-sync --tour DIR`) and
//! the helpers the integration tests build their headless apps with.

pub mod autopilot;
mod desk;
mod nightmare;
pub mod testing;
