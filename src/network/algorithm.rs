//! SomnoTech's tuning algorithm: the parameters it sets on the network every minute,
//! what SomnoTech's documentation says each one is for, and the schedule its optimiser
//! follows. One of them does something its documentation does not say.

use serde::{Deserialize, Serialize};

use super::{MINUTES_PER_DAY, hash01};

/// A tuning parameter of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Param {
    LinkGain,
    CyclePacing,
    SessionMix,
    Resonance,
    ComfortFloor,
    /// The engagement term. Documented as scene continuity; it raises arousal and darkens
    /// feeling in connected REM sleep, which makes sleepers lean on the network.
    Continuity,
}

impl Param {
    pub const ALL: [Param; 6] = [
        Param::LinkGain,
        Param::CyclePacing,
        Param::SessionMix,
        Param::Resonance,
        Param::ComfortFloor,
        Param::Continuity,
    ];

    /// The name on SomnoTech's console.
    pub fn label(self) -> &'static str {
        match self {
            Param::LinkGain => "Link gain",
            Param::CyclePacing => "Cycle pacing",
            Param::SessionMix => "Shared-session mix",
            Param::Resonance => "Resonance",
            Param::ComfortFloor => "Comfort floor",
            Param::Continuity => "Scene continuity",
        }
    }

    /// SomnoTech's documentation of the parameter, as the console shows it.
    pub fn documented_purpose(self) -> &'static str {
        match self {
            Param::LinkGain => {
                "How firmly the link holds a sleeper's brain rhythm in phase with the \
                 session. Higher: deeper sync, more vivid shared dreams."
            }
            Param::CyclePacing => {
                "Target length of one sleep cycle, minutes. Tuned weekly to the population's \
                 natural rhythm."
            }
            Param::SessionMix => {
                "Share of sleeping groups placed in a shared session tonight; the rest dream \
                 alone on the network."
            }
            Param::Resonance => {
                "How strongly sleepers in one shared session feel each other's mood. Keeps \
                 a shared dream coherent."
            }
            Param::ComfortFloor => {
                "The calm the network keeps under every sleeper. Raised when yesterday's \
                 nightmare risk was high."
            }
            Param::Continuity => {
                "Weights scene continuity when the scheduler picks the next dream scene, so \
                 scenes carry across REM periods. Adjusted by the optimiser in short \
                 experiments."
            }
        }
    }

    /// The range the console plots it in.
    pub fn range(self) -> (f32, f32) {
        match self {
            Param::CyclePacing => (80.0, 100.0),
            _ => (0.0, 1.0),
        }
    }
}

/// The parameters in force during one minute.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Params {
    pub link_gain: f32,
    pub cycle_minutes: f32,
    pub session_mix: f32,
    pub resonance: f32,
    pub comfort: f32,
    pub continuity: f32,
}

impl Params {
    pub fn get(&self, param: Param) -> f32 {
        match param {
            Param::LinkGain => self.link_gain,
            Param::CyclePacing => self.cycle_minutes,
            Param::SessionMix => self.session_mix,
            Param::Resonance => self.resonance,
            Param::ComfortFloor => self.comfort,
            Param::Continuity => self.continuity,
        }
    }

    /// The network running flat out, as in the overload.
    pub fn overloaded() -> Self {
        Self {
            link_gain: 1.0,
            cycle_minutes: 80.0,
            session_mix: 1.0,
            resonance: 1.0,
            comfort: 0.0,
            continuity: 1.0,
        }
    }
}

/// What the optimiser knows of yesterday: it raises comfort after a bad night and pushes
/// continuity harder when engagement (dependence) falls below its target.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Feedback {
    /// Mean nightmare risk of sleepers over the last day.
    pub risk: f32,
    /// Mean dependence over the last day.
    pub dependence: f32,
}

/// The dependence SomnoTech's optimiser aims for ("engagement").
pub const ENGAGEMENT_TARGET: f32 = 0.6;

/// The parameters SomnoTech's optimiser sets at `minute`.
///
/// `steering` is false under a network that has switched the engagement term off;
/// `personalised` is false when no data is kept to tune on (the parameters stay at their
/// defaults).
pub fn somnotech(
    seed: u64,
    minute: u64,
    feedback: Feedback,
    steering: bool,
    personalised: bool,
) -> Params {
    let day = super::night_of(minute);
    let of_day = (minute % MINUTES_PER_DAY as u64) as f32;
    // The night, 22:00 to 08:00, as 0..1 (outside it 0).
    let night = ((of_day + 120.0) % MINUTES_PER_DAY as f32) / 600.0;
    let in_night = night < 1.0;
    if !personalised {
        return Params {
            link_gain: 0.7,
            cycle_minutes: 90.0,
            session_mix: 0.6,
            resonance: 0.4,
            comfort: 0.5,
            continuity: if steering { 0.3 } else { 0.0 },
        };
    }
    let daily = |salt: u64| hash01(seed, salt, day);
    // Link gain wanders from one half-hour block to the next.
    let block = minute / 30;
    let f = (minute % 30) as f32 / 30.0;
    let (a, b) = (hash01(seed, 1, block), hash01(seed, 1, block + 1));
    let link_gain = 0.55 + 0.35 * (a + (b - a) * f * f * (3.0 - 2.0 * f));
    let cycle_minutes = 86.0 + 8.0 * hash01(seed, 2, day / 7);
    let session_mix = 0.5 + 0.3 * daily(3);
    let resonance = 0.25 + 0.35 * daily(4);
    let comfort = (0.35 + 0.8 * feedback.risk + 0.1 * daily(5)).clamp(0.2, 0.9);
    let continuity = if steering {
        continuity_at(seed, day, night, in_night, feedback)
    } else {
        0.0
    };
    Params {
        link_gain,
        cycle_minutes,
        session_mix,
        resonance,
        comfort,
        continuity,
    }
}

/// The engagement term: a low base with the optimiser's "experiments", short pulses at
/// times that differ every night, stronger while engagement is below target.
fn continuity_at(seed: u64, day: u64, night: f32, in_night: bool, feedback: Feedback) -> f32 {
    const BASE: f32 = 0.12;
    if !in_night {
        return BASE;
    }
    let shortfall = (ENGAGEMENT_TARGET - feedback.dependence).max(0.0);
    let minute_of_night = night * 600.0;
    for pulse in 0..5u64 {
        let start = 90.0 + 440.0 * hash01(seed, 100 + pulse, day);
        let length = 20.0 + 25.0 * hash01(seed, 200 + pulse, day);
        if (start..start + length).contains(&minute_of_night) {
            let strength = 0.5 + 0.3 * hash01(seed, 300 + pulse, day) + 0.4 * shortfall;
            return strength.min(1.0);
        }
    }
    BASE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engagement_term_pulses_at_night_and_is_off_when_steering_is() {
        let feedback = Feedback::default();
        let night: Vec<f32> = (0..600)
            .map(|m| somnotech(7, 22 * 60 + m, feedback, true, true).continuity)
            .collect();
        let high = night.iter().filter(|c| **c > 0.4).count();
        assert!(high >= 60, "only {high} minutes of pulses in a night");
        assert!(night.iter().any(|c| *c < 0.2));
        for m in 0..MINUTES_PER_DAY as u64 {
            assert_eq!(somnotech(7, m, feedback, false, true).continuity, 0.0);
        }
    }

    #[test]
    fn comfort_rises_after_a_risky_day() {
        let calm = somnotech(
            3,
            100,
            Feedback {
                risk: 0.05,
                dependence: 0.5,
            },
            true,
            true,
        );
        let risky = somnotech(
            3,
            100,
            Feedback {
                risk: 0.6,
                dependence: 0.5,
            },
            true,
            true,
        );
        assert!(risky.comfort > calm.comfort);
    }
}
