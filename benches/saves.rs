//! Saved games: what an autosave costs the frame it happens in (the save built from the
//! desk, its text, and the network's digest inside it), against one network minute of
//! the same desk, and what loading costs per network minute played (the network
//! simulated again from its seed and log).
//!
//! Reported as ratios in one run (scripts/bench.sh): the autosave should cost a small
//! fraction of a frame; the load, about one network minute per minute played.

use criterion::{Criterion, criterion_group, criterion_main};
use sleep_sync::campaign::Desk;
use sleep_sync::dev::testing::shipped_library;
use sleep_sync::saves::SaveFile;

fn benches(c: &mut Criterion) {
    let story = shipped_library().story;
    let mut desk = Desk::new(&story);
    let trapped: Vec<usize> = desk.family.iter().map(|(i, _)| *i).collect();
    desk.network.overload(&trapped);
    desk.network.run(600);

    let mut group = c.benchmark_group("saves");
    group.sample_size(20);
    group.bench_function("autosave_text", |b| {
        b.iter(|| SaveFile::of(&desk, 0).to_text())
    });
    group.bench_function("network_digest", |b| b.iter(|| desk.network.digest()));
    let text = SaveFile::of(&desk, 0).to_text();
    group.bench_function("parse", |b| {
        b.iter(|| SaveFile::parse("autosave.ron", text.as_bytes()).expect("parses"))
    });
    let mut network = desk.network.clone();
    group.bench_function("network_minute", |b| b.iter(|| network.step()));
    group.sample_size(10);
    let save = SaveFile::of(&desk, 0);
    group.bench_function("restore_3360_minutes", |b| {
        b.iter(|| save.restore(&story).expect("restores"))
    });
    group.finish();
}

/// The game in the control room, headless, with its saves in a temporary folder (or, for
/// comparison, none): each frame timed, a story beat every 30 frames. Prints the median
/// frame and the worst frame within two frames of a beat's autosave (the write itself
/// runs in the background).
fn autosave_frames(saving: bool) {
    use bevy::prelude::*;
    use sleep_sync::campaign::ControlRoom;
    use sleep_sync::dev::testing::{headless_app, run_until};
    use sleep_sync::network::analysis::{Correlation, Query};
    use sleep_sync::saves::{SaveRequest, SaveStatus, SaveStore};
    use sleep_sync::state::AppState;
    use sleep_sync::store::Store;
    use std::time::Instant;

    let dir = std::env::temp_dir().join(format!("sleep-sync-bench-saves-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut app = headless_app();
    if saving {
        app.insert_resource(SaveStore(Some(Store::folder(&dir))));
    }
    run_until(&mut app, 2_000, |w| {
        *w.resource::<State<AppState>>().get() == AppState::Title
    });
    app.world_mut().write_message(SaveRequest::NewGame);
    sleep_sync::dev::testing::past_the_prologue(&mut app);
    for _ in 0..60 {
        app.update();
    }
    let mut frames = Vec::new();
    let mut saved_at = Vec::new();
    for frame in 0..900 {
        if frame % 30 == 15 {
            // A beat, as pinning a finding makes one.
            app.world_mut()
                .resource_mut::<ControlRoom>()
                .0
                .findings
                .push(sleep_sync::network::Finding(Correlation {
                    query: Query::default(),
                    r: 0.0,
                    samples: frame,
                }));
            saved_at.push(frame);
        }
        let started = Instant::now();
        app.update();
        frames.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let mut sorted = frames.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let worst_around = saved_at
        .iter()
        .flat_map(|&f| f..(f + 3).min(frames.len()))
        .map(|f| frames[f])
        .fold(0.0, f64::max);
    let worst_elsewhere = (0..frames.len())
        .filter(|f| !saved_at.iter().any(|&s| (s..s + 3).contains(f)))
        .map(|f| frames[f])
        .fold(0.0, f64::max);
    let status = app.world().resource::<SaveStatus>();
    println!(
        "autosave_frames ({}): {} beats in 900 control-room frames (headless); median frame \
         {median:.2} ms, worst within 2 frames of an autosave {worst_around:.2} ms ({:.2}× the \
         median), worst elsewhere {worst_elsewhere:.2} ms; last save {}",
        if saving {
            "saving"
        } else {
            "not saving, for comparison"
        },
        saved_at.len(),
        worst_around / median,
        if status.failed.is_some() {
            "failed"
        } else {
            "written"
        }
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn all(c: &mut Criterion) {
    autosave_frames(true);
    autosave_frames(false);
    benches(c);
}

criterion_group!(saves, all);
criterion_main!(saves);
