//! The game without a window or renderer: the real game plugins on `MinimalPlugins`,
//! advancing a fixed time step per update. `sleep-sync replay FILE --headless` plays in
//! one; the tests' apps (`dev::testing`, with the `dev` feature) are built on it.

use std::path::PathBuf;
use std::time::Duration;

use bevy::asset::AssetPlugin;
use bevy::input::InputPlugin;
use bevy::mesh::MeshPlugin;
use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use bevy::time::TimeUpdateStrategy;

use crate::levels;

/// Seconds each `app.update()` advances.
pub const FRAME_SECONDS: f64 = 1.0 / 60.0;

/// The game without window or renderer, advancing [`FRAME_SECONDS`] per update, with the
/// base game's level files and the mods under `mods/`, then the mod folders `mods` (as
/// `--mod PATH` loads them). Level files are watched: editing one reloads it.
pub fn app(mods: &[PathBuf]) -> App {
    let mut app = App::new();
    levels::register_asset_sources(&mut app, mods);
    app.add_plugins((
        MinimalPlugins,
        AssetPlugin::default(),
        MeshPlugin,
        TransformPlugin,
        StatesPlugin,
        InputPlugin,
    ))
    .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_secs_f64(
        FRAME_SECONDS,
    )))
    .add_plugins(crate::GamePlugin)
    // No player waits at a headless title: the next desk is made when Juno sits down.
    .insert_resource(crate::campaign::DeskAhead(false))
    // Long work a frame at a time by the piece, not the clock: stepped by a fixed time,
    // a headless game then plays the same on any machine.
    .insert_resource(crate::long_work::FrameShare::Pieces(
        crate::long_work::HEADLESS_PIECES_PER_FRAME,
    ));
    app
}

/// Finishes building `app` as `App::run` would (the controls' input contexts, for one,
/// are set up as their plugin finishes). Call once every plugin is added, before the
/// first update; systems and resources may still be added after.
///
/// Every schedule the app has by then runs on one thread. Headless there is nothing to
/// overlap with: waking other threads for each small system would cost more than the
/// systems (on two cores, most of a frame), and the fixed tick's nearly empty schedules
/// woke them every tick. (`FixedUpdate`, the simulation's, is on one thread everywhere:
/// `GamePlugin`.) A schedule first made after this keeps Bevy's executor.
pub fn ready(app: &mut App) {
    app.finish();
    app.cleanup();
    for (_, schedule) in app.world_mut().resource_mut::<Schedules>().iter_mut() {
        schedule.set_executor(bevy::ecs::schedule::SingleThreadedExecutor::new());
    }
}
