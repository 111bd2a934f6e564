//! Level files: what reading them costs, so hot reload and `validate` stay instant.
//!
//! - **parse**: one dream file, text → checked `DreamLevel`;
//! - **parse_with_errors**: a broken dreamer file with every value wrong (each problem
//!   located in the text);
//! - **load_base**: every base-game file read from disk, parsed, put together;
//! - **assemble**: putting already-parsed files together (what a hot reload redoes);
//! - **stranger_identity**: who a sleeper is, from the network's seed and their profile
//!   (name, age, life, fears: what the Sleeper panel and the console redo every frame);
//! - **stranger_dive**: their dream put together from the fear templates (memories,
//!   talk, dream file; what a dive, Free dive's row and `preview` redo);
//! - **locate_plain** / **locate_raw_quotes**: pointing an error at its field past
//!   100,000 characters of an ordinary string, and of quotes inside a raw string opened
//!   with 500 `#` (a hostile file: the scan must stay linear, about the same time).
//!
//! Figures are ratios within one run; compare them with a dream's generation
//! (`benches/dream.rs`, 12–25 ms) to see what a reload costs beside re-forming.

use criterion::{Criterion, criterion_group, criterion_main};
use sleep_sync::levels::{self, LevelDocument, LevelError, LevelFile, Library, Source, disk};
use sleep_sync::network::SleeperProfile;

fn benches(c: &mut Criterion) {
    let root = levels::data_root();
    let dream_text = std::fs::read(root.join("levels/dreams/leo.dream.ron")).expect("leo");
    let dreamer_text =
        std::fs::read_to_string(root.join("levels/dreamers/leo.dreamer.ron")).expect("leo");
    let broken = dreamer_text
        .replace("\"leo\",\n    name", "\"L E O\",\n    name")
        .replace("#8c59f2", "violet")
        .replace("weight: 0.6", "weight: -1.0")
        .replace("weight: 0.4", "weight: NaN")
        .into_bytes();
    let base = root.join("levels");
    let files: Vec<LevelFile> =
        disk::read_source(0, &base, "levels", &mut disk::Budget::default()).0;

    let mut group = c.benchmark_group("levels");
    group.bench_function("parse", |b| {
        b.iter(|| LevelDocument::parse("levels/dreams/leo.dream.ron", &dream_text))
    });
    group.bench_function("parse_with_errors", |b| {
        b.iter(|| LevelDocument::parse("levels/dreamers/leo.dreamer.ron", &broken))
    });
    group.bench_function("load_base", |b| b.iter(|| disk::load(&base, &[], &root)));
    group.bench_function("assemble", |b| {
        b.iter(|| {
            let sources = vec![Source {
                folder: "levels".to_owned(),
            }];
            Library::assemble(sources, files.clone(), &[])
        })
    });
    let hashes = "#".repeat(500);
    let plain = format!("(\n  name: \"{}\",\n  colour: 1,\n)", "a".repeat(100_000));
    let hostile = format!(
        "(\n  name: r{hashes}\"{}\"{hashes},\n  colour: 1,\n)",
        "\"".repeat(100_000)
    );
    for (name, text) in [("locate_plain", &plain), ("locate_raw_quotes", &hostile)] {
        group.bench_function(name, |b| {
            b.iter(|| LevelError::invalid("x.ron", "colour", "wrong").located_in(text))
        });
    }
    let library = disk::load(&base, &[], &root).library;
    // Strangers up and down the network, in the middle of every measure but their number.
    let profiles: Vec<SleeperProfile> = (0..64)
        .map(|k| SleeperProfile {
            sleeper: 2 + 187 * k,
            ..SleeperProfile::MIDDLING
        })
        .collect();
    let mut k = 0;
    group.bench_function("stranger_identity", |b| {
        b.iter(|| {
            k = (k + 1) % profiles.len();
            library.stranger(0x5eed, &profiles[k])
        })
    });
    let strangers: Vec<_> = profiles
        .iter()
        .map(|p| library.stranger(0x5eed, p).expect("the shipped rules"))
        .collect();
    group.bench_function("stranger_dive", |b| {
        b.iter(|| {
            k = (k + 1) % strangers.len();
            library.stranger_dive(&strangers[k])
        })
    });
    group.finish();
}

criterion_group!(levels_benches, benches);
criterion_main!(levels_benches);
