//! Level files put together: the shipped levels are sound, mods add and override by id
//! with the order and conflicts reported, a template from `new-dream` validates and
//! plays, and a broken mod never takes the base game down.

use std::path::{Path, PathBuf};

use sleep_sync::commands::new_dream;
use sleep_sync::dev::testing::{dive_into, headless_app_with_mods};
use sleep_sync::levels::{self, Assembly, disk};

fn root() -> PathBuf {
    levels::data_root()
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sleep-sync-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn load_with(mods: &[PathBuf]) -> Assembly {
    disk::load(&root().join("levels"), mods, &root())
}

fn messages(assembly: &Assembly) -> Vec<String> {
    assembly.errors.iter().map(ToString::to_string).collect()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
    std::fs::write(path, text).expect("written");
}

#[test]
fn shipped_levels_have_no_problems_and_every_campaign_dive_plays() {
    let assembly = load_with(&[]);
    assert!(assembly.errors.is_empty(), "{:#?}", messages(&assembly));
    let lib = &assembly.library;
    assert_eq!(lib.campaign, ["leo", "mara", "family"]);
    for dive in lib.campaign_dives() {
        assert!(dive.dream.anchors.len() >= dive.dream.core.anchors_needed);
        assert!(dive.dialogue.most_anchors_needed() <= dive.dream.anchors.len());
        assert_eq!(dive.dreamer.id, dive.dream.dreamer);
    }
}

#[test]
fn the_example_mod_adds_a_dive_after_the_base_game() {
    let example = root().join("docs/example-mod/night-swimmer");
    let assembly = load_with(&[example]);
    assert!(assembly.errors.is_empty(), "{:#?}", messages(&assembly));
    assert_eq!(assembly.library.campaign, ["leo", "mara", "family", "ines"]);
    assert_eq!(assembly.library.mods.len(), 1);
    assert_eq!(assembly.library.mods[0].name, "Night Swimmer");
    let all: Vec<String> = assembly
        .library
        .all_dives()
        .iter()
        .map(|d| format!("{}@{}", d.id(), d.origin))
        .collect();
    assert_eq!(
        all,
        [
            "bedtime@levels",
            "family@levels",
            "leo@levels",
            "mara@levels",
            "ines@docs/example-mod/night-swimmer"
        ]
    );
    assert_eq!(
        assembly.notes,
        ["load order: levels, docs/example-mod/night-swimmer"]
    );
}

#[test]
fn a_later_mod_overrides_by_id_and_says_so() {
    let dir = scratch("override");
    let (a, b) = (dir.join("a"), dir.join("b"));
    write(&a.join("mod.ron"), r#"(name: "A")"#);
    let leo = std::fs::read_to_string(root().join("levels/dreams/leo.dream.ron")).expect("leo");
    write(
        &a.join("dreams/leo.dream.ron"),
        &leo.replace("loop_seconds: 120.0", "loop_seconds: 60.0"),
    );
    write(&b.join("mod.ron"), r#"(name: "B")"#);
    write(
        &b.join("dreams/leo.dream.ron"),
        &leo.replace("loop_seconds: 120.0", "loop_seconds: 45.0"),
    );
    let assembly = load_with(&[a.clone(), b.clone()]);
    assert!(assembly.errors.is_empty(), "{:#?}", messages(&assembly));
    let dive = assembly.library.dive("leo").expect("leo plays");
    assert_eq!(dive.dream.loop_seconds, 45.0, "the last mod wins");
    let overrides: Vec<&String> = assembly
        .notes
        .iter()
        .filter(|n| n.contains("overrides dream \"leo\""))
        .collect();
    assert_eq!(overrides.len(), 2, "{:#?}", assembly.notes);
    assert!(overrides[1].contains("from") && overrides[1].contains("/a/dreams/leo.dream.ron"));
}

#[test]
fn the_same_id_twice_in_one_folder_is_an_error_naming_both_files() {
    let dir = scratch("duplicate");
    let m = dir.join("m");
    write(&m.join("mod.ron"), r#"(name: "M")"#);
    let mara = std::fs::read_to_string(root().join("levels/dreams/mara.dream.ron")).expect("mara");
    write(&m.join("dreams/one.dream.ron"), &mara);
    write(&m.join("dreams/two.dream.ron"), &mara);
    let assembly = load_with(&[m]);
    let errors = messages(&assembly);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("two.dream.ron:4:9: id: dream id \"mara\" is already used by")
            && errors[0].contains("one.dream.ron"),
        "{errors:#?}"
    );
    // The base game still plays.
    assert!(assembly.library.dive("leo").is_some());
}

#[test]
fn a_template_from_new_dream_validates_and_plays() {
    let dir = scratch("new-dream");
    let written = new_dream("night-owl", Some(&dir)).expect("template written");
    assert_eq!(written.len(), 4);
    let again = new_dream("night-owl", Some(&dir)).expect_err("never overwrites");
    assert!(again.contains("already exists"), "{again}");
    let folder = dir.join("night-owl");
    let assembly = load_with(std::slice::from_ref(&folder));
    assert!(assembly.errors.is_empty(), "{:#?}", messages(&assembly));
    assert_eq!(
        assembly.library.campaign,
        ["leo", "mara", "family", "night-owl"]
    );
    let dive = assembly.library.dive("night-owl").expect("playable");
    assert_eq!(dive.dreamer.name, "Night Owl");

    // And it plays: the game loads the mod, and its first loop forms.
    let mut app = headless_app_with_mods(&[folder]);
    let spec = dive_into(&mut app, "night-owl");
    assert_eq!(spec.origin, dir.join("night-owl").to_string_lossy());
    let dream = app
        .world()
        .resource::<sleep_sync::dive::CurrentDream>()
        .0
        .clone();
    assert_eq!(dream.anchors.len(), 2);
}

#[test]
fn a_file_name_the_engine_cannot_load_is_reported_and_the_rest_loads() {
    let dir = scratch("hash-name");
    let folder = dir.join("night-swimmer");
    let example = root().join("docs/example-mod/night-swimmer");
    for sub in ["", "dreamers", "dreams", "dialogue"] {
        std::fs::create_dir_all(folder.join(sub)).expect("folders");
        for entry in std::fs::read_dir(example.join(sub))
            .expect("example")
            .flatten()
        {
            if entry.path().is_file() {
                std::fs::copy(entry.path(), folder.join(sub).join(entry.file_name()))
                    .expect("copied");
            }
        }
    }
    // An editor's autosave next to the real file.
    write(&folder.join("dreams/#ines.dream.ron#"), "(half-written");
    let mut app = headless_app_with_mods(std::slice::from_ref(&folder));
    let spec = dive_into(&mut app, "ines");
    assert_eq!(spec.dreamer.name, "Ines");
    let levels = app.world().resource::<levels::Levels>();
    assert!(
        levels
            .report
            .errors
            .iter()
            .any(|e| e.contains("#ines.dream.ron#") && e.contains("cannot be loaded: rename it")),
        "{:#?}",
        levels.report.errors
    );
}
