//! Nightmare loops: resets leak nothing, the dream mutates, pausing stops time, and
//! touching a memory anchor collects it.

use bevy::input::ButtonState;
use bevy::input::keyboard::Key;
use bevy::prelude::*;
use sleep_sync::dev::testing::{
    dive_into, end_loop, entity_count, headless_app, juno_position, loop_entity_count,
    move_juno_to, run_until, send_key, wait_for_exploring,
};
use sleep_sync::dive::{
    ActiveDive, AnchorFound, CHUNK_CELLS, Collected, CurrentDream, MemoryAnchor, NightmareLoop,
    prop_collider,
};
use sleep_sync::juno::Juno;
use sleep_sync::state::{AppState, Pause};

/// What the current loop's dream says its world is made of: the terrain and its chunks,
/// water, anchors, the core (and its solid centre), props (and their solid parts), hazard
/// sites, and the people of the dream's cast (Nyx at the edge of Leo's).
fn expected_loop_entities(app: &App) -> usize {
    let dream = app.world().resource::<CurrentDream>();
    let cells = dream.heightfield.samples() - 1;
    let chunks = cells.div_ceil(CHUNK_CELLS).pow(2);
    let solid_props = dream
        .props
        .iter()
        .filter(|p| prop_collider(p.kind).is_some())
        .count();
    let dive = app.world().resource::<ActiveDive>();
    let veil = !dive.core_open() as usize;
    let people = dive.spec.dream.cast.len();
    1 + chunks
        + dream.water_level.is_some() as usize
        + dream.anchors.len()
        + 2
        + veil
        + dream.props.len()
        + solid_props
        + dream.hazards.len()
        + people
}

fn mesh_count(app: &App) -> usize {
    app.world().resource::<Assets<Mesh>>().len()
}

#[test]
fn twenty_loop_resets_leak_no_entities_or_meshes() {
    let mut app = headless_app();
    dive_into(&mut app, "leo");
    // Let the prefetch of loop 2 finish and dropped assets be freed.
    for _ in 0..30 {
        app.update();
    }
    let outside_loop = entity_count(&mut app) - loop_entity_count(&mut app);
    assert_eq!(loop_entity_count(&mut app), expected_loop_entities(&app));
    let meshes = mesh_count(&app);
    let first_fingerprint = app
        .world()
        .resource::<CurrentDream>()
        .heightfield
        .fingerprint();
    let mut fingerprints = vec![first_fingerprint];
    for reset in 1..=20u32 {
        end_loop(&mut app);
        app.update();
        wait_for_exploring(&mut app);
        for _ in 0..10 {
            app.update();
        }
        let nightmare = app.world().resource::<NightmareLoop>();
        assert_eq!(nightmare.index, reset);
        assert_eq!(app.world().resource::<ActiveDive>().loop_index, reset);
        let in_loop = loop_entity_count(&mut app);
        assert_eq!(
            in_loop,
            expected_loop_entities(&app),
            "the loop's entities after reset {reset}"
        );
        assert_eq!(
            entity_count(&mut app) - in_loop,
            outside_loop,
            "entities outside the loop after reset {reset}"
        );
        assert_eq!(mesh_count(&app), meshes, "meshes after reset {reset}");
        fingerprints.push(
            app.world()
                .resource::<CurrentDream>()
                .heightfield
                .fingerprint(),
        );
    }
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(
        fingerprints.len(),
        21,
        "every loop's dream is a new mutation"
    );
    println!(
        "baseline after loop 1: {outside_loop} entities outside the loop, {meshes} meshes; \
         unchanged after 20 resets, and each loop's entities exactly what its dream describes"
    );
}

#[test]
fn juno_respawns_at_the_new_spawn_after_a_reset() {
    let mut app = headless_app();
    dive_into(&mut app, "mara");
    // Walk her away from the spawn by hand.
    let far = Vec3::new(30.0, 0.0, 30.0);
    let ground = app
        .world()
        .resource::<CurrentDream>()
        .heightfield
        .height_at(far.xz());
    move_juno_to(&mut app, Vec3::new(far.x, ground + 2.0, far.z));
    end_loop(&mut app);
    app.update();
    wait_for_exploring(&mut app);
    app.update();
    let spawn = app.world().resource::<CurrentDream>().spawn;
    let juno = juno_position(&mut app);
    assert!(
        juno.xz().distance(spawn.xz()) < 0.5,
        "Juno at {juno}, spawn at {spawn}"
    );
}

#[test]
fn escape_pauses_and_time_stops() {
    let mut app = headless_app();
    dive_into(&mut app, "leo");
    let press = |app: &mut App, state| send_key(app, KeyCode::Escape, Key::Escape, state);
    // Juno walks (W held throughout), so she would move if time ran.
    send_key(
        &mut app,
        KeyCode::KeyW,
        Key::Character("w".into()),
        ButtonState::Pressed,
    );
    for _ in 0..30 {
        app.update();
    }
    press(&mut app, ButtonState::Pressed);
    app.update();
    press(&mut app, ButtonState::Released);
    app.update();
    assert_eq!(*app.world().resource::<State<Pause>>().get(), Pause::Paused);
    let remaining = app.world().resource::<NightmareLoop>().remaining();
    let position = juno_position(&mut app);
    for _ in 0..120 {
        app.update();
    }
    assert_eq!(
        app.world().resource::<NightmareLoop>().remaining(),
        remaining
    );
    let still = juno_position(&mut app);
    assert_eq!(position, still, "Juno moved while paused");
    press(&mut app, ButtonState::Pressed);
    app.update();
    press(&mut app, ButtonState::Released);
    app.update();
    assert_eq!(
        *app.world().resource::<State<Pause>>().get(),
        Pause::Running
    );
    for _ in 0..60 {
        app.update();
    }
    assert!(app.world().resource::<NightmareLoop>().remaining() < remaining - 0.5);
    let walked_on = juno_position(&mut app);
    assert!(
        walked_on.xz().distance(still.xz()) > 1.0,
        "Juno should walk on after resuming"
    );
}

#[test]
fn touching_an_anchor_collects_it() {
    let mut app = headless_app();
    let spec = dive_into(&mut app, "leo");
    let (anchor, index) = app
        .world_mut()
        .query::<(&Transform, &MemoryAnchor)>()
        .iter(app.world())
        .map(|(t, a)| (t.translation, a.index))
        .next()
        .expect("anchors in leo's dream");
    move_juno_to(&mut app, anchor - Vec3::Y * 0.5);
    run_until(&mut app, 10, |w| {
        w.resource::<NightmareLoop>().anchors_found == 1
    });
    let collected = app
        .world_mut()
        .query_filtered::<(), (With<MemoryAnchor>, With<Collected>)>()
        .iter(app.world())
        .count();
    assert_eq!(collected, 1);
    let messages = app.world().resource::<Messages<AnchorFound>>();
    let all: Vec<String> = messages
        .get_cursor()
        .read(messages)
        .map(|m| m.text.clone())
        .collect();
    assert_eq!(all, vec![spec.dream.anchors[index].memory.clone()]);
}

#[test]
fn waking_up_clears_the_dream_and_a_second_dive_works() {
    let mut app = headless_app();
    run_until(&mut app, 2_000, |w| {
        *w.resource::<State<AppState>>().get() == AppState::Title
    });
    let awake = entity_count(&mut app);
    dive_into(&mut app, "leo");
    assert!(entity_count(&mut app) > awake);
    app.world_mut()
        .resource_mut::<NextState<AppState>>()
        .set(AppState::ControlRoom);
    app.update();
    app.update();
    assert_eq!(
        entity_count(&mut app),
        awake,
        "the dream left entities behind"
    );
    assert!(app.world().get_resource::<CurrentDream>().is_none());
    assert!(app.world().get_resource::<NightmareLoop>().is_none());
    assert!(app.world().get_resource::<ActiveDive>().is_none());
    // Dive again, into the other dream, from its first loop.
    dive_into(&mut app, "mara");
    assert_eq!(app.world().resource::<NightmareLoop>().index, 0);
    assert_eq!(
        app.world_mut()
            .query_filtered::<(), With<Juno>>()
            .iter(app.world())
            .count(),
        1
    );
}

/// Frame times around loop resets, headless (the main thread's own work: despawning the
/// old loop, moving the prefetched meshes and collider into place, spawning the new one;
/// physics steps every frame). The bar is no frame over 2× the median; wall-clock
/// figures are reported, not asserted (they depend on the machine's load). The log is
/// written to `$CARGO_TARGET_DIR/frame-times.csv` (or `target/`).
#[test]
fn loop_reset_frame_times_are_logged() {
    use std::time::Instant;
    let mut app = headless_app();
    dive_into(&mut app, "mara");
    for _ in 0..60 {
        app.update();
    }
    let mut log: Vec<(u32, &str, f64)> = Vec::new();
    let mut frame = 0u32;
    let mut step = |app: &mut App, label: &'static str, log: &mut Vec<(u32, &str, f64)>| {
        let start = Instant::now();
        app.update();
        log.push((frame, label, start.elapsed().as_secs_f64() * 1e3));
        frame += 1;
    };
    for _ in 0..5 {
        for _ in 0..60 {
            step(&mut app, "play", &mut log);
        }
        // The next loop was forged while this one was played: wait for it, the loop's
        // clock held (on a loaded machine the forge may take longer than a loop, which
        // would end this one early and count an extra reset).
        run_until(&mut app, 20_000, |w| {
            w.resource_mut::<NightmareLoop>().timer.reset();
            let dive = w.resource::<ActiveDive>();
            let (id, next) = (dive.spec.id().to_owned(), dive.loop_index + 1);
            w.resource::<sleep_sync::dive::DreamForge>()
                .progress(&id, next)
                == Some(1.0)
        });
        // The loop's time runs out: its collapse, the swap and the new loop's first
        // frames are the reset.
        let ended = {
            let mut nightmare = app.world_mut().resource_mut::<NightmareLoop>();
            let length = nightmare.timer.duration();
            nightmare.timer.set_elapsed(length);
            nightmare.index
        };
        let mut after = 0;
        while after < 10 {
            step(&mut app, "reset", &mut log);
            let started = app
                .world()
                .get_resource::<NightmareLoop>()
                .is_some_and(|n| n.index > ended && n.is_running());
            if started {
                after += 1;
            }
        }
    }
    let mut times: Vec<f64> = log.iter().map(|e| e.2).collect();
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let worst_reset = log
        .iter()
        .filter(|e| e.1 == "reset")
        .map(|e| e.2)
        .fold(0.0, f64::max);
    let mut play: Vec<f64> = log.iter().filter(|e| e.1 == "play").map(|e| e.2).collect();
    play.sort_by(f64::total_cmp);
    let worst_play = play[play.len() - 1];
    let play_p95 = play[play.len() * 95 / 100];
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let csv: String = std::iter::once("frame,phase,ms\n".to_owned())
        .chain(log.iter().map(|(f, l, ms)| format!("{f},{l},{ms:.4}\n")))
        .collect();
    std::fs::create_dir_all(&dir).expect("target dir");
    std::fs::write(dir.join("frame-times.csv"), csv).expect("frame log written");
    println!(
        "frame times over 5 resets: median {median:.3} ms; worst reset frame {worst_reset:.3} ms \
         ({:.2}× median); ordinary frames: 95th percentile {play_p95:.3} ms ({:.2}× median), \
         worst {worst_play:.3} ms ({:.2}× median)",
        worst_reset / median,
        play_p95 / median,
        worst_play / median
    );
    assert_eq!(app.world().resource::<NightmareLoop>().index, 5);
}

/// The browser makes each loop a slice a frame on the frame's own thread (its task pools
/// run there, and a task would stall a frame): the same loops as made on another thread,
/// over many frames, with the game's meter counting the frames they formed in.
#[test]
fn loops_form_a_slice_a_frame_as_in_the_browser() {
    use sleep_sync::dive::DreamForge;
    use sleep_sync::dream::{Dream, GenOptions, MovementLimits};
    use sleep_sync::long_work::{LongWork, WorkMeter};
    let mut app = headless_app();
    app.insert_resource(LongWork::Slices);
    let spec = dive_into(&mut app, "leo");
    assert_eq!(
        app.world().resource::<DreamForge>().forming_in_slices(),
        1,
        "the next loop is being made a slice a frame while this one is played"
    );
    end_loop(&mut app);
    let at_once = Dream::generate_with(
        &spec.recipe(1),
        spec.dream.anchors.len(),
        &MovementLimits::default(),
        &GenOptions::single_threaded(),
    );
    let played = app.world().resource::<CurrentDream>().0.clone();
    assert_eq!(app.world().resource::<NightmareLoop>().index, 1);
    assert_eq!(played.heightfield, at_once.heightfield);
    assert_eq!(played.colors, at_once.colors);
    assert_eq!(
        (
            played.spawn,
            &played.anchors,
            &played.props,
            &played.hazards
        ),
        (
            at_once.spawn,
            &at_once.anchors,
            &at_once.props,
            &at_once.hazards
        )
    );
    // A 257² loop is thousands of pieces (rows, flood fills, chunks): two loops at the
    // headless game's 60 a frame are well over 50 frames of forming.
    let pacing = app.world().resource::<WorkMeter>().pacing();
    assert!(
        pacing.changing_frames > 50,
        "two loops formed in {} frames",
        pacing.changing_frames
    );
    assert!(pacing.worst_work > 0.0, "the meter timed the slices");
    println!("{pacing}");
}

/// A loop's change is spread over frames behind the forming screen: the ground's
/// collider first, then its mesh a few chunks a frame (each chunk's upload falls in the
/// frame that adds it), then the core and anchors, then the props and the hazards a few
/// a frame, then the dream's people one a frame, never two kinds in one frame; the loop
/// is played only once all are there.
#[test]
fn a_loop_changes_a_few_things_a_frame() {
    use sleep_sync::dive::{
        ActiveDive, CHUNKS_PER_FRAME, DreamPerson, DreamProp, HAZARDS_PER_FRAME, HazardSite,
        PEOPLE_PER_FRAME, PROPS_PER_FRAME, People, TerrainChunk,
    };
    use sleep_sync::state::DreamPhase;

    /// What each frame added: chunks, props, hazards, anchors, people; and whether it
    /// was played.
    #[derive(Resource, Default)]
    struct Added {
        now: [usize; 5],
        frames: Vec<([usize; 5], bool)>,
    }
    fn count<C: Component, const KIND: usize>(_: On<Add, C>, mut added: ResMut<Added>) {
        added.now[KIND] += 1;
    }
    let mut app = headless_app();
    app.init_resource::<Added>()
        .add_observer(count::<TerrainChunk, 0>)
        .add_observer(count::<DreamProp, 1>)
        .add_observer(count::<HazardSite, 2>)
        .add_observer(count::<MemoryAnchor, 3>)
        .add_observer(count::<DreamPerson, 4>)
        .add_systems(
            Last,
            |mut added: ResMut<Added>, phase: Option<Res<State<DreamPhase>>>| {
                let exploring = phase.is_some_and(|p| *p.get() == DreamPhase::Exploring);
                let now = std::mem::take(&mut added.now);
                added.frames.push((now, exploring));
            },
        );
    dive_into(&mut app, "leo");
    wait_for_exploring(&mut app);
    app.world_mut().resource_mut::<Added>().frames.clear();
    end_loop(&mut app);
    let dream = app.world().resource::<CurrentDream>();
    let chunks = (dream.heightfield.samples() - 1)
        .div_ceil(CHUNK_CELLS)
        .pow(2);
    let cast = app.world().resource::<ActiveDive>().spec.dream.cast.len();
    let gone = app.world().resource::<People>().gone.len();
    assert!(cast > gone, "Leo's dream has someone in it");
    let wanted = [
        chunks,
        dream.props.len(),
        dream.hazards.len(),
        dream.anchors.len(),
        cast - gone,
    ];
    let most = [
        CHUNKS_PER_FRAME,
        PROPS_PER_FRAME,
        HAZARDS_PER_FRAME,
        usize::MAX,
        PEOPLE_PER_FRAME,
    ];
    assert!(
        dream.props.len() > PROPS_PER_FRAME,
        "a dream of few props shows nothing"
    );
    let frames = &app.world().resource::<Added>().frames;
    for kind in 0..5 {
        let adding: Vec<usize> = frames
            .iter()
            .map(|f| f.0[kind])
            .filter(|&n| n > 0)
            .collect();
        assert_eq!(
            adding.iter().sum::<usize>(),
            wanted[kind],
            "kind {kind}: {frames:?}"
        );
        assert!(
            adding.iter().all(|&n| n <= most[kind]),
            "kind {kind}: at most {} a frame: {adding:?}",
            most[kind]
        );
        assert_eq!(
            adding.len(),
            wanted[kind].div_ceil(most[kind].min(wanted[kind].max(1))),
            "kind {kind}: {adding:?}"
        );
    }
    let adds = |f: &([usize; 5], bool)| f.0.iter().filter(|&&n| n > 0).count();
    assert!(
        frames.iter().all(|f| adds(f) <= 1),
        "two kinds in a frame: {frames:?}"
    );
    let first_added = frames
        .iter()
        .position(|f| adds(f) > 0)
        .expect("things added");
    let last_added = frames
        .iter()
        .rposition(|f| adds(f) > 0)
        .expect("things added");
    // The frame that adds the last of it still reads as forming: the loop is played
    // from the next.
    assert!(
        frames[first_added..=last_added].iter().all(|f| !f.1),
        "played before the world was whole: {frames:?}"
    );
    assert!(frames[last_added + 1].1, "played once it was: {frames:?}");
}

/// A new loop's ground unfolds as the loop begins, for the whole unfold: its world came
/// over a few frames behind the forming screen, and those frames do not use the unfold
/// up (in a slow browser they once used all of it).
#[test]
fn a_new_loops_ground_unfolds_from_when_the_loop_begins() {
    use bevy::camera::primitives::Aabb;
    use sleep_sync::dev::testing::headless_app_with_looks;
    use sleep_sync::dive::TerrainChunk;

    let mut app = headless_app_with_looks();
    // Bounds the renderer would compute; each chunk's pivot under Juno, so the whole
    // ground lies flat once the unfold (0.9 s) is over and not before.
    app.add_observer(
        |add: On<Add, TerrainChunk>,
         juno: Single<&Transform, With<Juno>>,
         mut commands: Commands| {
            commands.entity(add.entity).insert(Aabb {
                center: juno.translation.into(),
                half_extents: Vec3::ONE.into(),
            });
        },
    );
    dive_into(&mut app, "leo");
    wait_for_exploring(&mut app);
    end_loop(&mut app);
    let flat = |app: &mut App| {
        let world = app.world_mut();
        world
            .query_filtered::<&Transform, With<TerrainChunk>>()
            .iter(world)
            .all(|t| *t == Transform::IDENTITY)
    };
    assert!(
        !flat(&mut app),
        "the new loop's ground is folded as it begins"
    );
    let mut frames = 0;
    while !flat(&mut app) && frames < 200 {
        app.update();
        frames += 1;
    }
    // 0.9 s at 60 frames a second, Juno's few steps from the pivots aside.
    assert!((50..=56).contains(&frames), "flat after {frames} frames");
}
