//! Fuzzing the replay format (issue 22): 10,000 mutations of the shipped replays, some
//! of their bytes (flipped, cut, repeated, RON and extreme numbers spliced in), some of
//! their values (ticks, loops, walks, headings, answers, outcomes at and past their
//! bounds), are each read and checked. Nothing panics; every error names its file and
//! prints no control character; a value out of bounds is always refused and one within
//! them never is; no file costs more than a bounded heap to refuse. A sample of those
//! that check out is played headless under a frame cap, and a dive started at the last
//! loop a dive reaches plays without overflowing.
//!
//! The test profile keeps overflow checks on (checked below), so an unchecked sum of a
//! file's numbers would panic here rather than wrap.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};
use std::sync::OnceLock;

mod fuzz_bytes;

use proptest::prelude::*;
use proptest::test_runner::{RngAlgorithm, TestRng, TestRunner};
use sleep_sync::commands::replay_headless_within;
use sleep_sync::dive::MAX_LOOP_INDEX;
use sleep_sync::levels;
use sleep_sync::levels::strangers::StrangerKey;
use sleep_sync::network::SleeperProfile;
use sleep_sync::replay::{
    CHECK_EVERY, MAX_REPLAY_BYTES, MAX_REPLAY_TICKS, ReplayError, ReplayFile,
};

/// Counts each thread's heap in use and its peak, so a case's cost can be bounded while
/// other threads read other cases.
struct Counting;

thread_local! {
    /// What this thread allocated less what it freed (below zero when it frees what
    /// another thread allocated), and the most that has been since [`heap_taken`] began.
    static IN_USE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

/// Adds `change` to this thread's heap in use. `try_with`: a thread's last frees may
/// come after its locals are gone (these have nothing to drop, so they never are).
fn count(change: isize) {
    let _ = IN_USE.try_with(|in_use| {
        let now = in_use.get() + change;
        in_use.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is passed straight to the system allocator; the counters only
// observe the sizes (and allocate nothing).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(p, layout) };
        count(-(layout.size() as isize));
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Checks that the count sees this thread's heap: else every bound measured on it would
/// hold for nothing.
fn counts_this_threads_heap() {
    let (_, megabyte) = heap_taken(|| std::hint::black_box(vec![1u8; 1 << 20]));
    assert!(
        megabyte >= 1 << 20,
        "a megabyte counted as {megabyte} bytes"
    );
}

/// What `f` returns, and the most heap this thread held beyond what it held before
/// while `f` ran.
fn heap_taken<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = IN_USE.with(Cell::get);
    PEAK.with(|peak| peak.set(base));
    let out = f();
    let peak = PEAK.with(Cell::get);
    (out, (peak - base).max(0) as usize)
}

/// The most heap refusing or reading a file may take: a small multiple of its size
/// (parsed tuples, and the scan that locates each problem in the text), plus a little.
fn heap_allowed(bytes: usize) -> usize {
    128 * bytes + (1 << 20)
}

/// Cases in CI (and in `scripts/bench.sh`): the 10,000.
const CASES: u32 = 10_000;
/// The cases are dealt to this many threads, each with its own stream of them (the
/// same streams every run and on every machine): CI's two cores read them at once.
const SHARDS: u32 = 2;
const _: () = assert!(CASES.is_multiple_of(SHARDS), "every shard as many cases");
/// Mutants that check out played headless (their first 300 ticks), and the frames each
/// may take (forming the dream takes a few hundred).
const PLAYED: usize = 8;
const PLAYED_TICKS: u64 = 300;
const PLAY_FRAMES: u64 = 5_000;

/// The shipped replays, whole (up to 210 KB) and cut to their first 300 intent changes
/// (so most cases are cheap).
fn seeds() -> &'static [(String, Vec<u8>)] {
    static SEEDS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let folder = levels::data_root().join("tests/replays");
        let mut out = Vec::new();
        for name in ["leo", "mara", "family", "bedtime"] {
            let path = folder.join(format!("{name}.replay.ron"));
            let file = ReplayFile::read(&path).unwrap_or_else(|e| panic!("{e}"));
            let mut short = file.clone();
            short.intents.truncate(300);
            let end = short.intents.last().map_or(1, |i| i.0);
            short.ticks = end;
            short.answers.retain(|a| a.0 <= end);
            short
                .checkpoints
                .retain(|c| c.0 <= end && (c.0 % CHECK_EVERY == 0 || c.0 == end));
            out.push((format!("{name}.replay.ron"), short.to_ron().into_bytes()));
            out.push((
                format!("{name}-whole.replay.ron"),
                std::fs::read(&path).expect("the shipped replay"),
            ));
        }
        out
    })
}

/// Pieces of RON and extreme numbers that make interesting damage.
const SPLICES: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "//",
    "/*",
    "\\",
    "r#\"",
    "NaN",
    "inf",
    "-1",
    "0",
    "18446744073709551615",
    "18446744073709551616",
    "4294967295",
    "2147483647",
    "-2147483648",
    "32767",
    "-32768",
    "Some(",
    "None",
    "true",
    "format: 2,",
    "format: 9,",
    "simulation: 7,",
    "\"\u{1b}[31mred\u{1b}[0m\"",
    "\"\u{202e}txt.exe\"",
    "stranger: Some((network_seed: 1, profile: (sleeper: 5))),",
    "\u{0}",
    "\u{feff}",
    "\n",
];

/// A value set past, at or within its bound.
#[derive(Debug, Clone)]
enum Value {
    Ticks(u64),
    StartLoop(u32),
    Walk {
        at: f64,
        x: i16,
        y: i16,
    },
    Yaw {
        at: f64,
        yaw: i32,
    },
    TickOf {
        at: f64,
        tick: u64,
    },
    Repeat {
        at: f64,
    },
    Answer {
        tick: u64,
        choice: usize,
    },
    Loops(u32),
    Anchors(usize),
    Pace(f32),
    Game(String),
    Content(String),
    Dream(String),
    /// `story.flags` set to this many ids (the first `bad` of them not ids).
    Flags {
        count: usize,
        bad: bool,
    },
    /// A stranger's key on the file, naming this sleeper (the dream left as it is).
    Stranger(usize),
    /// Two answers swapped (out of order when they differ).
    SwapAnswers {
        at: f64,
    },
    /// A checkpoint moved to another tick.
    CheckpointTick {
        at: f64,
        tick: u64,
    },
    /// A checkpoint's hashes changed: it still reads (and would not match in play).
    CheckpointHash {
        at: f64,
        hash: u64,
    },
    Platform(String),
    /// The memories understood when the dive began.
    Understood(Vec<usize>),
    /// The relapses when the dive began.
    Relapses(u32),
}

/// Whether `file`'s checkpoints are where checkpoints can be once it has played
/// `ticks`: rising, each second and at the end, none after it.
fn checkpoints_fit(file: &ReplayFile, ticks: u64) -> bool {
    file.checkpoints.windows(2).all(|w| w[0].0 < w[1].0)
        && file
            .checkpoints
            .iter()
            .all(|&(t, _)| t <= ticks && (t % CHECK_EVERY == 0 || t == ticks))
}

/// Whether `id` is a level id: 1 to 32 of `a-z`, `0-9`, `_`, `-`.
fn is_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-".contains(c))
}

impl Value {
    /// Whether the changed file must be refused. (`None`: it depends on the file.)
    fn refused(&self, file: &ReplayFile) -> Option<bool> {
        let walk = |x: i16, y: i16| {
            let (x, y) = (i64::from(x), i64::from(y));
            x.abs() > 1000 || y.abs() > 1000 || x * x + y * y > 1001 * 1001
        };
        Some(match self {
            Value::Ticks(t) => {
                *t > MAX_REPLAY_TICKS
                    || file.intents.last().is_some_and(|i| i.0 > *t)
                    || file.answers.last().is_some_and(|a| a.0 > *t)
                    || !checkpoints_fit(file, *t)
            }
            Value::StartLoop(l) => *l > MAX_LOOP_INDEX,
            Value::Walk { x, y, .. } => walk(*x, *y),
            Value::Yaw { yaw, .. } => !(0..=62_832).contains(yaw),
            Value::Repeat { .. } => !file.intents.is_empty(),
            Value::Answer { choice, .. } => {
                let mut changed = file.clone();
                self.apply(&mut changed);
                *choice >= 6 || !checkpoints_fit(&changed, changed.ticks)
            }
            Value::Loops(l) => *l == 0 || *l > MAX_LOOP_INDEX + 1,
            Value::Anchors(a) => *a > 32,
            Value::Pace(p) => !(1.0..=2.0).contains(p),
            Value::Game(g) => {
                g.is_empty()
                    || g.len() > 32
                    || !g
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c))
            }
            Value::Content(c) => !(c.len() == 16 && c.bytes().all(|b| b.is_ascii_hexdigit())),
            // A stranger's dream needs the stranger's key, which no shipped replay holds.
            Value::Dream(d) => !is_id(d) || (d.starts_with("sleeper#") && file.stranger.is_none()),
            Value::Flags { count, bad } => *count > 1024 || (*bad && *count > 0),
            // Only a stranger's dream holds a key, and the shipped replays are not.
            Value::Stranger(_) => true,
            Value::SwapAnswers { at } => {
                let i = ((at * file.answers.len() as f64) as usize)
                    .min(file.answers.len().saturating_sub(2));
                file.answers.len() >= 2 && file.answers[i].0 != file.answers[i + 1].0
            }
            Value::CheckpointTick { .. } => {
                let mut changed = file.clone();
                self.apply(&mut changed);
                !checkpoints_fit(&changed, changed.ticks)
            }
            Value::CheckpointHash { .. } => false,
            Value::Platform(p) => {
                !p.is_empty()
                    && (p.len() > 32
                        || !p
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c)))
            }
            Value::Understood(memories) => {
                let set: std::collections::BTreeSet<_> = memories.iter().collect();
                set.len() > 32 || set.iter().any(|&&i| i >= 32)
            }
            Value::Relapses(r) => *r > MAX_LOOP_INDEX,
            Value::TickOf { .. } => return None,
        })
    }

    fn apply(&self, file: &mut ReplayFile) {
        let spot = |at: f64, len: usize| ((at * len as f64) as usize).min(len.saturating_sub(1));
        match self {
            Value::Ticks(t) => file.ticks = *t,
            Value::StartLoop(l) => file.start_loop = *l,
            Value::Walk { at, x, y } => {
                let i = spot(*at, file.intents.len());
                if let Some(intent) = file.intents.get_mut(i) {
                    (intent.1, intent.2) = (*x, *y);
                }
            }
            Value::Yaw { at, yaw } => {
                let i = spot(*at, file.intents.len());
                if let Some(intent) = file.intents.get_mut(i) {
                    intent.4 = *yaw;
                }
            }
            Value::TickOf { at, tick } => {
                let i = spot(*at, file.intents.len());
                if let Some(intent) = file.intents.get_mut(i) {
                    intent.0 = *tick;
                }
            }
            Value::Repeat { at } => {
                let i = spot(*at, file.intents.len());
                if let Some(&intent) = file.intents.get(i) {
                    file.intents.insert(i, intent);
                }
            }
            Value::Answer { tick, choice } => {
                // Past every other answer, within the ticks played.
                let after = file.answers.last().map_or(0, |a| a.0);
                let tick = (after + 1 + tick % 100).min(file.ticks.max(after + 1));
                file.ticks = file.ticks.max(tick);
                file.answers.push((tick, *choice));
            }
            Value::Loops(l) => file.outcome.loops = *l,
            Value::Anchors(a) => file.outcome.anchors = *a,
            Value::Pace(p) => file.pace = *p,
            Value::Game(g) => file.game = g.clone(),
            Value::Content(c) => file.content = c.clone(),
            Value::Dream(d) => file.dream = d.clone(),
            Value::Flags { count, bad } => {
                file.story.flags = (0..*count)
                    .map(|i| {
                        if *bad && i == 0 {
                            "Not An Id".to_owned()
                        } else {
                            format!("flag_{i}")
                        }
                    })
                    .collect();
            }
            Value::Stranger(sleeper) => {
                file.stranger = Some(StrangerKey {
                    network_seed: 7,
                    profile: SleeperProfile {
                        sleeper: *sleeper,
                        ..SleeperProfile::MIDDLING
                    },
                });
            }
            Value::SwapAnswers { at } => {
                if file.answers.len() >= 2 {
                    let i = ((at * file.answers.len() as f64) as usize).min(file.answers.len() - 2);
                    file.answers.swap(i, i + 1);
                }
            }
            Value::CheckpointTick { at, tick } => {
                let i = spot(*at, file.checkpoints.len());
                if let Some(checkpoint) = file.checkpoints.get_mut(i) {
                    checkpoint.0 = *tick;
                }
            }
            Value::CheckpointHash { at, hash } => {
                let i = spot(*at, file.checkpoints.len());
                if let Some(checkpoint) = file.checkpoints.get_mut(i) {
                    checkpoint.1[i % checkpoint.1.len()] = *hash;
                }
            }
            Value::Platform(p) => file.platform = p.clone(),
            Value::Understood(memories) => file.understood = memories.iter().copied().collect(),
            Value::Relapses(r) => file.relapses = *r,
        }
    }
}

fn value() -> impl Strategy<Value = Value> {
    let near = |bound: u64| {
        prop_oneof![
            Just(0u64),
            Just(bound),
            Just(bound + 1),
            Just(u64::MAX),
            0..=bound.saturating_mul(2),
        ]
    };
    prop_oneof![
        near(MAX_REPLAY_TICKS).prop_map(Value::Ticks),
        near(u64::from(MAX_LOOP_INDEX))
            .prop_map(|l| Value::StartLoop(l.min(u64::from(u32::MAX)) as u32)),
        Just(Value::StartLoop(u32::MAX)),
        (0.0..1.0f64, any::<i16>(), any::<i16>()).prop_map(|(at, x, y)| Value::Walk { at, x, y }),
        (0.0..1.0f64, -1000..=1000i16, -700..=700i16).prop_map(|(at, x, y)| Value::Walk {
            at,
            x,
            y
        }),
        (0.0..1.0f64, any::<i32>()).prop_map(|(at, yaw)| Value::Yaw { at, yaw }),
        (0.0..1.0f64, 0..=62_832i32).prop_map(|(at, yaw)| Value::Yaw { at, yaw }),
        (0.0..1.0f64, any::<u64>()).prop_map(|(at, tick)| Value::TickOf { at, tick }),
        (0.0..1.0f64).prop_map(|at| Value::Repeat { at }),
        (
            any::<u64>(),
            prop_oneof![0..6usize, Just(6usize), Just(usize::MAX)]
        )
            .prop_map(|(tick, choice)| Value::Answer { tick, choice }),
        near(u64::from(MAX_LOOP_INDEX) + 1)
            .prop_map(|l| Value::Loops(l.min(u64::from(u32::MAX)) as u32)),
        prop_oneof![0..=32usize, Just(33usize), Just(usize::MAX)].prop_map(Value::Anchors),
        prop_oneof![Just(f32::NAN), Just(0.5f32), 1.0..=2.0f32, Just(1e30f32)]
            .prop_map(Value::Pace),
        prop_oneof![
            Just(String::new()),
            Just("0.2.0-rc.1+abc".to_owned()),
            Just("\u{1b}[2J".to_owned()),
            "[a-z0-9.]{1,40}",
        ]
        .prop_map(Value::Game),
        prop_oneof![
            Just("0123456789abcdef".to_owned()),
            Just("0123456789ABCDEF".to_owned()),
            Just("0123456789abcdeg".to_owned()),
            Just(String::new()),
            "[0-9a-f]{15,17}",
        ]
        .prop_map(Value::Content),
        prop_oneof![
            Just("leo".to_owned()),
            Just("sleeper#12".to_owned()),
            Just("Leo Smith".to_owned()),
            Just("\u{1b}[31m".to_owned()),
            Just("x".repeat(33)),
            "[a-z_-]{1,32}",
        ]
        .prop_map(Value::Dream),
        (
            prop_oneof![0..=3usize, Just(1024usize), Just(1025usize)],
            any::<bool>()
        )
            .prop_map(|(count, bad)| Value::Flags { count, bad }),
        (0..20_000usize).prop_map(Value::Stranger),
        (0.0..1.0f64).prop_map(|at| Value::SwapAnswers { at }),
        (
            0.0..1.0f64,
            prop_oneof![
                (0..200u64).prop_map(|s| s * CHECK_EVERY),
                any::<u64>(),
                0..12_000u64
            ]
        )
            .prop_map(|(at, tick)| Value::CheckpointTick { at, tick }),
        (0.0..1.0f64, any::<u64>()).prop_map(|(at, hash)| Value::CheckpointHash { at, hash }),
        prop_oneof![
            Just(String::new()),
            Just("linux-x86_64".to_owned()),
            Just("\u{202e}x".to_owned()),
            "[a-z0-9_-]{1,40}",
        ]
        .prop_map(Value::Platform),
        prop_oneof![
            prop::collection::vec(0..32usize, 0..4),
            prop::collection::vec(0..40usize, 0..40),
            Just((0..33).collect::<Vec<usize>>()),
            Just(vec![usize::MAX]),
        ]
        .prop_map(Value::Understood),
        near(u64::from(MAX_LOOP_INDEX))
            .prop_map(|r| Value::Relapses(r.min(u64::from(u32::MAX)) as u32)),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Bytes(Vec<fuzz_bytes::Damage>),
    /// One value of a file that reads, changed (one, so whether the file must be
    /// refused is known from the value alone).
    Value(Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        prop::collection::vec(fuzz_bytes::damage(SPLICES.len()), 1..4).prop_map(Mutation::Bytes),
        value().prop_map(Mutation::Value),
    ]
}

/// What every refusal must be: its file named first, no character that would steer a
/// terminal, each problem located where the file is short enough to scan.
fn check_error(name: &str, size: usize, error: &ReplayError) -> Result<(), TestCaseError> {
    let text = error.to_string();
    for line in text.lines() {
        prop_assert!(line.starts_with(name), "{:?} does not name {}", line, name);
    }
    prop_assert!(
        !text
            .chars()
            .any(|c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c)),
        "{:?} prints control characters",
        text
    );
    if let ReplayError::Invalid { problems } = error
        && size <= levels::MAX_FILE_BYTES
    {
        for problem in problems {
            if let levels::LevelError::Invalid { at, .. } = problem {
                prop_assert!(at.is_some(), "{} is not located", problem);
            }
        }
    }
    Ok(())
}

#[test]
fn the_test_build_checks_overflow() {
    let sum = std::panic::catch_unwind(|| std::hint::black_box(u32::MAX) + 1);
    assert!(
        sum.is_err(),
        "overflow checks are off: the fuzz test would miss overflows"
    );
}

/// What one thread's share of the cases came to.
#[derive(Default)]
struct Shard {
    ran: u32,
    refused: u32,
    accepted: u32,
    /// The most heap a case took, and its file's size.
    worst_heap: (usize, usize),
    /// Cases that read and can be played (see [`PLAYED`]), the first few.
    playable: Vec<ReplayFile>,
}

/// Reads `cases` mutated replays drawn from `rng` and checks each.
fn fuzz(cases: u32, rng: TestRng) -> Shard {
    counts_this_threads_heap();
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = TestRunner::new_with_rng(config, rng);
    let shard = RefCell::new(Shard::default());
    let seeds = seeds();
    runner
        .run(&(0..seeds.len(), mutation()), |(which, m)| {
            let mut shard = shard.borrow_mut();
            shard.ran += 1;
            let (name, seed) = &seeds[which];
            let (bytes, must_refuse) = match &m {
                Mutation::Bytes(changes) => {
                    let mut bytes = seed.clone();
                    for change in changes {
                        fuzz_bytes::apply(&mut bytes, change, SPLICES);
                    }
                    (bytes, None)
                }
                Mutation::Value(value) => {
                    let mut file = ReplayFile::parse(name, seed).expect("the seed reads");
                    let refused = value.refused(&file);
                    value.apply(&mut file);
                    (file.to_ron().into_bytes(), refused)
                }
            };
            let (read, heap) = heap_taken(|| ReplayFile::parse(name, &bytes));
            if heap > shard.worst_heap.0 {
                shard.worst_heap = (heap, bytes.len());
            }
            prop_assert!(
                heap <= heap_allowed(bytes.len()),
                "{} bytes took {} bytes of heap",
                bytes.len(),
                heap
            );
            match &read {
                Err(e) => {
                    shard.refused += 1;
                    check_error(name, bytes.len(), e)?;
                    prop_assert_ne!(must_refuse, Some(false), "refused: {}", e);
                }
                Ok(file) => {
                    shard.accepted += 1;
                    prop_assert_ne!(must_refuse, Some(true), "accepted: {:?}", m);
                    // What reads writes back the same.
                    prop_assert_eq!(
                        &ReplayFile::parse(name, file.to_ron().as_bytes()).expect("again"),
                        file
                    );
                    // (A changed dream or fingerprint, or memories the dream does not have, reads
                    // but is refused at play.)
                    let plays = matches!(m, Mutation::Value(v)
                        if !matches!(v, Value::Content(_) | Value::Dream(_) | Value::Understood(_)));
                    if shard.playable.len() < PLAYED && plays {
                        shard.playable.push(file.clone());
                    }
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    shard.into_inner()
}

#[test]
fn mutated_replays_never_panic_and_out_of_bounds_values_are_refused() {
    // The same 10,000 cases every run: a failure is found again by running again.
    let shards: Vec<Shard> = std::thread::scope(|scope| {
        let each: Vec<_> = (0..SHARDS)
            .map(|k| {
                let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[k as u8 + 1; 32]);
                std::thread::Builder::new()
                    .name(format!("shard {k}"))
                    .spawn_scoped(scope, move || fuzz(CASES / SHARDS, rng))
                    .expect("a shard's thread")
            })
            .collect();
        each.into_iter()
            .map(|shard| {
                shard
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e))
            })
            .collect()
    });
    let ran: u32 = shards.iter().map(|s| s.ran).sum();
    let refused: u32 = shards.iter().map(|s| s.refused).sum();
    let accepted: u32 = shards.iter().map(|s| s.accepted).sum();
    let (heap, size) = shards
        .iter()
        .map(|s| s.worst_heap)
        .max()
        .unwrap_or_default();
    println!(
        "{ran} mutated replays on {SHARDS} threads: {refused} refused, {accepted} read; the most heap one took: {:.1} MB for {:.2} MB of file",
        heap as f64 / 1e6,
        size as f64 / 1e6
    );
    assert_eq!(ran, CASES);
    assert!(
        refused > CASES / 4 && accepted > CASES / 20,
        "{refused} refused, {accepted} read"
    );

    // A sample of those that read, played under a frame cap (their dream, seed and files
    // are the shipped ones, so none is refused): each plays to its end.
    let sample: Vec<ReplayFile> = shards
        .into_iter()
        .flat_map(|s| s.playable)
        .take(PLAYED)
        .collect();
    assert_eq!(sample.len(), PLAYED);
    for mut file in sample {
        let start = file.start_loop;
        file.ticks = file.ticks.min(PLAYED_TICKS);
        let end = file.ticks;
        file.intents.retain(|i| i.0 <= end);
        file.answers.retain(|a| a.0 <= end);
        let played = replay_headless_within(file, "mutant.replay.ron", &[], PLAY_FRAMES);
        println!("a mutant played from loop {start}: {played:?}");
        assert!(
            played.as_ref().is_ok_and(|p| p.outcome.loops > start),
            "{played:?}"
        );
    }
}

/// The first loop a dive cannot go past: a replay starting there plays, and its loops
/// are counted without overflowing.
#[test]
fn a_replay_at_the_last_loop_plays() {
    let path = levels::data_root().join("tests/replays/leo.replay.ron");
    let mut file = ReplayFile::read(&path).unwrap_or_else(|e| panic!("{e}"));
    file.start_loop = MAX_LOOP_INDEX;
    file.ticks = 300;
    file.intents.retain(|i| i.0 <= 300);
    file.answers.clear();
    // Played from another loop, its state is not the recording's.
    file.checkpoints.clear();
    let again = ReplayFile::parse("last.replay.ron", file.to_ron().as_bytes()).expect("reads");
    let outcome = replay_headless_within(again, "last.replay.ron", &[], 5_000)
        .expect("plays")
        .outcome;
    assert_eq!(outcome.loops, MAX_LOOP_INDEX + 1);
    assert!(!outcome.freed);
    file.start_loop = MAX_LOOP_INDEX + 1;
    let error = ReplayFile::parse("past.replay.ron", file.to_ron().as_bytes())
        .expect_err("past the last loop")
        .to_string();
    assert!(error.contains("start_loop: expected 0 to 10000"), "{error}");
}

/// A file bigger than a replay can be is refused without being read whole; a version
/// message prints the file's `game` escaped.
#[test]
fn a_huge_replay_is_refused_unread_and_its_version_printed_safely() {
    let dir = std::env::temp_dir().join(format!("sleep-sync-replay-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join("huge.replay.ron");
    let mut bytes = b"(format: 2, intents: [".to_vec();
    bytes.resize(MAX_REPLAY_BYTES + 1, b' ');
    std::fs::write(&path, &bytes).expect("written");
    counts_this_threads_heap();
    let (read, heap) = heap_taken(|| ReplayFile::read(&path));
    let error = read.expect_err("too big").to_string();
    assert!(error.contains("too big for a replay file"), "{error}");
    assert!(heap < 1 << 20, "{heap} bytes of heap: the file was read");
    let _ = std::fs::remove_dir_all(&dir);

    let text = "(format: 9, simulation: 1, game: \"\u{1b}[2J\u{202e}gotcha\", rest: ())";
    let error = ReplayFile::parse("new.replay.ron", text.as_bytes())
        .expect_err("a newer format")
        .to_string();
    assert!(error.contains("replay format 9"), "{error}");
    assert!(error.contains("\\u{1b}[2J\\u{202e}gotcha"), "{error}");
    assert!(!error.contains('\u{1b}'), "{error}");
}
