//! `sleep-sync replay FILE [--headless]`: a recorded dive played back, tick for tick,
//! and how it went. Headless it plays here, in a game without window or renderer
//! ([`crate::headless`]); in a window the client plays it from the request made here.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use bevy::prelude::*;

use super::say;
use crate::replay::{
    JunoStateLog, Outcome, ReplayFailed, ReplayFile, ReplayRequest, Replaying, TraceCheck, verdict,
};
use crate::state::DreamPhase;

pub const REPLAY_USAGE: &str = "\
Usage: sleep-sync replay FILE [--headless [--juno-state N]] [--mod PATH]...

Plays a dive recorded with `sleep-sync play --record FILE` back, tick for tick, and
prints how it went: the loop it ended in, memories understood, relapses, and whether the
dreamer was freed. Exit code 0 if it played out as recorded, 1 if not (or if the file
cannot be played: another version, changed level files), 2 on bad arguments.

  --headless        no window: play it as fast as the machine can
  --juno-state N    with --headless: print Juno's state every N ticks, to compare two
                    platforms line by line (the browser page's ?juno-state=N)
  --mod PATH        load a mod folder, as when it was recorded (repeatable)";

/// What `sleep-sync replay` was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayArgs {
    /// The replay file.
    pub file: PathBuf,
    /// Play it without a window.
    pub headless: bool,
    /// Mod folders to load, as when it was recorded.
    pub mods: Vec<PathBuf>,
    /// Print Juno's state every this many ticks (headless only).
    pub juno_state: Option<u64>,
}

impl ReplayArgs {
    /// Parses the arguments after `replay`.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut file = None;
        let mut headless = false;
        let mut mods = Vec::new();
        let mut juno_state = None;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--headless" => headless = true,
                "--mod" => match args.next() {
                    Some(path) => mods.push(PathBuf::from(path)),
                    None => return Err("--mod needs a value".to_owned()),
                },
                "--juno-state" => match args.next().and_then(|n| n.parse().ok()) {
                    Some(every) if every > 0 => juno_state = Some(every),
                    _ => return Err("--juno-state needs a number of ticks, 1 or more".to_owned()),
                },
                other if other.starts_with('-') || file.is_some() => {
                    return Err(format!("unexpected argument {other:?}"));
                }
                _ => file = Some(PathBuf::from(arg)),
            }
        }
        if juno_state.is_some() && !headless {
            return Err("--juno-state works with --headless".to_owned());
        }
        match file {
            Some(file) => Ok(Self {
                file,
                headless,
                mods,
                juno_state,
            }),
            None => Err("expected a FILE".to_owned()),
        }
    }

    /// How messages name the file (as a terminal can show it).
    fn name(&self) -> String {
        crate::levels::printable(&self.file.display().to_string())
    }
}

/// For a replay in a window: the request the game starts with. `Err` with the exit code
/// once the reason the file cannot be played is printed.
pub fn request(args: &ReplayArgs) -> Result<ReplayRequest, ExitCode> {
    match ReplayFile::read(&args.file) {
        Ok(file) => Ok(ReplayRequest {
            file,
            name: args.name(),
            exit_when_done: true,
            linger_seconds: 3.0,
        }),
        Err(problem) => {
            eprintln!("sleep-sync replay: {problem}");
            Err(ExitCode::from(1))
        }
    }
}

/// `sleep-sync replay FILE --headless`: plays it without a window and prints how it
/// went; exit 0 if it played out as recorded.
pub fn run_headless(args: &ReplayArgs) -> ExitCode {
    let file = match ReplayFile::read(&args.file) {
        Ok(file) => file,
        Err(problem) => {
            eprintln!("sleep-sync replay: {problem}");
            return ExitCode::from(1);
        }
    };
    let name = args.name();
    let mut app = crate::headless::app(&args.mods);
    crate::headless::ready(&mut app);
    if let Some(log) = args.juno_state.and_then(JunoStateLog::every) {
        app.insert_resource(log);
    }
    let played = play_in(&mut app, file.clone(), &name, most_frames(&file));
    if let Some(log) = app.world().get_resource::<JunoStateLog>() {
        for line in &log.lines {
            say(line);
        }
    }
    match played {
        Ok(played) => {
            say(verdict(&name, &file, played.outcome, &played.trace));
            if played.as_recorded(&file) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(problem) => {
            eprintln!("sleep-sync replay: {problem}");
            ExitCode::from(1)
        }
    }
}

/// How a replay played: its outcome, and how its state compared with the recording's
/// checkpoints.
#[derive(Debug, Clone, PartialEq)]
pub struct Played {
    pub outcome: Outcome,
    pub trace: TraceCheck,
}

impl Played {
    /// The same outcome as `file` recorded, and every checkpoint reached and the same.
    pub fn as_recorded(&self, file: &ReplayFile) -> bool {
        crate::replay::as_recorded(file, self.outcome, &self.trace)
    }
}

/// Plays a replay in a game without window or renderer, with the mod folders `mods`
/// loaded, and returns how it went: the outcome, or why it could not be played.
pub fn replay_headless(file: ReplayFile, name: &str, mods: &[PathBuf]) -> Result<Played, String> {
    let most = most_frames(&file);
    replay_headless_within(file, name, mods, most)
}

/// The frames a replay may take: forming a loop takes frames; playing one takes a frame
/// a tick.
fn most_frames(file: &ReplayFile) -> u64 {
    file.ticks.saturating_add(50_000)
}

/// [`replay_headless`] for at most `most_frames` frames (an error beyond).
pub fn replay_headless_within(
    file: ReplayFile,
    name: &str,
    mods: &[PathBuf],
    most_frames: u64,
) -> Result<Played, String> {
    let mut app = crate::headless::app(mods);
    crate::headless::ready(&mut app);
    play_in(&mut app, file, name, most_frames)
}

/// Plays a replay in `app`, a headless game already [`ready`](crate::headless::ready)
/// (with whatever a test added to it), for at most `most_frames` frames.
pub fn play_in(
    app: &mut App,
    file: ReplayFile,
    name: &str,
    most_frames: u64,
) -> Result<Played, String> {
    app.insert_resource(ReplayRequest {
        file,
        name: name.to_owned(),
        exit_when_done: false,
        linger_seconds: 0.0,
    });
    for _ in 0..most_frames {
        app.update();
        if let Some(failed) = app.world().get_resource::<ReplayFailed>() {
            return Err(failed.0.clone());
        }
        if let Some(replay) = app.world().get_resource::<Replaying>()
            && replay.done
        {
            return Ok(Played {
                outcome: replay.outcome,
                trace: replay.trace.clone(),
            });
        }
        let forming = app
            .world()
            .get_resource::<State<DreamPhase>>()
            .is_none_or(|p| *p.get() != DreamPhase::Exploring);
        if forming {
            // Generation runs on other threads: give them real time.
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    Err(format!(
        "{name}: the replay did not finish in {most_frames} frames"
    ))
}
