//! Mods that try to reach outside themselves or to swamp the game: links out of the mod
//! and back into it, many and huge files, names that are not UTF-8, folders nested
//! without end, pictures. Each is answered with a message, nothing outside the mod is
//! read, and the rest of the mod still loads, in `validate` and in the game alike.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use sleep_sync::commands::validate;
use sleep_sync::dev::testing::{headless_app_with_mods, run_until};
use sleep_sync::levels::disk::{
    self, Budget, MAX_BYTES_PER_FOLDER, MAX_ENTRIES_PER_FOLDER, MAX_FILES_PER_FOLDER,
};
use sleep_sync::levels::{self, Levels};

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("sleep-sync-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
    std::fs::write(path, bytes).expect("written");
}

/// The example mod, copied into `to`.
fn example_mod(to: &Path) {
    let from = levels::data_root().join("docs/example-mod/night-swimmer");
    for sub in ["", "dreamers", "dreams", "dialogue"] {
        for entry in std::fs::read_dir(from.join(sub))
            .expect("example")
            .flatten()
        {
            if entry.path().is_file() {
                write(
                    &to.join(sub).join(entry.file_name()),
                    std::fs::read(entry.path()).expect("read"),
                );
            }
        }
    }
}

/// A folder outside every mod holding level files a mod must never read: a dream of
/// its own and one that would replace Leo's.
fn outside(dir: &Path) -> PathBuf {
    let out = dir.join("outside");
    let leo = std::fs::read_to_string(levels::data_root().join("levels/dreams/leo.dream.ron"))
        .expect("Leo's dream");
    write(
        &out.join("dreams/secret.dream.ron"),
        leo.replace("id: \"leo\"", "id: \"secret\""),
    );
    write(
        &out.join("dreams/leo.dream.ron"),
        leo.replace("seed: 20450311", "seed: 666"),
    );
    out
}

/// A mod with every kind of link, a name that is not UTF-8 (shallow and deep), a picture
/// that is not one, and folders nested too deep.
fn linked_mod(dir: &Path) -> PathBuf {
    let m = dir.join("linked");
    example_mod(&m);
    let out = outside(dir);
    symlink("/", m.join("root")).expect("link to /");
    symlink(&out, m.join("dreams/elsewhere")).expect("link out");
    symlink(
        out.join("dreams/secret.dream.ron"),
        m.join("dreams/secret.dream.ron"),
    )
    .expect("link to a file");
    symlink(&m, m.join("again")).expect("link to itself");
    symlink("../..", m.join("dialogue/up")).expect("link up");
    let bad = OsStr::from_bytes(b"\xff\xfe.dream.ron");
    write(&m.join("dreams").join(bad), "(");
    let deep: PathBuf = (0..9).map(|i| format!("d{i}")).collect();
    write(&m.join(&deep).join(bad), "(");
    write(&m.join(&deep).join("lost.dream.ron"), "(");
    write(&m.join("picture.png"), b"not a picture at all");
    write(&m.join("dreams/\u{1b}[2Jred.dream.ron"), "(");
    m
}

fn said(report: &str, what: &str, why: &str) -> bool {
    report
        .lines()
        .any(|line| line.contains(what) && line.contains(why))
}

#[test]
fn validate_follows_no_link_and_reads_nothing_outside_the_mod() {
    let dir = scratch("validate");
    let m = linked_mod(&dir);
    let validation = validate(std::slice::from_ref(&m));
    let report = &validation.report;
    for link in [
        "root",
        "dreams/elsewhere",
        "dreams/secret.dream.ron",
        "again",
        "dialogue/up",
    ] {
        assert!(
            said(report, &format!("linked/{link}:"), "links are not followed"),
            "{link}:\n{report}"
        );
    }
    let out = dir.join("outside").display().to_string();
    assert!(
        !report.contains(&out),
        "nothing outside is named:\n{report}"
    );
    assert!(
        !report.contains("d8/lost"),
        "too deep to be read:\n{report}"
    );
    assert!(
        said(report, "linked/d0/d1/d2/d3/d4/d5/d6", "more than 6 deep"),
        "{report}"
    );
    assert!(
        said(
            report,
            "linked/dreams/\u{fffd}\u{fffd}.dream.ron",
            "not UTF-8"
        ),
        "{report}"
    );
    assert!(!report.contains("picture.png"), "{report}");
    assert!(
        !report.contains('\u{1b}'),
        "no name reaches the terminal raw:\n{report}"
    );
    assert!(
        said(
            report,
            "\\u{1b}[2Jred.dream.ron",
            "control or text-direction"
        ),
        "{report}"
    );
    // The mod itself loads once, with no duplicate from the link back into it.
    assert!(
        !report.contains("more than once") && !report.contains("twice"),
        "{report}"
    );
    let assembly = sleep_sync::commands::load_library(std::slice::from_ref(&m));
    let lib = &assembly.library;
    assert!(lib.dreams.contains_key("ines"));
    assert!(
        !lib.dreams.contains_key("secret"),
        "the linked dream is not read"
    );
    assert_eq!(
        lib.dreams["leo"].value.seed, 20450311,
        "Leo's dream is the game's own"
    );
    assert_eq!(
        lib.dreams.len(),
        5,
        "{:?}",
        lib.dreams.keys().collect::<Vec<_>>()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_game_reads_only_the_mods_own_level_files() {
    let dir = scratch("game");
    let m = linked_mod(&dir);
    let mut app = headless_app_with_mods(std::slice::from_ref(&m));
    run_until(&mut app, 5_000, |w| {
        let ready = w.resource::<Levels>().ready;
        if !ready {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        ready
    });
    // Past a few listings of the folders again (every 0.5 s): still nothing from outside.
    let until = std::time::Instant::now() + std::time::Duration::from_millis(1_600);
    while std::time::Instant::now() < until {
        app.update();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let levels = app.world().resource::<Levels>();
    assert!(levels.ready);
    let lib = &levels.library;
    assert!(lib.dreams.contains_key("ines"), "the mod's own dream loads");
    assert!(!lib.dreams.contains_key("secret"));
    assert_eq!(lib.dreams["leo"].value.seed, 20450311);
    // The base game's 43 files, the mod's 4, and the broken name that is UTF-8-lossy
    // skipped: only `.ron` files inside the mod were opened.
    let base = disk::list_level_files(
        &levels::data_root().join("levels"),
        "levels",
        &mut Budget::default(),
    );
    assert_eq!(
        levels.total,
        base.files.len() + 4,
        "{:#?}",
        levels.report.errors
    );
    let errors = levels.report.errors.join("\n");
    assert!(
        said(&errors, "linked/root:", "links are not followed"),
        "{errors}"
    );
    assert!(
        said(&errors, "linked/again:", "links are not followed"),
        "{errors}"
    );
    assert!(said(&errors, ".dream.ron", "not UTF-8"), "{errors}");
    let out = dir.join("outside").display().to_string();
    assert!(
        !errors.contains("picture.png") && !errors.contains(&out),
        "{errors}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn many_or_huge_files_are_capped_per_folder() {
    let dir = scratch("many");
    let many = dir.join("many");
    example_mod(&many);
    for i in 0..MAX_FILES_PER_FOLDER + 20 {
        write(&many.join(format!("extra/f{i:04}.dreamer.ron")), "()");
    }
    let listing = disk::list_level_files(&many, "many", &mut Budget::default());
    assert_eq!(listing.files.len(), MAX_FILES_PER_FOLDER);
    assert!(
        listing
            .problems
            .iter()
            .any(|(what, why)| what == "many" && why.contains("are not read")),
        "{:?}",
        listing.problems
    );
    // Name order: the mod's own files (dialogue/, dreamers/, dreams/) come before extra/.
    let validation = validate(std::slice::from_ref(&many));
    assert!(
        said(&validation.report, "many:", "more than 500 level files"),
        "{}",
        validation.report
    );

    let huge = dir.join("huge");
    let megabyte = vec![b' '; 1 << 20];
    let files = (MAX_BYTES_PER_FOLDER >> 20) as usize + 4;
    for i in 0..files {
        write(&huge.join(format!("h{i:02}.dreamer.ron")), &megabyte);
    }
    let listing = disk::list_level_files(&huge, "huge", &mut Budget::default());
    assert_eq!(listing.files.len(), (MAX_BYTES_PER_FOLDER >> 20) as usize);
    assert_eq!(listing.problems.len(), 1, "{:?}", listing.problems);

    // What every folder may hold together is shared: a second folder gets what is left.
    let mut budget = Budget::default();
    let first = disk::list_level_files(&many, "many", &mut budget);
    assert_eq!(first.files.len(), MAX_FILES_PER_FOLDER);
    let mut spent = budget.clone();
    for _ in 0..3 {
        disk::list_level_files(&many, "many", &mut spent);
    }
    let last = disk::list_level_files(&many, "many", &mut spent);
    assert!(
        last.files.is_empty(),
        "{} files past the total",
        last.files.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_folder_of_other_things_is_not_walked_for_ever() {
    let dir = scratch("crowded");
    let crowded = dir.join("crowded");
    example_mod(&crowded);
    std::fs::create_dir_all(crowded.join("zz")).expect("folder");
    for i in 0..MAX_ENTRIES_PER_FOLDER {
        std::fs::File::create(crowded.join(format!("zz/{i}.txt"))).expect("file");
    }
    let listing = disk::list_level_files(&crowded, "crowded", &mut Budget::default());
    assert_eq!(listing.files.len(), 4, "the mod's own files, listed first");
    assert!(
        listing
            .problems
            .iter()
            .any(|(_, why)| why.contains(&format!("more than {MAX_ENTRIES_PER_FOLDER} files"))),
        "{:?}",
        listing.problems
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_link_under_mods_is_not_a_mod() {
    let dir = scratch("mods-dir");
    let mods = dir.join("mods");
    example_mod(&mods.join("real"));
    symlink(mods.join("real"), mods.join("alias")).expect("link");
    symlink("/", mods.join("everything")).expect("link");
    assert_eq!(disk::discover_mods(&mods), [mods.join("real")]);
    let linked = disk::linked_mods(&mods, "mods");
    let named: Vec<&str> = linked.iter().map(|(what, _)| what.as_str()).collect();
    assert_eq!(named, ["mods/alias", "mods/everything"]);
    let _ = std::fs::remove_dir_all(&dir);
}
