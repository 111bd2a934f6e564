//! The command line, read once into a [`Command`]: the game's own options, or a tool and
//! its arguments. `main` only dispatches on it. Each tool's arguments are read beside
//! its usage, in the tool's module; which tool, `--help`, and the errors' form are here.

use std::fmt;
use std::path::PathBuf;

use super::new_dream::{NEW_DREAM_USAGE, NewDreamArgs};
use super::playthrough::{PLAYTHROUGH_USAGE, PlaythroughArgs};
use super::preview::{PREVIEW_USAGE, PreviewArgs};
use super::replay::{REPLAY_USAGE, ReplayArgs};
use super::save::{SAVE_USAGE, SaveArgs};
use super::validate::{VALIDATE_USAGE, parse_paths};

/// `sleep-sync --help`.
pub const USAGE: &str = "\
Sleep Sync: dive into looping nightmares and bring the dreamers home.

Usage: sleep-sync [play] [OPTIONS]
       sleep-sync replay FILE [--headless] [--mod PATH]
                                       play a recorded dive back and print how it went
       sleep-sync validate [PATH...]   check the level files and mods, list every problem
       sleep-sync new-dream NAME       start a mod with a template dream that plays
       sleep-sync preview --dream ID|PATH --out FILE.png [--seed N] [--loop K] [--size S]
                          (a map of a dream, no window needed)
       sleep-sync save check FILE      what a saved game holds, or what is wrong with it
       sleep-sync save where           the folder saves and settings are kept in
       sleep-sync crash-test           (for testers) play headless and crash on purpose:
                                       a crash report is written, and where is said
       sleep-sync playthrough --headless --path N [--length]
                          (builds with the dev feature) play the whole campaign by a
                          script, print its chapters and ending (and how long it takes)
       (each tool explains itself with --help)

Options:
  --mod PATH           load the mod folder PATH after those in mods/ (repeatable)
  --dive ID            skip the menus and dive straight into dream ID (the ids are listed
                       under the title screen's Free dive)
  --loop N             with --dive: start at loop N (1 = the first)
  --screenshot FILE    with --dive: save a PNG of the dream once it has rendered, then exit
  --view spawn|core    with --dive: take the dream's picture from the spawn (default) or
                       from the way into the dream's core
  --record FILE        record the dive's inputs into FILE (a replay; see `replay`)
  --settings FILE      with --screenshot or --tour: take the pictures with the settings in
                       FILE (a settings.toml as the game writes it) instead of the
                       defaults; FILE is only read
  --half-size          with --screenshot or --tour: draw the pictures at half the
                       window's width and height (640x360), laid out as at 1280x720: a
                       quarter of the pixels, for the tests' renderer without a graphics
                       card; their text is small
  --tour DIR           (builds with the dev feature) visit every screen (diving into
                       --dive ID, default the campaign's first dream), save a PNG of each
                       in DIR, then exit
  --nightmare          with --tour: picture the nightmare instead of the menus: each
                       hazard at work, the loop folding away (frozen half way), the veiled
                       core, the cast, the confrontation, the freed dreamer
  --control-room       with --tour: picture the control room's panels through the story
  --scenes             with --tour: picture the story's waking scenes (the prologue's and
                       the rift's), each as it opens and where it asks Juno to answer
  --colours            with --tour: each hazard reaching Juno, then the same view without
                       it, in each palette (standard, colour-blind safe)
  --pacing             with --tour: no pictures; time the game's side of every frame
                       through the title, the control room with every panel open and
                       dives into Leo's and Mara's nightmares (or --dive ID's) with two
                       loop changes each, stepped 1/60 s a frame; write DIR/pacing.md
  --level-error        with --tour, a --mod folder in the temporary directory and
                       --dive ID of a dream in it: break that dream's file during the
                       dive and picture the message (the file is put back at the end)
  -V, --version        print the version, the build and the platform
  -h, --help           print this help";

/// `sleep-sync crash-test --help`.
pub const CRASH_TEST_USAGE: &str = "\
Usage: sleep-sync crash-test

Plays the game headless (the base levels and mods/, no window) and panics on purpose at
the 30th frame, as a bug would. The crash report is written where a player's would be
(the folder `sleep-sync save where` names, in crash-reports/; SLEEP_SYNC_DATA moves it)
and its place is said on standard error. Exits with code 101, as a crash does.";

/// The highest loop `--loop` accepts: far past where a dream stops mutating.
pub const MAX_LOOP: u32 = 1000;

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `sleep-sync [play] [OPTIONS]`: the game, in a window.
    Play(Options),
    /// `sleep-sync replay FILE [--headless]`.
    Replay(ReplayArgs),
    /// `sleep-sync validate [PATH...]`.
    Validate(Vec<PathBuf>),
    /// `sleep-sync new-dream NAME [--into FOLDER]`.
    NewDream(NewDreamArgs),
    /// `sleep-sync preview ...`.
    Preview(PreviewArgs),
    /// `sleep-sync save check FILE | where`.
    Save(SaveArgs),
    /// `sleep-sync playthrough --path N` (a build with the `dev` feature).
    Playthrough(PlaythroughArgs),
    /// `--help`, for the game or a tool: print this and exit 0.
    Help(&'static str),
    /// `--version`: print [`crate::version::describe`] and exit 0.
    Version,
    /// `sleep-sync crash-test`: crash on purpose, headless, to check the crash report.
    CrashTest,
}

/// The game's options (`sleep-sync [play] ...`).
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// `--mod PATH`, in order.
    pub mods: Vec<PathBuf>,
    /// `--dive ID`: straight into this dream.
    pub dive: Option<String>,
    /// `--loop N`: the loop to start at (1 = the first).
    pub loop_number: u32,
    /// `--screenshot FILE`.
    pub screenshot: Option<PathBuf>,
    /// `--view spawn|core`.
    pub view: View,
    /// `--record FILE`.
    pub record: Option<PathBuf>,
    /// `--settings FILE`: the pictures' settings, read from FILE.
    pub settings: Option<PathBuf>,
    /// `--half-size`: the pictures drawn at half the window's size each way.
    pub half_size: bool,
    /// `--tour DIR [--nightmare | --control-room]` (a build with the `dev` feature).
    pub tour: Option<Tour>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            mods: Vec::new(),
            dive: None,
            loop_number: 1,
            screenshot: None,
            view: View::Spawn,
            record: None,
            settings: None,
            half_size: false,
            tour: None,
        }
    }
}

/// Where the dream's picture is taken from (`--view`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum View {
    /// At the spawn, facing the first memory anchor.
    #[default]
    Spawn,
    /// On the way into the dream's core, facing it: the plaza, its props and markers.
    Core,
}

/// `--tour DIR`: a picture of each screen, saved in `dir`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tour {
    pub dir: PathBuf,
    pub kind: TourKind,
}

/// Which screens a tour pictures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TourKind {
    /// Title, free dive, control room, dream, pause, settings.
    #[default]
    Screens,
    /// `--nightmare`: each hazard at work, the loop folding away, the veiled core, the
    /// cast, the confrontation, the freed dreamer.
    Nightmare,
    /// `--control-room`: the control room's panels through the story.
    ControlRoom,
    /// `--level-error`: a level file broken during a dive, and the message that says
    /// where.
    LevelError,
    /// `--scenes`: the story's waking scenes, as each opens and at its choice.
    Scenes,
    /// `--colours`: each hazard reaching Juno and the same view without it, in each
    /// palette (what `tests/colour_blind.rs` measures).
    Colours,
    /// `--pacing`: no pictures; each frame's game side timed through the title, the
    /// control room and two dives with loop changes (`dev::pacing`).
    Pacing,
}

impl TourKind {
    /// The command-line flag that asks for it.
    pub fn flag(self) -> &'static str {
        match self {
            TourKind::Screens => "--tour",
            TourKind::Nightmare => "--nightmare",
            TourKind::ControlRoom => "--control-room",
            TourKind::LevelError => "--level-error",
            TourKind::Scenes => "--scenes",
            TourKind::Colours => "--colours",
            TourKind::Pacing => "--pacing",
        }
    }
}

/// Arguments that do not read: exit code 2, with the message and the usage.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageError {
    /// The tool they were for (`None`: the game's).
    pub tool: Option<&'static str>,
    pub message: String,
    pub usage: &'static str,
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.tool {
            Some(tool) => write!(f, "sleep-sync {tool}: ")?,
            None => write!(f, "sleep-sync: ")?,
        }
        write!(f, "{}\n\n{}", self.message, self.usage)
    }
}

/// Reads the command line (without the program's name).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, UsageError> {
    parse_for_build(args, cfg!(feature = "dev"))
}

/// [`parse`], for a build that has the tour (`dev`) or not.
fn parse_for_build(
    args: impl IntoIterator<Item = String>,
    has_tour: bool,
) -> Result<Command, UsageError> {
    let args: Vec<String> = args.into_iter().collect();
    let first = args.first().map_or("", String::as_str);
    let rest = args.get(1..).unwrap_or_default();
    let (tool, usage): (&'static str, &'static str) = match first {
        "replay" => ("replay", REPLAY_USAGE),
        "validate" => ("validate", VALIDATE_USAGE),
        "new-dream" => ("new-dream", NEW_DREAM_USAGE),
        "preview" => ("preview", PREVIEW_USAGE),
        "save" => ("save", SAVE_USAGE),
        "playthrough" => ("playthrough", PLAYTHROUGH_USAGE),
        "crash-test" => ("crash-test", CRASH_TEST_USAGE),
        // `sleep-sync play ...` is `sleep-sync ...`.
        "play" => return play(rest, has_tour),
        _ => return play(&args, has_tour),
    };
    if rest.iter().any(|a| a == "-h" || a == "--help") {
        return Ok(Command::Help(usage));
    }
    let parsed = match tool {
        "replay" => ReplayArgs::parse(rest.iter().cloned()).map(Command::Replay),
        "validate" => parse_paths(rest).map(Command::Validate),
        "new-dream" => NewDreamArgs::parse(rest).map(Command::NewDream),
        "save" => SaveArgs::parse(rest).map(Command::Save),
        "playthrough" if !has_tour => Err(
            "this build has no playthrough (it was built without the dev feature; \
             `cargo run --features dev -- playthrough --headless --path 1`)"
                .to_owned(),
        ),
        "playthrough" => PlaythroughArgs::parse(rest).map(Command::Playthrough),
        "crash-test" => match rest.first() {
            None => Ok(Command::CrashTest),
            Some(extra) => Err(format!("crash-test takes no arguments, found {extra:?}")),
        },
        _ => PreviewArgs::parse(rest.iter().cloned()).map(Command::Preview),
    };
    parsed.map_err(|message| UsageError {
        tool: Some(tool),
        message,
        usage,
    })
}

/// The game's options.
fn play(args: &[String], has_tour: bool) -> Result<Command, UsageError> {
    if args.iter().any(|a| a == "-V" || a == "--version") {
        return Ok(Command::Version);
    }
    match options(args, has_tour) {
        Ok(Some(options)) => Ok(Command::Play(options)),
        Ok(None) => Ok(Command::Help(USAGE)),
        Err(message) => Err(UsageError {
            tool: None,
            message,
            usage: USAGE,
        }),
    }
}

/// The game's options; `None` for `--help`.
/// Which pictures a tour takes: one kind at a time.
fn set_tour_kind(kind: &mut Option<TourKind>, wanted: TourKind) -> Result<(), String> {
    match kind {
        Some(other) if *other != wanted => Err(format!(
            "{} and {}: one kind of tour at a time",
            other.flag(),
            wanted.flag()
        )),
        _ => {
            *kind = Some(wanted);
            Ok(())
        }
    }
}

fn options(args: &[String], has_tour: bool) -> Result<Option<Options>, String> {
    let mut options = Options::default();
    let mut tour_dir = None;
    let mut kind: Option<TourKind> = None;
    let mut args = args.iter().cloned();
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
            "--tour" if !has_tour => {
                return Err(
                    "--tour: this build has no tour (it was built without the dev feature; `cargo run --features dev -- --tour DIR`)"
                        .to_owned(),
                );
            }
            "--tour" => tour_dir = Some(PathBuf::from(value("--tour")?)),
            "--record" => options.record = Some(PathBuf::from(value("--record")?)),
            "--settings" => options.settings = Some(PathBuf::from(value("--settings")?)),
            "--half-size" => options.half_size = true,
            "--nightmare" => set_tour_kind(&mut kind, TourKind::Nightmare)?,
            "--control-room" => set_tour_kind(&mut kind, TourKind::ControlRoom)?,
            "--level-error" => set_tour_kind(&mut kind, TourKind::LevelError)?,
            "--scenes" => set_tour_kind(&mut kind, TourKind::Scenes)?,
            "--colours" => set_tour_kind(&mut kind, TourKind::Colours)?,
            "--pacing" => set_tour_kind(&mut kind, TourKind::Pacing)?,
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
    if let Some(kind) = kind
        && tour_dir.is_none()
    {
        return Err(format!("{} goes with --tour DIR", kind.flag()));
    }
    if kind == Some(TourKind::LevelError) && options.mods.is_empty() {
        return Err("--level-error breaks a file of the last --mod folder: give one".to_owned());
    }
    // Options of the pictures alone: played, the game keeps the player's own.
    let pictured = options.screenshot.is_some() || tour_dir.is_some();
    for (asked, flag, kept) in [
        (
            options.settings.is_some(),
            "--settings",
            "keeps your own settings",
        ),
        (options.half_size, "--half-size", "keeps its window"),
    ] {
        if asked && !pictured {
            return Err(format!(
                "{flag} goes with --screenshot or --tour (played, the game {kept})"
            ));
        }
    }
    if options.half_size && kind == Some(TourKind::Pacing) {
        return Err("--half-size is for pictures; --pacing takes none".to_owned());
    }
    if let Some(dir) = tour_dir {
        if options.screenshot.is_some() {
            return Err("--tour saves its own pictures; drop --screenshot".to_owned());
        }
        let kind = kind.unwrap_or_default();
        options.tour = Some(Tour { dir, kind });
        // A tour dives into the campaign's first dream unless told otherwise.
        return Ok(Some(options));
    }
    let needs_dive =
        options.screenshot.is_some() || options.loop_number != 1 || options.view != View::Spawn;
    if options.dive.is_none() && needs_dive {
        return Err("--screenshot, --loop and --view need --dive ID".to_owned());
    }
    Ok(Some(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    /// The game's options, in a build with the tour.
    fn parse(list: &[&str]) -> Result<Option<Options>, String> {
        match parse_for_build(args(list), true) {
            Ok(Command::Play(options)) => Ok(Some(options)),
            Ok(Command::Help(usage)) if usage == USAGE => Ok(None),
            Ok(other) => panic!("{list:?} is not the game: {other:?}"),
            Err(e) => {
                assert_eq!(e.tool, None, "{list:?}");
                Err(e.message)
            }
        }
    }

    #[test]
    fn arguments() {
        assert_eq!(parse(&["--help"]), Ok(None));
        let o = parse(&["--dive", "a", "--loop", "3", "--screenshot", "a.png"])
            .unwrap()
            .unwrap();
        assert_eq!(o.dive.as_deref(), Some("a"));
        assert_eq!(o.loop_number, 3);
        assert_eq!(o.screenshot, Some(PathBuf::from("a.png")));
        assert!(parse(&["--loop", "0", "--dive", "a"]).is_err());
        assert!(parse(&["--loop", "4294967295", "--dive", "a"]).is_err());
        assert!(parse(&["--tour", "d", "--screenshot", "a.png"]).is_err());
        let tour = parse(&["--tour", "d", "--loop", "3"]).unwrap().unwrap();
        assert_eq!(tour.loop_number, 3);
        assert!(parse(&["--screenshot", "a.png"]).is_err());
        assert!(parse(&["--dive"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        let core = parse(&["--dive", "b", "--view", "core"]).unwrap().unwrap();
        assert_eq!(core.view, View::Core);
        assert!(parse(&["--dive", "b", "--view", "sky"]).is_err());
        let tour = parse(&["--tour", "shots"]).unwrap().unwrap();
        // No dream named: the tour takes the campaign's first when the levels are in.
        assert_eq!(tour.dive, None);
        assert_eq!(
            tour.tour,
            Some(Tour {
                dir: PathBuf::from("shots"),
                kind: TourKind::Screens
            })
        );
        let desk = parse(&["--tour", "shots", "--control-room"])
            .unwrap()
            .unwrap();
        assert_eq!(desk.tour.map(|t| t.kind), Some(TourKind::ControlRoom));
        let nightmare = parse(&["--tour", "shots", "--nightmare", "--dive", "b"])
            .unwrap()
            .unwrap();
        assert_eq!(nightmare.tour.map(|t| t.kind), Some(TourKind::Nightmare));
        assert_eq!(nightmare.dive.as_deref(), Some("b"));
        let pacing = parse(&["--tour", "out", "--pacing"]).unwrap().unwrap();
        assert_eq!(pacing.tour.map(|t| t.kind), Some(TourKind::Pacing));
        assert!(
            parse(&["--pacing"]).is_err(),
            "the report goes in --tour DIR"
        );
        assert!(parse(&["--tour", "d", "--pacing", "--colours"]).is_err());
        assert!(parse(&["--control-room"]).is_err());
        assert!(parse(&["--nightmare"]).is_err());
        assert!(parse(&["--tour", "d", "--control-room", "--nightmare"]).is_err());
        assert!(
            parse(&["--tour", "d", "--level-error"]).is_err(),
            "no mod to break"
        );
        let broken = parse(&["--tour", "d", "--level-error", "--mod", "m", "--dive", "i"])
            .unwrap()
            .unwrap();
        assert_eq!(broken.tour.map(|t| t.kind), Some(TourKind::LevelError));
        let pictured = parse(&[
            "--dive",
            "a",
            "--screenshot",
            "a.png",
            "--settings",
            "s.toml",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(pictured.settings, Some(PathBuf::from("s.toml")));
        let toured = parse(&["--tour", "d", "--settings", "s.toml"])
            .unwrap()
            .unwrap();
        assert_eq!(toured.settings, Some(PathBuf::from("s.toml")));
        assert!(
            parse(&["--settings", "s.toml"]).is_err(),
            "played, the player's own settings are kept"
        );
        assert!(parse(&["--dive", "a", "--settings", "s.toml"]).is_err());
        assert!(parse(&["--tour", "d", "--settings"]).is_err());
        assert!(!toured.half_size, "full size unless asked");
        let halved = parse(&["--tour", "d", "--half-size"]).unwrap().unwrap();
        assert!(halved.half_size);
        let halved = parse(&["--dive", "a", "--screenshot", "a.png", "--half-size"])
            .unwrap()
            .unwrap();
        assert!(halved.half_size);
        assert!(
            parse(&["--dive", "a", "--half-size"]).is_err(),
            "played, the window is the player's"
        );
        assert!(parse(&["--tour", "d", "--pacing", "--half-size"]).is_err());
        let modded = parse(&["--mod", "a", "--mod", "b"]).unwrap().unwrap();
        assert_eq!(modded.mods, [PathBuf::from("a"), PathBuf::from("b")]);
        assert!(parse(&["--mod"]).is_err());
        let recorded = parse(&["play", "--record", "r.ron"]).unwrap().unwrap();
        assert_eq!(recorded.record, Some(PathBuf::from("r.ron")));
        assert_eq!(parse(&[]), Ok(Some(Options::default())));
    }

    #[test]
    fn version_and_crash_test() {
        for list in [
            &["--version"][..],
            &["-V"],
            &["play", "--version"],
            &["--dive", "a", "-V"],
        ] {
            assert_eq!(
                parse_for_build(args(list), false),
                Ok(Command::Version),
                "{list:?}"
            );
        }
        assert_eq!(
            parse_for_build(args(&["crash-test"]), false),
            Ok(Command::CrashTest)
        );
        assert_eq!(
            parse_for_build(args(&["crash-test", "--help"]), false),
            Ok(Command::Help(CRASH_TEST_USAGE))
        );
        let err = parse_for_build(args(&["crash-test", "now"]), false).unwrap_err();
        assert_eq!(err.tool, Some("crash-test"));
        assert!(USAGE.contains("--version") && USAGE.contains("crash-test"));
    }

    #[test]
    fn a_build_without_the_dev_feature_has_no_tour() {
        let err = parse_for_build(args(&["--tour", "shots"]), false).unwrap_err();
        assert_eq!(err.tool, None);
        assert!(err.message.contains("without the dev feature"), "{err}");
        assert!(err.to_string().starts_with("sleep-sync: --tour"), "{err}");
        // Everything a player or modder uses reads the same without it.
        let shot = parse_for_build(
            args(&["--dive", "a", "--view", "core", "--screenshot", "a.png"]),
            false,
        );
        assert!(matches!(shot, Ok(Command::Play(_))), "{shot:?}");
    }

    #[test]
    fn tools() {
        fn tool(list: &[&str]) -> Result<Command, UsageError> {
            parse_for_build(args(list), false)
        }
        assert_eq!(
            tool(&["validate", "--help"]),
            Ok(Command::Help(VALIDATE_USAGE))
        );
        assert_eq!(tool(&["preview", "-h"]), Ok(Command::Help(PREVIEW_USAGE)));
        assert_eq!(tool(&["play", "--help"]), Ok(Command::Help(USAGE)));
        assert_eq!(
            tool(&["validate", "a", "b"]),
            Ok(Command::Validate(vec![
                PathBuf::from("a"),
                PathBuf::from("b")
            ]))
        );
        let err = tool(&["validate", "--all"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("sleep-sync validate: unknown argument \"--all\"\n\n{VALIDATE_USAGE}")
        );
        assert_eq!(
            tool(&[
                "replay",
                "r.ron",
                "--headless",
                "--mod",
                "m",
                "--juno-state",
                "60"
            ]),
            Ok(Command::Replay(ReplayArgs {
                file: PathBuf::from("r.ron"),
                headless: true,
                mods: vec![PathBuf::from("m")],
                juno_state: Some(60),
            }))
        );
        for bad in [&["0"][..], &["x"], &[]] {
            let args = [&["replay", "r.ron", "--headless", "--juno-state"][..], bad].concat();
            assert!(tool(&args).is_err(), "{args:?}");
        }
        assert!(tool(&["replay", "r.ron", "--juno-state", "1"]).is_err());
        let err = tool(&["replay"]).unwrap_err();
        assert_eq!(err.tool, Some("replay"));
        assert_eq!(err.message, "expected a FILE");
        assert!(tool(&["replay", "a", "b"]).is_err());
        assert!(tool(&["replay", "a", "--mod"]).is_err());
        assert_eq!(
            tool(&["new-dream", "owl", "--into", "f"]),
            Ok(Command::NewDream(NewDreamArgs {
                name: "owl".to_owned(),
                into: Some(PathBuf::from("f")),
            }))
        );
        assert_eq!(tool(&["new-dream"]).unwrap_err().message, "expected a NAME");
        assert!(matches!(
            tool(&["preview", "--dream", "a", "--out", "m.png"]),
            Ok(Command::Preview(_))
        ));
        let err = tool(&["preview", "--out", "m.png"]).unwrap_err();
        assert!(err.to_string().starts_with("sleep-sync preview: "), "{err}");
    }
}
