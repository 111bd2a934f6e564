//! The store saves and settings are kept in: a write replaces the old contents whole or
//! leaves them byte-identical — when any step fails, when the disk is full, and when the
//! writing process is killed at any moment.

use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sleep_sync::saves::file::{SavedDesk, SavedNetwork};
use sleep_sync::saves::{AUTOSAVE, Chapter, SaveFile, VERSION};
use sleep_sync::store::{Step, Store};

/// A fresh, empty folder for one test.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sleep-sync-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp folder");
    dir
}

/// Everything in `dir`, names and bytes, sorted.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = walk(dir)
        .into_iter()
        .map(|p| {
            let name = p.strip_prefix(dir).expect("inside").display().to_string();
            (name, std::fs::read(&p).expect("readable"))
        })
        .collect();
    all.sort();
    all
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn a_write_that_fails_at_any_step_leaves_the_old_contents_as_they_were() {
    let dir = folder("steps");
    let store = Store::folder(&dir);
    store
        .write("saves/autosave.ron", b"the old save")
        .expect("first write");
    store
        .write("settings.toml", b"[sound]\nmaster = 0.5\n")
        .expect("settings");
    let before = contents(&dir);
    for failing in Step::ALL {
        for name in ["saves/autosave.ron", "settings.toml"] {
            let result = store.write_with(name, b"the new contents", &mut |step| {
                if step == failing {
                    Err(io::Error::other("injected"))
                } else {
                    Ok(())
                }
            });
            let error = result.expect_err("the step failed");
            assert_eq!(error.name, name);
            assert!(error.to_string().contains("injected"), "{error}");
            assert_eq!(contents(&dir), before, "{failing:?} on {name}");
        }
    }
    // And a write that fails for a first save leaves no save at all, not half of one.
    let result = store.write_with("saves/slot-1.ron", b"new", &mut |step| {
        if step == Step::SyncFolder {
            Err(io::Error::other("injected"))
        } else {
            Ok(())
        }
    });
    assert!(result.is_err());
    assert_eq!(contents(&dir), before);
    // Without faults, the new contents are there whole, and nothing else is left.
    store
        .write("saves/autosave.ron", b"the new save")
        .expect("writes");
    assert_eq!(
        store.read("saves/autosave.ron").expect("reads"),
        Some(b"the new save".to_vec())
    );
    assert_eq!(contents(&dir).len(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A real full disk: the kernel's own ENOSPC, from writing through a temporary file that
/// is `/dev/full`.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_leaves_the_old_save_and_says_so() {
    let dir = folder("full");
    let store = Store::folder(&dir);
    store
        .write("saves/autosave.ron", b"the old save")
        .expect("first write");
    let before = contents(&dir);
    std::os::unix::fs::symlink("/dev/full", dir.join("saves/.autosave.ron.writing"))
        .expect("symlink");
    let error = store
        .write("saves/autosave.ron", &vec![b'x'; 64 * 1024])
        .expect_err("the disk is full");
    assert_eq!(error.error.raw_os_error(), Some(28), "ENOSPC: {error}");
    assert!(error.to_string().contains("No space left"), "{error}");
    assert_eq!(contents(&dir), before);
    assert_eq!(
        store.read("saves/autosave.ron").expect("reads"),
        Some(b"the old save".to_vec())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_save_that_cannot_be_read_is_set_aside_not_overwritten() {
    let dir = folder("aside");
    let store = Store::folder(&dir);
    store
        .write("saves/autosave.ron", b"garbage")
        .expect("write");
    let games = sleep_sync::saves::read_saves(&store);
    assert!(games.saves.is_empty());
    let problem = games.problem.expect("said so");
    assert!(
        problem.contains("autosave.ron") && problem.contains("broken"),
        "{problem}"
    );
    assert_eq!(store.read("saves/autosave.ron").expect("reads"), None);
    assert_eq!(
        store.read("saves/autosave.broken.ron").expect("reads"),
        Some(b"garbage".to_vec())
    );
    // A second broken one does not replace the first.
    store
        .write("saves/autosave.ron", b"more garbage")
        .expect("write");
    sleep_sync::saves::read_saves(&store);
    assert_eq!(
        store.read("saves/autosave.broken.ron").expect("reads"),
        Some(b"garbage".to_vec())
    );
    assert_eq!(
        store.read("saves/autosave.broken-2.ron").expect("reads"),
        Some(b"more garbage".to_vec())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Save number `generation` (its `saved_at`), with some body to it.
fn generation(generation: u64) -> SaveFile {
    SaveFile {
        version: VERSION,
        game: String::new(),
        saved_at: generation,
        played_seconds: generation as f64,
        chapter: Chapter::NightShift,
        network: SavedNetwork {
            seed: generation,
            sleepers: 12_000,
            family: Vec::new(),
            minute: 3000 + generation,
            journal: Vec::new(),
            digest: generation.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        },
        desk: SavedDesk {
            start_minute: 2760,
            inbox: (0..40).map(|i| (i, 2760)).collect(),
            ..SavedDesk::default()
        },
        dives: Default::default(),
    }
}

/// Environment variables that make this test binary the writer the kill test kills.
const WRITER_DIR: &str = "SLEEP_SYNC_KILL_WRITER_DIR";
const WRITER_FROM: &str = "SLEEP_SYNC_KILL_WRITER_FROM";

/// Kills per run: 200 here (a few seconds); `KILLS` sets more (`scripts/bench.sh`).
fn kills() -> u32 {
    std::env::var("KILLS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(200)
}

/// The writer: saves generation after generation through the game's store, printing
/// each number once it is written. Run by the kill test as a child process (ignored
/// otherwise: alone it would write forever).
#[test]
#[ignore = "the kill test's child process"]
fn kill_writer_child() {
    let (Ok(dir), Ok(from)) = (std::env::var(WRITER_DIR), std::env::var(WRITER_FROM)) else {
        return;
    };
    let store = Store::folder(dir);
    let mut next: u64 = from.parse().expect("a number");
    let mut out = io::stdout();
    loop {
        let text = generation(next).to_text();
        store.write(AUTOSAVE, text.as_bytes()).expect("written");
        use std::io::Write as _;
        writeln!(out, "{next}").expect("stdout");
        out.flush().expect("stdout");
        next += 1;
    }
}

/// A tiny seeded generator (the kill moments must be the same every run).
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn a_writer_killed_at_any_moment_leaves_a_whole_save() {
    let dir = folder("kill");
    let store = Store::folder(&dir);
    // The save the player had before the writer ever ran.
    store
        .write(AUTOSAVE, generation(0).to_text().as_bytes())
        .expect("first save");
    let me = std::env::current_exe().expect("this test binary");
    let mut confirmed = 0u64;
    let mut random = 0x5EED_u64;
    let (mut intact, mut in_flight) = (0u32, 0u32);
    let started = Instant::now();
    for kill in 0..kills() {
        let mut child = Command::new(&me)
            .args([
                "kill_writer_child",
                "--exact",
                "--ignored",
                "--nocapture",
                "--quiet",
            ])
            .env(WRITER_DIR, &dir)
            .env(WRITER_FROM, (confirmed + 1).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("writer starts");
        // Once it is writing (its first save said), killed 0–20 ms later: at any step
        // of a write, or between two.
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let first = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| line.trim().parse::<u64>().ok());
        let first = first.unwrap_or_else(|| panic!("kill {kill}: the writer never wrote"));
        confirmed = confirmed.max(first);
        let wait = next_random(&mut random) % 20_000;
        std::thread::sleep(Duration::from_micros(wait));
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        for line in lines.map_while(Result::ok) {
            if let Ok(n) = line.trim().parse::<u64>() {
                confirmed = confirmed.max(n);
            }
        }
        let bytes = store
            .read(AUTOSAVE)
            .expect("readable")
            .unwrap_or_else(|| panic!("kill {kill}: no save left"));
        let save = SaveFile::parse(AUTOSAVE, &bytes)
            .unwrap_or_else(|e| panic!("kill {kill}: the save does not load: {e:?}"));
        // The last confirmed, or the one being written when the kill came (renamed in
        // place before it could say so).
        assert!(
            save.saved_at == confirmed || save.saved_at == confirmed + 1,
            "kill {kill}: generation {} on disk, {confirmed} confirmed",
            save.saved_at
        );
        assert_eq!(
            save,
            generation(save.saved_at),
            "kill {kill}: not as written"
        );
        if save.saved_at == confirmed {
            intact += 1;
        } else {
            in_flight += 1;
            confirmed = save.saved_at;
        }
    }
    println!(
        "{} kills in {:.1} s: every save whole and loading ({intact} the last confirmed, \
         {in_flight} the one in flight); {confirmed} generations written",
        kills(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        confirmed > 0,
        "the writer never wrote: the kills tested nothing"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
