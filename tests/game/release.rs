//! What a released game says of itself: `--version`, the title screen's corner, and a
//! crash report written where the player is told, with what a bug report needs. (The
//! packages themselves are built and checked by `scripts/release.sh --check`.)

use std::path::PathBuf;
use std::process::Command;

use bevy_egui::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sleep_sync::crash::{CRASH_FRAME, FOLDER};
use sleep_sync::screens::title::{version_corner, version_text};
use sleep_sync::version;

fn game() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sleep-sync"))
}

/// A folder of its own under the system's temporary one, empty.
fn empty_folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sleep-sync-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

#[test]
fn the_version_is_said_by_the_command_line() {
    for flag in ["--version", "-V"] {
        let out = game().arg(flag).output().expect("the game runs");
        assert!(out.status.success(), "{flag}: {out:?}");
        let said = String::from_utf8_lossy(&out.stdout);
        assert_eq!(said.trim_end(), version::describe(), "{flag}");
        assert!(said.starts_with(&format!("Sleep Sync {}+", env!("CARGO_PKG_VERSION"))));
    }
}

/// The corner of the title screen holds the version and build, small, bottom right.
#[test]
fn the_title_screens_corner_says_the_version() {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 720.0))
        .build_ui(|ui| version_corner(ui.ctx()));
    harness.run();
    let text = version_text();
    assert_eq!(
        text,
        format!("v{} · {}", env!("CARGO_PKG_VERSION"), version::BUILD)
    );
    let label = harness.get_by_label(&text);
    let rect = label.rect();
    assert!(
        rect.min.x > 1280.0 * 0.75 && rect.min.y > 720.0 * 0.9,
        "in the bottom right corner, not at {rect:?}"
    );
}

/// A panic in the game (a system, mid-frame, as a bug would) writes a report to the
/// player's folder and says where; the report holds the version, the platform, the
/// message and where it was raised, a backtrace with the function's name, and the last
/// lines logged. A second run writes a second report, the first kept.
#[test]
fn a_crash_writes_a_report_and_says_where() {
    let data = empty_folder("crash");
    let crash = || {
        game()
            .arg("crash-test")
            .env("SLEEP_SYNC_DATA", &data)
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("the game runs")
    };
    let out = crash();
    assert_eq!(out.status.code(), Some(101), "a crash's exit code: {out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let reports: Vec<PathBuf> = std::fs::read_dir(data.join(FOLDER))
        .expect("the reports' folder is made")
        .map(|e| e.expect("an entry").path())
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let report = &reports[0];
    let name = report.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("crash-20") && name.ends_with(".txt"),
        "{name}"
    );
    assert!(
        stderr.contains("A report was written to") && stderr.contains(&*report.to_string_lossy()),
        "the player is told where: {stderr}"
    );
    let text = std::fs::read_to_string(report).expect("the report reads");
    for line in [
        format!("version: {}", version::label()),
        format!("platform: {}", version::platform()),
        "message: crash-test: a panic on purpose, to check the crash report".to_owned(),
        "where: src/crash.rs:".to_owned(),
        format!("crash-test: frame {}", CRASH_FRAME - 10),
    ] {
        assert!(text.contains(&line), "the report lacks {line:?}:\n{text}");
    }
    // The backtrace names the function that panicked (the binary keeps its symbols).
    let backtrace = &text[text.find("\nbacktrace:").expect("a backtrace")..];
    assert!(backtrace.contains("panic_on_purpose"), "{text}");
    // The lines logged are the game's, up to the crash, not after it.
    let logged = &text[text.find("\nlast lines logged:").expect("the last lines")..];
    assert!(
        logged.contains("INFO sleep_sync::crash: crash-test: frame 20"),
        "{text}"
    );
    assert!(
        logged.trim_end().ends_with("crash-test: frame 30"),
        "the last line logged is the crash's frame's: {text}"
    );
    assert!(
        text.len() < 64 * 1024,
        "a short report: {} bytes",
        text.len()
    );

    // Another crash at once (most likely within the same second) is another report;
    // the first stays as it was.
    assert_eq!(crash().status.code(), Some(101));
    let count = std::fs::read_dir(data.join(FOLDER))
        .expect("folder")
        .count();
    assert_eq!(count, 2, "both reports kept");
    assert_eq!(std::fs::read_to_string(report).expect("kept"), text);
    let _ = std::fs::remove_dir_all(&data);
}

/// The changelog has a section for this version (`scripts/release.sh` refuses to package
/// one without) and one for what is not released yet.
#[test]
fn the_changelog_has_this_versions_section() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/CHANGELOG.md"))
        .expect("CHANGELOG.md");
    let headings: Vec<&str> = text.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(headings.first(), Some(&"## Unreleased"), "{headings:?}");
    assert!(
        headings
            .iter()
            .any(|h| h.starts_with(&format!("## {} ", env!("CARGO_PKG_VERSION")))),
        "no section for {}: {headings:?}",
        env!("CARGO_PKG_VERSION")
    );
}
