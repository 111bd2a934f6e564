//! Sleep Sync: a 3D explorable dream-world game.
//!
//! Juno, a sleep therapist in 2045, dives into the looping nightmares of her brother Leo
//! and her mother Mara. This crate is the whole game as a library; `src/main.rs` only
//! reads the command line and starts it.
//!
//! Two plugins make the game:
//! - [`GamePlugin`]: everything that plays — states, level files, dives, Juno's body,
//!   nightmare loops. It runs in a headless `App` (no window, no renderer) for tests.
//! - [`ClientPlugin`]: what a player sees, hears and touches — input devices, the camera,
//!   meshes and lights, sound, and the egui screens and HUD.

pub mod audio;
pub mod capture;
#[cfg(not(target_arch = "wasm32"))]
pub mod commands;
pub mod dive;
pub mod dream;
pub mod juno;
pub mod levels;
pub mod network;
pub mod replay;
pub mod screens;
pub mod settings;
#[cfg(not(target_arch = "wasm32"))]
pub mod testing;

mod hud;
mod menus;
mod theme;
mod third_party;

use bevy::prelude::*;

/// Frame order of the game's own `Update` systems, declared once.
#[derive(SystemSet, Debug, Clone, Copy, Eq, PartialEq, Hash)]
pub enum AppSystems {
    /// Timers advance.
    TickTimers,
    /// Devices are read into intents.
    RecordInput,
    /// Everything else.
    Update,
}

/// Order of the fixed-step simulation, declared once (`third_party::rapier` puts
/// physics between `Move` and `Hazards`). Everything that decides how a dive goes runs
/// here, on the fixed clock, so a recorded run replays tick for tick.
#[derive(SystemSet, Debug, Clone, Copy, Eq, PartialEq, Hash)]
pub enum SimSystems {
    /// The tick is counted.
    Tick,
    /// This tick's intent is taken: from the devices (and recorded) or from a replay.
    Intent,
    /// Juno decides where to move.
    Move,
    /// Hazards act on where she is now.
    Hazards,
    /// Anchors, the core, lucidity.
    Dream,
    /// The loop's clock: collapses and the next loop.
    Loop,
}

/// Everything that plays. Needs `AssetPlugin` (with [`levels::register_asset_sources`]
/// called before it), `StatesPlugin` and `TransformPlugin`; no window or renderer.
pub struct GamePlugin;

impl Plugin for GamePlugin {
    fn build(&self, app: &mut App) {
        app.configure_sets(
            Update,
            (
                AppSystems::TickTimers,
                AppSystems::RecordInput,
                AppSystems::Update,
            )
                .chain(),
        );
        // The simulation's systems are many and small: handing each to another thread
        // costs more than running it (measured: frames 4.9 ms against 0.8 ms headless on
        // two cores). One thread also runs them in one fixed order, tick after tick.
        app.edit_schedule(FixedUpdate, |schedule| {
            schedule.set_executor(bevy::ecs::schedule::SingleThreadedExecutor::new());
        });
        app.add_plugins((
            third_party::rapier::plugin,
            screens::plugin,
            settings::plugin,
            levels::plugin,
            dive::plugin,
            juno::plugin,
            replay::plugin,
        ));
    }
}

/// What a player sees and touches, on top of [`GamePlugin`]. Needs `DefaultPlugins`.
pub struct ClientPlugin;

impl Plugin for ClientPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins((
            third_party::egui::plugin,
            audio::plugin,
            theme::plugin,
            screens::ui_plugin,
            menus::plugin,
            hud::plugin,
            dive::visuals_plugin,
            juno::client_plugin,
        ));
        #[cfg(target_arch = "wasm32")]
        app.add_plugins(third_party::web::plugin);
    }
}
