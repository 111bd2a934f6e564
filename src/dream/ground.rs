//! The ground as the placements see it while a dream is being made: heights, normals,
//! and which samples Juno can stand and jump from.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::heightfield::Heightfield;
use super::options::GenOptions;
use super::pace::{Pace, breath};
use super::parallel::for_rows;
use super::reach::{MovementLimits, reachable_avoiding};

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
        let walkable = normals.iter().map(|n| limits.is_walkable(n[1])).collect();
        Self {
            hf,
            normals,
            walkable,
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
        let reached = reachable_avoiding(
            &self.hf,
            &self.walkable,
            blocked,
            start,
            &self.limits,
            self.water_level,
        );
        self.work.fill(&reached);
        reached
    }

    /// Recomputes normals and walkability for samples `x0..=x1` by `z0..=z1` after their
    /// heights (or their neighbours') changed.
    pub(super) fn refresh(&mut self, (x0, x1): (usize, usize), (z0, z1): (usize, usize)) {
        let n = self.n();
        for z in z0..=z1.min(n - 1) {
            for x in x0..=x1.min(n - 1) {
                let normal = self.hf.normal(x, z).to_array();
                self.normals[z * n + x] = normal;
                self.walkable[z * n + x] = self.limits.is_walkable(normal[1]);
            }
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
