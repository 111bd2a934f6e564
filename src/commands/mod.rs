//! The command line: one reading of it into a [`Command`] ([`parse`]), and the tools
//! that need no window: `replay --headless`, `validate`, `new-dream` and `preview`.
//! Playing, and a replay in a window, are the client's: `main` starts those.

mod cli;
mod new_dream;
mod playthrough;
mod preview;
mod replay;
mod save;
mod validate;

use std::path::{Path, PathBuf};

pub use cli::{
    CRASH_TEST_USAGE, Command, MAX_LOOP, Options, Tour, TourKind, USAGE, UsageError, View, parse,
};
pub use new_dream::{NEW_DREAM_USAGE, NewDreamArgs, new_dream, run as run_new_dream};
pub use playthrough::{PLAYTHROUGH_USAGE, PlaythroughArgs};
pub use preview::{PREVIEW_USAGE, PreviewArgs, preview, run as run_preview};
pub use replay::{
    Played, REPLAY_USAGE, ReplayArgs, play_in, replay_headless, replay_headless_within,
    request as replay_request, run_headless as run_replay_headless,
};
pub use save::{SAVE_USAGE, SaveArgs, check as check_save, run as run_save};
pub use validate::{
    PlayCheck, VALIDATE_USAGE, parse_paths, play_check_dive, run as run_validate, validate,
};

use crate::levels::{self, Assembly, DiveSpec, FileKind, check_unknown};

/// Prints a line to stdout; a closed pipe (`sleep-sync validate | head`) is not an error.
pub fn say(line: impl std::fmt::Display) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// `sleep-sync crash-test` ([`CRASH_TEST_USAGE`]): the game headless, logging through the
/// crash report's layer, until a system panics on purpose. Returns only if it did not.
pub fn run_crash_test() -> std::process::ExitCode {
    let mut app = crate::headless::app(&[]);
    app.add_plugins(bevy::log::LogPlugin {
        custom_layer: crate::crash::log_layer,
        ..Default::default()
    });
    crate::crash::crash_on_purpose(&mut app);
    crate::headless::ready(&mut app);
    for _ in 0..crate::crash::CRASH_FRAME * 2 {
        app.update();
    }
    eprintln!("sleep-sync crash-test: the game did not crash");
    std::process::ExitCode::from(1)
}

/// The base game, every mod under `mods/`, then `extra` (mod folders or files inside
/// one), read from disk and put together.
pub fn load_library(extra: &[PathBuf]) -> Assembly {
    let root = levels::data_root();
    let folders: Vec<PathBuf> = extra.iter().map(|p| level_folder_of(p)).collect();
    let mods = levels::disk::mod_folders(&root, &folders);
    let mut assembly = levels::disk::load(&root.join("levels"), &mods, &root);
    let linked = levels::disk::linked_mods(&root.join("mods"), "mods");
    assembly.errors.extend(
        linked
            .into_iter()
            .map(|(what, why)| levels::LevelError::file_problem(&what, why)),
    );
    assembly
}

/// The level folder a path belongs to: a folder is one; a file inside `dreamers/`,
/// `dreams/`, `dialogue/` or `scenes/` belongs to the folder above; any other file to its own.
fn level_folder_of(path: &Path) -> PathBuf {
    if path.is_dir() || FileKind::of(&path.to_string_lossy()).is_none() {
        return path.to_path_buf();
    }
    // `Path::parent` of a bare name is "": that is the working directory.
    let or_here = |p: &Path| {
        if p.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            p.to_path_buf()
        }
    };
    let parent = or_here(path.parent().unwrap_or(Path::new("")));
    let grouped = parent.file_name().is_some_and(|n| {
        ["dreamers", "dreams", "dialogue", "scenes", "strangers"].contains(&&*n.to_string_lossy())
    });
    match parent.parent() {
        Some(above) if grouped => or_here(above),
        _ => parent,
    }
}

/// The dive into a dream named by id, or by the path of its `*.dream.ron` file (whose
/// level folder is read as a mod if it is not already one). Errors list the known
/// dreams and the problems in the files.
pub fn find_dive(dream: &str, mods: &[PathBuf]) -> Result<DiveSpec, String> {
    let as_path = Path::new(dream);
    let is_path = dream.ends_with(".ron") || as_path.components().count() > 1;
    let mut extra = mods.to_vec();
    let id = if is_path {
        extra.push(as_path.to_path_buf());
        let bytes = levels::disk::read_capped(as_path, dream).map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&bytes);
        let folder = level_folder_of(as_path);
        if !folder.is_dir() {
            return Err(format!("{}: not a folder", folder.display()));
        }
        match levels::parse::<levels::DreamLevel>(dream, text.as_bytes()) {
            Ok(level) => level.id,
            Err(errors) => return Err(joined(&errors)),
        }
    } else {
        dream.to_owned()
    };
    let assembly = load_library(&extra);
    if let Some(spec) = assembly.library.dive(&id) {
        return Ok(spec.clone());
    }
    let known: Vec<&str> = assembly.library.dreams.keys().map(String::as_str).collect();
    let mut message = check_unknown("dream", &id, &known);
    if !assembly.errors.is_empty() {
        message.push_str("\nproblems in the level files:\n");
        message.push_str(&joined(&assembly.errors));
    }
    Err(message)
}

fn joined(errors: &[levels::LevelError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}
