//! Hot reload, for real: the game watches a mod folder; editing the dream being played
//! re-forms it in place with Juno on safe ground, a broken edit keeps the last good
//! version with a located message, and fixing the file recovers.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bevy::prelude::*;
use sleep_sync::dev::testing::{
    dive_into, headless_app_with_mods, juno_position, run_until, wait_for_exploring,
};
use sleep_sync::dive::{ActiveDive, CurrentDream};
use sleep_sync::levels::{self, Levels};
use sleep_sync::state::DreamPhase;

/// Copies the example mod into a scratch folder the test may edit.
fn scratch_mod() -> PathBuf {
    let from = levels::data_root().join("docs/example-mod/night-swimmer");
    let to = std::env::temp_dir().join(format!("sleep-sync-hot-reload-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&to);
    copy_dir(&from, &to);
    to
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("scratch folder");
    for entry in std::fs::read_dir(from).expect("example mod").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copied");
        }
    }
}

/// Steps the app, giving the file watcher real time, until `done` holds.
fn wait_for(app: &mut App, mut done: impl FnMut(&mut World) -> bool) {
    run_until(app, 5_000, |w| {
        let ok = done(w);
        if !ok {
            std::thread::sleep(Duration::from_millis(4));
        }
        ok
    });
}

fn seed(app: &App) -> u64 {
    app.world().resource::<ActiveDive>().spec.dream.seed
}

#[test]
fn editing_the_dream_in_play_reshapes_it_and_a_broken_edit_keeps_the_last_good_version() {
    let folder = scratch_mod();
    let dream_file = folder.join("dreams/ines.dream.ron");
    let good = std::fs::read_to_string(&dream_file).expect("dream file");
    let mut app = headless_app_with_mods(std::slice::from_ref(&folder));
    dive_into(&mut app, "ines");
    let before = app.world().resource::<CurrentDream>().0.clone();
    // Juno walks off somewhere: the reshaped dream should put her down near there.
    let stood = before.anchors[0] - Vec3::Y * 0.5;
    sleep_sync::dev::testing::move_juno_to(&mut app, stood);
    app.update();

    // A good edit: another seed. The dream re-forms in place.
    let saved = Instant::now();
    std::fs::write(&dream_file, good.replace("seed: 7041", "seed: 7042")).expect("edit");
    wait_for(&mut app, |w| {
        w.resource::<ActiveDive>().spec.dream.seed == 7042
    });
    let noticed = saved.elapsed();
    wait_for_exploring(&mut app);
    println!(
        "save → reload noticed: {:.0} ms (the watcher waits 300 ms for more writes); → dream re-formed: {:.0} ms",
        noticed.as_secs_f64() * 1e3,
        saved.elapsed().as_secs_f64() * 1e3
    );
    let after = app.world().resource::<CurrentDream>().0.clone();
    assert_ne!(
        before.heightfield, after.heightfield,
        "the new seed shapes new ground"
    );
    let juno = juno_position(&mut app);
    let safe = after.safe_spot_near(Vec2::new(stood.x, stood.z));
    let off = Vec2::new(juno.x - safe.x, juno.z - safe.z).length();
    assert!(
        off < 0.5,
        "Juno is {off} m from the safe spot near where she stood"
    );
    assert!(after.is_reachable(Vec2::new(juno.x, juno.z)));

    // A broken edit: a located error in play, and the last good version plays on.
    std::fs::write(&dream_file, good.replace("seed: 7041,", "seed: 7043,,")).expect("edit");
    wait_for(&mut app, |w| {
        !w.resource::<Levels>().report.errors.is_empty()
    });
    let report = app.world().resource::<Levels>().report.clone();
    let shown = format!("{}/dreams/ines.dream.ron:", folder.display());
    assert!(
        report.errors[0].starts_with(&format!("{shown}5:16: Expected identifier")),
        "{:#?}",
        report.errors
    );
    assert_eq!(
        report.kept,
        [format!("{}/dreams/ines.dream.ron", folder.display())]
    );
    for _ in 0..30 {
        app.update();
    }
    assert_eq!(seed(&app), 7042, "the last good version stays in play");
    assert_eq!(
        library_seed(&app, "ines"),
        Some(7042),
        "the library keeps it too"
    );
    assert!(
        std::sync::Arc::ptr_eq(&after, &app.world().resource::<CurrentDream>().0),
        "the dream in play is untouched"
    );
    assert_eq!(phase(&app), DreamPhase::Exploring);
    assert_eq!(library_seed(&app, "leo"), Some(20450311));

    // Fixing the file recovers.
    std::fs::write(&dream_file, good.replace("seed: 7041", "seed: 7044")).expect("edit");
    wait_for(&mut app, |w| {
        w.resource::<ActiveDive>().spec.dream.seed == 7044
    });
    wait_for_exploring(&mut app);
    assert!(app.world().resource::<Levels>().report.errors.is_empty());

    // A new file during play joins the levels; deleting it takes it away again.
    let added = folder.join("dreams/ines-again.dream.ron");
    let again = good.replace("id: \"ines\"", "id: \"ines-again\"");
    std::fs::write(&added, &again).expect("new file");
    wait_for(&mut app, |w| library_seed_in(w, "ines-again").is_some());
    std::fs::remove_file(&added).expect("deleted");
    wait_for(&mut app, |w| library_seed_in(w, "ines-again").is_none());

    // Deleting the dream in play: it leaves the library, the dive goes on as it was.
    std::fs::remove_file(&dream_file).expect("deleted");
    wait_for(&mut app, |w| library_seed_in(w, "ines").is_none());
    for _ in 0..30 {
        app.update();
    }
    assert_eq!(seed(&app), 7044);
    assert_eq!(phase(&app), DreamPhase::Exploring);

    // Saved by writing a new file and renaming it over the old, as many editors do.
    let partial = folder.join("dreams/ines.dream.ron.partial");
    std::fs::write(&partial, good.replace("seed: 7041", "seed: 7045")).expect("edit");
    std::fs::rename(&partial, &dream_file).expect("renamed");
    wait_for(&mut app, |w| {
        w.resource::<ActiveDive>().spec.dream.seed == 7045
    });
    wait_for_exploring(&mut app);

    // A broken mod.ron keeps its last good version; fixing it changes the mod's name.
    let manifest = folder.join("mod.ron");
    let manifest_text = std::fs::read_to_string(&manifest).expect("mod.ron");
    std::fs::write(&manifest, manifest_text.replace("name:", "nam:")).expect("edit");
    wait_for(&mut app, |w| {
        !w.resource::<Levels>().report.errors.is_empty()
    });
    let mods = &app.world().resource::<Levels>().library.mods;
    assert_eq!(mods.len(), 1, "the last good mod.ron still counts");
    std::fs::write(
        &manifest,
        manifest_text.replace("Night Swimmer", "Night Swimmers"),
    )
    .expect("edit");
    wait_for(&mut app, |w| {
        let levels = w.resource::<Levels>();
        levels.report.errors.is_empty()
            && levels.library.mods.first().map(|m| m.name.as_str()) == Some("Night Swimmers")
    });
    let _ = std::fs::remove_dir_all(&folder);
}

fn phase(app: &App) -> DreamPhase {
    *app.world().resource::<State<DreamPhase>>().get()
}

fn library_seed(app: &App, id: &str) -> Option<u64> {
    library_seed_in(app.world(), id)
}

fn library_seed_in(world: &World, id: &str) -> Option<u64> {
    world
        .resource::<Levels>()
        .library
        .dive(id)
        .map(|d| d.dream.seed)
}
