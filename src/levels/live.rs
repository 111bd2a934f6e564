//! The levels in play: read at start-up from every level folder, put together into a
//! [`Library`], and put together again whenever a file changes on disk. A file whose
//! new version is broken keeps its last good version in play, and says why.

use std::collections::HashMap;

use bevy::asset::LoadState;
use bevy::ecs::system::SystemParam;
use bevy::platform::time::Instant;
use bevy::prelude::*;

use super::file::Source;
use super::library::Library;
use super::{LevelAsset, LevelFile, LevelFolders};
use crate::state::AppState;

/// The levels in play.
#[derive(Resource, Debug, Default, Clone)]
pub struct Levels {
    pub library: Library,
    /// Whether every level file has been read once.
    pub ready: bool,
    /// Files read so far, and how many there are (0 until the folders are listed).
    pub loaded: usize,
    pub total: usize,
    pub report: LevelReport,
}

/// What is wrong with the level files, and what a modder should know.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LevelReport {
    /// Located problems (`file:line:column: field: message`).
    pub errors: Vec<String>,
    /// Load order and overrides.
    pub notes: Vec<String>,
    /// Files whose last good version is in play because their current one is broken.
    pub kept: Vec<String>,
}

/// Sent when a level file changed on disk and the levels were put together again.
#[derive(Message, Debug, Clone, PartialEq)]
pub struct LevelsReloaded {
    /// The files that changed.
    pub files: Vec<String>,
}

/// Every level file asset, as the asset server holds them. The game lists each folder's
/// level files itself ([`super::disk::list_level_files`]: no links followed, nothing
/// but `.ron` files opened) and loads them one by one; on the desktop it lists them
/// again every [`RELIST_SECONDS`] to notice files added, removed or changed. (No file
/// watcher: one follows links, and a link in a mod would have it watch the disk.)
#[derive(Resource, Default)]
struct LevelHandles {
    /// In load order.
    files: Vec<Listed>,
    /// Problems found while listing (links, names that cannot be loaded, caps).
    problems: Vec<String>,
    /// Files added by a later listing whose first load is awaited.
    fresh: Vec<AssetId<LevelAsset>>,
    /// Files a later listing no longer found, not yet put together without.
    removed: Vec<String>,
    /// A later listing found other problems than before: the report needs redoing.
    problems_changed: bool,
    /// When loading began, in wall time (headless runs step their clocks faster).
    started: Option<Instant>,
}

/// One level file the game loaded.
struct Listed {
    /// Its asset path (`mod-1://dreams/ada.dream.ron`).
    path: String,
    handle: Handle<LevelAsset>,
    /// Where it is on disk, and when it was last seen changed (and its length): a
    /// later listing that finds it changed reloads it.
    #[cfg(not(target_arch = "wasm32"))]
    disk: (std::path::PathBuf, Option<Stamp>),
}

#[cfg(not(target_arch = "wasm32"))]
type Stamp = (std::time::SystemTime, u64);

/// When a file was last modified, and its length (not following a link).
#[cfg(not(target_arch = "wasm32"))]
fn stamp(path: &std::path::Path) -> Option<Stamp> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Seconds of wall time after which loading gives up waiting and reports what is left.
const LOADING_PATIENCE: f32 = 30.0;

/// How often the desktop game lists its level folders again, seconds of wall time.
#[cfg(not(target_arch = "wasm32"))]
const RELIST_SECONDS: f32 = 0.5;

/// The last version of each file that parsed, by file name.
#[derive(Resource, Default)]
struct LastGood(HashMap<String, LevelFile>);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Levels>()
        .init_resource::<LevelHandles>()
        .init_resource::<LastGood>()
        .add_message::<LevelsReloaded>()
        .add_systems(Startup, start_loading)
        .add_systems(
            Update,
            (
                track_loading.run_if(|levels: Res<Levels>| !levels.ready),
                #[cfg(not(target_arch = "wasm32"))]
                relist.run_if(|levels: Res<Levels>| levels.ready),
                reload_changed.run_if(|levels: Res<Levels>| levels.ready),
            )
                .chain()
                .in_set(crate::AppSystems::RecordInput),
        )
        .add_systems(
            Update,
            leave_when_loaded
                .in_set(crate::AppSystems::Update)
                .run_if(in_state(AppState::Loading)),
        );
}

/// On to the title once the levels are read, unless nothing at all can be played.
fn leave_when_loaded(levels: Res<Levels>, mut next: ResMut<NextState<AppState>>) {
    if levels.ready && !levels.library.all_dives().is_empty() {
        next.set(AppState::Title);
    }
}

fn start_loading(
    folders: Res<LevelFolders>,
    assets: Res<AssetServer>,
    mut handles: ResMut<LevelHandles>,
) {
    handles.started = Some(Instant::now());
    #[cfg(not(target_arch = "wasm32"))]
    {
        let (listed, problems) = list_all(&folders);
        handles.problems = problems;
        handles.files = listed
            .into_iter()
            .map(|(path, on_disk)| Listed {
                handle: assets.load(path.clone()),
                path,
                disk: (on_disk.clone(), stamp(&on_disk)),
            })
            .collect();
    }
    // The browser cannot list folders: the base game's files are listed at build time.
    #[cfg(target_arch = "wasm32")]
    for path in base_levels::FILES {
        let _ = &folders;
        let path = format!("{}://{path}", super::LEVELS_SOURCE);
        let handle = assets.load(path.clone());
        handles.files.push(Listed { path, handle });
    }
}

/// The asset path and the place on disk of every level file in every folder, in load
/// order, and what could not be read (links under `mods/`, and each folder's
/// [`super::disk::Listing`]).
#[cfg(not(target_arch = "wasm32"))]
fn list_all(folders: &LevelFolders) -> (Vec<(String, std::path::PathBuf)>, Vec<String>) {
    let mut problems: Vec<String> =
        super::disk::linked_mods(&super::data_root().join("mods"), "mods")
            .into_iter()
            .map(|(what, why)| format!("{what}: {why}"))
            .collect();
    let mut budget = super::disk::Budget::default();
    let mut paths = Vec::new();
    for folder in &folders.0 {
        let listing = super::disk::list_level_files(&folder.path, &folder.shown, &mut budget);
        problems.extend(
            listing
                .problems
                .iter()
                .map(|(what, why)| format!("{what}: {why}")),
        );
        paths.extend(listing.files.iter().map(|name| {
            (
                format!("{}://{name}", folder.asset_source),
                folder.path.join(name),
            )
        }));
    }
    (paths, problems)
}

/// Lists the folders again: loads files that appeared, lets go of files that went, and
/// reloads files whose modification time or length changed.
#[cfg(not(target_arch = "wasm32"))]
fn relist(
    folders: Res<LevelFolders>,
    assets: Res<AssetServer>,
    mut handles: ResMut<LevelHandles>,
    mut last: Local<Option<Instant>>,
) {
    if last.is_some_and(|at| at.elapsed().as_secs_f32() < RELIST_SECONDS) {
        return;
    }
    *last = Some(Instant::now());
    let (listed, problems) = list_all(&folders);
    let handles = &mut *handles;
    let now: std::collections::HashSet<&str> = listed.iter().map(|(p, _)| p.as_str()).collect();
    // Named as the loaded files name themselves (`mods/ada/dreams/ada.dream.ron`).
    let shown = |path: &str| -> String {
        let (source, name) = path.split_once("://").unwrap_or(("", path));
        let folder = folders.0.iter().find(|f| f.asset_source == source);
        folder.map_or_else(|| path.to_owned(), |f| format!("{}/{name}", f.shown))
    };
    let gone: Vec<String> = handles
        .files
        .iter()
        .filter(|f| !now.contains(f.path.as_str()))
        .map(|f| shown(&f.path))
        .collect();
    handles.files.retain(|f| now.contains(f.path.as_str()));
    handles.removed.extend(gone);
    for file in &mut handles.files {
        let seen = stamp(&file.disk.0);
        if seen != file.disk.1 {
            file.disk.1 = seen;
            assets.reload(file.path.clone());
        }
    }
    let known: std::collections::HashSet<String> =
        handles.files.iter().map(|f| f.path.clone()).collect();
    for (path, on_disk) in listed {
        if known.contains(&path) {
            continue;
        }
        let handle: Handle<LevelAsset> = assets.load(path.clone());
        handles.fresh.push(handle.id());
        handles.files.push(Listed {
            handle,
            path,
            disk: (on_disk.clone(), stamp(&on_disk)),
        });
    }
    if problems != handles.problems {
        handles.problems_changed = true;
        handles.problems = problems;
    }
}

#[cfg(target_arch = "wasm32")]
mod base_levels {
    include!(concat!(env!("OUT_DIR"), "/base_levels.rs"));
}

/// The level files as the asset server holds them, and what the game keeps of them.
#[derive(SystemParam)]
struct LevelAssets<'w> {
    handles: ResMut<'w, LevelHandles>,
    files: Res<'w, Assets<LevelAsset>>,
    sources: Res<'w, LevelFolders>,
    last_good: ResMut<'w, LastGood>,
}

impl LevelAssets<'_> {
    /// Every level file handle, in load order.
    fn all_files(&self) -> Vec<Handle<LevelAsset>> {
        self.handles
            .files
            .iter()
            .map(|f| f.handle.clone())
            .collect()
    }

    /// Puts the levels together from the file assets into `levels`, keeping the last
    /// good version of each broken file.
    fn put_together(&mut self, levels: &mut Levels) {
        let all = self.all_files();
        let assets: Vec<&LevelAsset> = all.iter().filter_map(|h| self.files.get(h)).collect();
        // Names found unloadable before loading stay reported.
        let mut errors = self.handles.problems.clone();
        let mut parsed = Vec::new();
        let mut kept = Vec::new();
        let mut broken = Vec::new();
        // A deleted file's last good version must not return with a broken new one.
        let present: std::collections::HashSet<&str> =
            assets.iter().map(|a| a.file.as_str()).collect();
        let last_good = &mut self.last_good.0;
        last_good.retain(|file, _| present.contains(file.as_str()));
        for asset in assets {
            match &asset.parsed {
                Ok(file) => {
                    last_good.insert(asset.file.clone(), file.clone());
                    parsed.push(file.clone());
                }
                Err(problems) => {
                    broken.push(asset.file.clone());
                    errors.extend(problems.iter().map(ToString::to_string));
                    if let Some(good) = last_good.get(&asset.file) {
                        kept.push(asset.file.clone());
                        parsed.push(good.clone());
                    }
                }
            }
        }
        let order = self
            .sources
            .0
            .iter()
            .map(|f| Source {
                folder: f.shown.clone(),
            })
            .collect();
        let assembly = Library::assemble(order, parsed, &broken);
        errors.extend(assembly.errors.iter().map(ToString::to_string));
        levels.library = assembly.library;
        levels.report = LevelReport {
            errors,
            notes: assembly.notes,
            kept,
        };
    }
}

fn track_loading(
    mut level_assets: LevelAssets,
    assets: Res<AssetServer>,
    mut levels: ResMut<Levels>,
) {
    let settled = |id: bevy::asset::UntypedAssetId| {
        matches!(
            assets.get_load_state(id),
            Some(LoadState::Loaded | LoadState::Failed(_))
        )
    };
    let handles = &level_assets.handles;
    let out_of_patience = handles
        .started
        .is_some_and(|at| at.elapsed().as_secs_f32() > LOADING_PATIENCE);
    let all = level_assets.all_files();
    levels.total = all.len();
    levels.loaded = all
        .iter()
        .filter(|h| level_assets.files.contains(*h))
        .count();
    let settled_all = all.iter().all(|h| settled(h.id().untyped()));
    if !settled_all && !out_of_patience {
        return;
    }
    let mut errors = Vec::new();
    for Listed { path, handle, .. } in &handles.files {
        match assets.get_load_state(handle) {
            // A file that cannot be read (a missing file in the browser).
            Some(LoadState::Failed(e)) => errors.push(e.to_string()),
            Some(LoadState::Loaded) => {}
            _ => errors.push(format!(
                "{path}: still loading after {LOADING_PATIENCE} s; playing what has loaded"
            )),
        }
    }
    level_assets.put_together(&mut levels);
    errors.append(&mut levels.report.errors);
    levels.report.errors = errors;
    levels.ready = true;
    for note in &levels.report.notes {
        info!("levels: {note}");
    }
    for error in &levels.report.errors {
        error!("{error}");
    }
    info!(
        "levels loaded: {} dreams ({} in the campaign), {} problems",
        levels.library.dreams.len(),
        levels.library.campaign.len(),
        levels.report.errors.len()
    );
}

/// Puts the levels together again when a file is changed, added or removed on disk.
fn reload_changed(
    mut file_events: MessageReader<AssetEvent<LevelAsset>>,
    mut level_assets: LevelAssets,
    mut levels: ResMut<Levels>,
    mut reloaded: MessageWriter<LevelsReloaded>,
) {
    let mut changed: Vec<String> = Vec::new();
    for event in file_events.read() {
        let id = match event {
            AssetEvent::Modified { id } => *id,
            // A file a later listing found, loaded for the first time.
            AssetEvent::LoadedWithDependencies { id }
                if level_assets.handles.fresh.contains(id) =>
            {
                level_assets.handles.fresh.retain(|f| f != id);
                *id
            }
            _ => continue,
        };
        if let Some(file) = level_assets.files.get(id) {
            changed.push(file.file.clone());
        }
    }
    let removed = std::mem::take(&mut level_assets.handles.removed);
    let problems_changed = std::mem::take(&mut level_assets.handles.problems_changed);
    if changed.is_empty() && removed.is_empty() && !problems_changed {
        return;
    }
    changed.extend(removed);
    changed.sort();
    changed.dedup();
    let before = levels.library.clone();
    level_assets.put_together(&mut levels);
    for error in &levels.report.errors {
        warn!("{error}");
    }
    if levels.report.errors.is_empty() {
        info!("levels reloaded: {}", changed.join(", "));
    }
    if levels.library != before || !changed.is_empty() || problems_changed {
        reloaded.write(LevelsReloaded { files: changed });
    }
}
