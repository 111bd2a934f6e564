//! Bad input gets a clear error and nothing else: every file of the broken-file corpus
//! (`tests/corpus/`) and a few generated horrors are rejected with a located message,
//! without a panic, a hang, or memory beyond a small bound.
//!
//! One test on purpose: the allocation count below is for this thread's work alone.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sleep_sync::levels::{
    self, LevelDocument, LevelError, LevelFile, Library, MAX_FILE_BYTES, Source, disk,
};

/// Counts live heap bytes and their peak, to show parsing stays bounded.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: the caller's layout is passed on unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most any one bad input may take to be rejected (generous: a hang is what fails).
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// Heap growth allowed while rejecting one input, beyond the input itself.
const MEMORY_LIMIT: usize = 64 << 20;

fn corpus() -> PathBuf {
    levels::data_root().join("tests/corpus")
}

/// Parses `bytes` as level file `name` on another thread, failing on a hang. Returns the
/// errors and the peak heap growth while parsing.
fn reject(name: &str, bytes: Vec<u8>) -> (Vec<String>, usize) {
    let (tx, rx) = mpsc::channel();
    let owned = name.to_owned();
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let started = Instant::now();
    std::thread::spawn(move || {
        let result = LevelDocument::parse(&owned, &bytes);
        let _ = tx.send(result.map(|_| ()));
    });
    let result = rx
        .recv_timeout(TIME_LIMIT)
        .unwrap_or_else(|_| panic!("{name}: no answer in {TIME_LIMIT:?} (hang or panic)"));
    let grew = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    let errors = match result {
        Ok(()) => panic!("{name}: accepted, but it is broken"),
        Err(errors) => errors,
    };
    assert!(!errors.is_empty(), "{name}: rejected without a reason");
    assert!(
        started.elapsed() < TIME_LIMIT,
        "{name}: took {:?}",
        started.elapsed()
    );
    (errors.iter().map(LevelError::to_string).collect(), grew)
}

/// `NAME | LINE:COL | substring` lines of `expected.txt`.
fn expectations() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(corpus().join("expected.txt")).expect("expected.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let parts: Vec<&str> = line.splitn(3, '|').map(str::trim).collect();
            assert_eq!(parts.len(), 3, "bad expectation line: {line}");
            (
                parts[0].to_owned(),
                parts[1].to_owned(),
                parts[2].to_owned(),
            )
        })
        .collect()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("corpus folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_broken_file_is_rejected_with_a_located_message_and_nothing_else() {
    let expected = expectations();
    let mut checked = 0;
    let mut worst_memory = (0usize, String::new());

    // Single files, each parsed alone.
    let files = files_in(&corpus().join("files"));
    for name in &files {
        let (_, place, needle) = expected
            .iter()
            .find(|(n, _, _)| n == name)
            .unwrap_or_else(|| panic!("{name} has no line in expected.txt"));
        let bytes = std::fs::read(corpus().join("files").join(name)).expect("corpus file");
        let (errors, grew) = reject(name, bytes);
        let prefix = format!("{name}:{place}:");
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with(&prefix) && e.contains(needle.as_str())),
            "{name}: expected an error at {place} containing {needle:?}, got {errors:#?}"
        );
        assert!(grew < 16 << 20, "{name}: heap grew {grew} bytes");
        if grew > worst_memory.0 {
            worst_memory = (grew, name.clone());
        }
        checked += 1;
    }
    for (name, _, _) in &expected {
        assert!(
            name.starts_with("mods/") || files.contains(name),
            "expected.txt names {name}, which is not in tests/corpus/files"
        );
    }

    // Mod folders with problems across files, loaded after the base game.
    let base = levels::data_root().join("levels");
    for case in files_in(&corpus().join("mods")) {
        let key = format!("mods/{case}");
        let lines: Vec<_> = expected.iter().filter(|(n, _, _)| *n == key).collect();
        assert!(!lines.is_empty(), "{key} has no line in expected.txt");
        let assembly = disk::load(&base, &[corpus().join(&key)], &corpus());
        let errors: Vec<String> = assembly.errors.iter().map(ToString::to_string).collect();
        for (_, place, needle) in lines {
            let prefix = format!("{key}/{place}");
            assert!(
                errors
                    .iter()
                    .any(|e| e.starts_with(&prefix) && e.contains(needle.as_str())),
                "{key}: expected an error at {place} containing {needle:?}, got {errors:#?}"
            );
        }
        assert!(
            assembly.library.dive("leo").is_some() && assembly.library.dive("mara").is_some(),
            "{key}: a broken mod must not take the base game down"
        );
        checked += 1;
    }

    // Generated horrors: too big, binary, not UTF-8, nested without end.
    let mut horrors: Vec<(&str, Vec<u8>, &str)> = Vec::new();
    let ten_mb = b"(id: \""
        .iter()
        .copied()
        .chain(std::iter::repeat_n(b'a', 10 << 20))
        .collect();
    horrors.push(("huge.dreamer.ron", ten_mb, "too big for a level file"));
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let garbage = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    horrors.push(("garbage.dream.ron", garbage, "garbage.dream.ron:1:"));
    horrors.push((
        "latin1.dreamer.ron",
        b"(\n    id: \"ren\xe9\",\n)".to_vec(),
        "latin1.dreamer.ron:2:13: not UTF-8",
    ));
    let deep = format!("(id: {}", "[".repeat(100_000)).into_bytes();
    horrors.push(("deep.dialogue.ron", deep, "deep.dialogue.ron:1:"));
    let deep_closed = format!("(nodes: {}{})", "[".repeat(5_000), "]".repeat(5_000)).into_bytes();
    horrors.push((
        "deep-closed.dialogue.ron",
        deep_closed,
        "deep-closed.dialogue.ron:1:",
    ));
    let wide = format!(
        "(dives: [{}])",
        "\"leo\",".repeat((MAX_FILE_BYTES - 64) / 6)
    )
    .into_bytes();
    horrors.push(("wide.campaign.ron", wide, "wide.campaign.ron:1:"));
    horrors.push(("nameless.ron", b"()".to_vec(), "not a level file name"));
    for (name, bytes, needle) in horrors {
        let size = bytes.len();
        let (errors, grew) = reject(name, bytes);
        assert!(
            errors.iter().any(|e| e.contains(needle)),
            "{name}: expected {needle:?}, got {errors:#?}"
        );
        assert!(
            grew < MEMORY_LIMIT + 8 * size.min(MAX_FILE_BYTES),
            "{name}: heap grew {grew} bytes while rejecting {size} bytes"
        );
        if grew > worst_memory.0 {
            worst_memory = (grew, name.to_owned());
        }
        checked += 1;
    }

    // A mod listing 199 dives that do not exist: reported, capped, quickly.
    let ids: Vec<String> = (0..199).map(|i| format!("\"nowhere-{i}\"")).collect();
    let manifest = format!("(name: \"Lost\", dives: [{}])", ids.join(", "));
    let lost = LevelFile::parse(1, "mods/lost/mod.ron", manifest.as_bytes()).expect("sound alone");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let sources = vec![
            Source {
                folder: "levels".to_owned(),
            },
            Source {
                folder: "mods/lost".to_owned(),
            },
        ];
        let _ = tx.send(Library::assemble(sources, vec![lost], &[]).errors);
    });
    let errors = rx.recv_timeout(TIME_LIMIT).expect("assembled in time");
    assert_eq!(errors.len(), levels::MAX_ERRORS_PER_FILE + 2, "{errors:#?}");
    assert!(
        errors[0].to_string().starts_with("mods/lost/mod.ron:1:"),
        "{}",
        errors[0]
    );
    assert!(
        errors
            .iter()
            .any(|e| e.to_string() == "mods/lost/mod.ron: 149 more problems not shown"),
        "{errors:#?}"
    );
    checked += 1;

    // A 10 MB file on disk is refused unread.
    let big = std::env::temp_dir().join(format!("sleep-sync-big-{}.dream.ron", std::process::id()));
    std::fs::write(&big, vec![b' '; 10 << 20]).expect("big file");
    let err = disk::read_capped(&big, "big.dream.ron").expect_err("too big");
    assert!(err.to_string().contains("10.5 MB is too big"), "{err}");
    let _ = std::fs::remove_file(&big);

    assert!(checked >= 40, "only {checked} bad inputs checked");
    println!(
        "bad inputs rejected: {checked}; most heap while rejecting one: {:.1} MB ({})",
        worst_memory.0 as f64 / 1e6,
        worst_memory.1
    );
}
