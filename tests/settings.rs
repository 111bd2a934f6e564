//! The player's settings on the desktop: saved after a change and at exit, read back by
//! the next session, pulled into range when hand-edited, and a file that cannot be read is
//! set aside (not overwritten) with a message. The browser's localStorage is covered by
//! the browser test (tests/web/smoke.mjs).
//!
//! One test function: the settings folder comes from `XDG_CONFIG_HOME`, which is set once
//! for this process before any app exists.

use std::path::{Path, PathBuf};

use bevy::prelude::*;
use sleep_sync::controls::{Bindings, Control, Input, KeyLabels, Slot};
use sleep_sync::dev::testing::{headless_app, run_until};
use sleep_sync::settings::{
    self, AccessibilitySettings, ControlSettings, PictureSettings, SettingsProblem, SoundSettings,
};

/// A headless game that keeps its settings under `app_id`.
fn game(app_id: &str) -> App {
    let mut app = headless_app();
    settings::persist(&mut app, app_id);
    app.update();
    app
}

fn file(config: &Path, app_id: &str) -> PathBuf {
    config.join(app_id).join("settings.toml")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn settings_persist_and_bad_files_lose_nothing() {
    let config = Path::new(env!("CARGO_TARGET_TMPDIR")).join("settings-config");
    let _ = std::fs::remove_dir_all(&config);
    std::fs::create_dir_all(&config).unwrap();
    // SAFETY: no other thread exists yet in this test process's only test.
    unsafe { std::env::set_var("XDG_CONFIG_HOME", &config) };

    saved_after_a_change_and_read_back(&config);
    saved_at_exit(&config);
    hand_edited_values_are_pulled_into_range(&config);
    an_unreadable_file_is_set_aside(&config);
    a_file_for_pictures_is_read_as_written_or_refused(&config);
    #[cfg(target_os = "linux")]
    a_full_disk_keeps_the_file_and_says_so(&config);
}

fn saved_after_a_change_and_read_back(config: &Path) {
    let id = "test.change";
    let mut app = game(id);
    assert_eq!(
        *app.world().resource::<ControlSettings>(),
        ControlSettings::default(),
        "no file yet: the defaults"
    );
    assert!(
        !file(config, id).exists(),
        "nothing written before a change"
    );
    app.world_mut()
        .resource_mut::<ControlSettings>()
        .invert_look = true;
    app.world_mut().resource_mut::<SoundSettings>().master = 0.25;
    app.world_mut()
        .resource_mut::<AccessibilitySettings>()
        .captions = true;
    app.world_mut()
        .resource_mut::<AccessibilitySettings>()
        .palette = settings::Palette::ColourBlindSafe;
    // A control rebound, and a key's label on this player's keyboard.
    app.world_mut().resource_mut::<Bindings>().bind(
        Control::Jump,
        Slot::Keyboard(0),
        Input::Key(KeyCode::KeyJ),
    );
    app.world_mut().resource_mut::<KeyLabels>().learn(
        KeyCode::KeyW,
        &bevy::input::keyboard::Key::Character("z".into()),
    );
    // Saved shortly after the change (the save waits for the player to stop dragging).
    let frames = run_until(&mut app, 200, |_| file(config, id).exists());
    println!("settings written {frames} frames (1/60 s each) after the change");
    assert!(frames > 5, "debounced, not written in the same frame");
    let text = read(&file(config, id));
    assert!(text.contains("invert_look = true"), "{text}");
    assert!(text.contains("master = 0.25"), "{text}");
    assert!(text.contains("jump = [\"KeyJ\"]"), "{text}");
    assert!(text.contains("captions = true"), "{text}");
    assert!(text.contains("palette = \"colour-blind-safe\""), "{text}");
    drop(app);

    let app = game(id);
    assert!(app.world().resource::<ControlSettings>().invert_look);
    assert_eq!(app.world().resource::<SoundSettings>().master, 0.25);
    assert_eq!(
        *app.world().resource::<PictureSettings>(),
        PictureSettings::default()
    );
    assert_eq!(
        app.world()
            .resource::<Bindings>()
            .slots(Control::Jump)
            .keyboard,
        [Some(Input::Key(KeyCode::KeyJ)), None]
    );
    assert_eq!(app.world().resource::<KeyLabels>().key(KeyCode::KeyW), "Z");
    assert!(app.world().resource::<AccessibilitySettings>().captions);
    assert_eq!(
        app.world().resource::<AccessibilitySettings>().palette,
        settings::Palette::ColourBlindSafe
    );
}

fn saved_at_exit(config: &Path) {
    let id = "test.exit";
    let mut app = game(id);
    app.world_mut()
        .resource_mut::<PictureSettings>()
        .field_of_view = 60.0;
    app.world_mut().write_message(AppExit::Success);
    app.update();
    let text = read(&file(config, id));
    assert!(text.contains("field_of_view = 60"), "{text}");
}

fn hand_edited_values_are_pulled_into_range(config: &Path) {
    let id = "test.range";
    std::fs::create_dir_all(config.join(id)).unwrap();
    std::fs::write(
        file(config, id),
        "[sound]\nmaster = 7.0\neffects = -1.0\n\n[picture]\nfield_of_view = 500.0\nui_scale = 9.0\n\
         [controls]\nlook_sensitivity = 0.0\nunknown_key = 3\n\
         [keyboard]\njump = [\"NoSuchKey\"]\npause = [\"KeyP\"]\n[gamepad]\njump = 4\n\
         [accessibility]\npalette = \"purple\"\ncaptions = true\n",
    )
    .unwrap();
    let app = game(id);
    let sound = app.world().resource::<SoundSettings>();
    assert_eq!((sound.master, sound.effects), (1.0, 0.0));
    assert_eq!(sound.ambience, SoundSettings::default().ambience);
    assert_eq!(
        app.world().resource::<PictureSettings>().field_of_view,
        settings::FIELD_OF_VIEW.1
    );
    assert_eq!(
        app.world().resource::<PictureSettings>().ui_scale,
        settings::UI_SCALE.1
    );
    assert_eq!(
        app.world().resource::<ControlSettings>().look_sensitivity,
        settings::LOOK_SENSITIVITY.0
    );
    // Bindings the file cannot mean keep their defaults; the rest are read.
    let bindings = app.world().resource::<Bindings>();
    assert_eq!(
        bindings.slots(Control::Jump),
        Bindings::default().slots(Control::Jump)
    );
    assert_eq!(
        bindings.slots(Control::Pause).keyboard,
        [Some(Input::Key(KeyCode::KeyP)), None]
    );
    // A palette that is none of the choices keeps the default; its neighbours are read.
    let access = app.world().resource::<AccessibilitySettings>();
    assert_eq!(access.palette, settings::Palette::Standard);
    assert!(access.captions);
    assert_eq!(app.world().resource::<SettingsProblem>().0, None);
}

/// `--settings FILE` (pictures taken with settings of their own): the file a session
/// wrote is read as it was written; one that cannot be read, or says anything the game
/// would not take, is refused with where or what.
fn a_file_for_pictures_is_read_as_written_or_refused(config: &Path) {
    let id = "test.pictures";
    let mut app = game(id);
    {
        let mut picture = app.world_mut().resource_mut::<PictureSettings>();
        picture.anti_aliasing = false;
        picture.glow = false;
        picture.field_of_view = 50.0;
    }
    app.world_mut().write_message(AppExit::Success);
    app.update();
    let path = file(config, id);
    let written = read(&path);
    assert!(written.contains("anti_aliasing = false"), "{written}");

    let pictures = settings::SettingsFile::read(&path).expect("the file a session wrote");
    let mut app = headless_app();
    pictures.use_in(&mut app);
    app.update();
    let picture = *app.world().resource::<PictureSettings>();
    assert!(!picture.anti_aliasing && !picture.glow);
    assert_eq!(picture.field_of_view, 50.0);
    assert!(
        picture.shadows,
        "what the file leaves at its default stays there"
    );

    // Each file (none: no such file) and what its refusal must say after the file's name.
    let cases: &[(&str, Option<&[u8]>, &str)] = &[
        (
            "broken.toml",
            Some(b"[picture]\nglow = false\nshadows = \n"),
            ":3:",
        ),
        (
            "bytes.toml",
            Some(b"[picture]\nglow = \xff\n"),
            ":2:8: not UTF-8 text",
        ),
        (
            "misspelt.toml",
            Some(b"[picture]\nantialiasing = false\n"),
            "[picture] antialiasing: no such setting",
        ),
        (
            "kind.toml",
            Some(b"[picture]\nglow = \"no\"\n"),
            "[picture] glow: \"no\" is not a boolean",
        ),
        (
            "group.toml",
            Some(b"[graphics]\nglow = false\n"),
            "[graphics]: no such group",
        ),
        (
            "flat.toml",
            Some(b"keyboard = 5\n"),
            "[keyboard]: integer is not a table",
        ),
        (
            "flat-sound.toml",
            Some(b"sound = 0.5\n"),
            "[sound]: float is not a table",
        ),
        ("no-such-settings.toml", None, ": "),
    ];
    for &(name, bytes, said) in cases {
        let path = config.join(name);
        if let Some(bytes) = bytes {
            std::fs::write(&path, bytes).unwrap();
        }
        let problem = settings::SettingsFile::read(&path).unwrap_err();
        let shown = path.display().to_string();
        assert!(
            problem.starts_with(&shown) && problem[shown.len()..].contains(said),
            "{name}: {problem}"
        );
    }
}

fn an_unreadable_file_is_set_aside(config: &Path) {
    let id = "test.broken";
    std::fs::create_dir_all(config.join(id)).unwrap();
    let broken = "[sound]\nmaster = 0.3\n[controls\ninvert_look = true\n";
    std::fs::write(file(config, id), broken).unwrap();
    let mut app = game(id);
    let problem = app.world().resource::<SettingsProblem>().0.clone();
    let problem = problem.expect("the player is told");
    println!("{problem}");
    assert!(problem.contains("line 3"), "{problem}");
    assert!(problem.contains("settings.broken.toml"), "{problem}");
    let aside = config.join(id).join("settings.broken.toml");
    assert_eq!(read(&aside), broken, "what the player wrote is kept");
    assert_eq!(
        *app.world().resource::<SoundSettings>(),
        SoundSettings::default()
    );

    // The next save writes a fresh file and leaves the kept one alone.
    app.world_mut().resource_mut::<SoundSettings>().effects = 0.5;
    run_until(&mut app, 200, |_| file(config, id).exists());
    assert!(read(&file(config, id)).contains("effects = 0.5"));
    assert_eq!(read(&aside), broken);
    drop(app);

    // Broken again: kept beside the first, under the next free name.
    std::fs::write(file(config, id), "\u{0}\u{1}not toml").unwrap();
    let app = game(id);
    assert!(app.world().resource::<SettingsProblem>().0.is_some());
    assert!(config.join(id).join("settings.broken-2.toml").exists());
    assert_eq!(read(&aside), broken);
    drop(app);

    // Not UTF-8: where it stops being text is said.
    std::fs::write(file(config, id), b"[sound]\nmaster = \xff\n").unwrap();
    let app = game(id);
    let problem = app.world().resource::<SettingsProblem>().0.clone();
    let problem = problem.expect("the player is told");
    assert!(
        problem.contains("not UTF-8 text at line 2, column 10"),
        "{problem}"
    );
    assert!(config.join(id).join("settings.broken-3.toml").exists());
}

/// A full disk (the kernel's own ENOSPC: the temporary file is `/dev/full`): the file on
/// disk stays as it was, the player is told, and the changes apply for the session.
#[cfg(target_os = "linux")]
fn a_full_disk_keeps_the_file_and_says_so(config: &Path) {
    let id = "test.full";
    let mut app = game(id);
    app.world_mut().resource_mut::<SoundSettings>().master = 0.5;
    run_until(&mut app, 200, |_| file(config, id).exists());
    let before = read(&file(config, id));
    std::os::unix::fs::symlink("/dev/full", config.join(id).join(".settings.toml.writing"))
        .unwrap();
    app.world_mut().resource_mut::<SoundSettings>().master = 0.1;
    run_until(&mut app, 200, |w| {
        w.resource::<SettingsProblem>().0.is_some()
    });
    let problem = app
        .world()
        .resource::<SettingsProblem>()
        .0
        .clone()
        .unwrap_or_default();
    println!("{problem}");
    assert!(problem.contains("No space left"), "{problem}");
    assert_eq!(read(&file(config, id)), before, "the file is as it was");
    assert_eq!(app.world().resource::<SoundSettings>().master, 0.1);
    // Space again: the next change is written, and the message goes.
    app.world_mut().resource_mut::<SoundSettings>().master = 0.2;
    run_until(&mut app, 200, |_| {
        read(&file(config, id)).contains("master = 0.2")
    });
    assert_eq!(app.world().resource::<SettingsProblem>().0, None);
}
