//! The ground as the placements see it while a dream is being made: heights, normals,
//! and which samples Juno can stand and jump from.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::heightfield::Heightfield;
use super::options::GenOptions;
use super::pace::{Pace, breath};
use super::parallel::for_rows;
use super::reach::{MovementLimits, moves_row, reachable_by_moves};

/// How much work a generation did, counted as it ran: what the bounded-generation tests
/// hold against the caps, since wall time depends on the machine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GenWork {
    /// Flood fills of the whole ground (each visits up to every sample once).
    pub flood_fills: u64,
    /// Samples the flood fills reached, summed over all of them.
    pub samples_filled: u64,
    /// Cells drawn at random while spreading props and hazards.
    pub spread_draws: u64,
    /// Distances measured to earlier draws while spreading them apart.
    pub spacing_checks: u64,
}

impl GenWork {
    /// Most distance checks one draw can need: the points already drawn in the 3 × 3
    /// grid squares around it, at most four to a square (they are a square's side apart).
    pub const CHECKS_PER_DRAW: u64 = 36;
}

/// [`GenWork`] counted from several threads.
#[derive(Debug, Default)]
pub(super) struct Tally {
    flood_fills: AtomicU64,
    samples_filled: AtomicU64,
    spread_draws: AtomicU64,
    spacing_checks: AtomicU64,
}

impl Tally {
    pub(super) fn fill(&self, reached: &[bool]) {
        let count = reached.iter().filter(|&&r| r).count() as u64;
        self.flood_fills.fetch_add(1, Ordering::Relaxed);
        self.samples_filled.fetch_add(count, Ordering::Relaxed);
    }

    pub(super) fn draw(&self, checks: u64) {
        self.spread_draws.fetch_add(1, Ordering::Relaxed);
        self.spacing_checks.fetch_add(checks, Ordering::Relaxed);
    }

    pub(super) fn counted(&self) -> GenWork {
        GenWork {
            flood_fills: self.flood_fills.load(Ordering::Relaxed),
            samples_filled: self.samples_filled.load(Ordering::Relaxed),
            spread_draws: self.spread_draws.load(Ordering::Relaxed),
            spacing_checks: self.spacing_checks.load(Ordering::Relaxed),
        }
    }
}

/// The ground as placements see it: heights, normals, and which samples are level enough
/// to stand and jump from (with the planning limits).
pub(super) struct Ground {
    pub(super) hf: Heightfield,
    pub(super) normals: Vec<[f32; 3]>,
    pub(super) walkable: Vec<bool>,
    /// The moves Juno may make out of each sample (see [`super::reach::MOVES`]), worked
    /// out once for all the fills on this ground: whatever changes the heights calls
    /// [`Ground::refresh`] on what it changed (the core's carve and its undoing).
    moves: Vec<u8>,
    pub(super) limits: MovementLimits,
    pub(super) water_level: Option<f32>,
    /// The work done on this ground so far.
    pub(super) work: Tally,
    /// When a generation made in slices pauses: before each flood fill.
    pace: Option<Arc<Pace>>,
}

impl Ground {
    pub(super) async fn new(
        hf: Heightfield,
        limits: &MovementLimits,
        water_level: Option<f32>,
        options: &GenOptions,
    ) -> Self {
        let n = hf.samples();
        let mut normals = vec![[0.0; 3]; n * n];
        for_rows(&mut normals, n, options, |z, row| {
            for (x, v) in row.iter_mut().enumerate() {
                *v = hf.normal(x, z).to_array();
            }
        })
        .await;
        let walkable: Vec<bool> = normals.iter().map(|n| limits.is_walkable(n[1])).collect();
        let mut moves = vec![0u8; n * n];
        for_rows(&mut moves, n, options, |z, row| {
            moves_row(&hf, &walkable, limits, water_level, (0, z), row);
        })
        .await;
        Self {
            hf,
            normals,
            walkable,
            moves,
            limits: *limits,
            water_level,
            work: Tally::default(),
            pace: options.pace.clone(),
        }
    }

    /// Samples per side.
    pub(super) fn n(&self) -> usize {
        self.hf.samples()
    }

    pub(super) fn normal_y(&self, (x, z): (usize, usize)) -> f32 {
        self.normals[z * self.n() + x][1]
    }

    pub(super) fn is_dry(&self, h: f32) -> bool {
        self.water_level.is_none_or(|w| h >= w)
    }

    /// Every sample reachable on foot from `start`.
    pub(super) async fn reach(&self, start: (usize, usize)) -> Vec<bool> {
        self.reach_avoiding(start, None).await
    }

    /// Every sample reachable on foot from `start` without entering those marked in
    /// `blocked`. A generation made in slices may pause before it: a fill (0.6 to
    /// 1.1 ms of a 257² dream here) begins a piece, not ends one begun by other work.
    pub(super) async fn reach_avoiding(
        &self,
        start: (usize, usize),
        blocked: Option<&[bool]>,
    ) -> Vec<bool> {
        breath(self.pace.as_deref()).await;
        let reached = reachable_by_moves(&self.moves, self.n(), blocked, start);
        self.work.fill(&reached);
        reached
    }

    /// Recomputes normals and walkability for samples `x0..=x1` by `z0..=z1` after their
    /// heights (or their neighbours') changed, and the moves out of them and into them.
    pub(super) fn refresh(&mut self, (x0, x1): (usize, usize), (z0, z1): (usize, usize)) {
        let n = self.n();
        for z in z0..=z1.min(n - 1) {
            for x in x0..=x1.min(n - 1) {
                let normal = self.hf.normal(x, z).to_array();
                self.normals[z * n + x] = normal;
                self.walkable[z * n + x] = self.limits.is_walkable(normal[1]);
            }
        }
        // A move depends on the heights and walkability of both its ends: those out of
        // the samples around the region lead into it.
        let (x0, x1) = (x0.saturating_sub(1), (x1 + 1).min(n - 1));
        for z in z0.saturating_sub(1)..=(z1 + 1).min(n - 1) {
            let row = &mut self.moves[z * n + x0..=z * n + x1];
            moves_row(
                &self.hf,
                &self.walkable,
                &self.limits,
                self.water_level,
                (x0, z),
                row,
            );
        }
    }

    /// Reachable, dry samples with a normal at least `min_normal_y` upright.
    pub(super) fn open(&self, reachable: &[bool], min_normal_y: f32) -> Vec<(usize, usize)> {
        let n = self.n();
        let heights = self.hf.heights();
        (0..n * n)
            .filter(|&i| {
                reachable[i] && self.is_dry(heights[i]) && self.normals[i][1] >= min_normal_y
            })
            .map(|i| (i % n, i / n))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::dream::options::GenOptions;
    use crate::dream::pace::run_to_end;
    use crate::dream::reach::reachable_by_heights;

    /// Rough ground `n` a side: steps, ledges, slopes and pools, from a fixed seed.
    fn rough(n: usize, seed: u64) -> Heightfield {
        let mut state = seed;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 40) as f32 / (1u64 << 24) as f32
        };
        let heights = (0..n * n)
            .map(|i| {
                let (x, z) = ((i % n) as f32, (i / n) as f32);
                (x * 0.31).sin() * 2.5 + (z * 0.17).cos() * 1.5 + next() * 1.4 - 0.3
            })
            .collect();
        Heightfield::from_heights(n, 0.75, heights)
    }

    fn ground(hf: Heightfield, water_level: Option<f32>) -> Ground {
        let limits = MovementLimits::default().planning();
        run_to_end(Ground::new(
            hf,
            &limits,
            water_level,
            &GenOptions::single_threaded(),
        ))
    }

    /// The fill the ground had before its moves were worked out once: heights read in
    /// every fill.
    fn fill_by_heights(
        ground: &Ground,
        start: (usize, usize),
        blocked: Option<&[bool]>,
    ) -> Vec<bool> {
        reachable_by_heights(
            &ground.hf,
            &ground.walkable,
            blocked,
            start,
            &ground.limits,
            ground.water_level,
        )
    }

    #[test]
    fn a_fill_over_the_moves_reaches_what_a_fill_over_the_heights_does() {
        // Fills that reach some of the ground but not all of it: what tells them apart.
        let mut partial = 0;
        for (seed, water) in [(1, None), (2, Some(0.0)), (3, Some(-1.0)), (4, Some(1.0))] {
            let ground = ground(rough(61, seed), water);
            let n = ground.n();
            // Some samples closed, as props close them.
            let blocked: Vec<bool> = (0..n * n)
                .map(|i| (i * 7 + seed as usize).is_multiple_of(11))
                .collect();
            for start in [(30, 30), (0, 0), (60, 12), (5, 58), (17, 41)] {
                let free = run_to_end(ground.reach(start));
                let reached = free.iter().filter(|&&r| r).count();
                partial += usize::from(reached > n && reached < n * n);
                assert_eq!(
                    free,
                    fill_by_heights(&ground, start, None),
                    "seed {seed} {start:?}"
                );
                assert_eq!(
                    run_to_end(ground.reach_avoiding(start, Some(&blocked))),
                    fill_by_heights(&ground, start, Some(&blocked)),
                    "seed {seed} {start:?}, blocked"
                );
            }
        }
        assert!(
            partial >= 10,
            "{partial} of 20 fills reached part of the ground"
        );
    }

    #[test]
    fn refreshing_a_region_keeps_the_moves_as_if_worked_out_anew() {
        let mut ground = ground(rough(49, 9), Some(0.0));
        let n = ground.n();
        // Pits and towers, some of them jumps high, where moves in and out change: a
        // ledge's foot may stop being level enough to jump from although its own
        // height stayed.
        for k in 0..40usize {
            let lift = [-6.0, 9.0, 1.2, -1.1, 0.8][k % 5];
            let (x0, z0) = ((k * 13) % (n - 8), (k * 29) % (n - 8));
            let (x1, z1) = (x0 + 1 + k % 7, z0 + 1 + (k / 3) % 7);
            let heights = ground.hf.heights_mut();
            for z in z0..=z1 {
                for x in x0..=x1 {
                    heights[z * n + x] += lift;
                }
            }
            ground.refresh(
                (x0.saturating_sub(1), x1 + 1),
                (z0.saturating_sub(1), z1 + 1),
            );
            let anew = self::ground(ground.hf.clone(), ground.water_level);
            assert_eq!(ground.walkable, anew.walkable);
            assert_eq!(ground.moves, anew.moves, "edit {k}");
        }
    }
}
