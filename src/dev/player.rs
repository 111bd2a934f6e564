//! The headless scripted player (issue 21 moved it here from tests/game/replays.rs, so the
//! strangers' harness plays the same player that records the shipped replays).

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use bevy::prelude::*;

use crate::dive::{
    ActiveDive, CurrentDream, Hazard, LoopState, MemoryAnchor, NightmareLoop, PendingAnswer,
};
use crate::dream::{Dream, HazardKind, MovementLimits};
use crate::juno::{Juno, LookAngles, PlayerIntent};

/// A path over the dream's sample grid from `from` to `to`, avoiding hazards' ground,
/// as world points (A* over reachable samples; each step within what Juno climbs).
pub fn plan(dream: &Dream, from: Vec3, to: Vec3, avoid: &[(Vec3, f32)]) -> Option<Vec<Vec2>> {
    let hf = &dream.heightfield;
    let n = hf.samples();
    let limits = MovementLimits::default().planning();
    let start = hf.nearest_sample(from.xz());
    let goal = hf.nearest_sample(to.xz());
    let index = |(x, z): (usize, usize)| z * n + x;
    let goal_point = hf.world_xz(goal.0, goal.1);
    let penalty = |p: Vec2| -> f32 {
        avoid
            .iter()
            .filter(|(at, r)| at.xz().distance(p) < *r)
            .map(|_| 4.0)
            .sum()
    };
    #[derive(PartialEq)]
    struct Open(f32, usize);
    impl Eq for Open {}
    impl PartialOrd for Open {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Open {
        fn cmp(&self, other: &Self) -> Ordering {
            other.0.total_cmp(&self.0)
        }
    }
    let mut best: HashMap<usize, f32> = HashMap::new();
    let mut came: HashMap<usize, usize> = HashMap::new();
    let mut open = BinaryHeap::new();
    best.insert(index(start), 0.0);
    open.push(Open(0.0, index(start)));
    while let Some(Open(_, at)) = open.pop() {
        if at == index(goal) {
            let mut path = vec![hf.world_xz(goal.0, goal.1)];
            let mut k = at;
            while let Some(&prev) = came.get(&k) {
                path.push(hf.world_xz(prev % n, prev / n));
                k = prev;
            }
            path.reverse();
            return Some(path);
        }
        let (x, z) = (at % n, at / n);
        let g = best[&at];
        for (dx, dz) in [
            (-1i32, 0i32),
            (1, 0),
            (0, -1),
            (0, 1),
            (-1, -1),
            (1, 1),
            (-1, 1),
            (1, -1),
        ] {
            let (nx, nz) = (x as i32 + dx, z as i32 + dz);
            if nx < 0 || nz < 0 || nx >= n as i32 || nz >= n as i32 {
                continue;
            }
            let next = (nx as usize, nz as usize);
            let ni = index(next);
            if !dream.reachable[ni] && ni != index(goal) {
                continue;
            }
            let run = hf.cell() * ((dx * dx + dz * dz) as f32).sqrt();
            let rise = (hf.get(next.0, next.1) - hf.get(x, z)).abs();
            if rise > limits.step_height.max(limits.max_gradient * run) {
                continue;
            }
            let p = hf.world_xz(next.0, next.1);
            let cost = g + run * (1.0 + penalty(p));
            if best.get(&ni).is_none_or(|&b| cost < b) {
                best.insert(ni, cost);
                came.insert(ni, at);
                open.push(Open(cost + p.distance(goal_point), ni));
            }
        }
    }
    None
}

/// The scripted player: plans its way over the dream's ground to the nearest memory
/// anchor not yet understood, then to the dreamer, steering around hazards and jumping
/// when stuck, and at the core answers with [`DialogueNode::best_answer`] (free the
/// dreamer if Juno can, never a word that sends her back). It plays through the same
/// devices-to-intent path a person does, so the game records it as it would anyone: the
/// shipped replays are its recordings.
///
/// [`DialogueNode::best_answer`]: crate::levels::DialogueNode::best_answer
#[derive(Default)]
pub struct ScriptedPlayer {
    path: Vec<Vec2>,
    target: Option<Vec3>,
    loop_index: u32,
    replan_in: u32,
    last: Vec3,
    still_for: u32,
}

impl ScriptedPlayer {
    /// One frame of play: reads the world, sets the devices' intent. Call before each
    /// `app.update()` while a dive is under way.
    pub fn play(&mut self, app: &mut App) {
        let world = app.world_mut();
        let Some(state) = world
            .get_resource::<NightmareLoop>()
            .map(|n| (n.index, n.state.clone()))
        else {
            return;
        };
        match state.1 {
            LoopState::Confronting { node } => {
                let dive = world.resource::<ActiveDive>();
                let node = dive.spec.dialogue.node(&node).expect("the node");
                // Free if it can; else the furthest-reaching way on; never a push.
                let pick = node.best_answer(&dive.facts());
                if world.resource::<PendingAnswer>().0.is_none() {
                    world.resource_mut::<PendingAnswer>().0 = pick;
                }
                world.resource_mut::<PlayerIntent>().movement = Vec2::ZERO;
                return;
            }
            LoopState::Running => {}
            _ => {
                self.path.clear();
                world.resource_mut::<PlayerIntent>().movement = Vec2::ZERO;
                return;
            }
        }
        if state.0 != self.loop_index {
            self.loop_index = state.0;
            self.path.clear();
            self.target = None;
        }
        let juno = world
            .query_filtered::<&Transform, With<Juno>>()
            .single(world)
            .expect("Juno")
            .translation;
        let dive = world.resource::<ActiveDive>();
        let open = dive.core_open();
        let understood = dive.understood.clone();
        let dream = world.resource::<CurrentDream>().0.clone();
        let target = if open {
            dream.core.position
        } else {
            let mut anchors: Vec<(usize, Vec3)> = world
                .query::<(&MemoryAnchor, &Transform)>()
                .iter(world)
                .filter(|(a, _)| !understood.contains(&a.index))
                .map(|(a, t)| (a.index, t.translation))
                .collect();
            anchors.sort_by(|a, b| a.1.distance(juno).total_cmp(&b.1.distance(juno)));
            match anchors.first() {
                Some((_, at)) => *at,
                None => dream.core.position,
            }
        };
        let avoid: Vec<(Vec3, f32)> = world
            .query::<&Hazard>()
            .iter(world)
            .map(|h| {
                let r = match h.kind {
                    HazardKind::Watcher => 14.0,
                    HazardKind::Strings => 11.0,
                    HazardKind::DissolvingGround => 8.0,
                    HazardKind::RisingFog => 20.0,
                    _ => 6.0,
                };
                (h.home, r)
            })
            .collect();
        self.replan_in = self.replan_in.saturating_sub(1);
        if self.target != Some(target) || self.path.is_empty() || self.replan_in == 0 {
            self.target = Some(target);
            self.path = plan(&dream, juno, target, &avoid).unwrap_or_default();
            self.replan_in = 180;
        }
        while self.path.len() > 1 && self.path[0].distance(juno.xz()) < 1.2 {
            self.path.remove(0);
        }
        let aim = self
            .path
            .iter()
            .find(|p| p.distance(juno.xz()) > 1.5)
            .or(self.path.last())
            .copied()
            .unwrap_or(target.xz());
        let to = aim - juno.xz();
        let yaw = f32::atan2(-to.x, -to.y);
        // Stuck against something: jump, and think again.
        if juno.distance(self.last) < 0.02 {
            self.still_for += 1;
        } else {
            self.still_for = 0;
        }
        self.last = juno;
        let jump = self.still_for > 20;
        if jump {
            self.still_for = 0;
            self.replan_in = 1;
        }
        let mut look = world
            .query_filtered::<&mut LookAngles, With<Juno>>()
            .single_mut(world)
            .expect("Juno looks");
        look.yaw = yaw.rem_euclid(std::f32::consts::TAU);
        let mut intent = world.resource_mut::<PlayerIntent>();
        intent.movement = Vec2::new(0.0, 1.0);
        intent.jump |= jump;
    }
}
