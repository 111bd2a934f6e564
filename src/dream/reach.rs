//! Where Juno can walk: a flood fill over the heightfield with the controller's limits.
//! Anything the dream places for her to reach is placed only on cells this marks.

use std::collections::VecDeque;

use super::heightfield::Heightfield;

/// What Juno's body can climb. The character controller uses these same numbers, so
/// "reachable" here means reachable in play.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MovementLimits {
    /// Steepest ground she can walk up, radians.
    pub max_slope: f32,
    /// Ledges up to this height, metres, are stepped up regardless of slope.
    pub step_height: f32,
    /// How deep she may wade into water, metres.
    pub wade_depth: f32,
    /// How high she can jump onto a ledge, metres.
    pub jump_height: f32,
}

impl Default for MovementLimits {
    fn default() -> Self {
        Self {
            max_slope: 50f32.to_radians(),
            step_height: 0.45,
            wade_depth: 0.3,
            // Juno's jump (9 m/s against 24 m/s² gravity) peaks at 1.69 m.
            jump_height: 1.65,
        }
    }
}

impl MovementLimits {
    /// The limits the generator plans with: a margin inside what the controller can do,
    /// so a placement never depends on a perfect run.
    pub fn planning(&self) -> Self {
        Self {
            max_slope: self.max_slope - 8f32.to_radians(),
            step_height: self.step_height * 0.8,
            wade_depth: self.wade_depth,
            jump_height: self.jump_height * 0.6,
        }
    }
}

/// Marks every sample reachable on foot from `start` (4-neighbour moves).
///
/// A move to a neighbour is allowed when it goes down (any drop: nothing in a dream
/// hurts a fall), or climbs no more than a step (`step_height`), a walkable slope
/// (`max_slope`) or a jump (`jump_height`); and the target is not deeper under
/// `water_level` than `wade_depth`. Moves are one-way: a ledge she drops from may be
/// one she cannot climb back.
pub fn reachable_from(
    hf: &Heightfield,
    start: (usize, usize),
    limits: &MovementLimits,
    water_level: Option<f32>,
) -> Vec<bool> {
    let n = hf.samples();
    let max_rise = (limits.max_slope.tan() * hf.cell())
        .max(limits.step_height)
        .max(limits.jump_height);
    let dry = |h: f32| water_level.is_none_or(|w| h >= w - limits.wade_depth);
    let mut seen = vec![false; n * n];
    let mut queue = VecDeque::new();
    seen[start.1 * n + start.0] = true;
    queue.push_back(start);
    while let Some((x, z)) = queue.pop_front() {
        let h = hf.get(x, z);
        let neighbours = [
            (x.wrapping_sub(1), z),
            (x + 1, z),
            (x, z.wrapping_sub(1)),
            (x, z + 1),
        ];
        for (nx, nz) in neighbours {
            if nx >= n || nz >= n || seen[nz * n + nx] {
                continue;
            }
            let nh = hf.get(nx, nz);
            if nh - h <= max_rise && dry(nh) {
                seen[nz * n + nx] = true;
                queue.push_back((nx, nz));
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
}
