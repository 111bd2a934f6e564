//! `sleep-sync new-dream NAME`: a new mod folder with a commented dreamer, dream and
//! dialogue that validate and play as they are — the start of a modder's own dream.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::say;
use crate::levels::{self, Checks};

pub const NEW_DREAM_USAGE: &str = "\
Usage: sleep-sync new-dream NAME [--into FOLDER]

Writes a new mod, FOLDER/NAME (FOLDER is mods/ unless given), holding a commented
template dreamer, dream and dialogue named NAME that validate and play as they are.
NAME is an id: a-z, 0-9, '_' or '-'. Existing files are never overwritten.
Then: edit the files, `sleep-sync validate`, and pick the dream under Free dive.";

/// What `sleep-sync new-dream` was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDreamArgs {
    pub name: String,
    /// The folder to write the mod into (`mods/` if `None`).
    pub into: Option<PathBuf>,
}

impl NewDreamArgs {
    /// Parses the arguments after `new-dream`.
    pub fn parse(args: &[String]) -> Result<Self, String> {
        match args {
            [name] => Ok(Self {
                name: name.clone(),
                into: None,
            }),
            [name, flag, folder] if flag == "--into" => Ok(Self {
                name: name.clone(),
                into: Some(PathBuf::from(folder)),
            }),
            _ => Err("expected a NAME".to_owned()),
        }
    }
}

/// `sleep-sync new-dream`: writes the mod and says what to do next; exit 1 if it could
/// not be written.
pub fn run(args: &NewDreamArgs) -> ExitCode {
    let name = &args.name;
    match new_dream(name, args.into.as_deref()) {
        Ok(written) => {
            for path in written {
                say(format!("wrote {}", path.display()));
            }
            match &args.into {
                None => say(
                    "Edit them, run `sleep-sync validate`, then play it from the title screen's Free dive.",
                ),
                Some(folder) => {
                    let folder = folder.join(name);
                    say(format!(
                        "Edit them, run `sleep-sync validate {0}`, then play it with `sleep-sync --mod {0}` (Free dive, or --dive {name}).",
                        folder.display()
                    ))
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

/// Writes the template mod for `name` into `into` (or `mods/`). Returns what it wrote.
pub fn new_dream(name: &str, into: Option<&Path>) -> Result<Vec<PathBuf>, String> {
    let mut checks = Checks::new("new-dream");
    checks.id("NAME", name);
    // The display name is made of its letters and digits: it needs some.
    let nameless = !name.chars().any(|c| c.is_ascii_alphanumeric());
    if !checks.into_errors().is_empty() || nameless {
        return Err(format!(
            "{name:?} cannot be an id: expected 1 to 32 characters a-z, 0-9, '_' or '-'"
        ));
    }
    let folder = into
        .map(Path::to_path_buf)
        .unwrap_or_else(|| levels::data_root().join("mods"))
        .join(name);
    if folder.exists() {
        return Err(format!(
            "{}: already exists; pick another name or remove it",
            folder.display()
        ));
    }
    let display = display_name(name);
    let fill = |template: &str| template.replace("{id}", name).replace("{Name}", &display);
    let files = [
        ("mod.ron", fill(MOD_TEMPLATE)),
        (
            &format!("dreamers/{name}.dreamer.ron") as &str,
            fill(DREAMER_TEMPLATE),
        ),
        (&format!("dreams/{name}.dream.ron"), fill(DREAM_TEMPLATE)),
        (
            &format!("dialogue/{name}.dialogue.ron"),
            fill(DIALOGUE_TEMPLATE),
        ),
    ];
    let mut written = Vec::new();
    for (relative, text) in files {
        let path = folder.join(relative);
        write_new(&path, &text)?;
        written.push(path);
    }
    Ok(written)
}

/// "night-owl" → "Night Owl".
fn display_name(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes a file that must not exist yet, whole or not at all (a temporary file renamed
/// into place).
fn write_new(path: &Path, text: &str) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("{}: cannot write: {e}", path.display());
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    if path.exists() {
        return Err(format!("{}: already exists", path.display()));
    }
    let temporary = path.with_extension("ron.partial");
    std::fs::write(&temporary, text).map_err(fail)?;
    std::fs::rename(&temporary, path).map_err(fail)
}

const MOD_TEMPLATE: &str = r#"// A mod: this folder is loaded after the base game. Its dreamers, dreams and dialogue
// are added, or replace the base game's with the same id. See docs/modding.md.
(
    name: "{Name}",
    about: "A new dream.",
    // Dream ids added to the control room after the base game's. Every dream can also be
    // played from the title screen's Free dive.
    dives: ["{id}"],
)
"#;

const DREAMER_TEMPLATE: &str = r##"// Who {Name} is and what they fear.
(
    id: "{id}",
    name: "{Name}",
    about: "Write one line on who {Name} is.",
    // Their colour in the control room, "#rrggbb".
    colour: "#5bd9c4",
    // Fears shape the dream: terrain, colours, props and hazards. Tags: Falling,
    // Drowning, BeingWatched, Abandonment, LosingControl, Sleeplessness, Mirrors,
    // Dissolution, Endlessness. Weights are relative (they need not sum to 1).
    fears: [
        (tag: Falling, weight: 0.7),
        (tag: Abandonment, weight: 0.3),
    ],
    // The dialogue file (by id) with what they say at the core of their dream.
    dialogue: "{id}",
)
"##;

const DREAM_TEMPLATE: &str = r#"// {Name}'s nightmare.
(
    id: "{id}",
    dreamer: "{id}",
    // The same seed makes the same dream everywhere. Change it for another dream.
    seed: 1,
    // Seconds before the loop collapses and the dream comes back worse (20 to 1800).
    loop_seconds: 120.0,
    // Optional. Samples per side (129, 257, 513 or 1025) and the side in metres.
    terrain: (samples: 257, extent: 192.0),
    // Optional. Each value replaces what the fears make; leave out what you like.
    tuning: (
        height: 18.0,       // height range of the ground, metres (1 to 60)
        // water: 0.2,      // water level, share of the height range (0 to 0.6)
        hazards: 3,         // hazards on the first loop (0 to 24); later loops add more
        hazard_kinds: [],   // e.g. [Chaser, Watcher]; empty lets the fears choose
    ),
    // Memory anchors: fragments of {Name}'s real self for Juno to find (1 to 32).
    anchors: [
        (title: "A first memory", memory: "Write a memory that reminds {Name} who they are."),
        (title: "A second memory", memory: "Another one. The dialogue can ask for them."),
    ],
    // How many memories Juno must understand before the veil around {Name} lifts.
    core: (anchors_needed: 1),
    // Optional. How the nightmare wears Juno down (docs/modding.md lists every number).
    nightmare: (
        lucidity_seconds: 240.0,     // time alone empties her lucidity in this long
        // watcher: (range: 30.0, drain: 0.07),
    ),
)
"#;

const DIALOGUE_TEMPLATE: &str = r#"// What {Name} and Juno say at the core of the dream. Each choice goes to another node
// (Goto("id")), frees the dreamer (Free), or sends Juno back into a harsher loop
// (Relapse). A choice with needs_anchors is only offered once Juno holds that many.
(
    id: "{id}",
    start: "arrival",
    nodes: [
        (
            id: "arrival",
            speaker: "{Name}",
            text: "Who's there? Nobody comes this far in.",
            choices: [
                (say: "It's Juno. I came to bring you home.", next: Goto("memory")),
                (say: "Wake up. This isn't real.", next: Relapse),
            ],
        ),
        (
            id: "memory",
            speaker: "{Name}",
            text: "Home? I don't remember what that was.",
            choices: [
                (say: "Let me tell you what I found here.", needs_anchors: 1, next: Free),
                (say: "You have to try harder.", next: Relapse),
            ],
        ),
    ],
)
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_names() {
        assert_eq!(display_name("night-owl"), "Night Owl");
        assert_eq!(display_name("ada"), "Ada");
    }

    #[test]
    fn bad_names_are_refused() {
        for bad in ["Bad Name", "_", "-", ""] {
            let err = new_dream(bad, Some(Path::new("/nonexistent"))).unwrap_err();
            assert!(err.contains("cannot be an id"), "{bad:?}: {err}");
        }
    }
}
