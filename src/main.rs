//! `sleep-sync`: starts the game. See `sleep-sync --help`.

use std::path::PathBuf;
use std::process::ExitCode;

use bevy::asset::AssetMetaCheck;
use bevy::prelude::*;
use bevy::window::WindowResolution;
use sleep_sync::capture::{self, AutoPilot, View};
use sleep_sync::{ClientPlugin, GamePlugin, levels, replay, settings};

const USAGE: &str = "\
Sleep Sync: dive into the looping nightmares of Leo and Mara.

Usage: sleep-sync [play] [OPTIONS]
       sleep-sync replay FILE [--headless] [--mod PATH]
                                       play a recorded dive back and print how it went
       sleep-sync validate [PATH...]   check the level files and mods, list every problem
       sleep-sync new-dream NAME       start a mod with a template dream that plays
       sleep-sync preview --dream ID|PATH --out FILE.png [--seed N] [--loop K] [--size S]
                          (a map of a dream, no window needed)
       (each tool explains itself with --help)

Options:
  --mod PATH           load the mod folder PATH after those in mods/ (repeatable)
  --dive ID            skip the menus and dive straight into dream ID (leo, mara, ...)
  --loop N             with --dive: start at loop N (1 = the first)
  --screenshot FILE    with --dive: save a PNG of the dream once it has rendered, then exit
  --view spawn|core    with --dive: take the dream's picture from the spawn (default) or
                       from the way into the dream's core
  --record FILE        record the dive's inputs into FILE (a replay; see `replay`)
  --tour DIR           visit every screen (diving into --dive ID, default leo), save a PNG
                       of each in DIR, then exit
  --nightmare          with --tour: picture the nightmare instead of the menus: each
                       hazard at work, the veiled core, the confrontation, the freed dreamer
  --control-room       with --tour: picture the control room's panels through the story
  -h, --help           print this help";

/// Prints a line to stdout; a closed pipe (`sleep-sync validate | head`) is not an error.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// The highest loop `--loop` accepts: far past where a dream stops mutating.
const MAX_LOOP: u32 = 1000;

/// What the command line asked for.
#[derive(Debug, Default, PartialEq)]
struct Options {
    mods: Vec<PathBuf>,
    dive: Option<String>,
    loop_number: u32,
    screenshot: Option<PathBuf>,
    tour: Option<PathBuf>,
    view: View,
    record: Option<PathBuf>,
    nightmare: bool,
    control_room: bool,
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        loop_number: 1,
        ..Options::default()
    };
    let mut args = args.peekable();
    // `sleep-sync play ...` is `sleep-sync ...`.
    args.next_if(|a| a == "play");
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--dive" => options.dive = Some(value("--dive")?),
            "--mod" => options.mods.push(PathBuf::from(value("--mod")?)),
            "--loop" => {
                let n = value("--loop")?;
                options.loop_number = n
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_LOOP).contains(n))
                    .ok_or(format!(
                        "--loop expects a loop number from 1 to {MAX_LOOP}, found {n:?}"
                    ))?;
            }
            "--screenshot" => options.screenshot = Some(PathBuf::from(value("--screenshot")?)),
            "--tour" => options.tour = Some(PathBuf::from(value("--tour")?)),
            "--record" => options.record = Some(PathBuf::from(value("--record")?)),
            "--nightmare" => options.nightmare = true,
            "--control-room" => options.control_room = true,
            "--view" => {
                options.view = match value("--view")?.as_str() {
                    "spawn" => View::Spawn,
                    "core" => View::Core,
                    other => return Err(format!("--view expects spawn or core, found {other:?}")),
                }
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if options.nightmare && options.tour.is_none() {
        return Err("--nightmare goes with --tour DIR".to_owned());
    }
    if options.control_room && (options.tour.is_none() || options.nightmare) {
        return Err("--control-room goes with --tour DIR (and not --nightmare)".to_owned());
    }
    if options.tour.is_some() {
        if options.screenshot.is_some() {
            return Err("--tour saves its own pictures; drop --screenshot".to_owned());
        }
        options.dive.get_or_insert_with(|| "leo".to_owned());
    }
    let needs_dive =
        options.screenshot.is_some() || options.loop_number != 1 || options.view != View::Spawn;
    if options.dive.is_none() && needs_dive {
        return Err("--screenshot, --loop and --view need --dive ID".to_owned());
    }
    Ok(Some(options))
}

/// On Linux and the BSDs a window needs X11 or Wayland; say so instead of panicking.
fn display_problem() -> Option<&'static str> {
    if cfg!(all(
        unix,
        not(target_os = "macos"),
        not(target_arch = "wasm32")
    )) && std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none()
    {
        return Some(
            "sleep-sync: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set); run it in a desktop session, or headless with: xvfb-run -s \"-screen 0 1280x720x24\" sleep-sync",
        );
    }
    None
}

fn main() -> ExitCode {
    #[cfg(not(target_arch = "wasm32"))]
    match std::env::args().nth(1).as_deref() {
        Some("preview") => return run_preview(),
        Some("validate") => return run_validate(),
        Some("new-dream") => return run_new_dream(),
        Some("replay") => {
            if let Some(done) = run_replay_headless() {
                return done;
            }
        }
        _ => {}
    }
    #[cfg(not(target_arch = "wasm32"))]
    let replay = match replay_request() {
        Ok(request) => request,
        Err(done) => return done,
    };
    // A replay's own arguments are read above; the game plays it with no others.
    let skip = if std::env::args().nth(1).as_deref() == Some("replay") {
        usize::MAX
    } else {
        1
    };
    let options = match parse_args(std::env::args().skip(skip)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            say!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("sleep-sync: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    #[cfg(not(target_arch = "wasm32"))]
    let (options, replay) = match replay {
        Some((request, mods)) => (Options { mods, ..options }, Some(request)),
        None => (options, None),
    };
    if let Some(problem) = display_problem() {
        eprintln!("{problem}");
        return ExitCode::from(1);
    }

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

    for path in &options.mods {
        if !path.is_dir() {
            eprintln!("sleep-sync: --mod {}: not a folder", path.display());
            return ExitCode::from(2);
        }
    }
    let mut app = App::new();
    levels::register_asset_sources(&mut app, &options.mods);
    app.add_plugins(DefaultPlugins.set(assets).set(WindowPlugin {
        primary_window: Some(Window {
            title: "Sleep Sync".into(),
            resolution: WindowResolution::new(1280, 720),
            // The browser build draws into the page's canvas and follows its size.
            canvas: Some("#sleep-sync".into()),
            fit_canvas_to_parent: true,
            ..default()
        }),
        ..default()
    }))
    .add_plugins((GamePlugin, ClientPlugin));
    // Pictures for tests and the README are taken with the default settings, and leave
    // the player's alone.
    if options.screenshot.is_none() && options.tour.is_none() {
        settings::persist(&mut app, settings::APP_ID);
    }
    if let Some(path) = options.record {
        app.insert_resource(replay::Recording::new(path));
    }
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(request) = replay {
        app.insert_resource(request);
    }
    if let Some(dreamer) = options.dive {
        app.insert_resource(AutoPilot {
            dreamer,
            loop_index: options.loop_number - 1,
            screenshot: options.screenshot,
            tour: options.tour,
            // Juno is moved for the core's picture: give the camera time to follow.
            settle_frames: if options.view == View::Core { 45 } else { 15 },
            max_frames: 20_000,
            view: options.view,
            nightmare: options.nightmare,
            control_room: options.control_room,
        });
        capture::plugin(&mut app);
    }
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}

#[cfg(not(target_arch = "wasm32"))]
const REPLAY_USAGE: &str = "\
Usage: sleep-sync replay FILE [--headless] [--mod PATH]...

Plays a dive recorded with `sleep-sync play --record FILE` back, tick for tick, and
prints how it went: the loop it ended in, memories understood, relapses, and whether the
dreamer was freed. Exit code 0 if it played out as recorded, 1 if not (or if the file
cannot be played: another version, changed level files), 2 on bad arguments.

  --headless   no window: play it as fast as the machine can
  --mod PATH   load a mod folder, as when it was recorded (repeatable)";

/// The replay's file, and whether to play it headless, from `sleep-sync replay ...`.
#[cfg(not(target_arch = "wasm32"))]
fn replay_args() -> Result<(PathBuf, bool, Vec<PathBuf>), ExitCode> {
    let args = tool_args(REPLAY_USAGE)?;
    let mut file = None;
    let mut headless = false;
    let mut mods = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--headless" => headless = true,
            "--mod" => match args.next() {
                Some(path) => mods.push(PathBuf::from(path)),
                None => {
                    eprintln!("sleep-sync replay: --mod needs a value\n\n{REPLAY_USAGE}");
                    return Err(ExitCode::from(2));
                }
            },
            other if other.starts_with('-') || file.is_some() => {
                eprintln!("sleep-sync replay: unexpected argument {other:?}\n\n{REPLAY_USAGE}");
                return Err(ExitCode::from(2));
            }
            _ => file = Some(PathBuf::from(arg)),
        }
    }
    match file {
        Some(file) => Ok((file, headless, mods)),
        None => {
            eprintln!("sleep-sync replay: expected a FILE\n\n{REPLAY_USAGE}");
            Err(ExitCode::from(2))
        }
    }
}

/// `sleep-sync replay FILE --headless`: plays it without a window. `None` when it is to
/// be played in a window (the game starts with a [`replay::ReplayRequest`]).
#[cfg(not(target_arch = "wasm32"))]
fn run_replay_headless() -> Option<ExitCode> {
    let (path, headless, mods) = match replay_args() {
        Ok(args) => args,
        Err(done) => return Some(done),
    };
    if !headless {
        return None;
    }
    let file = match replay::ReplayFile::read(&path) {
        Ok(file) => file,
        Err(problem) => {
            eprintln!("sleep-sync replay: {problem}");
            return Some(ExitCode::from(1));
        }
    };
    let recorded = file.outcome;
    let name = path.display().to_string();
    Some(
        match sleep_sync::testing::replay_headless(file, &name, &mods) {
            Ok(outcome) if outcome == recorded => {
                say!("{name}: {outcome} (as recorded)");
                ExitCode::SUCCESS
            }
            Ok(outcome) => {
                say!(
                    "{name}: {outcome}; when recorded: {recorded}: the replay did not play out the same"
                );
                ExitCode::from(1)
            }
            Err(problem) => {
                eprintln!("sleep-sync replay: {problem}");
                ExitCode::from(1)
            }
        },
    )
}

/// For `sleep-sync replay FILE` in a window: the request the game starts with.
#[cfg(not(target_arch = "wasm32"))]
fn replay_request() -> Result<Option<(replay::ReplayRequest, Vec<PathBuf>)>, ExitCode> {
    if std::env::args().nth(1).as_deref() != Some("replay") {
        return Ok(None);
    }
    let (path, _, mods) = replay_args()?;
    match replay::ReplayFile::read(&path) {
        Ok(file) => Ok(Some((
            replay::ReplayRequest {
                file,
                name: path.display().to_string(),
                exit_when_done: true,
                linger_seconds: 3.0,
            },
            mods,
        ))),
        Err(problem) => {
            eprintln!("sleep-sync replay: {problem}");
            Err(ExitCode::from(1))
        }
    }
}

/// `sleep-sync preview ...`: no window, no engine; exit 2 on bad arguments, 1 on a dream
/// that cannot be read or a map that cannot be written.
#[cfg(not(target_arch = "wasm32"))]
fn run_preview() -> ExitCode {
    use sleep_sync::commands::{PREVIEW_USAGE, PreviewArgs, preview};
    let args = match tool_args(PREVIEW_USAGE) {
        Ok(args) => args,
        Err(done) => return done,
    };
    let args = match PreviewArgs::parse(args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("sleep-sync preview: {message}\n\n{PREVIEW_USAGE}");
            return ExitCode::from(2);
        }
    };
    match preview(&args) {
        Ok(summary) => {
            say!("{summary}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("sleep-sync preview: {message}");
            ExitCode::from(1)
        }
    }
}

/// The arguments after a tool's name; `Err` with the exit code once `--help` is printed.
#[cfg(not(target_arch = "wasm32"))]
fn tool_args(usage: &str) -> Result<Vec<String>, ExitCode> {
    let args: Vec<String> = std::env::args().skip(2).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        say!("{usage}");
        return Err(ExitCode::SUCCESS);
    }
    Ok(args)
}

/// `sleep-sync validate [PATH...]`: exit 1 if any level file has a problem.
#[cfg(not(target_arch = "wasm32"))]
fn run_validate() -> ExitCode {
    use sleep_sync::commands::{VALIDATE_USAGE, validate};
    let args = match tool_args(VALIDATE_USAGE) {
        Ok(args) => args,
        Err(done) => return done,
    };
    if let Some(flag) = args.iter().find(|a| a.starts_with('-')) {
        eprintln!("sleep-sync validate: unknown argument {flag:?}\n\n{VALIDATE_USAGE}");
        return ExitCode::from(2);
    }
    let paths: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    let validation = validate(&paths);
    say!("{}", validation.report);
    if validation.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `sleep-sync new-dream NAME [--into FOLDER]`.
#[cfg(not(target_arch = "wasm32"))]
fn run_new_dream() -> ExitCode {
    use sleep_sync::commands::{NEW_DREAM_USAGE, new_dream};
    let args = match tool_args(NEW_DREAM_USAGE) {
        Ok(args) => args,
        Err(done) => return done,
    };
    let (name, into) = match args.as_slice() {
        [name] => (name, None),
        [name, flag, folder] if flag == "--into" => (name, Some(PathBuf::from(folder))),
        _ => {
            eprintln!("sleep-sync new-dream: expected a NAME\n\n{NEW_DREAM_USAGE}");
            return ExitCode::from(2);
        }
    };
    match new_dream(name, into.as_deref()) {
        Ok(written) => {
            for path in written {
                say!("wrote {}", path.display());
            }
            match &into {
                None => say!(
                    "Edit them, run `sleep-sync validate`, then play it from the title screen's Free dive."
                ),
                Some(folder) => {
                    let folder = folder.join(name);
                    say!(
                        "Edit them, run `sleep-sync validate {0}`, then play it with `sleep-sync --mod {0}` (Free dive, or --dive {name}).",
                        folder.display()
                    )
                }
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("sleep-sync new-dream: {message}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Options>, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn arguments() {
        assert_eq!(parse(&["--help"]), Ok(None));
        let o = parse(&["--dive", "leo", "--loop", "3", "--screenshot", "a.png"])
            .unwrap()
            .unwrap();
        assert_eq!(o.dive.as_deref(), Some("leo"));
        assert_eq!(o.loop_number, 3);
        assert_eq!(o.screenshot, Some(PathBuf::from("a.png")));
        assert!(parse(&["--loop", "0", "--dive", "leo"]).is_err());
        assert!(parse(&["--loop", "4294967295", "--dive", "leo"]).is_err());
        assert!(parse(&["--tour", "d", "--screenshot", "a.png"]).is_err());
        let tour = parse(&["--tour", "d", "--loop", "3"]).unwrap().unwrap();
        assert_eq!(tour.loop_number, 3);
        assert!(parse(&["--screenshot", "a.png"]).is_err());
        assert!(parse(&["--dive"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        let core = parse(&["--dive", "mara", "--view", "core"])
            .unwrap()
            .unwrap();
        assert_eq!(core.view, View::Core);
        assert!(parse(&["--dive", "mara", "--view", "sky"]).is_err());
        let tour = parse(&["--tour", "shots"]).unwrap().unwrap();
        assert_eq!(tour.dive.as_deref(), Some("leo"));
        assert_eq!(tour.tour, Some(PathBuf::from("shots")));
        let desk = parse(&["--tour", "shots", "--control-room"])
            .unwrap()
            .unwrap();
        assert!(desk.control_room);
        assert!(parse(&["--control-room"]).is_err());
        assert!(parse(&["--tour", "d", "--control-room", "--nightmare"]).is_err());
        let modded = parse(&["--mod", "a", "--mod", "b"]).unwrap().unwrap();
        assert_eq!(modded.mods, [PathBuf::from("a"), PathBuf::from("b")]);
        assert!(parse(&["--mod"]).is_err());
    }
}
