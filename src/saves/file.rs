//! The saved-game file: versioned RON a person can read, small enough for a browser's
//! storage. The network is not in it — only its seed, size, minute and the log of what
//! was done to it, from which it is simulated again on load (a snapshot of 12,000
//! sleepers' day is megabytes; this is a few kilobytes). The rest of the desk, the story's
//! progress and each dreamer's dive are small and kept as they are.
//!
//! Format history (see `docs/saves.md`): 1 — the first.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::campaign::Panel;
pub use crate::campaign::desk::DiveProgress;
use crate::campaign::desk::StrangerVisit;
use crate::dive::MAX_LOOP_INDEX;
use crate::levels::story::{Outcome, StoryFlag};
use crate::levels::strangers::sleeper_of;
use crate::levels::{Checks, LevelDoc, LevelError};
use crate::network::analysis::{Correlation, Query};
use crate::network::{AltRules, Finding, Intervention, Traits};

/// The format this version writes. Older ones are read and brought up to date.
/// 4: the game that wrote it (`game`).
pub const VERSION: u32 = 4;

/// The largest save read (a real one is a few kilobytes; this leaves room for a very
/// long game's log and refuses anything that is not a save).
pub const MAX_SAVE_BYTES: usize = 1 << 20;

/// Entries a network log may hold (a whole campaign makes a handful).
const MAX_JOURNAL: usize = 10_000;

/// One saved game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveFile {
    /// The format's version: [`VERSION`] when written by this game.
    pub version: u32,
    /// The game that wrote it ([`crate::version::label`], e.g.
    /// `0.1.0+3f2a9c1.2026-12-06`), for bug reports. Since version 4; empty in older saves.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub game: String,
    /// When it was saved, seconds since 1970 (UTC).
    pub saved_at: u64,
    /// Time played in this game, seconds.
    pub played_seconds: f64,
    /// How far the story has come, for the load screen (the flags are what counts).
    pub chapter: Chapter,
    pub network: SavedNetwork,
    pub desk: SavedDesk,
    /// Each dreamer's dive, by dive id: what Juno understood and how far the loops went.
    #[serde(default)]
    pub dives: BTreeMap<String, DiveProgress>,
}

/// The network, as what it takes to simulate it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedNetwork {
    pub seed: u64,
    pub sleepers: u32,
    /// The story's own sleepers (the first ones), as they were when the game began.
    pub family: Vec<Traits>,
    /// The network minute saved at.
    pub minute: u64,
    /// What was done to it, each at its minute.
    pub journal: Vec<(u64, Intervention)>,
    /// [`crate::network::Network::digest`] at `minute`: the network simulated again must
    /// give it, or the save was made by a simulation this version does not have.
    pub digest: u64,
}

/// Juno's desk, without the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SavedDesk {
    /// The minute Juno sat down (messages arrive counted from it).
    pub start_minute: u64,
    pub speed: usize,
    pub paused: bool,
    /// The part of a network minute the clock owed when saved.
    pub carry: f32,
    pub flags: BTreeSet<StoryFlag>,
    /// What the player said that the story remembers (flags of the campaign's
    /// `story.flags`). Since version 2.
    pub choices: BTreeSet<String>,
    /// The waking scenes played, by id, and the network minute the last one ended.
    /// Since version 2.
    pub scenes_seen: BTreeSet<String>,
    pub last_scene_minute: Option<u64>,
    /// Who sank when the clock ran out, and the links lost. Since version 2.
    pub sunk: BTreeSet<String>,
    pub link_losses: u32,
    /// The ending being played or played (by id). Since version 2.
    pub ending: Option<String>,
    /// Messages arrived (by index into the story's) and the minute each came.
    pub inbox: Vec<(usize, u64)>,
    pub read: BTreeSet<usize>,
    pub open_message: Option<usize>,
    /// The confrontation's line on screen, if it was playing.
    pub confrontation: Option<usize>,
    pub findings: Vec<Finding>,
    pub query: Query,
    pub last_analysis: Option<Correlation>,
    pub selected: usize,
    pub open: BTreeSet<Panel>,
    /// Dreamers freed, by dive id.
    pub freed: BTreeSet<String>,
    pub overload_minute: Option<u64>,
    pub pressure_minutes: u64,
    /// The rules on the designer's table.
    pub rules: AltRules,
    /// The rules of the last design run, if one was made (it is run again on load).
    pub ran: Option<AltRules>,
    /// How the adopted design turned out.
    pub adopted: Option<BTreeSet<Outcome>>,
    /// Strangers Juno linked to, by sleeper, as she first found them (their dreams are
    /// made from this). Since version 3.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub strangers: BTreeMap<usize, StrangerVisit>,
}

impl Default for SavedDesk {
    fn default() -> Self {
        Self {
            start_minute: 0,
            speed: 1,
            paused: false,
            carry: 0.0,
            flags: BTreeSet::new(),
            choices: BTreeSet::new(),
            scenes_seen: BTreeSet::new(),
            last_scene_minute: None,
            sunk: BTreeSet::new(),
            link_losses: 0,
            ending: None,
            inbox: Vec::new(),
            read: BTreeSet::new(),
            open_message: None,
            confrontation: None,
            findings: Vec::new(),
            query: Query::default(),
            last_analysis: None,
            selected: 0,
            open: BTreeSet::new(),
            freed: BTreeSet::new(),
            overload_minute: None,
            pressure_minutes: 0,
            rules: AltRules::default(),
            ran: None,
            adopted: None,
            strangers: BTreeMap::new(),
        }
    }
}

/// The story's chapters, as the load screen names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Chapter {
    /// The night shift: watching the network, looking for what is wrong.
    NightShift,
    /// The steering found: Father must be confronted.
    Confrontation,
    /// The overload: the family trapped in their nightmares.
    Nightmares,
    /// Each of them freed, and the nightmare they shared still running.
    Finale,
    /// Everyone freed: designing the alternative.
    Alternative,
    /// The alternative adopted.
    Epilogue,
    /// The ending played to its credits.
    Finished,
}

impl Chapter {
    /// The chapter these story flags are in.
    pub fn of(flags: &BTreeSet<StoryFlag>) -> Self {
        if flags.contains(&StoryFlag::Finished) {
            Chapter::Finished
        } else if flags.contains(&StoryFlag::AlternativeAdopted) {
            Chapter::Epilogue
        } else if flags.contains(&StoryFlag::FinaleDone) {
            Chapter::Alternative
        } else if flags.contains(&StoryFlag::AllFreed) {
            Chapter::Finale
        } else if flags.contains(&StoryFlag::Overload) {
            Chapter::Nightmares
        } else if flags.contains(&StoryFlag::SteeringFound) {
            Chapter::Confrontation
        } else {
            Chapter::NightShift
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Chapter::NightShift => "The night shift",
            Chapter::Confrontation => "The confrontation",
            Chapter::Nightmares => "The nightmares",
            Chapter::Finale => "The family's nightmare",
            Chapter::Alternative => "The alternative",
            Chapter::Epilogue => "Epilogue",
            Chapter::Finished => "The end",
        }
    }
}

impl LevelDoc for SaveFile {
    const KIND: &'static str = "saved game";

    fn check(&self, c: &mut Checks) {
        // Each version adds to the one before (2 the story's choices, 3 the dives, 4 the
        // game's name): an older save reads as it is.
        if !(1..=VERSION).contains(&self.version) {
            c.fail(
                "version",
                format!("expected 1 to {VERSION}, found {}", self.version),
            );
        }
        if !(self.played_seconds.is_finite() && self.played_seconds >= 0.0) {
            c.fail(
                "played_seconds",
                format!("expected 0 or more, found {}", self.played_seconds),
            );
        }
        let n = &self.network;
        if !(1..=200_000).contains(&n.sleepers) {
            c.fail(
                "network.sleepers",
                format!("expected 1 to 200000 sleepers, found {}", n.sleepers),
            );
        }
        if n.family.len() > n.sleepers as usize {
            c.fail("network.family", "more family than sleepers");
        }
        if n.journal.len() > MAX_JOURNAL {
            c.fail(
                "network.journal",
                format!(
                    "expected at most {MAX_JOURNAL} entries, found {}",
                    n.journal.len()
                ),
            );
        }
        let d = &self.desk;
        if d.start_minute > n.minute {
            c.fail("desk.start_minute", "after the network's minute");
        }
        if !(0.0..1.0).contains(&d.carry) {
            c.fail("desk.carry", format!("expected 0 to 1, found {}", d.carry));
        }
        if d.speed > 2 {
            c.fail(
                "desk.speed",
                format!("expected 0, 1 or 2, found {}", d.speed),
            );
        }
        if d.selected >= n.sleepers as usize {
            c.fail("desk.selected", format!("no sleeper {}", d.selected));
        }
        if let Some(since) = d.overload_minute
            && since > n.minute
        {
            c.fail("desk.overload_minute", "after the network's minute");
        }
        for (i, (_, minute)) in d.inbox.iter().enumerate() {
            if *minute > n.minute {
                c.fail(
                    format_args!("desk.inbox[{i}]"),
                    "arrived after the network's minute",
                );
            }
        }
        for (id, progress) in &self.dives {
            // A dreamer's dive by their dream's id, or a stranger's (`sleeper#N`).
            if sleeper_of(id).is_none() {
                c.id(format_args!("dives.{id}"), id);
            }
            if progress.loop_reached > MAX_LOOP_INDEX || progress.relapses > MAX_LOOP_INDEX {
                c.fail(
                    format_args!("dives.{id}"),
                    "more loops than a dive can reach",
                );
            }
        }
        for id in &d.freed {
            c.id("desk.freed", id);
        }
        for (sleeper, visit) in &d.strangers {
            let at = format!("desk.strangers.{sleeper}");
            if visit.profile.sleeper != *sleeper {
                c.fail(
                    &at,
                    format!("holds sleeper {}'s profile", visit.profile.sleeper),
                );
            }
            if *sleeper >= n.sleepers as usize {
                c.fail(&at, "not a sleeper of this network");
            }
            if visit.minute > n.minute || visit.profile.minute != visit.minute {
                c.fail(&at, "linked at a minute the network has not reached");
            }
        }
    }
}

/// The part of a save read before the rest: its version.
#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

impl SaveFile {
    /// Reads a save. `file` names it in errors, which are located (`file:line:column`).
    /// A save from a newer game is refused with what it is; an older one would be
    /// brought up to date here (there is none yet).
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Self, Vec<LevelError>> {
        if bytes.len() > MAX_SAVE_BYTES {
            return Err(vec![LevelError::file_problem(
                file,
                format!(
                    "{} bytes is too large for a saved game (at most {MAX_SAVE_BYTES})",
                    bytes.len()
                ),
            )]);
        }
        if bytes.is_empty() {
            return Err(vec![LevelError::file_problem(
                file,
                "empty: the save was never written whole",
            )]);
        }
        let version = std::str::from_utf8(bytes)
            .ok()
            .and_then(|text| ron::from_str::<VersionOnly>(text).ok())
            .map(|v| v.version);
        match version {
            Some(v) if v > VERSION => {
                return Err(vec![LevelError::file_problem(
                    file,
                    format!(
                        "made by a newer Sleep Sync (save format {v}; this version reads up \
                         to {VERSION}): update the game to continue it"
                    ),
                )]);
            }
            Some(0) => {
                return Err(vec![LevelError::invalid(
                    file,
                    "version",
                    "expected 1 or more, found 0",
                )]);
            }
            _ => {}
        }
        crate::levels::parse::<SaveFile>(file, bytes)
    }

    /// The save as text, as written to disk.
    pub fn to_text(&self) -> String {
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(3)
            .indentor("  ".to_owned());
        // Every value here serialises: nothing can fail but a bug.
        ron::ser::to_string_pretty(self, config).expect("a save serialises")
    }

    /// The chapter as the title names it: with the ending reached, once the campaign is
    /// finished ("The end: Dawn"; the ending's id if `story` no longer has it).
    pub fn chapter_text(&self, story: &crate::levels::Story) -> String {
        match (&self.chapter, &self.desk.ending) {
            (Chapter::Finished, Some(id)) => {
                let ending = story.endings.iter().find(|e| &e.id == id);
                format!(
                    "{}: {}",
                    self.chapter.label(),
                    ending.map_or(id.as_str(), |e| e.title.as_str())
                )
            }
            _ => self.chapter.label().to_owned(),
        }
    }

    /// What it holds, in a few lines, for `sleep-sync save check` and the load screen.
    pub fn summary(&self) -> String {
        let minutes = (self.played_seconds / 60.0).round() as u64;
        let freed: Vec<&str> = self.desk.freed.iter().map(String::as_str).collect();
        format!(
            "chapter: {}\nnetwork minute: {} (day {}, {:02}:{:02})\ntime played: {}h {:02}m\nfreed: {}\nsaved: {}",
            self.chapter.label(),
            self.network.minute,
            self.network.minute / 1440 + 1,
            self.network.minute % 1440 / 60,
            self.network.minute % 60,
            minutes / 60,
            minutes % 60,
            if freed.is_empty() {
                "no one yet".to_owned()
            } else {
                freed.join(", ")
            },
            date_text(self.saved_at),
        )
    }
}

/// `2026-12-04 14:03 UTC` from seconds since 1970.
pub fn date_text(seconds: u64) -> String {
    format!("{} UTC", crate::calendar::date_minute(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_calendar_dates() {
        assert_eq!(date_text(0), "1970-01-01 00:00 UTC");
        assert_eq!(date_text(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(date_text(1_796_392_980), "2026-12-04 14:03 UTC");
    }
}
