//! What each hazard does, as plain functions of positions, ground and numbers: no ECS,
//! so each is unit-tested on its own. The systems in `mod.rs` feed them the world.

use std::collections::VecDeque;

use bevy::math::{Vec2, Vec3, Vec3Swizzles};

use crate::levels::{DissolvingRules, RisingRules, StringRules};

/// How far ahead a chaser looks at the ground before stepping, metres.
const CHASER_PROBE: f32 = 1.5;
/// Headings a chaser tries, as turns away from the straight line to its target
/// towards the side it keeps to, radians: straight first, then ever wider.
const CHASER_TURNS: [f32; 6] = [0.0, 0.45, 0.9, 1.4, 2.0, 2.6];

/// How a chaser steers: the ground it can climb, and the side it keeps to when
/// something is in its way (it follows a cliff round instead of dithering at it).
#[derive(Debug, Clone, Copy)]
pub struct Steering {
    /// Rise per metre it can climb.
    pub max_gradient: f32,
    /// Water it will not enter.
    pub water: Option<f32>,
    /// +1 or -1: which way it turns first.
    pub side: f32,
}

/// One step of a chaser at `at` (feet on the ground) towards `target`: along the most
/// direct heading whose ground ahead it can climb and that is not under water, turning
/// to its side first. It stops `stop_at` metres short. Returns its new feet.
pub fn chase_step(
    at: Vec3,
    target: Vec3,
    speed: f32,
    dt: f32,
    stop_at: f32,
    steering: &mut Steering,
    ground: impl Fn(Vec2) -> f32,
) -> Vec3 {
    let to = target.xz() - at.xz();
    let distance = to.length();
    if distance <= stop_at || distance < 1e-4 {
        return at;
    }
    let straight = to / distance;
    let here = ground(at.xz());
    let stride = (speed * dt).min(distance - stop_at);
    let side = if steering.side < 0.0 { -1.0 } else { 1.0 };
    let turns = CHASER_TURNS
        .iter()
        .map(|t| t * side)
        .chain(CHASER_TURNS[1..].iter().map(|t| -t * side));
    for turn in turns {
        let heading = crate::portable::unit_at(turn).rotate(straight);
        // The ground all the way to the probe, not only at its end: no corner is cut.
        let passable = [stride.max(0.05), 0.5, 1.0, CHASER_PROBE]
            .iter()
            .all(|&ahead| {
                let there = ground(at.xz() + heading * ahead);
                let climbable = (there - here) / ahead <= steering.max_gradient;
                let dry = steering.water.is_none_or(|w| there > w + 0.2);
                climbable && dry
            });
        if passable {
            if turn * side < 0.0 {
                steering.side = -side;
            }
            let next = at.xz() + heading * stride;
            return Vec3::new(next.x, ground(next), next.y);
        }
    }
    // Walled in on every side: it waits.
    at
}

/// Whether an eye at `eye` sees a point `target` within `range`: nothing of the ground
/// rises into the line between them.
pub fn sees(eye: Vec3, target: Vec3, range: f32, ground: impl Fn(Vec2) -> f32) -> bool {
    let line = target - eye;
    let length = line.length();
    if length > range {
        return false;
    }
    let steps = (length / 0.5).ceil().max(1.0) as usize;
    // The last half metre is where she stands: her own ground does not hide her.
    (1..steps).all(|k| {
        let p = eye + line * (k as f32 / steps as f32);
        ground(p.xz()) < p.y - 0.05
    })
}

/// Juno's recent path, one point per tick, for copies that walk it late.
#[derive(Debug, Clone, Default)]
pub struct Trail {
    points: VecDeque<Vec3>,
}

impl Trail {
    /// The most ticks remembered: 20 s at 60 Hz, the longest copy delay allowed.
    pub const LONGEST: usize = 1200;

    /// Adds where she is now.
    pub fn push(&mut self, at: Vec3) {
        if self.points.len() == Self::LONGEST {
            self.points.pop_front();
        }
        self.points.push_back(at);
    }

    /// Where she was `ticks` ticks ago (the oldest point if the trail is shorter).
    pub fn ago(&self, ticks: usize) -> Option<Vec3> {
        let n = self.points.len();
        if n == 0 {
            return None;
        }
        Some(self.points[n - 1 - ticks.min(n - 1)])
    }

    /// Forgets the path (a new loop).
    pub fn clear(&mut self) {
        self.points.clear();
    }
}

/// One step of a mirror copy at `at` towards the point of her trail it follows, no
/// faster than `max_speed`, never further than `leash` from its `home`.
pub fn mirror_step(
    at: Vec3,
    follow: Vec3,
    home: Vec3,
    leash: f32,
    max_speed: f32,
    dt: f32,
) -> Vec3 {
    let mut wanted = follow;
    let out = wanted.xz() - home.xz();
    if out.length() > leash {
        let edge = home.xz() + out.normalize() * leash;
        wanted = Vec3::new(edge.x, wanted.y, edge.y);
    }
    let step = wanted - at;
    let most = max_speed * dt;
    if step.length() <= most {
        wanted
    } else {
        at + step.normalize() * most
    }
}

/// A patch of dissolving ground: how long she has stood on it, whether it has given way,
/// how long since she left.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Dissolving {
    pub stood_for: f32,
    pub given_way: bool,
    pub away_for: f32,
}

impl Dissolving {
    /// Advances `dt` seconds with Juno on the patch or not. Returns whether it is
    /// given way under her now.
    pub fn step(&mut self, on_it: bool, dt: f32, rules: &DissolvingRules) -> bool {
        if on_it {
            self.away_for = 0.0;
            self.stood_for += dt;
            if self.stood_for >= rules.holds_for {
                self.given_way = true;
            }
        } else {
            self.stood_for = 0.0;
            self.away_for += dt;
            if self.given_way && self.away_for >= rules.reforms_after {
                self.given_way = false;
            }
        }
        on_it && self.given_way
    }

    /// How far gone it looks, 0 (whole) to 1 (given way).
    pub fn wear(&self, rules: &DissolvingRules) -> f32 {
        if self.given_way {
            1.0
        } else if rules.holds_for <= 0.0 {
            0.0
        } else {
            (self.stood_for / rules.holds_for).clamp(0.0, 1.0)
        }
    }
}

/// Height of a rising pool `fraction` (0 to 1) of the way through loop `loop_index`,
/// over ground at `base`.
pub fn rising_level(base: f32, rules: &RisingRules, loop_index: u32, fraction: f32) -> f32 {
    base + rules.start
        + rules.per_loop * loop_index.min(50) as f32
        + rules.rise * fraction.clamp(0.0, 1.0)
}

/// Whether a head at `head` is under a pool at `level` centred at `home` (radius 0: the
/// whole dream).
pub fn under(head: Vec3, level: f32, home: Vec3, radius: f32) -> bool {
    head.y < level && (radius <= 0.0 || head.xz().distance(home.xz()) <= radius)
}

/// The strings' pull on Juno at `at`: towards their `home`, strongest at the edge of
/// their reach (they tighten as she strains away), m/s; zero out of reach and right
/// under them.
pub fn string_pull(at: Vec3, home: Vec3, rules: &StringRules) -> Vec3 {
    let out = home.xz() - at.xz();
    let d = out.length();
    if d > rules.range || d < 0.75 {
        return Vec3::ZERO;
    }
    let strength = rules.pull * (d / rules.range).sqrt();
    let dir = out / d;
    Vec3::new(dir.x, 0.0, dir.y) * strength
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A wall 20 m high along x = 5, from z = -10 to 10; flat elsewhere.
    fn walled(p: Vec2) -> f32 {
        if (4.0..6.0).contains(&p.x) && p.y.abs() < 10.0 {
            20.0
        } else {
            0.0
        }
    }

    #[test]
    fn a_chaser_goes_around_a_cliff_not_through_it() {
        let mut at = Vec3::ZERO;
        let target = Vec3::new(12.0, 0.0, 0.0);
        let mut steering = Steering {
            max_gradient: 1.2,
            water: None,
            side: 1.0,
        };
        let mut steps = 0;
        while at.xz().distance(target.xz()) > 2.5 && steps < 2000 {
            at = chase_step(at, target, 4.0, 1.0 / 60.0, 2.0, &mut steering, walled);
            assert!(
                !((4.0..6.0).contains(&at.x) && at.z.abs() < 10.0),
                "walked into the cliff at {at}"
            );
            steps += 1;
        }
        assert!(at.xz().distance(target.xz()) <= 2.5, "never arrived: {at}");
        assert!(steps < 2000);
    }

    #[test]
    fn a_chaser_keeps_out_of_water_and_stops_short() {
        let at = Vec3::ZERO;
        // Everything ahead is a basin under water at 0.
        let basin = |p: Vec2| if p.x > 0.5 { -3.0 } else { 1.0 };
        let mut steering = Steering {
            max_gradient: 1.2,
            water: Some(0.0),
            side: 1.0,
        };
        let next = chase_step(
            Vec3::new(0.0, 1.0, 0.0),
            Vec3::new(10.0, 0.0, 0.0),
            4.0,
            0.1,
            1.0,
            &mut steering,
            basin,
        );
        assert!(next.x <= 0.5 + 1e-3, "waded in: {next}");
        let close = chase_step(
            at,
            Vec3::new(1.0, 0.0, 0.0),
            4.0,
            0.1,
            2.0,
            &mut steering,
            |_| 0.0,
        );
        assert_eq!(close, at, "within its stopping distance it stands");
    }

    #[test]
    fn a_hill_hides_juno_from_a_watcher() {
        let eye = Vec3::new(0.0, 3.0, 0.0);
        let juno = Vec3::new(20.0, 1.5, 0.0);
        assert!(sees(eye, juno, 30.0, |_| 0.0));
        let hill = |p: Vec2| if (9.0..11.0).contains(&p.x) { 6.0 } else { 0.0 };
        assert!(!sees(eye, juno, 30.0, hill));
        assert!(!sees(eye, juno, 15.0, |_| 0.0), "out of range");
    }

    #[test]
    fn a_copy_walks_her_path_late_and_keeps_to_its_ground() {
        let mut trail = Trail::default();
        for i in 0..200 {
            trail.push(Vec3::new(i as f32 * 0.1, 0.0, 0.0));
        }
        assert_eq!(trail.ago(0), Some(Vec3::new(19.9, 0.0, 0.0)));
        let late = trail.ago(150).expect("trail");
        assert!((late.x - 4.9).abs() < 1e-4);
        assert_eq!(
            trail.ago(10_000),
            Some(Vec3::ZERO),
            "shorter trail: its start"
        );
        let home = Vec3::ZERO;
        let mut at = home;
        for _ in 0..600 {
            at = mirror_step(at, Vec3::new(50.0, 0.0, 0.0), home, 10.0, 8.0, 1.0 / 60.0);
        }
        assert!((at.x - 10.0).abs() < 1e-3, "held at its leash: {at}");
        let one = mirror_step(home, Vec3::new(5.0, 0.0, 0.0), home, 10.0, 6.0, 0.1);
        assert!(
            (one.x - 0.6).abs() < 1e-4,
            "no faster than its speed: {one}"
        );
        for _ in 0..2000 {
            trail.push(Vec3::ONE);
        }
        assert_eq!(trail.ago(Trail::LONGEST + 5), Some(Vec3::ONE), "bounded");
    }

    #[test]
    fn ground_gives_way_after_standing_and_forms_again_after_leaving() {
        let rules = DissolvingRules::default();
        let mut patch = Dissolving::default();
        let dt = 0.1;
        let mut ticks = 0;
        while !patch.step(true, dt, &rules) {
            ticks += 1;
            assert!(ticks < 100);
        }
        assert!((ticks as f32 * dt - rules.holds_for).abs() < 0.15);
        assert_eq!(patch.wear(&rules), 1.0);
        assert!(
            !patch.step(false, dt, &rules),
            "off the patch nothing hurts"
        );
        let mut away = dt;
        while patch.given_way {
            patch.step(false, dt, &rules);
            away += dt;
        }
        assert!(
            (away - rules.reforms_after).abs() < 0.15,
            "reformed after {away}"
        );
        assert_eq!(patch.wear(&rules), 0.0);
    }

    #[test]
    fn pools_rise_through_a_loop_and_start_higher_each_loop() {
        let rules = RisingRules::default();
        let start = rising_level(10.0, &rules, 0, 0.0);
        let end = rising_level(10.0, &rules, 0, 1.0);
        assert!((end - start - rules.rise).abs() < 1e-4);
        assert!(rising_level(10.0, &rules, 2, 0.0) > start);
        let home = Vec3::ZERO;
        assert!(under(Vec3::new(3.0, 10.0, 0.0), 11.0, home, 16.0));
        assert!(
            !under(Vec3::new(30.0, 10.0, 0.0), 11.0, home, 16.0),
            "outside the pool"
        );
        assert!(
            under(Vec3::new(300.0, 10.0, 0.0), 11.0, home, 0.0),
            "radius 0: everywhere"
        );
        assert!(
            !under(Vec3::new(3.0, 12.0, 0.0), 11.0, home, 16.0),
            "above it"
        );
    }

    #[test]
    fn strings_pull_towards_their_anchor_within_reach() {
        let rules = StringRules::default();
        let home = Vec3::ZERO;
        let pull = string_pull(Vec3::new(6.0, 0.0, 0.0), home, &rules);
        assert!(pull.x < 0.0 && pull.z.abs() < 1e-6, "towards home: {pull}");
        let far = string_pull(Vec3::new(rules.range + 1.0, 0.0, 0.0), home, &rules);
        assert_eq!(far, Vec3::ZERO);
        let near = string_pull(Vec3::new(2.0, 0.0, 0.0), home, &rules);
        assert!(near.length() < pull.length(), "tighter further out");
        assert!(pull.length() <= rules.pull + 1e-4);
    }
}
