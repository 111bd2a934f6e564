//! Setup of external crates, one small file each, so upgrading one touches one file.

pub mod egui;
pub mod rapier;
#[cfg(target_arch = "wasm32")]
pub mod web;
