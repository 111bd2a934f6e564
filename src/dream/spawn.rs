//! Where Juno lands: the spawn, chosen so she can reach most of the dream, and the
//! [`Site`] every later placement is measured from.

use bevy::math::{Vec2, Vec3};

use super::ground::Ground;
use super::heightfield::Heightfield;

/// Where placements are measured from, and their seed.
pub(super) struct Site {
    pub(super) spawn: Vec3,
    pub(super) seed: u64,
}

impl Site {
    /// Horizontal distance from the spawn to sample `(x, z)`, metres.
    pub(super) fn distance_from_spawn(&self, hf: &Heightfield, (x, z): (usize, usize)) -> f32 {
        hf.world_xz(x, z)
            .distance(Vec2::new(self.spawn.x, self.spawn.z))
    }
}

/// Share of the dream a spawn should open up: below it, other spawns are tried.
const GOOD_REACH: f32 = 0.35;

/// The spawn, and what is reachable from it. Candidates are dry, gentle samples on a
/// coarse grid, nearest the centre first (the generator calms the ground there); the
/// first from which at least [`GOOD_REACH`] of the dream is reachable wins, else the one
/// reaching most. A candidate already reachable from one tried before is skipped: it
/// can reach no more than that one did.
pub(super) async fn choose_spawn(ground: &Ground) -> ((usize, usize), Vec<bool>) {
    let hf = &ground.hf;
    let n = hf.samples();
    let centre = (n - 1) / 2;
    let good = |x: usize, z: usize| {
        ground.water_level.is_none_or(|w| hf.get(x, z) > w + 0.2) && ground.normal_y((x, z)) > 0.9
    };
    // A coarse grid over the inner part of the dream (inside the rim).
    let stride = (n / 16).max(1);
    let inner = n * 4 / 10;
    let mut candidates: Vec<(usize, usize)> = (centre - inner..=centre + inner)
        .step_by(stride)
        .flat_map(|z| {
            (centre - inner..=centre + inner)
                .step_by(stride)
                .map(move |x| (x, z))
        })
        .filter(|&(x, z)| good(x, z))
        .collect();
    let distance = |&(x, z): &(usize, usize)| x.abs_diff(centre).pow(2) + z.abs_diff(centre).pow(2);
    candidates.sort_by_key(distance);
    if candidates.is_empty() {
        // No dry, gentle ground at all: the highest point is always dry.
        let top = (0..n * n)
            .max_by(|&a, &b| hf.heights()[a].total_cmp(&hf.heights()[b]))
            .unwrap_or(0);
        candidates.push((top % n, top / n));
    }
    let mut explored = vec![false; n * n];
    let mut best: Option<((usize, usize), Vec<bool>, f32)> = None;
    let mut tries = 0;
    for start in candidates {
        if explored[start.1 * n + start.0] {
            continue;
        }
        tries += 1;
        if tries > MAX_SPAWN_TRIES {
            break;
        }
        let reachable = ground.reach(start).await;
        let share = reachable.iter().filter(|&&r| r).count() as f32 / reachable.len() as f32;
        if share >= GOOD_REACH {
            return (start, reachable);
        }
        for (seen, &r) in explored.iter_mut().zip(&reachable) {
            *seen |= r;
        }
        if best.as_ref().is_none_or(|b| share > b.2) {
            best = Some((start, reachable, share));
        }
    }
    let (start, reachable, _) = best.expect("at least one candidate");
    (start, reachable)
}

/// Flood fills the spawn search may run (about 0.6 ms each at 257²).
pub(super) const MAX_SPAWN_TRIES: usize = 24;
