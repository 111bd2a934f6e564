//! A dream: the nightmare one dreamer is trapped in. How long a loop lasts, how big the
//! dream is, how it departs from what the fears make, its memory anchors and its core.
//! One `*.dream.ron` file per dream, under `dreams/`.

use serde::{Deserialize, Serialize};

use super::check::{Checks, LevelDoc};
use super::rules::NightmareRules;
use crate::dream::{DreamRecipe, FearWeight, TerrainSize, Tuning};

/// Loop length limits, seconds: long enough to cross a dream, short enough to loop.
pub const LOOP_SECONDS: std::ops::RangeInclusive<f32> = 20.0..=1800.0;

/// The most memory anchors a dream holds.
pub const MAX_ANCHORS: usize = 32;

/// A dream as written in its level file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DreamLevel {
    /// Short unique id (`"leo"`): the campaign and the title screen name dreams by it.
    pub id: String,
    /// Id of the dreamer whose nightmare this is; their fears shape it.
    pub dreamer: String,
    /// Seed of the dream. The same seed makes the same dream everywhere.
    pub seed: u64,
    /// How long one loop lasts, seconds.
    pub loop_seconds: f32,
    /// Size of the dream. Optional: 257 samples over 192 m.
    #[serde(default)]
    pub terrain: TerrainSize,
    /// Departures from what the fears make. Optional: none.
    #[serde(default)]
    pub tuning: Tuning,
    /// Memory anchors: fragments of the dreamer's real self. 1 to [`MAX_ANCHORS`].
    pub anchors: Vec<Anchor>,
    /// The dream's core, where the dreamer waits. Optional: one anchor opens it.
    #[serde(default)]
    pub core: Core,
    /// How the nightmare wears Juno down: lucidity and each hazard's numbers. Optional.
    #[serde(default)]
    pub nightmare: NightmareRules,
}

/// A memory anchor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    /// A few words naming the memory, shown when it is found.
    pub title: String,
    /// The memory itself.
    pub memory: String,
}

/// The dream's core.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Core {
    /// How many anchors Juno must hold before the way to the dreamer opens.
    pub anchors_needed: usize,
}

impl Default for Core {
    fn default() -> Self {
        Self { anchors_needed: 1 }
    }
}

impl DreamLevel {
    /// The recipe of loop `loop_index` of this dream, made from its dreamer's fears.
    pub fn recipe(&self, fears: &[FearWeight], loop_index: u32) -> DreamRecipe {
        DreamRecipe::tuned(fears, self.seed, loop_index, self.terrain, &self.tuning)
    }
}

impl LevelDoc for DreamLevel {
    const KIND: &'static str = "dream";

    fn check(&self, c: &mut Checks) {
        c.id("id", &self.id);
        c.id("dreamer", &self.dreamer);
        c.number("loop_seconds", self.loop_seconds, LOOP_SECONDS, " seconds");
        if !self.terrain.extent.is_finite() {
            c.fail("terrain.extent", "expected a finite number of metres");
        } else if let Err(message) = self.terrain.check() {
            c.fail("terrain", message);
        }
        for (field, message) in self.tuning.problems() {
            c.fail(format_args!("tuning.{field}"), message);
        }
        let kinds = &self.tuning.hazard_kinds;
        if kinds.len() > 16 {
            c.fail("tuning.hazard_kinds", "expected at most 16 kinds");
        }
        for (i, kind) in kinds.iter().enumerate().take(16) {
            if kinds[..i].contains(kind) {
                c.fail(
                    format_args!("tuning.hazard_kinds[{i}]"),
                    format!("{kind:?} is listed twice"),
                );
            }
        }
        self.nightmare.check(c);
        if self.anchors.is_empty() || self.anchors.len() > MAX_ANCHORS {
            c.fail(
                "anchors",
                format!(
                    "expected 1 to {MAX_ANCHORS} memory anchors, found {}",
                    self.anchors.len()
                ),
            );
        }
        for (i, anchor) in self.anchors.iter().enumerate() {
            c.text(format_args!("anchors[{i}].title"), &anchor.title, 40);
            c.text(format_args!("anchors[{i}].memory"), &anchor.memory, 400);
        }
        if self.core.anchors_needed > self.anchors.len() {
            c.fail(
                "core.anchors_needed",
                format!(
                    "the core needs {} anchors but the dream holds {}",
                    self.core.anchors_needed,
                    self.anchors.len()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::levels::{LevelError, check::parse};

    const GOOD: &str = r#"(
        id: "ada",
        dreamer: "ada",
        seed: 1,
        loop_seconds: 60.0,
        anchors: [(title: "The kite", memory: "A kite on the beach.")],
    )"#;

    fn fields(text: &str) -> Vec<String> {
        parse::<DreamLevel>("ada.dream.ron", text.as_bytes())
            .unwrap_err()
            .into_iter()
            .map(|e| match e {
                LevelError::Invalid { field, at, .. } => {
                    assert!(at.is_some(), "{field} not located");
                    field
                }
                other => panic!("expected value errors, got {other}"),
            })
            .collect()
    }

    #[test]
    fn optional_parts_have_defaults_and_are_read_when_given() {
        let d = parse::<DreamLevel>("ada.dream.ron", GOOD.as_bytes()).expect("valid");
        assert_eq!(d.terrain, TerrainSize::default());
        assert_eq!(d.core.anchors_needed, 1);
        let big = GOOD.replace(
            "loop_seconds: 60.0,",
            "loop_seconds: 60.0, terrain: (samples: 513, extent: 384.0), tuning: (height: Some(30.0), hazard_kinds: [Watcher]),",
        );
        let d = parse::<DreamLevel>("ada.dream.ron", big.as_bytes()).expect("valid");
        assert_eq!(d.terrain.samples, 513);
        assert_eq!(d.tuning.height, Some(30.0));
    }

    #[test]
    fn out_of_range_values_name_their_fields() {
        let text = GOOD
            .replace("loop_seconds: 60.0,", "loop_seconds: 1.0, terrain: (samples: 100000, extent: 192.0), tuning: (water: Some(2.0)), core: (anchors_needed: 3),")
            .replace("title: \"The kite\"", "title: \" \"");
        assert_eq!(
            fields(&text),
            [
                "loop_seconds",
                "terrain",
                "tuning.water",
                "anchors[0].title",
                "core.anchors_needed"
            ]
        );
    }
}
