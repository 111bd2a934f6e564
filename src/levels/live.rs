//! The levels in play: read at start-up from every level folder, put together into a
//! [`Library`], and put together again whenever a file changes on disk. A file whose
//! new version is broken keeps its last good version in play, and says why.

use std::collections::HashMap;

use bevy::asset::{LoadState, LoadedFolder};
use bevy::ecs::system::SystemParam;
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

/// Every level file asset, as the asset server holds them.
#[derive(Resource, Default)]
struct LevelHandles {
    folders: Vec<Handle<LoadedFolder>>,
    /// Files loaded one by one: in the browser, where folders cannot be listed, and from
    /// a folder holding a name Bevy cannot load.
    files: Vec<Handle<LevelAsset>>,
    /// Problems found before loading (names that cannot be loaded).
    problems: Vec<String>,
}

/// Seconds of real time after which loading gives up waiting and reports what is left.
const LOADING_PATIENCE: f32 = 30.0;

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
                reload_changed.run_if(|levels: Res<Levels>| levels.ready),
            )
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
    #[cfg(not(target_arch = "wasm32"))]
    for folder in &folders.0 {
        let unloadable = super::disk::unloadable_names(&folder.path);
        if unloadable.is_empty() {
            handles
                .folders
                .push(assets.load_folder(format!("{}://", folder.asset_source)));
            continue;
        }
        // Bevy's folder loading never finishes on such a name: read the level files one
        // by one, and say which names to change (new files there need a restart).
        for name in unloadable {
            handles.problems.push(format!(
                "{}/{name}: a name with `#` (or not UTF-8) cannot be loaded: rename it; until then new files in {} need a restart",
                folder.shown, folder.shown
            ));
        }
        for name in super::disk::level_file_names(&folder.path) {
            handles
                .files
                .push(assets.load(format!("{}://{name}", folder.asset_source)));
        }
    }
    // The browser cannot list folders: the base game's files are listed at build time.
    #[cfg(target_arch = "wasm32")]
    for path in base_levels::FILES {
        let _ = &folders;
        handles
            .files
            .push(assets.load(format!("{}://{path}", super::LEVELS_SOURCE)));
    }
}

#[cfg(target_arch = "wasm32")]
mod base_levels {
    include!(concat!(env!("OUT_DIR"), "/base_levels.rs"));
}

/// The level files as the asset server holds them, and what the game keeps of them.
#[derive(SystemParam)]
struct LevelAssets<'w> {
    handles: Res<'w, LevelHandles>,
    folders: Res<'w, Assets<LoadedFolder>>,
    files: Res<'w, Assets<LevelAsset>>,
    sources: Res<'w, LevelFolders>,
    last_good: ResMut<'w, LastGood>,
}

impl LevelAssets<'_> {
    /// Every level file handle: those of each folder, then those loaded one by one.
    fn all_files(&self) -> Vec<Handle<LevelAsset>> {
        self.handles
            .folders
            .iter()
            .filter_map(|h| self.folders.get(h))
            .flat_map(|f| &f.handles)
            .filter_map(|h| h.clone().try_typed::<LevelAsset>().ok())
            .chain(self.handles.files.iter().cloned())
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
    time: Res<Time<Real>>,
    mut levels: ResMut<Levels>,
) {
    let settled = |id: bevy::asset::UntypedAssetId| {
        matches!(
            assets.get_load_state(id),
            Some(LoadState::Loaded | LoadState::Failed(_))
        )
    };
    let out_of_patience = time.elapsed_secs() > LOADING_PATIENCE;
    let handles = &level_assets.handles;
    let folders_settled = handles.folders.iter().all(|h| settled(h.id().untyped()));
    let all = level_assets.all_files();
    levels.total = all.len();
    levels.loaded = all
        .iter()
        .filter(|h| level_assets.files.contains(*h))
        .count();
    let files_settled = all.iter().all(|h| settled(h.id().untyped()));
    let settled_all = folders_settled && files_settled;
    if !settled_all && !out_of_patience {
        return;
    }
    let mut errors = Vec::new();
    for (h, folder) in handles.folders.iter().zip(&level_assets.sources.0) {
        match assets.get_load_state(h) {
            Some(LoadState::Failed(e)) => {
                errors.push(format!("{}: cannot read the folder: {e}", folder.shown));
            }
            Some(LoadState::Loaded) => {}
            _ => errors.push(format!(
                "{}: still loading after {LOADING_PATIENCE} s; playing what has loaded",
                folder.shown
            )),
        }
    }
    // Files loaded one by one fail on their own (a missing file in the browser).
    for h in &handles.files {
        if let Some(LoadState::Failed(e)) = assets.get_load_state(h) {
            errors.push(e.to_string());
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
    mut folder_events: MessageReader<AssetEvent<LoadedFolder>>,
    mut level_assets: LevelAssets,
    mut levels: ResMut<Levels>,
    mut reloaded: MessageWriter<LevelsReloaded>,
) {
    let mut changed: Vec<String> = file_events
        .read()
        .filter_map(|e| match e {
            // Added files arrive through their folder's reload (below); only a change
            // to a loaded file is its own event.
            AssetEvent::Modified { id } => level_assets.files.get(*id).map(|f| f.file.clone()),
            _ => None,
        })
        .collect();
    let folders_changed = folder_events
        .read()
        .any(|e| matches!(e, AssetEvent::Modified { .. }));
    if changed.is_empty() && !folders_changed {
        return;
    }
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
    if levels.library != before || !changed.is_empty() {
        reloaded.write(LevelsReloaded { files: changed });
    }
}
