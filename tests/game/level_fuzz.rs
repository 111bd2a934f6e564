//! Fuzzing the level format: 10,000 mutations of the real level files (bytes flipped,
//! cut, repeated, and RON tokens spliced in) are each parsed and put together with the
//! rest of the levels. No panic; every error names its file; a library with no errors
//! has every campaign dive playable.

use std::cell::Cell;
use std::sync::OnceLock;

#[path = "../fuzz_bytes/mod.rs"]
mod fuzz_bytes;

use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use sleep_sync::levels::{self, LevelDocument, LevelError, LevelFile, Library, Source};

/// Every level file of the base game and the example mod, read once.
fn seeds() -> &'static [(String, Vec<u8>, usize)] {
    static SEEDS: OnceLock<Vec<(String, Vec<u8>, usize)>> = OnceLock::new();
    SEEDS.get_or_init(read_seeds)
}

/// The same files, parsed.
fn parsed_seeds() -> &'static [LevelFile] {
    static PARSED: OnceLock<Vec<LevelFile>> = OnceLock::new();
    PARSED.get_or_init(|| {
        seeds()
            .iter()
            .map(|(name, bytes, source)| {
                LevelFile::parse(*source, name, bytes).expect("shipped files parse")
            })
            .collect()
    })
}

/// (name, bytes, source) of every level file of the base game and the example mod.
fn read_seeds() -> Vec<(String, Vec<u8>, usize)> {
    let root = levels::data_root();
    let mut out = Vec::new();
    for (source, folder) in [(0, "levels"), (1, "docs/example-mod/night-swimmer")] {
        let mut stack = vec![root.join(folder)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("level folder").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let name = path
                        .strip_prefix(&root)
                        .expect("under the root")
                        .to_string_lossy()
                        .into_owned();
                    out.push((name, std::fs::read(&path).expect("level file"), source));
                }
            }
        }
    }
    out.sort();
    out
}

/// Pieces of RON and of our format that make interesting damage.
const SPLICES: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "//",
    "/*",
    "*/",
    "\\",
    "r#\"",
    "NaN",
    "inf",
    "-inf",
    "-1",
    "0",
    "1e309",
    "18446744073709551616",
    "99999999999",
    "Some(",
    "None",
    "true",
    "()",
    "[]",
    "id",
    "dreamer",
    "dialogue",
    "anchors",
    "nodes",
    "Goto(",
    "Free",
    "Relapse",
    "tag:",
    "weight:",
    "samples:",
    "extent:",
    "tuning:",
    "leo",
    "mara",
    "\u{0}",
    "\u{feff}",
    "é",
    "\n",
    "#",
    "\"\"",
    "'",
];

fn check_errors(name: &str, errors: &[LevelError]) {
    assert!(!errors.is_empty(), "{name}: rejected without a reason");
    assert!(
        errors.len() <= levels::MAX_ERRORS_PER_FILE + 1,
        "{name}: {} errors",
        errors.len()
    );
    for error in errors {
        let message = error.to_string();
        assert!(
            message.starts_with(name),
            "{name}: error names another file: {message}"
        );
        if let LevelError::Syntax { line, column, .. } = error {
            assert!(*line >= 1 && *column >= 1, "{message}");
        }
    }
}

/// Cases run in CI: the bar.
const CASES: u32 = 10_000;

#[test]
fn mutated_level_files_never_panic_and_errors_name_their_file() {
    let config = ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = TestRunner::new(config);
    let strategy = (
        any::<prop::sample::Index>(),
        prop::collection::vec(fuzz_bytes::damage(SPLICES.len()), 1..6),
    );
    let (ran, rejected, clean) = (Cell::new(0u32), Cell::new(0u32), Cell::new(0u32));
    let count = |c: &Cell<u32>| c.set(c.get() + 1);
    runner
        .run(&strategy, |(which, mutations)| {
            let files = seeds();
            let (name, original, source) = &files[which.index(files.len())];
            let mut bytes = original.clone();
            for m in &mutations {
                fuzz_bytes::apply(&mut bytes, m, SPLICES);
            }
            let mut parsed = Vec::new();
            count(&ran);
            match LevelFile::parse(*source, name, &bytes) {
                Ok(file) => parsed.push(file),
                Err(errors) => {
                    count(&rejected);
                    check_errors(name, &errors);
                }
            }
            parsed.extend(parsed_seeds().iter().filter(|f| &f.file != name).cloned());
            let sources = vec![
                Source {
                    folder: "levels".to_owned(),
                },
                Source {
                    folder: "docs/example-mod/night-swimmer".to_owned(),
                },
            ];
            let names: Vec<String> = parsed.iter().map(|f| f.file.clone()).collect();
            let listed: Vec<String> = parsed
                .iter()
                .flat_map(|f| match &f.doc {
                    LevelDocument::Campaign(c) => c.dives.clone(),
                    LevelDocument::Mod(m) => m.dives.clone(),
                    _ => Vec::new(),
                })
                .collect();
            let assembly = Library::assemble(sources, parsed, &[]);
            for error in &assembly.errors {
                // Every problem names a file that exists, or one that is missing.
                let file = error.file();
                prop_assert!(
                    names.iter().any(|n| n == file)
                        || file.ends_with("/mod.ron")
                        || file.ends_with("/main.campaign.ron"),
                    "{} names no file",
                    error
                );
                if let LevelError::Invalid { at, .. } = error {
                    prop_assert!(at.is_some(), "{} is not located", error);
                }
            }
            if assembly.errors.is_empty() {
                count(&clean);
                let lib = &assembly.library;
                // Nothing sound is left out: every dream plays, every listed dive is
                // in the control room.
                prop_assert_eq!(lib.all_dives().len(), lib.dreams.len());
                for id in &listed {
                    prop_assert!(lib.campaign.contains(id), "dive {} left out", id);
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let (ran, rejected, clean) = (ran.get(), rejected.get(), clean.get());
    assert_eq!(ran, CASES);
    println!(
        "{ran} mutated level files: {rejected} rejected with located errors, {} parsed; {clean} libraries without errors",
        ran - rejected
    );
    // The mutations must really damage files, and not only damage them.
    assert!(
        rejected > ran / 2 && rejected < ran,
        "{rejected} of {ran} rejected"
    );
}

/// The format reads back what it writes: each shipped file, parsed, written out by RON
/// and parsed again, is the same.
#[test]
fn shipped_files_survive_a_round_trip_through_ron() {
    let pretty = ron::ser::PrettyConfig::default();
    for file in parsed_seeds() {
        let name = &file.file;
        let text = match &file.doc {
            LevelDocument::Dreamer(d) => ron::ser::to_string_pretty(d, pretty.clone()),
            LevelDocument::Dream(d) => ron::ser::to_string_pretty(d, pretty.clone()),
            LevelDocument::Dialogue(d) => ron::ser::to_string_pretty(d, pretty.clone()),
            LevelDocument::Scene(d) => ron::ser::to_string_pretty(d, pretty.clone()),
            LevelDocument::Campaign(d) => ron::ser::to_string_pretty(d, pretty.clone()),
            LevelDocument::Mod(d) => ron::ser::to_string_pretty(d, pretty.clone()),
            LevelDocument::StrangerRules(d) => ron::ser::to_string_pretty(d, pretty.clone()),
            LevelDocument::FearTemplate(d) => ron::ser::to_string_pretty(d, pretty.clone()),
        }
        .expect("serialises");
        let again = LevelDocument::parse(name, text.as_bytes())
            .unwrap_or_else(|e| panic!("{name} written as\n{text}\nreads back as {e:?}"));
        assert_eq!(again, file.doc, "{name}");
    }
}
