//! The game's tests in one binary, a module per area (each file says what it covers).
//! One binary links the whole game once, not two dozen times, and its tests share the
//! machine's cores; the tests that need a process of their own stay apart (Cargo.toml
//! says which and why). Run one area with `cargo test --features dev --test game --
//! replays::`.

mod accessibility;
mod audio;
mod bounded_generation;
mod control_room;
mod controls;
mod dream_generator;
mod figures;
#[cfg(unix)]
mod hostile_mods;
mod hot_reload;
mod level_fuzz;
mod levels;
mod loops;
mod menus;
mod network;
mod nightmare;
mod pacing;
mod playthrough;
mod release;
mod replays;
mod saves;
mod soak;
mod story;
mod story_dreams;
mod strangers;
mod walk;
