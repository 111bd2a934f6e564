//! The campaign file and mod manifests: which dreams the control room lists, in order.

use serde::{Deserialize, Serialize};

use super::check::{Checks, LevelDoc};
use super::figure::Cast;
use super::rules::JunoTuning;
use super::story::Story;

/// `main.campaign.ron`: the base game's dives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignFile {
    /// Dream ids, in the order the control room lists them.
    pub dives: Vec<String>,
    /// How Juno's body moves in every dream. Optional: the defaults.
    #[serde(default)]
    pub juno: JunoTuning,
    /// How Juno and Father look. Optional: the defaults.
    #[serde(default)]
    pub cast: Cast,
    /// The control room's story. Optional: a control room with no story to tell.
    #[serde(default)]
    pub story: Story,
}

impl LevelDoc for CampaignFile {
    const KIND: &'static str = "campaign";

    fn check(&self, c: &mut Checks) {
        if self.dives.is_empty() {
            c.fail("dives", "expected at least one dream id");
        }
        check_dives(c, &self.dives);
        self.juno.check(c, "juno");
        self.cast.check(c, "cast");
        self.story.check(c, &self.dives);
    }
}

/// `mod.ron` at the top of a mod folder: what the mod is, and the dives it adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModManifest {
    /// The mod's name, shown on the title screen.
    pub name: String,
    /// One line on what it adds. Optional.
    #[serde(default)]
    pub about: String,
    /// Dream ids added to the control room after the base game's. Optional: a mod's
    /// dreams can always be played from the title screen's free dive.
    #[serde(default)]
    pub dives: Vec<String>,
}

impl LevelDoc for ModManifest {
    const KIND: &'static str = "mod manifest";

    fn check(&self, c: &mut Checks) {
        c.text("name", &self.name, 40);
        if self.about.chars().count() > 200 {
            c.fail("about", "expected at most 200 characters");
        }
        check_dives(c, &self.dives);
    }
}

/// The most dives a campaign or a mod lists.
pub const MAX_DIVES: usize = 200;

fn check_dives(c: &mut Checks, dives: &[String]) {
    if dives.len() > MAX_DIVES {
        c.fail(
            "dives",
            format!("expected at most {MAX_DIVES} dives, found {}", dives.len()),
        );
        return;
    }
    let mut seen = std::collections::HashSet::new();
    for (i, id) in dives.iter().enumerate() {
        c.id(format_args!("dives[{i}]"), id);
        if !seen.insert(id) {
            c.fail(
                format_args!("dives[{i}]"),
                format!("{id:?} is listed twice"),
            );
        }
    }
}
