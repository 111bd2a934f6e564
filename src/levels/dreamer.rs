//! A dreamer: who they are, what they fear, and the memories that can reach them.
//! One `*.dreamer.ron` file per dreamer under `levels/dreamers/`.

use bevy::asset::Asset;
use bevy::reflect::TypePath;
use serde::{Deserialize, Serialize};

use super::error::LevelError;
use crate::dream::{DreamRecipe, FearWeight, TerrainSize};

/// Loop length limits, seconds: long enough to cross a dream, short enough to loop.
pub const LOOP_SECONDS: std::ops::RangeInclusive<f32> = 20.0..=1800.0;

/// A dreamer trapped in a nightmare loop, as written in their level file.
#[derive(Asset, TypePath, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dreamer {
    /// Short unique id, lowercase (`"leo"`).
    pub id: String,
    /// Name shown to the player.
    pub name: String,
    /// One line on who they are, shown in the control room.
    pub about: String,
    /// Seed of their dream. The same seed makes the same dream everywhere.
    pub seed: u64,
    /// How long one loop of their nightmare lasts, seconds.
    pub loop_seconds: f32,
    /// What they fear, with weights. At least one.
    pub fears: Vec<FearWeight>,
    /// Memory anchors: fragments of their real self, one text each. At least one.
    pub anchors: Vec<String>,
    /// Size of their dream. Optional: 257 samples over 192 m unless given.
    #[serde(default)]
    pub terrain: TerrainSize,
}

impl Dreamer {
    /// Reads, parses and validates a dreamer file from disk (tools and tests; the game
    /// loads them as assets).
    pub fn read(path: &std::path::Path) -> Result<Dreamer, LevelError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| LevelError::Unreadable {
            file: file.clone(),
            message: e.to_string(),
        })?;
        Dreamer::from_ron(&file, &super::utf8_text(&file, bytes)?)
    }

    /// Parses and validates a dreamer file's text. `file` names it in errors.
    pub fn from_ron(file: &str, text: &str) -> Result<Dreamer, LevelError> {
        let dreamer: Dreamer = ron::from_str(text).map_err(|e| LevelError::from_ron(file, &e))?;
        dreamer.validate(file).map_err(|e| e.located_in(text))?;
        Ok(dreamer)
    }

    /// Checks the values the format alone cannot: ranges, emptiness, finiteness.
    pub fn validate(&self, file: &str) -> Result<(), LevelError> {
        let bad = |field: &str, msg: &str| Err(LevelError::invalid(file, field, msg));
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        {
            return bad("id", "expected a non-empty id of a-z, 0-9, '_' or '-'");
        }
        if self.name.trim().is_empty() {
            return bad("name", "expected a name");
        }
        if !self.loop_seconds.is_finite() || !LOOP_SECONDS.contains(&self.loop_seconds) {
            return bad(
                "loop_seconds",
                &format!(
                    "expected {}..={} seconds, found {}",
                    LOOP_SECONDS.start(),
                    LOOP_SECONDS.end(),
                    self.loop_seconds
                ),
            );
        }
        if self.fears.is_empty() {
            return bad("fears", "expected at least one fear");
        }
        for (i, fear) in self.fears.iter().enumerate() {
            if !fear.weight.is_finite() || fear.weight <= 0.0 || fear.weight > 100.0 {
                return bad(
                    &format!("fears[{i}].weight"),
                    &format!("expected a weight in (0, 100], found {}", fear.weight),
                );
            }
        }
        if self.anchors.is_empty() || self.anchors.len() > 32 {
            return bad("anchors", "expected 1 to 32 memory anchors");
        }
        if let Some(i) = self.anchors.iter().position(|a| a.trim().is_empty()) {
            return bad(
                &format!("anchors[{i}]"),
                "expected the anchor's memory text",
            );
        }
        if !self.terrain.extent.is_finite() {
            return bad("terrain.extent", "expected a finite number of metres");
        }
        if let Err(msg) = self.terrain.check() {
            return bad("terrain", &msg);
        }
        Ok(())
    }

    /// The recipe of loop `loop_index` of this dreamer's nightmare.
    pub fn recipe(&self, loop_index: u32) -> DreamRecipe {
        DreamRecipe::new(&self.fears, self.seed, loop_index, self.terrain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"(
        id: "ada",
        name: "Ada",
        about: "A test dreamer.",
        seed: 1,
        loop_seconds: 60.0,
        fears: [(tag: Falling, weight: 1.0)],
        anchors: ["A kite on the beach."],
    )"#;

    #[test]
    fn good_file_parses() {
        let d = Dreamer::from_ron("ada.dreamer.ron", GOOD).expect("valid");
        assert_eq!(d.id, "ada");
        assert_eq!(d.fears.len(), 1);
    }

    #[test]
    fn syntax_error_is_located() {
        let text = GOOD.replace("seed: 1,", "seed: 1");
        let err = Dreamer::from_ron("ada.dreamer.ron", &text).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("ada.dreamer.ron:6:"), "{msg}");
    }

    #[test]
    fn unknown_field_is_rejected_with_its_name() {
        let text = GOOD.replace("seed: 1,", "seed: 1, colour: 3,");
        let msg = Dreamer::from_ron("ada.dreamer.ron", &text)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("colour"), "{msg}");
    }

    #[test]
    fn terrain_size_is_optional_and_read_when_given() {
        let d = Dreamer::from_ron("ada.dreamer.ron", GOOD).expect("valid");
        assert_eq!(d.recipe(0).size, TerrainSize::default());
        let big = GOOD.replace(
            "anchors: [\"A kite on the beach.\"]",
            "anchors: [\"A kite.\"], terrain: (samples: 513, extent: 384.0)",
        );
        let d = Dreamer::from_ron("ada.dreamer.ron", &big).expect("valid");
        assert_eq!(d.recipe(0).size.samples, 513);
    }

    #[test]
    fn out_of_range_values_name_the_field() {
        for (from, to, field) in [
            ("loop_seconds: 60.0", "loop_seconds: 1.0", "loop_seconds"),
            ("loop_seconds: 60.0", "loop_seconds: NaN", "loop_seconds"),
            ("weight: 1.0", "weight: -2.0", "fears[0].weight"),
            (
                "anchors: [\"A kite on the beach.\"]",
                "anchors: []",
                "anchors",
            ),
            ("id: \"ada\"", "id: \"A D A\"", "id"),
            (
                "anchors: [\"A kite on the beach.\"]",
                "anchors: [\"A kite.\"], terrain: (samples: 100000, extent: 192.0)",
                "terrain",
            ),
            (
                "anchors: [\"A kite on the beach.\"]",
                "anchors: [\"A kite.\"], terrain: (samples: 257, extent: 9000.0)",
                "terrain",
            ),
            (
                "anchors: [\"A kite on the beach.\"]",
                "anchors: [\"A kite.\"], terrain: (samples: 257, extent: inf)",
                "terrain.extent",
            ),
        ] {
            let err = Dreamer::from_ron("ada.dreamer.ron", &GOOD.replace(from, to)).unwrap_err();
            match &err {
                LevelError::Invalid { field: f, at, .. } => {
                    assert_eq!(f, field);
                    assert!(at.is_some(), "{field} not located");
                    let message = err.to_string();
                    assert!(message.starts_with("ada.dreamer.ron:"), "{message}");
                }
                other => panic!("expected an invalid-value error for {field}, got {other}"),
            }
        }
    }
}
