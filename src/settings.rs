//! The player's settings: sound, controls and picture, changed in the settings menu
//! (`menus/settings.rs`) and kept between sessions by Bevy's `bevy_settings`: a TOML file
//! in the system's preferences folder on the desktop (written to a temporary file, then
//! renamed over the old one), localStorage in the browser.
//!
//! The game runs without persistence too (headless tests): [`plugin`] only puts the
//! defaults in place; [`persist`] loads and saves them.

use std::time::Duration;

use bevy::prelude::*;
use bevy::settings::{
    ReflectSettingsGroup, SaveSettingsDeferred, SaveSettingsSync, SettingsGroup, SettingsPlugin,
};

/// The name settings are kept under: the folder in the preferences folder on the desktop,
/// the key prefix in the browser's localStorage.
pub const APP_ID: &str = "studio.sleepsync.SleepSync";

/// How long after the last change settings are written (a dragged slider changes them
/// every frame).
const SAVE_DELAY: Duration = Duration::from_millis(400);

/// Volumes, each from 0 (silent) to 1 (full).
#[derive(Resource, SettingsGroup, Reflect, Debug, Clone, Copy, PartialEq)]
#[reflect(Resource, SettingsGroup, Default)]
#[settings_group(group = "sound")]
pub struct SoundSettings {
    /// Everything the game plays.
    pub master: f32,
    /// The dream's own drone.
    pub ambience: f32,
    /// Anchors, the loop collapsing, the menus.
    pub effects: f32,
}

impl Default for SoundSettings {
    fn default() -> Self {
        Self {
            master: 0.8,
            ambience: 0.7,
            effects: 0.8,
        }
    }
}

/// How the camera answers the mouse and the right stick.
#[derive(Resource, SettingsGroup, Reflect, Debug, Clone, Copy, PartialEq)]
#[reflect(Resource, SettingsGroup, Default)]
#[settings_group(group = "controls")]
pub struct ControlSettings {
    /// Multiplies how far the view turns, from [`LOOK_SENSITIVITY`]`.0` to `.1`.
    pub look_sensitivity: f32,
    /// Mouse or stick up looks down.
    pub invert_look: bool,
}

impl Default for ControlSettings {
    fn default() -> Self {
        Self {
            look_sensitivity: 1.0,
            invert_look: false,
        }
    }
}

/// What the picture costs and how wide it is.
#[derive(Resource, SettingsGroup, Reflect, Debug, Clone, Copy, PartialEq)]
#[reflect(Resource, SettingsGroup, Default)]
#[settings_group(group = "picture")]
pub struct PictureSettings {
    /// Vertical field of view, degrees, within [`FIELD_OF_VIEW`].
    pub field_of_view: f32,
    /// The dream's sun casts shadows (the costliest part of a frame in the browser).
    pub shadows: bool,
    /// How large menus, panels and the HUD are drawn, within [`UI_SCALE`].
    pub ui_scale: f32,
}

impl Default for PictureSettings {
    fn default() -> Self {
        Self {
            field_of_view: 45.0,
            shadows: true,
            ui_scale: 1.0,
        }
    }
}

/// The range of [`ControlSettings::look_sensitivity`].
pub const LOOK_SENSITIVITY: (f32, f32) = (0.25, 4.0);
/// The range of [`PictureSettings::field_of_view`], degrees.
pub const FIELD_OF_VIEW: (f32, f32) = (35.0, 80.0);
/// The range of [`PictureSettings::ui_scale`].
pub const UI_SCALE: (f32, f32) = (0.75, 2.0);

/// `value` within `range`; `fallback` for a value that is not a number.
fn within(value: f32, range: (f32, f32), fallback: f32) -> f32 {
    if value.is_nan() {
        fallback
    } else {
        value.clamp(range.0, range.1)
    }
}

impl SoundSettings {
    /// The same settings with every volume within 0..=1 (a hand-edited file may say 7).
    pub fn sanitized(self) -> Self {
        let d = Self::default();
        Self {
            master: within(self.master, (0.0, 1.0), d.master),
            ambience: within(self.ambience, (0.0, 1.0), d.ambience),
            effects: within(self.effects, (0.0, 1.0), d.effects),
        }
    }
}

impl ControlSettings {
    /// The same settings with the sensitivity within [`LOOK_SENSITIVITY`].
    pub fn sanitized(self) -> Self {
        Self {
            look_sensitivity: within(self.look_sensitivity, LOOK_SENSITIVITY, 1.0),
            ..self
        }
    }
}

impl PictureSettings {
    /// The same settings with the field of view within [`FIELD_OF_VIEW`] and the
    /// interface's scale within [`UI_SCALE`].
    pub fn sanitized(self) -> Self {
        Self {
            field_of_view: within(
                self.field_of_view,
                FIELD_OF_VIEW,
                Self::default().field_of_view,
            ),
            ui_scale: within(self.ui_scale, UI_SCALE, 1.0),
            ..self
        }
    }
}

/// A settings file that could not be read when the game started: the player is told, and
/// the file is kept aside rather than overwritten by the next save.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct SettingsProblem(pub Option<String>);

/// The settings with their defaults; nothing read or written. Part of the game plugin.
pub(super) fn plugin(app: &mut App) {
    app.register_type::<SoundSettings>()
        .register_type::<ControlSettings>()
        .register_type::<PictureSettings>()
        .init_resource::<SoundSettings>()
        .init_resource::<ControlSettings>()
        .init_resource::<PictureSettings>()
        .init_resource::<SettingsProblem>()
        .insert_resource(SettingsPlace(where_kept()))
        .add_systems(PreStartup, sanitize);
}

/// Loads the settings kept under `app_id` now and saves them after every change and at
/// exit. Add after [`crate::GamePlugin`], which registers the settings' types.
pub fn persist(app: &mut App, app_id: &str) {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let problem = bevy::platform::dirs::preferences_dir()
            .and_then(|dir| set_aside_unreadable(&dir.join(app_id).join("settings.toml")));
        app.insert_resource(SettingsProblem(problem));
    }
    app.add_plugins(SettingsPlugin::new(app_id)).add_systems(
        Last,
        (save_after_change.run_if(settings_changed), save_at_exit).chain(),
    );
}

/// Where the settings are kept, as the player is told (looked up once, at start).
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct SettingsPlace(pub String);

/// Whether any of the player's settings changed since the system asking last ran.
pub fn settings_changed(
    sound: Res<SoundSettings>,
    controls: Res<ControlSettings>,
    picture: Res<PictureSettings>,
) -> bool {
    sound.is_changed() || controls.is_changed() || picture.is_changed()
}

/// Where the settings are kept, for the player.
fn where_kept() -> String {
    if cfg!(target_arch = "wasm32") {
        return "Saved in this browser.".to_owned();
    }
    match bevy::platform::dirs::preferences_dir() {
        Some(dir) => format!(
            "Saved in {}",
            dir.join(APP_ID).join("settings.toml").display()
        ),
        None => "Not saved: this system has no preferences folder.".to_owned(),
    }
}

/// Values out of range (from a hand-edited file) are pulled into range once, at start.
fn sanitize(
    mut sound: ResMut<SoundSettings>,
    mut controls: ResMut<ControlSettings>,
    mut picture: ResMut<PictureSettings>,
) {
    sound.set_if_neq(sound.sanitized());
    controls.set_if_neq(controls.sanitized());
    picture.set_if_neq(picture.sanitized());
}

/// Any change is written shortly after the last one (debounced by `bevy_settings`).
fn save_after_change(mut commands: Commands, mut first_run: Local<bool>) {
    // The first run sees the values just loaded as changes.
    if std::mem::replace(&mut *first_run, true) {
        commands.queue(SaveSettingsDeferred(SAVE_DELAY));
    }
}

/// The game is closing (Quit, or the window closed): write what is not written yet.
fn save_at_exit(mut exits: MessageReader<AppExit>, mut commands: Commands) {
    if exits.read().next().is_some() {
        commands.queue(SaveSettingsSync::IfChanged);
    }
}

/// If the settings file at `path` exists but is not readable TOML, renames it to the first
/// free `settings.broken[-N].toml` beside it (so the next save cannot destroy what the
/// player wrote) and returns what to tell them.
#[cfg(not(target_arch = "wasm32"))]
pub fn set_aside_unreadable(path: &std::path::Path) -> Option<String> {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(_) => return None, // no file yet: the defaults, silently
    };
    let error = match std::str::from_utf8(&text) {
        Ok(text) => toml::from_str::<toml::Table>(text).err()?.to_string(),
        Err(_) => "it is not UTF-8 text".to_owned(),
    };
    let error = error.lines().next().unwrap_or_default().to_owned();
    let folder = path.parent()?;
    let aside = (1..1000)
        .map(|n| match n {
            1 => folder.join("settings.broken.toml"),
            n => folder.join(format!("settings.broken-{n}.toml")),
        })
        .find(|p| !p.exists())?;
    let kept = match std::fs::rename(path, &aside) {
        Ok(()) => format!("it was kept as {}", aside.display()),
        Err(e) => format!("it could not be set aside ({e}) and will be replaced"),
    };
    warn!("settings file {}: {error}; {kept}", path.display());
    Some(format!(
        "Your settings file {} could not be read ({error}); {kept}. The defaults are in use.",
        path.display()
    ))
}
