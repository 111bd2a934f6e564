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
pub mod calendar;
pub mod campaign;
#[cfg(not(target_arch = "wasm32"))]
pub mod commands;
#[cfg(not(target_arch = "wasm32"))]
pub mod console;
pub mod controls;
#[cfg(not(target_arch = "wasm32"))]
pub mod crash;
#[cfg(all(feature = "dev", not(target_arch = "wasm32")))]
pub mod dev;
pub mod dive;
pub mod dream;
#[cfg(not(target_arch = "wasm32"))]
pub mod headless;
pub mod juno;
pub mod levels;
pub mod long_work;
pub mod menus;
pub mod network;
pub mod panics;
pub mod portable;
pub mod replay;
pub mod saves;
pub mod schedule;
pub mod screens;
pub mod settings;
#[cfg(not(target_arch = "wasm32"))]
pub mod snapshot;
pub mod state;
pub mod store;
pub mod text;
pub mod theme;
pub mod version;
pub mod world;

mod hud;
mod looks;
mod third_party;

use bevy::prelude::*;

pub use crate::schedule::{AppSystems, DiveSystems, SimSystems};
use crate::state::{DreamPhase, Pause};

/// The window's size in pixels as the desktop game opens it (the browser's canvas
/// follows its page): what every screen is laid out for.
pub const WINDOW_SIZE: UVec2 = UVec2::new(1280, 720);
/// Half of it each way: a quarter of the pixels, for pictures a software renderer
/// draws (`--half-size`, the colour tour, the pacing run's dives).
pub const HALF_WINDOW_SIZE: UVec2 = UVec2::new(WINDOW_SIZE.x / 2, WINDOW_SIZE.y / 2);

/// What the fixed-step schedule does with two systems that touch the same data in no
/// declared order: refuse to build in tests and dev builds, log it in a player's.
pub const SIMULATION_TIES: bevy::ecs::schedule::LogLevel =
    if cfg!(any(debug_assertions, feature = "dev")) {
        bevy::ecs::schedule::LogLevel::Error
    } else {
        bevy::ecs::schedule::LogLevel::Warn
    };

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
        //
        // And no two of them may touch the same data without a declared order: the
        // schedule would break the tie by how the systems happen to be added, and a
        // replay would part from its recording when any system is added anywhere. Tests
        // and dev builds refuse to build such a schedule; a player's build logs it.
        app.edit_schedule(FixedUpdate, |schedule| {
            schedule
                .set_executor(bevy::ecs::schedule::SingleThreadedExecutor::new())
                .set_build_settings(bevy::ecs::schedule::ScheduleBuildSettings {
                    ambiguity_detection: SIMULATION_TIES,
                    ..default()
                });
        });
        configure_dive_sets(app, Update);
        configure_dive_sets(app, FixedUpdate);
        app.add_plugins((
            state::plugin,
            third_party::rapier::plugin,
            settings::plugin,
            controls::plugin,
            levels::plugin,
            long_work::plugin,
            dive::plugin,
            juno::plugin,
            replay::plugin,
            campaign::plugin,
            saves::plugin,
        ));
    }
}

/// The conditions of [`DiveSystems`] in `schedule`: the only place they are written.
fn configure_dive_sets(app: &mut App, schedule: impl bevy::ecs::schedule::ScheduleLabel) {
    app.configure_sets(
        schedule,
        (
            DiveSystems::InPlay
                .run_if(in_state(DreamPhase::Exploring))
                .run_if(in_state(Pause::Running))
                .run_if(dive::dive_in_play),
            DiveSystems::LoopRunning
                .in_set(DiveSystems::InPlay)
                .run_if(dive::loop_running),
            DiveSystems::PlayerSteers
                .in_set(DiveSystems::InPlay)
                .run_if(not(resource_exists::<replay::Replaying>)),
        ),
    );
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
            looks::plugin,
        ));
        #[cfg(target_arch = "wasm32")]
        app.add_plugins(third_party::web::plugin);
    }
}
