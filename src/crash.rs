//! Crash reports: when the game crashes, a short report (the version, the platform, the
//! message and where, the backtrace, the last lines logged) is written to the player's
//! data folder and the player is told where it is, instead of the game vanishing.
//!
//! `main` runs inside [`reporting`]: it sets a panic hook that keeps what each panic
//! was (where, its backtrace, the last lines logged, which [`log_layer`] keeps for
//! Bevy's `LogPlugin`). A crash is a panic that reaches `main`, or a panic kept when the
//! program ends with a failure (Bevy ends the app with an error, not a panic, when its
//! render thread panics). Only then is the report written; a panic the game catches on
//! purpose (a bug in the generator becomes a message on the forming screen,
//! `dive::forge`) is [`forget_panics`]'d and is no crash. A report is written whole and
//! never replaces another.
//!
//! A panic that aborts the process instead of unwinding to `main` (a panic while
//! unwinding from another) leaves only the message on standard error. Desktop only: the
//! browser shows a panic on the page (`web/index.html`).

use std::backtrace::Backtrace;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
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
/// Panics remembered until one turns out to be the crash.
const PANICS_KEPT: usize = 8;
/// The folder in the player's store the reports go in.
pub const FOLDER: &str = "crash-reports";
/// The exit code of a crash (Rust's own for a panic that ends `main`).
pub const CRASH_EXIT: u8 = 101;

static LINES: Mutex<VecDeque<String>> = Mutex::new(VecDeque::new());
/// The last panics, as the hook saw them, each with its backtrace (symbolised only if
/// it is written).
static PANICS: Mutex<VecDeque<(Report, Backtrace)>> = Mutex::new(VecDeque::new());

/// Runs `main`, the program. If it panics, or ends with a failure after a panic that
/// was not caught on purpose, writes a crash report into `store`'s folder (the player's
/// own, [`Store::player`]; without one, the system's temporary folder), tells the
/// player where, and returns [`CRASH_EXIT`].
pub fn reporting(store: Option<Store>, main: impl FnOnce() -> ExitCode) -> ExitCode {
    let folder = match store {
        Some(Store::Folder(folder)) => folder,
        _ => std::env::temp_dir().join(crate::store::APP_ID),
    }
    .join(FOLDER);
    let usual = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        usual(info);
        remember_panic(Report {
            at_unix: now(),
            thread: std::thread::current()
                .name()
                .unwrap_or("unnamed")
                .to_owned(),
            location: info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column())),
            message: message_of(info.payload()),
            backtrace: String::new(),
            last_lines: last_lines(),
        });
    }));
    let report = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(main)) {
        Err(payload) => the_crash(&message_of(payload.as_ref())),
        Ok(code) if code == ExitCode::SUCCESS => return code,
        // Ended with a failure: a crash if a panic not caught on purpose came first.
        Ok(code) => match last_panic() {
            Some(report) => report,
            None => return code,
        },
    };
    let said = match write_report(&folder, &report) {
        Ok(path) => format!(
            "Sleep Sync has crashed. A report was written to\n{}\nPlease send it with your bug report.",
            path.display()
        ),
        Err(e) => format!(
            "Sleep Sync has crashed, and its report could not be written to {} ({e}). \
             What went wrong: {}",
            folder.display(),
            report.message
        ),
    };
    crate::console::tell_player("Sleep Sync has crashed", &said);
    ExitCode::from(CRASH_EXIT)
}

/// Forgets the panics kept so far: the caller caught one on purpose and goes on (its
/// worker threads' panics with it). Called right after the catch.
pub fn forget_panics() {
    with_panics(VecDeque::clear);
}

/// The last panic kept, if any, with its backtrace.
fn last_panic() -> Option<Report> {
    let mut taken = None;
    with_panics(|panics| taken = panics.pop_back());
    taken.map(|(report, backtrace)| Report {
        backtrace: backtrace.to_string(),
        ..report
    })
}

/// Runs `f` on the panics kept. The hook may run while another thread holds the list
/// (or, for a panic inside this, the same thread): it waits a little, then goes on
/// without it rather than wait for itself.
fn with_panics(f: impl FnOnce(&mut VecDeque<(Report, Backtrace)>)) {
    if let Some(mut panics) = lock_a_while(&PANICS) {
        f(&mut panics);
    }
}

/// `mutex`, locked within about 50 ms, poisoned or not.
fn lock_a_while<T>(mutex: &Mutex<T>) -> Option<std::sync::MutexGuard<'_, T>> {
    for _ in 0..50 {
        match mutex.try_lock() {
            Ok(guard) => return Some(guard),
            Err(std::sync::TryLockError::Poisoned(p)) => return Some(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        }
    }
    None
}
/// Seconds since 1970.
fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Keeps a panic the hook saw, with its backtrace, until the program ends or it is
/// caught. (A panic while the list is locked, which only the hook does, is not kept
/// rather than waited for.)
fn remember_panic(report: Report) {
    let backtrace = Backtrace::force_capture();
    with_panics(|panics| {
        if panics.len() == PANICS_KEPT {
            panics.pop_front();
        }
        panics.push_back((report, backtrace));
    });
}

/// What a panic said, for its report.
fn message_of(payload: &(dyn std::any::Any + Send)) -> String {
    crate::panics::message(payload)
        .unwrap_or("(a panic without a message)")
        .to_owned()
}

/// The report of the panic that ended the program, whose message is `message`: the
/// last panic with that message the hook saw (a panic in a system is raised again on
/// the main thread with the same message), else the last one, else only the message.
fn the_crash(message: &str) -> Report {
    let mut crash = None;
    with_panics(|panics| crash = Some(take_the_crash(panics, message)));
    crash.unwrap_or_else(|| take_the_crash(&mut VecDeque::new(), message))
}

/// [`the_crash`] from `panics`.
fn take_the_crash(panics: &mut VecDeque<(Report, Backtrace)>, message: &str) -> Report {
    let index = panics
        .iter()
        .rposition(|(report, _)| report.message == message)
        .or(panics.len().checked_sub(1));
    match index.and_then(|i| panics.remove(i)) {
        Some((report, backtrace)) => Report {
            backtrace: backtrace.to_string(),
            ..report
        },
        None => Report {
            at_unix: now(),
            thread: "main".to_owned(),
            location: None,
            message: message.to_owned(),
            backtrace: String::new(),
            last_lines: last_lines(),
        },
    }
}

/// Writes `report` into `folder` as `crash-<time>.txt` (`-2`, `-3`, ... after the time
/// if a report of that second is there: none is ever replaced), whole or not at all: a
/// temporary file flushed to the disk, then linked under its name, which fails rather
/// than replace a file.
pub fn write_report(folder: &Path, report: &Report) -> io::Result<PathBuf> {
    std::fs::create_dir_all(folder)?;
    let temp = folder.join(format!(".crash-{}.writing", std::process::id()));
    // A leftover of this process number (a write whose clean-up failed) may be a report
    // under another name too: unlinked, not written through.
    let _ = std::fs::remove_file(&temp);
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(report.text().as_bytes())?;
        file.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    let stamp = file_stamp(report.at_unix);
    let mut result = Err(io::Error::other("a hundred reports of the same second"));
    for n in 1..=100 {
        let path = folder.join(match n {
            1 => format!("crash-{stamp}.txt"),
            n => format!("crash-{stamp}-{n}.txt"),
        });
        match std::fs::hard_link(&temp, &path) {
            Ok(()) => {
                result = Ok(path);
                break;
            }
            Err(_) if path.exists() => continue,
            // A file system without hard links (FAT): a rename where nothing is.
            Err(_) => {
                result = std::fs::rename(&temp, &path).map(|()| path);
                break;
            }
        }
    }
    let _ = std::fs::remove_file(&temp);
    result
}

/// What was logged last, oldest first.
pub fn last_lines() -> Vec<String> {
    // (A panic inside `remember`, holding the lock, must not wait for itself.)
    lock_a_while(&LINES).map_or_else(Vec::new, |lines| lines.iter().cloned().collect())
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
        let mut fields = Fields::default();
        event.record(&mut fields);
        // A `log` crate record (wgpu, winit) names its own target in a field.
        let target = fields.log_target.as_deref().unwrap_or(meta.target());
        remember(format!("{} {target}:{}", meta.level(), fields.text));
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

/// An event's fields as ` message key=value`; a `log` record's own (`log.target`,
/// `log.file`, ...) are left out, its target kept apart.
#[derive(Default)]
struct Fields {
    text: String,
    log_target: Option<String>,
}

impl Fields {
    fn add(&mut self, name: &str, value: std::fmt::Arguments) {
        match name {
            "log.target" => self.log_target = Some(value.to_string()),
            "message" => {
                let _ = write!(self.text, " {value}");
            }
            _ if name.starts_with("log.") => {}
            _ => {
                let _ = write!(self.text, " {name}={value}");
            }
        }
    }
}

impl field::Visit for Fields {
    fn record_debug(&mut self, field: &field::Field, value: &dyn std::fmt::Debug) {
        self.add(field.name(), format_args!("{value:?}"));
    }

    fn record_str(&mut self, field: &field::Field, value: &str) {
        self.add(field.name(), format_args!("{value}"));
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
    /// What the panic said.
    pub message: String,
    /// The backtrace as Rust prints it (the frames from the panic's own machinery are
    /// left out of the text).
    pub backtrace: String,
    /// The last lines logged before it, oldest first.
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
        .next_back();
    let Some(last) = last else {
        return lines;
    };
    let next = (last + 1..lines.len())
        .find(|&i| is_frame(lines[i]))
        .unwrap_or(lines.len());
    lines[next..].to_vec()
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

    fn report_at(at_unix: u64, message: &str) -> Report {
        Report {
            at_unix,
            thread: "main".into(),
            location: None,
            message: message.into(),
            backtrace: String::new(),
            last_lines: Vec::new(),
        }
    }

    #[test]
    fn reports_are_named_by_their_time_and_never_replace_another() {
        assert_eq!(file_stamp(1_796_601_012), "2026-12-06-235012");
        let dir =
            std::env::temp_dir().join(format!("sleep-sync-crash-names-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (i, expected) in [
            "crash-2026-12-06-235012.txt",
            "crash-2026-12-06-235012-2.txt",
            "crash-2026-12-06-235012-3.txt",
        ]
        .into_iter()
        .enumerate()
        {
            let report = report_at(1_796_601_012, &format!("crash {i}"));
            let path = write_report(&dir, &report).expect("writes");
            assert_eq!(path, dir.join(expected));
            assert_eq!(std::fs::read_to_string(&path).ok(), Some(report.text()));
        }
        // Each kept as written; no temporary file left behind.
        let names: Vec<String> = std::fs::read_dir(&dir)
            .expect("the folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 3, "{names:?}");
        let first = std::fs::read_to_string(dir.join("crash-2026-12-06-235012.txt"));
        assert!(first.is_ok_and(|t| t.contains("message: crash 0")));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A panic caught on purpose is no crash: no report. One that ends the program is:
    /// its report, the crash's exit code.
    #[test]
    fn only_a_panic_that_ends_the_program_is_reported() {
        let _one = crate::panics::tests_one_at_a_time();
        let dir = std::env::temp_dir().join(format!("sleep-sync-crash-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = || Some(Store::folder(&dir));
        let code = reporting(store(), || {
            let caught = std::panic::catch_unwind(|| panic!("a generator bug, caught"));
            assert!(caught.is_err());
            ExitCode::SUCCESS
        });
        assert_eq!(code, ExitCode::SUCCESS);
        assert!(!dir.join(FOLDER).exists(), "no report for a caught panic");
        // The app ended with an error after a panic on another thread (Bevy's render
        // thread): a crash, reported. After a panic caught and forgotten: not.
        let code = reporting(store(), || {
            let _ = std::thread::spawn(|| panic!("the render thread's panic")).join();
            forget_panics();
            ExitCode::from(1)
        });
        assert_eq!(code, ExitCode::from(1));
        assert!(
            !dir.join(FOLDER).exists(),
            "no report for a forgotten panic"
        );
        let code = reporting(store(), || {
            let _ = std::thread::spawn(|| panic!("the render thread's panic")).join();
            ExitCode::from(1)
        });
        assert_eq!(code, ExitCode::from(CRASH_EXIT));
        let code = reporting(store(), || panic!("a bug nobody caught"));
        assert_eq!(code, ExitCode::from(CRASH_EXIT));
        let reports: Vec<_> = std::fs::read_dir(dir.join(FOLDER))
            .expect("the reports' folder")
            .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("reads"))
            .collect();
        assert_eq!(reports.len(), 2);
        let said = |message: &str| {
            reports
                .iter()
                .find(|r| r.contains(&format!("message: {message}\n")))
                .cloned()
        };
        let render = said("the render thread's panic").expect("the render thread's");
        assert!(render.contains("where: src/crash.rs:"), "{render}");
        assert!(said("a bug nobody caught").is_some(), "{reports:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_crash_is_the_last_panic_with_its_message() {
        let mut panics: VecDeque<(Report, Backtrace)> = [
            (0, "the crash"),
            (1, "a generator bug, caught"),
            (2, "the crash"),
            (3, "a lock poisoned by the crash"),
        ]
        .into_iter()
        .map(|(at, message)| (report_at(at, message), Backtrace::force_capture()))
        .collect();
        let crash = take_the_crash(&mut panics, "the crash");
        assert_eq!((crash.at_unix, crash.message.as_str()), (2, "the crash"));
        assert!(!crash.backtrace.is_empty(), "its backtrace, symbolised");
        // Without one of that message: the last one; without any, the message alone.
        assert_eq!(take_the_crash(&mut panics, "resumed elsewhere").at_unix, 3);
        assert_eq!(take_the_crash(&mut panics, "x").at_unix, 1);
        assert_eq!(take_the_crash(&mut panics, "the crash").at_unix, 0);
        let alone = take_the_crash(&mut panics, "never seen by the hook");
        assert_eq!(alone.message, "never seen by the hook");
        assert!(alone.location.is_none() && alone.backtrace.is_empty());
    }

    #[test]
    fn log_records_keep_their_own_target() {
        let mut fields = Fields::default();
        fields.add("message", format_args!("device lost"));
        fields.add("log.target", format_args!("wgpu_core::device"));
        fields.add("log.file", format_args!("/root/.cargo/x.rs"));
        fields.add("adapter", format_args!("{:?}", "lavapipe"));
        assert_eq!(fields.log_target.as_deref(), Some("wgpu_core::device"));
        assert_eq!(fields.text, " device lost adapter=\"lavapipe\"");
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
