//! `sleep-sync`: starts the game, or one of its tools. See `sleep-sync --help`.
//!
//! The command line is read once, by `sleep_sync::commands::parse`; this file only
//! dispatches on what it asks for and builds the windowed game.

// A released Windows build is a windowed program: no console window opens beside the
// game. Its tools still print in the terminal they are run from (`console::attach`).
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::process::ExitCode;

use bevy::asset::AssetMetaCheck;
use bevy::prelude::*;
use bevy::window::WindowResolution;
#[cfg(not(target_arch = "wasm32"))]
use sleep_sync::commands::{self, Command, Options, Tour, View, say};
use sleep_sync::{
    ClientPlugin, GamePlugin, HALF_WINDOW_SIZE, WINDOW_SIZE, levels, saves, settings,
};
#[cfg(not(target_arch = "wasm32"))]
use sleep_sync::{replay, snapshot};

/// In the browser: the game, from the title screen (a page has no command line).
#[cfg(target_arch = "wasm32")]
fn main() -> ExitCode {
    let mut app = game(&[], false);
    settings::persist(&mut app, settings::APP_ID);
    saves::persist(&mut app);
    run(app)
}

/// On the desktop: what the command line asks for; a crash is reported
/// (`sleep_sync::crash`).
#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    sleep_sync::console::attach();
    sleep_sync::crash::reporting(sleep_sync::store::Store::player(), run_command)
}

/// The command line, read and done.
#[cfg(not(target_arch = "wasm32"))]
fn run_command() -> ExitCode {
    let command = match commands::parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(problem) => {
            eprintln!("{problem}");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help(usage) => {
            say(usage);
            ExitCode::SUCCESS
        }
        Command::Version => {
            say(sleep_sync::version::describe());
            ExitCode::SUCCESS
        }
        Command::CrashTest => commands::run_crash_test(),
        Command::Play(options) => play(options, None),
        Command::Replay(args) if args.headless => commands::run_replay_headless(&args),
        // A replay plays in the game with no other options than its mods.
        Command::Replay(args) => match commands::replay_request(&args) {
            Ok(request) => {
                let options = Options {
                    mods: args.mods,
                    ..Options::default()
                };
                play(options, Some(request))
            }
            Err(done) => done,
        },
        Command::Validate(paths) => commands::run_validate(&paths),
        Command::NewDream(args) => commands::run_new_dream(&args),
        Command::Preview(args) => commands::run_preview(&args),
        Command::Save(args) => commands::run_save(&args),
        Command::Playthrough(args) => playthrough(args),
    }
}

/// `sleep-sync playthrough`: the campaign played by a script, headless (the command line
/// refuses it in a build without the `dev` feature).
#[cfg(not(target_arch = "wasm32"))]
fn playthrough(args: commands::PlaythroughArgs) -> ExitCode {
    #[cfg(feature = "dev")]
    {
        match sleep_sync::dev::playthrough::play(args.path, |line| say(line)) {
            Ok(run) => {
                if args.length {
                    say(run.length_table());
                }
                ExitCode::SUCCESS
            }
            Err(problem) => {
                eprintln!("sleep-sync playthrough: {problem}");
                ExitCode::from(1)
            }
        }
    }
    #[cfg(not(feature = "dev"))]
    {
        let _ = args;
        ExitCode::from(2)
    }
}

/// The game in a window, as `options` ask (straight into a dream, its picture, a tour,
/// a recording), or playing a replay back.
#[cfg(not(target_arch = "wasm32"))]
fn play(options: Options, playback: Option<replay::ReplayRequest>) -> ExitCode {
    let Options {
        mods,
        dive,
        loop_number,
        screenshot,
        view,
        record,
        settings: settings_file,
        half_size,
        tour,
    } = options;
    // The pictures' folder is made if it is not there; if it cannot be, no picture could
    // be saved, and that is said before a window opens.
    let picture_folder = match (&tour, &screenshot) {
        (Some(tour), _) => Some(("--tour", tour.dir.clone())),
        (None, Some(path)) => path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(|p| ("--screenshot", p.to_path_buf())),
        (None, None) => None,
    };
    if let Some((flag, folder)) = picture_folder
        && let Err(e) = std::fs::create_dir_all(&folder)
    {
        eprintln!("sleep-sync: {flag}: cannot make {}: {e}", folder.display());
        return ExitCode::from(1);
    }
    // The pictures' settings (`--settings`) are read before a window opens, too.
    let settings_file = match settings_file.map(|path| settings::SettingsFile::read(&path)) {
        Some(Ok(file)) => Some(file),
        Some(Err(problem)) => {
            eprintln!("sleep-sync: --settings {problem}");
            return ExitCode::from(1);
        }
        None => None,
    };
    if let Some(problem) = display_problem() {
        eprintln!("{problem}");
        return ExitCode::from(1);
    }
    for path in &mods {
        if !path.is_dir() {
            eprintln!("sleep-sync: --mod {}: not a folder", path.display());
            return ExitCode::from(2);
        }
    }
    let mut app = game(&mods, half_size);
    // Pictures for tests and the README are taken with the default settings, and leave
    // the player's alone.
    if screenshot.is_none() && tour.is_none() {
        settings::persist(&mut app, settings::APP_ID);
        saves::persist(&mut app);
    }
    // ...or with the settings of a file (`--settings`).
    if let Some(file) = settings_file {
        file.use_in(&mut app);
    }
    if let Some(path) = record {
        app.insert_resource(replay::Recording::new(path));
    }
    if let Some(request) = playback {
        app.insert_resource(request);
    }
    match (tour, dive) {
        (Some(tour), dream) => start_tour(&mut app, tour, dream, loop_number - 1, view),
        (None, Some(dream)) => {
            app.insert_resource(snapshot::DiveStraightIn {
                dream,
                loop_index: loop_number - 1,
                picture: screenshot,
                view,
            });
            snapshot::plugin(&mut app);
        }
        (None, None) => {}
    }
    run(app)
}

/// The autopilot's tour of every screen (a build with the `dev` feature).
#[cfg(all(not(target_arch = "wasm32"), feature = "dev"))]
fn start_tour(app: &mut App, tour: Tour, dream: Option<String>, loop_index: u32, view: View) {
    use sleep_sync::commands::TourKind;
    use sleep_sync::dev::autopilot::{self, AutoPilot};
    use sleep_sync::dev::pacing::{self, PacingRun, REPORT};
    if tour.kind == TourKind::Pacing {
        app.insert_resource(PacingRun::new(tour.dir.join(REPORT), dream));
        pacing::plugin(app);
        return;
    }
    app.insert_resource(AutoPilot {
        dir: tour.dir,
        kind: tour.kind,
        dream,
        loop_index,
        view,
    });
    autopilot::plugin(app);
}

/// Without the `dev` feature `commands::parse` refuses `--tour`: there is none to start.
#[cfg(all(not(target_arch = "wasm32"), not(feature = "dev")))]
fn start_tour(_: &mut App, _: Tour, _: Option<String>, _: u32, _: View) {
    unreachable!("--tour is refused by the command line of a build without the dev feature");
}

/// The game in a window, with the mod folders `mods` loaded after the base game's; at
/// half its size each way if `half_size` (`--half-size`).
fn game(mods: &[PathBuf], half_size: bool) -> App {
    let assets = AssetPlugin {
        #[cfg(not(target_arch = "wasm32"))]
        file_path: levels::data_root()
            .join("assets")
            .to_string_lossy()
            .into_owned(),
        // The game ships no .meta files: don't ask for them (in the browser every miss
        // is a request, and some servers answer it with a page).
        meta_check: AssetMetaCheck::Never,
        ..default()
    };
    // The last lines logged are kept for a crash report (desktop; the browser shows a
    // panic on the page).
    let log = bevy::log::LogPlugin {
        #[cfg(not(target_arch = "wasm32"))]
        custom_layer: sleep_sync::crash::log_layer,
        ..default()
    };
    let mut app = App::new();
    levels::register_asset_sources(&mut app, mods);
    app.add_plugins(DefaultPlugins.set(assets).set(log).set(WindowPlugin {
        primary_window: Some(Window {
            title: "Sleep Sync".into(),
            // Half the pixels each way, laid out as at full size: a scale factor of a half.
            resolution: if half_size {
                WindowResolution::new(HALF_WINDOW_SIZE.x, HALF_WINDOW_SIZE.y)
                    .with_scale_factor_override(0.5)
            } else {
                WindowResolution::new(WINDOW_SIZE.x, WINDOW_SIZE.y)
            },
            // The browser build draws into the page's canvas and follows its size.
            canvas: Some("#sleep-sync".into()),
            fit_canvas_to_parent: true,
            ..default()
        }),
        ..default()
    }))
    .add_plugins((GamePlugin, ClientPlugin));
    app
}

/// Runs the app to its end; its exit code is the process's.
fn run(mut app: App) -> ExitCode {
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}

/// On Linux and the BSDs a window needs X11 or Wayland; say so instead of panicking.
#[cfg(not(target_arch = "wasm32"))]
fn display_problem() -> Option<&'static str> {
    if cfg!(all(unix, not(target_os = "macos")))
        && std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none()
    {
        return Some(
            "sleep-sync: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set); run it in a desktop session, or headless with: xvfb-run -s \"-screen 0 1280x720x24\" sleep-sync",
        );
    }
    None
}
