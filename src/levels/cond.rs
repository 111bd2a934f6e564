//! Conditions: one vocabulary for every "when" in the level files. A dialogue's
//! openings, variants and choices, Father's lines on the link, and the epilogue are
//! gated by lists of conditions that must all hold: a rift choice the player made, a
//! point the story reached, a memory understood in this dive, a dreamer sunk when the
//! clock ran out. An empty list always holds.
//!
//! ```ron
//! when: [Flag("asked_leo"), Not(Beat(LoopsSetting)), Any([Memory(0), Memories(3)])]
//! ```

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::check::{Checks, unknown};
use super::story::{Outcome, StoryFlag};

/// How deep `Not` and `Any` may nest in one condition.
const MAX_DEPTH: usize = 4;

/// Something that holds, or not, at the moment a line is chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cond {
    /// The player made this choice (a flag declared in the campaign's `story.flags`).
    Flag(String),
    /// The story reached this point (the analysis found the steering, the overload…).
    Beat(StoryFlag),
    /// Juno understands this dive's memory anchor (by index, from 0). Only in a dive.
    Memory(usize),
    /// Juno understands at least this many of this dive's memories. Only in a dive.
    Memories(usize),
    /// The adopted alternative network turned out so. Only in the epilogue.
    Outcome(Outcome),
    /// This dive's dreamer sank deeper when the pressure clock ran out.
    Sunk,
    /// Someone in the family sank deeper when the pressure clock ran out.
    SunkAny,
    /// Juno is in this dive (by dream id).
    InDive(String),
    /// This dreamer (by dream id) was freed from their own loop.
    Freed(String),
    /// Juno is in a stranger's dream (a sleeper of the network, not the family's).
    Stranger,
    /// Juno has brought home at least this many strangers.
    BroughtHome(u32),
    /// The condition does not hold.
    Not(Box<Cond>),
    /// At least one of these holds.
    Any(Vec<Cond>),
}

/// What the story knows, carried from the campaign into a dive (and a replay): the
/// choices the player made, the points reached, who sank.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoryFacts {
    pub flags: BTreeSet<String>,
    pub beats: BTreeSet<StoryFlag>,
    /// Dream ids of the family members who sank.
    pub sunk: BTreeSet<String>,
    /// Dream ids of the dreamers freed (left out of a file when none is, so replays
    /// recorded before it read the same).
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub freed: BTreeSet<String>,
    /// How many strangers Juno brought home (left out of a file when none, as `freed`).
    #[serde(skip_serializing_if = "is_zero")]
    pub home: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl StoryFacts {
    /// Whether nothing is known (a free dive, a replay recorded before stories).
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Everything a condition can be asked about at one moment.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub story: &'a StoryFacts,
    /// The dive under way: its dream id and the memories understood.
    pub dive: Option<(&'a str, &'a BTreeSet<usize>)>,
    /// How the adopted alternative turned out, once it is adopted.
    pub outcomes: Option<&'a BTreeSet<Outcome>>,
}

impl<'a> Facts<'a> {
    /// The facts of the waking story, outside any dive.
    pub fn waking(story: &'a StoryFacts) -> Self {
        Self {
            story,
            dive: None,
            outcomes: None,
        }
    }

    /// The facts inside dive `id`, with the memories understood.
    pub fn diving(story: &'a StoryFacts, id: &'a str, understood: &'a BTreeSet<usize>) -> Self {
        Self {
            story,
            dive: Some((id, understood)),
            outcomes: None,
        }
    }
}

impl Cond {
    /// Whether the condition holds.
    pub fn holds(&self, facts: &Facts) -> bool {
        match self {
            Cond::Flag(flag) => facts.story.flags.contains(flag),
            Cond::Beat(beat) => facts.story.beats.contains(beat),
            Cond::Memory(i) => facts.dive.is_some_and(|(_, known)| known.contains(i)),
            Cond::Memories(n) => facts.dive.is_some_and(|(_, known)| known.len() >= *n),
            Cond::Outcome(o) => facts.outcomes.is_some_and(|all| all.contains(o)),
            Cond::Sunk => facts
                .dive
                .is_some_and(|(id, _)| facts.story.sunk.contains(id)),
            Cond::SunkAny => !facts.story.sunk.is_empty(),
            Cond::InDive(id) => facts.dive.is_some_and(|(here, _)| here == id),
            Cond::Freed(id) => facts.story.freed.contains(id),
            Cond::Stranger => facts
                .dive
                .is_some_and(|(id, _)| super::strangers::sleeper_of(id).is_some()),
            Cond::BroughtHome(n) => facts.story.home >= *n,
            Cond::Not(c) => !c.holds(facts),
            Cond::Any(cs) => cs.iter().any(|c| c.holds(facts)),
        }
    }

    /// This condition and every one nested in it, depth first.
    fn each<'c>(&'c self, out: &mut Vec<&'c Cond>) {
        out.push(self);
        match self {
            Cond::Not(c) => c.each(out),
            Cond::Any(cs) => cs.iter().for_each(|c| c.each(out)),
            _ => {}
        }
    }

    fn depth(&self) -> usize {
        match self {
            Cond::Not(c) => 1 + c.depth(),
            Cond::Any(cs) => 1 + cs.iter().map(Cond::depth).max().unwrap_or(0),
            _ => 0,
        }
    }
}

/// Whether every condition in `conds` holds (an empty list always does).
pub fn all(conds: &[Cond], facts: &Facts) -> bool {
    conds.iter().all(|c| c.holds(facts))
}

/// Where a list of conditions is read, for what may be asked there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// At a dream's core: memories and the dive are known; the alternative is not.
    Dive,
    /// On the dive link (Father's lines): the dive is known, not the alternative.
    Link,
    /// After the alternative is adopted: no dive is under way.
    Epilogue,
    /// A waking scene between nights: no dive, no alternative yet.
    Waking,
}

/// Checks what one file can know about `conds` at `at` (`nodes[2].choices[1].when`):
/// conditions that can never be asked where they stand, `Any([])`, and nesting.
pub fn check(c: &mut Checks, at: &str, conds: &[Cond], scope: Scope) {
    for (i, cond) in conds.iter().enumerate() {
        let field = format!("{at}[{i}]");
        if cond.depth() > MAX_DEPTH {
            c.fail(
                &field,
                format!("expected Not and Any nested at most {MAX_DEPTH} deep"),
            );
            continue;
        }
        let mut nested = Vec::new();
        cond.each(&mut nested);
        for inner in nested {
            let wrong = match (inner, scope) {
                (
                    Cond::Memory(_) | Cond::Memories(_),
                    Scope::Link | Scope::Epilogue | Scope::Waking,
                ) => Some("memories are only known at a dream's core"),
                (Cond::Sunk | Cond::InDive(_), Scope::Epilogue | Scope::Waking) => {
                    Some("no dive is under way while Juno is awake; use SunkAny")
                }
                (Cond::Stranger, Scope::Epilogue | Scope::Waking) => Some(
                    "no dive is under way while Juno is awake; use BroughtHome(1) for the strangers she freed",
                ),
                (Cond::Outcome(_), Scope::Dive | Scope::Link | Scope::Waking) => {
                    Some("the alternative's outcome is only known in the epilogue")
                }
                (Cond::Any(list), _) if list.is_empty() => {
                    Some("Any([]) never holds; leave the condition out")
                }
                _ => None,
            };
            if let Some(why) = wrong {
                c.fail(&field, why);
            }
        }
    }
}

/// The flags and dreams `conds` name, with the field each is at, for the checks that
/// need other files (the campaign's declared flags, the dreams there are).
pub fn names<'c>(at: &str, conds: &'c [Cond]) -> Vec<(String, Named<'c>)> {
    let mut out = Vec::new();
    for (i, cond) in conds.iter().enumerate() {
        let mut nested = Vec::new();
        cond.each(&mut nested);
        for inner in nested {
            let named = match inner {
                Cond::Flag(flag) => Named::Flag(flag),
                Cond::InDive(id) | Cond::Freed(id) => Named::Dream(id),
                Cond::Memory(index) => Named::Memory(*index),
                _ => continue,
            };
            out.push((format!("{at}[{i}]"), named));
        }
    }
    out
}

/// A name a condition uses that another file defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named<'c> {
    Flag(&'c str),
    Dream(&'c str),
    Memory(usize),
}

/// What is wrong with a name a condition uses, if anything: a flag that is not declared,
/// a dream that is not loaded (a memory is checked against its dive where it stands).
pub fn unknown_name(named: Named, flags: &[&str], dreams: &[&str]) -> Option<String> {
    match named {
        Named::Flag(flag) => unknown_flag(flag, flags),
        Named::Dream(id) => (!dreams.contains(&id)).then(|| unknown("dream", id, dreams)),
        Named::Memory(_) => None,
    }
}

/// What is wrong with a flag name, if it is not one of `declared`.
pub fn unknown_flag(flag: &str, declared: &[&str]) -> Option<String> {
    (!declared.contains(&flag)).then(|| unknown("story flag", flag, declared))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(flags: &[&str], beats: &[StoryFlag], sunk: &[&str]) -> StoryFacts {
        StoryFacts {
            flags: flags.iter().map(|s| (*s).to_owned()).collect(),
            beats: beats.iter().copied().collect(),
            sunk: sunk.iter().map(|s| (*s).to_owned()).collect(),
            freed: ["leo".to_owned()].into(),
            home: 2,
        }
    }

    #[test]
    fn each_condition_holds_exactly_when_its_fact_is_known() {
        let facts = story(&["asked_leo"], &[StoryFlag::Overload], &["mara"]);
        let understood: BTreeSet<usize> = [0, 2].into();
        let in_leo = Facts::diving(&facts, "leo", &understood);
        let in_mara = Facts::diving(&facts, "mara", &understood);
        let waking = Facts::waking(&facts);
        let table: [(Cond, [bool; 3]); 17] = [
            (Cond::Stranger, [false, false, false]),
            (Cond::BroughtHome(2), [true, true, true]),
            (Cond::BroughtHome(3), [false, false, false]),
            (Cond::Flag("asked_leo".into()), [true, true, true]),
            (Cond::Flag("mocked_nyx".into()), [false, false, false]),
            (Cond::Beat(StoryFlag::Overload), [true, true, true]),
            (Cond::Beat(StoryFlag::AllFreed), [false, false, false]),
            (Cond::Memory(2), [true, true, false]),
            (Cond::Memory(1), [false, false, false]),
            (Cond::Memories(2), [true, true, false]),
            (Cond::Memories(3), [false, false, false]),
            (Cond::Sunk, [false, true, false]),
            (Cond::SunkAny, [true, true, true]),
            (Cond::InDive("leo".into()), [true, false, false]),
            (Cond::Freed("leo".into()), [true, true, true]),
            (Cond::Freed("mara".into()), [false, false, false]),
            (
                Cond::Any(vec![Cond::Memory(1), Cond::Not(Box::new(Cond::Sunk))]),
                [true, false, true],
            ),
        ];
        let a_stranger = Facts::diving(&facts, "sleeper#4711", &understood);
        assert!(Cond::Stranger.holds(&a_stranger));
        assert!(!Cond::Stranger.holds(&Facts::diving(&facts, "sleeper", &understood)));
        for (cond, expected) in table {
            let got = [
                cond.holds(&in_leo),
                cond.holds(&in_mara),
                cond.holds(&waking),
            ];
            assert_eq!(got, expected, "{cond:?}");
        }
        let outcomes: BTreeSet<Outcome> = [Outcome::SteeringOff].into();
        let epilogue = Facts {
            outcomes: Some(&outcomes),
            ..waking
        };
        assert!(Cond::Outcome(Outcome::SteeringOff).holds(&epilogue));
        assert!(!Cond::Outcome(Outcome::SteeringOn).holds(&epilogue));
        assert!(!Cond::Outcome(Outcome::SteeringOff).holds(&waking));
    }

    #[test]
    fn the_freed_are_written_only_when_someone_is() {
        let nobody = StoryFacts {
            flags: ["asked_leo".to_owned()].into(),
            ..StoryFacts::default()
        };
        let text = ron::to_string(&nobody).expect("writes");
        assert!(!text.contains("freed"), "{text}");
        let leo = story(&[], &[], &[]);
        let text = ron::to_string(&leo).expect("writes");
        assert!(text.contains("freed:[\"leo\"]"), "{text}");
        assert_eq!(ron::from_str::<StoryFacts>(&text).expect("reads"), leo);
    }

    #[test]
    fn a_list_holds_when_all_of_it_does_and_an_empty_one_always() {
        let facts = story(&["a"], &[], &[]);
        let waking = Facts::waking(&facts);
        assert!(all(&[], &waking));
        assert!(all(&[Cond::Flag("a".into())], &waking));
        assert!(!all(
            &[Cond::Flag("a".into()), Cond::Flag("b".into())],
            &waking
        ));
    }

    #[test]
    fn conditions_read_as_modders_write_them() {
        let conds: Vec<Cond> = ron::from_str(
            r#"[Flag("asked_leo"), Not(Beat(LoopsSetting)), Any([Memory(0), Memories(3)]), SunkAny]"#,
        )
        .expect("parses");
        assert_eq!(conds.len(), 4);
        assert_eq!(
            conds[1],
            Cond::Not(Box::new(Cond::Beat(StoryFlag::LoopsSetting)))
        );
    }

    #[test]
    fn a_condition_asked_where_it_cannot_be_known_is_refused() {
        let mut c = Checks::new("x.ron");
        check(
            &mut c,
            "epilogue[0].when",
            &[
                Cond::Flag("a".into()),
                Cond::Not(Box::new(Cond::Memory(1))),
                Cond::Any(vec![]),
            ],
            Scope::Epilogue,
        );
        check(
            &mut c,
            "nodes[0].when",
            &[Cond::Outcome(Outcome::OptIn)],
            Scope::Dive,
        );
        let errors: Vec<String> = c.into_errors().iter().map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].contains("epilogue[0].when[1]"), "{errors:?}");
        assert!(
            errors[0].contains("only known at a dream's core"),
            "{errors:?}"
        );
        assert!(errors[1].contains("epilogue[0].when[2]"), "{errors:?}");
        assert!(
            errors[2].contains("only known in the epilogue"),
            "{errors:?}"
        );
    }

    #[test]
    fn flag_names_are_found_however_deep_and_typos_are_suggested() {
        let conds = vec![Cond::Any(vec![
            Cond::Not(Box::new(Cond::Flag("askd_leo".into()))),
            Cond::InDive("leo".into()),
        ])];
        let named = names("when", &conds);
        assert_eq!(
            named,
            vec![
                ("when[0]".to_owned(), Named::Flag("askd_leo")),
                ("when[0]".to_owned(), Named::Dream("leo")),
            ]
        );
        let message = unknown_flag("askd_leo", &["asked_leo", "mocked_nyx"]).expect("unknown");
        assert!(message.contains("did you mean `asked_leo`"), "{message}");
        assert_eq!(unknown_flag("asked_leo", &["asked_leo"]), None);
    }
}
