//! Sounds made from numbers. The game ships no audio files: a dream's drone, an anchor's
//! chime and a loop's collapse are sums of sine partials with a little filtered noise,
//! computed as they play. Nothing here touches the ECS; `audio/mod.rs` plays them.

use std::time::Duration;

use bevy::audio::{ChannelCount, Decodable, SampleRate, Source};
use bevy::prelude::*;

/// Samples per second of every synthesised sound.
pub const SAMPLE_RATE: u32 = 44_100;

/// One sine component of a sound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Partial {
    /// Hertz at the start.
    pub frequency: f32,
    /// Relative loudness; the sound is normalised by the sum of all partials.
    pub amplitude: f32,
    /// How fast it dies away: the amplitude falls by `e` every `1 / decay` seconds. 0 holds.
    pub decay: f32,
    /// Seconds into the sound (into each repeat of a phrase) it starts; silent before.
    pub start: f32,
}

impl Partial {
    const fn new(frequency: f32, amplitude: f32, decay: f32) -> Self {
        Self {
            frequency,
            amplitude,
            decay,
            start: 0.0,
        }
    }

    /// The same partial, starting `start` seconds in.
    const fn at(self, start: f32) -> Self {
        Self { start, ..self }
    }
}

/// Seconds a partial that starts late takes to sound fully (no click).
const NOTE_ATTACK: f32 = 0.006;

/// A note of a phrase: a soft bell-piano tone (fundamental, octave, twelfth, dying away
/// at their own pace), `start` seconds in, `loud` of full.
fn note(frequency: f32, start: f32, loud: f32, ring: f32) -> [Partial; 3] {
    [
        Partial::new(frequency, loud, 1.0 / ring).at(start),
        Partial::new(frequency * 2.0, loud * 0.3, 2.2 / ring).at(start),
        Partial::new(frequency * 3.0, loud * 0.1, 4.0 / ring).at(start),
    ]
}

/// The frequency of `semitones` above A3 (220 Hz).
fn pitch(semitones: i32) -> f32 {
    220.0 * 2f32.powf(semitones as f32 / 12.0)
}

/// What a foot meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ground {
    /// The dream's earth.
    Soft,
    /// A prop's top, a stair.
    Hard,
    /// Shallow water.
    Wet,
}

/// A sound to synthesise: what `AudioPlayer<Synth>` plays.
#[derive(Asset, TypePath, Debug, Clone, PartialEq)]
pub struct Synth {
    pub partials: Vec<Partial>,
    /// Loudness of low-passed noise (breath, wind), relative to the partials.
    pub noise: f32,
    /// Seconds; `None` plays until it is stopped.
    pub length: Option<f32>,
    /// Seconds to fade in (no click at the start).
    pub attack: f32,
    /// Seconds to fade out before `length` ends (no click at the end).
    pub release: f32,
    /// A slow swell of the whole sound: cycles per second and depth (0..1).
    pub tremolo: (f32, f32),
    /// Every pitch is multiplied by this each second: below 1 falls, 1 holds.
    pub glide: f32,
    /// Seed of the noise.
    pub seed: u32,
    /// A phrase that plays over and over: every this many seconds the partials start
    /// again (at their `start`s). `None`: once.
    pub repeat: Option<f32>,
}

impl Synth {
    /// The most the partials can sum to at any moment: all of them for a sound whose
    /// partials start together; for a phrase, the loudest moment of its notes (each
    /// counted at what is left of it then).
    fn loudest(&self) -> f32 {
        let starts: Vec<f32> = self.partials.iter().map(|p| p.start).collect();
        starts
            .iter()
            .map(|&at| {
                self.partials
                    .iter()
                    .filter(|p| p.start <= at)
                    .map(|p| p.amplitude * (-p.decay * (at - p.start)).exp())
                    .sum::<f32>()
            })
            .fold(0.0, f32::max)
    }

    /// A dream's drone: a root, its fifth and a slightly detuned octave that beats, with
    /// breath under it. `unease` (0..1, the loop's hostility) detunes it, speeds its swell
    /// and thickens the breath: the fear is heard growing.
    pub fn drone(root: f32, unease: f32, seed: u32) -> Self {
        let unease = unease.clamp(0.0, 1.0);
        Self {
            partials: vec![
                Partial::new(root, 1.0, 0.0),
                Partial::new(root * 1.5, 0.45, 0.0),
                Partial::new(root * 2.0 * (1.0 + 0.002 + 0.012 * unease), 0.35, 0.0),
                Partial::new(
                    root * 3.0 * (1.0 - 0.006 * unease),
                    0.12 + 0.1 * unease,
                    0.0,
                ),
            ],
            noise: 0.12 + 0.3 * unease,
            length: None,
            attack: 2.5,
            release: 0.0,
            tremolo: (0.07 + 0.2 * unease, 0.25 + 0.3 * unease),
            glide: 1.0,
            seed,
            repeat: None,
        }
    }

    /// A memory anchor taken: a bell (inharmonic partials that die away at their own pace).
    pub fn chime(pitch: f32) -> Self {
        Self {
            partials: vec![
                Partial::new(pitch, 1.0, 1.6),
                Partial::new(pitch * 2.76, 0.5, 3.0),
                Partial::new(pitch * 5.4, 0.25, 6.0),
                Partial::new(pitch * 1.5, 0.3, 2.2),
            ],
            noise: 0.0,
            length: Some(2.6),
            attack: 0.004,
            release: 0.4,
            tremolo: (0.0, 0.0),
            glide: 1.0,
            seed: 0,
            repeat: None,
        }
    }

    /// The loop collapsing: a falling chord swallowed by rushing noise.
    pub fn collapse() -> Self {
        Self {
            partials: vec![
                Partial::new(220.0, 1.0, 0.6),
                Partial::new(233.1, 0.7, 0.6),
                Partial::new(330.0, 0.5, 0.9),
            ],
            noise: 0.9,
            length: Some(1.8),
            attack: 0.05,
            release: 0.9,
            tremolo: (0.0, 0.0),
            glide: 0.3,
            seed: 7,
            repeat: None,
        }
    }

    /// A hazard wearing Juno down: a low, muffled heartbeat thud.
    pub fn hurt() -> Self {
        Self {
            partials: vec![Partial::new(62.0, 1.0, 7.0), Partial::new(93.0, 0.4, 9.0)],
            noise: 0.25,
            length: Some(0.45),
            attack: 0.005,
            release: 0.2,
            tremolo: (0.0, 0.0),
            glide: 0.8,
            seed: 11,
            repeat: None,
        }
    }

    /// A chord of bells, rising (the way to the core opening) or long and bright (the
    /// dreamer freed).
    pub fn chord(root: f32, length: f32) -> Self {
        Self {
            partials: [1.0, 1.26, 1.5, 2.0]
                .iter()
                .enumerate()
                .map(|(i, ratio)| {
                    Partial::new(root * ratio, 1.0 - 0.15 * i as f32, 0.6 + 0.3 * i as f32)
                })
                .collect(),
            noise: 0.0,
            length: Some(length),
            attack: 0.08,
            release: length * 0.4,
            tremolo: (0.1, 3.0),
            glide: 1.0,
            seed: 0,
            repeat: None,
        }
    }

    /// The game's theme, for the title: a slow lullaby in A minor that never quite
    /// resolves, a bell-piano over long low notes, 24 s a phrase, over and over.
    pub fn theme() -> Self {
        // (semitones above A3, beat), a beat every 1.5 s.
        const MELODY: [(i32, f32); 14] = [
            (12, 0.0),
            (10, 1.0),
            (7, 2.0),
            (8, 3.0),
            (7, 4.5),
            (3, 5.5),
            (5, 6.0),
            (12, 8.0),
            (10, 9.0),
            (7, 10.0),
            (15, 11.0),
            (14, 12.5),
            (10, 13.5),
            (7, 14.0),
        ];
        // The low notes under it: A, F, C, E — the last one left open.
        const BASS: [(i32, f32); 4] = [(-12, 0.0), (-16, 4.0), (-9, 8.0), (-17, 12.0)];
        let beat = 1.5;
        let mut partials: Vec<Partial> = MELODY
            .iter()
            .flat_map(|&(step, at)| note(pitch(step), at * beat, 0.55, 2.4))
            .collect();
        partials.extend(
            BASS.iter()
                .flat_map(|&(step, at)| note(pitch(step), at * beat, 0.7, 5.0)),
        );
        Self {
            partials,
            noise: 0.0,
            length: None,
            attack: 1.5,
            release: 0.0,
            tremolo: (0.0, 0.0),
            glide: 1.0,
            seed: 0,
            repeat: Some(16.0 * beat),
        }
    }

    /// The network's hum in the control room: mains and its harmonics under a breath of
    /// fans. `unease` (0 to 1, after the overload) detunes it into a beating growl.
    pub fn hum(unease: f32) -> Self {
        let unease = unease.clamp(0.0, 1.0);
        Self {
            partials: vec![
                Partial::new(50.0, 1.0, 0.0),
                Partial::new(100.0 * (1.0 + 0.01 * unease), 0.5, 0.0),
                Partial::new(150.0, 0.25 + 0.2 * unease, 0.0),
                Partial::new(200.0 * (1.0 - 0.015 * unease), 0.12 * unease, 0.0),
            ],
            noise: 0.35,
            length: None,
            attack: 2.0,
            release: 0.0,
            tremolo: (0.05 + 0.6 * unease, 0.15 + 0.25 * unease),
            glide: 1.0,
            seed: 23,
            repeat: None,
        }
    }

    /// The overload's alarm: a falling two-tone, twice a second and a bit, for
    /// `seconds`.
    pub fn alarm(seconds: f32) -> Self {
        Self {
            partials: vec![
                Partial::new(880.0, 1.0, 5.0),
                Partial::new(1760.0, 0.25, 8.0),
                Partial::new(660.0, 1.0, 5.0).at(0.45),
                Partial::new(1320.0, 0.25, 8.0).at(0.45),
            ],
            noise: 0.0,
            length: Some(seconds),
            attack: 0.01,
            release: 0.5,
            tremolo: (0.0, 0.0),
            glide: 1.0,
            seed: 0,
            repeat: Some(0.9),
        }
    }

    /// A message arriving: two soft notes, a fourth apart.
    pub fn message() -> Self {
        let mut partials = note(pitch(7), 0.0, 0.6, 0.6).to_vec();
        partials.extend(note(pitch(12), 0.16, 0.6, 0.8));
        Self {
            partials,
            noise: 0.0,
            length: Some(1.4),
            attack: 0.003,
            release: 0.3,
            tremolo: (0.0, 0.0),
            glide: 1.0,
            seed: 0,
            repeat: None,
        }
    }

    /// A footstep on `ground`: a short thump, a click on something hard, a splash.
    pub fn step(ground: Ground, seed: u32) -> Self {
        let (partials, noise, length) = match ground {
            Ground::Soft => (vec![Partial::new(70.0, 1.0, 30.0)], 0.6, 0.14),
            Ground::Hard => (
                vec![
                    Partial::new(140.0, 0.8, 40.0),
                    Partial::new(1900.0, 0.25, 90.0),
                ],
                0.5,
                0.1,
            ),
            Ground::Wet => (vec![Partial::new(90.0, 0.3, 20.0)], 1.0, 0.3),
        };
        Self {
            partials,
            noise,
            length: Some(length),
            attack: 0.002,
            release: length * 0.6,
            tremolo: (0.0, 0.0),
            glide: 0.7,
            seed,
            repeat: None,
        }
    }

    /// The samples, computed as they are asked for.
    pub fn samples(&self) -> SynthSamples {
        let total_amplitude = self.loudest() + self.noise;
        SynthSamples {
            synth: self.clone(),
            phases: vec![0.0; self.partials.len()],
            index: 0,
            end: self
                .length
                .map(|s| (s.max(0.0) * SAMPLE_RATE as f32).round() as u64),
            // Headroom: the partials' peaks rarely meet, but they may.
            gain: 0.9 / total_amplitude.max(1e-6),
            noise_state: self.seed.wrapping_mul(2_654_435_761) | 1,
            noise_low: 0.0,
        }
    }
}

/// The sample stream of a [`Synth`]: mono, [`SAMPLE_RATE`], within -1..=1.
#[derive(Debug, Clone)]
pub struct SynthSamples {
    synth: Synth,
    /// Each partial's phase, in cycles (0..1).
    phases: Vec<f64>,
    index: u64,
    end: Option<u64>,
    gain: f32,
    noise_state: u32,
    noise_low: f32,
}

impl SynthSamples {
    /// 0..=1: fade in over `attack`, out over the last `release` seconds.
    fn envelope(&self, t: f32) -> f32 {
        let s = &self.synth;
        let mut e = if s.attack > 0.0 {
            (t / s.attack).min(1.0)
        } else {
            1.0
        };
        if let Some(length) = s.length
            && s.release > 0.0
        {
            e *= ((length - t) / s.release).clamp(0.0, 1.0);
        }
        e
    }

    /// White noise through a one-pole low-pass (about 300 Hz): breath, not hiss.
    fn breath(&mut self) -> f32 {
        let mut x = self.noise_state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.noise_state = x;
        let white = (x as f32 / u32::MAX as f32) * 2.0 - 1.0;
        self.noise_low += 0.04 * (white - self.noise_low);
        // The filter takes most of the energy: bring it back to about the partials' level.
        self.noise_low * 4.0
    }
}

impl Iterator for SynthSamples {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        if self.end.is_some_and(|end| self.index >= end) {
            return None;
        }
        let t = self.index as f32 / SAMPLE_RATE as f32;
        let pitch = self.synth.glide.powf(t);
        // Within the phrase, for a repeating one.
        let within = self.synth.repeat.map_or(t, |period| t % period);
        let mut value = 0.0;
        let staggered = self.synth.repeat.is_some();
        for (partial, phase) in self.synth.partials.iter().zip(&mut self.phases) {
            let since = within - partial.start;
            let sounding = |since: f32| {
                if since < 0.0 {
                    return 0.0;
                }
                let onset = if partial.start > 0.0 || staggered {
                    (since / NOTE_ATTACK).min(1.0)
                } else {
                    1.0
                };
                onset * (-partial.decay * since).exp()
            };
            // A phrase's note still ringing from the last time round rings on.
            let tail = match self.synth.repeat {
                Some(period) if t >= period => sounding(since + period),
                _ => 0.0,
            };
            let amplitude = partial.amplitude * (sounding(since) + tail);
            value += amplitude * (std::f64::consts::TAU * *phase).sin() as f32;
            *phase =
                (*phase + f64::from(partial.frequency * pitch) / f64::from(SAMPLE_RATE)).fract();
        }
        if self.synth.noise > 0.0 {
            value += self.synth.noise * self.breath();
        }
        let (rate, depth) = self.synth.tremolo;
        let swell = 1.0 - depth * 0.5 * (1.0 - (std::f32::consts::TAU * rate * t).cos());
        self.index += 1;
        Some((value * self.gain * swell * self.envelope(t)).clamp(-1.0, 1.0))
    }
}

impl Source for SynthSamples {
    fn current_span_len(&self) -> Option<usize> {
        None
    }

    fn channels(&self) -> ChannelCount {
        ChannelCount::MIN
    }

    fn sample_rate(&self) -> SampleRate {
        SampleRate::new(SAMPLE_RATE).expect("a constant above zero")
    }

    fn total_duration(&self) -> Option<Duration> {
        self.synth.length.map(Duration::from_secs_f32)
    }
}

impl Decodable for Synth {
    type Decoder = SynthSamples;

    fn decoder(&self) -> SynthSamples {
        self.samples()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rms(samples: &[f32]) -> f32 {
        (samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32).sqrt()
    }

    #[test]
    fn finite_sounds_end_on_time_and_without_clicks() {
        for synth in [
            Synth::chime(660.0),
            Synth::collapse(),
            Synth::hurt(),
            Synth::chord(392.0, 2.4),
        ] {
            let samples: Vec<f32> = synth.samples().collect();
            let expected = (synth.length.unwrap() * SAMPLE_RATE as f32).round() as usize;
            assert_eq!(samples.len(), expected);
            assert!(samples.iter().all(|s| (-1.0..=1.0).contains(s)));
            // Fades at both ends: no step from or to silence.
            assert!(samples[0].abs() < 0.01, "first sample {}", samples[0]);
            assert!(samples[expected - 1].abs() < 0.01);
            let half_second = (SAMPLE_RATE as usize / 2).min(expected);
            assert!(rms(&samples[..half_second]) > 0.05, "audible");
        }
    }

    #[test]
    fn a_drone_never_ends_and_grows_uneasy() {
        let calm: Vec<f32> = Synth::drone(55.0, 0.0, 1)
            .samples()
            .take(44_100 * 4)
            .collect();
        let uneasy: Vec<f32> = Synth::drone(55.0, 1.0, 1)
            .samples()
            .take(44_100 * 4)
            .collect();
        assert_eq!(calm.len(), 44_100 * 4, "it keeps playing");
        assert!(calm.iter().chain(&uneasy).all(|s| (-1.0..=1.0).contains(s)));
        assert!(calm[0].abs() < 1e-3, "fades in");
        assert!(rms(&calm[44_100 * 3..]) > 0.05);
        // Unease is in the sound: the two streams differ sample by sample.
        let differing = calm
            .iter()
            .zip(&uneasy)
            .filter(|(a, b)| (*a - *b).abs() > 0.01);
        assert!(differing.count() > 44_100);
        assert_eq!(
            Synth::drone(55.0, 0.3, 9)
                .samples()
                .take(10_000)
                .collect::<Vec<_>>(),
            Synth::drone(55.0, 0.3, 9)
                .samples()
                .take(10_000)
                .collect::<Vec<_>>(),
            "the same sound every time"
        );
    }

    #[test]
    fn the_collapse_falls_in_pitch() {
        // Count zero crossings of the tone (no noise) early and late: a fall halves them.
        let synth = Synth {
            noise: 0.0,
            ..Synth::collapse()
        };
        let samples: Vec<f32> = synth.samples().collect();
        let crossings = |s: &[f32]| {
            s.windows(2)
                .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
                .count()
        };
        let quarter = samples.len() / 4;
        let early = crossings(&samples[..quarter]);
        let late = crossings(&samples[3 * quarter..]);
        assert!(late * 2 < early, "early {early} crossings, late {late}");
    }

    #[test]
    fn the_theme_plays_on_and_its_phrase_comes_round_again() {
        let theme = Synth::theme();
        assert_eq!(theme.length, None, "the theme does not end");
        let period = theme.repeat.expect("a phrase that repeats");
        let rate = SAMPLE_RATE as f32;
        let samples: Vec<f32> = theme
            .samples()
            .take(((period * 2.0 + 1.0) * rate) as usize)
            .collect();
        assert!(samples.iter().all(|s| s.abs() <= 1.0));
        // A second of the first phrase and the same second of the next: the notes come
        // round again (as loud), though the phases differ.
        let second =
            |from: f32| rms(&samples[(from * rate) as usize..((from + 1.0) * rate) as usize]);
        let (first, again) = (second(3.0), second(period + 3.0));
        assert!(first > 0.05, "the theme is heard: {first}");
        assert!((first - again).abs() < first * 0.35, "{first} then {again}");
        // No click where the phrase comes round: the notes still ringing ring on.
        let wrap = (period * rate) as usize;
        let step = (samples[wrap] - samples[wrap - 1]).abs();
        let typical = samples[wrap - 200..wrap - 1]
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0, f32::max);
        assert!(
            step <= typical * 1.5 + 1e-3,
            "a jump of {step} at the repeat (typical {typical})"
        );
    }

    #[test]
    fn the_alarm_sounds_two_tones_in_turn_and_ends() {
        let alarm = Synth::alarm(3.0);
        let samples: Vec<f32> = alarm.samples().collect();
        assert_eq!(samples.len(), 3 * SAMPLE_RATE as usize);
        let rate = SAMPLE_RATE as f32;
        let crossings = |from: f32, to: f32| {
            samples[(from * rate) as usize..(to * rate) as usize]
                .windows(2)
                .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
                .count()
        };
        // The high tone first, the low one after it, in each repeat.
        assert!(crossings(0.9, 1.0) > crossings(1.36, 1.46) + 20);
        assert!(crossings(1.8, 1.9) > crossings(2.26, 2.36) + 20);
    }

    #[test]
    fn steps_are_short_and_differ_by_ground() {
        let mut heard = Vec::new();
        for ground in [Ground::Soft, Ground::Hard, Ground::Wet] {
            let step = Synth::step(ground, 1);
            assert!(step.length.is_some_and(|l| l < 0.5), "{ground:?}");
            heard.push(step.samples().take(2_000).collect::<Vec<_>>());
        }
        assert_ne!(heard[0], heard[1]);
        assert_ne!(heard[1], heard[2]);
    }
}
