//! Inside the nightmares, headless: lucidity wears down and its loss collapses the loop;
//! every hazard in Leo's and Mara's dreams hurts Juno where it should and says so;
//! understood anchors stay lit from loop to loop and open the core; the confrontation
//! frees the dreamer with the right words and sends Juno into a harsher loop with the
//! wrong ones.

use bevy::prelude::*;
use sleep_sync::dev::testing::{
    answer, dive_into, end_loop, headless_app, move_juno_to, run_until, standing_at,
    step_up_to_the_core, talk_node,
};
use sleep_sync::dive::hazards::{DissolvingPatch, RisingPool};
use sleep_sync::dive::{
    ActiveDive, Collapse, CoreVeil, CurrentDream, DreamerFreed, FreedDreamers, Hazard,
    HazardEffects, LoopState, Lucidity, MemoryAnchor, NightmareLoop, Understood,
};
use sleep_sync::dream::HazardKind;

fn hazards(app: &mut App) -> Vec<(Entity, Hazard, Vec3)> {
    let world = app.world_mut();
    world
        .query::<(Entity, &Hazard, &Transform)>()
        .iter(world)
        .map(|(e, h, t)| (e, *h, t.translation))
        .collect()
}

fn lucidity(app: &App) -> Lucidity {
    app.world().resource::<Lucidity>().clone()
}

#[test]
fn lucidity_wears_down_with_time_and_its_loss_collapses_the_loop() {
    let mut app = headless_app();
    let spec = dive_into(&mut app, "leo");
    for _ in 0..120 {
        app.update();
    }
    let level = lucidity(&app).level();
    let expected = 1.0 - 2.0 / spec.dream.nightmare.lucidity_seconds;
    assert!(
        (level - expected).abs() < 0.005,
        "after 2 s alone: {level}, expected about {expected}"
    );
    // Nearly gone: the next ticks take the rest and the loop collapses.
    app.world_mut()
        .resource_mut::<Lucidity>()
        .drain(level - 0.0005, None);
    run_until(&mut app, 120, |w| {
        matches!(
            w.resource::<NightmareLoop>().state,
            LoopState::Collapsing {
                reason: Collapse::LucidityLost,
                ..
            }
        )
    });
    run_until(&mut app, 20_000, |w| {
        std::thread::sleep(std::time::Duration::from_micros(200));
        w.get_resource::<NightmareLoop>()
            .is_some_and(|n| n.index == 1 && n.is_running())
    });
    assert_eq!(lucidity(&app).level(), 1.0, "each loop starts lucid");
}

/// Of the eight points `distance` from `centre`, the one on the flattest ground.
fn flattest_near(app: &App, centre: Vec2, distance: f32) -> Vec2 {
    let ground = &app.world().resource::<CurrentDream>().heightfield;
    let steepness = |at: Vec2| {
        [Vec2::X, Vec2::Y]
            .iter()
            .map(|d| (ground.height_at(at + *d * 0.5) - ground.height_at(at - *d * 0.5)).abs())
            .sum::<f32>()
    };
    (0..8)
        .map(|i| {
            let angle = i as f32 * std::f32::consts::FRAC_PI_4;
            centre + Vec2::new(angle.cos(), angle.sin()) * distance
        })
        .min_by(|a, b| steepness(*a).total_cmp(&steepness(*b)))
        .expect("eight points")
}

/// Puts Juno where hazard `kind` reaches her and checks it drains her and is named.
fn hazard_hurts(app: &mut App, kind: HazardKind) {
    let (_, hazard, at) = hazards(app)
        .into_iter()
        .find(|(_, h, _)| h.kind == kind)
        .unwrap_or_else(|| panic!("a {kind:?} in the dream"));
    app.insert_resource(Lucidity::full());
    let home = hazard.home.xz();
    let (place, frames) = match kind {
        // Beside it: it is on her at once.
        HazardKind::Chaser => (at.xz() + Vec2::new(1.0, 0.0), 30),
        // Standing still near its place (on the flattest ground two metres round it, so
        // she does not slide away): it wakes and walks her path to her.
        HazardKind::MirrorCopy => (flattest_near(app, home, 2.0), 420),
        HazardKind::DissolvingGround => (home, 90),
        HazardKind::Strings => (home + Vec2::new(5.0, 0.0), 30),
        HazardKind::Watcher => (home + Vec2::new(3.0, 0.0), 30),
        HazardKind::RisingFog | HazardKind::RisingWater => {
            // Late in the loop the pool has risen over her head.
            let mut nightmare = app.world_mut().resource_mut::<NightmareLoop>();
            let length = nightmare.timer.duration();
            nightmare.timer.set_elapsed(length.mul_f32(0.95));
            (home, 30)
        }
    };
    let juno = standing_at(app, place);
    move_juno_to(app, juno);
    let mut pulled = false;
    let mut slowed = false;
    for _ in 0..frames {
        app.update();
        let effects = app.world().resource::<HazardEffects>();
        pulled |= effects.pull != Vec3::ZERO;
        slowed |= effects.slow < 1.0;
        if kind == HazardKind::Chaser {
            // Keep her beside it while it reaches for her.
            let (_, _, at) = hazards(app)
                .into_iter()
                .find(|(_, h, _)| h.kind == kind)
                .expect("the chaser");
            let beside = standing_at(app, at.xz() + Vec2::new(1.0, 0.0));
            move_juno_to(app, beside);
        }
    }
    let l = lucidity(app);
    assert!(
        l.taken_by(kind) > 0.0,
        "{kind:?} at {home} did not drain Juno placed at {juno}"
    );
    assert!(
        l.hurting(600).contains(&kind),
        "{kind:?} hurt her but is not named: {:?}",
        l.hurting(600)
    );
    match kind {
        HazardKind::Strings => assert!(pulled, "the strings pull her"),
        HazardKind::DissolvingGround => {
            assert!(slowed, "dissolved ground slows her");
            let given = {
                let world = app.world_mut();
                world
                    .query::<&DissolvingPatch>()
                    .iter(world)
                    .any(|p| p.0.given_way)
            };
            assert!(given, "the patch under her has given way");
        }
        HazardKind::RisingFog => {
            let world = app.world_mut();
            let level = world
                .query::<(&Hazard, &RisingPool)>()
                .iter(world)
                .find(|(h, _)| h.kind == kind)
                .map(|(_, p)| p.level)
                .expect("a pool");
            assert!(level > hazard.home.y + 1.7, "risen over her head: {level}");
        }
        _ => {}
    }
    println!("{kind:?}: took {:.3} of the meter", l.taken_by(kind));
}

#[test]
fn every_hazard_in_leos_and_maras_dreams_hurts_and_is_named() {
    for (dream, kinds) in [
        (
            "leo",
            &[
                HazardKind::MirrorCopy,
                HazardKind::DissolvingGround,
                HazardKind::Chaser,
            ][..],
        ),
        (
            "mara",
            &[
                HazardKind::RisingFog,
                HazardKind::Watcher,
                HazardKind::Strings,
                HazardKind::Chaser,
            ][..],
        ),
    ] {
        for kind in kinds {
            // Each in the first loop of its own dive: one hazard's test may end the loop
            // (a fall, a drained meter), and the next loop's hazards stand elsewhere.
            let mut app = headless_app();
            dive_into(&mut app, dream);
            let present: Vec<HazardKind> =
                hazards(&mut app).iter().map(|(_, h, _)| h.kind).collect();
            assert!(
                present.contains(kind),
                "{dream}: no {kind:?} in {present:?}"
            );
            hazard_hurts(&mut app, *kind);
            assert_eq!(
                app.world().resource::<NightmareLoop>().index,
                0,
                "{dream}: {kind:?} tested in the loop it was found in"
            );
        }
    }
}

/// Touches anchor `index` by putting Juno on it.
fn touch_anchor(app: &mut App, index: usize) {
    let at = {
        let world = app.world_mut();
        world
            .query::<(&MemoryAnchor, &Transform)>()
            .iter(world)
            .find(|(a, _)| a.index == index)
            .map(|(_, t)| t.translation)
            .expect("the anchor")
    };
    move_juno_to(app, at);
    run_until(app, 30, |w| {
        w.resource::<ActiveDive>().understood.contains(&index)
    });
}

fn veils(app: &mut App) -> usize {
    let world = app.world_mut();
    world.query::<&CoreVeil>().iter(world).count()
}

#[test]
fn understood_anchors_stay_lit_across_loops_and_open_the_core() {
    let mut app = headless_app();
    dive_into(&mut app, "leo");
    app.insert_resource(Lucidity::full());
    app.world_mut().resource_mut::<Lucidity>().drain(0.5, None);
    touch_anchor(&mut app, 0);
    assert!(
        lucidity(&app).level() > 0.5 + 0.3,
        "a new memory refills lucidity"
    );
    assert_eq!(veils(&mut app), 1, "one memory: the way is still closed");
    // Leo's core opens to four of his five memories.
    let needed = app
        .world()
        .resource::<ActiveDive>()
        .spec
        .dream
        .core
        .anchors_needed;
    assert_eq!(needed, 4);
    for index in 1..needed {
        assert_eq!(veils(&mut app), 1, "{index} memories: still closed");
        touch_anchor(&mut app, index);
        app.update();
    }
    assert_eq!(veils(&mut app), 0, "four memories: the veil lifts");
    end_loop(&mut app);
    let lit: Vec<usize> = {
        let world = app.world_mut();
        let mut lit: Vec<usize> = world
            .query_filtered::<&MemoryAnchor, With<Understood>>()
            .iter(world)
            .map(|a| a.index)
            .collect();
        lit.sort_unstable();
        lit
    };
    assert_eq!(
        lit,
        [0, 1, 2, 3],
        "understood anchors stand lit in the next loop"
    );
    assert_eq!(veils(&mut app), 0, "and the way stays open");
    assert_eq!(app.world().resource::<NightmareLoop>().anchors_found, 0);
    // Touching a lit one again steadies her a little, once.
    app.world_mut().resource_mut::<Lucidity>().drain(0.5, None);
    let before = lucidity(&app).level();
    touch_anchor(&mut app, 0);
    app.update();
    let after = lucidity(&app).level();
    let lit_refill = app
        .world()
        .resource::<ActiveDive>()
        .spec
        .dream
        .nightmare
        .lit_anchor_refill;
    assert!(
        (after - before - lit_refill).abs() < 0.01,
        "a lit anchor gives back {lit_refill}: {before} → {after}"
    );
}

/// Dives into `dream` and walks Juno up to the dreamer, every memory understood.
fn confront(app: &mut App, dream: &str) {
    dive_into(app, dream);
    step_up_to_the_core(app);
}

#[test]
fn the_right_words_free_the_dreamer() {
    let mut app = headless_app();
    confront(&mut app, "leo");
    assert_eq!(talk_node(&app), "arrival");
    let remaining = app.world().resource::<NightmareLoop>().remaining();
    for _ in 0..60 {
        app.update();
    }
    assert_eq!(
        app.world().resource::<NightmareLoop>().remaining(),
        remaining,
        "time stands still while they talk"
    );
    // Ten exchanges: from Nyx to his drawings, the tower he stopped drawing, Nyx in
    // Juno's voice, the door, and Leo letting her go.
    for node in [
        "companion",
        "sketchbook",
        "tower",
        "drawn",
        "nyx_voice",
        "mimic",
        "door",
        "letgo",
        "goodbye",
    ] {
        answer(&mut app, 0);
        assert_eq!(talk_node(&app), node);
    }
    answer(&mut app, 0);
    assert_eq!(
        app.world().resource::<NightmareLoop>().state,
        LoopState::Freed
    );
    assert!(app.world().resource::<FreedDreamers>().0.contains("leo"));
    let freed = app.world().resource::<Messages<DreamerFreed>>();
    assert_eq!(freed.get_cursor().read(freed).count(), 1);
}

#[test]
fn words_need_their_memories_and_the_wrong_ones_bring_a_harsher_loop() {
    let mut app = headless_app();
    confront(&mut app, "mara");
    // With one memory understood, a choice that needs two cannot be said.
    app.world_mut().resource_mut::<ActiveDive>().understood = [0].into();
    answer(&mut app, 0);
    assert_eq!(talk_node(&app), "steered");
    answer(&mut app, 2);
    assert_eq!(talk_node(&app), "watcher");
    answer(&mut app, 0);
    assert_eq!(
        talk_node(&app),
        "watcher",
        "it needs two memories: nothing happens"
    );
    answer(&mut app, 1);
    assert!(matches!(
        app.world().resource::<NightmareLoop>().state,
        LoopState::Collapsing {
            reason: Collapse::Relapse,
            ..
        }
    ));
    let relapse_loops = app
        .world()
        .resource::<ActiveDive>()
        .spec
        .dream
        .nightmare
        .relapse_loops;
    run_until(&mut app, 20_000, |w| {
        std::thread::sleep(std::time::Duration::from_micros(200));
        w.get_resource::<NightmareLoop>()
            .is_some_and(|n| n.is_running() && n.index > 1)
    });
    let dive = app.world().resource::<ActiveDive>();
    assert_eq!(
        dive.loop_index,
        1 + relapse_loops,
        "a harsher loop, skipped ahead"
    );
    assert_eq!(dive.relapses, 1);
    assert_eq!(
        dive.understood.len(),
        1,
        "what she understood carries over even so"
    );
}

/// A dive from the console has Father holding the link: each collapse costs it, and when
/// it is gone Juno wakes in the control room, which is told why. A free dive has none.
#[test]
fn a_lost_link_wakes_juno_and_a_free_dive_has_none() {
    use sleep_sync::dive::{DiveLink, LinkLost};
    use sleep_sync::state::AppState;

    let mut app = headless_app();
    dive_into(&mut app, "mara");
    assert!(app.world().get_resource::<DiveLink>().is_none());
    app.world_mut()
        .resource_mut::<NextState<AppState>>()
        .set(AppState::ControlRoom);
    run_until(&mut app, 100, |w| {
        *w.resource::<State<AppState>>().get() == AppState::ControlRoom
    });

    let spec = app
        .world()
        .resource::<sleep_sync::levels::Levels>()
        .library
        .dive("leo")
        .cloned()
        .expect("leo");
    let dreamer = spec.dreamer.name.clone();
    let mut dive = ActiveDive::new(spec);
    dive.link = Some(0.3);
    app.insert_resource(dive);
    app.world_mut()
        .resource_mut::<NextState<AppState>>()
        .set(AppState::Dream);
    sleep_sync::dev::testing::wait_for_exploring(&mut app);
    app.update();
    let stability = |app: &App| app.world().resource::<DiveLink>().stability;
    assert!((stability(&app) - 0.3).abs() < 1e-6);
    end_loop(&mut app);
    app.update();
    assert!((stability(&app) - 0.1).abs() < 1e-5, "{}", stability(&app));
    // The next collapse takes the rest: she wakes.
    {
        let mut nightmare = app.world_mut().resource_mut::<NightmareLoop>();
        let length = nightmare.timer.duration();
        nightmare.timer.set_elapsed(length);
    }
    // The next loop forms on other threads first (slower on a loaded machine): give
    // them real time between frames, as `wait_for_exploring` does.
    run_until(&mut app, 20_000, |w| {
        let woke = *w.resource::<State<AppState>>().get() == AppState::ControlRoom;
        if !woke {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        woke
    });
    // The control room (game state since issue 16) takes the news as it sits down.
    assert!(app.world().resource::<LinkLost>().0.is_none(), "read once");
    let why = app
        .world()
        .resource::<sleep_sync::campaign::ControlRoom>()
        .0
        .console
        .report
        .clone()
        .expect("told why");
    assert!(why.contains("Father lost the link"), "{why}");
    // The campaign's `link_lost` line, filled in: the dreamer and the loop it dropped in.
    assert!(
        why.contains(&format!("{dreamer}'s loop 2")) && !why.contains('{'),
        "{why}"
    );
    assert!(app.world().get_resource::<DiveLink>().is_none());
}

/// The talk at the core follows the story: an answer gated on a rift choice is not
/// offered (and does nothing if sent) until the choice is in the dive's story; an answer
/// needing a named memory does nothing until that memory is understood.
#[test]
fn answers_at_the_core_follow_the_story_and_the_memories() {
    use sleep_sync::levels::{Choice, Cond, Next};
    let mut app = headless_app();
    confront(&mut app, "leo");
    assert_eq!(talk_node(&app), "arrival");
    {
        let mut dive = app.world_mut().resource_mut::<ActiveDive>();
        dive.understood = [0].into();
        let arrival = dive
            .spec
            .dialogue
            .nodes
            .iter_mut()
            .find(|n| n.id == "arrival")
            .expect("Leo's talk opens at its arrival");
        // The shipped answers after the first two are gated already: these two stand
        // in their places, as a modder would write them.
        arrival.choices.truncate(2);
        arrival.choices.push(Choice {
            say: "I'm sorry about the call.".into(),
            needs_anchors: 0,
            needs_memories: vec![],
            when: vec![Cond::Flag("asked_leo".into())],
            sets: Some("apologised".into()),
            next: Next::Goto("copies".into()),
        });
        arrival.choices.push(Choice {
            say: "Page nine.".into(),
            needs_anchors: 0,
            needs_memories: vec![1],
            when: vec![],
            sets: None,
            next: Next::Goto("sketchbook".into()),
        });
    }
    answer(&mut app, 2);
    assert_eq!(talk_node(&app), "arrival", "not offered without the flag");
    answer(&mut app, 3);
    assert_eq!(
        talk_node(&app),
        "arrival",
        "needs memory 1, which she lacks"
    );
    app.world_mut()
        .resource_mut::<ActiveDive>()
        .story
        .flags
        .insert("asked_leo".into());
    answer(&mut app, 2);
    assert_eq!(talk_node(&app), "copies");
    assert!(
        app.world()
            .resource::<ActiveDive>()
            .story
            .flags
            .contains("apologised"),
        "what she said is remembered"
    );

    // Another talk, opened deep because Leo sank when the clock ran out: the opening is
    // chosen by the story (the shipped `openings: [(when: [Sunk], node: "deep")]`).
    let mut app = headless_app();
    dive_into(&mut app, "leo");
    app.world_mut()
        .resource_mut::<ActiveDive>()
        .story
        .sunk
        .insert("leo".into());
    step_up_to_the_core(&mut app);
    assert_eq!(talk_node(&app), "deep");
}

/// Father speaks on the link, choosing among his lines by the story: a line gated on a
/// rift choice is said only to a player who made it.
#[test]
fn father_speaks_the_lines_the_story_has_earned() {
    use sleep_sync::dive::FatherSays;
    use sleep_sync::levels::story::{DiveMoment, FatherLine};
    use sleep_sync::levels::{Cond, Levels};
    use sleep_sync::state::AppState;

    let spoken = |blamed: bool| -> Vec<String> {
        let mut app = headless_app();
        sleep_sync::dev::testing::run_until(&mut app, 2_000, |w| {
            *w.resource::<State<AppState>>().get() != AppState::Loading
        });
        {
            let mut levels = app.world_mut().resource_mut::<Levels>();
            let story = &mut levels.library.story;
            story.flags.push("blamed_father".into());
            story.father.retain(|l| l.on != DiveMoment::Start);
            story.father.push(FatherLine {
                on: DiveMoment::Start,
                when: vec![Cond::Flag("blamed_father".into())],
                text: "You can blame me later. Go.".into(),
            });
            story.father.push(FatherLine {
                on: DiveMoment::Start,
                when: vec![Cond::Not(Box::new(Cond::Flag("blamed_father".into())))],
                text: "I've got you.".into(),
            });
        }
        let spec = app
            .world()
            .resource::<Levels>()
            .library
            .dive("leo")
            .cloned()
            .expect("leo");
        let mut dive = ActiveDive::new(spec);
        dive.link = Some(0.9);
        if blamed {
            dive.story.flags.insert("blamed_father".into());
        }
        app.insert_resource(dive);
        app.world_mut()
            .resource_mut::<NextState<AppState>>()
            .set(AppState::Dream);
        let mut heard = Vec::new();
        for _ in 0..5 {
            app.update();
            let says = app.world().resource::<Messages<FatherSays>>();
            heard.extend(says.iter_current_update_messages().map(|m| m.0.clone()));
        }
        heard
    };
    assert_eq!(spoken(true), ["You can blame me later. Go."]);
    assert_eq!(spoken(false), ["I've got you."]);
}
