//! A dream: the nightmare one dreamer is trapped in. How long a loop lasts, how big the
//! dream is, how it departs from what the fears make, its memory anchors and its core.
//! One `*.dream.ron` file per dream, under `dreams/`.

use serde::{Deserialize, Serialize};

use super::check::{Checks, LevelDoc};
use super::cond::Cond;
use super::rules::NightmareRules;
use crate::dream::{DreamRecipe, FearWeight, Mood, TerrainSize, Tuning};

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
    /// Everyone who dreams it, when several do, with their share of it (`dreamer`
    /// among them): their fears are blended by share. Optional: `dreamer` alone.
    #[serde(default)]
    pub dreamers: Vec<Share>,
    /// A nightmare, or a gentle dream. Optional: `Nightmare`.
    #[serde(default)]
    pub mood: Mood,
    /// The talk at the core, when it is not the dreamer's own dialogue. Optional.
    #[serde(default)]
    pub dialogue: Option<String>,
    /// What the game calls the dream (the HUD, Free dive). Optional: "Leo's
    /// nightmare", "Mara's dream", or who dreams it together.
    #[serde(default)]
    pub title: Option<String>,
    /// Others in the dream: dreamers of it walking with Juno, someone at its edge.
    /// Optional. They are seen and heard; they never touch Juno or the nightmare.
    #[serde(default)]
    pub cast: Vec<Person>,
    /// What is shown when the talk at the core ends it, instead of "NAME is free" (a
    /// gentle dream ends in waking, not in freeing anyone). Optional.
    #[serde(default)]
    pub waking: Option<Waking>,
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
    /// Whose memory it is, in a dream several dream (a dreamer id). Optional.
    #[serde(default)]
    pub of: Option<String>,
}

/// Someone else in a dream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// A dreamer id: their name, colour and figure.
    pub who: String,
    pub role: Role,
    /// What they say, and when. Each line is said once a dive: on its cue, the first of
    /// the person's lines for that cue whose `when` holds. Optional.
    #[serde(default)]
    pub lines: Vec<PersonLine>,
    /// (Edge only.) When `leaves_on` comes, this companion walks off to them, and both
    /// are gone from the dream. Optional.
    #[serde(default)]
    pub leaves_with: Option<String>,
    #[serde(default)]
    pub leaves_on: Option<Cue>,
}

/// Where someone in a dream is, and what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Walks with Juno, a few steps behind; gathers at the core once it opens.
    Companion,
    /// Stands still at the far edge of the dream, watching.
    Edge,
}

/// A line someone in a dream says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonLine {
    pub on: Cue,
    pub text: String,
    #[serde(default)]
    pub when: Vec<Cond>,
}

/// What prompts someone in a dream: taught by doing, the first time Juno does it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cue {
    /// The dive begins.
    Start,
    /// Juno first looks round.
    Look,
    /// Juno first jumps.
    Jump,
    /// Juno has not moved for this many seconds.
    Idle(f32),
    /// A memory is understood for the first time.
    Memory,
    /// The way to the core opens.
    CoreOpen,
    /// The talk at the core reaches this node.
    Talk(String),
}

/// The most people in one dream, and lines per person.
pub const MAX_CAST: usize = 8;
const MAX_LINES: usize = 16;

/// How a dream ends when the talk at its core is done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waking {
    pub title: String,
    pub text: String,
}

/// One dreamer's share of a dream several dream together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Share {
    pub id: String,
    /// How much of the dream is theirs (0 to 1; the shares need not sum to 1).
    pub weight: f32,
}

/// The most dreamers one dream blends.
pub const MAX_DREAMERS: usize = 6;

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
    pub(super) fn recipe(&self, fears: &[FearWeight], loop_index: u32) -> DreamRecipe {
        self.blended_recipe(&[(1.0, fears)], loop_index)
    }

    /// The recipe of loop `loop_index` made from several dreamers' fears, each with
    /// their share.
    pub(super) fn blended_recipe(
        &self,
        dreamers: &[(f32, &[FearWeight])],
        loop_index: u32,
    ) -> DreamRecipe {
        DreamRecipe::blended(
            dreamers,
            self.seed,
            loop_index,
            self.terrain,
            &self.tuning,
            self.mood,
        )
    }

    /// The ids of everyone who dreams it: `dreamers`, or `dreamer` alone.
    pub fn dreamer_ids(&self) -> Vec<&str> {
        if self.dreamers.is_empty() {
            vec![self.dreamer.as_str()]
        } else {
            self.dreamers.iter().map(|s| s.id.as_str()).collect()
        }
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
        let dreamers = self.dreamer_ids();
        for (i, anchor) in self.anchors.iter().enumerate() {
            c.text(format_args!("anchors[{i}].title"), &anchor.title, 40);
            c.text(format_args!("anchors[{i}].memory"), &anchor.memory, 400);
            if let Some(of) = &anchor.of {
                c.reference(
                    format_args!("anchors[{i}].of"),
                    "dreamer of this dream",
                    of,
                    &dreamers,
                );
            }
        }
        self.check_dreamers(c);
        if let Some(dialogue) = &self.dialogue {
            c.id("dialogue", dialogue);
        }
        self.check_cast(c);
        if let Some(title) = &self.title {
            c.text("title", title, 60);
        }
        if let Some(waking) = &self.waking {
            c.text("waking.title", &waking.title, 60);
            c.text("waking.text", &waking.text, 600);
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

impl DreamLevel {
    /// `cast`: ids, lines, and who leaves with whom.
    fn check_cast(&self, c: &mut Checks) {
        if self.cast.len() > MAX_CAST {
            c.fail(
                "cast",
                format!(
                    "expected at most {MAX_CAST} people, found {}",
                    self.cast.len()
                ),
            );
            return;
        }
        let companions: Vec<&str> = self
            .cast
            .iter()
            .filter(|p| p.role == Role::Companion)
            .map(|p| p.who.as_str())
            .collect();
        for (i, person) in self.cast.iter().enumerate() {
            let at = format!("cast[{i}]");
            c.id(format_args!("{at}.who"), &person.who);
            if self.cast[..i].iter().any(|p| p.who == person.who) {
                c.fail(
                    format_args!("{at}.who"),
                    format!("{:?} is in the cast twice", person.who),
                );
            }
            if person.lines.len() > MAX_LINES {
                c.fail(
                    format_args!("{at}.lines"),
                    format!("expected at most {MAX_LINES} lines"),
                );
            }
            for (j, line) in person.lines.iter().enumerate() {
                c.text(format_args!("{at}.lines[{j}].text"), &line.text, 200);
                if let Cue::Idle(seconds) = line.on {
                    c.number(
                        format_args!("{at}.lines[{j}].on"),
                        seconds,
                        1.0..=600.0,
                        " seconds",
                    );
                }
                super::cond::check(
                    c,
                    &format!("{at}.lines[{j}].when"),
                    &line.when,
                    super::cond::Scope::Dive,
                );
            }
            match (&person.leaves_with, &person.leaves_on, person.role) {
                (None, None, _) => {}
                (Some(_), Some(Cue::Look | Cue::Jump | Cue::Idle(_)), Role::Edge) => c.fail(
                    format_args!("{at}.leaves_on"),
                    "expected a moment (Start, Memory, CoreOpen or Talk(\"node\")), not something Juno does",
                ),
                (Some(with), Some(_), Role::Edge) => {
                    c.reference(
                        format_args!("{at}.leaves_with"),
                        "companion in this dream's cast",
                        with,
                        &companions,
                    );
                }
                (_, _, Role::Companion) => c.fail(
                    format_args!("{at}.leaves_with"),
                    "only someone at the Edge leaves with a companion",
                ),
                _ => c.fail(
                    format_args!("{at}.leaves_with"),
                    "expected both leaves_with and leaves_on, or neither",
                ),
            }
        }
    }

    /// `dreamers`: ids, shares, no one twice, and `dreamer` among them.
    fn check_dreamers(&self, c: &mut Checks) {
        if self.dreamers.is_empty() {
            return;
        }
        if self.dreamers.len() > MAX_DREAMERS {
            c.fail(
                "dreamers",
                format!(
                    "expected at most {MAX_DREAMERS} dreamers, found {}",
                    self.dreamers.len()
                ),
            );
        }
        for (i, share) in self.dreamers.iter().enumerate() {
            c.id(format_args!("dreamers[{i}].id"), &share.id);
            c.number(
                format_args!("dreamers[{i}].weight"),
                share.weight,
                0.01..=1.0,
                "",
            );
            if self.dreamers[..i].iter().any(|s| s.id == share.id) {
                c.fail(
                    format_args!("dreamers[{i}].id"),
                    format!("{:?} is listed twice", share.id),
                );
            }
        }
        if !self.dreamers.iter().any(|s| s.id == self.dreamer) {
            c.fail(
                "dreamers",
                format!(
                    "expected the dream's own dreamer {:?} among its dreamers",
                    self.dreamer
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
