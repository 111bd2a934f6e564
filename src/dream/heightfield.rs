//! The dream's ground: a square grid of heights, generated from layered noise.

use bevy::math::{Vec2, Vec3};

use super::math::smoothstep;
use super::noise_field;
use super::options::GenOptions;
use super::pace::run_to_end;
use super::parallel::for_rows;
use super::recipe::DreamRecipe;
use super::rng::{DreamRng, mix_seed};

/// A square grid of heights centred on the world origin.
///
/// Sample `(x, z)` sits at world `((x - h) * cell, heights[z * samples + x], (z - h) * cell)`
/// with `h = (samples - 1) / 2`. Each grid cell is two triangles split along the diagonal
/// from `(x + 1, z)` to `(x, z + 1)`; [`Heightfield::height_at`] interpolates on the same
/// triangles the mesh draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Heightfield {
    samples: usize,
    cell: f32,
    heights: Vec<f32>,
}

impl Heightfield {
    /// A heightfield from row-major heights (`heights[z * samples + x]`).
    ///
    /// # Panics
    /// If `heights.len() != samples²` or `samples < 2`: a generator bug, not user input.
    pub fn from_heights(samples: usize, cell: f32, heights: Vec<f32>) -> Self {
        assert!(samples >= 2 && heights.len() == samples * samples);
        Self {
            samples,
            cell,
            heights,
        }
    }

    /// Generates the terrain a recipe describes, with the fast pipeline on every core.
    pub fn generate(recipe: &DreamRecipe) -> Self {
        Self::generate_with(recipe, &GenOptions::default())
    }

    /// Generates the terrain a recipe describes.
    pub fn generate_with(recipe: &DreamRecipe, options: &GenOptions) -> Self {
        run_to_end(Self::make(recipe, &options.without_pace()))
    }

    /// [`Heightfield::generate_with`], pausing where `options`' pace says.
    pub(super) async fn make(recipe: &DreamRecipe, options: &GenOptions) -> Self {
        let noise = if options.reference {
            noise_field::reference_heights(recipe)
        } else {
            noise_field::shaped_noise(recipe, options).await
        };
        Self::finish(recipe, noise, options).await
    }

    /// Adds the position-bound modifiers to the shaped noise — craters, island falloff —
    /// then what every dream has: a calm landing around the centre, and a rim that curls
    /// up at the edges.
    async fn finish(recipe: &DreamRecipe, mut heights: Vec<f32>, options: &GenOptions) -> Self {
        let n = recipe.size.samples;
        let cell = recipe.size.cell();
        let half = (n - 1) as f32 * 0.5;
        let centre = n / 2;
        let craters = craters(recipe);
        let shape = &recipe.terrain;
        let a = shape.amplitude;
        for_rows(&mut heights, n, options, |z, row| {
            for (x, h) in row.iter_mut().enumerate() {
                let world = Vec2::new((x as f32 - half) * cell, (z as f32 - half) * cell);
                for crater in &craters {
                    *h += crater.depth_at(world);
                }
                if shape.island > 0.0 {
                    let r = world.length() / (half * cell);
                    *h -= a * shape.island * smoothstep(0.3, 0.8, r);
                }
            }
        })
        .await;
        let centre_height = heights[centre * n + centre];
        for_rows(&mut heights, n, options, |z, row| {
            for (x, h) in row.iter_mut().enumerate() {
                let world = Vec2::new((x as f32 - half) * cell, (z as f32 - half) * cell);
                // A calm landing around the spawn, so a dive never starts on a cliff.
                let settle = smoothstep(6.0, 16.0, world.length());
                *h = centre_height + (*h - centre_height) * settle;
                // The dream curls up at its edges: Juno cannot walk out of it.
                let edge = world.x.abs().max(world.y.abs()) / (half * cell);
                *h += shape.amplitude * (1.0 + 1.5 * shape.rim) * smoothstep(0.82, 1.0, edge);
            }
        })
        .await;
        Self::from_heights(n, cell, heights)
    }

    /// Samples per side.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// Distance between neighbouring samples, metres.
    pub fn cell(&self) -> f32 {
        self.cell
    }

    /// Every height, row-major (`heights[z * samples + x]`).
    pub fn heights(&self) -> &[f32] {
        &self.heights
    }

    /// The heights, to carve into (row-major).
    pub(super) fn heights_mut(&mut self) -> &mut [f32] {
        &mut self.heights
    }

    /// Side length in metres.
    pub fn extent(&self) -> f32 {
        self.cell * (self.samples - 1) as f32
    }

    /// Height of sample `(x, z)`.
    pub fn get(&self, x: usize, z: usize) -> f32 {
        self.heights[z * self.samples + x]
    }

    /// World position (x, z) of sample `(x, z)`.
    pub fn world_xz(&self, x: usize, z: usize) -> Vec2 {
        let half = (self.samples - 1) as f32 * 0.5;
        Vec2::new((x as f32 - half) * self.cell, (z as f32 - half) * self.cell)
    }

    /// World position of sample `(x, z)` on the surface.
    pub fn world_point(&self, x: usize, z: usize) -> Vec3 {
        let xz = self.world_xz(x, z);
        Vec3::new(xz.x, self.get(x, z), xz.y)
    }

    /// The sample nearest a world position, clamped to the grid.
    pub fn nearest_sample(&self, world: Vec2) -> (usize, usize) {
        let half = (self.samples - 1) as f32 * 0.5;
        let max = (self.samples - 1) as f32;
        let x = (world.x / self.cell + half).round().clamp(0.0, max);
        let z = (world.y / self.cell + half).round().clamp(0.0, max);
        (x as usize, z as usize)
    }

    /// The samples within `radius` metres (horizontally) of a world position.
    pub fn samples_within(&self, at: Vec2, radius: f32) -> impl Iterator<Item = (usize, usize)> {
        let n = self.samples;
        let (cx, cz) = self.nearest_sample(at);
        let span = (radius / self.cell).ceil() as usize + 1;
        let xs = cx.saturating_sub(span)..(cx + span + 1).min(n);
        (cz.saturating_sub(span)..(cz + span + 1).min(n))
            .flat_map(move |z| xs.clone().map(move |x| (x, z)))
            .filter(move |&(x, z)| self.world_xz(x, z).distance(at) <= radius)
    }

    /// Surface height at a world position, on the same triangles the mesh and collider use.
    /// Outside the grid, the nearest edge is used.
    pub fn height_at(&self, world: Vec2) -> f32 {
        let half = (self.samples - 1) as f32 * 0.5;
        let max = (self.samples - 1) as f32;
        let gx = (world.x / self.cell + half).clamp(0.0, max);
        let gz = (world.y / self.cell + half).clamp(0.0, max);
        let x0 = (gx.floor() as usize).min(self.samples - 2);
        let z0 = (gz.floor() as usize).min(self.samples - 2);
        let (fx, fz) = (gx - x0 as f32, gz - z0 as f32);
        let a = self.get(x0, z0);
        let b = self.get(x0 + 1, z0);
        let c = self.get(x0, z0 + 1);
        let d = self.get(x0 + 1, z0 + 1);
        if fx + fz <= 1.0 {
            a + (b - a) * fx + (c - a) * fz
        } else {
            d + (c - d) * (1.0 - fx) + (b - d) * (1.0 - fz)
        }
    }

    /// Unit surface normal at sample `(x, z)` (central differences).
    pub fn normal(&self, x: usize, z: usize) -> Vec3 {
        let last = self.samples - 1;
        let (xl, xr) = (x.saturating_sub(1), (x + 1).min(last));
        let (zl, zr) = (z.saturating_sub(1), (z + 1).min(last));
        let dx = (self.get(xr, z) - self.get(xl, z)) / ((xr - xl) as f32 * self.cell);
        let dz = (self.get(x, zr) - self.get(x, zl)) / ((zr - zl) as f32 * self.cell);
        Vec3::new(-dx, 1.0, -dz).normalize()
    }

    /// Lowest and highest height.
    pub fn range(&self) -> (f32, f32) {
        self.heights
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &h| {
                (lo.min(h), hi.max(h))
            })
    }

    /// A 64-bit FNV-1a hash of the exact bits of every height: equal hashes mean
    /// bit-identical terrain.
    pub fn fingerprint(&self) -> u64 {
        let mut hash = 0xcbf2_9ce4_8422_2325u64;
        for bits in self.heights.iter().map(|h| h.to_bits()) {
            for byte in bits.to_le_bytes() {
                hash ^= byte as u64;
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        hash
    }
}

/// A bowl punched into the ground, with a raised lip.
struct Crater {
    centre: Vec2,
    radius: f32,
    depth: f32,
}

impl Crater {
    /// How much the crater changes the height at `world` (negative inside, a lip of
    /// a quarter of its depth just outside).
    fn depth_at(&self, world: Vec2) -> f32 {
        let d = world.distance(self.centre) / self.radius;
        if d < 1.0 {
            -self.depth * (1.0 - d * d) + self.depth * 0.25 * d * d * d * d
        } else if d < 1.5 {
            let t = 1.0 - (d - 1.0) * 2.0;
            self.depth * 0.25 * t * t * (3.0 - 2.0 * t)
        } else {
            0.0
        }
    }
}

/// The recipe's craters: up to eight, placed by the terrain seed inside the rim and
/// away from the landing, so a loop's craters are the same craters grown deeper.
fn craters(recipe: &DreamRecipe) -> Vec<Crater> {
    let count = (recipe.terrain.craters * 8.0 + 0.5) as usize;
    let mut rng = DreamRng::new(mix_seed(recipe.terrain_seed as u64, 0xC4A7));
    let half = recipe.size.extent * 0.5;
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let radius = 6.0 + 8.0 * rng.next_f32();
        let at = Vec2::new(rng.next_f32() * 2.0 - 1.0, rng.next_f32() * 2.0 - 1.0) * (half * 0.7);
        if at.length() < 20.0 + radius {
            continue;
        }
        out.push(Crater {
            centre: at,
            radius,
            depth: radius * 0.35 * (1.0 + 0.5 * recipe.hostility),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp() -> Heightfield {
        // h = x + 10 z over a 3x3 grid with 2 m cells.
        let heights = (0..3)
            .flat_map(|z| (0..3).map(move |x| x as f32 + 10.0 * z as f32))
            .collect();
        Heightfield::from_heights(3, 2.0, heights)
    }

    #[test]
    fn samples_sit_where_documented() {
        let hf = ramp();
        assert_eq!(hf.world_xz(0, 0), Vec2::new(-2.0, -2.0));
        assert_eq!(hf.world_xz(2, 1), Vec2::new(2.0, 0.0));
        assert_eq!(hf.height_at(Vec2::new(2.0, 0.0)), hf.get(2, 1));
        assert_eq!(hf.nearest_sample(Vec2::new(1.9, -0.4)), (2, 1));
    }

    #[test]
    fn height_at_interpolates_planes_exactly() {
        let hf = ramp();
        // On a plane the triangle interpolation is exact: h(world) = (x/2+1) + 10(z/2+1).
        for &(x, z) in &[(-1.3f32, 0.7f32), (0.5, 0.5), (1.9, -1.9), (-2.0, 2.0)] {
            let expected = (x / 2.0 + 1.0) + 10.0 * (z / 2.0 + 1.0);
            assert!((hf.height_at(Vec2::new(x, z)) - expected).abs() < 1e-4);
        }
    }

    #[test]
    fn normal_of_flat_ground_points_up() {
        let hf = Heightfield::from_heights(4, 1.0, vec![3.0; 16]);
        assert_eq!(hf.normal(1, 2), Vec3::Y);
    }

    #[test]
    fn fingerprint_sees_one_bit() {
        let a = Heightfield::from_heights(2, 1.0, vec![0.0, 1.0, 2.0, 3.0]);
        let b = Heightfield::from_heights(
            2,
            1.0,
            vec![0.0, 1.0, 2.0, f32::from_bits(3.0f32.to_bits() ^ 1)],
        );
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint(), a.clone().fingerprint());
    }
}
