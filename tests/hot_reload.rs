//! Hot reload, for real: the game watches a mod folder; editing the dream being played
//! re-forms it in place with Juno on safe ground, a broken edit keeps the last good
//! version with a located message, and fixing the file recovers.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bevy::prelude::*;
use sleep_sync::dive::{ActiveDive, CurrentDream};
use sleep_sync::levels::{self, Levels};
use sleep_sync::testing::{
    dive_into, headless_app_with_mods, juno_position, run_until, wait_for_exploring,
};

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
    sleep_sync::testing::move_juno_to(&mut app, stood);
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
    assert!(
        app.world()
            .resource::<Levels>()
            .library
            .dive("leo")
            .is_some()
    );

    // Fixing the file recovers.
    std::fs::write(&dream_file, good.replace("seed: 7041", "seed: 7044")).expect("edit");
    wait_for(&mut app, |w| {
        w.resource::<ActiveDive>().spec.dream.seed == 7044
    });
    wait_for_exploring(&mut app);
    assert!(app.world().resource::<Levels>().report.errors.is_empty());
    let _ = std::fs::remove_dir_all(&folder);
}
