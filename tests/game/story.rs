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

/// Every flag an answer in the shipped files can set: at a core or in a waking scene.
fn settable(library: &Library) -> BTreeSet<String> {
    let at_cores = library.dialogues.values().flat_map(|d| d.value.flags_set());
    let in_scenes = library.scenes.values().flat_map(|s| s.value.flags_set());
    at_cores
        .chain(in_scenes)
        .map(|(_, flag)| flag.to_owned())
        .collect()
}

/// What Father says first at each moment of `dive`'s dive with these facts.
fn father_says(library: &Library, dive: &str, story: &StoryFacts) -> Vec<Option<String>> {
    let understood = BTreeSet::new();
    let facts = Facts::diving(story, dive, &understood);
    DiveMoment::ALL
        .iter()
        .map(|moment| {
            library
                .story
                .father_line(*moment, 0, &facts)
                .map(str::to_owned)
        })
        .collect()
}

#[test]
fn every_choice_the_story_remembers_comes_back_at_a_core_from_father_and_in_the_end() {
    let library = shipped_library();
    let flags = settable(&library);
    let declared: BTreeSet<String> = library.story.flags.iter().cloned().collect();
    assert_eq!(
        flags, declared,
        "every declared flag can be set, and only those"
    );
    assert!(flags.len() >= 11, "{flags:?}");
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
        let father = ["leo", "mara"].iter().find(|dive| {
            father_says(&library, dive, &with) != father_says(&library, dive, &without)
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
    for id in ["bedtime", "leo", "mara", "family"] {
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

/// The rift's scenes come between nights at the desk: each once, in the order written
/// (a scene waits for the one before), when its hours and conditions are met and Juno
/// is not in the middle of something; never after the overload.
#[test]
fn the_rift_scenes_come_between_nights_in_order_and_keep_their_distance() {
    use sleep_sync::campaign::Desk;
    use sleep_sync::levels::story::StoryFlag;

    let library = shipped_library();
    let mut story = library.story.clone();
    // A small network, not warmed up: the scenes count hours from Juno sitting down.
    story.network.sleepers = 1000;
    story.network.warm_up_hours = 0;
    let hours = |desk: &mut Desk, h: u64| desk.network.run(h * 60);
    // After the family's evening the first night opens on Priya's handover, at once;
    // a desk that skipped the evening, or got as far as the finding, never plays it.
    let mut after_evening = Desk::new(&story);
    after_evening.flags.insert(StoryFlag::Prologue);
    assert_eq!(after_evening.due_scene(&story), Some("handover"));
    after_evening.flags.insert(StoryFlag::SteeringFound);
    assert_ne!(after_evening.due_scene(&story), Some("handover"));
    let mut desk = Desk::new(&story);
    assert_eq!(desk.due_scene(&story), None, "nothing as she sits down");
    // The steering found early (the analysis is quick): the scenes still come in order.
    desk.flags.insert(StoryFlag::SteeringFound);
    hours(&mut desk, 7);
    assert_eq!(desk.due_scene(&story), None, "the door waits for the call");
    hours(&mut desk, 1);
    assert_eq!(
        desk.due_scene(&story),
        Some("rift-call"),
        "the first night's end"
    );
    // Not while she is confronting Father or calibrating the link.
    desk.confrontation = Some(0);
    assert_eq!(desk.due_scene(&story), None);
    desk.confrontation = None;
    desk.scene_played("rift-call", ["mara_pressed".to_owned()]);
    assert!(desk.choices.contains("mara_pressed"));
    assert_eq!(
        desk.due_scene(&story),
        None,
        "an hour between the call and the door"
    );
    hours(&mut desk, 1);
    assert_eq!(desk.due_scene(&story), Some("rift-door"));
    desk.scene_played("rift-door", ["leo_sketchbook".to_owned()]);
    hours(&mut desk, 1);
    assert_eq!(
        desk.due_scene(&story),
        None,
        "two hours between the door and the message"
    );
    hours(&mut desk, 1);
    assert_eq!(desk.due_scene(&story), Some("rift-message"));
    // The morning after the message she goes up at nine, and the scene goes on into the
    // confrontation.
    let mut morning = desk.clone();
    morning.scene_played("rift-message", ["father_warned".to_owned()]);
    hours(&mut morning, 3);
    assert_eq!(
        morning.due_scene(&story),
        None,
        "not three hours after the message"
    );
    hours(&mut morning, 1);
    assert_eq!(morning.due_scene(&story), Some("nine"));
    let cue = story
        .scenes
        .iter()
        .find(|c| c.scene == "nine")
        .expect("cued");
    assert_eq!(cue.then, Some(sleep_sync::levels::story::Action::Confront));
    // Gone up to headquarters before it came: the message is never read, and it holds
    // nothing back: the family's beds come at once.
    desk.flags.insert(StoryFlag::Overload);
    assert_eq!(desk.due_scene(&story), Some("the-beds"));
    // Back from the first of the two dives: the rig (whichever came first); back from
    // the second: still under, and the rig is never played late.
    desk.scene_played("the-beds", []);
    assert_eq!(desk.due_scene(&story), None, "no dive done yet");
    let mut mara_first = desk.clone();
    mara_first.freed.insert("mara".to_owned());
    assert_eq!(mara_first.due_scene(&story), Some("the-rig"));
    desk.freed.insert("leo".to_owned());
    assert_eq!(desk.due_scene(&story), Some("the-rig"));
    desk.freed.insert("mara".to_owned());
    desk.flags.insert(StoryFlag::AllFreed);
    assert_eq!(desk.due_scene(&story), Some("still-under"));
    desk.scene_played("still-under", []);
    desk.flags.insert(StoryFlag::FinaleDone);
    assert_eq!(desk.due_scene(&story), Some("coming-round"));

    // Without the finding the door (and the message after it) wait.
    let mut slow = Desk::new(&story);
    hours(&mut slow, 8);
    slow.scene_played("rift-call", []);
    hours(&mut slow, 20);
    assert_eq!(
        slow.due_scene(&story),
        None,
        "the door waits for the finding"
    );
    slow.flags.insert(StoryFlag::SteeringFound);
    assert_eq!(slow.due_scene(&story), Some("rift-door"));
    println!(
        "the handover at once; rift scenes due at 8 h, then on the finding (an hour on), \
         2 h after the door; the rig after the first dive, still under after the second"
    );
}

/// Every scene, every answer: each answer sets a different flag and something said
/// afterwards in the scene answers it.
#[test]
fn every_answer_in_a_scene_is_answered_in_the_scene() {
    let library = shipped_library();
    for (id, entry) in &library.scenes {
        let scene = &entry.value;
        let choices: Vec<usize> = scene
            .panels
            .iter()
            .filter(|p| !p.choice.is_empty())
            .map(|p| p.choice.len())
            .collect();
        let Some(&options) = choices.first() else {
            continue;
        };
        assert_eq!(choices.len(), 1, "{id}: one choice per rift scene");
        let heard: Vec<_> = (0..options)
            .map(|i| scene.transcript(&StoryFacts::default(), |_| i))
            .collect();
        for (i, said) in heard.iter().enumerate() {
            assert_eq!(said.flags.len(), 1, "{id}: answer {i} sets one flag");
            for (j, other) in heard.iter().enumerate().filter(|(j, _)| *j != i) {
                assert_ne!(said.flags, other.flags, "{id}: answers {i} and {j}");
                // More than Juno's own words differ: someone answers her.
                let others = |t: &sleep_sync::levels::SceneTranscript| -> Vec<(String, String)> {
                    t.lines
                        .iter()
                        .filter(|(who, _)| who != "Juno")
                        .cloned()
                        .collect()
                };
                assert_ne!(others(said), others(other), "{id}: answers {i} and {j}");
            }
        }
        let words: usize = heard[0]
            .lines
            .iter()
            .map(|(_, t)| t.split_whitespace().count())
            .sum();
        println!("{id}: {options} answers, {words} words on the first");
    }
}

// ---- The scene's screen, driven through egui as a player would (egui_kittest) ----

struct Playing {
    library: Library,
    scene: sleep_sync::levels::Scene,
    at: sleep_sync::levels::SceneAt,
    story: StoryFacts,
    ended: bool,
    focus: Option<usize>,
    /// A control pressed on the next frame, as the game's devices would.
    press: Option<sleep_sync::controls::Control>,
}

fn scene_harness(id: &str) -> egui_kittest::Harness<'static, Playing> {
    use bevy_egui::egui;
    use sleep_sync::campaign::SceneRequest;
    use sleep_sync::controls::ControlState;
    use sleep_sync::screens::scene::{Hints, SceneView, show};

    let library = shipped_library();
    let scene = library.scenes[id].value.clone();
    let story = StoryFacts::default();
    let at = scene.begin(&Facts::waking(&story)).expect("it begins");
    egui_kittest::Harness::builder()
        .with_size(egui::vec2(1280.0, 720.0))
        .with_max_steps(200)
        .build_ui_state(
            |ui, p: &mut Playing| {
                if p.ended {
                    return;
                }
                let view = SceneView {
                    scene: &p.scene,
                    at: &p.at,
                    story: &p.story,
                    library: &p.library,
                };
                // As the game does (campaign::scenes): requests step the scene.
                let controls = p.press.take().map_or_else(ControlState::default, |c| {
                    ControlState::default().with_pressed(c)
                });
                let hints = Hints::default();
                for request in show(ui.ctx(), &view, &mut p.focus, &controls, &hints) {
                    match request {
                        SceneRequest::Next => {
                            p.ended = !p.scene.next(&mut p.at, &Facts::waking(&p.story));
                        }
                        SceneRequest::Choose(i) => {
                            p.scene.choose(&mut p.at, i, &mut p.story);
                        }
                    }
                }
            },
            Playing {
                library,
                scene,
                at,
                story,
                ended: false,
                focus: None,
                press: None,
            },
        )
}

#[test]
fn a_scene_is_read_with_confirm_and_answered_with_a_click_or_an_answer_key() {
    use egui_kittest::kittest::Queryable;
    use sleep_sync::controls::Control;

    let press = |h: &mut egui_kittest::Harness<'static, Playing>, control| {
        h.state_mut().press = Some(control);
        h.run_steps(2);
    };

    // Clicked: the call, the second answer.
    let mut h = scene_harness("rift-call");
    h.run_steps(2);
    assert!(h.query_by_label_contains("You sound tired.").is_some());
    let mut presses = 0;
    while h.state().at.shown
        < h.state()
            .scene
            .lines(0, &Facts::waking(&h.state().story))
            .len()
    {
        press(&mut h, Control::Confirm);
        presses += 1;
        assert!(presses < 20, "Confirm does not go on");
    }
    // Every line said: the answers show, each with its key.
    h.get_by_label_contains("No. I just worry.").click();
    h.run_steps(2);
    assert_eq!(h.state().at.chose, Some(1));
    assert!(h.state().story.flags.contains("mara_offered"));
    // Her answer stays on screen; Confirm goes on to Mara's reply.
    press(&mut h, Control::Confirm);
    assert!(h.query_by_label_contains("Like a baby monitor.").is_some());
    for _ in 0..12 {
        press(&mut h, Control::Confirm);
    }
    assert!(h.state().ended, "the scene ends");

    // Numbered: Leo's door, the third answer by its key.
    let mut h = scene_harness("rift-door");
    for _ in 0..12 {
        press(&mut h, Control::Confirm);
    }
    assert!(
        h.state().at.chose.is_none(),
        "going on never answers for her"
    );
    press(&mut h, Control::Answer3);
    assert!(h.state().story.flags.contains("leo_left_alone"));
    // Or Down twice and Confirm: the second answer.
    let mut h = scene_harness("rift-door");
    for _ in 0..12 {
        press(&mut h, Control::Confirm);
    }
    press(&mut h, Control::Down);
    press(&mut h, Control::Down);
    press(&mut h, Control::Confirm);
    assert_eq!(h.state().at.chose, Some(1));
}

/// The overload's clock: at the desk at the console's speed, in a dive at the story's
/// dive speed (paused or not); when it runs out whoever is still trapped sinks deeper,
/// and it is heard (a darker talk at the core, Father, the epilogue); a lost link costs
/// hours and some of what the link can hold.
#[test]
fn the_clock_sinks_whoever_is_still_trapped_and_a_lost_link_costs() {
    use sleep_sync::campaign::Desk;
    use sleep_sync::levels::story::StoryFlag;

    let library = shipped_library();
    let mut story = library.story.clone();
    story.network.sleepers = 1000;
    story.network.warm_up_hours = 0;
    let stakes = story.stakes.clone();
    let mut desk = Desk::new(&story);
    desk.overload(&story);
    let full = desk.pressure_left().expect("the clock runs");
    assert_eq!(full, 36 * 60);
    // In a dive the clock runs at the dive speed, whatever the console was set to.
    desk.speed = 2;
    desk.paused = true;
    desk.begin_dive("leo");
    for _ in 0..600 {
        desk.advance(0.1, &story);
    }
    let dived = full - desk.pressure_left().expect("running");
    assert_eq!(
        dived,
        (60.0 * stakes.dive_speed) as u64,
        "a minute of diving"
    );
    desk.back_from_dive(&["leo".to_owned()], &story);
    assert!(desk.freed.contains("leo"));

    // A lost link: hours gone, and a link that holds less.
    let before = desk.network.minute();
    let note = desk.link_lost(&story);
    assert_eq!(
        desk.network.minute() - before,
        (stakes.lost_link_hours * 60.0) as u64
    );
    assert!((desk.link_cap(&story) - (1.0 - stakes.lost_link_stability)).abs() < 1e-6);
    assert!(note.contains("90%"), "{note}");
    println!("a lost link: {note}");

    // Waking herself with Mara still trapped costs the same hours, not the link.
    desk.begin_dive("mara");
    let before = desk.network.minute();
    let note = desk.woke_early(&story);
    desk.back_from_dive(&[], &story);
    assert_eq!(
        desk.network.minute() - before,
        (stakes.lost_link_hours * 60.0) as u64,
        "{note}"
    );
    assert!((desk.link_cap(&story) - (1.0 - stakes.lost_link_stability)).abs() < 1e-6);

    // The clock runs out at the desk with Mara still trapped.
    desk.paused = false;
    let loop_before = desk.dives.get("mara").map_or(0, |p| p.loop_reached);
    for _ in 0..100 {
        if desk.pressure_left() == Some(0) {
            break;
        }
        desk.advance(1.0, &story);
    }
    assert!(desk.flags.contains(&StoryFlag::LoopsSetting));
    let sunk: Vec<&str> = desk.sunk.iter().map(String::as_str).collect();
    assert_eq!(sunk, ["mara"], "Leo was freed in time");
    assert_eq!(
        desk.dives["mara"].loop_reached,
        loop_before + stakes.sink_loops
    );

    // It is heard: her talk opens deeper, Father says so, the epilogue remembers.
    let facts = desk.facts();
    let deep = transcript(&library, "mara", &facts);
    let shallow = transcript(
        &library,
        "mara",
        &StoryFacts {
            sunk: Default::default(),
            ..facts.clone()
        },
    );
    assert_ne!(deep[0], shallow[0], "the talk opens elsewhere");
    println!("Mara, sunk: {:?}", deep[0]);
    assert_ne!(
        father_says(&library, "mara", &facts),
        father_says(&library, "mara", &StoryFacts::default())
    );
    let sunk_paragraphs = library
        .story
        .epilogue
        .iter()
        .filter(|e| e.when.contains(&sleep_sync::levels::Cond::SunkAny))
        .count();
    assert!(sunk_paragraphs > 0, "the epilogue remembers who sank");
}

/// A desk at the designer: the network overloaded, the family and the finale freed,
/// `sunk` sunk when the clock ran out.
fn at_the_designer(story: &sleep_sync::levels::Story, sunk: &[&str]) -> sleep_sync::campaign::Desk {
    let mut desk = sleep_sync::campaign::Desk::new(story);
    desk.overload(story);
    desk.sunk = sunk.iter().map(|s| (*s).to_owned()).collect();
    for dive in ["leo", "mara", "family"] {
        desk.freed(dive, story);
    }
    assert!(desk.can(sleep_sync::levels::story::Action::DesignAlternative));
    desk
}

/// Runs the design `rules` on `desk`'s table to the end and adopts it.
fn adopt(
    desk: &mut sleep_sync::campaign::Desk,
    story: &sleep_sync::levels::Story,
    rules: sleep_sync::network::AltRules,
) {
    desk.design.rules = rules;
    desk.run_design();
    let run = desk.design.run.as_mut().expect("running");
    run.advance(sleep_sync::campaign::design::DesignRun::total_minutes());
    desk.adopt(story);
    assert!(desk.design.adopted.is_some());
}

/// The design decides first, then the clock, then the nights' figures: four designs
/// and desks reach the four shipped endings, each with its own scenes before the
/// credits, and the talk at the designer says each run's own figures.
#[test]
fn the_design_the_clock_and_the_figures_choose_between_the_endings() {
    use sleep_sync::network::{AltRules, DataKept, Invites};
    let library = shipped_library();
    let story = &library.story;
    assert!(story.endings.len() >= 3);
    let designer = at_the_designer(story, &[]);
    let kind = AltRules::default();
    // Each with a line of Father's that only its design earns.
    let cases = [
        ("dawn", &designer, kind, "drift back to themselves"),
        (
            "kept",
            &designer,
            AltRules {
                emotional_steering: true,
                ..kind
            },
            "You left the steering on",
        ),
        (
            "long-night",
            &at_the_designer(story, &["leo"]),
            kind,
            "Opt-in costs us",
        ),
        (
            "grey-morning",
            &designer,
            AltRules {
                opt_in: false,
                individual_by_default: false,
                shared_nights_per_week: 7,
                invites: Invites::Network,
                data_kept: DataKept::Nothing,
                ..kind
            },
            "Keep nothing, and nobody sees a loop begin",
        ),
    ];
    let mut scenes_of = Vec::new();
    for (wanted, desk, rules, earned) in cases {
        let mut desk = desk.clone();
        assert!(
            desk.closing_scenes(story).is_empty(),
            "nothing before adoption"
        );
        adopt(&mut desk, story, rules);
        assert!(
            desk.closing_scenes(story).is_empty(),
            "the epilogue is read first: the end waits for her to go on"
        );
        desk.begin_ending(story);
        let run = desk.design.run.as_ref().expect("run");
        println!(
            "{wanted}: dependence {:?}, nightmares {:?}, {:?}",
            run.dependence(),
            run.nightmares_per_night(),
            desk.design.adopted
        );
        let talk = desk.design_talk(story);
        let figure = format!("{:.2}", run.dependence()[1]);
        assert!(
            talk.iter()
                .any(|(who, text)| *who == "Father" && text.contains(&figure)),
            "the talk names the run's dependence {figure}: {talk:?}"
        );
        assert!(
            talk.iter().any(|(_, text)| text.contains(earned)),
            "{wanted}: {earned:?} not in {talk:?}"
        );
        assert_eq!(
            desk.reached_ending(story).map(|e| e.id.as_str()),
            Some(wanted)
        );
        let scenes = desk.closing_scenes(story);
        assert_eq!(scenes.last().map(String::as_str), Some("credits"));
        assert!(scenes.len() >= 2, "{scenes:?}");
        for id in &scenes {
            assert!(library.scenes.contains_key(id), "{id}");
        }
        // Fixed once it plays, whatever is known later; done once finished.
        desk.sunk.insert("mara".into());
        desk.begin_ending(story);
        assert_eq!(desk.ending.as_deref(), Some(wanted));
        assert_eq!(
            desk.reached_ending(story).map(|e| e.id.as_str()),
            Some(wanted)
        );
        desk.finish();
        assert!(desk.closing_scenes(story).is_empty());
        scenes_of.push(scenes);
    }
    // Clearly different endings: no two play the same scenes.
    for (i, a) in scenes_of.iter().enumerate() {
        for b in &scenes_of[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

/// The depth every stranger's talk is held to (`Dialogue::depth_problems`), kept by the
/// family's own nightmares too. The evening's gentle dream has no wrong words by design,
/// and the family's nightmare gates its freeing on the core's memories alone (its talk
/// needs none of them by name): both are told so, and stay as written.
#[test]
fn the_nightmares_keep_the_depth_strangers_are_held_to() {
    let library = shipped_library();
    for id in ["leo", "mara"] {
        let problems = library.dive(id).expect("shipped").dialogue.depth_problems();
        assert!(problems.is_empty(), "{id}: {problems:?}");
    }
    let bedtime = library
        .dive("bedtime")
        .expect("shipped")
        .dialogue
        .depth_problems();
    assert!(
        bedtime.iter().any(|p| p.contains("sends Juno back")),
        "{bedtime:?}"
    );
    let family = library
        .dive("family")
        .expect("shipped")
        .dialogue
        .depth_problems();
    assert!(!family.is_empty());
    assert!(
        family.iter().all(|p| p.contains("no memory understood")),
        "{family:?}"
    );
}
