//! The ground as the placements see it while a dream is being made: heights, normals,
//! and which samples Juno can stand and jump from.

use super::heightfield::Heightfield;
use super::parallel::for_rows;
use super::reach::{MovementLimits, reachable_with};

/// The ground as placements see it: heights, normals, and which samples are level enough
/// to stand and jump from (with the planning limits).
pub(super) struct Ground {
    pub(super) hf: Heightfield,
    pub(super) normals: Vec<[f32; 3]>,
    pub(super) walkable: Vec<bool>,
    pub(super) limits: MovementLimits,
    pub(super) water_level: Option<f32>,
}

impl Ground {
    pub(super) fn new(
        hf: Heightfield,
        limits: &MovementLimits,
        water_level: Option<f32>,
        threads: usize,
    ) -> Self {
        let n = hf.samples();
        let mut normals = vec![[0.0; 3]; n * n];
        for_rows(&mut normals, n, threads, |z, row| {
            for (x, v) in row.iter_mut().enumerate() {
                *v = hf.normal(x, z).to_array();
            }
        });
        let walkable = normals.iter().map(|n| limits.is_walkable(n[1])).collect();
        Self {
            hf,
            normals,
            walkable,
            limits: *limits,
            water_level,
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
    pub(super) fn reach(&self, start: (usize, usize)) -> Vec<bool> {
        reachable_with(
            &self.hf,
            &self.walkable,
            start,
            &self.limits,
            self.water_level,
        )
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
