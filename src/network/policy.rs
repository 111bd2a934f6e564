//! The rules a network runs under: SomnoTech's, or the opt-in alternative Juno and her
//! father design at the end.

use serde::{Deserialize, Serialize};

/// Who starts a shared session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Invites {
    /// The network groups sleepers as it sees fit (a dozen to a session).
    Network,
    /// Friends invite each other (four to a session).
    #[default]
    Friends,
    /// Only the sleeper invites one other person.
    Sleeper,
}

impl Invites {
    pub const ALL: [Invites; 3] = [Invites::Network, Invites::Friends, Invites::Sleeper];

    pub fn label(self) -> &'static str {
        match self {
            Invites::Network => "the network groups sleepers",
            Invites::Friends => "friends invite each other",
            Invites::Sleeper => "each sleeper invites one person",
        }
    }

    /// Sleepers in one shared session.
    pub fn group_size(self) -> u32 {
        match self {
            Invites::Network => 12,
            Invites::Friends => 4,
            Invites::Sleeper => 2,
        }
    }
}

/// What the network keeps of a night.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum DataKept {
    /// Nothing: no one watches a sleeper's night, so no one wakes them from a nightmare.
    Nothing,
    /// Vital-sign summaries, kept a day: enough to wake a sleeper from a nightmare.
    #[default]
    Summaries,
    /// Everything, forever: the optimiser tunes each sleeper personally.
    Everything,
}

impl DataKept {
    pub const ALL: [DataKept; 3] = [DataKept::Nothing, DataKept::Summaries, DataKept::Everything];

    pub fn label(self) -> &'static str {
        match self {
            DataKept::Nothing => "nothing",
            DataKept::Summaries => "vital-sign summaries, one day",
            DataKept::Everything => "everything, forever",
        }
    }

    /// Whether a sleeper in a nightmare is noticed and gently woken.
    pub fn monitors(self) -> bool {
        self != DataKept::Nothing
    }
}

/// The alternative network's rules, as the player sets them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AltRules {
    /// Sleepers join only if they choose to (about a third do), rather than everyone
    /// with a SomnoTech headset.
    pub opt_in: bool,
    /// Sleepers dream alone unless tonight is a shared night.
    pub individual_by_default: bool,
    /// Shared nights a week (0–7).
    pub shared_nights_per_week: u8,
    pub invites: Invites,
    /// The engagement term and the optimiser's experiments.
    pub emotional_steering: bool,
    pub data_kept: DataKept,
}

impl Default for AltRules {
    fn default() -> Self {
        Self {
            opt_in: true,
            individual_by_default: true,
            shared_nights_per_week: 1,
            invites: Invites::Friends,
            emotional_steering: false,
            data_kept: DataKept::Summaries,
        }
    }
}

/// The rules a network runs under.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub enum Policy {
    /// Everyone enrolled, shared sessions every night chosen by the network, the
    /// engagement term on, everything kept.
    #[default]
    SomnoTech,
    Alternative(AltRules),
}

/// Share of sleepers who choose to join an opt-in network.
pub const OPT_IN_SHARE: f32 = 0.35;

impl Policy {
    pub fn rules(&self) -> AltRules {
        match self {
            Policy::SomnoTech => AltRules {
                opt_in: false,
                individual_by_default: false,
                shared_nights_per_week: 7,
                invites: Invites::Network,
                emotional_steering: true,
                data_kept: DataKept::Everything,
            },
            Policy::Alternative(rules) => *rules,
        }
    }

    /// Whether `day` is a shared night.
    pub fn shared_night(&self, day: u64) -> bool {
        let rules = self.rules();
        !rules.individual_by_default || (day % 7) < u64::from(rules.shared_nights_per_week.min(7))
    }
}
