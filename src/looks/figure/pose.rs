//! A figure's skeleton and how it is posed: proportions from the figure's parameters,
//! then a pose from how the body moves — idle, walk and run blended by speed, jump, fall
//! and land, turning, talking — with each planted foot put on the ground beneath it by
//! two-bone inverse kinematics. Plain functions of their arguments: the same motion
//! gives the same pose, headless or drawn, and nothing here feeds back into the game.

use std::f32::consts::{PI, TAU};

use bevy::math::{Quat, Vec2, Vec3};

use crate::dream::smoothstep;
use crate::levels::{Build, Figure};

/// The skeleton's joints. Each has one parent; the pelvis hangs from the figure's root,
/// which stands on the ground under the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Joint {
    Pelvis,
    Chest,
    Head,
    ShoulderL,
    ElbowL,
    HandL,
    ShoulderR,
    ElbowR,
    HandR,
    HipL,
    KneeL,
    AnkleL,
    HipR,
    KneeR,
    AnkleR,
}

impl Joint {
    /// Every joint, each after its parent.
    pub const ALL: [Joint; 15] = [
        Joint::Pelvis,
        Joint::Chest,
        Joint::Head,
        Joint::ShoulderL,
        Joint::ElbowL,
        Joint::HandL,
        Joint::ShoulderR,
        Joint::ElbowR,
        Joint::HandR,
        Joint::HipL,
        Joint::KneeL,
        Joint::AnkleL,
        Joint::HipR,
        Joint::KneeR,
        Joint::AnkleR,
    ];

    /// Its place in [`Joint::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The joint it hangs from; `None` for the pelvis (it hangs from the root).
    pub fn parent(self) -> Option<Joint> {
        use Joint::*;
        Some(match self {
            Pelvis => return None,
            Chest | HipL | HipR => Pelvis,
            Head | ShoulderL | ShoulderR => Chest,
            ElbowL => ShoulderL,
            HandL => ElbowL,
            ElbowR => ShoulderR,
            HandR => ElbowR,
            KneeL => HipL,
            AnkleL => KneeL,
            KneeR => HipR,
            AnkleR => KneeR,
        })
    }
}

/// A figure's proportions, metres. Its front is −Z, its up +Y, its left −X.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dims {
    pub height: f32,
    /// Ankle joint above the sole.
    pub ankle: f32,
    pub shin: f32,
    pub thigh: f32,
    /// Hip joints either side of the middle.
    pub hip_half: f32,
    /// The pelvis joint above the hip joints.
    pub pelvis_above_hip: f32,
    /// The chest joint (the waist) above the pelvis joint.
    pub waist: f32,
    /// The shoulder line above the chest joint.
    pub chest: f32,
    pub shoulder_half: f32,
    /// The head joint (top of the neck) above the shoulder line.
    pub neck: f32,
    /// The head's radius (its centre sits one radius less a little above the head joint).
    pub head: f32,
    pub upper_arm: f32,
    pub forearm: f32,
    pub hand: f32,
    /// Breadth of the body, 1 for an average build.
    pub breadth: f32,
    /// Thickness of limbs, 1 for an average build.
    pub limb: f32,
}

impl Dims {
    pub fn of(figure: &Figure) -> Self {
        let h = figure.height;
        let (breadth, limb, arms, head) = match figure.build {
            Build::Slight => (0.9, 0.85, 1.0, 1.0),
            Build::Average => (1.0, 1.0, 1.0, 1.0),
            Build::Sturdy => (1.16, 1.28, 1.0, 1.02),
            Build::Gaunt => (0.82, 0.6, 1.22, 0.82),
        };
        Self {
            height: h,
            ankle: 0.04 * h,
            shin: 0.22 * h,
            thigh: 0.23 * h,
            hip_half: 0.055 * h * breadth,
            pelvis_above_hip: 0.03 * h,
            waist: 0.1 * h,
            chest: 0.2 * h,
            shoulder_half: 0.115 * h * breadth,
            neck: 0.055 * h,
            head: 0.065 * h * head,
            upper_arm: 0.17 * h * arms,
            forearm: 0.15 * h * arms,
            hand: 0.05 * h,
            breadth,
            limb,
        }
    }

    /// The leg's full reach from hip joint to ankle joint.
    pub fn leg(&self) -> f32 {
        self.thigh + self.shin
    }

    /// The hip joints above the root when standing, knees a little soft.
    pub fn standing_hip(&self) -> f32 {
        self.ankle + self.leg() * 0.985
    }

    /// Where `joint` sits in its parent's frame at rest (the pelvis: in the root's).
    pub fn offset(&self, joint: Joint) -> Vec3 {
        use Joint::*;
        match joint {
            Pelvis => Vec3::Y * (self.standing_hip() + self.pelvis_above_hip),
            Chest => Vec3::Y * self.waist,
            Head => Vec3::Y * (self.chest + self.neck),
            ShoulderL => Vec3::new(-self.shoulder_half, self.chest, 0.0),
            ShoulderR => Vec3::new(self.shoulder_half, self.chest, 0.0),
            ElbowL | ElbowR => Vec3::NEG_Y * self.upper_arm,
            HandL | HandR => Vec3::NEG_Y * self.forearm,
            HipL => Vec3::new(-self.hip_half, -self.pelvis_above_hip, 0.0),
            HipR => Vec3::new(self.hip_half, -self.pelvis_above_hip, 0.0),
            KneeL | KneeR => Vec3::NEG_Y * self.thigh,
            AnkleL | AnkleR => Vec3::NEG_Y * self.shin,
        }
    }
}

/// How the body moves this frame, as the game holds it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Motion {
    /// Horizontal speed, m/s.
    pub speed: f32,
    /// Vertical speed, m/s (up is positive).
    pub vertical: f32,
    pub grounded: bool,
    /// How fast it turns, radians per second (left is positive).
    pub turning: f32,
    /// 0 to 1: how much it talks with its hands.
    pub talking: f32,
}

/// What a figure's animation carries from frame to frame (never the game's state).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Gait {
    /// Where the stride is, 0 to 1: the left foot lands at 0, the right at ½.
    pub phase: f32,
    /// Seconds of animation, for breathing and gestures.
    pub time: f32,
    /// 1 on landing from a fall, fading to 0.
    pub landing: f32,
    /// How far the pelvis was lowered last frame; it rises back gently.
    pub lowered: f32,
    /// Which feet (left, right) stood on the ground in the last pose.
    pub planted: [bool; 2],
    was_grounded: bool,
    /// Whether it has advanced before: a figure put up on the ground has not landed.
    started: bool,
    /// Smoothed speed and turning, so a jittery reading does not twitch the figure.
    speed: f32,
    turning: f32,
}

/// A foot is planted on ground at most this far below the figure's base, and at most
/// this far above it, in leg lengths.
const DEEPEST_STEP: f32 = 0.3;
const HIGHEST_STEP: f32 = 0.6;

/// One stride's length (left foot to left foot), metres, at `speed` m/s.
fn stride(dims: &Dims, speed: f32) -> f32 {
    dims.height * (0.8 + 0.12 * speed)
}

/// The share of a stride each foot is on the ground: most of a walk, a third of a run.
fn duty(run: f32) -> f32 {
    0.62 + (0.34 - 0.62) * run
}

impl Gait {
    /// Moves the animation on by `dt` seconds of `motion`: the stride advances with the
    /// distance covered, so planted feet do not slide.
    pub fn advance(&mut self, dims: &Dims, motion: &Motion, dt: f32) {
        let follow = 1.0 - (-12.0 * dt).exp();
        self.speed += (motion.speed - self.speed) * follow;
        self.turning += (motion.turning - self.turning) * follow;
        self.time += dt;
        if motion.grounded {
            self.phase = (self.phase + motion.speed * dt / stride(dims, motion.speed)).fract();
        }
        if motion.grounded && !self.was_grounded && self.started {
            self.landing = 1.0;
        }
        self.started = true;
        self.landing = (self.landing - dt * 4.0).max(0.0);
        self.was_grounded = motion.grounded;
    }
}

/// The skeleton posed: the pelvis' place in the root's frame and every joint's turn in
/// its parent's frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pose {
    pub pelvis: Vec3,
    pub turns: [Quat; 15],
}

impl Pose {
    /// Where each joint is in the root's frame (forward kinematics), with its turn.
    #[cfg(test)]
    pub fn joints_in_root(&self, dims: &Dims) -> [(Vec3, Quat); 15] {
        let mut out = [(Vec3::ZERO, Quat::IDENTITY); 15];
        for joint in Joint::ALL {
            let i = joint.index();
            out[i] = match joint.parent() {
                None => (self.pelvis, self.turns[i]),
                Some(parent) => {
                    let (at, turn) = out[parent.index()];
                    (at + turn * dims.offset(joint), turn * self.turns[i])
                }
            };
        }
        out
    }
}

/// The pose for `motion` at `gait`. `ground` gives the ground's height under a point of
/// the root's frame (x, z), relative to the root: planted feet stand on it.
pub fn pose(dims: &Dims, motion: &Motion, gait: &mut Gait, ground: impl Fn(Vec2) -> f32) -> Pose {
    let h = dims.height;
    let speed = gait.speed;
    let moving = smoothstep(0.05, 0.9, speed);
    let run = smoothstep(2.5, 5.5, speed);
    let phase = gait.phase;
    let air = !motion.grounded;
    let t = gait.time;
    let mut turns = [Quat::IDENTITY; 15];
    let mut set = |joint: Joint, q: Quat| turns[joint.index()] = q;

    // Where each foot wants to be: forward of the hip (−Z) and lifted.
    let length = stride(dims, speed) * moving;
    let duty = duty(run);
    let foot = |offset: f32| -> (f32, f32, bool) {
        let p = (phase + offset).fract();
        if p < duty {
            let s = p / duty;
            ((0.5 - s) * duty * length, 0.0, true)
        } else {
            let s = (p - duty) / (1.0 - duty);
            let lift = (PI * s).sin() * h * (0.05 + 0.09 * run) * moving;
            (
                (-0.5 + smoothstep(0.0, 1.0, s)) * duty * length,
                lift,
                false,
            )
        }
    };
    let hip_x = [-dims.hip_half, dims.hip_half];
    let standing_hip = dims.standing_hip();
    let rise = motion.vertical.clamp(-8.0, 8.0);
    let mut targets = [Vec3::ZERO; 2];
    let mut planted = [false; 2];
    for (k, offset) in [0.0, 0.5].into_iter().enumerate() {
        targets[k] = if air {
            // Tucked on the way up, reaching down on the way down; one foot leads.
            let tuck = smoothstep(-2.0, 3.0, rise);
            let lead = if k == 0 { 1.0 } else { -0.6 };
            let up = h * (0.02 + 0.13 * tuck);
            Vec3::new(hip_x[k] * 1.3, up, -lead * h * (0.05 + 0.06 * tuck))
        } else {
            let (forward, lift, on_ground) = foot(offset);
            let z = -forward;
            // Ground far below (a foot over a cliff's edge) or far above (a wall) is out
            // of a foot's reach: it hangs, and the other foot and the body carry her.
            let under = ground(Vec2::new(hip_x[k], z));
            let within = under.clamp(-DEEPEST_STEP * dims.leg(), HIGHEST_STEP * dims.leg());
            planted[k] = on_ground && within == under;
            Vec3::new(hip_x[k], within + lift, z)
        };
    }

    // The pelvis: lowered as far as the planted feet need, bobbing with the stride,
    // dipping on landing, crouched a little into a run.
    let bob = if air {
        0.0
    } else {
        let walk_bob = (TAU * 2.0 * phase).cos() * 0.012 * h;
        let run_bob = -(TAU * 2.0 * phase).cos() * 0.025 * h;
        (walk_bob * (1.0 - run) + run_bob * run) * moving
    };
    let crouch = 0.035 * h * run * moving + 0.09 * h * gait.landing;
    let reach = dims.leg() * 0.999;
    let mut lowest = 0.0f32;
    for k in 0..2 {
        // Only planted feet hold the hips down; a swinging or hanging foot does not.
        if air || !planted[k] {
            continue;
        }
        let ankle = targets[k] + Vec3::Y * dims.ankle;
        let across = Vec2::new(0.0, ankle.z).length();
        // A little short of full reach: the hips' twist moves the hip joints too.
        let easy = reach * 0.98;
        let highest_hip = ankle.y + (easy * easy - across * across).max(0.0).sqrt();
        lowest = lowest.min(highest_hip - standing_hip);
    }
    // Drop at once; rise back over a few frames, so a foot lifting does not jolt it.
    let wanted = lowest.min(bob - crouch);
    let lowered = wanted.min(gait.lowered + 0.02 * h);
    gait.lowered = lowered.min(0.0);
    gait.planted = planted;
    let pelvis = Vec3::Y * (standing_hip + dims.pelvis_above_hip + lowered);
    // Largest as the left foot lands (phase 0): the left arm back, the chest turned.
    let swing = (TAU * phase).cos() * moving;
    let twist = swing * (0.1 + 0.12 * run);
    let hips = Quat::from_rotation_y(-twist * 0.5);
    set(Joint::Pelvis, hips);

    // Legs: two-bone IK, knees forward. The leg first rolls out towards the foot, then
    // bends in its own upright plane.
    for (k, (hip, knee, ankle)) in [
        (Joint::HipL, Joint::KneeL, Joint::AnkleL),
        (Joint::HipR, Joint::KneeR, Joint::AnkleR),
    ]
    .into_iter()
    .enumerate()
    {
        let hip_at = pelvis + hips * dims.offset(hip);
        let to = hips.inverse() * (targets[k] + Vec3::Y * dims.ankle - hip_at);
        let roll = f32::atan2(to.x, -to.y);
        let upright = Quat::from_rotation_z(-roll) * to;
        let d = Vec2::new(upright.z, upright.y);
        let length = d.length().clamp(0.05, reach);
        let (a, b) = (dims.thigh, dims.shin);
        let at_hip = ((a * a + length * length - b * b) / (2.0 * a * length))
            .clamp(-1.0, 1.0)
            .acos();
        let at_knee = ((a * a + b * b - length * length) / (2.0 * a * b))
            .clamp(-1.0, 1.0)
            .acos();
        let thigh = f32::atan2(-d.x, -d.y) + at_hip;
        let bend = PI - at_knee;
        set(
            hip,
            Quat::from_rotation_z(roll) * Quat::from_rotation_x(thigh),
        );
        set(knee, Quat::from_rotation_x(-bend));
        // The foot stays level with the hips, its toes lifting a little in the swing.
        let toe = if planted[k] || air { 0.0 } else { 0.25 * run };
        set(
            ankle,
            Quat::from_rotation_x(bend - thigh)
                * Quat::from_rotation_z(-roll)
                * Quat::from_rotation_x(toe),
        );
    }

    // Upper body: lean into a run and into turns, twist against the hips, breathe.
    let breathe = (t * 1.7).sin() * 0.02 * (1.0 - moving);
    let lean_forward = 0.04 + 0.18 * run * moving + 0.12 * gait.landing - breathe;
    let lean_side = (gait.turning * speed * 0.03).clamp(-0.3, 0.3);
    set(
        Joint::Chest,
        Quat::from_rotation_y(twist)
            * Quat::from_rotation_z(lean_side)
            * Quat::from_rotation_x(-lean_forward),
    );
    // The head keeps looking ahead, nods while talking, glances about while idle.
    let glance =
        (t * 0.37).sin() * (t * 0.23).cos() * 0.35 * (1.0 - moving) * (1.0 - motion.talking);
    let nod = (t * 4.3).sin() * 0.06 * motion.talking;
    set(
        Joint::Head,
        Quat::from_rotation_y(-twist + glance) * Quat::from_rotation_x(lean_forward * 0.7 + nod),
    );

    // Arms: swinging against the legs, bent in a run, up and out in the air, talking.
    let amplitude = (0.35 + 0.55 * run) * moving;
    let elbow = 0.2 + 1.2 * run * moving;
    for (side, shoulder, elbow_joint, sign) in [
        (0usize, Joint::ShoulderL, Joint::ElbowL, -1.0f32),
        (1, Joint::ShoulderR, Joint::ElbowR, 1.0),
    ] {
        let leg_swing = if side == 0 { swing } else { -swing };
        let mut forward = -leg_swing * amplitude;
        let mut outward = 0.07 + 0.05 * (dims.breadth - 1.0).max(0.0) + breathe;
        let mut bend = elbow + 0.08;
        if air {
            let up = smoothstep(-3.0, 4.0, rise);
            outward += 0.5 + 0.5 * up;
            forward += 0.3 * up;
            bend = 0.5;
        }
        // Talking: the right hand opens towards the listener, the left joins now and then.
        let talk = motion.talking * if side == 1 { 1.0 } else { 0.45 };
        if talk > 0.0 {
            let beat = t * 2.1 + side as f32 * 1.7;
            forward = forward * (1.0 - talk) + talk * (0.55 + 0.25 * beat.sin());
            bend = bend * (1.0 - talk) + talk * (1.25 + 0.3 * (beat * 1.5).cos());
            outward += talk * 0.15;
        }
        set(
            shoulder,
            Quat::from_rotation_z(sign * outward) * Quat::from_rotation_x(forward),
        );
        set(elbow_joint, Quat::from_rotation_x(bend));
    }

    Pose { pelvis, turns }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::levels::Cast;

    fn juno() -> Dims {
        Dims::of(&Cast::default().juno)
    }

    /// The ankle's height above the sole's ground, for each foot.
    fn soles(dims: &Dims, pose: &Pose, ground: impl Fn(Vec2) -> f32) -> [f32; 2] {
        let joints = pose.joints_in_root(dims);
        [Joint::AnkleL, Joint::AnkleR].map(|j| {
            let at = joints[j.index()].0;
            at.y - dims.ankle - ground(Vec2::new(at.x, at.z))
        })
    }

    #[test]
    fn standing_feet_are_on_flat_and_sloping_ground() {
        let dims = juno();
        for slope in [0.0f32, 0.3, -0.5, 0.7] {
            let ground = |p: Vec2| -p.y * slope + p.x * slope * 0.5;
            let mut gait = Gait::default();
            let motion = Motion {
                grounded: true,
                ..Motion::default()
            };
            gait.advance(&dims, &motion, 1.0 / 60.0);
            let pose = pose(&dims, &motion, &mut gait, ground);
            for height in soles(&dims, &pose, ground) {
                assert!(height.abs() < 0.01, "slope {slope}: a foot {height} m off");
            }
        }
    }

    #[test]
    fn walking_plants_each_foot_and_lifts_the_other() {
        let dims = juno();
        let motion = Motion {
            speed: 1.6,
            grounded: true,
            ..Motion::default()
        };
        let mut gait = Gait::default();
        let mut lifted = [0.0f32; 2];
        let mut poses = Vec::new();
        for _ in 0..120 {
            gait.advance(&dims, &motion, 1.0 / 60.0);
            let pose = pose(&dims, &motion, &mut gait, |_| 0.0);
            let heights = soles(&dims, &pose, |_| 0.0);
            for k in 0..2 {
                assert!(heights[k] > -0.01, "a foot sank {}", heights[k]);
                lifted[k] = lifted[k].max(heights[k]);
            }
            assert!(
                heights.iter().any(|h| h.abs() < 0.01),
                "neither foot on the ground in a walk: {heights:?}"
            );
            poses.push(pose);
        }
        for (k, lift) in lifted.iter().enumerate() {
            assert!(*lift > 0.05, "foot {k} never lifted: {lift}");
        }
        assert_ne!(poses[10], poses[30], "the walk does not move");
    }

    #[test]
    fn a_jump_tucks_the_legs_and_a_landing_dips() {
        let dims = juno();
        let mut gait = Gait::default();
        let stand = Motion {
            grounded: true,
            ..Motion::default()
        };
        gait.advance(&dims, &stand, 0.1);
        let standing = pose(&dims, &stand, &mut gait, |_| 0.0);
        let up = Motion {
            vertical: 5.0,
            grounded: false,
            ..Motion::default()
        };
        gait.advance(&dims, &up, 0.1);
        let jumping = pose(&dims, &up, &mut gait, |_| 0.0);
        let knee = |p: &Pose| p.joints_in_root(&dims)[Joint::KneeL.index()].0.y - p.pelvis.y;
        assert!(knee(&jumping) > knee(&standing) + 0.05, "knees not tucked");
        gait.advance(&dims, &stand, 1.0 / 60.0);
        let landed = pose(&dims, &stand, &mut gait, |_| 0.0);
        assert!(
            landed.pelvis.y < standing.pelvis.y - 0.05,
            "no dip on landing"
        );
    }
}
