//! Level files: the dreamers and the campaign, as RON under `levels/`, loaded through
//! Bevy's asset system from the `levels://` asset source.
//!
//! Data flows one way: file → validated typed data ([`Dreamer`], [`Campaign`]) → dream.

mod campaign;
mod dreamer;
mod error;
mod locate;

use bevy::asset::io::{AssetSourceBuilder, Reader};
use bevy::asset::{AssetLoader, LoadContext};
use bevy::prelude::*;

pub use campaign::{Campaign, CampaignFile};
pub use dreamer::{Dreamer, LOOP_SECONDS};
pub use error::{LevelError, nearest_name};

/// The asset source the level files are read from: the `levels/` folder.
pub const LEVELS_SOURCE: &str = "levels";
/// The base game's campaign file, inside [`LEVELS_SOURCE`].
pub const CAMPAIGN_PATH: &str = "levels://main.campaign.ron";

/// Registers the `levels://` asset source. Must run before `AssetPlugin` is added.
pub fn register_asset_source(app: &mut App) {
    #[cfg(not(target_arch = "wasm32"))]
    let folder = data_root().join("levels").to_string_lossy().into_owned();
    // In the browser the levels are served beside the page.
    #[cfg(target_arch = "wasm32")]
    let folder = "levels".to_owned();
    app.register_asset_source(
        LEVELS_SOURCE,
        AssetSourceBuilder::platform_default(&folder, None),
    );
}

/// The folder holding the game's data (`levels/`, `assets/`): `BEVY_ASSET_ROOT` or
/// `CARGO_MANIFEST_DIR` when set (`cargo run` sets the latter), else the first of the
/// executable's folder, the working directory and the source tree the game was built
/// from that has a `levels/` folder.
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
    app.init_asset::<Dreamer>()
        .init_asset::<Campaign>()
        .register_asset_loader(DreamerLoader)
        .register_asset_loader(CampaignLoader);
}

/// Loads `*.dreamer.ron` files.
#[derive(TypePath)]
struct DreamerLoader;

impl AssetLoader for DreamerLoader {
    type Asset = Dreamer;
    type Settings = ();
    type Error = LevelError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        load_context: &mut LoadContext<'_>,
    ) -> Result<Dreamer, LevelError> {
        let (file, text) = read_text(reader, load_context).await?;
        Dreamer::from_ron(&file, &text)
    }

    fn extensions(&self) -> &[&str] {
        &["dreamer.ron"]
    }
}

/// Loads `campaign.ron` and starts loading every dreamer it lists.
#[derive(TypePath)]
struct CampaignLoader;

impl AssetLoader for CampaignLoader {
    type Asset = Campaign;
    type Settings = ();
    type Error = LevelError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        load_context: &mut LoadContext<'_>,
    ) -> Result<Campaign, LevelError> {
        let (file, text) = read_text(reader, load_context).await?;
        let campaign = CampaignFile::from_ron(&file, &text)?;
        let dreamers = campaign
            .dreamers
            .iter()
            .map(|path| load_context.load(format!("{LEVELS_SOURCE}://{path}")))
            .collect();
        Ok(Campaign { dreamers })
    }

    fn extensions(&self) -> &[&str] {
        &["campaign.ron"]
    }
}

/// Reads a level file as UTF-8 text, naming it as a modder would (`levels/...`).
async fn read_text(
    reader: &mut dyn Reader,
    load_context: &LoadContext<'_>,
) -> Result<(String, String), LevelError> {
    let file = format!("levels/{}", load_context.path().path().display());
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .await
        .map_err(|e| LevelError::Unreadable {
            file: file.clone(),
            message: e.to_string(),
        })?;
    let text = utf8_text(&file, bytes)?;
    Ok((file, text))
}

/// A level file's bytes as text, or an error naming the file.
fn utf8_text(file: &str, bytes: Vec<u8>) -> Result<String, LevelError> {
    String::from_utf8(bytes).map_err(|e| LevelError::Unreadable {
        file: file.to_owned(),
        message: format!("not UTF-8 text ({e})"),
    })
}
