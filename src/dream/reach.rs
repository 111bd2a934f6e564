//! Where Juno can walk: a flood fill over the heightfield with the controller's limits.
//! Anything the dream places for her to reach is placed only on cells this marks.
//!
//! Only IEEE-exact arithmetic (no trigonometry) is used in the fill, so the result is the
//! same on every platform; the slope's angle for the controller comes from `libm`, which
//! is the same everywhere too.

#[cfg(test)]
use std::collections::VecDeque;

use super::heightfield::Heightfield;

/// What Juno's body can climb. The character controller uses these same numbers, so
/// "reachable" here means reachable in play.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MovementLimits {
    /// Steepest ground she can walk up, as rise per metre (1.19 ≈ 50°).
    pub max_gradient: f32,
    /// Ledges up to this height, metres, are stepped up regardless of slope.
    pub step_height: f32,
    /// How deep she may wade into water, metres.
    pub wade_depth: f32,
    /// How high she can jump onto a ledge from level ground, metres.
    pub jump_height: f32,
    /// Her body's radius, metres: how much room she needs to pass something solid.
    pub body_radius: f32,
}

impl Default for MovementLimits {
    fn default() -> Self {
        Self {
            max_gradient: 1.19,
            step_height: 0.45,
            wade_depth: 0.3,
            // Juno's jump (9 m/s against 24 m/s² gravity) peaks at 1.69 m.
            jump_height: 1.65,
            body_radius: 0.35,
        }
    }
}

impl MovementLimits {
    /// The limits the generator plans with: a margin inside what the controller can do,
    /// so a placement never depends on a perfect run (about 42° slopes, 0.36 m steps,
    /// 0.99 m jumps).
    pub fn planning(&self) -> Self {
        Self {
            max_gradient: self.max_gradient * 0.75,
            step_height: self.step_height * 0.8,
            wade_depth: self.wade_depth,
            jump_height: self.jump_height * 0.6,
            // Room to pass with a margin.
            body_radius: self.body_radius * 1.5,
        }
    }

    /// The steepest slope as an angle, radians (for the character controller).
    pub fn max_slope_angle(&self) -> f32 {
        libm::atanf(self.max_gradient)
    }

    /// Whether ground with this unit normal is level enough to stand and jump from.
    pub fn is_walkable(&self, normal_y: f32) -> bool {
        // normal_y = cos(slope) = 1 / sqrt(1 + gradient²)
        normal_y * (1.0 + self.max_gradient * self.max_gradient).sqrt() >= 1.0
    }
}

/// Marks every sample reachable on foot from `start` (4-neighbour moves).
///
/// A move to a neighbour is allowed when the target is not deeper under `water_level`
/// than `wade_depth`, and it goes down (any drop: nothing in a dream hurts a fall), or
/// climbs no more than a step (`step_height`) or a walkable slope (`max_gradient`), or
/// is a jump (`jump_height`) from walkable ground onto walkable ground — a ledge, not a
/// cliff climbed one jump at a time. Moves are one-way: a ledge she drops from may be
/// one she cannot climb back.
pub fn reachable_from(
    hf: &Heightfield,
    start: (usize, usize),
    limits: &MovementLimits,
    water_level: Option<f32>,
) -> Vec<bool> {
    let n = hf.samples();
    let walkable: Vec<bool> = (0..n * n)
        .map(|i| limits.is_walkable(hf.normal(i % n, i / n).y))
        .collect();
    let mut moves = vec![0u8; n * n];
    for (z, row) in moves.chunks_mut(n).enumerate() {
        moves_row(hf, &walkable, limits, water_level, (0, z), row);
    }
    reachable_by_moves(&moves, n, None, start)
}

/// The fill as it was before the moves were worked out once: a breadth-first search
/// reading heights at every step. The tests' reference for [`reachable_by_moves`].
#[cfg(test)]
pub(super) fn reachable_by_heights(
    hf: &Heightfield,
    walkable: &[bool],
    blocked: Option<&[bool]>,
    start: (usize, usize),
    limits: &MovementLimits,
    water_level: Option<f32>,
) -> Vec<bool> {
    let n = hf.samples();
    let rules = MoveRules::new(hf, walkable, limits, water_level);
    let open = |i: usize| blocked.is_none_or(|b| !b[i]);
    let mut seen = vec![false; n * n];
    let mut queue = VecDeque::new();
    seen[start.1 * n + start.0] = true;
    queue.push_back(start);
    while let Some((x, z)) = queue.pop_front() {
        let neighbours = [
            (x.wrapping_sub(1), z),
            (x + 1, z),
            (x, z.wrapping_sub(1)),
            (x, z + 1),
        ];
        for (nx, nz) in neighbours {
            if nx >= n || nz >= n || seen[nz * n + nx] || !open(nz * n + nx) {
                continue;
            }
            if rules.allows((x, z), (nx, nz)) {
                seen[nz * n + nx] = true;
                queue.push_back((nx, nz));
            }
        }
    }
    seen
}

/// Whether Juno may move from one sample to a neighbour (see [`reachable_from`]): all a
/// fill asks of the ground, apart from what stands on it.
struct MoveRules<'a> {
    hf: &'a Heightfield,
    walkable: &'a [bool],
    limits: &'a MovementLimits,
    water_level: Option<f32>,
    /// The most she climbs walking: a step or a walkable slope across a cell.
    walk_rise: f32,
}

impl<'a> MoveRules<'a> {
    fn new(
        hf: &'a Heightfield,
        walkable: &'a [bool],
        limits: &'a MovementLimits,
        water_level: Option<f32>,
    ) -> Self {
        Self {
            hf,
            walkable,
            limits,
            water_level,
            walk_rise: (limits.max_gradient * hf.cell()).max(limits.step_height),
        }
    }

    fn allows(&self, (x, z): (usize, usize), (nx, nz): (usize, usize)) -> bool {
        let n = self.hf.samples();
        let nh = self.hf.get(nx, nz);
        let rise = nh - self.hf.get(x, z);
        let climbable = rise <= self.walk_rise
            || (rise <= self.limits.jump_height
                && self.walkable[z * n + x]
                && self.walkable[nz * n + nx]);
        let dry = self
            .water_level
            .is_none_or(|w| nh >= w - self.limits.wade_depth);
        climbable && dry
    }
}

/// The moves out of each sample of a grid of `n` a side, one bit per neighbour in the
/// order west, east, north, south: which of them Juno may move to, whatever stands
/// there. A fill over these ([`reachable_by_moves`]) reaches what a fill reading the
/// heights would, without reading a height, so a ground filled many
/// times (the spawn search, the core's carve, the props' check) works its moves out once,
/// a row at a time on every thread ([`moves_row`]).
pub(super) const MOVES: [(isize, isize); 4] = [(-1, 0), (1, 0), (0, -1), (0, 1)];

/// The moves out of samples `x0..x0 + row.len()` of row `z`, into `row` (see
/// [`MOVES`]).
pub(super) fn moves_row(
    hf: &Heightfield,
    walkable: &[bool],
    limits: &MovementLimits,
    water_level: Option<f32>,
    (x0, z): (usize, usize),
    row: &mut [u8],
) {
    let n = hf.samples();
    let rules = MoveRules::new(hf, walkable, limits, water_level);
    for (x, moves) in (x0..).zip(row.iter_mut()) {
        *moves = 0;
        for (bit, (dx, dz)) in MOVES.into_iter().enumerate() {
            let (nx, nz) = (x.wrapping_add_signed(dx), z.wrapping_add_signed(dz));
            if nx < n && nz < n && rules.allows((x, z), (nx, nz)) {
                *moves |= 1 << bit;
            }
        }
    }
}

/// Every sample reachable from `start` over `moves` (a grid of `n` a side, see
/// [`MOVES`]), never entering samples marked in `blocked` (where something solid
/// stands): the samples [`reachable_from`] describes, on the ground the moves were
/// worked out from.
pub(super) fn reachable_by_moves(
    moves: &[u8],
    n: usize,
    blocked: Option<&[bool]>,
    start: (usize, usize),
) -> Vec<bool> {
    let mut seen = vec![false; n * n];
    // What is reached does not depend on the order samples are visited in: a stack.
    let mut stack = Vec::with_capacity(4 * n);
    let first = start.1 * n + start.0;
    seen[first] = true;
    stack.push(first);
    while let Some(i) = stack.pop() {
        let out = moves[i];
        // In the order of `MOVES`; a bit is set only for a neighbour inside the grid.
        let neighbours = [i.wrapping_sub(1), i + 1, i.wrapping_sub(n), i + n];
        for (bit, j) in neighbours.into_iter().enumerate() {
            if out & (1 << bit) != 0 && !seen[j] && blocked.is_none_or(|b| !b[j]) {
                seen[j] = true;
                stack.push(j);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_blocks_and_step_passes() {
        // Columns: ground, ground, a 0.3 m step, then a 5 m wall.
        let n = 5;
        let mut heights = vec![0.0; n * n];
        for z in 0..n {
            heights[z * n + 2] = 0.3;
            heights[z * n + 3] = 5.0;
            heights[z * n + 4] = 5.0;
        }
        let hf = Heightfield::from_heights(n, 1.0, heights);
        let reach = reachable_from(&hf, (0, 0), &MovementLimits::default(), None);
        assert!(reach[2]); // stepped up
        assert!(!reach[3]); // wall
        assert!(!reach[4 * n + 4]);
        // From the top of the wall, everything is a drop away.
        let down = reachable_from(&hf, (4, 0), &MovementLimits::default(), None);
        assert!(down.iter().all(|&r| r));
    }

    #[test]
    fn a_ledge_can_be_jumped_but_a_steep_slope_cannot_be_climbed_by_jumps() {
        let n = 12;
        // A 1.2 m ledge between two flat floors (x < 6 low, x ≥ 6 high).
        let ledge: Vec<f32> = (0..n * n)
            .map(|i| if i % n < 6 { 0.0 } else { 1.2 })
            .collect();
        let hf = Heightfield::from_heights(n, 1.0, ledge);
        let reach = reachable_from(&hf, (0, 0), &MovementLimits::default(), None);
        assert!(reach[n - 1], "a jumpable ledge is reachable");
        // A steady 60° slope (gradient 1.73) rising along x: too steep to walk, and no
        // level ground to jump from.
        let slope: Vec<f32> = (0..n * n).map(|i| (i % n) as f32 * 1.73).collect();
        let hf = Heightfield::from_heights(n, 1.0, slope);
        let reach = reachable_from(&hf, (0, 0), &MovementLimits::default(), None);
        assert!(!reach[2], "a steep slope is not climbed one jump at a time");
    }

    #[test]
    fn deep_water_blocks() {
        let n = 4;
        let mut heights = vec![1.0; n * n];
        for z in 0..n {
            heights[z * n + 2] = -2.0;
        }
        let hf = Heightfield::from_heights(n, 1.0, heights);
        let limits = MovementLimits {
            step_height: 10.0,
            ..MovementLimits::default()
        };
        let reach = reachable_from(&hf, (0, 0), &limits, Some(0.0));
        assert!(reach[1]);
        assert!(!reach[2]);
        assert!(!reach[3]);
    }

    #[test]
    fn walkable_matches_the_slope_angle() {
        let limits = MovementLimits::default();
        let angle = limits.max_slope_angle();
        assert!((angle.to_degrees() - 50.0).abs() < 0.1);
        assert!(limits.is_walkable((angle - 0.01).cos()));
        assert!(!limits.is_walkable((angle + 0.01).cos()));
    }
}
