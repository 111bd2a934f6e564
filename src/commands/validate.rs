//! `sleep-sync validate [PATH...]`: checks the base game, every mod and the given
//! folders or files, and reports every problem at once.

use std::path::PathBuf;

use super::load_library;
use crate::levels::{Assembly, Library};

pub const VALIDATE_USAGE: &str = "\
Usage: sleep-sync validate [PATH...]

Checks every level file of the base game (levels/), of every mod under mods/, and of
each PATH (a mod folder, or a file inside one), and prints every problem as
file:line:column: field: message. Exits 1 if there is any problem, 0 if none.";

/// What validation found: the report to print, and whether every file is sound.
pub struct Validation {
    pub report: String,
    pub ok: bool,
}

/// Validates the levels and mods, plus `paths`.
pub fn validate(paths: &[PathBuf]) -> Validation {
    for path in paths {
        if !path.exists() {
            return Validation {
                report: format!("{}: cannot read: no such file or folder", path.display()),
                ok: false,
            };
        }
    }
    let assembly = load_library(paths);
    Validation {
        report: report(&assembly),
        ok: assembly.errors.is_empty(),
    }
}

/// Every problem, then what loaded: notes, and a one-line summary.
pub fn report(assembly: &Assembly) -> String {
    let mut lines: Vec<String> = assembly.errors.iter().map(ToString::to_string).collect();
    lines.extend(assembly.notes.iter().map(|n| format!("note: {n}")));
    lines.push(summary(&assembly.library, assembly.errors.len()));
    lines.join("\n")
}

fn summary(library: &Library, problems: usize) -> String {
    let playable = library.all_dives().len();
    let verdict = match problems {
        0 => "no problems".to_owned(),
        1 => "1 problem".to_owned(),
        n => format!("{n} problems"),
    };
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{}, {} ({playable} playable, {} in the campaign), {}, {}: {verdict}",
        count(library.dreamers.len(), "dreamer", "dreamers"),
        count(library.dreams.len(), "dream", "dreams"),
        library.campaign.len(),
        count(library.dialogues.len(), "dialogue", "dialogues"),
        count(library.mods.len(), "mod", "mods"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_levels_validate() {
        let v = validate(&[]);
        assert!(v.ok, "{}", v.report);
        assert!(
            v.report
                .contains("2 dreams (2 playable, 2 in the campaign)"),
            "{}",
            v.report
        );
    }

    #[test]
    fn a_missing_path_is_a_problem() {
        let v = validate(&[PathBuf::from("no/such/mod")]);
        assert!(!v.ok);
        assert!(
            v.report.contains("no/such/mod: cannot read"),
            "{}",
            v.report
        );
    }
}
