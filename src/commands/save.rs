//! `sleep-sync save check FILE`: what a saved game holds, or exactly what is wrong with
//! it, for players asking "is my save broken?". `sleep-sync save where`: the folder
//! saves are kept in, to back up.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::say;
use crate::levels::Library;
use crate::saves::{MAX_SAVE_BYTES, SaveFile};

pub const SAVE_USAGE: &str = "\
Usage: sleep-sync save check FILE
       sleep-sync save where

check: reads the saved game FILE and prints what it holds (chapter, network minute,
time played, freed dreamers, when it was saved), then simulates its network again and
checks it is the one that was saved. A problem is printed as file:line:column: message.
Exits 1 on any problem, 0 if the save is whole.
where: prints the folder the game keeps its saves and settings in (back it up to keep
them).";

/// What `sleep-sync save ...` asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveArgs {
    Check(PathBuf),
    Where,
}

impl SaveArgs {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        match args {
            [what, file] if what == "check" => Ok(SaveArgs::Check(PathBuf::from(file))),
            [what] if what == "where" => Ok(SaveArgs::Where),
            [what] if what == "check" => Err("check needs the save file".to_owned()),
            [] => Err("check FILE or where?".to_owned()),
            [what, ..] => Err(format!("unknown argument {what:?}")),
        }
    }
}

pub fn run(args: &SaveArgs) -> ExitCode {
    match args {
        SaveArgs::Where => match crate::store::Store::player() {
            Some(store) => {
                say(store.place("saves"));
                ExitCode::SUCCESS
            }
            None => {
                say("this system has no preferences folder: nothing is saved");
                ExitCode::from(1)
            }
        },
        SaveArgs::Check(file) => {
            let library = super::load_library(&[]).library;
            match check(file, &library) {
                Ok(report) => {
                    say(report);
                    ExitCode::SUCCESS
                }
                Err(problem) => {
                    say(problem);
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// What the save at `path` holds, or what is wrong with it. Never panics.
pub fn check(path: &Path, library: &Library) -> Result<String, String> {
    let shown = path.display().to_string();
    let size = std::fs::metadata(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if size.len() > MAX_SAVE_BYTES as u64 {
        return Err(format!(
            "{shown}: {} bytes is too large for a saved game (at most {MAX_SAVE_BYTES})",
            size.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let save = SaveFile::parse(&shown, &bytes).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let started = std::time::Instant::now();
    let desk = save
        .restore(&library.story)
        .map_err(|why| format!("{shown}: {why}"))?;
    Ok(format!(
        "{shown}: a whole saved game (format {}{})\n{}\nnetwork: {} sleepers, minute {}, simulated again in {:.2} s and the same as saved",
        save.version,
        written_by(&save.game),
        save.summary(),
        desk.network.len(),
        desk.network.minute(),
        started.elapsed().as_secs_f64()
    ))
}

/// ", written by Sleep Sync 0.1.0+dev", or nothing for a save from before format 4.
fn written_by(game: &str) -> String {
    if game.is_empty() {
        return String::new();
    }
    let shown: String = game.chars().take(40).collect();
    format!(
        ", written by Sleep Sync {}",
        crate::levels::printable(&shown)
    )
}
