//! Nightmare loops: resets leak nothing, the dream mutates, pausing stops time, and
//! touching a memory anchor collects it.

use bevy::ecs::resource::IsResource;
use bevy::input::ButtonState;
use bevy::input::keyboard::Key;
use bevy::prelude::*;
use sleep_sync::dive::{
    ActiveDive, AnchorFound, Collected, CurrentDream, MemoryAnchor, NightmareLoop,
};
use sleep_sync::juno::Juno;
use sleep_sync::screens::{AppState, Pause};
use sleep_sync::testing::{
    dive_into, headless_app, juno_position, move_juno_to, run_until, send_key, wait_for_exploring,
};

/// Entities in the world, not counting resources (which are entities too).
fn entity_count(app: &mut App) -> usize {
    app.world_mut()
        .query_filtered::<Entity, Without<IsResource>>()
        .iter(app.world())
        .count()
}

fn mesh_count(app: &App) -> usize {
    app.world().resource::<Assets<Mesh>>().len()
}

/// Makes the loop's time run out; the next update collapses it.
fn end_loop(app: &mut App) {
    let mut nightmare = app.world_mut().resource_mut::<NightmareLoop>();
    let length = nightmare.timer.duration();
    nightmare.timer.set_elapsed(length);
}

#[test]
fn twenty_loop_resets_leak_no_entities_or_meshes() {
    let mut app = headless_app();
    dive_into(&mut app, "leo");
    // Let the prefetch of loop 2 finish and dropped assets be freed.
    for _ in 0..30 {
        app.update();
    }
    let entities = entity_count(&mut app);
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
        assert_eq!(
            entity_count(&mut app),
            entities,
            "entities after reset {reset}"
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
        "baseline after loop 1: {entities} entities, {meshes} meshes; unchanged after 20 resets"
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
    let dreamer = dive_into(&mut app, "leo");
    let anchor = app
        .world_mut()
        .query_filtered::<&Transform, With<MemoryAnchor>>()
        .single(app.world())
        .expect("one anchor in leo's dream")
        .translation;
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
    assert_eq!(all, vec![dreamer.anchors[0].clone()]);
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
