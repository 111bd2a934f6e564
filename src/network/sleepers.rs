//! The sleepers, stored column by column (one array per value) so a minute of the whole
//! network is one pass over memory.

use super::policy::{AltRules, OPT_IN_SHARE};
use super::{CohortStats, Params, Stats, hash01};

/// A stage of sleep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Stage {
    #[default]
    Wake,
    N1,
    N2,
    N3,
    Rem,
}

impl Stage {
    pub const ALL: [Stage; 5] = [Stage::Wake, Stage::N1, Stage::N2, Stage::N3, Stage::Rem];

    pub fn label(self) -> &'static str {
        match self {
            Stage::Wake => "awake",
            Stage::N1 => "N1",
            Stage::N2 => "N2",
            Stage::N3 => "N3 (deep)",
            Stage::Rem => "REM",
        }
    }

    /// Depth for the hypnogram: awake at the top.
    pub fn depth(self) -> f32 {
        match self {
            Stage::Wake => 0.0,
            Stage::Rem => -1.0,
            Stage::N1 => -2.0,
            Stage::N2 => -3.0,
            Stage::N3 => -4.0,
        }
    }

    fn from_index(i: u8) -> Self {
        Self::ALL[usize::from(i).min(4)]
    }

    /// The arousal a sleeper settles towards in this stage.
    fn resting_arousal(self) -> f32 {
        match self {
            Stage::Wake => 0.45,
            Stage::N1 => 0.3,
            Stage::N2 => 0.2,
            Stage::N3 => 0.1,
            Stage::Rem => 0.4,
        }
    }
}

/// What makes one sleeper themself: set at the start and never changed.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Traits {
    /// Minute of the day they go to sleep.
    pub bedtime: u16,
    /// How long they sleep, minutes.
    pub sleep_minutes: u16,
    /// How strongly the network's steering and sync take hold, 0..1.
    pub susceptibility: f32,
    /// The mood they return to, -1..1.
    pub calm: f32,
    /// Dependence on the network at the start, 0..1.
    pub dependence: f32,
}

impl Traits {
    fn random(seed: u64, index: u64) -> Self {
        let h = |salt| hash01(seed, salt, index);
        Self {
            bedtime: ((21.5 + 4.0 * h(11)) * 60.0) as u16 % 1440,
            sleep_minutes: (330.0 + 180.0 * h(12)) as u16,
            susceptibility: h(13) * h(13).max(h(14)),
            calm: 0.35 * h(15) - 0.05,
            dependence: 0.35 * h(16),
        }
    }
}

/// One sleeper at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SleeperSnapshot {
    pub stage: Stage,
    pub looping: bool,
    pub connected: bool,
    pub sync: f32,
    pub valence: f32,
    pub arousal: f32,
    pub dependence: f32,
    pub risk: f32,
    /// Beats a minute, from arousal (and a loop's distress).
    pub heart_rate: f32,
    /// Breaths a minute, the same way.
    pub breathing: f32,
}

impl SleeperSnapshot {
    fn with_vitals(mut self) -> Self {
        let loop_stress = if self.looping { 22.0 } else { 0.0 };
        self.heart_rate = 50.0 + 45.0 * self.arousal + loop_stress;
        self.breathing = 11.0 + 9.0 * self.arousal + loop_stress * 0.3;
        self
    }

    pub(super) fn unpack(p: [u8; 5]) -> Self {
        let byte = |b: u8| f32::from(b) / 255.0;
        Self {
            stage: Stage::from_index(p[0] & 7),
            looping: p[0] & 8 != 0,
            connected: p[0] & 16 != 0,
            sync: 0.0,
            valence: byte(p[1]) * 2.0 - 1.0,
            arousal: byte(p[2]),
            dependence: byte(p[3]),
            risk: byte(p[4]),
            heart_rate: 0.0,
            breathing: 0.0,
        }
        .with_vitals()
    }
}

/// What lasts of one sleeper (their traits as stored) and how long they have looped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Lasting {
    pub bedtime: u16,
    pub sleep_minutes: u16,
    pub susceptibility: f32,
    pub calm: f32,
    pub loop_minutes: u32,
}

/// What every sleeper's minute shares.
pub(super) struct Tick {
    pub seed: u64,
    pub minute: u64,
    pub params: Params,
    pub shared_night: bool,
    pub monitored: bool,
    pub overload: bool,
}

/// Mood and loops of one shared session, summed over its members.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct GroupSum {
    arousal: f32,
    members: u16,
    looping: u16,
}

/// Dependence above which a sleeper counts as a heavy user.
pub const HEAVY_USER: f32 = 0.5;
/// Dependence below which a sleeper counts as a light user.
pub const LIGHT_USER: f32 = 0.25;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Sleepers {
    group_size: u32,
    // Traits.
    bedtime: Vec<u16>,
    sleep_minutes: Vec<u16>,
    cycle_offset: Vec<u16>,
    susceptibility: Vec<f32>,
    calm: Vec<f32>,
    enrolled: Vec<bool>,
    // State.
    stage: Vec<Stage>,
    connected: Vec<bool>,
    sync: Vec<f32>,
    valence: Vec<f32>,
    arousal: Vec<f32>,
    dependence: Vec<f32>,
    risk: Vec<f32>,
    /// Minutes in a nightmare loop (0: not in one).
    looping: Vec<u32>,
    /// Held in a loop until freed by name (Leo, Mara).
    trapped: Vec<bool>,
    /// Brought home by Juno from a stranger's dive: off the network for good, so no
    /// loop takes them again.
    home: Vec<bool>,
}

/// Whether shared-session group `group` shares a session on night `night`, when the
/// network mixes `mix` of its groups: the draw every member's minute makes, and the one
/// a sleeper's profile counts their shared nights by.
pub(super) fn group_shares(seed: u64, night: u64, group: usize, mix: f32) -> bool {
    hash01(seed, 19 + night, group as u64) < mix
}

impl Sleepers {
    pub fn new(seed: u64, count: usize, rules: AltRules, family: &[Traits]) -> Self {
        let traits: Vec<Traits> = (0..count)
            .map(|i| {
                family
                    .get(i)
                    .copied()
                    .unwrap_or_else(|| Traits::random(seed, i as u64))
            })
            .collect();
        let column = |f: &dyn Fn(&Traits) -> f32| traits.iter().map(f).collect::<Vec<f32>>();
        Self {
            group_size: rules.invites.group_size(),
            bedtime: traits.iter().map(|t| t.bedtime % 1440).collect(),
            sleep_minutes: traits.iter().map(|t| t.sleep_minutes.min(900)).collect(),
            cycle_offset: (0..count)
                .map(|i| (hash01(seed, 17, i as u64) * 40.0) as u16)
                .collect(),
            susceptibility: column(&|t| t.susceptibility.clamp(0.0, 1.0)),
            calm: column(&|t| t.calm.clamp(-1.0, 1.0)),
            // The family always joins: the story needs them on the network.
            enrolled: (0..count)
                .map(|i| {
                    !rules.opt_in || i < family.len() || hash01(seed, 18, i as u64) < OPT_IN_SHARE
                })
                .collect(),
            stage: vec![Stage::Wake; count],
            connected: vec![false; count],
            sync: vec![0.0; count],
            valence: column(&|t| t.calm.clamp(-1.0, 1.0)),
            arousal: vec![0.45; count],
            dependence: column(&|t| t.dependence.clamp(0.0, 1.0)),
            risk: vec![0.0; count],
            looping: vec![0; count],
            trapped: vec![false; count],
            home: vec![false; count],
        }
    }

    pub fn len(&self) -> usize {
        self.stage.len()
    }

    /// Adds every sleeper's state (not the traits, which the seed gives) to `d`.
    pub fn digest(&self, d: &mut super::Digest) {
        d.bytes(&self.stage.iter().map(|s| *s as u8).collect::<Vec<u8>>());
        d.bytes(
            &self
                .connected
                .iter()
                .map(|c| u8::from(*c))
                .collect::<Vec<u8>>(),
        );
        d.bytes(
            &self
                .trapped
                .iter()
                .map(|t| u8::from(*t))
                .collect::<Vec<u8>>(),
        );
        for column in [
            &self.sync,
            &self.valence,
            &self.arousal,
            &self.dependence,
            &self.risk,
        ] {
            d.floats(column);
        }
        for looping in &self.looping {
            d.word(u64::from(*looping));
        }
        // Only once someone is home, so a network no one was brought home from keeps
        // the digest it had before strangers could be (saved games check it).
        if self.home.contains(&true) {
            d.bytes(&self.home.iter().map(|h| u8::from(*h)).collect::<Vec<u8>>());
        }
    }

    /// One sleeper's lasting traits and how long their loop has held them.
    pub fn lasting(&self, i: usize) -> Option<Lasting> {
        (i < self.len()).then(|| Lasting {
            bedtime: self.bedtime[i],
            sleep_minutes: self.sleep_minutes[i],
            susceptibility: self.susceptibility[i],
            calm: self.calm[i],
            loop_minutes: self.looping[i],
        })
    }

    /// The shared-session group sleeper `i` belongs to.
    pub fn group_of(&self, i: usize) -> usize {
        i / self.group_size as usize
    }

    /// Whether sleeper `i` was brought home.
    pub fn is_home(&self, i: usize) -> bool {
        self.home.get(i).copied().unwrap_or(false)
    }

    pub fn group_count(&self) -> usize {
        self.len().div_ceil(self.group_size as usize)
    }

    pub fn trap(&mut self, i: usize) {
        if i < self.len() {
            self.trapped[i] = true;
            self.looping[i] = self.looping[i].max(1);
        }
    }

    pub fn free(&mut self, i: usize) {
        if i < self.len() {
            self.trapped[i] = false;
            self.looping[i] = 0;
            self.arousal[i] = 0.3;
            self.valence[i] = self.valence[i].max(0.2);
        }
    }

    /// Brings sleeper `i` home: out of their loop and off the network, their mood
    /// lifted and their dependence on it halved; from now on it fades as it does for
    /// anyone who sleeps without it.
    pub fn bring(&mut self, i: usize) {
        if i < self.len() {
            self.free(i);
            self.dependence[i] *= 0.5;
            self.home[i] = true;
        }
    }

    /// Each run of `per_cell` sleepers' highest risk, and whether any of them loops.
    pub fn map_cells(&self, per_cell: usize) -> impl Iterator<Item = (f32, bool)> + '_ {
        self.risk
            .chunks(per_cell)
            .zip(self.looping.chunks(per_cell))
            .map(|(risk, looping)| {
                (
                    risk.iter().copied().fold(0.0, f32::max),
                    looping.iter().any(|&l| l > 0),
                )
            })
    }

    pub fn snapshot(&self, i: usize, _minute: u64) -> Option<SleeperSnapshot> {
        (i < self.len()).then(|| {
            SleeperSnapshot {
                stage: self.stage[i],
                looping: self.looping[i] > 0,
                connected: self.connected[i],
                sync: self.sync[i],
                valence: self.valence[i],
                arousal: self.arousal[i],
                dependence: self.dependence[i],
                risk: self.risk[i],
                heart_rate: 0.0,
                breathing: 0.0,
            }
            .with_vitals()
        })
    }

    /// One sleeper in five bytes, for the archive.
    pub fn packed(&self, i: usize) -> [u8; 5] {
        let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        let flags = self.stage[i] as u8
            | if self.looping[i] > 0 { 8 } else { 0 }
            | if self.connected[i] { 16 } else { 0 };
        [
            flags,
            byte((self.valence[i] + 1.0) * 0.5),
            byte(self.arousal[i]),
            byte(self.dependence[i]),
            byte(self.risk[i]),
        ]
    }

    /// One minute for every sleeper. `groups` holds last minute's shared sessions;
    /// `next` gathers this minute's. Returns the minute's statistics and the first
    /// sleeper (by number) who fell into a loop in it.
    pub fn step(
        &mut self,
        tick: &Tick,
        groups: &[GroupSum],
        next: &mut [GroupSum],
    ) -> (Stats, Option<usize>) {
        let p = &tick.params;
        let of_day = (tick.minute % 1440) as u16;
        let day = super::night_of(tick.minute);
        let cycle = p.cycle_minutes.max(30.0);
        let group_size = self.group_size as usize;
        let mut stats = Stats::default();
        let mut sums = [Sums::default(); 3];
        let mut dependence_sum = 0.0f64;
        let mut risk_sum = 0.0f64;
        let mut first_new_loop = None;
        for i in 0..self.len() {
            let g = i / group_size;
            let noise = hash01(tick.seed, tick.minute, i as u64);
            let since_bed = (of_day + 1440 - self.bedtime[i]) % 1440;
            let asleep = since_bed < self.sleep_minutes[i] || self.trapped[i];
            let mut looping = self.looping[i];
            let stage = if looping > 0 {
                Stage::Rem
            } else if asleep {
                stage_at(
                    since_bed,
                    self.sleep_minutes[i],
                    self.cycle_offset[i],
                    cycle,
                )
            } else {
                Stage::Wake
            };
            let connected = asleep && self.enrolled[i] && !self.home[i];
            // Tonight's shared session, if this group has one.
            let shared =
                connected && tick.shared_night && group_shares(tick.seed, day, g, p.session_mix);
            let susceptibility = self.susceptibility[i];

            let sync_target = if connected {
                p.link_gain * (0.6 + 0.4 * susceptibility) * if shared { 1.0 } else { 0.75 }
            } else {
                0.0
            };
            let sync = self.sync[i] + (sync_target - self.sync[i]) * 0.15;

            let mut arousal = self.arousal[i];
            let mut valence = self.valence[i];
            arousal += (stage.resting_arousal() - arousal) * 0.08;
            valence += (self.calm[i] + 0.3 * p.comfort - 0.1 - valence) * 0.03;
            // The engagement term: connected REM sleep is pushed towards distress.
            // (Through the link, but not by its strength: a weak link steers as hard.)
            if connected && stage == Stage::Rem && sync > 0.2 {
                let push = p.continuity * (0.4 + susceptibility);
                arousal += 0.09 * push;
                valence -= 0.035 * push;
            }
            if shared {
                let group = groups.get(g).copied().unwrap_or_default();
                if group.members > 0 {
                    let mean = group.arousal / f32::from(group.members);
                    arousal += p.resonance * (mean - arousal) * 0.12 * sync;
                }
            }
            arousal += (noise - 0.5) * 0.04;
            valence += (hash01(tick.seed, tick.minute ^ 0x5A5A, i as u64) - 0.5) * 0.03;

            // Dependence grows while connected, faster when the nights feel bad without
            // the network's comfort; it fades while awake.
            let mut dependence = self.dependence[i];
            if connected {
                let steered = if stage == Stage::Rem {
                    p.continuity
                } else {
                    0.0
                };
                let alone = if shared { 1.0 } else { 0.6 };
                let pull = sync
                    * (0.3 + susceptibility)
                    * (0.0005 * alone + 0.006 * steered + 0.002 * (-valence).max(0.0));
                dependence += pull * (1.0 - dependence);
            } else if !asleep {
                dependence -= 0.00035 * dependence;
            }

            // Loops: fall in from distressed connected REM sleep; woken if someone watches.
            if looping > 0 {
                looping += 1;
                arousal += (0.95 - arousal) * 0.2;
                valence += (-0.85 - valence) * 0.2;
                let woken = !self.trapped[i]
                    && !tick.overload
                    && (!asleep || (tick.monitored && noise < 0.12) || noise < 0.01);
                if woken {
                    looping = 0;
                    stats.ended_loops += 1;
                }
            }
            arousal = arousal.clamp(0.0, 1.0);
            valence = valence.clamp(-1.0, 1.0);
            dependence = dependence.clamp(0.0, 1.0);
            let risk = if asleep {
                (0.7 * arousal + 0.5 * (-valence).max(0.0) + 0.35 * dependence - 0.2)
                    .clamp(0.0, 1.0)
            } else {
                (0.2 * dependence).clamp(0.0, 1.0)
            };
            if looping == 0 && connected && stage == Stage::Rem {
                let group = groups.get(g).copied().unwrap_or_default();
                let spread = if shared && group.members > 0 {
                    f32::from(group.looping) / f32::from(group.members)
                } else {
                    0.0
                };
                let rate = if tick.overload {
                    0.002 + 0.05 * spread
                } else {
                    0.02 * spread
                };
                let chance = 0.004 * risk * risk * risk + rate * risk;
                if hash01(tick.seed, tick.minute ^ 0xA5A5, i as u64) < chance {
                    looping = 1;
                    stats.new_loops += 1;
                    first_new_loop = first_new_loop.or(Some(i));
                }
            }

            self.stage[i] = stage;
            self.connected[i] = connected;
            self.sync[i] = sync;
            self.arousal[i] = arousal;
            self.valence[i] = valence;
            self.dependence[i] = dependence;
            self.risk[i] = risk;
            self.looping[i] = looping;

            if let Some(group) = next.get_mut(g)
                && shared
            {
                group.arousal += arousal;
                group.members += 1;
                group.looping += u16::from(looping > 0);
            }
            stats.asleep += u32::from(asleep);
            stats.connected += u32::from(connected);
            stats.looping += u32::from(looping > 0);
            stats.stages[stage as usize] += 1;
            dependence_sum += f64::from(dependence);
            risk_sum += f64::from(risk);
            if connected {
                let values = [sync, valence, arousal, dependence, risk];
                sums[0].add(values);
                if dependence >= HEAVY_USER {
                    sums[1].add(values);
                } else if dependence < LIGHT_USER {
                    sums[2].add(values);
                }
            }
        }
        let n = self.len().max(1) as f64;
        stats.dependence = (dependence_sum / n) as f32;
        stats.risk = (risk_sum / n) as f32;
        stats.cohorts = sums.map(Sums::mean);
        (stats, first_new_loop)
    }
}

/// The stage `since_bed` minutes into a night of `length` minutes: N1, N2, N3 and REM in
/// cycles, deep sleep early and REM longer towards morning.
fn stage_at(since_bed: u16, length: u16, offset: u16, cycle: f32) -> Stage {
    if since_bed < 8 {
        return Stage::N1;
    }
    let position = ((f32::from(since_bed) + f32::from(offset)) % cycle) / cycle;
    let night = f32::from(since_bed) / f32::from(length.max(1));
    let rem_from = 0.78 - 0.3 * night;
    let deep_until = (0.65 - 0.5 * night).min(rem_from);
    if position < 0.04 {
        Stage::N1
    } else if position < 0.35 {
        Stage::N2
    } else if position < deep_until {
        Stage::N3
    } else if position < rem_from {
        Stage::N2
    } else {
        Stage::Rem
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    count: u32,
    values: [f64; 5],
}

impl Sums {
    fn add(&mut self, values: [f32; 5]) {
        self.count += 1;
        for (sum, v) in self.values.iter_mut().zip(values) {
            *sum += f64::from(v);
        }
    }

    fn mean(self) -> CohortStats {
        let n = f64::from(self.count.max(1));
        let m = self.values.map(|v| (v / n) as f32);
        CohortStats {
            connected: self.count,
            sync: m[0],
            valence: m[1],
            arousal: m[2],
            dependence: m[3],
            risk: m[4],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_night_has_every_stage_and_more_rem_towards_morning() {
        let stages: Vec<Stage> = (0..480).map(|m| stage_at(m, 480, 0, 90.0)).collect();
        for stage in [Stage::N1, Stage::N2, Stage::N3, Stage::Rem] {
            assert!(stages.contains(&stage), "no {stage:?}");
        }
        let rem = |range: std::ops::Range<usize>| {
            stages[range].iter().filter(|s| **s == Stage::Rem).count()
        };
        assert!(rem(360..480) > rem(0..120));
    }

    #[test]
    fn packing_keeps_values_to_a_byte() {
        let mut sleepers = Sleepers::new(1, 3, Default::default(), &[]);
        sleepers.valence[1] = -0.5;
        sleepers.arousal[1] = 0.8;
        sleepers.looping[1] = 3;
        let back = SleeperSnapshot::unpack(sleepers.packed(1));
        assert!((back.valence + 0.5).abs() < 0.01);
        assert!((back.arousal - 0.8).abs() < 0.01);
        assert!(back.looping);
    }
}
