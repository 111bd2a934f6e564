//! The whole campaign played headless by the script of `sleep-sync playthrough`: each of
//! its three paths goes from New game through the prologue, the rift, the analysis, the
//! confrontation, every dive and the design to its own ending and back to the title.

use sleep_sync::dev::playthrough::{self, Playthrough};

fn play(path: u8) -> Playthrough {
    let started = std::time::Instant::now();
    let run = playthrough::play(path, |line| println!("{line}")).expect("plays to the end");
    println!(
        "path {path}: {} frames in {:.1} s\n{}",
        run.frames,
        started.elapsed().as_secs_f64(),
        run.length_table()
    );
    run
}

/// What the log says, `chapter:` lines only.
fn chapters(run: &Playthrough) -> Vec<&str> {
    run.log
        .iter()
        .filter_map(|l| l.strip_prefix("chapter: "))
        .collect()
}

#[test]
fn path_1_dives_at_once_designs_kindly_and_reaches_dawn() {
    let run = play(1);
    // `preview --sleeper` shows strangers as they are when this path's overload begins.
    println!("overload at network minute {:?}", run.overload_minute);
    assert_eq!(
        run.overload_minute,
        Some(sleep_sync::campaign::strangers::SCRIPTED_OVERLOAD_MINUTE),
        "the scripted path's overload moved: update SCRIPTED_OVERLOAD_MINUTE"
    );
    assert_eq!(
        chapters(&run),
        [
            "Prologue",
            "The night shift",
            "The confrontation",
            "The nightmares",
            "The family's nightmare",
            "The alternative",
            "Epilogue",
            "The end",
        ]
    );
    assert_eq!(run.ending.as_deref(), Some("dawn"));
    for scene in [
        "evening",
        "handover",
        "rift-call",
        "rift-door",
        "rift-message",
        "nine",
        "the-beds",
        "the-rig",
        "still-under",
        "coming-round",
        "end-dawn",
        "credits",
    ] {
        assert!(
            run.log.contains(&format!("scene: {scene}")),
            "{scene}: {:?}",
            run.log
        );
    }
    for dive in ["bedtime", "leo", "mara", "family"] {
        assert!(
            run.log.contains(&format!("dive: {dive}")),
            "{dive}: {:?}",
            run.log
        );
    }
    assert!(run.log.last().is_some_and(|l| l == "ending: dawn"));
    // Each core's talk is a scene of 8 to 15 exchanges.
    for dive in ["bedtime", "leo", "mara", "family"] {
        let exchanges = run.exchanges.get(dive).copied().unwrap_or(0);
        assert!(
            (8..=15).contains(&exchanges),
            "{dive}: {exchanges} exchanges"
        );
    }
}

#[test]
fn path_2_lets_the_clock_run_out_and_reaches_the_long_night() {
    let run = play(2);
    assert_eq!(run.ending.as_deref(), Some("long-night"));
    assert!(
        run.log.contains(&"scene: end-ward".to_owned()),
        "{:?}",
        run.log
    );
}

#[test]
fn path_3_keeps_the_steering_and_reaches_kept() {
    let run = play(3);
    assert_eq!(run.ending.as_deref(), Some("kept"));
    assert!(
        run.log.contains(&"scene: end-kept".to_owned()),
        "{:?}",
        run.log
    );
}
