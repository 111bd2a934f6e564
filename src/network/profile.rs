//! Who a sleeper is, as the simulation knows them: the measures a stranger's fears are
//! drawn from (issue 21, `docs/plans/issue-21.md`). Read, never written: taking a
//! profile changes nothing. Every measure is in whole hundredths (or minutes), so two
//! runs that agree on the network agree on the profile exactly, whatever rounding the
//! floating point underneath does last.

use super::Network;

/// One sleeper at one minute, in the measures the stranger rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
        })
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
    }
}
