//! A desk into a save and back: the network simulated again from its log, and checked
//! against the digest saved with it.

use crate::campaign::Desk;
use crate::campaign::design::DesignRun;
use crate::levels::Story;
use crate::levels::story::StoryFlag;
use crate::network::{Network, Policy, ReplaySource, Rerun};

use super::file::{Chapter, SaveFile, SavedDesk, SavedNetwork, VERSION};

impl SaveFile {
    /// The save of `desk`, saved at `saved_at` (seconds since 1970).
    pub fn of(desk: &Desk, saved_at: u64) -> Self {
        let network = &desk.network;
        Self {
            version: VERSION,
            game: crate::version::label(),
            saved_at,
            played_seconds: desk.played_seconds,
            chapter: Chapter::of(&desk.flags),
            network: SavedNetwork {
                seed: network.seed(),
                sleepers: network.len() as u32,
                family: desk.family_traits.clone(),
                minute: network.minute(),
                journal: network.journal().to_vec(),
                digest: network.digest(),
            },
            desk: SavedDesk {
                start_minute: desk.start_minute,
                speed: desk.speed,
                paused: desk.paused,
                carry: desk.carry,
                flags: desk.flags.clone(),
                choices: desk.choices.clone(),
                scenes_seen: desk.scenes_seen.clone(),
                last_scene_minute: desk.last_scene_minute,
                sunk: desk.sunk.clone(),
                link_losses: desk.link_losses,
                ending: desk.ending.clone(),
                inbox: desk.inbox.clone(),
                read: desk.read.clone(),
                open_message: desk.open_message,
                confrontation: desk.confrontation,
                findings: desk.findings.clone(),
                query: desk.query,
                last_analysis: desk.last_analysis,
                selected: desk.selected,
                open: desk.open.clone(),
                freed: desk.freed.clone(),
                overload_minute: desk.overload_minute,
                pressure_minutes: desk.pressure_minutes,
                rules: desk.design.rules,
                ran: desk.design.run.as_ref().map(|run| run.rules),
                adopted: desk.design.adopted.clone(),
                strangers: desk.strangers.clone(),
            },
            dives: desk.dives.clone(),
        }
    }

    /// The desk this save was made from, its network simulated again (the slow part:
    /// about as long as the network ran). Fails, saying why, when the network does not
    /// come out as it was saved or the save does not fit the campaign's story.
    pub fn restore(&self, story: &Story) -> Result<Desk, String> {
        self.restore_around(self.rerun()?.finish(), story)
    }

    /// This save's network to simulate again, its journal checked: to run in slices,
    /// then [`SaveFile::restore_around`].
    pub fn rerun(&self) -> Result<Rerun, String> {
        let n = &self.network;
        Rerun::begin(ReplaySource {
            seed: n.seed,
            count: n.sleepers as usize,
            policy: Policy::SomnoTech,
            family: &n.family,
            journal: &n.journal,
            minute: n.minute,
        })
        .map_err(|e| format!("network.journal: {e}"))
    }

    /// [`SaveFile::restore`] around `network`, this save's simulated again.
    pub fn restore_around(&self, network: Network, story: &Story) -> Result<Desk, String> {
        let n = &self.network;
        if network.digest() != n.digest {
            return Err(format!(
                "network: simulated again, the network at minute {} is not the one saved \
                 (digest {:#x}, saved {:#x}): the save was made by a version of the game \
                 whose network runs differently",
                n.minute,
                network.digest(),
                n.digest
            ));
        }
        let saved = &self.desk;
        let messages = story.messages.len();
        if let Some((i, _)) = saved.inbox.iter().find(|(i, _)| *i >= messages) {
            return Err(format!(
                "desk.inbox: message {i} is not in this campaign's story (it has {messages}): \
                 the save belongs to another campaign"
            ));
        }
        let family: Vec<&str> = story
            .family
            .iter()
            .map(|m| m.dive.as_str())
            .chain(story.finale.as_deref())
            .collect();
        if let Some(id) = saved.freed.iter().find(|id| !family.contains(&id.as_str())) {
            return Err(format!(
                "desk.freed: {id:?} is not one of this campaign's dreamers ({}): the save \
                 belongs to another campaign",
                family.join(", ")
            ));
        }
        if let Some(flag) = saved.choices.iter().find(|f| !story.flags.contains(f)) {
            return Err(format!(
                "desk.choices: {flag:?} is not a flag of this campaign's story: the save \
                 belongs to another campaign"
            ));
        }
        let mut desk = Desk::around(network, n.family.clone(), story);
        desk.choices = saved.choices.clone();
        // A scene no longer in the story is simply not due any more.
        desk.scenes_seen = saved.scenes_seen.clone();
        desk.last_scene_minute = saved.last_scene_minute;
        desk.sunk = saved
            .sunk
            .iter()
            .filter(|id| family.contains(&id.as_str()))
            .cloned()
            .collect();
        desk.link_losses = saved.link_losses;
        desk.ending = saved.ending.clone();
        desk.start_minute = saved.start_minute;
        desk.speed = saved.speed.min(crate::campaign::SPEEDS.len() - 1);
        desk.paused = saved.paused;
        desk.carry = saved.carry;
        desk.flags = saved.flags.clone();
        desk.inbox = saved.inbox.clone();
        desk.read = saved
            .read
            .iter()
            .copied()
            .filter(|i| *i < messages)
            .collect();
        desk.open_message = saved.open_message.filter(|i| *i < messages);
        desk.confrontation = saved
            .confrontation
            .filter(|line| *line < story.confrontation.len());
        desk.findings = saved.findings.clone();
        desk.query = saved.query;
        desk.last_analysis = saved.last_analysis;
        desk.selected = saved.selected.min(desk.network.len().saturating_sub(1));
        desk.open = saved.open.clone();
        desk.freed = saved.freed.clone();
        // Saved before the finale existed: the family freed and the overload released
        // then. The finale counts as done, so the designer stays open.
        if desk.flags.contains(&StoryFlag::AllFreed) && desk.network.overloaded().is_none() {
            desk.flags.insert(StoryFlag::FinaleDone);
            if let Some(finale) = &story.finale {
                desk.freed.insert(finale.clone());
            }
        }
        desk.overload_minute = saved.overload_minute;
        desk.pressure_minutes = saved.pressure_minutes;
        desk.design.rules = saved.rules;
        desk.design.run = saved
            .ran
            .map(|rules| DesignRun::new(desk.network.seed(), rules));
        desk.design.adopted = saved.adopted.clone();
        desk.dives = self.dives.clone();
        // A stranger is a sleeper of this network and none of the family.
        desk.strangers = saved
            .strangers
            .iter()
            .filter(|(n, _)| **n >= desk.family.len() && **n < desk.network.len())
            .map(|(n, visit)| (*n, visit.clone()))
            .collect();
        desk.played_seconds = self.played_seconds;
        // Anything due by now and not in the save (a story file with a new message)
        // arrives.
        desk.deliver(story);
        Ok(desk)
    }
}
