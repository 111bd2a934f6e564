//! The soak: a thousand loop resets with the dream's looks (meshes and materials, no
//! renderer). Every loop's own entities and meshes go with it; materials are shared and
//! never made again; and after waking up the world is back to what it was before the
//! dive. Figures are printed (`cargo test --features dev --test game -- soak:: --nocapture`).

use bevy::prelude::*;
use sleep_sync::dev::testing::{
    dive_into, end_loop, entity_count, headless_app_with_looks, loop_entity_count, run_until,
};
use sleep_sync::dive::{CHUNK_CELLS, CurrentDream, NightmareLoop};
use sleep_sync::state::AppState;

/// Resets in the soak: 1000, or `SLEEP_SYNC_SOAK_RESETS` for a quick look.
fn resets() -> u32 {
    std::env::var("SLEEP_SYNC_SOAK_RESETS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    entities: usize,
    meshes: usize,
    materials: usize,
    images: usize,
}

fn counts(app: &mut App) -> Counts {
    let entities = entity_count(app);
    let world = app.world();
    Counts {
        entities,
        meshes: world.resource::<Assets<Mesh>>().len(),
        materials: world.resource::<Assets<StandardMaterial>>().len(),
        images: world.resource::<Assets<Image>>().len(),
    }
}

/// Meshes that belong to the current loop: its terrain chunks, its anchors' sphere and
/// its water (everything else is made once).
fn loop_meshes(app: &App) -> usize {
    let dream = app.world().resource::<CurrentDream>();
    let cells = dream.heightfield.samples() - 1;
    cells.div_ceil(CHUNK_CELLS).pow(2) + 1 + dream.water_level.is_some() as usize
}

/// A few frames for dropped assets to be freed.
fn settle(app: &mut App) {
    for _ in 0..4 {
        app.update();
    }
}

#[test]
fn a_thousand_loop_resets_leave_nothing_behind() {
    let mut app = headless_app_with_looks();

    run_until(&mut app, 2_000, |w| {
        *w.resource::<State<AppState>>().get() == AppState::Title
    });
    settle(&mut app);
    let awake = counts(&mut app);
    dive_into(&mut app, "leo");
    settle(&mut app);
    let first = counts(&mut app);
    let outside = first.entities - loop_entity_count(&mut app);
    let shared_meshes = first.meshes - loop_meshes(&app);
    let (mut fewest, mut most) = (usize::MAX, 0);
    let start = std::time::Instant::now();
    let resets = resets();
    let mut frames = 0;
    for reset in 1..=resets {
        frames += end_loop(&mut app);
        settle(&mut app);
        let now = counts(&mut app);
        let in_loop = loop_entity_count(&mut app);
        fewest = fewest.min(now.entities);
        most = most.max(now.entities);
        assert_eq!(
            now.entities - in_loop,
            outside,
            "entities outside the loop after reset {reset}"
        );
        assert_eq!(
            now.meshes - loop_meshes(&app),
            shared_meshes,
            "meshes besides the loop's own after reset {reset}"
        );
        assert_eq!(
            now.materials, first.materials,
            "materials after reset {reset}"
        );
        assert_eq!(now.images, first.images, "images after reset {reset}");
        assert_eq!(app.world().resource::<NightmareLoop>().index, reset);
    }
    let seconds = start.elapsed().as_secs_f32();
    app.world_mut()
        .resource_mut::<NextState<AppState>>()
        .set(AppState::ControlRoom);
    settle(&mut app);
    let after = counts(&mut app);
    assert_eq!(
        after, awake,
        "waking after {resets} resets: back to before the dive"
    );
    println!(
        "soak: {resets} loop resets in {seconds:.1} s ({:.0} ms each, {:.0} frames of it to the next loop). Awake before the dive: \
         {} entities, {} meshes, {} materials, {} images. In the dream: {outside} entities \
         outside the loop every time, the loop's own {}–{} in all; {shared_meshes} shared \
         meshes plus each loop's own; {} materials throughout. Awake after: {} entities, {} \
         meshes, {} materials, {} images.",
        seconds * 1000.0 / resets as f32,
        frames as f32 / resets as f32,
        awake.entities,
        awake.meshes,
        awake.materials,
        awake.images,
        fewest - outside,
        most - outside,
        first.materials,
        after.entities,
        after.meshes,
        after.materials,
        after.images,
    );
}
