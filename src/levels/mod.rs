//! Level files: dreamers, dreams, dialogue, the campaign and mods, as RON under
//! `levels/` and `mods/NAME/`, loaded through Bevy's asset system (one asset source per
//! folder) and hot-reloaded on the desktop.
//!
//! Data flows one way: file → [`LevelDocument`] (parsed, checked) → [`Library`] (put
//! together, references checked) → [`DiveSpec`] → dream. `docs/modding.md` describes
//! every field.

mod campaign;
mod check;
pub mod cond;
mod dialogue;
#[cfg(not(target_arch = "wasm32"))]
pub mod disk;
mod dream_file;
mod dreamer;
mod error;
pub mod fear_template;
mod figure;
mod file;
mod library;
mod live;
mod locate;
mod rules;
pub mod scene;
pub mod story;
pub mod stranger_dive;
pub mod strangers;

use bevy::asset::io::{AssetSourceBuilder, Reader};
use bevy::asset::{AssetLoader, LoadContext};
use bevy::prelude::*;

pub use campaign::{CampaignFile, ModManifest};
pub use check::{
    Checks, LevelDoc, MAX_ERRORS_PER_FILE, MAX_FILE_BYTES, parse, too_big_for,
    unknown as check_unknown,
};
pub use cond::{Cond, Facts, StoryFacts};
pub use dialogue::{
    Choice, Dialogue, DialogueNode, MAX_CHOICES, Next, Opening, Said, Transcript, Variant,
};
pub use dream_file::{
    Anchor, Core, Cue, DreamLevel, LOOP_SECONDS, MAX_ANCHORS, MAX_CAST, MAX_DREAMERS, Person,
    PersonLine, Role, Share, Waking,
};
pub use dreamer::Dreamer;
pub use error::{LevelError, nearest_name, printable};
pub use figure::{Build, Cast, Clothing, Figure, FigurePalette, Hair};
pub use file::{FileKind, LevelDocument, LevelFile, Source};
pub use library::{Assembly, DiveSpec, Entry, Library, ModInfo};
pub use live::{LevelReport, Levels, LevelsReloaded};
pub use rules::{
    ChaserRules, DissolvingRules, JunoTuning, MirrorRules, NightmareRules, RisingRules,
    StringRules, WatcherRules,
};
pub use scene::{Scene, SceneAt, SceneChoice, SceneLine, ScenePanel, SceneTranscript, Set};
pub use story::Story;

/// The asset source of the base game's `levels/` folder.
pub const LEVELS_SOURCE: &str = "levels";

/// One folder of level files and the asset source it is read through.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelFolder {
    /// Asset source name: `levels` for the base game, `mod-1`, `mod-2`, ... for mods.
    pub asset_source: String,
    /// How messages name it: `levels`, `mods/ada`, or the path given to `--mod`.
    pub shown: String,
    /// Where it is on disk (desktop), to list its files before loading them.
    pub path: std::path::PathBuf,
}

/// The level folders, in load order: the base game first, then each mod.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct LevelFolders(pub Vec<LevelFolder>);

impl LevelFolders {
    /// The load-order index of the folder behind an asset source.
    pub fn index_of(&self, asset_source: &str) -> Option<usize> {
        self.0.iter().position(|f| f.asset_source == asset_source)
    }
}

/// Registers an asset source for `levels/` and for each mod folder (those under `mods/`
/// by name, then `extra_mods` in order) and records them as [`LevelFolders`]. Must run
/// before `AssetPlugin` is added. In the browser only the base levels exist.
pub fn register_asset_sources(app: &mut App, extra_mods: &[std::path::PathBuf]) {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let root = data_root();
        let base = std::iter::once((LEVELS_SOURCE.to_owned(), root.join("levels")));
        let mods = disk::mod_folders(&root, extra_mods)
            .into_iter()
            .enumerate()
            .map(|(i, path)| (format!("mod-{}", i + 1), path));
        let mut folders = Vec::new();
        for (asset_source, path) in base.chain(mods) {
            // Read from the resolved folder (macOS resolves /tmp to /private/tmp).
            // Windows' resolved form (\\?\) is left alone.
            let watched = if cfg!(windows) {
                path.clone()
            } else {
                path.canonicalize().unwrap_or_else(|_| path.clone())
            };
            // A reader only: the game notices changes by listing the folder again
            // (`live`), not with a file watcher, which would follow links out of a mod.
            app.register_asset_source(
                asset_source.clone(),
                AssetSourceBuilder::new(bevy::asset::io::AssetSource::get_default_reader(
                    watched.to_string_lossy().into_owned(),
                )),
            );
            folders.push(LevelFolder {
                asset_source,
                shown: disk::shown_as(&path, &root),
                path,
            });
        }
        app.insert_resource(LevelFolders(folders));
    }
    // In the browser the levels are served beside the page.
    #[cfg(target_arch = "wasm32")]
    {
        let _ = extra_mods;
        app.register_asset_source(
            LEVELS_SOURCE,
            AssetSourceBuilder::platform_default("levels", None),
        );
        app.insert_resource(LevelFolders(vec![LevelFolder {
            asset_source: LEVELS_SOURCE.to_owned(),
            shown: "levels".to_owned(),
            path: "levels".into(),
        }]));
    }
}

/// The folder holding the game's data (`levels/`, `mods/`, `assets/`):
/// `BEVY_ASSET_ROOT` or `CARGO_MANIFEST_DIR` when set (`cargo run` sets the latter),
/// else the first of the executable's folder, the working directory and the source
/// tree the game was built from that has a `levels/` folder.
#[cfg(not(target_arch = "wasm32"))]
pub fn data_root() -> std::path::PathBuf {
    use std::path::PathBuf;
    for var in ["BEVY_ASSET_ROOT", "CARGO_MANIFEST_DIR"] {
        if let Some(dir) = std::env::var_os(var) {
            return PathBuf::from(dir);
        }
    }
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(PathBuf::from));
    let candidates = exe_dir
        .into_iter()
        .chain(std::env::current_dir().ok())
        .chain(std::iter::once(PathBuf::from(env!("CARGO_MANIFEST_DIR"))));
    let mut first = None;
    for dir in candidates {
        if dir.join("levels").is_dir() {
            return dir;
        }
        first.get_or_insert(dir);
    }
    first.unwrap_or_default()
}

pub(super) fn plugin(app: &mut App) {
    let folders = app
        .world()
        .get_resource::<LevelFolders>()
        .cloned()
        .unwrap_or_else(|| {
            LevelFolders(vec![LevelFolder {
                asset_source: LEVELS_SOURCE.to_owned(),
                shown: "levels".to_owned(),
                path: "levels".into(),
            }])
        });
    app.init_asset::<LevelAsset>()
        .register_asset_loader(LevelLoader {
            folders: folders.clone(),
        })
        .insert_resource(folders);
    live::plugin(app);
}

/// One level file as the asset server loaded it: its contents, or every problem in it.
/// Loading never fails on bad contents, so a broken edit arrives as an asset like any
/// other and the game can keep the last good version.
#[derive(Asset, TypePath, Debug)]
pub struct LevelAsset {
    /// The file as messages name it (`levels/dreams/leo.dream.ron`).
    pub file: String,
    pub parsed: Result<LevelFile, Vec<LevelError>>,
}

/// Loads every `.ron` file in a level folder as a [`LevelAsset`].
#[derive(TypePath)]
struct LevelLoader {
    folders: LevelFolders,
}

impl AssetLoader for LevelLoader {
    type Asset = LevelAsset;
    type Settings = ();
    type Error = std::io::Error;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        load_context: &mut LoadContext<'_>,
    ) -> Result<LevelAsset, std::io::Error> {
        let asset_path = load_context.path();
        let source_name = asset_path.source().as_str().unwrap_or(LEVELS_SOURCE);
        let source = self.folders.index_of(source_name).unwrap_or(0);
        let folder = self
            .folders
            .0
            .get(source)
            .map_or("levels", |f| f.shown.as_str());
        let file = format!("{folder}/{}", asset_path.path().display());
        let parsed = match read_capped(reader, &file).await {
            Ok(bytes) => LevelFile::parse(source, &file, &bytes),
            Err(e) => Err(vec![e]),
        };
        Ok(LevelAsset { file, parsed })
    }

    fn extensions(&self) -> &[&str] {
        // Every `.ron` file: one that is not a level file is reported, not skipped.
        const EXTENSIONS: [&str; 8] = [
            FileKind::ENDINGS[0],
            FileKind::ENDINGS[1],
            FileKind::ENDINGS[2],
            FileKind::ENDINGS[3],
            FileKind::ENDINGS[4],
            FileKind::ENDINGS[5],
            FileKind::ENDINGS[6],
            "ron",
        ];
        &EXTENSIONS
    }
}

/// Reads at most [`MAX_FILE_BYTES`] (plus one, to tell a bigger file).
async fn read_capped(reader: &mut dyn Reader, file: &str) -> Result<Vec<u8>, LevelError> {
    use bevy::tasks::futures_lite::AsyncReadExt;
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = reader
            .read(&mut chunk)
            .await
            .map_err(|e| LevelError::Unreadable {
                file: file.to_owned(),
                message: e.to_string(),
            })?;
        if n == 0 {
            return Ok(bytes);
        }
        bytes.extend_from_slice(&chunk[..n]);
        if bytes.len() > MAX_FILE_BYTES {
            return Err(check::too_big(file, bytes.len() as u64));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy::asset::io::VecReader;
    use bevy::tasks::block_on;

    #[test]
    fn the_asset_reader_refuses_a_file_too_big_without_reading_it_all() {
        let mut small = VecReader::new(b"(dives: [])".to_vec());
        assert_eq!(
            block_on(read_capped(&mut small, "levels/x.campaign.ron")).expect("small"),
            b"(dives: [])"
        );
        let mut big = VecReader::new(vec![b' '; 3 * MAX_FILE_BYTES]);
        let err = block_on(read_capped(&mut big, "levels/x.campaign.ron")).expect_err("too big");
        let message = err.to_string();
        assert!(message.contains("is too big for a level file"), "{message}");
        // It stopped a chunk past the limit, not at the end of the 3 MiB.
        assert!(
            message.starts_with("levels/x.campaign.ron: 1.1 MB"),
            "{message}"
        );
    }
}
