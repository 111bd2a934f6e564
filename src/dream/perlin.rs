//! The `noise` crate's 2D Perlin noise, the same bits, at a lower cost, and without its
//! final clamp when asked.
//!
//! The crate's `Perlin::get` picks each corner's gradient with a `match` on two bits of a
//! hash: four branches a sample that no predictor can learn. Here the two bits flip the
//! signs of the offsets instead (`a - b` is `a + (-b)` in IEEE arithmetic, so the sums
//! are the crate's to the bit), and the corner, the hash and the blend are the crate's
//! own formulas. `tests` checks the two agree bit for bit. (For coordinates of 2^53 and
//! more, where the crate's corner no longer fits an `f64` exactly or panics, the two may
//! differ; the generator's coordinates are a few thousand at most.)
//!
//! [`Perlin::unclamped`] is the signal before the crate clamps it to ±1. That signal is
//! smooth (the quintic fade makes it twice continuously differentiable), so it can be
//! sampled coarsely and interpolated; clamping afterwards moves a value no further than
//! the interpolation did (see `noise_field`).

use noise::permutationtable::{NoiseHasher, PermutationTable};

/// The crate's scale for 2D Perlin noise: 1 / (√2 / 2).
const SCALE: f64 = 2.0 / core::f64::consts::SQRT_2;

/// 2D Perlin noise with the crate's permutation table for a seed.
#[derive(Clone)]
pub struct Perlin {
    perm: [u8; 256],
}

impl Perlin {
    /// The noise `noise::Perlin::new(seed)` gives.
    pub fn new(seed: u32) -> Self {
        let table = PermutationTable::new(seed);
        // A one-element hash is the table's entry itself.
        let perm = std::array::from_fn(|i| table.hash(&[i as isize]) as u8);
        Self { perm }
    }

    /// The crate's value at `p`: the signal clamped to ±1.
    #[inline]
    pub fn get(&self, p: [f64; 2]) -> f64 {
        self.unclamped(p).clamp(-1.0, 1.0)
    }

    /// The signal at `p` before the crate's clamp to ±1 (it reaches about ±1.41).
    #[inline]
    pub fn unclamped(&self, p: [f64; 2]) -> f64 {
        let (cx, cy) = (corner(p[0]), corner(p[1]));
        let (dx, dy) = (p[0] - cx as f64, p[1] - cy as f64);
        // The crate's hash of a corner: table[table[x & 255] ^ (y & 255)].
        let (x0, x1) = (
            self.perm[cx as u8 as usize],
            self.perm[cx.wrapping_add(1) as u8 as usize],
        );
        let (y0, y1) = (cy as u8, cy.wrapping_add(1) as u8);
        let hash = |x: u8, y: u8| self.perm[(x ^ y) as usize];
        let g00 = gradient(hash(x0, y0), dx, dy);
        let g10 = gradient(hash(x1, y0), dx - 1.0, dy);
        let g01 = gradient(hash(x0, y1), dx, dy - 1.0);
        let g11 = gradient(hash(x1, y1), dx - 1.0, dy - 1.0);
        let (u, v) = (quintic(dx), quintic(dy));
        linear(linear(g00, g01, v), linear(g10, g11, v), u) * SCALE
    }
}

/// The crate's lattice corner below a coordinate (`floor_to_isize`): truncation above
/// zero, truncation less one at or below it (so an integer at or below zero belongs to
/// the cell below, and its offset is 1).
#[inline]
fn corner(v: f64) -> isize {
    // Without a branch: a coordinate's sign is as likely one way as the other.
    (v as isize).wrapping_sub(isize::from(v <= 0.0))
}

/// The dot product of the offset with the hashed diagonal gradient: bit 0 flips x's
/// sign, bit 1 flips y's, as the crate's four cases do.
#[inline]
fn gradient(hash: u8, x: f64, y: f64) -> f64 {
    let flip_x = u64::from(hash & 1) << 63;
    let flip_y = u64::from(hash & 2) << 62;
    f64::from_bits(x.to_bits() ^ flip_x) + f64::from_bits(y.to_bits() ^ flip_y)
}

/// The crate's quintic fade, with its clamp to [0, 1] (a no-op on an offset within a
/// cell, which is every offset below 2^53).
#[inline]
fn quintic(t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    t * t * t * (t * (t * 6.0 - 15.0) + 10.0)
}

/// The crate's linear blend, in its order of operations.
#[inline]
fn linear(a: f64, b: f64, t: f64) -> f64 {
    b * t + a * (1.0 - t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use noise::NoiseFn;

    /// A few hundred thousand points: random ones at several scales, and the awkward
    /// ones (integers and half-integers either side of zero, tiny offsets from zero, and
    /// coordinates past 2^53).
    fn points() -> Vec<[f64; 2]> {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut points = Vec::new();
        for scale in [1.0, 10.0, 300.0, 1e5] {
            for _ in 0..50_000 {
                points.push([(next() - 0.5) * scale, (next() - 0.5) * scale]);
            }
        }
        let awkward = [
            -2.0,
            -1.5,
            -1.0,
            -0.5,
            -1e-300,
            -0.0,
            0.0,
            1e-300,
            0.5,
            1.0,
            255.0,
            256.0,
            -256.0,
            // Past 2^53 the crate's corner rounds to a whole cell off: its clamped fade
            // decides the value.
            -9_007_199_254_740_994.0,
            9_007_199_254_740_994.0,
        ];
        for &x in &awkward {
            for &y in &awkward {
                points.push([x, y]);
            }
        }
        points
    }

    #[test]
    fn the_same_bits_as_the_noise_crate() {
        let points = points();
        for seed in [0, 1, 7, 12345, u32::MAX] {
            let ours = Perlin::new(seed);
            let theirs = noise::Perlin::new(seed);
            for &p in &points {
                let (a, b) = (ours.get(p), theirs.get(p));
                assert_eq!(
                    a.to_bits(),
                    b.to_bits(),
                    "seed {seed} at {p:?}: {a} against {b}"
                );
            }
        }
    }

    #[test]
    fn unclamped_goes_past_one_where_the_crate_clamps() {
        let ours = Perlin::new(3);
        let points = points();
        let beyond = points
            .iter()
            .filter(|p| ours.unclamped(**p).abs() > 1.0)
            .count();
        assert!(beyond > 0, "no point past ±1: the clamp would never matter");
        let most = points
            .iter()
            .map(|p| ours.unclamped(*p).abs())
            .fold(0.0, f64::max);
        assert!(most <= SCALE + 1e-9, "{most}");
    }
}
