//! The campaign file: which dreamers exist, in the order the control room lists them.

use bevy::asset::{Asset, Handle};
use bevy::reflect::TypePath;
use serde::{Deserialize, Serialize};

use super::dreamer::Dreamer;
use super::error::LevelError;

/// `levels/campaign.ron` as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignFile {
    /// Dreamer files, relative to `levels/`.
    pub dreamers: Vec<String>,
}

impl CampaignFile {
    /// Parses and checks a campaign file's text. `file` names it in errors.
    pub fn from_ron(file: &str, text: &str) -> Result<CampaignFile, LevelError> {
        let campaign: CampaignFile =
            ron::from_str(text).map_err(|e| LevelError::from_ron(file, &e))?;
        if campaign.dreamers.is_empty() {
            return Err(LevelError::invalid(
                file,
                "dreamers",
                "expected at least one dreamer file",
            )
            .located_in(text));
        }
        for (i, path) in campaign.dreamers.iter().enumerate() {
            if !path.ends_with(".dreamer.ron") || path.contains("..") || path.starts_with('/') {
                return Err(LevelError::invalid(
                    file,
                    format!("dreamers[{i}]"),
                    format!(
                        "expected a path like \"dreamers/NAME.dreamer.ron\" inside levels/, found {path:?}"
                    ),
                )
                .located_in(text));
            }
        }
        Ok(campaign)
    }
}

/// The loaded campaign: a handle per dreamer, loaded as dependencies of the campaign.
#[derive(Asset, TypePath, Debug)]
pub struct Campaign {
    #[dependency]
    pub dreamers: Vec<Handle<Dreamer>>,
}
