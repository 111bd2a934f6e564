//! Saved games: continuing a game gives the same network and story, minute for minute, as
//! never having quit; bad saves are refused with a located reason; a random save reads
//! back as it was written; and the game saves at its beats and continues after a
//! relaunch.

use std::collections::BTreeSet;
use std::time::Instant;

use proptest::prelude::*;
use sleep_sync::campaign::{Desk, DiveProgress, Panel, Request};
use sleep_sync::dev::testing::{into_the_night, shipped_library};
use sleep_sync::levels::Story;
use sleep_sync::levels::story::{Action, Outcome, StoryFlag};
use sleep_sync::network::analysis::Query;
use sleep_sync::network::{
    AltRules, Cohort, DataKept, Finding, IncidentKind, Intervention, Measure, Param, Traits,
};
use sleep_sync::saves::file::{SavedDesk, SavedNetwork};
use sleep_sync::saves::{Chapter, MAX_SAVE_BYTES, SaveFile, VERSION};

fn story() -> Story {
    shipped_library().story
}

/// Juno finds the steering and confronts Father: the network overloads.
fn overloaded(story: &Story) -> Desk {
    let mut desk = Desk::new(story);
    desk.query = Query {
        param: Param::Continuity,
        measure: Measure::Valence,
        window: 1440,
        ..desk.query
    };
    desk.analyse();
    desk.pin(story);
    assert!(desk.flags.contains(&StoryFlag::SteeringFound));
    desk.act(Action::Confront, story);
    for _ in 0..story.confrontation.len() {
        desk.next_line(story);
    }
    assert!(desk.flags.contains(&StoryFlag::Overload));
    desk
}

/// The desk through a save: written as text, read back, its network simulated again.
fn through_a_save(desk: &Desk, story: &Story) -> (Desk, usize, f64) {
    let text = SaveFile::of(desk, 1_796_392_980).to_text();
    let read = SaveFile::parse("autosave.ron", text.as_bytes()).expect("reads back");
    assert_eq!(
        read,
        SaveFile::of(desk, 1_796_392_980),
        "the text holds it all"
    );
    let started = Instant::now();
    let restored = read.restore(story).expect("restores");
    (restored, text.len(), started.elapsed().as_secs_f64())
}

/// What a save cannot see must match too: the network in every field, the story's state.
fn assert_same(a: &Desk, b: &Desk, when: &str) {
    assert!(a.network == b.network, "{when}: the networks differ");
    assert_eq!(SaveFile::of(a, 0), SaveFile::of(b, 0), "{when}");
}

#[test]
fn continuing_gives_the_same_network_and_story_minute_for_minute() {
    let story = story();
    let first = story.family[0].dive.clone();
    let second = story.family[1].dive.clone();
    let mut played = overloaded(&story);
    for _ in 0..40 {
        played.advance(1.0, &story);
    }
    played.freed(&first, &story);
    played.dives.insert(
        second.clone(),
        DiveProgress {
            understood: [0, 2].into(),
            loop_reached: 3,
            relapses: 1,
            // Played with the assist's slower dreams: the save keeps it.
            assisted: true,
        },
    );
    played.speed = 2;
    played.open.insert(Panel::Algorithm);
    played.scene_played("rift-call", ["mara_offered".to_owned()]);
    // Uneven steps: the clock owes part of a minute when she quits.
    for _ in 0..25 {
        played.advance(0.137, &story);
    }
    assert!(played.carry > 0.0);

    // Quit here, and continue.
    let (mut continued, size, load) = through_a_save(&played, &story);
    println!(
        "save: {size} bytes at network minute {}, loaded (network simulated again) in {load:.2} s",
        played.network.minute()
    );
    assert!(
        size < 16 * 1024,
        "{size} bytes: too big for a browser's storage budget"
    );
    assert_same(&played, &continued, "on load");
    assert_eq!(continued.dives[&second].loop_reached, 3);

    // Minute for minute, the same as never having quit: the network, the messages, the
    // pressure clock, and the story's next beats.
    for second_of_play in 0..240 {
        if second_of_play == 100 {
            played.freed(&second, &story);
            continued.freed(&second, &story);
            assert!(played.flags.contains(&StoryFlag::AllFreed));
        }
        if second_of_play == 120 {
            for desk in [&mut played, &mut continued] {
                desk.design.rules = AltRules {
                    data_kept: DataKept::Nothing,
                    ..AltRules::default()
                };
                desk.run_design();
            }
        }
        played.advance(1.0, &story);
        continued.advance(1.0, &story);
        assert_eq!(played.network.stats(), continued.network.stats());
        assert_eq!(played.inbox, continued.inbox, "second {second_of_play}");
        assert_eq!(played.pressure_left(), continued.pressure_left());
    }
    assert_same(&played, &continued, "four minutes on");

    // The design run, adopted, and the game saved again: the epilogue survives it too.
    let run = played.design.run.as_mut().expect("running");
    run.advance(sleep_sync::campaign::design::DesignRun::total_minutes());
    played.adopt(&story);
    let (ended, _, load) = through_a_save(&played, &story);
    println!(
        "save at the epilogue: network minute {}, loaded in {load:.2} s",
        played.network.minute()
    );
    assert_eq!(ended.epilogue(&story), played.epilogue(&story));
    assert_eq!(SaveFile::of(&ended, 0).chapter, Chapter::Epilogue);
    assert_same(&played, &ended, "at the epilogue");
}

/// A small save for the format's own tests.
fn small_save() -> SaveFile {
    SaveFile {
        version: VERSION,
        game: "0.1.0+dev".to_owned(),
        saved_at: 1_796_392_980,
        played_seconds: 1234.5,
        chapter: Chapter::Nightmares,
        network: SavedNetwork {
            seed: 2045,
            sleepers: 1000,
            family: vec![Traits {
                bedtime: 1380,
                sleep_minutes: 480,
                susceptibility: 0.6,
                calm: -0.2,
                dependence: 0.4,
            }],
            minute: 4000,
            journal: vec![(3000, Intervention::Overload(vec![0]))],
            digest: 12_345,
        },
        desk: SavedDesk {
            start_minute: 2760,
            flags: [StoryFlag::SteeringFound, StoryFlag::Overload].into(),
            inbox: vec![(0, 2760), (1, 3000)],
            read: [0].into(),
            overload_minute: Some(3000),
            pressure_minutes: 2160,
            ..SavedDesk::default()
        },
        dives: [(
            "leo".to_owned(),
            DiveProgress {
                understood: [1].into(),
                loop_reached: 2,
                relapses: 0,
                assisted: false,
            },
        )]
        .into(),
    }
}

/// The first problem reading `bytes` as a save.
fn rejection(bytes: &[u8]) -> String {
    match SaveFile::parse("saves/autosave.ron", bytes) {
        Ok(save) => panic!("accepted: {save:?}"),
        Err(errors) => errors.first().expect("a reason").to_string(),
    }
}

#[test]
fn bad_saves_are_refused_with_a_located_reason() {
    let text = small_save().to_text();
    assert_eq!(
        SaveFile::parse("s.ron", text.as_bytes()).expect("whole"),
        small_save()
    );

    // Cut short (a write without the store's guarantees).
    let cut = rejection(&text.as_bytes()[..text.len() / 2]);
    assert!(cut.starts_with("saves/autosave.ron:"), "{cut}");
    assert!(
        cut.split(':')
            .nth(1)
            .is_some_and(|l| l.parse::<u32>().is_ok()),
        "{cut}"
    );
    // Empty, binary, huge.
    assert!(rejection(b"").contains("empty"));
    assert!(rejection(&[0xff, 0xfe, 0x00, 0x81, 0x02]).contains("UTF-8"));
    let huge = vec![b' '; MAX_SAVE_BYTES + 1];
    assert!(rejection(&huge).contains("too large"));
    // Corrupt in the middle: a field's value turned to garbage, located on its line.
    let line = text
        .lines()
        .position(|l| l.contains("pressure_minutes"))
        .expect("field")
        + 1;
    let garbled = text.replace("pressure_minutes: 2160", "pressure_minutes: \"soon\"");
    let why = rejection(garbled.as_bytes());
    assert!(
        why.starts_with(&format!("saves/autosave.ron:{line}:")),
        "{why}"
    );
    // From a newer game, and a version that never was.
    let newer = text.replace(&format!("version: {VERSION}"), "version: 7");
    assert!(rejection(newer.as_bytes()).contains("newer Sleep Sync"));
    let zero = text.replace(&format!("version: {VERSION}"), "version: 0");
    assert!(rejection(zero.as_bytes()).contains("version"));
    // Hand-edited out of range: located at the field.
    let edited = text.replace("sleepers: 1000", "sleepers: 0");
    let why = rejection(edited.as_bytes());
    assert!(
        why.contains("network.sleepers") && why.contains("expected 1 to 200000"),
        "{why}"
    );
    let edited = text.replace("start_minute: 2760", "start_minute: 9999");
    assert!(rejection(edited.as_bytes()).contains("desk.start_minute"));
    // A misspelt field is named, with the nearest one.
    let misspelt = text.replace("played_seconds", "played_secs");
    assert!(rejection(misspelt.as_bytes()).contains("played_seconds"));
}

#[test]
fn a_save_whose_network_does_not_come_out_the_same_is_refused() {
    let story = story();
    let desk = Desk::new(&story);
    let mut save = SaveFile::of(&desk, 0);
    save.network.digest ^= 1;
    let why = save.restore(&story).expect_err("refused");
    assert!(why.contains("not the one saved"), "{why}");
    let mut save = SaveFile::of(&desk, 0);
    save.desk.freed.insert("nobody".to_owned());
    let why = save.restore(&story).expect_err("refused");
    assert!(why.contains("another campaign"), "{why}");
}

fn arb_query() -> impl Strategy<Value = Query> {
    (0usize..6, 0usize..5, 0usize..3, 0usize..120, 1usize..2000).prop_map(
        |(p, m, c, lag, window)| Query {
            param: Param::ALL[p],
            measure: Measure::ALL[m],
            cohort: Cohort::ALL[c],
            lag,
            window,
        },
    )
}

prop_compose! {
    fn arb_save()(
        saved_at in 0u64..4_000_000_000,
        played in 0.0f64..1e7,
        seed in any::<u64>(),
        sleepers in 1000u32..200_000,
        start in 0u64..5000,
        extra in 0u64..500_000,
        flags in proptest::collection::btree_set(0usize..5, 0..5),
        inbox in proptest::collection::vec((0usize..20, 0u64..5000), 0..8),
        journal in proptest::collection::vec((0u64..5000, 0usize..1000, 0u8..3), 0..6),
        query in arb_query(),
        speed in 0usize..3,
        paused in any::<bool>(),
        value in -1.0f32..1.0,
        dives in proptest::collection::btree_map("[a-z]{1,12}", (proptest::collection::btree_set(0usize..9, 0..5), 0u32..50, 0u32..9), 0..4),
        outcomes in proptest::collection::btree_set(0usize..9, 0..9),
    ) -> SaveFile {
        let all_flags = [StoryFlag::SteeringFound, StoryFlag::Overload, StoryFlag::LoopsSetting, StoryFlag::AllFreed, StoryFlag::AlternativeAdopted];
        let flags: BTreeSet<StoryFlag> = flags.into_iter().map(|i| all_flags[i]).collect();
        let all_outcomes = [Outcome::DependenceFell, Outcome::DependenceRose, Outcome::NightmaresFell, Outcome::NightmaresRose, Outcome::OptIn, Outcome::SteeringOff, Outcome::SteeringOn, Outcome::EverythingKept, Outcome::NothingKept];
        let minute = start + extra;
        let analysis = sleep_sync::network::analysis::Correlation { query, r: value, samples: 12 };
        SaveFile {
            version: VERSION,
            game: format!("0.{saved_at}.0+dev"),
            saved_at,
            played_seconds: played,
            chapter: Chapter::of(&flags),
            network: SavedNetwork {
                seed,
                sleepers,
                family: vec![],
                minute,
                journal: journal.into_iter().map(|(m, s, kind)| (m.min(minute), match kind {
                    0 => Intervention::Overload(vec![s]),
                    1 => Intervention::Free(s),
                    _ => Intervention::Release,
                })).collect(),
                digest: seed.rotate_left(7),
            },
            desk: SavedDesk {
                start_minute: start,
                speed,
                paused,
                flags,
                inbox: inbox.into_iter().map(|(i, m)| (i, m.min(minute))).collect(),
                query,
                last_analysis: Some(analysis),
                findings: vec![Finding(analysis)],
                open: [Panel::Overview, Panel::Console].into(),
                adopted: Some(outcomes.into_iter().map(|i| all_outcomes[i]).collect()),
                ..SavedDesk::default()
            },
            dives: dives.into_iter().map(|(id, (understood, loop_reached, relapses))| (id, DiveProgress { understood, loop_reached, relapses, assisted: false })).collect(),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Any save the game could write reads back as it was.
    #[test]
    fn any_save_reads_back_as_written(save in arb_save()) {
        let text = save.to_text();
        let read = SaveFile::parse("s.ron", text.as_bytes());
        prop_assert_eq!(read.as_ref().ok(), Some(&save), "{:?}", read.as_ref().err());
    }
}

// ---- In the game: autosaves at the beats, Continue after a relaunch, New game keeps ----

mod in_the_game {
    use std::path::PathBuf;
    use std::time::Duration;

    use bevy::prelude::*;
    use sleep_sync::campaign::{ControlRoom, Request};
    use sleep_sync::dev::testing::{headless_app, run_until};
    use sleep_sync::levels::story::StoryFlag;
    use sleep_sync::long_work::LongWork;
    use sleep_sync::network::analysis::Query;
    use sleep_sync::network::{Measure, Param};
    use sleep_sync::saves::{
        AUTOSAVE, BACKUP, Resuming, SaveFile, SaveRequest, SaveStatus, SaveStore, SavedGames,
        read_saves, slot,
    };
    use sleep_sync::state::AppState;
    use sleep_sync::store::Store;

    fn folder(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("sleep-sync-saves-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp folder");
        dir
    }

    /// The game, started with its saves in `store`, at the title.
    fn launched(store: &Store) -> App {
        let mut app = headless_app();
        app.insert_resource(SaveStore(Some(store.clone())));
        run_until(&mut app, 2_000, |w| {
            *w.resource::<State<AppState>>().get() == AppState::Title
        });
        app
    }

    /// Steps, with real time for background work, until `done`.
    fn wait(app: &mut App, mut done: impl FnMut(&mut World) -> bool) {
        run_until(app, 20_000, |w| {
            let ok = done(w);
            if !ok {
                std::thread::sleep(Duration::from_millis(1));
            }
            ok
        });
    }

    fn autosave(store: &Store) -> Option<SaveFile> {
        let bytes = store.read(AUTOSAVE).ok()??;
        SaveFile::parse(AUTOSAVE, &bytes).ok()
    }

    fn send(app: &mut App, request: Request) {
        app.world_mut().write_message(request);
        app.update();
    }

    #[test]
    fn the_game_saves_at_its_beats_and_continues_after_a_relaunch() {
        let dir = folder("relaunch");
        let store = Store::folder(&dir);

        // An evening: a new game, the steering found and pinned.
        let mut app = launched(&store);
        assert!(app.world().resource::<SavedGames>().saves.is_empty());
        app.world_mut().write_message(SaveRequest::NewGame);
        sleep_sync::dev::testing::past_the_prologue(&mut app);
        wait(&mut app, |w| w.get_resource::<ControlRoom>().is_some());
        send(
            &mut app,
            Request::Query(Query {
                param: Param::Continuity,
                measure: Measure::Valence,
                window: 1440,
                ..Query::default()
            }),
        );
        send(&mut app, Request::Analyse);
        send(&mut app, Request::Pin);
        // The finding is a beat: it is saved without waiting for a timer.
        wait(&mut app, |_| {
            autosave(&store).is_some_and(|s| s.desk.flags.contains(&StoryFlag::SteeringFound))
        });
        assert!(app.world().resource::<SaveStatus>().saved_at.is_some());
        for _ in 0..120 {
            app.update();
        }
        // Quit: the game saves as it closes.
        app.world_mut().write_message(AppExit::Success);
        app.update();
        let quit_at = app.world().resource::<ControlRoom>().0.network.minute();
        drop(app);
        let saved = autosave(&store).expect("saved at exit");
        assert_eq!(saved.network.minute, quit_at, "the minute Juno quit at");
        let saved_bytes = store.read(AUTOSAVE).expect("reads").expect("there");

        // The next day: Continue is offered, and returns to where she was.
        let mut app = launched(&store);
        let newest = app.world().resource::<SavedGames>().newest().cloned();
        assert_eq!(newest.map(|(name, _)| name).as_deref(), Some(AUTOSAVE));
        app.world_mut()
            .write_message(SaveRequest::Continue(AUTOSAVE.to_owned()));
        wait(&mut app, |w| w.get_resource::<ControlRoom>().is_some());
        let resumed = SaveFile::of(&app.world().resource::<ControlRoom>().0, saved.saved_at);
        assert_eq!(resumed, saved, "the same desk, network and story as saved");

        // In the browser the network is simulated again a slice a frame: the same desk.
        let mut sliced = launched(&store);
        sliced.insert_resource(LongWork::Slices);
        sliced
            .world_mut()
            .write_message(SaveRequest::Continue(AUTOSAVE.to_owned()));
        let mut left = Vec::new();
        run_until(&mut sliced, 20_000, |w| {
            left.extend(
                w.get_resource::<Resuming>()
                    .and_then(Resuming::minutes_left),
            );
            w.get_resource::<ControlRoom>().is_some()
        });
        assert!(
            left.len() as u64 >= quit_at / 60 && left.windows(2).all(|m| m[1] < m[0]),
            "{} frames of slices for {quit_at} minutes: {left:?}",
            left.len()
        );
        let room = &sliced.world().resource::<ControlRoom>().0;
        assert_eq!(SaveFile::of(room, saved.saved_at), saved);
        drop(sliced);
        run_until(&mut app, 10, |w| {
            *w.resource::<State<AppState>>().get() == AppState::ControlRoom
        });

        // Saved by hand into a slot: on the load screen's list, the same game.
        app.world_mut().write_message(SaveRequest::SaveTo(slot(1)));
        app.update();
        let slotted = store.read(&slot(1)).expect("reads").expect("written");
        let slotted = SaveFile::parse("slot", &slotted).expect("a whole save");
        let now = SaveFile::of(&app.world().resource::<ControlRoom>().0, slotted.saved_at);
        assert_eq!(slotted, now, "the game as it is now");
        let listed = app.world().resource::<SavedGames>();
        assert!(listed.get(&slot(1)).is_some(), "{:?}", listed.saves);
        assert!(app.world().resource::<SaveStatus>().shown_at.is_some());

        // New game over it: the old game is kept, byte for byte, as the backup.
        app.world_mut()
            .resource_mut::<NextState<AppState>>()
            .set(AppState::Title);
        app.update();
        app.world_mut().write_message(SaveRequest::NewGame);
        sleep_sync::dev::testing::past_the_prologue(&mut app);
        wait(&mut app, |w| {
            w.get_resource::<ControlRoom>()
                .is_some_and(|room| room.0.findings.is_empty())
        });
        assert_eq!(store.read(BACKUP).expect("reads"), Some(saved_bytes));
        wait(&mut app, |_| {
            autosave(&store).is_some_and(|s| s.desk.findings.is_empty())
        });
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// An autosave the game cannot read is set aside and said so, and Continue offers the
    /// backup of the game before.
    #[test]
    fn a_broken_autosave_is_set_aside_and_the_backup_offered() {
        let dir = folder("backup");
        let store = Store::folder(&dir);
        let backup = super::small_save().to_text();
        store.write(BACKUP, backup.as_bytes()).expect("write");
        store
            .write(AUTOSAVE, b"(version: 1, saved_at: 17")
            .expect("write");
        let games = read_saves(&store);
        let problem = games.problem.clone().expect("said");
        assert!(
            problem.contains("autosave.ron") && problem.contains("autosave.broken.ron"),
            "{problem}"
        );
        assert_eq!(games.newest().map(|(name, _)| name.as_str()), Some(BACKUP));
        assert_eq!(
            store.read("saves/autosave.broken.ron").expect("reads"),
            Some(b"(version: 1, saved_at: 17".to_vec())
        );
        // The title offers it: Continue goes on from the backup.
        let mut app = launched(&store);
        let offered = app.world().resource::<SavedGames>().newest().cloned();
        assert_eq!(offered.map(|(name, _)| name).as_deref(), Some(BACKUP));
        assert!(
            app.world().resource::<SavedGames>().problem.is_none(),
            "set aside already"
        );
        app.update();
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A full disk: the autosave fails, the player is told, the game plays on, and the
    /// save on disk is the one before.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_is_said_and_the_game_plays_on() {
        let dir = folder("full");
        let store = Store::folder(&dir);
        let mut app = launched(&store);
        app.world_mut().write_message(SaveRequest::NewGame);
        sleep_sync::dev::testing::past_the_prologue(&mut app);
        wait(&mut app, |w| w.get_resource::<ControlRoom>().is_some());
        // The save after the first night's handover (no write left in flight).
        wait(&mut app, |_| {
            autosave(&store).is_some_and(|s| s.desk.scenes_seen.contains("handover"))
        });
        let before = store.read(AUTOSAVE).expect("reads");
        std::os::unix::fs::symlink("/dev/full", dir.join("saves/.autosave.ron.writing"))
            .expect("symlink");
        send(&mut app, Request::Analyse);
        send(&mut app, Request::Pin);
        wait(&mut app, |w| w.resource::<SaveStatus>().failed.is_some());
        let failed = app
            .world()
            .resource::<SaveStatus>()
            .failed
            .clone()
            .unwrap_or_default();
        assert!(failed.contains("No space left"), "{failed}");
        assert_eq!(store.read(AUTOSAVE).expect("reads"), before);
        let minute = app.world().resource::<ControlRoom>().0.network.minute();
        for _ in 0..30 {
            app.update();
        }
        assert!(app.world().resource::<ControlRoom>().0.network.minute() > minute);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

// ---- A dive goes on where the last one into the same dream left off ----

#[test]
fn a_dive_goes_on_from_the_loop_reached_with_what_was_understood() {
    use sleep_sync::campaign::{ControlRoom, Request};
    use sleep_sync::dev::testing::{end_loop, seated_app, wait_for_exploring};
    use sleep_sync::dive::ActiveDive;

    let mut app = seated_app();
    let story = app
        .world()
        .resource::<sleep_sync::levels::Levels>()
        .library
        .story
        .clone();
    let dive = story.family[0].dive.clone();
    {
        let mut room = app.world_mut().resource_mut::<ControlRoom>();
        room.0.overload(&story);
        // What a continued save holds of this dreamer's last dive.
        room.0.dives.insert(
            dive.clone(),
            DiveProgress {
                understood: [1].into(),
                loop_reached: 2,
                relapses: 1,
                assisted: false,
            },
        );
    }
    app.world_mut().write_message(Request::Dive {
        dive: dive.clone(),
        link: 0.9,
    });
    app.update();
    wait_for_exploring(&mut app);
    let active = app.world().resource::<ActiveDive>();
    assert_eq!(active.loop_index, 2);
    assert_eq!(active.understood, [1].into());
    assert_eq!(active.relapses, 1);
    // The link counts this dive's losses only: the earlier relapse cost it nothing.
    let link = app
        .world()
        .resource::<sleep_sync::dive::DiveLink>()
        .stability;
    assert!((link - 0.9).abs() < 1e-6, "{link}");

    // As the dive goes on, the desk keeps up (and so does the autosave).
    end_loop(&mut app);
    app.update();
    let progress = app.world().resource::<ControlRoom>().0.dives[&dive].clone();
    assert_eq!(progress.loop_reached, 3);
    assert_eq!(progress.understood, [1].into());
}

// ---- `sleep-sync save check FILE` ----

#[test]
fn save_check_says_what_a_save_holds_or_exactly_what_is_wrong() {
    use std::process::Command;

    let dir = std::env::temp_dir().join(format!("sleep-sync-save-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("folder");
    let story = story();
    let desk = overloaded(&story);
    let good = dir.join("autosave.ron");
    std::fs::write(&good, SaveFile::of(&desk, 1_796_392_980).to_text()).expect("write");
    let check = |path: &std::path::Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_sleep-sync"))
            .args(["save", "check"])
            .arg(path)
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code(), text)
    };
    let (code, text) = check(&good);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("chapter: The nightmares"), "{text}");
    assert!(text.contains("the same as saved"), "{text}");

    let cut = dir.join("cut.ron");
    let whole = std::fs::read(&good).expect("read");
    std::fs::write(&cut, &whole[..whole.len() / 3]).expect("write");
    let (code, text) = check(&cut);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("cut.ron:") && !text.contains("panicked"),
        "{text}"
    );

    let binary = dir.join("binary.ron");
    std::fs::write(&binary, [0u8, 159, 146, 150, 255]).expect("write");
    let (code, text) = check(&binary);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("UTF-8"), "{text}");

    let (code, text) = check(&dir.join("missing.ron"));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("cannot read"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A game saved by the version before the story remembered choices (save format 1)
/// continues as it was: nothing remembered, at the desk. One that remembers a flag this
/// campaign does not declare belongs to another campaign and says so.
#[test]
fn a_version_1_save_continues_and_remembered_choices_come_back() {
    let story = story();
    let mut desk = overloaded(&story);
    desk.choices = ["leo_asked".to_owned()].into();
    let text = SaveFile::of(&desk, 1_796_392_980).to_text();
    assert!(text.contains(&format!("version: {VERSION}")) && VERSION == 4);
    // Since version 4 a save says which game wrote it.
    let game = format!("game: {:?}", sleep_sync::version::label());
    assert!(text.contains(&game), "{text}");
    let back = SaveFile::parse("now", text.as_bytes())
        .expect("parses")
        .restore(&story)
        .expect("restores");
    assert_eq!(back.choices, desk.choices);
    assert!(back.facts().flags.contains("leo_asked"));

    // As version 1 wrote it: no `choices`, no `game`.
    desk.choices.clear();
    let old: String = SaveFile::of(&desk, 1_796_392_980)
        .to_text()
        .replace(&format!("version: {VERSION}"), "version: 1")
        .lines()
        .filter(|l| !l.trim_start().starts_with("choices:") && !l.trim_start().starts_with("game:"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!old.contains("choices") && !old.contains("game:"), "{old}");
    let parsed = SaveFile::parse("v1", old.as_bytes()).expect("a version 1 save parses");
    assert_eq!(parsed.game, "", "no game named");
    let back = parsed.restore(&story).expect("and restores");
    assert!(back.choices.is_empty());
    assert_eq!(back.network.digest(), desk.network.digest());

    let foreign = text.replace("\"leo_asked\"", "\"took_the_train\"");
    let why = SaveFile::parse("foreign", foreign.as_bytes())
        .expect("parses")
        .restore(&story)
        .expect_err("another campaign's flag");
    assert!(
        why.contains("desk.choices") && why.contains("another campaign"),
        "{why}"
    );
}

/// A game saved before the finale existed, with the family freed and the overload
/// released then, continues with the finale counted as done: its designer stays open
/// and the finale is not offered again.
#[test]
fn a_game_saved_before_the_finale_continues_with_its_designer_open() {
    let story = story();
    let mut before = story.clone();
    before.finale = None;
    let mut desk = overloaded(&before);
    desk.freed("leo", &before);
    desk.freed("mara", &before);
    assert!(
        desk.network.overloaded().is_none(),
        "released without a finale"
    );
    // As that game wrote it: no FinaleDone among the flags (one to a line).
    let text: String = SaveFile::of(&desk, 1_796_392_980)
        .to_text()
        .lines()
        .filter(|l| l.trim() != "FinaleDone,")
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!text.contains("FinaleDone"), "{text}");
    let back = SaveFile::parse("before-finale", text.as_bytes())
        .expect("parses")
        .restore(&story)
        .expect("restores");
    assert!(back.flags.contains(&StoryFlag::FinaleDone));
    assert!(back.can(Action::DesignAlternative));
    assert!(!back.can_dive("family"), "not offered again");
    assert!(back.freed.contains("family"));
    assert_eq!(SaveFile::of(&back, 0).chapter, Chapter::Alternative);

    // A game saved with both freed and the finale still ahead keeps it ahead.
    let mut ahead = overloaded(&story);
    ahead.freed("leo", &story);
    ahead.freed("mara", &story);
    let text = SaveFile::of(&ahead, 0).to_text();
    let back = SaveFile::parse("ahead", text.as_bytes())
        .expect("parses")
        .restore(&story)
        .expect("restores");
    assert!(back.can_dive("family") && !back.can(Action::DesignAlternative));
    assert_eq!(SaveFile::of(&back, 0).chapter, Chapter::Finale);
}

/// A stranger's dive from the desk: Juno links to someone in a loop, dives, frees them;
/// they are brought home (the journal says so, the incident log shows it, they never
/// loop again), and a saved game keeps it: the same network, the same stranger and the
/// same dream for one she has linked to and not yet freed.
#[test]
fn a_stranger_brought_home_and_one_linked_to_survive_a_save() {
    let library = shipped_library();
    let story = &library.story;
    let mut desk = overloaded(story);
    // Into the night, when the loops spread.
    let looping = into_the_night(&mut desk, 2);
    let [freed, waiting] = looping[..] else {
        panic!("two strangers in loops: {looping:?}");
    };
    assert!(
        !desk.can_link_stranger(0),
        "family members are dived for by name"
    );
    desk.apply(&Request::LinkStranger(freed), story);
    let id = format!("sleeper#{freed}");
    assert_eq!(desk.console.dive.as_deref(), Some(id.as_str()));
    assert!(desk.can_dive(&id) && desk.open.contains(&Panel::Console));
    let spec = desk.stranger_dive(&id, &library).expect("their dream");
    assert_eq!(desk.dive_spec(&id, &library), Some(spec.clone()));
    desk.begin_dive(&id);
    // As the game keeps a dive's progress, by its id: the save must take it.
    desk.dives.insert(
        id.clone(),
        DiveProgress {
            understood: [0, 3].into(),
            loop_reached: 1,
            ..DiveProgress::default()
        },
    );
    desk.network.run(20);
    desk.back_from_dive(std::slice::from_ref(&id), story);
    assert!(desk.network.is_home(freed) && desk.brought_home() == 1);
    assert!(!desk.can_dive(&id), "home: no dream to go back to");
    assert!(
        desk.freed.is_empty(),
        "a stranger is not one of the family's freed"
    );
    assert!(
        desk.network
            .incidents()
            .any(|i| i.kind == IncidentKind::BroughtHome { sleeper: freed })
    );
    // Linked to and left for later: the dream is fixed from the moment of the link.
    desk.apply(&Request::LinkStranger(waiting), story);
    let later = format!("sleeper#{waiting}");
    let before = desk.stranger_dive(&later, &library).expect("their dream");
    desk.network.run(90);
    assert_eq!(desk.stranger_dive(&later, &library), Some(before.clone()));

    let (back, _, _) = through_a_save(&desk, story);
    assert_eq!(back.network.digest(), desk.network.digest());
    assert_eq!(back.brought_home(), 1);
    assert!(back.network.is_home(freed));
    assert_eq!(back.strangers, desk.strangers);
    assert_eq!(back.stranger_dive(&later, &library), Some(before));
    assert_eq!(
        back.dives, desk.dives,
        "the stranger's dive progress is kept"
    );
    assert!(spec.dream.anchors.len() == 5 && spec.id() == id);
    // A save whose stranger holds someone else's profile is refused, and says where.
    let text = SaveFile::of(&desk, 1_796_392_980).to_text();
    let swapped = text.replacen(&format!("sleeper: {waiting},"), "sleeper: 3,", 1);
    assert_ne!(swapped, text);
    let why = SaveFile::parse("swapped", swapped.as_bytes()).expect_err("refused");
    assert!(
        why.iter()
            .any(|e| e.to_string().contains(&format!("desk.strangers.{waiting}"))),
        "{why:?}"
    );
}

/// After the release a stranger's loop may end on its own while Juno talks them out of
/// it: freed, they are brought home all the same (Father said so).
#[test]
fn a_stranger_freed_as_their_loop_ended_is_still_brought_home() {
    let library = shipped_library();
    let story = &library.story;
    let mut desk = overloaded(story);
    let &stranger = into_the_night(&mut desk, 1)
        .first()
        .expect("someone loops in the overload's night");
    let id = format!("sleeper#{stranger}");
    desk.apply(&Request::LinkStranger(stranger), story);
    desk.begin_dive(&id);
    desk.network.release();
    for _ in 0..144 {
        desk.network.run(10);
        if !desk.network.sleeper(stranger).is_some_and(|s| s.looping) {
            break;
        }
    }
    assert!(!desk.can_dive(&id), "their loop ended on its own");
    desk.back_from_dive(std::slice::from_ref(&id), story);
    assert!(desk.network.is_home(stranger));
    assert_eq!(desk.brought_home(), 1);
}
