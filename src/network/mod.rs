//! The Sleep Sync network as SomnoTech's servers see it: every sleeper's night, minute by
//! minute, steered by the tuning algorithm; the statistics the control room charts; the
//! overload; and the alternative network's rules. Plain Rust with no ECS access, stepped
//! one simulated minute at a time, and the same for the same seed on every platform.

pub mod algorithm;
pub mod analysis;
pub mod calibration;
pub mod policy;
mod profile;
mod rerun;
mod sleepers;

pub use algorithm::{Param, Params};
pub use analysis::{Cohort, Finding, History, Measure};
pub use policy::{AltRules, DataKept, Invites, Policy};
pub use profile::SleeperProfile;
pub use rerun::{ReplaySource, Rerun};
pub use sleepers::{SleeperSnapshot, Stage, Traits};

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use algorithm::Feedback;
use sleepers::{GroupSum, Sleepers, Tick};

use crate::dream::mix_seed;

/// Simulated minutes in a day.
pub const MINUTES_PER_DAY: u32 = 1440;
/// How often the archive keeps every sleeper's state, minutes.
pub const ARCHIVE_EVERY: u64 = 10;
/// Archive frames kept: one day.
pub const ARCHIVE_FRAMES: usize = (MINUTES_PER_DAY as u64 / ARCHIVE_EVERY) as usize;
/// Incidents the log keeps.
const INCIDENTS_KEPT: usize = 400;

/// A uniform number in `[0, 1)` from a seed, a salt and an index: the network's only
/// randomness, so each sleeper's minute depends on nothing but its own inputs.
pub fn hash01(seed: u64, salt: u64, index: u64) -> f32 {
    let mixed = mix_seed(seed ^ index.wrapping_mul(0xD6E8_FEB8_6659_FD93), salt);
    (mixed >> 40) as f32 / (1u64 << 24) as f32
}

/// The night `minute` belongs to. Nights turn over at noon, when the optimiser retunes
/// for the coming night: nothing it sets changes while people sleep.
pub fn night_of(minute: u64) -> u64 {
    (minute + u64::from(MINUTES_PER_DAY) / 2) / u64::from(MINUTES_PER_DAY)
}

/// The network's statistics for one minute.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stats {
    pub minute: u64,
    pub asleep: u32,
    pub connected: u32,
    pub looping: u32,
    /// Sleepers who fell into a nightmare loop this minute.
    pub new_loops: u32,
    /// Sleepers woken from one this minute.
    pub ended_loops: u32,
    /// Means over connected sleepers, per cohort ([`Cohort::ALL`] order).
    pub cohorts: [CohortStats; 3],
    /// Mean dependence over every sleeper.
    pub dependence: f32,
    /// Mean nightmare risk over every sleeper.
    pub risk: f32,
    /// Sleepers in each stage, [`Stage::ALL`] order.
    pub stages: [u32; 5],
}

/// Means over the connected sleepers of one cohort in one minute.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CohortStats {
    pub connected: u32,
    pub sync: f32,
    pub valence: f32,
    pub arousal: f32,
    pub dependence: f32,
    pub risk: f32,
}

/// Something the control room's incident log shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub minute: u64,
    pub kind: IncidentKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum IncidentKind {
    /// Sleepers who fell into nightmare loops in the hour before `minute`; `first` is
    /// the first of them to fall (the log's way to one of them).
    Nightmares {
        count: u32,
        worst: u32,
        first: Option<usize>,
    },
    /// The overload began.
    Overload,
    /// Sleepers trapped in loops during the overload, as the alarm reported them.
    Cascade { looping: u32 },
    /// The trapped sleepers released.
    Released,
    /// Juno brought a stranger home from their loop.
    BroughtHome { sleeper: usize },
}

/// The overload: the network running flat out, loops spreading through shared sessions
/// and no one woken from them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overload {
    pub since: u64,
}

/// Something done to the network from outside its own minutes. The network keeps a log
/// of them ([`Network::journal`]): with its seed, size and the minute, that is all it
/// takes to simulate it again ([`Network::replay`]), which is how a saved game keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Intervention {
    /// The overload began, trapping these sleepers.
    Overload(Vec<usize>),
    /// One sleeper set free of their loop.
    Free(usize),
    /// The overload released.
    Release,
    /// A stranger brought home from their loop and off the network (a stranger's dive
    /// Juno won). Unlike [`Intervention::Free`], for good.
    Bring(usize),
}

/// Why a network could not be simulated again from its log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error("the log's entry {index} is at minute {minute}, before the one it follows")]
    OutOfOrder { index: usize, minute: u64 },
    #[error("the log's entry {index} is at minute {minute}, after the network's minute {until}")]
    AfterTheEnd {
        index: usize,
        minute: u64,
        until: u64,
    },
    #[error("the log's entry {index} names sleeper {sleeper}; the network has {count}")]
    NoSuchSleeper {
        index: usize,
        sleeper: usize,
        count: usize,
    },
}

/// The Sleep Sync network.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    seed: u64,
    minute: u64,
    policy: Policy,
    params: Params,
    feedback: Feedback,
    /// Risk and dependence summed over today so far, for tomorrow's feedback.
    today: (f64, f64, u32),
    sleepers: Sleepers,
    groups: Vec<GroupSum>,
    next_groups: Vec<GroupSum>,
    overload: Option<Overload>,
    stats: Stats,
    history: History,
    archive: Archive,
    incidents: VecDeque<Incident>,
    hour: (u32, u32),
    /// The first sleeper to fall into a loop this hour. Beside `hour`, not in it:
    /// `hour` is in the digest, and this came later.
    hour_first: Option<usize>,
    journal: Vec<(u64, Intervention)>,
}

impl Network {
    /// A network of `count` sleepers under `policy`; the first ones are `family`, the
    /// story's sleepers with their own traits.
    pub fn new(seed: u64, count: usize, policy: Policy, family: &[Traits]) -> Self {
        let rules = policy.rules();
        let sleepers = Sleepers::new(seed, count.max(family.len()), rules, family);
        let groups = vec![GroupSum::default(); sleepers.group_count()];
        Self {
            seed,
            minute: 0,
            policy,
            params: algorithm::somnotech(
                seed,
                0,
                Feedback::default(),
                rules.emotional_steering,
                true,
            ),
            feedback: Feedback {
                risk: 0.1,
                dependence: 0.3,
            },
            today: (0.0, 0.0, 0),
            archive: Archive::new(sleepers.len()),
            sleepers,
            next_groups: groups.clone(),
            groups,
            overload: None,
            stats: Stats::default(),
            history: History::default(),
            incidents: VecDeque::new(),
            hour: (0, 0),
            hour_first: None,
            journal: Vec::new(),
        }
    }

    /// The network [`Network::new`] would give, after the source's journal's
    /// interventions each at its minute and the minutes up to the source's: the same
    /// network, bit for bit, as the one that kept the log (the simulation depends on
    /// nothing else).
    pub fn replay(source: ReplaySource) -> Result<Self, ReplayError> {
        Ok(Rerun::begin(source)?.finish())
    }

    /// What was done to the network and when, oldest first.
    pub fn journal(&self) -> &[(u64, Intervention)] {
        &self.journal
    }

    /// A fingerprint of the network's whole state: two networks with the same digest are,
    /// all but certainly, the same. A saved game keeps it to tell whether the network it
    /// simulates again is the one that was saved.
    pub fn digest(&self) -> u64 {
        let mut d = Digest::default();
        d.number(self.seed);
        d.number(self.minute);
        d.text(&format!(
            "{:?}{:?}{:?}{:?}{:?}{:?}",
            self.params, self.feedback, self.today, self.overload, self.stats, self.hour
        ));
        d.number(self.history.len() as u64);
        self.sleepers.digest(&mut d);
        d.0
    }

    /// Simulates one minute.
    pub fn step(&mut self) {
        let rules = self.policy.rules();
        let night = night_of(self.minute);
        self.params = match self.overload {
            Some(_) => Params::overloaded(),
            None => algorithm::somnotech(
                self.seed,
                self.minute,
                self.feedback,
                rules.emotional_steering,
                rules.data_kept == DataKept::Everything,
            ),
        };
        let tick = Tick {
            seed: self.seed,
            minute: self.minute,
            params: self.params,
            shared_night: self.policy.shared_night(night),
            monitored: rules.data_kept.monitors(),
            overload: self.overload.is_some(),
        };
        for group in &mut self.next_groups {
            *group = GroupSum::default();
        }
        let (stats, first_new_loop) =
            self.sleepers
                .step(&tick, &self.groups, &mut self.next_groups);
        self.hour_first = self.hour_first.or(first_new_loop);
        std::mem::swap(&mut self.groups, &mut self.next_groups);
        self.stats = Stats {
            minute: self.minute,
            ..stats
        };
        self.history.push(self.params, self.stats);
        if self.minute.is_multiple_of(ARCHIVE_EVERY) {
            self.archive.keep(self.minute, &self.sleepers);
        }
        self.log_incidents();
        self.learn_from_today();
        self.minute += 1;
    }

    /// Simulates `minutes` minutes.
    pub fn run(&mut self, minutes: u64) {
        for _ in 0..minutes {
            self.step();
        }
    }

    fn learn_from_today(&mut self) {
        self.today.0 += f64::from(self.stats.risk);
        self.today.1 += f64::from(self.stats.dependence);
        self.today.2 += 1;
        if night_of(self.minute + 1) != night_of(self.minute) {
            let n = f64::from(self.today.2.max(1));
            self.feedback = Feedback {
                risk: (self.today.0 / n) as f32,
                dependence: (self.today.1 / n) as f32,
            };
            self.today = (0.0, 0.0, 0);
        }
    }

    fn log_incidents(&mut self) {
        self.hour.0 += self.stats.new_loops;
        self.hour.1 = self.hour.1.max(self.stats.new_loops);
        let minute = self.minute + 1;
        if minute.is_multiple_of(60) && self.hour.0 > 0 {
            let (count, worst) = self.hour;
            let first = self.hour_first;
            self.incident(IncidentKind::Nightmares {
                count,
                worst,
                first,
            });
        }
        if minute.is_multiple_of(60) {
            self.hour = (0, 0);
            self.hour_first = None;
        }
        if self.overload.is_some() && minute.is_multiple_of(30) {
            self.incident(IncidentKind::Cascade {
                looping: self.stats.looping,
            });
        }
    }

    fn incident(&mut self, kind: IncidentKind) {
        if self.incidents.len() == INCIDENTS_KEPT {
            self.incidents.pop_front();
        }
        self.incidents.push_back(Incident {
            minute: self.minute,
            kind,
        });
    }

    /// The overload begins: every parameter flat out, loops no longer end, and the
    /// `trapped` sleepers (Leo and Mara) fall into theirs at once.
    pub fn overload(&mut self, trapped: &[usize]) {
        if self.overload.is_some() {
            return;
        }
        self.overload = Some(Overload { since: self.minute });
        for &index in trapped {
            self.sleepers.trap(index);
        }
        self.incident(IncidentKind::Overload);
        self.journal
            .push((self.minute, Intervention::Overload(trapped.to_vec())));
    }

    /// The overload ends: parameters back to the policy's, and loops may end again.
    pub fn release(&mut self) {
        if self.overload.take().is_some() {
            self.incident(IncidentKind::Released);
            self.journal.push((self.minute, Intervention::Release));
        }
    }

    /// Sets one sleeper free of their loop (a dreamer Juno freed).
    pub fn free(&mut self, index: usize) {
        if index < self.len() {
            self.sleepers.free(index);
            self.journal.push((self.minute, Intervention::Free(index)));
        }
    }

    /// Brings a stranger home from their loop and off the network for good (a
    /// stranger's dream Juno won). Family members are freed, not brought home.
    pub fn bring(&mut self, index: usize) {
        if index < self.len() && !self.sleepers.is_home(index) {
            self.sleepers.bring(index);
            self.incident(IncidentKind::BroughtHome { sleeper: index });
            self.journal.push((self.minute, Intervention::Bring(index)));
        }
    }

    /// Whether sleeper `index` was brought home.
    pub fn is_home(&self, index: usize) -> bool {
        self.sleepers.is_home(index)
    }

    /// How many strangers Juno brought home.
    pub fn brought_home(&self) -> usize {
        self.journal
            .iter()
            .filter(|(_, i)| matches!(i, Intervention::Bring(_)))
            .count()
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn minute(&self) -> u64 {
        self.minute
    }
    pub fn policy(&self) -> Policy {
        self.policy
    }
    pub fn params(&self) -> Params {
        self.params
    }
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
    pub fn history(&self) -> &History {
        &self.history
    }
    pub fn overloaded(&self) -> Option<Overload> {
        self.overload
    }
    pub fn incidents(&self) -> impl DoubleEndedIterator<Item = &Incident> {
        self.incidents.iter()
    }
    pub fn len(&self) -> usize {
        self.sleepers.len()
    }
    pub fn is_empty(&self) -> bool {
        self.sleepers.len() == 0
    }

    /// One sleeper now.
    pub fn sleeper(&self, index: usize) -> Option<SleeperSnapshot> {
        self.sleepers.snapshot(index, self.minute)
    }

    /// One sleeper's archived states over the last day, oldest first, with the minute of
    /// each.
    pub fn sleeper_history(&self, index: usize) -> Vec<(u64, SleeperSnapshot)> {
        self.archive.of(index)
    }

    /// The map's cells now: for each run of `per_cell` sleepers (at least one) in
    /// index order, the highest nightmare risk among them and whether any is in a loop.
    /// Read from the sleepers' own columns, without a snapshot of each.
    pub fn map_cells(&self, per_cell: usize) -> impl Iterator<Item = (f32, bool)> + '_ {
        self.sleepers.map_cells(per_cell.max(1))
    }
}

/// A fingerprint built word by word (FNV-1a's multiply over 64-bit words, with a
/// rotation so the high bits reach the low ones): small, stable across platforms and
/// versions, and quick enough to take every autosave (12,000 sleepers in about a tenth
/// of a millisecond).
pub(crate) struct Digest(pub u64);

impl Default for Digest {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Digest {
    pub fn word(&mut self, word: u64) {
        self.0 = (self.0 ^ word)
            .wrapping_mul(0x0100_0000_01b3)
            .rotate_left(29);
    }
    pub fn bytes(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for chunk in words.by_ref() {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.word(u64::from_le_bytes(word));
        }
        let mut last = [0u8; 8];
        last[..words.remainder().len()].copy_from_slice(words.remainder());
        self.word(u64::from_le_bytes(last));
        self.word(bytes.len() as u64);
    }
    pub fn number(&mut self, n: u64) {
        self.word(n);
    }
    pub fn text(&mut self, text: &str) {
        self.bytes(text.as_bytes());
    }
    pub fn floats(&mut self, values: &[f32]) {
        let mut pairs = values.chunks_exact(2);
        for pair in pairs.by_ref() {
            self.word(u64::from(pair[0].to_bits()) | u64::from(pair[1].to_bits()) << 32);
        }
        if let [last] = pairs.remainder() {
            self.word(u64::from(last.to_bits()));
        }
        self.word(values.len() as u64);
    }
}

/// Every sleeper's state every [`ARCHIVE_EVERY`] minutes over the last day, a byte per
/// value (the detail panel's charts need no more).
#[derive(Debug, Clone, PartialEq)]
struct Archive {
    sleepers: usize,
    frames: VecDeque<(u64, Vec<[u8; 5]>)>,
}

impl Archive {
    fn new(sleepers: usize) -> Self {
        Self {
            sleepers,
            frames: VecDeque::with_capacity(ARCHIVE_FRAMES),
        }
    }

    fn keep(&mut self, minute: u64, sleepers: &Sleepers) {
        let mut frame = if self.frames.len() == ARCHIVE_FRAMES {
            self.frames.pop_front().map(|(_, f)| f).unwrap_or_default()
        } else {
            Vec::with_capacity(self.sleepers)
        };
        frame.clear();
        frame.extend((0..self.sleepers).map(|i| sleepers.packed(i)));
        self.frames.push_back((minute, frame));
    }

    fn of(&self, index: usize) -> Vec<(u64, SleeperSnapshot)> {
        self.frames
            .iter()
            .filter_map(|(minute, frame)| {
                frame
                    .get(index)
                    .map(|packed| (*minute, SleeperSnapshot::unpack(*packed)))
            })
            .collect()
    }
}
