//! The story read on paper, from the shipped level files: what the player says comes
//! back. Each flag the family's evening dream can set changes what is said at a core,
//! what Father says on the link and the epilogue; every core's talk is gated both on
//! memories and on the story.

use std::collections::BTreeSet;

use sleep_sync::dev::testing::shipped_library;
use sleep_sync::levels::cond::Named;
use sleep_sync::levels::story::{DiveMoment, Outcome};
use sleep_sync::levels::{Dialogue, Facts, Library, StoryFacts, cond};

fn facts_with(flags: &[&str]) -> StoryFacts {
    StoryFacts {
        flags: flags.iter().map(|f| (*f).to_owned()).collect(),
        ..StoryFacts::default()
    }
}

/// The talk at `dive`'s core as a player who means well has it, with every memory
/// understood.
fn transcript(library: &Library, dive: &str, story: &StoryFacts) -> Vec<(String, String)> {
    let spec = library.dive(dive).expect("shipped");
    let all: BTreeSet<usize> = (0..spec.dream.anchors.len()).collect();
    let facts = Facts::diving(story, dive, &all);
    let talk = spec
        .dialogue
        .transcript(&facts, |node| node.best_answer(&facts));
    assert!(talk.end.is_some(), "{dive}: the talk ends");
    talk.lines
}

/// Every flag an answer in the shipped files can set.
fn settable(library: &Library) -> BTreeSet<String> {
    library
        .dialogues
        .values()
        .flat_map(|d| d.value.flags_set())
        .map(|(_, flag)| flag.to_owned())
        .collect()
}

#[test]
fn every_choice_the_evening_remembers_comes_back_at_a_core_and_from_father() {
    let library = shipped_library();
    let flags = settable(&library);
    assert!(flags.len() >= 4, "{flags:?}");
    for flag in &flags {
        let with = facts_with(&[flag]);
        let without = StoryFacts::default();
        let at_a_core = ["leo", "mara"]
            .iter()
            .find(|dive| transcript(&library, dive, &with) != transcript(&library, dive, &without));
        assert!(
            at_a_core.is_some(),
            "{flag}: no core says anything differently"
        );
        let understood = BTreeSet::new();
        let father = ["leo", "mara"].iter().find(|dive| {
            let line = |story| {
                library
                    .story
                    .father_line(
                        DiveMoment::Start,
                        0,
                        &Facts::diving(story, dive, &understood),
                    )
                    .map(str::to_owned)
            };
            line(&with) != line(&without)
        });
        assert!(father.is_some(), "{flag}: Father says nothing differently");
        // The epilogue of the alternative a caring player builds: steering off, fewer
        // nightmares, dependence falling.
        let outcomes = [
            Outcome::SteeringOff,
            Outcome::NightmaresFell,
            Outcome::DependenceFell,
        ]
        .into();
        let epilogue = |story: &StoryFacts| -> Vec<&str> {
            let facts = Facts {
                outcomes: Some(&outcomes),
                ..Facts::waking(story)
            };
            library
                .story
                .epilogue
                .iter()
                .filter(|e| cond::all(&e.when, &facts))
                .map(|e| e.text.as_str())
                .collect()
        };
        assert_ne!(
            epilogue(&with),
            epilogue(&without),
            "{flag}: the epilogue is the same"
        );
        println!(
            "{flag}: changes {}'s core and Father in {}'s dive",
            at_a_core.expect("checked"),
            father.expect("checked")
        );
    }
}

#[test]
fn every_core_is_gated_on_memories_and_on_the_story() {
    let library = shipped_library();
    for id in ["bedtime", "leo", "mara"] {
        let dialogue: &Dialogue = &library.dive(id).expect("shipped").dialogue;
        let on_memory = !dialogue.memories_named().is_empty();
        let on_story = dialogue.conditions().iter().any(|(at, conds)| {
            cond::names(at, conds)
                .iter()
                .any(|(_, named)| matches!(named, Named::Flag(_)))
        });
        assert!(on_memory, "{id}: nothing said depends on a memory");
        assert!(on_story, "{id}: nothing said depends on the story");
        let speakers: BTreeSet<&str> = dialogue
            .nodes
            .iter()
            .map(|n| n.speaker.as_str())
            .chain(
                dialogue
                    .nodes
                    .iter()
                    .flat_map(|n| n.also.iter().map(|s| s.speaker.as_str())),
            )
            .collect();
        assert!(speakers.len() >= 2, "{id}: one voice only: {speakers:?}");
    }
}
