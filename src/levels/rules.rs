//! The numbers play is tuned with, as level files write them: how Juno's body moves
//! (`juno:` in the campaign file) and how a nightmare wears her down (`nightmare:` in a
//! dream file). Every field is optional; a missing one keeps the default shown in
//! `docs/modding.md`.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use super::check::Checks;
use crate::dream::{HazardKind, MovementLimits};

/// How Juno moves. In `main.campaign.ron`: `juno: (walk_speed: 7.0, coyote_time: 0.15)`.
#[derive(bevy::prelude::Resource, Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JunoTuning {
    /// Top walking speed, m/s.
    pub walk_speed: f32,
    /// Horizontal acceleration on the ground, m/s² (also how fast she stops: friction).
    pub ground_accel: f32,
    /// Horizontal acceleration in the air, m/s².
    pub air_accel: f32,
    /// Downward acceleration, m/s².
    pub gravity: f32,
    /// Upward speed at the start of a jump, m/s.
    pub jump_speed: f32,
    /// A jump still works this long after walking off an edge, seconds.
    pub coyote_time: f32,
    /// A jump pressed this long before landing still happens, seconds.
    pub jump_buffer: f32,
    /// Fastest fall, m/s.
    pub terminal_speed: f32,
    /// Steepest slope she walks up, degrees. Steeper ground she slides down.
    pub max_slope_degrees: f32,
    /// Ledges up to this height she steps up without jumping, metres.
    pub step_height: f32,
    /// How far behind her the camera follows, metres (nearer where something is in
    /// the way: it never goes through the ground or anything solid).
    pub camera_distance: f32,
    /// Height of the point the camera looks at, above her centre, metres.
    pub camera_height: f32,
    /// Radians the camera turns per pixel of mouse motion (times the look sensitivity
    /// setting).
    pub mouse_turn: f32,
    /// Radians per second the camera turns at full right stick.
    pub stick_turn: f32,
}

impl Default for JunoTuning {
    fn default() -> Self {
        let limits = MovementLimits::default();
        Self {
            walk_speed: 6.5,
            ground_accel: 45.0,
            air_accel: 14.0,
            gravity: 24.0,
            jump_speed: 9.0,
            coyote_time: 0.12,
            jump_buffer: 0.15,
            terminal_speed: 40.0,
            max_slope_degrees: limits.max_slope_angle().to_degrees(),
            step_height: limits.step_height,
            camera_distance: 7.0,
            camera_height: 0.8,
            mouse_turn: 0.0025,
            stick_turn: 2.6,
        }
    }
}

impl JunoTuning {
    /// What her body can climb, for the character controller.
    pub fn limits(&self) -> MovementLimits {
        MovementLimits {
            max_gradient: crate::portable::tan(self.max_slope_degrees.to_radians()),
            step_height: self.step_height,
            ..MovementLimits::default()
        }
    }

    /// How high a jump from level ground rises, metres.
    pub fn jump_height(&self) -> f32 {
        self.jump_speed * self.jump_speed / (2.0 * self.gravity)
    }

    pub(super) fn check(&self, c: &mut Checks, at: &str) {
        let numbers: [(&str, f32, RangeInclusive<f32>, &str); 14] = [
            ("walk_speed", self.walk_speed, 1.0..=30.0, " m/s"),
            ("ground_accel", self.ground_accel, 1.0..=500.0, " m/s²"),
            ("air_accel", self.air_accel, 0.0..=500.0, " m/s²"),
            ("gravity", self.gravity, 1.0..=100.0, " m/s²"),
            ("jump_speed", self.jump_speed, 0.0..=40.0, " m/s"),
            ("coyote_time", self.coyote_time, 0.0..=1.0, " s"),
            ("jump_buffer", self.jump_buffer, 0.0..=1.0, " s"),
            ("terminal_speed", self.terminal_speed, 1.0..=200.0, " m/s"),
            ("max_slope_degrees", self.max_slope_degrees, 0.0..=80.0, "°"),
            ("step_height", self.step_height, 0.0..=1.5, " m"),
            ("camera_distance", self.camera_distance, 1.0..=30.0, " m"),
            ("camera_height", self.camera_height, -1.0..=5.0, " m"),
            ("mouse_turn", self.mouse_turn, 0.0001..=0.05, " rad/pixel"),
            ("stick_turn", self.stick_turn, 0.1..=20.0, " rad/s"),
        ];
        for (field, value, range, unit) in numbers {
            c.number(format_args!("{at}.{field}"), value, range, unit);
        }
        // The generator promises every anchor and the core can be reached by a body
        // that climbs what the default one does: she may be more able, never less.
        let planned = MovementLimits::default();
        if self.max_slope_degrees < planned.max_slope_angle().to_degrees() - 0.01 {
            c.fail(
                format_args!("{at}.max_slope_degrees"),
                format!(
                    "expected at least {:.1}°: dreams are generated for a body that climbs that",
                    planned.max_slope_angle().to_degrees()
                ),
            );
        }
        if self.step_height < planned.step_height {
            c.fail(
                format_args!("{at}.step_height"),
                format!(
                    "expected at least {} m: dreams are generated for a body that steps that",
                    planned.step_height
                ),
            );
        }
        if self.gravity > 0.0 && self.jump_height() < planned.jump_height {
            c.fail(
                format_args!("{at}.jump_speed"),
                format!(
                    "a jump of {:.2} m; dreams are generated for jumps of {} m",
                    self.jump_height(),
                    planned.jump_height
                ),
            );
        }
    }
}

/// How a nightmare wears Juno down, and how each of its hazards behaves. In a dream
/// file: `nightmare: (lucidity_seconds: 200.0, watcher: (range: 30.0))`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NightmareRules {
    /// Time alone empties a full lucidity meter in this many seconds.
    pub lucidity_seconds: f32,
    /// Share of the meter a memory anchor gives back when first understood.
    pub anchor_refill: f32,
    /// Share of the meter an anchor understood in an earlier loop gives back when
    /// touched again (once a loop).
    pub lit_anchor_refill: f32,
    /// How much harder every hazard drains with each loop: 0.15 is 15% more each loop.
    pub growth_per_loop: f32,
    /// Loops a wrong word at the core skips ahead: the harsher loop.
    pub relapse_loops: u32,
    pub chaser: ChaserRules,
    pub mirror_copy: MirrorRules,
    pub dissolving_ground: DissolvingRules,
    pub rising_fog: RisingRules,
    pub rising_water: RisingRules,
    pub strings: StringRules,
    pub watcher: WatcherRules,
}

impl Default for NightmareRules {
    fn default() -> Self {
        Self {
            lucidity_seconds: 240.0,
            anchor_refill: 0.35,
            lit_anchor_refill: 0.15,
            growth_per_loop: 0.15,
            relapse_loops: 2,
            chaser: ChaserRules::default(),
            mirror_copy: MirrorRules::default(),
            dissolving_ground: DissolvingRules::default(),
            rising_fog: RisingRules::default(),
            rising_water: RisingRules {
                radius: 0.0,
                ..RisingRules::default()
            },
            strings: StringRules::default(),
            watcher: WatcherRules::default(),
        }
    }
}

/// Something that pursues Juno across the ground, around what it cannot climb.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChaserRules {
    /// It notices her within this distance, metres.
    pub sight: f32,
    /// Its speed, m/s (Juno walks at 6.5).
    pub speed: f32,
    /// Within this distance it drains her, metres.
    pub reach: f32,
    /// Lucidity per second while in reach, share of the meter.
    pub drain: f32,
}

impl Default for ChaserRules {
    fn default() -> Self {
        Self {
            sight: 28.0,
            speed: 4.2,
            reach: 2.2,
            drain: 0.16,
        }
    }
}

/// A copy that walks the path Juno walked, a few seconds late.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MirrorRules {
    /// It wakes when she comes this near its place, metres.
    pub wake: f32,
    /// How far behind her it walks, seconds.
    pub delay: f32,
    /// Within this distance of her it drains her, metres.
    pub reach: f32,
    /// Lucidity per second while in reach.
    pub drain: f32,
}

impl Default for MirrorRules {
    fn default() -> Self {
        Self {
            wake: 16.0,
            delay: 2.5,
            reach: 1.8,
            drain: 0.2,
        }
    }
}

/// A patch of ground that gives way while she stands on it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DissolvingRules {
    /// Radius of the patch, metres.
    pub radius: f32,
    /// Seconds standing on it before it gives way.
    pub holds_for: f32,
    /// Seconds it takes to form again once she has left.
    pub reforms_after: f32,
    /// Her speed on given-way ground, share of her walking speed.
    pub slow_to: f32,
    /// Lucidity per second on given-way ground.
    pub drain: f32,
}

impl Default for DissolvingRules {
    fn default() -> Self {
        Self {
            radius: 5.0,
            holds_for: 0.8,
            reforms_after: 4.0,
            slow_to: 0.45,
            drain: 0.14,
        }
    }
}

/// Fog (or water) of sleeplessness pooling around a place, rising through each loop and
/// higher every loop. Radius 0 floods the whole dream (rising water's default).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RisingRules {
    /// Radius of the pool, metres; 0 for the whole dream.
    pub radius: f32,
    /// Height above the ground at its place when a loop starts, metres.
    pub start: f32,
    /// How far it rises over one loop, metres.
    pub rise: f32,
    /// How much higher it starts each loop, metres.
    pub per_loop: f32,
    /// Lucidity per second while her head is under it.
    pub drain: f32,
}

impl Default for RisingRules {
    fn default() -> Self {
        Self {
            radius: 16.0,
            start: 0.5,
            rise: 3.0,
            per_loop: 0.6,
            drain: 0.12,
        }
    }
}

/// Strings from the dark that pull her towards their anchor point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StringRules {
    /// They catch her within this distance, metres.
    pub range: f32,
    /// How hard they pull, m/s.
    pub pull: f32,
    /// Lucidity per second while caught.
    pub drain: f32,
}

impl Default for StringRules {
    fn default() -> Self {
        Self {
            range: 9.0,
            pull: 3.4,
            drain: 0.05,
        }
    }
}

/// An eye whose line of sight wears her down; hills and walls break it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WatcherRules {
    /// How far it sees, metres.
    pub range: f32,
    /// Lucidity per second while it sees her.
    pub drain: f32,
}

impl Default for WatcherRules {
    fn default() -> Self {
        Self {
            range: 30.0,
            drain: 0.07,
        }
    }
}

/// The most a drain may be: a full meter in a quarter of a second.
const DRAIN: RangeInclusive<f32> = 0.0..=4.0;
const METRES: RangeInclusive<f32> = 0.0..=200.0;

impl NightmareRules {
    /// How strongly the fear bites in loop `loop_index` (1 on the first loop).
    pub fn growth(&self, loop_index: u32) -> f32 {
        1.0 + self.growth_per_loop * loop_index.min(50) as f32
    }

    /// Lucidity per second hazard `kind` drains at full contact, before growth.
    pub fn drain(&self, kind: HazardKind) -> f32 {
        match kind {
            HazardKind::Chaser => self.chaser.drain,
            HazardKind::MirrorCopy => self.mirror_copy.drain,
            HazardKind::DissolvingGround => self.dissolving_ground.drain,
            HazardKind::RisingFog => self.rising_fog.drain,
            HazardKind::RisingWater => self.rising_water.drain,
            HazardKind::Strings => self.strings.drain,
            HazardKind::Watcher => self.watcher.drain,
        }
    }

    pub(super) fn check(&self, c: &mut Checks) {
        let n = |c: &mut Checks, f: &str, v: f32, r: RangeInclusive<f32>, unit: &str| {
            c.number(format_args!("nightmare.{f}"), v, r, unit)
        };
        n(
            c,
            "lucidity_seconds",
            self.lucidity_seconds,
            10.0..=3600.0,
            " seconds",
        );
        n(c, "anchor_refill", self.anchor_refill, 0.0..=1.0, "");
        n(
            c,
            "lit_anchor_refill",
            self.lit_anchor_refill,
            0.0..=1.0,
            "",
        );
        n(c, "growth_per_loop", self.growth_per_loop, 0.0..=2.0, "");
        if !(1..=20).contains(&self.relapse_loops) {
            c.fail(
                "nightmare.relapse_loops",
                format!("expected 1 to 20 loops, found {}", self.relapse_loops),
            );
        }
        let ch = &self.chaser;
        n(c, "chaser.sight", ch.sight, METRES, " m");
        n(c, "chaser.speed", ch.speed, 0.0..=30.0, " m/s");
        n(c, "chaser.reach", ch.reach, 0.5..=20.0, " m");
        n(c, "chaser.drain", ch.drain, DRAIN, "");
        let m = &self.mirror_copy;
        n(c, "mirror_copy.wake", m.wake, METRES, " m");
        n(c, "mirror_copy.delay", m.delay, 0.2..=20.0, " s");
        n(c, "mirror_copy.reach", m.reach, 0.5..=20.0, " m");
        n(c, "mirror_copy.drain", m.drain, DRAIN, "");
        let d = &self.dissolving_ground;
        n(c, "dissolving_ground.radius", d.radius, 1.0..=40.0, " m");
        n(
            c,
            "dissolving_ground.holds_for",
            d.holds_for,
            0.0..=30.0,
            " s",
        );
        n(
            c,
            "dissolving_ground.reforms_after",
            d.reforms_after,
            0.0..=120.0,
            " s",
        );
        n(c, "dissolving_ground.slow_to", d.slow_to, 0.1..=1.0, "");
        n(c, "dissolving_ground.drain", d.drain, DRAIN, "");
        for (name, r) in [
            ("rising_fog", &self.rising_fog),
            ("rising_water", &self.rising_water),
        ] {
            n(c, &format!("{name}.radius"), r.radius, METRES, " m");
            n(c, &format!("{name}.start"), r.start, -50.0..=50.0, " m");
            n(c, &format!("{name}.rise"), r.rise, 0.0..=50.0, " m");
            n(c, &format!("{name}.per_loop"), r.per_loop, 0.0..=20.0, " m");
            n(c, &format!("{name}.drain"), r.drain, DRAIN, "");
        }
        let s = &self.strings;
        n(c, "strings.range", s.range, 0.5..=60.0, " m");
        n(c, "strings.pull", s.pull, 0.0..=6.0, " m/s");
        n(c, "strings.drain", s.drain, DRAIN, "");
        let w = &self.watcher;
        n(c, "watcher.range", w.range, METRES, " m");
        n(c, "watcher.drain", w.drain, DRAIN, "");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_body_climbs_what_the_generator_plans_for() {
        let tuning = JunoTuning::default();
        let mut c = Checks::new("main.campaign.ron");
        tuning.check(&mut c, "juno");
        assert!(c.into_errors().is_empty());
        let limits = tuning.limits();
        let planned = MovementLimits::default();
        assert!((limits.max_gradient - planned.max_gradient).abs() < 1e-4);
        assert!(tuning.jump_height() >= planned.jump_height);
    }

    #[test]
    fn a_weaker_body_or_wild_numbers_are_refused_by_name() {
        let weak = JunoTuning {
            max_slope_degrees: 30.0,
            jump_speed: 5.0,
            walk_speed: f32::NAN,
            ..JunoTuning::default()
        };
        let mut c = Checks::new("main.campaign.ron");
        weak.check(&mut c, "juno");
        let errors: Vec<String> = c.into_errors().iter().map(ToString::to_string).collect();
        let joined = errors.join("\n");
        for field in [
            "juno.walk_speed",
            "juno.max_slope_degrees",
            "juno.jump_speed",
        ] {
            assert!(joined.contains(field), "{field} missing from:\n{joined}");
        }
        let rules = NightmareRules {
            relapse_loops: 0,
            watcher: WatcherRules {
                drain: 9.0,
                ..WatcherRules::default()
            },
            ..NightmareRules::default()
        };
        let mut c = Checks::new("x.dream.ron");
        rules.check(&mut c);
        let joined: Vec<String> = c.into_errors().iter().map(ToString::to_string).collect();
        let joined = joined.join("\n");
        assert!(joined.contains("nightmare.relapse_loops"), "{joined}");
        assert!(joined.contains("nightmare.watcher.drain"), "{joined}");
    }

    #[test]
    fn the_fear_grows_each_loop() {
        let rules = NightmareRules::default();
        assert_eq!(rules.growth(0), 1.0);
        assert!(rules.growth(3) > rules.growth(2));
    }
}
