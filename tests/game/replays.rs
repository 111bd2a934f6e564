//! Replays. The shipped ones (`tests/replays/`) break Leo's and Mara's loops when played
//! back headless; a replay from another version or of changed levels says so.
//!
//! The shipped replays are recordings of a player: a simple one that plans its way over
//! the dream's ground to each memory anchor, then to the dreamer, and answers with what it
//! has understood. It plays through the same devices-to-intent path a person does, and
//! the game records it as it would record anyone. To record them again after a change
//! to play: `cargo test --features dev --test game -- replays:: --ignored --nocapture`.

use std::path::PathBuf;

use bevy::prelude::{App, Fixed, Time};

use sleep_sync::commands::{play_in, replay_headless};
use sleep_sync::dev::player::ScriptedPlayer;
use sleep_sync::dev::testing::{dive_into, headless_app};
use sleep_sync::dive::{LoopState, NightmareLoop};
use sleep_sync::replay::{CHECK_EVERY, Outcome, Recording, ReplayFile, verdict};

fn shipped(dream: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/replays")
        .join(format!("{dream}.replay.ron"))
}

/// Plays a shipped replay headless: its outcome, once every checkpoint it holds (a
/// state hash each second, recorded on Linux x86-64) has matched.
fn play_shipped(dream: &str) -> (ReplayFile, Outcome) {
    let path = shipped(dream);
    let file = ReplayFile::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let name = path.display().to_string();
    let played = replay_headless(file.clone(), &name, &[]).unwrap_or_else(|e| panic!("{e}"));
    println!("{}", verdict(&name, &file, played.outcome, &played.trace));
    // A checkpoint each second played, and one where the dreamer was freed.
    let expected = file.ticks / CHECK_EVERY + u64::from(!file.ticks.is_multiple_of(CHECK_EVERY));
    assert_eq!(
        file.checkpoints.len() as u64,
        expected,
        "{dream}: checkpoints"
    );
    assert_eq!(played.trace.diverged, None, "{dream}");
    assert_eq!(played.trace.matched, file.checkpoints.len(), "{dream}");
    (file, played.outcome)
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
    let now = sleep_sync::replay::SIMULATION;
    let old = text.replace(
        &format!("simulation: {now},"),
        &format!("simulation: {},", now - 1),
    );
    assert_ne!(old, text, "the shipped replay names its simulation");
    let error = ReplayFile::parse("old.replay.ron", old.as_bytes())
        .expect_err("an old simulation is refused")
        .to_string();
    assert!(error.contains("cannot be played back"), "{error}");
    let mut file = ReplayFile::parse("leo.replay.ron", text.as_bytes()).expect("parses");
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

/// Plays `dream` from its first loop until the dreamer is free, recording it.
fn record(dream: &str) -> Outcome {
    let path = shipped(dream);
    let mut app = headless_app();
    app.insert_resource(Recording::new(path.clone()));
    dive_into(&mut app, dream);
    let mut player = ScriptedPlayer::default();
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
    let mut player = ScriptedPlayer::default();
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
    // The recording says which game and platform made it.
    assert_eq!(file.game, sleep_sync::version::label());
    assert_eq!(file.platform, sleep_sync::version::platform());
    assert!(
        lost_seconds <= RECORDING_FLUSH_SECONDS + 0.5,
        "{lost_seconds} s lost"
    );
    // What is on disk plays back as it went, every checkpoint kept the same.
    let played = replay_headless(file.clone(), &path.display().to_string(), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(played.as_recorded(&file), "{played:?}");
    assert_eq!(played.trace.matched, file.checkpoints.len());
    assert!(
        file.checkpoints.len() >= 9,
        "{} checkpoints",
        file.checkpoints.len()
    );
    let _ = std::fs::remove_file(&path);
}

/// A dive resumed from the control room begins where she left it: a later loop, memories
/// already understood, a relapse behind her. Its replay carries all of it and plays back
/// as recorded, every checkpoint the same; the same inputs at the same loop without the
/// memories and the relapse part from the recording at the first checkpoint, in the dive.
#[test]
fn a_resumed_dive_replays_with_what_it_began_with() {
    use bevy::prelude::{NextState, ResMut};
    use sleep_sync::dev::testing::{dive_into_active, shipped_dive};
    use sleep_sync::dive::ActiveDive;
    use sleep_sync::state::AppState;

    let path = std::env::temp_dir().join(format!(
        "sleep-sync-resumed-{}.replay.ron",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let mut app = headless_app();
    app.insert_resource(Recording::new(path.clone()));
    let mut dive = ActiveDive::new(shipped_dive("leo"));
    dive.loop_index = 1;
    dive.understood = [0, 2].into();
    dive.relapses = 1;
    dive_into_active(&mut app, dive);
    let mut player = ScriptedPlayer::default();
    for _ in 0..900 {
        player.play(&mut app);
        app.update();
    }
    // Waking up writes the replay.
    app.world_mut()
        .run_system_cached(|mut next: ResMut<NextState<AppState>>| next.set(AppState::Title))
        .expect("runs");
    for _ in 0..3 {
        app.update();
    }
    let file = ReplayFile::read(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(file.start_loop, 1);
    assert_eq!(file.understood, [0, 2].into());
    assert_eq!(file.relapses, 1);
    assert!(
        file.checkpoints.len() >= 10,
        "{} checkpoints",
        file.checkpoints.len()
    );
    let name = path.display().to_string();
    let played = replay_headless(file.clone(), &name, &[]).unwrap_or_else(|e| panic!("{e}"));
    println!("{}", verdict(&name, &file, played.outcome, &played.trace));
    assert!(played.as_recorded(&file), "{played:?}");
    assert_eq!(played.trace.matched, file.checkpoints.len());

    let mut fresh = file.clone();
    fresh.understood.clear();
    fresh.relapses = 0;
    let played = replay_headless(fresh.clone(), &name, &[]).unwrap_or_else(|e| panic!("{e}"));
    let said = verdict(&name, &fresh, played.outcome, &played.trace);
    println!("{said}");
    assert!(!played.as_recorded(&fresh));
    let parted = played.trace.diverged.expect("parts from the recording");
    assert_eq!(parted.tick, CHECK_EVERY, "{said}");
    assert!(parted.parts.contains(&"the dive"), "{said}");
    let _ = std::fs::remove_file(&path);
}

/// In a window Juno wears her figure: children under her body. A replay plays the same
/// there as headless (found by the checkpoints: rapier's step propagated transforms
/// without marking the changed trees, so with children her moves were undone and the
/// browser and desktop windows played every shipped replay differently).
#[test]
fn a_replay_plays_the_same_when_juno_has_children() {
    use bevy::prelude::{Add, ChildOf, Commands, On, Transform};
    use sleep_sync::juno::Juno;

    let path = shipped("bedtime");
    let file = ReplayFile::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut app = sleep_sync::headless::app(&[]);
    app.add_observer(|add: On<Add, Juno>, mut commands: Commands| {
        commands.spawn((Transform::from_xyz(0.0, 1.0, 0.0), ChildOf(add.entity)));
    });
    sleep_sync::headless::ready(&mut app);
    let name = "bedtime, with children";
    let played = play_in(&mut app, file.clone(), name, file.ticks + 50_000)
        .unwrap_or_else(|problem| panic!("{problem}"));
    let said = verdict(name, &file, played.outcome, &played.trace);
    println!("{said}");
    assert!(played.as_recorded(&file), "{said}");
    assert_eq!(played.trace.matched, file.checkpoints.len());
}

/// Juno's state, logged every second of a replay to compare two platforms: a line per
/// checkpoint, naming its tick, whose text is exactly what her part of the checkpoint
/// hashes (so two platforms' lines differ where, and only where, her hash does).
#[test]
fn a_replay_logs_the_state_junos_checkpoints_hash() {
    use sleep_sync::portable::Fnv;
    use sleep_sync::replay::JunoStateLog;

    assert!(JunoStateLog::every(0).is_none());
    let file = ReplayFile::read(&shipped("bedtime")).unwrap_or_else(|e| panic!("{e}"));
    let mut app = sleep_sync::headless::app(&[]);
    sleep_sync::headless::ready(&mut app);
    app.insert_resource(JunoStateLog::every(CHECK_EVERY).expect("not 0"));
    let played = play_in(&mut app, file.clone(), "bedtime", file.ticks + 50_000)
        .unwrap_or_else(|problem| panic!("{problem}"));
    assert!(played.as_recorded(&file));
    let lines = &app.world().resource::<JunoStateLog>().lines;
    assert_eq!(lines.len() as u64, file.ticks / CHECK_EVERY, "{lines:#?}");
    for (i, line) in lines.iter().enumerate() {
        let tick = (i as u64 + 1) * CHECK_EVERY;
        let state = line
            .strip_prefix(&format!("tick {tick}: Juno "))
            .unwrap_or_else(|| panic!("tick {tick}: {line}"));
        let recorded = file.checkpoint_at(tick).expect("a checkpoint each second");
        assert_eq!(
            Fnv::of(state.as_bytes()),
            recorded[0],
            "tick {tick}: {line}"
        );
    }
}

/// Builds the game's fixed-step schedule as its first run would: Bevy's words for why it
/// refuses, if it does.
fn build_the_simulation(app: &mut App) -> Result<(), String> {
    use bevy::prelude::{FixedUpdate, Schedules};
    let world = app.world_mut();
    let mut schedule = world
        .resource_mut::<Schedules>()
        .remove(FixedUpdate)
        .expect("the game has a fixed-step schedule");
    let built = schedule
        .initialize(world)
        .map(|_| ())
        .map_err(|problem| problem.to_string(schedule.graph(), world));
    world.resource_mut::<Schedules>().insert(schedule);
    built
}

/// No two of the simulation's systems touch the same data without a declared order. The
/// schedule would break such a tie by how the systems happen to be added: one more
/// system anywhere once made every shipped replay part from its recording.
#[test]
fn the_simulation_runs_in_one_declared_order() {
    let mut app = headless_app();
    if let Err(ties) = build_the_simulation(&mut app) {
        panic!("the fixed-step schedule has systems in no declared order:\n{ties}");
    }
}

/// The game refuses such a tie, so the test above can fail: two systems that each
/// drain lucidity, added to the dream's step with no order between them.
#[test]
fn the_simulation_refuses_two_systems_in_no_order() {
    use bevy::prelude::{FixedUpdate, IntoScheduleConfigs, ResMut};
    use sleep_sync::SimSystems;
    use sleep_sync::dive::Lucidity;

    fn drain_first(_: ResMut<Lucidity>) {}
    fn drain_second(_: ResMut<Lucidity>) {}

    let mut app = headless_app();
    app.add_systems(
        FixedUpdate,
        (drain_first, drain_second).in_set(SimSystems::Dream),
    );
    let ties = build_the_simulation(&mut app).expect_err("a tie is refused");
    for said in ["drain_first", "drain_second", "Lucidity"] {
        assert!(ties.contains(said), "{said} in: {ties}");
    }
    // Ordered between themselves and after the rest of the tick, the same pair builds.
    let mut app = headless_app();
    app.add_systems(
        FixedUpdate,
        (drain_first, drain_second).chain().after(SimSystems::Check),
    );
    build_the_simulation(&mut app).expect("an order declared");
}

/// With more systems in every step of the tick (some of them queueing commands), the
/// shipped replays still play as recorded: the simulation's order is declared, not
/// what the schedule makes of how systems were added.
#[test]
fn a_replay_plays_the_same_with_more_systems_in_the_schedule() {
    use bevy::prelude::{Commands, FixedUpdate, IntoScheduleConfigs, Res, Time};
    use sleep_sync::SimSystems;

    fn nothing() {}
    fn queue_nothing(_: Commands) {}
    fn read_the_clock(_: Res<Time>) {}

    for dream in ["bedtime", "mara"] {
        let file = ReplayFile::read(&shipped(dream)).unwrap_or_else(|e| panic!("{e}"));
        let mut app = sleep_sync::headless::app(&[]);
        for step in [
            SimSystems::Tick,
            SimSystems::Hazards,
            SimSystems::Dream,
            SimSystems::Loop,
        ] {
            app.add_systems(
                FixedUpdate,
                (nothing, queue_nothing, read_the_clock).in_set(step),
            );
        }
        sleep_sync::headless::ready(&mut app);
        let name = format!("{dream}, with more systems");
        let played = play_in(&mut app, file.clone(), &name, file.ticks + 50_000)
            .unwrap_or_else(|problem| panic!("{problem}"));
        let said = verdict(&name, &file, played.outcome, &played.trace);
        println!("{said}");
        assert!(played.as_recorded(&file), "{said}");
        assert_eq!(played.trace.matched, file.checkpoints.len(), "{said}");
    }
}

/// On a 144 Hz display a frame falls between ticks: what moves in the fixed step is
/// drawn between the last two ticks (`looks::between_ticks`), by how far the fixed clock
/// is into the next. Played so, a replay still plays tick for tick as recorded: each
/// step sees where the last tick left Juno, never where she was drawn. And every frame
/// draws her on the way between her last two ticks' places, at the frame's share of the
/// tick; the dream's people and hazards are drawn between ticks too.
#[test]
fn a_replay_drawn_between_ticks_at_144_hz_plays_as_recorded() {
    use bevy::prelude::{
        Entity, FixedPostUpdate, FixedPreUpdate, IntoScheduleConfigs, Query, Res, ResMut, Resource,
        Transform, Update, Vec3, With,
    };
    use bevy_transform_interpolation::TranslationEasingState;
    use sleep_sync::dev::testing::headless_app_between_ticks;
    use sleep_sync::dive::{DreamPerson, Hazard};
    use sleep_sync::juno::Juno;

    /// Juno's place as each tick began and as it ended; what each frame drew.
    #[derive(Resource, Default)]
    struct Seen {
        starts: Vec<Vec3>,
        ticks: Vec<Vec3>,
        /// Frames drawn with an easing under way, and of those, drawn strictly between
        /// two different places.
        eased: u32,
        between: u32,
        /// Frames whose drawn place was off the way between the last two ticks.
        off: Vec<String>,
        /// Others drawn between ticks: people and hazards, by entity.
        others: std::collections::BTreeSet<Entity>,
    }

    /// The dream's people and hazards.
    type Others = bevy::prelude::Or<(With<DreamPerson>, With<Hazard>)>;

    fn tick_start(juno: Query<&Transform, With<Juno>>, mut seen: ResMut<Seen>) {
        if let Ok(juno) = juno.single() {
            seen.starts.push(juno.translation);
        }
    }

    fn tick_end(juno: Query<&Transform, With<Juno>>, mut seen: ResMut<Seen>) {
        if let Ok(juno) = juno.single() {
            seen.ticks.push(juno.translation);
        }
    }

    fn drawn(
        juno: Query<(&Transform, &TranslationEasingState), With<Juno>>,
        others: Query<(Entity, &TranslationEasingState), Others>,
        time: Res<Time<Fixed>>,
        mut seen: ResMut<Seen>,
    ) {
        for (entity, easing) in &others {
            if easing.start.is_some() && easing.end.is_some() {
                seen.others.insert(entity);
            }
        }
        let Ok((juno, easing)) = juno.single() else {
            return;
        };
        let (Some(start), Some(end)) = (easing.start, easing.end) else {
            return;
        };
        let n = seen.ticks.len();
        assert!(n >= 1, "an easing before a tick was seen");
        let (last, now) = (seen.starts[n - 1], seen.ticks[n - 1]);
        let share = time.overstep_fraction();
        let wanted = last.lerp(now, share);
        seen.eased += 1;
        if start != last || end != now || juno.translation.distance(wanted) > 1e-4 {
            let said = format!(
                "tick {n}: drawn at {:?}, {share:.3} of the way from {last:?} to {now:?} \
                 (easing {start:?} to {end:?})",
                juno.translation
            );
            seen.off.push(said);
        }
        if last.distance(now) > 1e-3 && (0.05..0.95).contains(&share) {
            seen.between += 1;
        }
    }

    let path = shipped("family");
    let file = ReplayFile::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut app = headless_app_between_ticks(144.0);
    app.init_resource::<Seen>()
        .add_systems(FixedPreUpdate, tick_start)
        .add_systems(FixedPostUpdate, tick_end)
        .add_systems(Update, drawn.before(sleep_sync::AppSystems::TickTimers));
    let name = "family, at 144 frames a second";
    let frames = file.ticks * 144 / 60 + 50_000;
    let played =
        play_in(&mut app, file.clone(), name, frames).unwrap_or_else(|problem| panic!("{problem}"));
    let said = verdict(name, &file, played.outcome, &played.trace);
    println!("{said}");
    assert!(played.as_recorded(&file), "{said}");
    assert_eq!(played.trace.matched, file.checkpoints.len());

    let seen = app.world().resource::<Seen>();
    println!(
        "{} ticks; {} frames drawn easing Juno, {} between two places; {} others eased",
        seen.ticks.len(),
        seen.eased,
        seen.between,
        seen.others.len()
    );
    assert!(
        seen.off.is_empty(),
        "{:#?}",
        &seen.off[..seen.off.len().min(5)]
    );
    // 144 frames a second over 60 ticks: most frames fall inside a tick.
    assert!(
        seen.between as u64 > file.ticks,
        "{} frames between",
        seen.between
    );
    assert!(
        !seen.others.is_empty(),
        "the dream's people and hazards are eased"
    );
    // Each step began where the last one left her, but where she was put in between
    // (a new loop's spawn): never where she was drawn.
    let jumps = (1..seen.ticks.len())
        .filter(|&k| seen.starts[k] != seen.ticks[k - 1])
        .count();
    println!("{jumps} ticks began away from where the last one ended");
    assert!(
        jumps <= 3,
        "{jumps} ticks began away from the last one's end"
    );
}

/// A place set between ticks (a new loop's spawn, a test's hand) is a jump: drawn
/// between ticks, Juno stays where she was put, even when the very next frame steps the
/// simulation (at 60 frames a second, every frame does), and is not eased back.
#[test]
fn juno_put_somewhere_between_ticks_stays_there() {
    use bevy::prelude::Vec3;
    use sleep_sync::dev::testing::{
        dive_into, headless_app_between_ticks, juno_position, move_juno_to, wait_for_exploring,
    };

    let mut app = headless_app_between_ticks(60.0);
    dive_into(&mut app, "bedtime");
    wait_for_exploring(&mut app);
    for _ in 0..30 {
        app.update();
    }
    let before = juno_position(&mut app);
    let put = before + Vec3::new(2.0, 1.0, 0.0);
    move_juno_to(&mut app, put);
    app.update();
    let after = juno_position(&mut app);
    assert!(
        after.distance(put) < 0.2,
        "put at {put:?}, drawn at {after:?} (was at {before:?})"
    );
}

/// Put somewhere mid-turn between ticks, Juno's body keeps the turn the last tick left
/// it, not the one drawn between ticks: the next step begins from the simulation's own
/// state (what was drawn of her turn is nobody's), or a replay could part where a
/// placement came.
#[test]
fn juno_put_somewhere_mid_turn_keeps_the_last_ticks_turn() {
    use bevy::input::ButtonState;
    use bevy::input::keyboard::{Key, KeyCode};
    use bevy::prelude::{
        FixedPostUpdate, FixedPreUpdate, Quat, Query, ResMut, Resource, Transform, Vec3, With,
    };
    use bevy_transform_interpolation::RotationEasingState;
    use sleep_sync::dev::testing::{
        dive_into, headless_app_between_ticks, juno_position, move_juno_to, send_key, turn_juno,
        wait_for_exploring,
    };
    use sleep_sync::juno::Juno;

    /// Juno's turn as each tick began and as it ended.
    #[derive(Resource, Default)]
    struct Turns {
        starts: Vec<Quat>,
        ends: Vec<Quat>,
    }
    fn began(juno: Query<&Transform, With<Juno>>, mut turns: ResMut<Turns>) {
        if let Ok(juno) = juno.single() {
            turns.starts.push(juno.rotation);
        }
    }
    fn ended(juno: Query<&Transform, With<Juno>>, mut turns: ResMut<Turns>) {
        if let Ok(juno) = juno.single() {
            turns.ends.push(juno.rotation);
        }
    }

    let mut app = headless_app_between_ticks(144.0);
    app.init_resource::<Turns>()
        .add_systems(FixedPreUpdate, began)
        .add_systems(FixedPostUpdate, ended);
    dive_into(&mut app, "bedtime");
    wait_for_exploring(&mut app);
    send_key(
        &mut app,
        KeyCode::KeyW,
        Key::Character("w".into()),
        ButtonState::Pressed,
    );
    // Walking round, turning: her body turns after the view a little each tick.
    let mut mid_turn = false;
    for _ in 0..600 {
        turn_juno(&mut app, |look| look.yaw += 0.04);
        app.update();
        let world = app.world_mut();
        let (drawn, easing) = world
            .query_filtered::<(&Transform, &RotationEasingState), With<Juno>>()
            .single(world)
            .expect("Juno");
        if let (Some(start), Some(end)) = (easing.start, easing.end)
            && start.angle_between(end) > 1e-3
            && drawn.rotation.angle_between(start) > 1e-4
            && drawn.rotation.angle_between(end) > 1e-4
        {
            mid_turn = true;
            break;
        }
    }
    assert!(mid_turn, "never drawn mid-turn");
    let ticks = app.world().resource::<Turns>().ends.len();
    let put = juno_position(&mut app) + Vec3::new(1.0, 0.5, 0.0);
    move_juno_to(&mut app, put);
    for _ in 0..10 {
        if app.world().resource::<Turns>().starts.len() > ticks {
            break;
        }
        app.update();
    }
    let turns = app.world().resource::<Turns>();
    assert!(turns.starts.len() > ticks, "no tick after she was put");
    let (began_with, last_left) = (turns.starts[ticks], turns.ends[ticks - 1]);
    assert_eq!(
        began_with, last_left,
        "the step after she was put began with the drawn turn {began_with:?}, not the \
         last tick's {last_left:?}"
    );
}
