//! Every sleeper is a dream (issue 21): sleepers of the campaign's network as strangers
//! with fears, memories and a talk assembled from the shipped stranger files; their
//! dreams generate and can be completed, their talks keep the depth rules and do not read
//! alike, and the same network seed, number and minute give the same person and dream.
//!
//! CI takes [`DEFAULT_STRANGERS`] looping sleepers; `scripts/bench.sh` sets
//! `SLEEP_SYNC_STRANGERS=1000`. The measures are defined in docs/strangers.md.

use std::collections::BTreeSet;
use std::sync::OnceLock;
use std::time::Instant;

use sleep_sync::campaign::strangers::{
    FREE_DIVE_MINUTE, SCRIPTED_OVERLOAD_MINUTE, scripted_network, stranger_of,
};
use sleep_sync::commands::{PlayCheck, play_check_dive};
use sleep_sync::dev::strangers::{four_grams, image_distance, shared_share, shrink, talk_text};
use sleep_sync::dev::testing::shipped_library;
use sleep_sync::dream::{Dream, GenOptions, MovementLimits, mix_seed, preview};
use sleep_sync::levels::{Checks, LevelDoc, Library};
use sleep_sync::network::Network;

/// Strangers CI checks; `SLEEP_SYNC_STRANGERS` sets another number.
const DEFAULT_STRANGERS: usize = 50;
/// The network minute the strangers are taken at, as Free dive takes them: three in the
/// morning of the night after the scripted overload, when the loops have spread.
const MINUTE: u64 = FREE_DIVE_MINUTE;

fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(shipped_library)
}

fn network() -> &'static Network {
    static NETWORK: OnceLock<Network> = OnceLock::new();
    NETWORK.get_or_init(|| {
        let lib = library();
        scripted_network(&lib.story, SCRIPTED_OVERLOAD_MINUTE, MINUTE).expect("after the warm-up")
    })
}

fn count() -> usize {
    std::env::var("SLEEP_SYNC_STRANGERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_STRANGERS)
}

/// `n` strangers in a loop at [`MINUTE`], in an order drawn from the seed (so a sample's
/// neighbours are as unrelated as any two strangers Juno picks).
fn sample(n: usize) -> Vec<usize> {
    let net = network();
    let family = library().story.family.len();
    let mut looping: Vec<usize> = (family..net.len())
        .filter(|&i| net.sleeper(i).is_some_and(|s| s.looping))
        .collect();
    looping.sort_by_key(|&i| mix_seed(net.seed(), i as u64));
    println!("{} sleepers looping at minute {MINUTE}", looping.len());
    assert!(
        looping.len() >= n,
        "{} looping at minute {MINUTE}, {n} wanted",
        looping.len()
    );
    looping.truncate(n);
    looping
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[test]
fn strangers_are_people_whose_dreams_check_and_can_be_completed() {
    let lib = library();
    let net = network();
    let n = count();
    let mut assembly_ms = Vec::new();
    let mut generation_ms = Vec::new();
    let mut pairs = BTreeSet::new();
    let mut strongest = BTreeSet::new();
    for sleeper in sample(n) {
        let started = Instant::now();
        let (stranger, dive) = stranger_of(lib, &lib.story, net, sleeper).expect("a stranger");
        assembly_ms.push(started.elapsed().as_secs_f64() * 1e3);
        assert!(
            !stranger.life.is_empty() && stranger.age >= 19,
            "{stranger:?}"
        );
        assert_eq!(dive.id(), format!("sleeper#{sleeper}"));
        assert_eq!(dive.dream.anchors.len(), 5);
        let mut checks = Checks::new("assembled");
        dive.dialogue.check(&mut checks);
        let errors = checks.into_errors();
        assert!(errors.is_empty(), "sleeper {sleeper}: {errors:?}");
        let depth = dive.dialogue.depth_problems();
        assert!(depth.is_empty(), "sleeper {sleeper}: {depth:?}");
        for line in talk_text(&dive.dialogue) {
            assert!(
                !line.contains(['{', '}']),
                "sleeper {sleeper}: unfilled slot: {line}"
            );
        }
        // Loop 1 and loop 5, as `sleep-sync validate` generates the shipped dreams.
        let started = Instant::now();
        let mut check = PlayCheck::default();
        play_check_dive(&dive, &format!("sleeper {sleeper}"), &mut check);
        generation_ms.push(started.elapsed().as_secs_f64() * 1e3 / 2.0);
        assert!(check.problems.is_empty(), "{:?}", check.problems);
        let (a, b) = (stranger.fears[0].tag, stranger.fears[1].tag);
        pairs.insert((a.min(b), a.max(b)));
        strongest.insert(a);
    }
    assembly_ms.sort_by(f64::total_cmp);
    generation_ms.sort_by(f64::total_cmp);
    println!(
        "{n} strangers at minute {MINUTE}: assembly median {:.3} ms (p95 {:.3}); a loop generated in median {:.1} ms (p95 {:.1}); {} distinct pairs of strongest fears, {} strongest fears",
        percentile(&assembly_ms, 0.5),
        percentile(&assembly_ms, 0.95),
        percentile(&generation_ms, 0.5),
        percentile(&generation_ms, 0.95),
        pairs.len(),
        strongest.len()
    );
    // 20 over 1,000 (the measure); CI's 50 must already show 12.
    let wanted = if n >= 1000 { 20 } else { 12 };
    assert!(pairs.len() >= wanted, "{} pairs: {pairs:?}", pairs.len());
}

/// Every ten strangers in a row of the sample (all windows of ten): no two of their talks
/// share more than 30% of their four-word sequences.
#[test]
fn ten_strangers_in_a_row_do_not_read_alike() {
    let lib = library();
    let net = network();
    let n = count().max(10);
    let talks: Vec<BTreeSet<[String; 4]>> = sample(n)
        .into_iter()
        .map(|i| {
            let (_, dive) = stranger_of(lib, &lib.story, net, i).expect("a stranger");
            four_grams(&talk_text(&dive.dialogue))
        })
        .collect();
    let (mut worst, mut sum, mut pairs) = (0.0f32, 0.0f32, 0usize);
    let mut over = Vec::new();
    for (i, a) in talks.iter().enumerate() {
        // Each pair no more than nine apart is in some window of ten.
        for (j, b) in talks.iter().enumerate().skip(i + 1).take(9) {
            let shared = shared_share(a, b);
            worst = worst.max(shared);
            sum += shared;
            pairs += 1;
            if shared > 0.30 {
                over.push((i, j, shared));
            }
        }
    }
    println!(
        "{} windows of ten strangers ({pairs} pairs): four-word sequences shared, mean {:.1}%, worst pair {:.1}% (at most 30%)",
        n - 9,
        sum / pairs as f32 * 100.0,
        worst * 100.0
    );
    assert!(over.is_empty(), "pairs over 30%: {over:?}");
}

#[test]
fn the_same_seed_number_and_minute_give_the_same_stranger_and_dream() {
    let lib = library();
    let story = &lib.story;
    let again =
        scripted_network(story, SCRIPTED_OVERLOAD_MINUTE, MINUTE).expect("after the warm-up");
    for sleeper in sample(3) {
        let (a, dive_a) = stranger_of(lib, story, network(), sleeper).expect("a stranger");
        let (b, dive_b) = stranger_of(lib, story, &again, sleeper).expect("a stranger");
        assert_eq!(a, b);
        assert_eq!(dive_a, dive_b);
    }
    // Who they are is the seed's and the number's; a later minute may change their fears
    // but not their name.
    let later = scripted_network(story, SCRIPTED_OVERLOAD_MINUTE, MINUTE + 600).expect("later");
    let sleeper = sample(1)[0];
    let (now, _) = stranger_of(lib, story, network(), sleeper).expect("a stranger");
    let (then, _) = stranger_of(lib, story, &later, sleeper).expect("a stranger");
    assert_eq!(
        (now.name(), now.age, &now.life),
        (then.name(), then.age, &then.life)
    );
    assert_ne!(now.profile, then.profile, "ten hours change the sleeper");
}

/// Outside the network, and Juno's family, are refused with a message that says so.
#[test]
fn a_sleeper_outside_the_network_or_of_the_family_is_refused() {
    let lib = library();
    let err = stranger_of(lib, &lib.story, network(), network().len()).expect_err("outside");
    assert!(err.to_string().contains("not in the network"), "{err}");
    let err = stranger_of(lib, &lib.story, network(), 0).expect_err("family");
    assert!(err.to_string().contains("Juno's family"), "{err}");
}

#[test]
fn sixteen_strangers_dreams_look_unlike_each_other() {
    let lib = library();
    let net = network();
    let map = |dive: &sleep_sync::levels::DiveSpec| {
        let dream = Dream::generate_with(
            &dive.recipe(0),
            dive.dream.anchors.len(),
            &MovementLimits::default(),
            &GenOptions::default(),
        );
        shrink(&preview::render(&dream, 128))
    };
    let shipped: Vec<Vec<f32>> = lib.all_dives().iter().map(&map).collect();
    let mut sheet = preview::RgbImage {
        width: 4 * 128,
        height: 4 * 128,
        pixels: vec![0; 4 * 128 * 4 * 128 * 3],
    };
    let strangers: Vec<Vec<f32>> = sample(16)
        .into_iter()
        .enumerate()
        .map(|(k, i)| {
            let dive = stranger_of(lib, &lib.story, net, i).expect("a stranger").1;
            let dream = Dream::generate_with(
                &dive.recipe(0),
                dive.dream.anchors.len(),
                &MovementLimits::default(),
                &GenOptions::default(),
            );
            let image = preview::render(&dream, 128);
            // Onto the contact sheet, four by four.
            let (x0, y0) = ((k % 4) * 128, (k / 4) * 128);
            for y in 0..128 {
                let from = y * 128 * 3;
                let to = ((y0 + y) * sheet.width + x0) * 3;
                sheet.pixels[to..to + 128 * 3].copy_from_slice(&image.pixels[from..from + 128 * 3]);
            }
            shrink(&image)
        })
        .collect();
    // `SLEEP_SYNC_CONTACT_SHEET=docs/strangers-contact-sheet.png` keeps the sheet.
    if let Ok(path) = std::env::var("SLEEP_SYNC_CONTACT_SHEET") {
        sheet
            .write_png(std::path::Path::new(&path))
            .expect("the contact sheet is written");
    }
    let closest = |maps: &[Vec<f32>]| {
        let mut min = f32::INFINITY;
        for (i, a) in maps.iter().enumerate() {
            for b in &maps[i + 1..] {
                min = min.min(image_distance(a, b));
            }
        }
        min
    };
    let (shipped_min, strangers_min) = (closest(&shipped), closest(&strangers));
    // The stated distance: half the closest pair of the shipped dreams, which were each
    // made by hand to look like their own dreamer (docs/strangers.md).
    let stated = shipped_min / 2.0;
    println!(
        "previews (128² maps averaged to 32², mean channel difference): closest shipped dreams {shipped_min:.1}, closest of 16 strangers {strangers_min:.1} (at least {stated:.1})"
    );
    assert!(shipped.len() >= 4, "the shipped dreams are the yardstick");
    assert!(strangers_min >= stated, "{strangers_min} < {stated}");
}

/// Stranger dives the scripted player plays in CI; `SLEEP_SYNC_STRANGER_DIVES` sets
/// another number (`scripts/bench.sh`: 1,000).
const DEFAULT_DIVES: usize = 50;

/// The headless scripted player (the one that records the shipped replays) frees at
/// least 95% of the strangers within three loops.
#[test]
fn the_scripted_player_frees_strangers_within_three_loops() {
    use sleep_sync::dev::testing::{dive_into_spec, headless_app};

    let lib = library();
    let net = network();
    let n = std::env::var("SLEEP_SYNC_STRANGER_DIVES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_DIVES);
    let mut loops = [0usize; 4];
    let mut seconds = Vec::new();
    let mut not_freed = Vec::new();
    for sleeper in sample(n) {
        let started = Instant::now();
        let (_, dive) = stranger_of(lib, &lib.story, net, sleeper).expect("a stranger");
        let mut app = headless_app();
        dive_into_spec(&mut app, dive);
        let freed_in = play_until_freed(&mut app);
        seconds.push(started.elapsed().as_secs_f64());
        match freed_in {
            Some(k) if k < 3 => loops[k as usize] += 1,
            _ => {
                loops[3] += 1;
                not_freed.push(sleeper);
            }
        }
    }
    let freed = n - loops[3];
    seconds.sort_by(f64::total_cmp);
    println!(
        "the scripted player freed {freed} of {n} strangers ({:.1}%): in loop 1 {}, loop 2 {}, loop 3 {}, not within three {} {not_freed:?}; a dive took median {:.1} s (p95 {:.1}) of wall time",
        freed as f64 / n as f64 * 100.0,
        loops[0],
        loops[1],
        loops[2],
        loops[3],
        percentile(&seconds, 0.5),
        percentile(&seconds, 0.95)
    );
    assert!(freed * 100 >= n * 95, "{freed} of {n} freed");
}

/// The story knows them: Father speaks to a stranger's dive as one, and the epilogue
/// remembers how many Juno brought home.
#[test]
fn father_and_the_epilogue_know_the_strangers() {
    use sleep_sync::levels::story::DiveMoment;
    use sleep_sync::levels::{Facts, StoryFacts, cond};

    let story = &library().story;
    let understood = BTreeSet::new();
    let none = StoryFacts::default();
    let start = |facts: &StoryFacts, id: &str| {
        story
            .father_line(DiveMoment::Start, 0, &Facts::diving(facts, id, &understood))
            .expect("a line")
            .to_owned()
    };
    assert_ne!(start(&none, "sleeper#4711"), start(&none, "leo"));
    assert!(start(&none, "sleeper#4711").contains("I don't know this one"));
    let freed = story
        .father_line(
            DiveMoment::Freed,
            0,
            &Facts::diving(&none, "sleeper#4711", &understood),
        )
        .expect("a line");
    assert!(freed.contains("off the network"), "{freed}");
    let epilogue = |home: u32| -> Vec<&str> {
        let facts = StoryFacts {
            home,
            ..StoryFacts::default()
        };
        story
            .epilogue
            .iter()
            .filter(|e| cond::all(&e.when, &Facts::waking(&facts)))
            .map(|e| e.text.as_str())
            .collect()
    };
    let (nobody, one, some, many) = (epilogue(0), epilogue(1), epilogue(4), epilogue(12));
    assert!(one.iter().any(|t| t.contains("postcard")), "{one:?}");
    assert!(
        !nobody
            .iter()
            .any(|t| t.contains("postcard") || t.contains("strangers"))
    );
    assert!(
        some.iter()
            .any(|t| t.contains("never learn each other's names"))
    );
    assert!(many.iter().any(|t| t.contains("box of their letters")));
    assert!(!many.iter().any(|t| t.contains("postcard")));
}

/// The scripted player dives until the dreamer is free (the loop it was freed in, from 0)
/// or a fourth loop begins (None).
fn play_until_freed(app: &mut bevy::prelude::App) -> Option<u32> {
    use sleep_sync::dev::player::ScriptedPlayer;
    use sleep_sync::dive::{LoopState, NightmareLoop};

    let mut player = ScriptedPlayer::default();
    for _ in 0..60_000 {
        player.play(app);
        app.update();
        let (index, state) = {
            let l = app.world().resource::<NightmareLoop>();
            (l.index, l.state.clone())
        };
        if state == LoopState::Freed {
            return Some(index);
        }
        if index >= 3 {
            // Into a fourth loop: not within three.
            return None;
        }
        if !matches!(state, LoopState::Running | LoopState::Confronting { .. }) {
            // Forming the next loop runs on other threads: give them time.
            std::thread::sleep(std::time::Duration::from_micros(300));
        }
    }
    None
}

/// A stranger's dive recorded (as `--record` records any) plays back headless to the
/// same end: the replay carries who they were, and their dream is put together again.
#[test]
fn a_strangers_dive_recorded_plays_back_the_same() {
    use sleep_sync::commands::replay_headless;
    use sleep_sync::dev::testing::{dive_into_active, headless_app};
    use sleep_sync::dive::ActiveDive;
    use sleep_sync::levels::strangers::StrangerKey;
    use sleep_sync::replay::{Recording, ReplayFile};

    let lib = library();
    let net = network();
    let path_of = |sleeper: usize| {
        std::env::temp_dir().join(format!(
            "sleep-sync-stranger-{}-{sleeper}.replay.ron",
            std::process::id()
        ))
    };
    // The first stranger of the sample the scripted player frees (it frees at least 95%
    // of them, not every one: a dream's ground moved by a hair can take it another way).
    let (sleeper, key) = sample(4)
        .into_iter()
        .find_map(|sleeper| {
            let (_, spec) = stranger_of(lib, &lib.story, net, sleeper).expect("a stranger");
            let key = StrangerKey {
                network_seed: net.seed(),
                profile: net.profile(sleeper).expect("a profile"),
            };
            let path = path_of(sleeper);
            let _ = std::fs::remove_file(&path);
            let mut app = headless_app();
            app.insert_resource(Recording::new(path.clone()));
            let mut dive = ActiveDive::new(spec);
            dive.stranger = Some(key);
            dive_into_active(&mut app, dive);
            let freed = play_until_freed(&mut app).is_some();
            // The file is written the moment the dreamer is free.
            app.update();
            if !freed {
                println!("sleeper {sleeper}: not freed by the scripted player within three loops");
                let _ = std::fs::remove_file(&path);
            }
            freed.then_some((sleeper, key))
        })
        .expect("the scripted player freed one of four strangers");
    let path = path_of(sleeper);
    let file = ReplayFile::read(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(file.dream, format!("sleeper#{sleeper}"));
    assert_eq!(file.stranger, Some(key));
    let played = replay_headless(file.clone(), "a stranger's dive", &[]).expect("plays back");
    let outcome = played.outcome;
    println!(
        "sleeper {sleeper}: recorded {}, played back {outcome} ({:?})",
        file.outcome, played.trace
    );
    assert!(outcome.freed);
    assert_eq!(outcome, file.outcome);
    assert!(
        !file.checkpoints.is_empty(),
        "the recording kept checkpoints"
    );
    assert_eq!(played.trace.diverged, None);
    assert_eq!(played.trace.matched, file.checkpoints.len());
    let _ = std::fs::remove_file(&path);
}

/// Free dive's strangers: the campaign's network at [`FREE_DIVE_MINUTE`], simulated in the
/// background once asked for, is the network the tests' strangers come from.
#[test]
fn free_dive_simulates_the_strangers_network_in_the_background() {
    use sleep_sync::campaign::strangers::StrangerNetwork;
    use sleep_sync::dev::testing::{headless_app, run_until};
    use sleep_sync::long_work::{HEADLESS_PIECES_PER_FRAME, LongWork};

    // On another thread (the desktop), and a slice a frame (the browser).
    for how in [LongWork::Background, LongWork::Slices] {
        let mut app = headless_app();
        app.insert_resource(how);
        app.insert_resource(StrangerNetwork::Asked);
        let mut sliced = 0u64;
        let frames = run_until(&mut app, 20_000, |w| {
            let strangers = w.resource::<StrangerNetwork>();
            sliced += u64::from(matches!(strangers, StrangerNetwork::Slices(_)));
            let ready = strangers.network().is_some();
            if !ready && how == LongWork::Background {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            ready
        });
        let strangers = app.world().resource::<StrangerNetwork>();
        let built = strangers.network().expect("simulated");
        assert_eq!(built.minute(), FREE_DIVE_MINUTE);
        assert_eq!(built.digest(), network().digest(), "{how:?}");
        if how == LongWork::Slices {
            // 4,500 minutes at 60 a frame.
            let slices = FREE_DIVE_MINUTE.div_ceil(HEADLESS_PIECES_PER_FRAME);
            assert!(
                sliced >= slices - 1,
                "{sliced} frames in slices in {frames}"
            );
        }
    }
}

/// Free dive's stranger row, drawn as the title draws it: before the network is found it
/// offers to find it; once found, "Next in a loop" steps to the next trapped stranger past
/// the family, who they are is shown, and Dive asks for their dream with the key that
/// re-forms it. A sleeper not in a loop tonight has no Dive.
#[test]
fn free_dives_stranger_row_finds_a_stranger_and_dives_into_their_dream() {
    use bevy_egui::egui;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;
    use sleep_sync::campaign::strangers::StrangerNetwork;
    use sleep_sync::levels::strangers::{StrangerKey, dive_id};
    use sleep_sync::screens::title::{StrangerPick, stranger_row};

    struct Row {
        strangers: Option<StrangerNetwork>,
        picked: Option<StrangerPick>,
    }
    let mut h = Harness::builder()
        .with_size(egui::vec2(900.0, 400.0))
        .build_ui_state(
            |ui, row: &mut Row| {
                if let Some(pick) = stranger_row(ui, library(), row.strangers.as_ref()) {
                    row.picked = Some(pick);
                }
            },
            Row {
                strangers: None,
                picked: None,
            },
        );
    h.run_steps(2);
    h.get_by_label("Find the network's strangers").click();
    h.run_steps(2);
    assert!(
        matches!(h.state().picked, Some(StrangerPick::FindNetwork)),
        "{:?}",
        h.state().picked
    );

    let net = network();
    let family = library().story.family.len();
    h.state_mut().picked = None;
    h.state_mut().strangers = Some(StrangerNetwork::Ready(Box::new(net.clone())));
    // The row's number, as a player would have typed it: one not in a loop.
    let calm = (family..net.len())
        .find(|&i| net.sleeper(i).is_some_and(|s| !s.looping))
        .expect("someone sleeps calmly");
    h.ctx
        .data_mut(|d| d.insert_temp(egui::Id::new("free-dive-sleeper"), calm));
    h.run_steps(2);
    let (who, _) = stranger_of(library(), &library().story, net, calm).expect("a person");
    h.get_by_label(&format!("{}, {}", who.name(), who.age));
    h.get_by_label("Not in a loop tonight: no nightmare to dive into.");
    assert_eq!(h.query_all_by_label("Dive").count(), 0);

    h.get_by_label("Next in a loop").click();
    h.run_steps(2);
    let next = (calm + 1..net.len())
        .find(|&i| net.sleeper(i).is_some_and(|s| s.looping))
        .expect("someone loops after them");
    let (who, dive) = stranger_of(library(), &library().story, net, next).expect("a dream");
    h.get_by_label(&format!("{}, {}", who.name(), who.age));
    h.get_by_label(&who.life);
    h.get_by_label("Dive").click();
    h.run_steps(2);
    let Some(StrangerPick::Dive(active)) = h.state_mut().picked.take() else {
        panic!("Dive asks for the stranger's dream");
    };
    assert_eq!(active.spec.id(), dive_id(next));
    assert_eq!(active.spec, dive);
    assert_eq!(
        active.stranger,
        Some(StrangerKey {
            network_seed: net.seed(),
            profile: who.profile,
        })
    );
}
