//! `sleep-sync validate [PATH...]`: checks the base game, every mod and the given
//! folders or files, and reports every problem at once.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{load_library, say};
use crate::dream::{Dream, FearTag, FearWeight, GenOptions, MovementLimits};
use crate::levels::strangers::Stranger;
use crate::levels::{Assembly, Checks, DiveSpec, LevelDoc, Library};
use crate::network::SleeperProfile;

/// The loops the play check generates: the first, and one well into the mutation.
const CHECKED_LOOPS: [u32; 2] = [0, 4];

/// Below this share of reachable ground a dream is reported as cramped.
const CRAMPED: f32 = 0.15;

pub const VALIDATE_USAGE: &str = "\
Usage: sleep-sync validate [PATH...]

Checks every level file of the base game (levels/), of every mod under mods/, and of
each PATH (a mod folder, or a file inside one), and prints every problem as
file:line:column: field: message. Then it generates loops 1 and 5 of every playable
dream, as the game would, and reports a dream whose memory anchors cannot all be placed
where Juno can reach them (a problem) or whose reachable ground is cramped (a warning).
Exits 1 if there is any problem, 0 if none (warnings do not fail).";

/// The paths to validate, from the arguments after `validate`.
pub fn parse_paths(args: &[String]) -> Result<Vec<PathBuf>, String> {
    match args.iter().find(|a| a.starts_with('-')) {
        Some(flag) => Err(format!("unknown argument {flag:?}")),
        None => Ok(args.iter().map(PathBuf::from).collect()),
    }
}

/// `sleep-sync validate`: prints the report; exit 1 if any level file has a problem.
pub fn run(paths: &[PathBuf]) -> ExitCode {
    let validation = validate(paths);
    say(&validation.report);
    if validation.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// What validation found: the report to print, and whether every file is sound.
pub struct Validation {
    pub report: String,
    pub ok: bool,
}

/// Validates the levels and mods, plus `paths`.
pub fn validate(paths: &[PathBuf]) -> Validation {
    let missing: Vec<String> = paths
        .iter()
        .filter(|p| !p.exists())
        .map(|p| format!("{}: cannot read: no such file or folder", p.display()))
        .collect();
    if !missing.is_empty() {
        return Validation {
            report: missing.join("\n"),
            ok: false,
        };
    }
    let assembly = load_library(paths);
    let play = play_check(&assembly.library);
    Validation {
        report: report(&assembly, &play),
        ok: assembly.errors.is_empty() && play.problems.is_empty(),
    }
}

/// What generating the dreams showed.
#[derive(Debug, Default)]
pub struct PlayCheck {
    /// A dream that cannot be completed.
    pub problems: Vec<String>,
    /// A dream that plays, but poorly.
    pub warnings: Vec<String>,
}

/// Generates [`CHECKED_LOOPS`] of every playable dream and reports what the files alone
/// cannot show: anchors that could not be placed where Juno can reach them (fewer than
/// the core needs is a problem), cramped ground, hazards that found no room.
pub fn play_check(library: &Library) -> PlayCheck {
    let mut check = PlayCheck::default();
    for dive in library.all_dives() {
        let file = library
            .dreams
            .get(dive.id())
            .map_or_else(|| dive.id().to_owned(), |e| e.file.clone());
        play_check_dive(dive, &file, &mut check);
    }
    stranger_check(library, &mut check);
    check
}

/// Generates [`CHECKED_LOOPS`] of one dive; `file` names it in what is reported.
pub fn play_check_dive(dive: &DiveSpec, file: &str, check: &mut PlayCheck) {
    for loop_index in CHECKED_LOOPS {
        let recipe = dive.recipe(loop_index);
        let wanted = dive.dream.anchors.len();
        let k = loop_index + 1;
        // A bug in the generator is this dream's problem, reported with the others.
        let made = crate::panics::catch(
            || {
                Dream::generate_with(
                    &recipe,
                    wanted,
                    &MovementLimits::default(),
                    &GenOptions::default(),
                )
            },
            crate::dream::SILENT_FAILURE,
        );
        let dream = match made {
            Ok(dream) => dream,
            Err(said) => {
                check
                    .problems
                    .push(format!("{file}: loop {k}: the generator failed: {said}"));
                continue;
            }
        };
        let placed = dream.anchors.len();
        let needed = dive.dream.core.anchors_needed;
        if placed < wanted.max(needed) {
            let message = format!(
                "{file}: anchors: loop {k} has room for {placed} of the {wanted} memory anchors where Juno can reach them (the core needs {needed}); less water or height, or a larger terrain.extent, makes room"
            );
            if placed < needed {
                check.problems.push(message);
            } else {
                check.warnings.push(message);
            }
        }
        let reachable =
            dream.reachable.iter().filter(|&&r| r).count() as f32 / dream.reachable.len() as f32;
        if reachable < CRAMPED {
            check.warnings.push(format!(
                "{file}: loop {k}: only {:.0}% of the ground can be reached (less water or height, or a larger tuning.scale, opens it up; `sleep-sync preview` shows it)",
                reachable * 100.0
            ));
        }
        if dream.hazards.len() < recipe.hazard_count {
            check.warnings.push(format!(
                "{file}: loop {k}: room for {} of {} hazards",
                dream.hazards.len(),
                recipe.hazard_count
            ));
        }
    }
}

/// The strangers' files put together as the game would: every strongest and second
/// fear (all 72 pairs, the third the next fear after them) gives a talk that checks
/// like a dialogue file and keeps the depth rules, and one stranger of each strongest
/// fear gives a dream whose memories can be reached.
pub fn stranger_check(library: &Library, check: &mut PlayCheck) {
    let Some(rules) = &library.strangers else {
        check.problems.push(
            "levels/strangers/rules.strangers.ron: missing: strangers' dreams need the stranger rules"
                .to_owned(),
        );
        return;
    };
    let missing: Vec<FearTag> = FearTag::ALL
        .into_iter()
        .filter(|t| !library.fear_templates.contains_key(t))
        .collect();
    if !missing.is_empty() {
        check.problems.push(format!(
            "levels/strangers: no fear template for {missing:?}: strangers who fear it have no dream (NAME.fear.ron)"
        ));
        return;
    }
    let template = |tag: &FearTag| {
        library
            .fear_templates
            .get(tag)
            .map_or("", |e| e.file.as_str())
    };
    let base = rules.value.stranger(0, &SleeperProfile::MIDDLING);
    for (i, &first) in FearTag::ALL.iter().enumerate() {
        for &second in FearTag::ALL.iter().filter(|t| **t != first) {
            let third = FearTag::ALL
                .iter()
                .cycle()
                .skip(i + 1)
                .find(|t| **t != first && **t != second)
                .copied()
                .unwrap_or(first);
            let stranger = Stranger {
                fears: [first, second, third]
                    .map(|tag| FearWeight { tag, weight: 1.0 })
                    .to_vec(),
                ..base.clone()
            };
            let where_from = format!("{} then {}", template(&first), template(&second));
            let dive = match library.stranger_dive(&stranger) {
                Ok(dive) => dive,
                Err(e) => {
                    check.problems.push(format!("{where_from}: {e}"));
                    continue;
                }
            };
            let mut checks = Checks::new("the assembled talk");
            dive.dialogue.check(&mut checks);
            for e in checks.into_errors() {
                check.problems.push(format!("{where_from}: {e}"));
            }
            for problem in dive.dialogue.depth_problems() {
                check
                    .problems
                    .push(format!("{where_from}: the assembled talk: {problem}"));
            }
            // One dream per strongest fear is generated.
            if second == FearTag::ALL[usize::from(i == 0)] {
                play_check_dive(&dive, &format!("{} (a stranger)", template(&first)), check);
            }
        }
    }
}

/// Every problem, then warnings, notes, and a one-line summary.
pub fn report(assembly: &Assembly, play: &PlayCheck) -> String {
    let mut lines: Vec<String> = assembly.errors.iter().map(ToString::to_string).collect();
    lines.extend(play.problems.iter().cloned());
    lines.extend(play.warnings.iter().map(|w| format!("warning: {w}")));
    lines.extend(assembly.notes.iter().map(|n| format!("note: {n}")));
    let mut last = summary(
        &assembly.library,
        assembly.errors.len() + play.problems.len(),
    );
    if !play.warnings.is_empty() {
        let n = play.warnings.len();
        last.push_str(&format!(", {n} warning{}", if n == 1 { "" } else { "s" }));
    }
    lines.push(last);
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
        "{}, {} ({playable} playable, {} in the campaign), {}, {}, {}, {}, {}: {verdict}",
        count(library.dreamers.len(), "dreamer", "dreamers"),
        count(library.dreams.len(), "dream", "dreams"),
        library.campaign.len(),
        count(library.dialogues.len(), "dialogue", "dialogues"),
        count(library.scenes.len(), "scene", "scenes"),
        if library.strangers.is_some() {
            "stranger rules"
        } else {
            "no stranger rules"
        },
        count(
            library.fear_templates.len(),
            "fear template",
            "fear templates"
        ),
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
                .contains("4 dreams (4 playable, 3 in the campaign)"),
            "{}",
            v.report
        );
    }

    #[test]
    fn a_flooded_dream_is_reported_after_generating_it() {
        let dir = std::env::temp_dir().join(format!("sleep-sync-flood-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        crate::commands::new_dream("flood", Some(&dir)).expect("template");
        let dream = dir.join("flood/dreams/flood.dream.ron");
        let text = std::fs::read_to_string(&dream).expect("dream");
        // Drowning under deep water, with a core that needs every anchor.
        let flooded = text
            .replace("// water: 0.2,", "water: 0.6,")
            .replace("anchors_needed: 1", "anchors_needed: 2");
        std::fs::write(&dream, flooded).expect("edit");
        let dreamer = dir.join("flood/dreamers/flood.dreamer.ron");
        let who = std::fs::read_to_string(&dreamer).expect("dreamer");
        std::fs::write(&dreamer, who.replace("tag: Falling", "tag: Drowning")).expect("edit");
        let v = validate(&[dir.join("flood")]);
        assert!(
            v.report.contains("of the ground can be reached")
                || v.report.contains("memory anchors"),
            "{}",
            v.report
        );
        let _ = std::fs::remove_dir_all(&dir);
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
