//! Who a sleeper is, as the simulation knows them: the measures a stranger's fears are
//! drawn from (issue 21, `docs/plans/issue-21.md`). Read, never written: taking a
//! profile changes nothing. Every measure is in whole hundredths (or minutes), so two
//! runs that agree on the network agree on the profile exactly, whatever rounding the
//! floating point underneath does last.

use super::sleepers::group_shares;
use super::{Network, night_of};

/// The nights a profile counts shared sessions over: tonight and the two before.
pub const SHARED_NIGHTS_COUNTED: u64 = 3;

/// One sleeper at one minute, in the measures the stranger rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SleeperProfile {
    pub sleeper: usize,
    /// The network's minute it was taken at.
    pub minute: u64,
    /// In a nightmare loop now, and for how many minutes.
    pub looping: bool,
    pub loop_minutes: u32,
    /// Now, in hundredths: nightmare risk, dependence on the network, arousal (0–100)
    /// and mood (valence, −100–100).
    pub risk: u8,
    pub dependence: u8,
    pub arousal: u8,
    pub valence: i8,
    /// Over the archived day, in hundredths: the share of it spent in a loop, the lowest
    /// mood and how far the mood swung (highest less lowest, 0–200).
    pub day_in_loop: u8,
    pub low_mood: i8,
    pub mood_swing: u8,
    /// Lasting traits: how strongly the network's steering takes hold (hundredths), the
    /// mood they return to (hundredths), how long they sleep (minutes) and when they go
    /// to sleep (minute of the day).
    pub susceptibility: u8,
    pub calm: i8,
    pub sleep_minutes: u16,
    pub bedtime: u16,
    /// Of tonight and the two nights before, how many their group was put in a shared
    /// session (whether or not they were asleep for it): their exposure to other
    /// people's dreams.
    pub shared_nights: u8,
    /// Brought home by Juno, off the network.
    pub home: bool,
}

impl SleeperProfile {
    /// A sleeper in a loop with every measure in the middle: where checks and tests
    /// start when only one measure (or the fears, set by hand) matters.
    pub const MIDDLING: SleeperProfile = SleeperProfile {
        sleeper: 0,
        minute: 0,
        looping: true,
        loop_minutes: 60,
        risk: 50,
        dependence: 50,
        arousal: 50,
        valence: 0,
        day_in_loop: 20,
        low_mood: -30,
        mood_swing: 50,
        susceptibility: 50,
        calm: 10,
        sleep_minutes: 420,
        bedtime: 1380,
        shared_nights: 1,
        home: false,
    };
}

/// `value` (0..1) in whole hundredths.
fn hundredths(value: f32) -> u8 {
    (value.clamp(0.0, 1.0) * 100.0).round() as u8
}

/// `value` (−1..1) in whole hundredths.
fn signed_hundredths(value: f32) -> i8 {
    (value.clamp(-1.0, 1.0) * 100.0).round() as i8
}

impl Network {
    /// Sleeper `index`'s profile now; `None` outside the network.
    pub fn profile(&self, index: usize) -> Option<SleeperProfile> {
        let now = self.sleeper(index)?;
        let lasting = self.sleepers.lasting(index)?;
        let day = self.sleeper_history(index);
        let (mut looped, mut low, mut high) = (0usize, now.valence, now.valence);
        for (_, past) in &day {
            looped += usize::from(past.looping);
            low = low.min(past.valence);
            high = high.max(past.valence);
        }
        let day_in_loop = if day.is_empty() {
            0.0
        } else {
            looped as f32 / day.len() as f32
        };
        Some(SleeperProfile {
            sleeper: index,
            minute: self.minute(),
            looping: now.looping,
            loop_minutes: lasting.loop_minutes,
            risk: hundredths(now.risk),
            dependence: hundredths(now.dependence),
            arousal: hundredths(now.arousal),
            valence: signed_hundredths(now.valence),
            day_in_loop: hundredths(day_in_loop),
            low_mood: signed_hundredths(low),
            mood_swing: ((high - low).clamp(0.0, 2.0) * 100.0).round() as u8,
            susceptibility: hundredths(lasting.susceptibility),
            calm: signed_hundredths(lasting.calm),
            sleep_minutes: lasting.sleep_minutes,
            bedtime: lasting.bedtime,
            shared_nights: self.shared_nights(self.sleepers.group_of(index)),
            home: self.sleepers.is_home(index),
        })
    }

    /// Of the last [`SHARED_NIGHTS_COUNTED`] nights the history holds, how many `group`
    /// shared a session: each night's draw at the mix of its last minute in the history
    /// (the mix is set once a night, and flat out in an overload).
    fn shared_nights(&self, group: usize) -> u8 {
        let tonight = night_of(self.minute.saturating_sub(1));
        let mut counted = 0u8;
        let mut last_night = None;
        for (params, stats) in self.history.recent(usize::MAX).rev() {
            let night = night_of(stats.minute);
            if night + SHARED_NIGHTS_COUNTED <= tonight {
                break;
            }
            if last_night == Some(night) {
                continue;
            }
            last_night = Some(night);
            let shares = self.policy.shared_night(night)
                && group_shares(self.seed, night, group, params.session_mix);
            counted += u8::from(shares);
        }
        counted
    }
}

#[cfg(test)]
mod tests {
    use crate::network::{Network, Policy};

    fn network() -> Network {
        let mut network = Network::new(7, 600, Policy::SomnoTech, &[]);
        network.run(36 * 60);
        network
    }

    #[test]
    fn the_same_network_gives_the_same_profiles_and_reading_changes_nothing() {
        let (first, second) = (network(), network());
        for i in [0, 1, 57, 311, 599] {
            assert_eq!(first.profile(i), second.profile(i), "sleeper {i}");
        }
        let before = first.digest();
        let _ = first.profile(3);
        assert_eq!(first.digest(), before);
        assert_eq!(first.profile(600), None, "outside the network");
    }

    #[test]
    fn a_profile_reads_the_sleeper_and_their_day() {
        let mut network = network();
        network.overload(&[]);
        // Into the night, when the loops spread.
        let mut looping = None;
        for _ in 0..24 {
            network.run(60);
            looping = (0..network.len()).find(|&i| network.sleeper(i).is_some_and(|s| s.looping));
            if looping.is_some() {
                break;
            }
        }
        let looping = looping.expect("someone loops in an overload's night");
        let p = network.profile(looping).expect("a profile");
        assert!(p.looping && p.loop_minutes > 0, "{p:?}");
        assert!(p.day_in_loop > 0, "their day shows the loop: {p:?}");
        assert!(p.low_mood <= p.valence && i16::from(p.mood_swing) >= 0);
        let now = network.sleeper(looping).expect("now");
        assert_eq!(p.risk, (now.risk * 100.0).round() as u8);
        assert_eq!(p.minute, network.minute());
        assert!(p.shared_nights <= 3 && !p.home);
    }

    #[test]
    fn shared_nights_count_the_groups_sessions_and_differ_between_groups() {
        let network = network();
        let counts: Vec<u8> = (0..network.len())
            .map(|i| network.profile(i).expect("a profile").shared_nights)
            .collect();
        // SomnoTech shares every night, mixing half to four fifths of the groups: over
        // 600 sleepers some groups shared each of the nights counted and some fewer.
        assert!(counts.iter().all(|c| *c <= 3), "{counts:?}");
        assert!(counts.contains(&2) || counts.contains(&3), "{counts:?}");
        assert!(counts.iter().any(|c| *c < 2), "{counts:?}");
        // The members of one group share alike.
        assert_eq!(counts[0], counts[1]);
    }

    #[test]
    fn a_stranger_brought_home_leaves_the_loop_and_the_network_for_good() {
        let mut network = network();
        network.overload(&[]);
        let mut looping = None;
        for _ in 0..24 {
            network.run(60);
            looping = (1..network.len()).find(|&i| network.sleeper(i).is_some_and(|s| s.looping));
            if looping.is_some() {
                break;
            }
        }
        let i = looping.expect("someone loops in an overload's night");
        let dependence = network.sleeper(i).expect("now").dependence;
        network.bring(i);
        network.bring(i);
        assert_eq!(network.brought_home(), 1, "brought home once");
        assert!(network.is_home(i));
        let now = network.sleeper(i).expect("now");
        assert!(!now.looping && now.valence >= 0.2);
        assert!((now.dependence - dependence * 0.5).abs() < 1e-6);
        // Through the overload's nights: never connected, never looping again.
        for _ in 0..(2 * 24) {
            network.run(30);
            let s = network.sleeper(i).expect("now");
            assert!(!s.looping && !s.connected, "{s:?}");
        }
        assert!(network.profile(i).expect("a profile").home);
        assert!(
            network
                .incidents()
                .any(|inc| inc.kind == crate::network::IncidentKind::BroughtHome { sleeper: i }),
            "the log says so"
        );
        // The journal brings them home again.
        let again = Network::replay(crate::network::ReplaySource {
            seed: network.seed(),
            count: network.len(),
            policy: network.policy(),
            family: &[],
            journal: network.journal(),
            minute: network.minute(),
        })
        .expect("replays");
        assert_eq!(again.digest(), network.digest());
        assert!(again.is_home(i));
    }
}
