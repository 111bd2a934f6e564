//! Crash reports: when the game panics, a short report (the version, the platform, the
//! message and where, the backtrace, the last lines logged) is written to the player's
//! data folder and the player is told where it is, instead of the game vanishing.
//!
//! [`install`] sets the panic hook once, at the start of `main`; [`log_layer`] is given
//! to Bevy's `LogPlugin` so the hook has the last lines to hand. The report is written
//! through the [`Store`], whole or not at all. Only the first panic is reported: a
//! panic often brings others down with it (a poisoned lock, a closed channel).
//!
//! Desktop only: the browser shows a panic on the page (`web/index.html`).

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use bevy::log::BoxedLayer;
use bevy::log::tracing::{Event, Subscriber, field};
use bevy::log::tracing_subscriber::Layer;
use bevy::log::tracing_subscriber::layer::Context;
use bevy::prelude::*;

use crate::calendar::date_time;
use crate::store::Store;

/// Log lines kept for a report.
pub const LAST_LINES: usize = 40;
/// The most backtrace lines a report holds (frames beyond are the runtime's start-up).
const BACKTRACE_LINES: usize = 160;
/// The most characters of the panic's message a report holds.
const MESSAGE_CHARS: usize = 4_000;
/// The folder in the player's store the reports go in.
pub const FOLDER: &str = "crash-reports";

static LINES: Mutex<VecDeque<String>> = Mutex::new(VecDeque::new());
static REPORTED: AtomicBool = AtomicBool::new(false);

/// Sets the panic hook: the usual message on stderr, then the report. `store` is where
/// reports go (the player's own, [`Store::player`]); without one, the system's
/// temporary folder.
pub fn install(store: Option<Store>) {
    let folder = match store {
        Some(Store::Folder(folder)) => folder,
        _ => std::env::temp_dir().join(crate::store::APP_ID),
    };
    let store = Store::folder(folder);
    let usual = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        usual(info);
        if REPORTED.swap(true, Ordering::SeqCst) {
            return;
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let thread = std::thread::current();
        let report = Report {
            at_unix: now,
            thread: thread.name().unwrap_or("unnamed").to_owned(),
            location: info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column())),
            message: panic_message(info.payload()),
            backtrace: std::backtrace::Backtrace::force_capture().to_string(),
            last_lines: last_lines(),
        };
        let name = unused_name(&store, &file_stamp(now));
        let said = match store.write(&name, report.text().as_bytes()) {
            Ok(()) => format!(
                "Sleep Sync has crashed. A report was written to\n{}\nPlease send it with your bug report.",
                store.place(&name)
            ),
            Err(e) => format!(
                "Sleep Sync has crashed, and its report could not be written ({e}):\n\n{}",
                report.text()
            ),
        };
        crate::console::tell_player("Sleep Sync has crashed", &said);
    }));
}

/// What was logged last, oldest first.
pub fn last_lines() -> Vec<String> {
    LINES
        .lock()
        .map(|lines| lines.iter().cloned().collect())
        .unwrap_or_default()
}

/// For `LogPlugin::custom_layer`: keeps the last [`LAST_LINES`] lines logged (those the
/// log filter lets through) for a crash report.
pub fn log_layer(_: &mut App) -> Option<BoxedLayer> {
    Some(Box::new(LastLines))
}

/// The layer behind [`log_layer`].
pub struct LastLines;

impl<S: Subscriber> Layer<S> for LastLines {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let meta = event.metadata();
        let mut line = format!("{} {}:", meta.level(), meta.target());
        event.record(&mut Fields(&mut line));
        remember(line);
    }
}

/// Keeps `line` among the last ones.
fn remember(line: String) {
    // A lock poisoned by a panic elsewhere still holds whole lines.
    let mut lines = LINES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if lines.len() == LAST_LINES {
        lines.pop_front();
    }
    lines.push_back(line);
}

/// Writes an event's fields as ` message key=value`.
struct Fields<'a>(&'a mut String);

impl field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &field::Field, value: &str) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}

/// What a panic carries: its message, as `panic!` and `expect` give it.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}

/// One crash, as reported.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// When, seconds since 1970 (UTC).
    pub at_unix: u64,
    /// The thread that panicked.
    pub thread: String,
    /// `file:line:column` of the panic.
    pub location: Option<String>,
    pub message: String,
    pub backtrace: String,
    pub last_lines: Vec<String>,
}

impl Report {
    /// The report as written: a few headed lines a player can read and paste.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Sleep Sync crash report");
        let _ = writeln!(out, "version: {}", crate::version::label());
        let _ = writeln!(out, "platform: {}", crate::version::platform());
        let _ = writeln!(out, "time: {} UTC", date_time(self.at_unix));
        let _ = writeln!(out, "thread: {}", self.thread);
        if let Some(location) = &self.location {
            let _ = writeln!(out, "where: {location}");
        }
        let message: String = self.message.chars().take(MESSAGE_CHARS).collect();
        let _ = writeln!(out, "message: {message}");
        let _ = writeln!(out, "\nbacktrace:");
        let lines = from_the_panic(&self.backtrace);
        for line in lines.iter().take(BACKTRACE_LINES) {
            let _ = writeln!(out, "{line}");
        }
        if lines.len() > BACKTRACE_LINES {
            let _ = writeln!(out, "  ... {} lines more", lines.len() - BACKTRACE_LINES);
        }
        let _ = writeln!(out, "\nlast lines logged:");
        if self.last_lines.is_empty() {
            let _ = writeln!(out, "  (none)");
        }
        for line in &self.last_lines {
            let _ = writeln!(out, "{line}");
        }
        out
    }
}

/// The backtrace's lines from the code that panicked on: the frames of the panic's own
/// machinery before it (this hook, `rust_begin_unwind`, `panic_fmt`) left out.
fn from_the_panic(backtrace: &str) -> Vec<&str> {
    let lines: Vec<&str> = backtrace.lines().collect();
    let is_frame = |line: &str| {
        let line = line.trim_start();
        line.split_once(": ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    let machinery = ["rust_begin_unwind", "panic_fmt", "begin_panic"];
    // The last frame of the machinery among the first ones; the code's frames follow.
    let last = lines
        .iter()
        .enumerate()
        .take(60)
        .filter(|(_, l)| is_frame(l) && machinery.iter().any(|m| l.contains(m)))
        .map(|(i, _)| i)
        .last();
    let Some(last) = last else {
        return lines;
    };
    let next = (last + 1..lines.len())
        .find(|&i| is_frame(lines[i]))
        .unwrap_or(lines.len());
    lines[next..].to_vec()
}

/// `crash-reports/crash-<stamp>.txt`, or `-2`, `-3`, ... after the stamp if a report of
/// that second is already there: a report never replaces another.
fn unused_name(store: &Store, stamp: &str) -> String {
    let name = |n: u32| match n {
        1 => format!("{FOLDER}/crash-{stamp}.txt"),
        n => format!("{FOLDER}/crash-{stamp}-{n}.txt"),
    };
    (1..100)
        .map(name)
        .find(|candidate| matches!(store.read(candidate), Ok(None)))
        .unwrap_or_else(|| name(100))
}

/// `2026-12-06-235012`, for a file's name (sorts by time, no characters Windows refuses).
fn file_stamp(unix: u64) -> String {
    date_time(unix).replace(' ', "-").replace(':', "")
}

/// The frame `sleep-sync crash-test` panics at.
pub const CRASH_FRAME: u32 = 30;

/// `sleep-sync crash-test`: the game headless, logging as it plays, until a system
/// panics on purpose at frame [`CRASH_FRAME`]; what the crash report says is what a
/// player's would. Testers and `scripts/release.sh --check` use it on a package.
pub fn crash_on_purpose(app: &mut App) {
    app.add_systems(Update, panic_on_purpose);
}

// Kept a function of its own in an optimised build, so a release's backtrace names it.
#[inline(never)]
fn panic_on_purpose(mut frames: Local<u32>) {
    *frames += 1;
    if frames.is_multiple_of(10) {
        info!("crash-test: frame {}", *frames);
    }
    if *frames == CRASH_FRAME {
        panic!("crash-test: a panic on purpose, to check the crash report");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_files_are_named_by_their_time_and_never_replace_another() {
        assert_eq!(file_stamp(1_796_601_012), "2026-12-06-235012");
        let dir =
            std::env::temp_dir().join(format!("sleep-sync-crash-names-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::folder(&dir);
        let stamp = "2026-12-06-235012";
        for expected in [
            "crash-2026-12-06-235012.txt",
            "crash-2026-12-06-235012-2.txt",
            "crash-2026-12-06-235012-3.txt",
        ] {
            let name = unused_name(&store, stamp);
            assert_eq!(name, format!("{FOLDER}/{expected}"));
            store.write(&name, b"report").expect("writes");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_last_lines_are_kept_and_no_more() {
        for i in 0..LAST_LINES + 5 {
            remember(format!("line {i}"));
        }
        let kept = last_lines();
        assert_eq!(kept.len(), LAST_LINES);
        assert_eq!(kept.first().map(String::as_str), Some("line 5"));
        assert_eq!(
            kept.last().map(String::as_str),
            Some(format!("line {}", LAST_LINES + 4).as_str())
        );
    }

    #[test]
    fn the_backtrace_begins_at_the_code_that_panicked() {
        let backtrace = "   0: {closure#0}\n             at ./src/crash.rs:65:24\n   1: std::panicking::panic_with_hook\n   2: __rustc::rust_begin_unwind\n             at /rustc/library/std/src/panicking.rs:689:5\n   3: core::panicking::panic_fmt\n   4: sleep_sync::dive::lucidity\n             at ./src/dive/mod.rs:10:5\n   5: main\n";
        assert_eq!(
            from_the_panic(backtrace),
            [
                "   4: sleep_sync::dive::lucidity",
                "             at ./src/dive/mod.rs:10:5",
                "   5: main"
            ]
        );
        // Without the machinery's names (another platform's), all of it.
        assert_eq!(from_the_panic("   0: a\n   1: b\n").len(), 2);
    }

    #[test]
    fn a_report_says_what_and_where_and_is_bounded() {
        let report = Report {
            at_unix: 1_796_601_012,
            thread: "main".into(),
            location: Some("src/dive/mod.rs:10:5".into()),
            message: "x".repeat(MESSAGE_CHARS * 2),
            backtrace: (0..400).map(|i| format!("  {i}: frame\n")).collect(),
            last_lines: vec!["INFO sleep_sync: loop 2 formed".into()],
        };
        let text = report.text();
        assert!(text.contains(&format!("version: {}", crate::version::label())));
        assert!(text.contains(&format!("platform: {}", crate::version::platform())));
        assert!(text.contains("time: 2026-12-06 23:50:12 UTC"));
        assert!(text.contains("where: src/dive/mod.rs:10:5"));
        assert!(text.contains(&format!("message: {}\n", "x".repeat(MESSAGE_CHARS))));
        assert!(!text.contains(&"x".repeat(MESSAGE_CHARS + 1)));
        assert!(text.contains("  159: frame\n") && !text.contains("  160: frame"));
        assert!(text.contains("... 240 lines more"));
        assert!(text.ends_with("last lines logged:\nINFO sleep_sync: loop 2 formed\n"));
    }
}
