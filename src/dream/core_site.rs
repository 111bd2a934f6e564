//! The dream's core: a sunken, level plaza carved far from the spawn, where the dreamer
//! waits.

use bevy::math::Vec3;

use super::ground::Ground;
use super::math::smoothstep;
use super::rng::{DreamRng, mix_seed};
use super::spawn::Site;

/// The heart of a dream: a sunken, level plaza where the dreamer waits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DreamCore {
    /// Centre of the plaza, on its floor.
    pub position: Vec3,
    /// Radius of the level floor, metres.
    pub radius: f32,
}

/// Radius of the core's level floor, and the width of the slope around it, metres.
pub const CORE_RADIUS: f32 = 6.0;
/// Width of the slope from the core's floor back up into the ground, metres.
pub(super) const CORE_RING: f32 = 6.0;
/// How far the core's floor sinks below the ground it is carved from, metres.
const CORE_SINK: f32 = 0.6;
/// Places a core is carved at before it settles for uncarved ground (a flood fill each).
pub(super) const CORE_TRIES: usize = 6;

/// Carves the dream's core: a level plaza sunk into reachable ground far from the
/// spawn. Candidates are tried until one stays reachable once carved (the reachable
/// set is updated); if none does, the core stands on the farthest reachable ground
/// uncarved.
pub(super) async fn carve_core(
    ground: &mut Ground,
    reachable: &mut Vec<bool>,
    site: &Site,
    start: (usize, usize),
) -> DreamCore {
    let extent = ground.hf.extent();
    let half = extent * 0.5;
    let n = ground.n();
    let open = ground.open(reachable, 0.85);
    let hf = &ground.hf;
    let inside = |c: &(usize, usize)| {
        let p = hf.world_xz(c.0, c.1);
        p.x.abs().max(p.y.abs()) < half * 0.78 - CORE_RADIUS - CORE_RING
    };
    let mut candidates: Vec<(usize, usize)> = open
        .iter()
        .copied()
        .filter(|c| {
            let d = site.distance_from_spawn(hf, *c);
            // Far enough that the carve never touches the ground under the spawn.
            let clear_of_spawn = d > CORE_RADIUS + CORE_RING + 2.0 * hf.cell() + 1.0;
            d > extent * 0.28 && d < extent * 0.45 && clear_of_spawn && inside(c)
        })
        .filter(|&(x, z)| ground.is_dry(hf.get(x, z) - CORE_SINK - 0.35))
        .collect();
    let mut rng = DreamRng::new(mix_seed(site.seed, 0xC0DE));
    for _ in 0..CORE_TRIES {
        if candidates.is_empty() {
            break;
        }
        let (cx, cz) = candidates.swap_remove(rng.below(candidates.len()));
        let floor = ground.hf.get(cx, cz) - CORE_SINK;
        let before = carve(ground, (cx, cz), floor);
        let reach = ground.reach(start).await;
        if reach[cz * n + cx] {
            *reachable = reach;
            return DreamCore {
                position: ground.hf.world_point(cx, cz),
                radius: CORE_RADIUS,
            };
        }
        before.restore(ground);
    }
    // No plaza fits: the core waits on the farthest reachable dry ground.
    let far = open
        .iter()
        .copied()
        .max_by(|a, b| {
            let d = |c: &(usize, usize)| site.distance_from_spawn(&ground.hf, *c);
            d(a).total_cmp(&d(b))
        })
        .unwrap_or(start);
    DreamCore {
        position: ground.hf.world_point(far.0, far.1),
        radius: CORE_RADIUS,
    }
}

/// The heights of a window before a carve, to undo it.
struct Window {
    xs: (usize, usize),
    zs: (usize, usize),
    heights: Vec<f32>,
}

impl Window {
    fn restore(self, ground: &mut Ground) {
        let n = ground.n();
        let mut old = self.heights.into_iter();
        let heights = ground.hf.heights_mut();
        for z in self.zs.0..=self.zs.1 {
            for x in self.xs.0..=self.xs.1 {
                heights[z * n + x] = old.next().expect("saved window");
            }
        }
        ground.refresh(
            (self.xs.0.saturating_sub(1), self.xs.1 + 1),
            (self.zs.0.saturating_sub(1), self.zs.1 + 1),
        );
    }
}

/// Carves a level floor at `floor` around `centre`, blended back into the ground over
/// [`CORE_RING`] metres, in place. Returns what was there.
fn carve(ground: &mut Ground, centre: (usize, usize), floor: f32) -> Window {
    let n = ground.n();
    let cell = ground.hf.cell();
    let at = ground.hf.world_xz(centre.0, centre.1);
    let radius = ((CORE_RADIUS + CORE_RING) / cell).ceil() as usize + 1;
    let xs = (
        centre.0.saturating_sub(radius),
        (centre.0 + radius).min(n - 1),
    );
    let zs = (
        centre.1.saturating_sub(radius),
        (centre.1 + radius).min(n - 1),
    );
    let mut saved = Vec::with_capacity((xs.1 - xs.0 + 1) * (zs.1 - zs.0 + 1));
    for z in zs.0..=zs.1 {
        for x in xs.0..=xs.1 {
            let d = ground.hf.world_xz(x, z).distance(at);
            let t = smoothstep(CORE_RADIUS, CORE_RADIUS + CORE_RING, d);
            let h = &mut ground.hf.heights_mut()[z * n + x];
            saved.push(*h);
            *h = floor + (*h - floor) * t;
        }
    }
    ground.refresh(
        (xs.0.saturating_sub(1), xs.1 + 1),
        (zs.0.saturating_sub(1), zs.1 + 1),
    );
    Window {
        xs,
        zs,
        heights: saved,
    }
}
