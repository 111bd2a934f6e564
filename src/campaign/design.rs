//! The alternative network's designer: the rules Juno and Father put on the table, and
//! SomnoTech's network run beside one under those rules, from the same seed, to see what
//! they change. What it shows decides the epilogue.

use std::collections::BTreeSet;

use crate::levels::story::Outcome;
use crate::network::{AltRules, DataKept, MINUTES_PER_DAY, Network, Policy};

/// Sleepers in each run of the alternative's designer (enough to read, quick to run).
pub const DESIGN_SLEEPERS: usize = 4000;
/// Days each design run simulates.
pub const DESIGN_DAYS: u64 = 5;

/// The alternative's designer: the rules on the table and the runs comparing them.
#[derive(Debug, Clone)]
pub struct Design {
    pub rules: AltRules,
    pub run: Option<DesignRun>,
    /// How the adopted design turned out: fixed at adoption, whatever runs after.
    pub adopted: Option<BTreeSet<Outcome>>,
}

/// SomnoTech's network and the player's, run side by side from the same seed.
#[derive(Debug, Clone)]
pub struct DesignRun {
    pub rules: AltRules,
    pub somnotech: Network,
    pub alternative: Network,
    /// Nightmares per night in each, counted as they run.
    pub nightmares: [u32; 2],
}

impl DesignRun {
    pub fn new(seed: u64, rules: AltRules) -> Self {
        Self {
            rules,
            somnotech: Network::new(seed, DESIGN_SLEEPERS, Policy::SomnoTech, &[]),
            alternative: Network::new(seed, DESIGN_SLEEPERS, Policy::Alternative(rules), &[]),
            nightmares: [0, 0],
        }
    }

    pub fn total_minutes() -> u64 {
        DESIGN_DAYS * u64::from(MINUTES_PER_DAY)
    }

    pub fn done(&self) -> bool {
        self.alternative.minute() >= Self::total_minutes()
    }

    pub fn progress(&self) -> f32 {
        self.alternative.minute() as f32 / Self::total_minutes() as f32
    }

    /// Runs up to `minutes` more.
    pub fn advance(&mut self, minutes: u64) {
        self.advance_while(minutes, || true);
    }

    /// Runs up to `minutes` more, a minute at a time while `more()` says so (asked before
    /// each): how the game keeps a frame's share within its budget. Returns the minutes
    /// run. However it is sliced, the same minutes give the same run.
    pub fn advance_while(&mut self, minutes: u64, mut more: impl FnMut() -> bool) -> u64 {
        let mut ran = 0;
        while ran < minutes && !self.done() && more() {
            self.somnotech.step();
            self.alternative.step();
            self.nightmares[0] += self.somnotech.stats().new_loops;
            self.nightmares[1] += self.alternative.stats().new_loops;
            ran += 1;
        }
        ran
    }

    /// Mean dependence at the end, SomnoTech's then the alternative's.
    pub fn dependence(&self) -> [f32; 2] {
        [
            self.somnotech.stats().dependence,
            self.alternative.stats().dependence,
        ]
    }

    /// Nightmares per night, SomnoTech's then the alternative's.
    pub fn nightmares_per_night(&self) -> [f32; 2] {
        let nights = (self.alternative.minute() as f32 / MINUTES_PER_DAY as f32).max(1.0);
        self.nightmares.map(|n| n as f32 / nights)
    }

    /// How the design turned out, for the epilogue.
    pub fn outcomes(&self) -> BTreeSet<Outcome> {
        let mut out = BTreeSet::new();
        let [dep_s, dep_a] = self.dependence();
        let [nm_s, nm_a] = self.nightmares_per_night();
        out.insert(if dep_a < dep_s {
            Outcome::DependenceFell
        } else {
            Outcome::DependenceRose
        });
        out.insert(if nm_a < nm_s {
            Outcome::NightmaresFell
        } else {
            Outcome::NightmaresRose
        });
        let r = self.rules;
        if r.opt_in {
            out.insert(Outcome::OptIn);
        }
        out.insert(if r.emotional_steering {
            Outcome::SteeringOn
        } else {
            Outcome::SteeringOff
        });
        match r.data_kept {
            DataKept::Everything => {
                out.insert(Outcome::EverythingKept);
            }
            DataKept::Nothing => {
                out.insert(Outcome::NothingKept);
            }
            DataKept::Summaries => {}
        }
        out
    }
}
