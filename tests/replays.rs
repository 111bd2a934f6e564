//! Replays. The shipped ones (`tests/replays/`) break Leo's and Mara's loops when played
//! back headless; a replay from another version or of changed levels says so.
//!
//! The shipped replays are recordings of a player: a simple one that plans its way over
//! the dream's ground to each memory anchor, then to the dreamer, and answers with what it
//! has understood. It plays through the same devices-to-intent path a person does, and
//! the game records it as it would record anyone. To record them again after a change
//! to play: `cargo test --test replays -- --ignored --nocapture`.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::path::PathBuf;

use bevy::prelude::*;
use sleep_sync::commands::replay_headless;
use sleep_sync::dev::testing::{dive_into, headless_app};
use sleep_sync::dive::{
    ActiveDive, CurrentDream, Hazard, LoopState, MemoryAnchor, NightmareLoop, PendingAnswer,
};
use sleep_sync::dream::{Dream, HazardKind, MovementLimits};
use sleep_sync::juno::{Juno, LookAngles, PlayerIntent};
use sleep_sync::replay::{Outcome, Recording, ReplayFile};

fn shipped(dream: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/replays")
        .join(format!("{dream}.replay.ron"))
}

fn play_shipped(dream: &str) -> (ReplayFile, Outcome) {
    let path = shipped(dream);
    let file = ReplayFile::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let outcome = replay_headless(file.clone(), &path.display().to_string(), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    println!("{}: {outcome}", path.display());
    (file, outcome)
}

#[test]
fn the_shipped_replay_breaks_leos_loop() {
    let (file, outcome) = play_shipped("leo");
    assert!(outcome.freed, "Leo is not freed: {outcome}");
    assert_eq!(outcome, file.outcome, "it played out as recorded");
    assert!(outcome.anchors >= 2);
}

#[test]
fn the_shipped_replay_breaks_maras_loop() {
    let (file, outcome) = play_shipped("mara");
    assert!(outcome.freed, "Mara is not freed: {outcome}");
    assert_eq!(outcome, file.outcome, "it played out as recorded");
}

/// The family's evening dream, played to its morning as recorded: the talk at its core
/// sets story flags along the way, and plays the same.
#[test]
fn the_shipped_replay_ends_the_bedtime_dream() {
    let (file, outcome) = play_shipped("bedtime");
    assert!(outcome.freed, "the evening did not end: {outcome}");
    assert_eq!(outcome, file.outcome, "it played out as recorded");
    assert_eq!(outcome.loops, 1, "a gentle dream needs one loop: {outcome}");
}

/// The finale, the nightmare Leo and Mara shared, broken as recorded: their fears blended
/// into one dream, both of them at its core.
#[test]
fn the_shipped_replay_breaks_the_family_nightmare() {
    let (file, outcome) = play_shipped("family");
    assert!(outcome.freed, "the family is not free: {outcome}");
    assert_eq!(outcome, file.outcome, "it played out as recorded");
    assert!(outcome.anchors >= 3, "{outcome}");
}

#[test]
fn a_replay_of_another_version_or_of_changed_levels_says_so() {
    let text = std::fs::read_to_string(shipped("leo")).expect("the shipped replay");
    let old = text.replace("simulation: 1,", "simulation: 0,");
    let error = ReplayFile::parse("old.replay.ron", &old)
        .expect_err("an old simulation is refused")
        .to_string();
    assert!(error.contains("cannot be played back"), "{error}");
    let mut file = ReplayFile::parse("leo.replay.ron", &text).expect("parses");
    file.seed += 1;
    let error = replay_headless(file.clone(), "reseeded.replay.ron", &[])
        .expect_err("a changed seed is refused");
    assert!(
        error.contains("has changed since it was recorded"),
        "{error}"
    );
    file.seed -= 1;
    file.content = "0000000000000000".into();
    let error = replay_headless(file.clone(), "edited.replay.ron", &[])
        .expect_err("changed level files are refused");
    assert!(error.contains("level files"), "{error}");
    file.dream = "nobody".into();
    let error = replay_headless(file, "lost.replay.ron", &[]).expect_err("no such dream");
    assert!(error.contains("not among the loaded levels"), "{error}");
}

/// The fingerprints the shipped replays were recorded against. A field added to the
/// level files must leave them as they are (the fingerprint reads the files through a
/// fixed projection); only a real edit of Leo's or Mara's files changes them, and then
/// their replays are recorded again (`--ignored record_the_shipped_replays`). Last
/// recorded when Father's voice on the link answered the rig (`father_heard`,
/// `father_silenced`) at Leo's roof and at Mara's "your father built the kind part": the
/// inputs are the same tick for tick.
#[test]
fn the_shipped_dreams_keep_their_fingerprints() {
    use sleep_sync::dev::testing::{shipped_dive, shipped_library};
    use sleep_sync::replay::content_fingerprint;
    let juno = shipped_library().juno;
    for (dream, pinned) in [("leo", "52c9110fc63dfb59"), ("mara", "8d19e90fb27703dd")] {
        let file = ReplayFile::read(&shipped(dream)).unwrap_or_else(|e| panic!("{e}"));
        let now = content_fingerprint(&shipped_dive(dream), &juno);
        assert_eq!(file.content, now, "{dream}: the replay and the files agree");
        assert_eq!(now, pinned, "{dream}: the fingerprint moved");
    }
    // A gate used where there was none changes it: the projection does not hide new
    // content, only new fields left empty.
    let mut gated = shipped_dive("leo");
    gated.dialogue.nodes[0].choices[0]
        .when
        .push(sleep_sync::levels::Cond::SunkAny);
    assert_ne!(
        content_fingerprint(&gated, &juno),
        content_fingerprint(&shipped_dive("leo"), &juno)
    );
}

// ---- the recording player ----

/// A path over the dream's sample grid from `from` to `to`, avoiding hazards' ground,
/// as world points (A* over reachable samples; each step within what Juno climbs).
fn plan(dream: &Dream, from: Vec3, to: Vec3, avoid: &[(Vec3, f32)]) -> Option<Vec<Vec2>> {
    let hf = &dream.heightfield;
    let n = hf.samples();
    let limits = MovementLimits::default().planning();
    let start = hf.nearest_sample(from.xz());
    let goal = hf.nearest_sample(to.xz());
    let index = |(x, z): (usize, usize)| z * n + x;
    let goal_point = hf.world_xz(goal.0, goal.1);
    let penalty = |p: Vec2| -> f32 {
        avoid
            .iter()
            .filter(|(at, r)| at.xz().distance(p) < *r)
            .map(|_| 4.0)
            .sum()
    };
    #[derive(PartialEq)]
    struct Open(f32, usize);
    impl Eq for Open {}
    impl PartialOrd for Open {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Open {
        fn cmp(&self, other: &Self) -> Ordering {
            other.0.total_cmp(&self.0)
        }
    }
    let mut best: HashMap<usize, f32> = HashMap::new();
    let mut came: HashMap<usize, usize> = HashMap::new();
    let mut open = BinaryHeap::new();
    best.insert(index(start), 0.0);
    open.push(Open(0.0, index(start)));
    while let Some(Open(_, at)) = open.pop() {
        if at == index(goal) {
            let mut path = vec![hf.world_xz(goal.0, goal.1)];
            let mut k = at;
            while let Some(&prev) = came.get(&k) {
                path.push(hf.world_xz(prev % n, prev / n));
                k = prev;
            }
            path.reverse();
            return Some(path);
        }
        let (x, z) = (at % n, at / n);
        let g = best[&at];
        for (dx, dz) in [
            (-1i32, 0i32),
            (1, 0),
            (0, -1),
            (0, 1),
            (-1, -1),
            (1, 1),
            (-1, 1),
            (1, -1),
        ] {
            let (nx, nz) = (x as i32 + dx, z as i32 + dz);
            if nx < 0 || nz < 0 || nx >= n as i32 || nz >= n as i32 {
                continue;
            }
            let next = (nx as usize, nz as usize);
            let ni = index(next);
            if !dream.reachable[ni] && ni != index(goal) {
                continue;
            }
            let run = hf.cell() * ((dx * dx + dz * dz) as f32).sqrt();
            let rise = (hf.get(next.0, next.1) - hf.get(x, z)).abs();
            if rise > limits.step_height.max(limits.max_gradient * run) {
                continue;
            }
            let p = hf.world_xz(next.0, next.1);
            let cost = g + run * (1.0 + penalty(p));
            if best.get(&ni).is_none_or(|&b| cost < b) {
                best.insert(ni, cost);
                came.insert(ni, at);
                open.push(Open(cost + p.distance(goal_point), ni));
            }
        }
    }
    None
}

/// What the recording player is doing.
#[derive(Default)]
struct Player {
    path: Vec<Vec2>,
    target: Option<Vec3>,
    loop_index: u32,
    replan_in: u32,
    last: Vec3,
    still_for: u32,
}

impl Player {
    /// One frame of play: reads the world, sets the devices' intent.
    fn play(&mut self, app: &mut App) {
        let world = app.world_mut();
        let Some(state) = world
            .get_resource::<NightmareLoop>()
            .map(|n| (n.index, n.state.clone()))
        else {
            return;
        };
        match state.1 {
            LoopState::Confronting { node } => {
                let dive = world.resource::<ActiveDive>();
                let node = dive.spec.dialogue.node(&node).expect("the node");
                // Free if it can; else the furthest-reaching way on; never a push.
                let pick = node.best_answer(&dive.facts());
                if world.resource::<PendingAnswer>().0.is_none() {
                    world.resource_mut::<PendingAnswer>().0 = pick;
                }
                world.resource_mut::<PlayerIntent>().movement = Vec2::ZERO;
                return;
            }
            LoopState::Running => {}
            _ => {
                self.path.clear();
                world.resource_mut::<PlayerIntent>().movement = Vec2::ZERO;
                return;
            }
        }
        if state.0 != self.loop_index {
            self.loop_index = state.0;
            self.path.clear();
            self.target = None;
        }
        let juno = world
            .query_filtered::<&Transform, With<Juno>>()
            .single(world)
            .expect("Juno")
            .translation;
        let dive = world.resource::<ActiveDive>();
        let open = dive.core_open();
        let understood = dive.understood.clone();
        let dream = world.resource::<CurrentDream>().0.clone();
        let target = if open {
            dream.core.position
        } else {
            let mut anchors: Vec<(usize, Vec3)> = world
                .query::<(&MemoryAnchor, &Transform)>()
                .iter(world)
                .filter(|(a, _)| !understood.contains(&a.index))
                .map(|(a, t)| (a.index, t.translation))
                .collect();
            anchors.sort_by(|a, b| a.1.distance(juno).total_cmp(&b.1.distance(juno)));
            match anchors.first() {
                Some((_, at)) => *at,
                None => dream.core.position,
            }
        };
        let avoid: Vec<(Vec3, f32)> = world
            .query::<&Hazard>()
            .iter(world)
            .map(|h| {
                let r = match h.kind {
                    HazardKind::Watcher => 14.0,
                    HazardKind::Strings => 11.0,
                    HazardKind::DissolvingGround => 8.0,
                    HazardKind::RisingFog => 20.0,
                    _ => 6.0,
                };
                (h.home, r)
            })
            .collect();
        self.replan_in = self.replan_in.saturating_sub(1);
        if self.target != Some(target) || self.path.is_empty() || self.replan_in == 0 {
            self.target = Some(target);
            self.path = plan(&dream, juno, target, &avoid).unwrap_or_default();
            self.replan_in = 180;
        }
        while self.path.len() > 1 && self.path[0].distance(juno.xz()) < 1.2 {
            self.path.remove(0);
        }
        let aim = self
            .path
            .iter()
            .find(|p| p.distance(juno.xz()) > 1.5)
            .or(self.path.last())
            .copied()
            .unwrap_or(target.xz());
        let to = aim - juno.xz();
        let yaw = f32::atan2(-to.x, -to.y);
        // Stuck against something: jump, and think again.
        if juno.distance(self.last) < 0.02 {
            self.still_for += 1;
        } else {
            self.still_for = 0;
        }
        self.last = juno;
        let jump = self.still_for > 20;
        if jump {
            self.still_for = 0;
            self.replan_in = 1;
        }
        let mut look = world
            .query_filtered::<&mut LookAngles, With<Juno>>()
            .single_mut(world)
            .expect("Juno looks");
        look.yaw = yaw.rem_euclid(std::f32::consts::TAU);
        let mut intent = world.resource_mut::<PlayerIntent>();
        intent.movement = Vec2::new(0.0, 1.0);
        intent.jump |= jump;
    }
}

/// Plays `dream` from its first loop until the dreamer is free, recording it.
fn record(dream: &str) -> Outcome {
    let path = shipped(dream);
    let mut app = headless_app();
    app.insert_resource(Recording::new(path.clone()));
    dive_into(&mut app, dream);
    let mut player = Player::default();
    for frame in 0..200_000 {
        player.play(&mut app);
        app.update();
        let state = app.world().resource::<NightmareLoop>().state.clone();
        if state == LoopState::Freed {
            // The file is written the moment the dreamer is free.
            app.update();
            break;
        }
        if !matches!(state, LoopState::Running | LoopState::Confronting { .. }) {
            std::thread::sleep(std::time::Duration::from_micros(300));
        }
        assert!(frame < 199_999, "{dream}: not freed in 200000 frames");
    }
    let file = ReplayFile::read(&path).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "recorded {}: {} ticks, {} intent changes, {}",
        path.display(),
        file.ticks,
        file.intents.len(),
        file.outcome
    );
    file.outcome
}

#[test]
#[ignore = "records the shipped replays again: run after a change to play"]
fn record_the_shipped_replays() {
    for dream in ["leo", "mara", "family"] {
        let outcome = record(dream);
        assert!(outcome.freed, "{dream}: {outcome}");
    }
}

#[test]
#[ignore = "records the family's evening dream again: run after a change to it"]
fn record_the_bedtime_replay() {
    let outcome = record("bedtime");
    assert!(outcome.freed, "bedtime: {outcome}");
}

/// A dive being recorded is on disk as it goes: killed mid-dive (the app dropped, no
/// exit, no end of the dive), the file is a replay of all but the last few seconds, and
/// it plays back as it went.
#[test]
fn a_recording_survives_a_crash_losing_at_most_the_last_seconds() {
    use sleep_sync::replay::RECORDING_FLUSH_SECONDS;
    let path = std::env::temp_dir().join(format!(
        "sleep-sync-crash-{}.replay.ron",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let mut app = headless_app();
    app.insert_resource(Recording::new(path.clone()));
    dive_into(&mut app, "leo");
    let mut player = Player::default();
    // Ten seconds of play at 60 frames a second.
    let frames = 600;
    for _ in 0..frames {
        player.play(&mut app);
        app.update();
    }
    let tick_seconds = app
        .world()
        .resource::<Time<Fixed>>()
        .timestep()
        .as_secs_f32();
    // The flushes' writes run in the background, one at a time: on a busy disk the last
    // one may still wait its turn, as the game keeps playing. Play on (a frame every
    // 20 ms, at most 2 s) until a flush within the last interval is on disk, then "crash".
    let flush_ticks = (RECORDING_FLUSH_SECONDS / tick_seconds).round() as u64;
    let ticks_now = |app: &App| app.world().resource::<sleep_sync::dive::DiveTicks>().0;
    for _ in 0..100 {
        let on_disk = ReplayFile::read(&path).map_or(0, |f| f.ticks);
        if on_disk + flush_ticks >= ticks_now(&app) {
            break;
        }
        player.play(&mut app);
        app.update();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let ticks_played = ticks_now(&app);
    drop(app);
    let file = ReplayFile::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let lost_seconds = (ticks_played - file.ticks) as f32 * tick_seconds;
    println!(
        "crashed after {ticks_played} ticks: {} on disk, {lost_seconds:.1} s lost",
        file.ticks
    );
    assert!(file.ticks > 0 && file.ticks <= ticks_played);
    assert!(
        lost_seconds <= RECORDING_FLUSH_SECONDS + 0.5,
        "{lost_seconds} s lost"
    );
    // What is on disk plays back as it went.
    let outcome = replay_headless(file.clone(), &path.display().to_string(), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outcome, file.outcome);
    let _ = std::fs::remove_file(&path);
}
