//! The desktop's frame-pacing run (`sleep-sync --tour DIR --pacing`, `dev::pacing`; what
//! `scripts/bench.sh` runs in a window), headless: it goes through every screen and each
//! dive's loop changes, and reports each screen's frames.

use std::time::Duration;

use bevy::prelude::*;
use sleep_sync::campaign::{ControlRoom, Panel};
use sleep_sync::dev::pacing::{self, PacingFigures, PacingRun, REPORT, StageFigures, table};
use sleep_sync::dev::testing::headless_app_with_looks;
use sleep_sync::long_work::{ChangeStep, ChangeSteps, FrameSeen};

#[test]
fn the_pacing_run_measures_every_screen_and_each_loop_change() {
    let dir = std::env::temp_dir().join(format!("sleep-sync-pacing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let report = dir.join(REPORT);
    let _ = std::fs::remove_file(&report);
    let mut app = headless_app_with_looks();
    app.insert_resource(PacingRun {
        report: report.clone(),
        dreams: vec!["leo".to_owned(), "mara".to_owned()],
        frames: 40,
        loop_changes: 2,
    });
    pacing::plugin(&mut app);
    let mut updates = 0;
    let exit = loop {
        app.update();
        if let Some(exit) = app.should_exit() {
            break exit;
        }
        updates += 1;
        assert!(updates < 20_000, "the run did not end in 20,000 frames");
        // The next loop forms on other threads: give them real time between frames.
        std::thread::sleep(Duration::from_micros(200));
    };
    assert_eq!(exit, AppExit::Success);

    let figures = app.world().resource::<PacingFigures>().0.clone();
    let names: Vec<&str> = figures.iter().map(|f| f.stage.as_str()).collect();
    assert_eq!(
        names,
        [
            "title",
            "control room, every panel open",
            "dive into leo",
            "dive into mara"
        ]
    );
    for screen in &figures[..2] {
        assert_eq!(screen.frames, 40, "{screen:?}");
        assert_eq!(screen.loop_changes, 0, "{screen:?}");
        assert_eq!(screen.changing_frames, 0, "{screen:?}");
    }
    for dive in &figures[2..] {
        assert_eq!(dive.loop_changes, 2, "{dive:?}");
        // Three loops of 10 frames at least, and the frames of two changes between them:
        // each puts its ground, 4 frames of chunks, then the core and what stands on it
        // in place over a frame each.
        assert!(dive.changing_frames >= 2 * 6, "{dive:?}");
        assert!(dive.frames >= 3 * 10 + dive.changing_frames, "{dive:?}");
        assert!(dive.worst_changing > 0.0 && dive.median > 0.0, "{dive:?}");
        assert!(dive.worst_changing >= dive.median, "{dive:?}");
        // Each step of a change is told apart: the first loop's ground and every step
        // after it, the frames a loop's play begins (three loops) among them.
        for step in ChangeStep::ALL {
            let frames: usize = dive
                .by_steps
                .iter()
                .filter(|set| set.steps.contains(step))
                .map(|set| set.frames)
                .sum();
            let least = match step {
                ChangeStep::Forming => 10,
                ChangeStep::Chunks => 2 * 4,
                ChangeStep::Ground | ChangeStep::Furnishing | ChangeStep::Beginning => 2,
            };
            assert!(
                frames >= least,
                "{}: {frames} frames: {dive:?}",
                step.name()
            );
        }
        let by_steps: usize = dive.by_steps.iter().map(|set| set.frames).sum();
        assert_eq!(by_steps, dive.changing_frames, "{dive:?}");
    }
    let open = &app.world().resource::<ControlRoom>().0.open;
    assert_eq!(open.len(), Panel::ALL.len(), "every panel was open");

    let written = std::fs::read_to_string(&report).expect("the report is written");
    println!("{written}");
    assert_eq!(written, table(&figures));
    let sets: usize = figures.iter().map(|f| f.by_steps.len()).sum();
    assert_eq!(
        written.lines().count(),
        2 + figures.len() + 3 + sets,
        "{written}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_screens_figures_are_its_frames_median_percentile_and_worst() {
    let frame = |millis: f32, changing: bool| FrameSeen {
        millis,
        long_work: millis / 10.0,
        steps: if changing {
            ChangeSteps::default().with(ChangeStep::Chunks)
        } else {
            ChangeSteps::default()
        },
    };
    // 1..=100 ms, the last five while a loop changed.
    let frames: Vec<FrameSeen> = (1..=100).map(|ms| frame(ms as f32, ms > 95)).collect();
    let f = StageFigures::of("dive".to_owned(), &frames, 1);
    assert_eq!(f.frames, 100);
    assert_eq!(f.median, 50.0);
    assert_eq!(f.p95, 95.0);
    assert_eq!(f.worst_ordinary, 95.0);
    assert_eq!(f.changing_frames, 5);
    assert_eq!(f.worst_changing, 100.0);
    assert_eq!(f.worst_long_work, 10.0);
    assert_eq!(f.worst_to_median(), 2.0);
    assert_eq!(f.by_steps.len(), 1);
    assert_eq!((f.by_steps[0].frames, f.by_steps[0].worst), (5, 100.0));
    assert_eq!(f.by_steps[0].steps.to_string(), "chunks");
    // With no loop changing, the worst is the worst of any frame.
    let calm = StageFigures::of("title".to_owned(), &frames[..95], 0);
    assert_eq!(calm.worst_changing, 0.0);
    assert_eq!(calm.worst(), 95.0);
    assert_eq!(calm.median, 48.0);
}
