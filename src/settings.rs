//! The player's settings: sound, controls and picture, changed in the settings menu
//! (`menus/settings.rs`) and kept between sessions in the game's own store
//! ([`crate::store`]): `settings.toml` in the system's preferences folder on the desktop,
//! localStorage in the browser. A write replaces the file whole or leaves it as it was
//! and says why (Bevy's `bevy_settings` stores were not trusted with this: see the
//! store's documentation).
//!
//! The file is TOML, one table per group (`[sound]`, `[controls]`, `[picture]`,
//! `[accessibility]`; the controls' bindings in `[keyboard]`, `[gamepad]` and
//! `[key_labels]`, see `crate::controls`), the layout `bevy_settings` wrote, so a
//! player's existing settings are read as they are. A value of the wrong kind falls back
//! to its default alone; the others are kept.
//!
//! The game runs without persistence too (headless tests): [`plugin`] only puts the
//! defaults in place; [`persist`] loads and saves them.

use std::time::Duration;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use crate::controls::{Bindings, KeyLabels};
pub use crate::controls::{ControlSettings, LOOK_SENSITIVITY};
use crate::store::Store;

pub use crate::store::APP_ID;

/// How long after the last change settings are written (a dragged slider changes them
/// every frame).
const SAVE_DELAY: Duration = Duration::from_millis(400);

/// The settings file's name in the store.
const FILE: &str = "settings.toml";

/// Volumes, each from 0 (silent) to 1 (full).
#[derive(Resource, Reflect, Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[reflect(Resource, Default)]
#[serde(default)]
pub struct SoundSettings {
    /// Everything the game plays.
    pub master: f32,
    /// The dream's own drone.
    pub ambience: f32,
    /// Anchors, the loop collapsing, footsteps, alarms and messages.
    pub effects: f32,
    /// The title's theme.
    pub music: f32,
}

impl Default for SoundSettings {
    fn default() -> Self {
        Self {
            master: 0.8,
            ambience: 0.7,
            effects: 0.8,
            music: 0.6,
        }
    }
}

/// What the picture costs and how wide it is.
#[derive(Resource, Reflect, Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[reflect(Resource, Default)]
#[serde(default)]
pub struct PictureSettings {
    /// Vertical field of view, degrees, within [`FIELD_OF_VIEW`].
    pub field_of_view: f32,
    /// The dream's sun casts shadows (the costliest part of a frame in the browser).
    pub shadows: bool,
    /// Edges drawn smooth: four samples a pixel (MSAA). Off, a frame costs less where
    /// the picture is drawn without a graphics card (about a third less under Mesa's
    /// lavapipe).
    pub anti_aliasing: bool,
    /// Bright things glow into what is around them (bloom): the anchors, the beacons,
    /// the sky's orb, the hazards' light.
    pub glow: bool,
    /// How large menus, panels and the HUD are drawn, within [`UI_SCALE`].
    pub ui_scale: f32,
    /// Calmer pictures: a loop changes without the ground folding away, the hurt
    /// vignette holds steady instead of pulsing, dissolving ground does not shake, a
    /// mirror copy does not slip about, the colour fringes do not flare, the camera cuts
    /// to a conversation instead of swinging round, and the control room's map glows
    /// steadily instead of throbbing and flashing.
    pub reduce_motion: bool,
    /// How far behind Juno the camera follows, times the dream's own distance, within
    /// [`CAMERA_DISTANCE`] (farther is calmer: the world moves less across the screen).
    pub camera_distance: f32,
}

impl Default for PictureSettings {
    fn default() -> Self {
        Self {
            field_of_view: 45.0,
            shadows: true,
            anti_aliasing: true,
            glow: true,
            ui_scale: 1.0,
            reduce_motion: false,
            camera_distance: 1.0,
        }
    }
}

/// Options for players who need them (Settings → Accessibility; `docs/controls.md`).
#[derive(Resource, Reflect, Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[reflect(Resource, Default)]
#[serde(default)]
pub struct AccessibilitySettings {
    /// Nothing flashes or pulses: the hurt vignette is a steady tint (the HUD's words say
    /// what hurts), the colour fringes do not flare, the control room's overload alarm
    /// and its looping sleepers glow steadily.
    pub reduce_flashing: bool,
    /// Sounds that mean something are written on screen as they play: a memory's bell,
    /// the loop falling away, the veil lifting, the overload's alarm, a message's chime.
    pub captions: bool,
    /// How long words stay on screen before they fade (Father's lines, the dream's
    /// voices, a memory understood), times their usual time, within [`LINE_TIME`].
    pub line_time: f32,
    /// A waking scene shows each panel's lines all at once instead of one at a time.
    pub whole_panels: bool,
    /// An assist, labelled as one: the dreams' loop clock and lucidity's wearing down
    /// run this many times slower, within [`DREAM_PACE`]. Taken as each dive begins;
    /// recorded in replays.
    pub dream_pace: f32,
    /// The colours what matters is drawn in: hazards, the watcher's gaze, the map's
    /// loops, lucidity running low, the charts' lines.
    pub palette: Palette,
}

/// The colours the game tells things apart by ([`AccessibilitySettings::palette`]).
#[derive(Reflect, Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Palette {
    /// Danger in red, calm in blue and cyan, memory in amber.
    #[default]
    Standard,
    /// Told apart by lightness and along blue–orange, never by red against green: safe
    /// for protanopia, deuteranopia and tritanopia (checked by simulating each on the
    /// rendered pictures, `tests/colour_blind.rs`).
    ColourBlindSafe,
}

impl Palette {
    pub const ALL: [Palette; 2] = [Palette::Standard, Palette::ColourBlindSafe];

    /// Its name in the settings file (and in the colour tour's pictures).
    pub const fn name(self) -> &'static str {
        match self {
            Palette::Standard => "standard",
            Palette::ColourBlindSafe => "colour-blind-safe",
        }
    }

    /// Its name in the settings menu.
    pub fn label(self) -> &'static str {
        match self {
            Palette::Standard => "Standard",
            Palette::ColourBlindSafe => "Colour-blind safe",
        }
    }
}

impl Default for AccessibilitySettings {
    fn default() -> Self {
        Self {
            reduce_flashing: false,
            captions: false,
            line_time: 1.0,
            whole_panels: false,
            dream_pace: 1.0,
            palette: Palette::Standard,
        }
    }
}

/// The range of the assist's pace ([`AccessibilitySettings::dream_pace`], the dive's
/// `crate::dive::ActiveDive::pace`).
pub const DREAM_PACE: (f32, f32) = (1.0, 2.0);

/// The range of [`AccessibilitySettings::line_time`].
pub const LINE_TIME: (f32, f32) = (1.0, 4.0);

impl AccessibilitySettings {
    /// How much older `seconds` on the clock make a line on screen: less, the longer the
    /// player asked lines to stay.
    pub fn aged(&self, seconds: f32) -> f32 {
        seconds / self.line_time.max(LINE_TIME.0)
    }

    /// The same settings with the line time within [`LINE_TIME`].
    pub fn sanitized(self) -> Self {
        Self {
            line_time: within(self.line_time, LINE_TIME, 1.0),
            dream_pace: within(self.dream_pace, DREAM_PACE, 1.0),
            ..self
        }
    }
}

/// The range of [`PictureSettings::camera_distance`].
pub const CAMERA_DISTANCE: (f32, f32) = (0.6, 1.6);

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
            music: within(self.music, (0.0, 1.0), d.music),
        }
    }
}

impl PictureSettings {
    /// The same settings with the field of view within [`FIELD_OF_VIEW`], the
    /// interface's scale within [`UI_SCALE`] and the camera's distance within
    /// [`CAMERA_DISTANCE`].
    pub fn sanitized(self) -> Self {
        Self {
            field_of_view: within(
                self.field_of_view,
                FIELD_OF_VIEW,
                Self::default().field_of_view,
            ),
            ui_scale: within(self.ui_scale, UI_SCALE, 1.0),
            camera_distance: within(self.camera_distance, CAMERA_DISTANCE, 1.0),
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
        .register_type::<AccessibilitySettings>()
        .init_resource::<SoundSettings>()
        .init_resource::<ControlSettings>()
        .init_resource::<PictureSettings>()
        .init_resource::<AccessibilitySettings>()
        .init_resource::<SettingsProblem>()
        .insert_resource(SettingsPlace(
            "Not saved: settings are kept only for this session.".to_owned(),
        ))
        .add_systems(PreStartup, sanitize);
}

/// Where the settings are kept, and the debounce of the next write.
#[derive(Resource, Debug)]
struct SettingsStore {
    store: Store,
    /// Real seconds at the last change not yet written.
    changed_at: Option<f64>,
    /// The problem on show is the last write's failure (the next write that works
    /// takes it away; a problem reading the file at start stays).
    write_failed: bool,
}

/// Loads the settings kept under `app_id` now and saves them after every change and at
/// exit. Add after [`crate::GamePlugin`].
pub fn persist(app: &mut App, app_id: &str) {
    let Some(store) = Store::player_for(app_id) else {
        app.insert_resource(SettingsPlace(
            "Not saved: this system has no preferences folder.".to_owned(),
        ));
        return;
    };
    let (loaded, problem) = load(&store);
    if let Some(loaded) = loaded {
        loaded.insert(app);
    }
    app.insert_resource(SettingsProblem(problem))
        .insert_resource(SettingsPlace(format!("Saved in {}", store.place(FILE))))
        .insert_resource(SettingsStore {
            store,
            changed_at: None,
            write_failed: false,
        })
        .add_systems(Last, (save_after_change, save_at_exit).chain());
}

/// Everything the settings file keeps.
#[derive(Debug, Clone, Default, PartialEq)]
struct Loaded {
    sound: SoundSettings,
    controls: ControlSettings,
    picture: PictureSettings,
    accessibility: AccessibilitySettings,
    bindings: Bindings,
    key_labels: KeyLabels,
}

impl Loaded {
    /// These settings in use.
    fn insert(self, app: &mut App) {
        app.insert_resource(self.sound)
            .insert_resource(self.controls)
            .insert_resource(self.picture)
            .insert_resource(self.accessibility)
            .insert_resource(self.bindings)
            .insert_resource(self.key_labels);
    }
}

/// Settings read from a file (written as the game writes its own), to be used instead
/// of the defaults: for pictures taken with settings of their own (`--settings FILE`).
/// The file is read, never written.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsFile {
    settings: Loaded,
    place: String,
}

impl SettingsFile {
    /// The settings in the file at `path`. One that cannot be read, or that says
    /// something the game would not take (a group or setting it does not have, a value
    /// of the wrong kind, a binding it cannot mean: [`read_table`]), is refused: pictures
    /// are taken with what the file says or not at all. Where the text cannot be read as
    /// TOML, the line and column are said. Numbers out of range are pulled into it, as
    /// in the player's own file.
    pub fn read(path: &std::path::Path) -> Result<Self, String> {
        let shown = path.display();
        let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
        let text = crate::text::utf8(&bytes)
            .map_err(|(line, column)| format!("{shown}:{line}:{column}: not UTF-8 text"))?;
        let table = toml::from_str::<toml::Table>(text).map_err(|e| {
            let message = e.message().trim_end();
            match e.span() {
                Some(span) => {
                    let at = span.start.min(text.len());
                    let (line, column) = crate::text::line_column(&text.as_bytes()[..at]);
                    format!("{shown}:{line}:{column}: {message}")
                }
                None => format!("{shown}: {message}"),
            }
        })?;
        let (settings, problems) = read_table(&table);
        if !problems.is_empty() {
            return Err(format!("{shown}: {}", problems.join("; ")));
        }
        Ok(Self {
            settings,
            place: format!("Read from {shown}; not saved."),
        })
    }

    /// These settings in use in `app`.
    pub fn use_in(self, app: &mut App) {
        self.settings.insert(app);
        app.insert_resource(SettingsPlace(self.place));
    }
}

/// The settings kept in `store`; a file that cannot be read is set aside and said so.
fn load(store: &Store) -> (Option<Loaded>, Option<String>) {
    let bytes = match store.read(FILE) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => match legacy(store) {
            Some(bytes) => bytes,
            None => return (None, None), // no file yet: the defaults, silently
        },
        Err(e) => {
            return (
                None,
                Some(format!(
                    "Your settings could not be read ({e}). The defaults are in use."
                )),
            );
        }
    };
    let table = match crate::text::utf8(&bytes) {
        Ok(text) => toml::from_str::<toml::Table>(text).map_err(|e| e.to_string()),
        Err((line, column)) => Err(format!(
            "it is not UTF-8 text at line {line}, column {column}"
        )),
    };
    match table {
        Ok(table) => {
            let (loaded, problems) = read_table(&table);
            for problem in problems {
                warn!("settings {problem}");
            }
            (Some(loaded), None)
        }
        Err(error) => {
            let error = error.lines().next().unwrap_or_default().to_owned();
            let kept = match store.set_aside(FILE) {
                Ok(aside) => format!("it was kept as {}", store.place(&aside)),
                Err(e) => format!("it could not be set aside ({e}) and will be replaced"),
            };
            warn!("settings file {}: {error}; {kept}", store.place(FILE));
            (
                None,
                Some(format!(
                    "Your settings file {} could not be read ({error}); {kept}. The defaults \
                     are in use.",
                    store.place(FILE)
                )),
            )
        }
    }
}

/// The browser build's settings from before the game kept its own store
/// (`bevy_settings` used the key `<app id>-settings`).
fn legacy(store: &Store) -> Option<Vec<u8>> {
    let Store::Browser(prefix) = store else {
        return None;
    };
    let app_id = prefix.trim_end_matches('/');
    Store::browser("")
        .read(&format!("{app_id}-settings"))
        .ok()
        .flatten()
}

/// One group from the file's table: each value of the right kind over the default, the
/// others (a typo, a value of the wrong kind) left at their default and said in
/// `problems`. A group that is not a table keeps every default ([`read_table`] says so).
fn group<T: Default + Serialize + serde::de::DeserializeOwned>(
    table: &toml::Table,
    name: &str,
    problems: &mut Vec<String>,
) -> T {
    let Some(toml::Value::Table(values)) = table.get(name) else {
        return T::default();
    };
    let Ok(toml::Value::Table(mut merged)) = toml::Value::try_from(T::default()) else {
        return T::default();
    };
    for (key, value) in values {
        let Some(default) = merged.get(key) else {
            // A key this version does not have (or a typo).
            problems.push(format!("[{name}] {key}: no such setting (ignored)"));
            continue;
        };
        let fits = std::mem::discriminant(default) == std::mem::discriminant(value)
            || matches!(
                (default, value),
                (toml::Value::Float(_), toml::Value::Integer(_))
            );
        if fits {
            let value = match value {
                toml::Value::Integer(i) if default.is_float() => toml::Value::Float(*i as f64),
                other => other.clone(),
            };
            // A word that is none of the choices (`palette = "purple"`) is a string like
            // the default, but would fail the whole group: tried alone first.
            let mut trial = merged.clone();
            trial.insert(key.clone(), value.clone());
            if toml::Value::Table(trial).try_into::<T>().is_ok() {
                merged.insert(key.clone(), value);
            } else {
                problems.push(format!(
                    "[{name}] {key}: {value} cannot be read as one (the default is kept)"
                ));
            }
        } else {
            problems.push(format!(
                "[{name}] {key}: {value} is not a {} (the default is kept)",
                default.type_str()
            ));
        }
    }
    toml::Value::Table(merged).try_into().unwrap_or_default()
}

/// The file's tables [`read_table`] reads.
const GROUPS: [&str; 7] = [
    "sound",
    "controls",
    "picture",
    "accessibility",
    "keyboard",
    "gamepad",
    "key_labels",
];

/// The settings a file's table gives: each group's values over its defaults, the
/// bindings the `[keyboard]` and `[gamepad]` tables name. A group or setting the game
/// does not have, a value of the wrong kind and a binding it cannot mean are said in the
/// problems returned (and keep their defaults); numbers out of range are pulled into it
/// later, and key labels it cannot use are dropped, without a word.
fn read_table(table: &toml::Table) -> (Loaded, Vec<String>) {
    let sub = |name: &str| table.get(name).and_then(toml::Value::as_table);
    let (bindings, problems) = Bindings::from_tables(sub("keyboard"), sub("gamepad"));
    let mut problems: Vec<String> = problems
        .into_iter()
        .map(|problem| format!("{problem} (the default is kept)"))
        .collect();
    for (name, value) in table {
        if !GROUPS.contains(&name.as_str()) {
            problems.push(format!("[{name}]: no such group of settings (ignored)"));
        } else if !value.is_table() {
            problems.push(format!(
                "[{name}]: {} is not a table (the defaults are kept)",
                value.type_str()
            ));
        }
    }
    let loaded = Loaded {
        sound: group(table, "sound", &mut problems),
        controls: group(table, "controls", &mut problems),
        picture: group(table, "picture", &mut problems),
        accessibility: group(table, "accessibility", &mut problems),
        bindings,
        key_labels: KeyLabels::from_table(sub("key_labels")),
    };
    (loaded, problems)
}

/// Everything the settings file keeps, as the game has it now.
#[derive(SystemParam)]
pub struct Kept<'w> {
    sound: Res<'w, SoundSettings>,
    controls: Res<'w, ControlSettings>,
    picture: Res<'w, PictureSettings>,
    accessibility: Res<'w, AccessibilitySettings>,
    bindings: Res<'w, Bindings>,
    key_labels: Res<'w, KeyLabels>,
}

impl Kept<'_> {
    /// Whether any of it changed since the system asking last ran.
    pub fn changed(&self) -> bool {
        self.sound.is_changed()
            || self.controls.is_changed()
            || self.picture.is_changed()
            || self.accessibility.is_changed()
            || self.bindings.is_changed()
            || self.key_labels.is_changed()
    }

    /// The file's text.
    pub(crate) fn text(&self) -> String {
        let mut table = toml::Table::new();
        for (name, value) in [
            ("sound", toml::Value::try_from(*self.sound)),
            ("controls", toml::Value::try_from(*self.controls)),
            ("picture", toml::Value::try_from(*self.picture)),
            ("accessibility", toml::Value::try_from(*self.accessibility)),
        ] {
            if let Ok(value) = value {
                table.insert(name.to_owned(), value);
            }
        }
        let (keyboard, gamepad) = self.bindings.to_tables();
        table.insert("keyboard".to_owned(), toml::Value::Table(keyboard));
        table.insert("gamepad".to_owned(), toml::Value::Table(gamepad));
        table.insert(
            "key_labels".to_owned(),
            toml::Value::Table(self.key_labels.to_table()),
        );
        toml::to_string(&table).unwrap_or_default()
    }
}

/// Where the settings are kept, as the player is told (looked up once, at start).
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct SettingsPlace(pub String);

/// Whether any of the player's settings changed since the system asking last ran.
pub fn settings_changed(kept: Kept) -> bool {
    kept.changed()
}

/// Writes the settings. One a write could not keep: the player is told, the settings
/// stay in use, and the next change tries again.
fn write(store: &mut SettingsStore, kept: &Kept, problem: &mut SettingsProblem) {
    match store.store.write(FILE, kept.text().as_bytes()) {
        Ok(()) => {
            if std::mem::take(&mut store.write_failed) {
                problem.0 = None;
            }
        }
        Err(e) => {
            warn!("settings: {e}");
            store.write_failed = true;
            problem.0 = Some(format!(
                "Settings not saved: {e}. The file on disk is kept as it was; your changes \
                 apply for this session."
            ));
        }
    }
}

/// Any change is written [`SAVE_DELAY`] after the last one.
fn save_after_change(
    kept: Kept,
    time: Res<Time<Real>>,
    mut store: ResMut<SettingsStore>,
    mut problem: ResMut<SettingsProblem>,
    mut first_run: Local<bool>,
) {
    let now = time.elapsed_secs_f64();
    // The first run sees the values just loaded as changes.
    if std::mem::replace(&mut *first_run, true) && kept.changed() {
        store.changed_at = Some(now);
    }
    if store
        .changed_at
        .is_some_and(|at| now - at >= SAVE_DELAY.as_secs_f64())
    {
        store.changed_at = None;
        write(&mut store, &kept, &mut problem);
    }
}

/// The game is closing (Quit, or the window closed): write what is not written yet.
fn save_at_exit(
    mut exits: MessageReader<AppExit>,
    kept: Kept,
    mut store: ResMut<SettingsStore>,
    mut problem: ResMut<SettingsProblem>,
) {
    if exits.read().next().is_some() && store.changed_at.take().is_some() {
        write(&mut store, &kept, &mut problem);
    }
}

/// Values out of range (from a hand-edited file) are pulled into range once, at start.
fn sanitize(
    mut sound: ResMut<SoundSettings>,
    mut controls: ResMut<ControlSettings>,
    mut picture: ResMut<PictureSettings>,
    mut access: ResMut<AccessibilitySettings>,
) {
    sound.set_if_neq(sound.sanitized());
    controls.set_if_neq(controls.sanitized());
    picture.set_if_neq(picture.sanitized());
    access.set_if_neq(access.sanitized());
}
