//! Fast evaluation of a recipe's layered noise over the whole grid.
//!
//! The reference ([`Reference`]) evaluates the `noise` crate's fractals at every sample,
//! one sample at a time. The pipeline ([`shaped_noise`]) computes the same function
//! faster, without changing what it is:
//!
//! - **Octave planes.** Every fractal is a per-sample combination of raw Perlin octaves.
//!   Each octave's raw signal is computed for the whole grid as a plane; low-frequency
//!   octaves (smooth at this sample spacing) are evaluated on a coarser grid and
//!   upsampled with cubic Lagrange interpolation. The non-linear parts (billow's fold,
//!   ridged's crease and weights) are applied per sample afterwards, so a crease stays
//!   sharp where it is. Octaves too fine for a coarser grid are evaluated exactly, with
//!   the crate's own arithmetic (its Perlin noise as [`super::perlin`] computes it,
//!   without branches a sample), so they match the reference bit for bit.
//! - **A row at a time.** A fractal is folded octave by octave along a row of samples
//!   ([`Fractal::combine_row`]), not a closure call per octave per sample.
//! - **Pixel lattice.** A pixel-stepped dream is constant over each pixel cell, so it is
//!   evaluated once per cell Juno's grid touches, exactly.
//! - **Rows in parallel** on `threads` threads (one in the browser).
//!
//! `tests/game/dream_generator.rs` checks the result stays within 0.5% of the height range of
//! the reference for the shipped dreamers, several loops and random profiles.

use noise::{Billow, Fbm, MultiFractal, NoiseFn, RidgedMulti};

use super::math::smoothstep;
use super::options::GenOptions;
use super::parallel::{for_rows, in_bands};
use super::perlin::Perlin;
use super::recipe::DreamRecipe;

/// Samples per wavelength below which an octave is evaluated exactly at every sample.
/// Cubic interpolation of a sine sampled 16 times per wavelength is within 0.06% of its
/// amplitude.
const SAMPLES_PER_WAVELENGTH: f64 = 16.0;

/// A bound on the slope of the crate's 2D Perlin noise per unit of frequency (it is 2 at
/// lattice corners; the fade curves add a little between them).
const PERLIN_SLOPE: f64 = 3.5;

/// Lacunarity the `noise` crate's fractals use unless told otherwise (2π/3); the warp
/// layers use it.
const DEFAULT_LACUNARITY: f64 = core::f64::consts::PI * 2.0 / 3.0;

/// The noise layers a height is made of.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Layer {
    Fbm,
    Ridged,
    Billow,
    Chasm,
}

/// How the octaves of a fractal are folded and summed.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Fbm,
    Billow,
    Ridged,
}

/// One fractal layer with the `noise` crate's formulas (`Fbm`, `Billow`, `RidgedMulti`)
/// and access to each octave, so octaves can be evaluated separately.
struct Fractal {
    sources: Vec<Perlin>,
    frequency: f64,
    lacunarity: f64,
    persistence: f64,
    shape: Shape,
    scale: f64,
}

impl Fractal {
    fn new(shape: Shape, seed: u32, octaves: usize, frequency: f64, lacunarity: f64) -> Self {
        let persistence: f64 = match shape {
            Shape::Fbm | Shape::Billow => 0.5,
            Shape::Ridged => 1.0,
        };
        let scale = match shape {
            Shape::Fbm | Shape::Billow => {
                1.0 / (1..=octaves).fold(0.0, |acc, x| acc + power(persistence, x))
            }
            Shape::Ridged => ridged_scale(persistence, 2.0, octaves),
        };
        Self {
            // The crate seeds octave i with seed + i.
            sources: (0..octaves)
                .map(|i| Perlin::new(seed.wrapping_add(i as u32)))
                .collect(),
            frequency,
            lacunarity,
            persistence,
            shape,
            scale,
        }
    }

    /// Octave `i`'s sample point for a domain point, multiplied exactly as the crate does.
    fn octave_point(&self, p: [f64; 2], i: usize) -> [f64; 2] {
        (0..i).fold(self.first_octave_point(p), |q, _| self.next_octave_point(q))
    }

    /// The first octave's sample point for a domain point: scaled by the frequency.
    fn first_octave_point(&self, p: [f64; 2]) -> [f64; 2] {
        [p[0] * self.frequency, p[1] * self.frequency]
    }

    /// The next octave's sample point after `q`: scaled by the lacunarity.
    fn next_octave_point(&self, q: [f64; 2]) -> [f64; 2] {
        [q[0] * self.lacunarity, q[1] * self.lacunarity]
    }

    /// Octave `i`'s frequency, cycles per metre.
    fn octave_frequency(&self, i: usize) -> f64 {
        self.frequency * power(self.lacunarity, i)
    }

    /// Octave `i`'s share of the layer's value, for choosing how finely to sample it.
    fn octave_weight(&self, i: usize) -> f64 {
        match self.shape {
            Shape::Fbm | Shape::Billow => power(self.persistence, i + 1) * self.scale,
            Shape::Ridged => self.scale,
        }
    }

    /// Folds raw octave signals into the layer's value at each domain point of a row,
    /// with the crate's arithmetic, the same bits at every point as the crate's fractal
    /// there. Octave by octave, `raw(i, q, signal)` fills octave `i`'s signal at each
    /// sample point `q` (scaled exactly as the crate scales it); the folds run along the
    /// row, loops without a call in them, rather than a closure call a sample.
    fn combine_row(
        &self,
        points: &[[f64; 2]],
        out: &mut [f64],
        space: Space<'_>,
        mut raw: impl FnMut(usize, &[[f64; 2]], &mut [f64]),
    ) {
        let n = points.len();
        let (out, q, signal) = (&mut out[..n], &mut space.q[..n], &mut space.signal[..n]);
        for (q, p) in q.iter_mut().zip(points) {
            *q = self.first_octave_point(*p);
        }
        let next = |q: &mut [[f64; 2]]| {
            for q in q {
                *q = self.next_octave_point(*q);
            }
        };
        out.fill(0.0);
        match self.shape {
            Shape::Fbm | Shape::Billow => {
                let mut attenuation = self.persistence;
                for i in 0..self.sources.len() {
                    raw(i, q, signal);
                    next(q);
                    if self.shape == Shape::Billow {
                        // The crate's `scale_shift` (a `mul_add`): the same bits here, as ×2
                        // is exact, without the platform's `fma`.
                        for s in signal.iter_mut() {
                            *s = s.abs() * 2.0 - 1.0;
                        }
                    }
                    for (result, s) in out.iter_mut().zip(signal.iter()) {
                        *result += s * attenuation;
                    }
                    attenuation *= self.persistence;
                }
                for result in out.iter_mut() {
                    *result *= self.scale;
                }
            }
            Shape::Ridged => {
                let weight = &mut space.weight[..n];
                weight.fill(1.0);
                let mut attenuation = 1.0;
                for i in 0..self.sources.len() {
                    raw(i, q, signal);
                    next(q);
                    for ((result, s), weight) in
                        out.iter_mut().zip(signal.iter()).zip(weight.iter_mut())
                    {
                        let mut s = 1.0 - s.abs();
                        s *= s;
                        s *= *weight;
                        *weight = (s / 2.0).clamp(0.0, 1.0);
                        s *= attenuation;
                        *result += s;
                    }
                    attenuation *= self.persistence;
                }
                for result in out.iter_mut() {
                    *result = *result * self.scale - 1.0;
                }
            }
        }
    }

    /// The layer's value at a domain point, every octave exact.
    fn get(&self, p: [f64; 2]) -> f64 {
        let (mut q, mut signal, mut weight, mut out) = ([[0.0; 2]], [0.0], [0.0], [0.0]);
        let space = Space {
            q: &mut q,
            signal: &mut signal,
            weight: &mut weight,
        };
        self.combine_row(&[p], &mut out, space, |i, q, signal| {
            signal[0] = self.sources[i].get(q[0]);
        });
        out[0]
    }
}

/// Working space for [`Fractal::combine_row`], at least a row long: each sample's point
/// for the octave at hand, its signal, and (ridged) its weight.
struct Space<'s> {
    q: &'s mut [[f64; 2]],
    signal: &'s mut [f64],
    weight: &'s mut [f64],
}

/// A row's [`Space`], owned, with room for a plane's row: made once per row a pass
/// works on.
struct RowSpace {
    q: Vec<[f64; 2]>,
    signal: Vec<f64>,
    weight: Vec<f64>,
    /// A plane's row, read before it is clamped into `signal` ([`Planes::row`]).
    plane: Vec<f32>,
}

impl RowSpace {
    fn new(n: usize) -> Self {
        Self {
            q: vec![[0.0; 2]; n],
            signal: vec![0.0; n],
            weight: vec![0.0; n],
            plane: vec![0.0; n],
        }
    }
}

/// `x` to the power `n`, by multiplying: the platform's `powi` promises no rounding.
/// The same bits as `powi` wherever it is used here (powers of two, or `n` ≤ 2).
fn power(x: f64, n: usize) -> f64 {
    (0..n).fold(1.0, |acc, _| acc * x)
}

/// `RidgedMulti`'s normalisation for its persistence, attenuation and octave count.
fn ridged_scale(persistence: f64, attenuation: f64, octaves: usize) -> f64 {
    let (mut amplitude, mut signal) = (1.0f64, 1.0f64);
    let mut denom = signal;
    denom += (1..=octaves).fold(0.0, |acc, x| {
        amplitude *= persistence;
        let weight = (signal / power(attenuation, x)).clamp(0.0, 1.0);
        signal = weight * amplitude;
        acc + signal
    });
    2.0 / denom
}

/// The layers of one recipe, built once (never per sample).
pub(super) struct Layers<'r> {
    recipe: &'r DreamRecipe,
    fbm: Fractal,
    ridged: Fractal,
    billow: Fractal,
    warp_x: Fractal,
    warp_z: Fractal,
    chasm: Perlin,
    /// Shares of each layer in the mix, normalised.
    shares: [f32; 3],
}

impl<'r> Layers<'r> {
    pub(super) fn new(recipe: &'r DreamRecipe) -> Self {
        let seed = recipe.terrain_seed;
        let (freq, octaves) = (recipe.frequency, recipe.octaves);
        let shape = &recipe.terrain;
        let smooth = (1.0 - shape.ridged - shape.billow).max(0.0);
        let total = (smooth + shape.ridged + shape.billow).max(1e-6);
        Self {
            recipe,
            fbm: Fractal::new(Shape::Fbm, seed, octaves, freq, 2.0),
            ridged: Fractal::new(Shape::Ridged, seed.wrapping_add(1), octaves, freq, 2.0),
            billow: Fractal::new(
                Shape::Billow,
                seed.wrapping_add(2),
                octaves.min(4),
                freq,
                2.0,
            ),
            warp_x: Fractal::new(
                Shape::Fbm,
                seed.wrapping_add(3),
                3,
                freq * 0.7,
                DEFAULT_LACUNARITY,
            ),
            warp_z: Fractal::new(
                Shape::Fbm,
                seed.wrapping_add(4),
                3,
                freq * 0.7,
                DEFAULT_LACUNARITY,
            ),
            chasm: Perlin::new(seed.wrapping_add(5)),
            shares: [smooth / total, shape.ridged / total, shape.billow / total],
        }
    }

    /// The domain point a world position samples: drifted, then warped.
    fn domain_point(&self, world: [f32; 2], warp: [f64; 2]) -> [f64; 2] {
        let r = self.recipe;
        let p = [world[0] as f64 + r.drift[0], world[1] as f64 + r.drift[1]];
        [
            p[0] + r.terrain.warp as f64 * warp[0],
            p[1] + r.terrain.warp as f64 * warp[1],
        ]
    }

    /// Snaps a domain point to the centre of its pixel cell (pixel-stepped dreams).
    fn pixel_cell(&self, p: [f64; 2]) -> [i64; 2] {
        let s = self.recipe.terrain.pixel_step as f64;
        [(p[0] / s).floor() as i64, (p[1] / s).floor() as i64]
    }

    fn pixel_centre(&self, cell: [i64; 2]) -> [f64; 2] {
        let s = self.recipe.terrain.pixel_step as f64;
        [cell[0] as f64 * s + s * 0.5, cell[1] as f64 * s + s * 0.5]
    }

    fn pixelated(&self) -> bool {
        self.recipe.terrain.pixel_step > 0.25
    }

    /// Whether the pixel lattice saves work: pixels at least a sample wide (else there
    /// are more pixels than samples to evaluate).
    fn lattice_pays(&self) -> bool {
        self.pixelated() && self.recipe.terrain.pixel_step >= self.recipe.size.cell()
    }

    /// The shaped height from the three fractal values and the chasm signal at a point.
    fn shape(&self, fbm: f64, ridged: f64, billow: f64, chasm: f64) -> f32 {
        let r = &self.recipe.terrain;
        let [s_fbm, s_ridged, s_billow] = self.shares;
        let mut n = 0.0f32;
        if s_fbm > 0.0 {
            n += fbm as f32 * s_fbm;
        }
        if s_ridged > 0.0 {
            n += ridged as f32 * s_ridged;
        }
        if s_billow > 0.0 {
            n += billow as f32 * s_billow;
        }
        let mut h = n * r.amplitude;
        if r.terraces > 0.0 {
            let step = 2.0 * r.amplitude / r.terrace_steps;
            let t = h / step;
            // Each terrace is flat for three quarters of its step, then ramps up to the
            // next (`t - floor(t)`, not `fract`, which is negative below zero).
            let stepped = (t.floor() + smoothstep(0.75, 1.0, t - t.floor())) * step;
            h += (stepped - h) * r.terraces;
        }
        if r.chasm > 0.0 {
            let c = chasm.abs() as f32;
            let width = 0.07 * r.chasm;
            if c < width {
                let depth = r.amplitude * 1.4 * r.chasm;
                let k = 1.0 - c / width;
                h -= depth * k * k;
            }
        }
        h
    }

    fn chasm_point(&self, p: [f64; 2]) -> [f64; 2] {
        let f = self.recipe.frequency;
        [p[0] * f * 0.6, p[1] * f * 0.6]
    }

    /// The shaped height at a domain point (after warping), every octave exact.
    fn height_at_domain(&self, p: [f64; 2]) -> f32 {
        self.shape_at(p, |layer, q| match layer {
            Layer::Fbm => self.fbm.get(q),
            Layer::Ridged => self.ridged.get(q),
            Layer::Billow => self.billow.get(q),
            Layer::Chasm => self.chasm.get(q),
        })
    }

    /// The shaped height at domain point `p`, with `layer(which, q)` giving each layer's
    /// value at its sample point `q`. Layers the recipe does not use are not evaluated.
    fn shape_at(&self, p: [f64; 2], layer: impl Fn(Layer, [f64; 2]) -> f64) -> f32 {
        let [s_fbm, s_ridged, s_billow] = self.shares;
        let used = |share: f32, which: Layer| if share > 0.0 { layer(which, p) } else { 0.0 };
        let chasm = if self.recipe.terrain.chasm > 0.0 {
            layer(Layer::Chasm, self.chasm_point(p))
        } else {
            0.0
        };
        self.shape(
            used(s_fbm, Layer::Fbm),
            used(s_ridged, Layer::Ridged),
            used(s_billow, Layer::Billow),
            chasm,
        )
    }

    /// How much the warp stretches the domain at most: 1 + warp × the warp field's
    /// steepest slope. Octaves sampled through the warp vary this much faster.
    fn warp_stretch(&self) -> f64 {
        let w = &self.warp_x;
        let slope: f64 = (0..w.sources.len())
            .map(|i| w.octave_weight(i) * PERLIN_SLOPE * w.octave_frequency(i))
            .sum();
        1.0 + self.recipe.terrain.warp.max(0.0) as f64 * slope
    }
}

/// The grid the noise is evaluated on.
#[derive(Clone, Copy)]
struct Grid {
    n: usize,
    cell: f32,
    half: f32,
}

impl Grid {
    fn world(&self, x: usize, z: usize) -> [f32; 2] {
        [
            (x as f32 - self.half) * self.cell,
            (z as f32 - self.half) * self.cell,
        ]
    }

    /// The coarsest stride (a power of two dividing the grid, at least 4 coarse
    /// intervals) that samples `frequency` (cycles per metre) at least `spw` times per
    /// wavelength.
    fn stride_for(&self, frequency: f64, spw: f64) -> usize {
        let max_step = 1.0 / (frequency.max(1e-9) * spw);
        let mut s = 1;
        while (2 * s) as f64 * self.cell as f64 <= max_step
            && (self.n - 1).is_multiple_of(2 * s)
            && (self.n - 1) / (2 * s) >= 3
        {
            s *= 2;
        }
        s
    }
}

/// The reference: the `noise` crate's own fractals, evaluated naively at every sample.
/// The benchmark's baseline and the yardstick of the pipeline's accuracy.
pub struct Reference {
    fbm: Fbm<noise::Perlin>,
    ridged: RidgedMulti<noise::Perlin>,
    billow: Billow<noise::Perlin>,
    warp_x: Fbm<noise::Perlin>,
    warp_z: Fbm<noise::Perlin>,
    chasm: noise::Perlin,
}

impl Reference {
    pub fn new(recipe: &DreamRecipe) -> Self {
        let seed = recipe.terrain_seed;
        let (freq, octaves) = (recipe.frequency, recipe.octaves);
        Self {
            fbm: Fbm::<noise::Perlin>::new(seed)
                .set_octaves(octaves)
                .set_frequency(freq)
                .set_lacunarity(2.0),
            ridged: RidgedMulti::<noise::Perlin>::new(seed.wrapping_add(1))
                .set_octaves(octaves)
                .set_frequency(freq)
                .set_lacunarity(2.0),
            billow: Billow::<noise::Perlin>::new(seed.wrapping_add(2))
                .set_octaves(octaves.min(4))
                .set_frequency(freq)
                .set_lacunarity(2.0),
            warp_x: Fbm::<noise::Perlin>::new(seed.wrapping_add(3))
                .set_octaves(3)
                .set_frequency(freq * 0.7),
            warp_z: Fbm::<noise::Perlin>::new(seed.wrapping_add(4))
                .set_octaves(3)
                .set_frequency(freq * 0.7),
            chasm: noise::Perlin::new(seed.wrapping_add(5)),
        }
    }

    /// The shaped height at a world position, before the landing and the rim.
    fn height(&self, layers: &Layers, world: [f32; 2]) -> f32 {
        let unwarped = layers.domain_point(world, [0.0, 0.0]);
        let mut p = unwarped;
        if layers.recipe.terrain.warp > 0.0 {
            let warp = [self.warp_x.get(unwarped), self.warp_z.get(unwarped)];
            p = layers.domain_point(world, warp);
        }
        if layers.pixelated() {
            p = layers.pixel_centre(layers.pixel_cell(p));
        }
        layers.shape_at(p, |layer, q| match layer {
            Layer::Fbm => self.fbm.get(q),
            Layer::Ridged => self.ridged.get(q),
            Layer::Billow => self.billow.get(q),
            Layer::Chasm => self.chasm.get(q),
        })
    }
}

/// The shaped noise height of every sample (row-major), evaluated naively with the
/// `noise` crate's fractals, one sample at a time on one thread.
pub fn reference_heights(recipe: &DreamRecipe) -> Vec<f32> {
    let layers = Layers::new(recipe);
    let reference = Reference::new(recipe);
    let grid = grid_of(recipe);
    let mut out = Vec::with_capacity(grid.n * grid.n);
    for z in 0..grid.n {
        for x in 0..grid.n {
            out.push(reference.height(&layers, grid.world(x, z)));
        }
    }
    out
}

fn grid_of(recipe: &DreamRecipe) -> Grid {
    let n = recipe.size.samples;
    Grid {
        n,
        cell: recipe.size.cell(),
        half: (n - 1) as f32 * 0.5,
    }
}

/// The shaped noise height of every sample (row-major): the fast pipeline. Reports
/// progress up to 0.6 of the whole generation.
pub(super) async fn shaped_noise(recipe: &DreamRecipe, options: &GenOptions) -> Vec<f32> {
    let progress = |f: f32| options.report(f * 0.6);
    let layers = Layers::new(recipe);
    let grid = grid_of(recipe);
    let n = grid.n;
    // 1. Where each sample reads the noise: its drifted, warped domain point.
    let mut points: Vec<[f64; 2]> = vec![[0.0; 2]; n * n];
    let unwarped = |i: usize| layers.domain_point(grid.world(i % n, i / n), [0.0, 0.0]);
    if recipe.terrain.warp > 0.0 {
        let wx = Planes::new(&layers.warp_x, &unwarped, grid, 1.0, 1.0, options).await;
        let wz = Planes::new(&layers.warp_z, &unwarped, grid, 1.0, 1.0, options).await;
        // Within this distance of a pixel cell's edge, the interpolated warp could put a
        // sample in the neighbouring cell (a whole terrace step off): such samples are
        // warped exactly. Interpolation errs by about 0.1% of the warp; this is 10 times that.
        let doubt = 0.01 * recipe.terrain.warp as f64;
        let pixel = recipe.terrain.pixel_step as f64;
        let near_edge = |v: f64| {
            let t = v / pixel;
            let f = (t - t.floor()) * pixel;
            f < doubt || pixel - f < doubt
        };
        for_rows(&mut points, n, options, |z, row| {
            let base: Vec<[f64; 2]> = (z * n..(z + 1) * n).map(unwarped).collect();
            let (mut warp_x, mut warp_z) = (vec![0.0; n], vec![0.0; n]);
            let mut space = RowSpace::new(n);
            wx.row(z, &base, &mut warp_x, &mut space);
            wz.row(z, &base, &mut warp_z, &mut space);
            for (x, p) in row.iter_mut().enumerate() {
                let world = grid.world(x, z);
                *p = layers.domain_point(world, [warp_x[x], warp_z[x]]);
                if layers.pixelated() && (near_edge(p[0]) || near_edge(p[1])) {
                    let exact = [layers.warp_x.get(base[x]), layers.warp_z.get(base[x])];
                    *p = layers.domain_point(world, exact);
                }
            }
        })
        .await;
    } else {
        for_rows(&mut points, n, options, |z, row| {
            for (i, p) in (z * n..).zip(row.iter_mut()) {
                *p = unwarped(i);
            }
        })
        .await;
    }
    progress(0.15);
    let heights = if layers.lattice_pays() {
        pixel_lattice_heights(&layers, &points, options).await
    } else if layers.pixelated() {
        // Pixels finer than the samples: each sample reads its pixel's centre, exactly.
        let mut heights = vec![0.0f32; n * n];
        for_rows(&mut heights, n, options, |z, row| {
            for (h, p) in row.iter_mut().zip(&points[z * n..]) {
                *h = layers.height_at_domain(layers.pixel_centre(layers.pixel_cell(*p)));
            }
        })
        .await;
        heights
    } else {
        let stretch = layers.warp_stretch();
        let [s_fbm, s_ridged, s_billow] = layers.shares;
        let at = |i: usize| points[i];
        let plane = async |fractal, share: f32| {
            let weight = share as f64;
            if share > 0.0 {
                Some(Planes::new(fractal, &at, grid, stretch, weight, options).await)
            } else {
                None
            }
        };
        let fbm = plane(&layers.fbm, s_fbm).await;
        let ridged = plane(&layers.ridged, s_ridged).await;
        let billow = plane(&layers.billow, s_billow).await;
        let chasm = if recipe.terrain.chasm > 0.0 {
            let f = recipe.frequency * 0.6;
            let stride = grid.stride_for(f * stretch, SAMPLES_PER_WAVELENGTH);
            let signal = |p| layers.chasm.unclamped(layers.chasm_point(p));
            Some(octave_plane(&at, grid, stride, options, signal).await)
        } else {
            None
        };
        progress(0.3);
        // Chasms amplify their signal ~40-fold near their edges: where the interpolated
        // signal is near the chasm band, it is evaluated exactly.
        let chasm_doubt = 0.07 * recipe.terrain.chasm as f64 + 0.01;
        let mut heights = vec![0.0f32; n * n];
        for_rows(&mut heights, n, options, |z, row| {
            let first = z * n;
            let row_points = &points[first..first + n];
            let mut space = RowSpace::new(n);
            let mut layer = |planes: &Option<Planes>| {
                let mut values = vec![0.0; n];
                if let Some(planes) = planes {
                    planes.row(z, row_points, &mut values, &mut space);
                }
                values
            };
            let (fbm, ridged, billow) = (layer(&fbm), layer(&ridged), layer(&billow));
            let mut chasm_row = vec![0.0f32; n];
            if let Some(plane) = &chasm {
                plane.row(z, &mut chasm_row);
            }
            for (x, h) in row.iter_mut().enumerate() {
                let c = if chasm.is_some() {
                    let c = (chasm_row[x] as f64).clamp(-1.0, 1.0);
                    if c.abs() < chasm_doubt {
                        layers.chasm.get(layers.chasm_point(row_points[x]))
                    } else {
                        c
                    }
                } else {
                    0.0
                };
                *h = layers.shape(fbm[x], ridged[x], billow[x], c);
            }
        })
        .await;
        heights
    };
    progress(0.8);
    heights
}

/// A fractal layer ready to evaluate at every sample: the octaves smooth enough for a
/// coarser grid are precomputed as upsampled planes; the rest are evaluated per sample.
struct Planes<'f> {
    fractal: &'f Fractal,
    /// Per octave, its plane of the signal before the clamp to ±1 (see [`Planes::row`]),
    /// if it was smooth enough to sample coarsely.
    coarse: Vec<Option<Plane>>,
}

impl<'f> Planes<'f> {
    /// `weight` is the layer's share of the terrain's height (1 for the warp).
    async fn new(
        fractal: &'f Fractal,
        points: &(dyn Fn(usize) -> [f64; 2] + Sync),
        grid: Grid,
        stretch: f64,
        weight: f64,
        options: &GenOptions,
    ) -> Self {
        let mut coarse = Vec::with_capacity(fractal.sources.len());
        for i in 0..fractal.sources.len() {
            let frequency = fractal.octave_frequency(i) * stretch;
            // A weaker octave (or a weaker layer) can be sampled more coarsely for the
            // same error in the height: a cubic's error shrinks with the fourth power of
            // the spacing.
            let share = weight * fractal.octave_weight(i) / fractal.octave_weight(0);
            let spw = SAMPLES_PER_WAVELENGTH * libm::pow(share.clamp(1e-6, 1.0), 0.25);
            let stride = grid.stride_for(frequency, spw);
            let source = &fractal.sources[i];
            coarse.push(if stride > 1 {
                let signal = |p| source.unclamped(fractal.octave_point(p, i));
                Some(octave_plane(points, grid, stride, options, signal).await)
            } else {
                None
            });
        }
        Self { fractal, coarse }
    }

    /// The layer's value at each sample of row `z`, whose domain points are `points`.
    ///
    /// The crate's Perlin noise is clamped to ±1, which puts a kink where it saturates,
    /// and a cubic would round a kink off. So a plane holds the signal before the clamp
    /// (smooth: its fade curves make it twice continuously differentiable), and the
    /// interpolated value is clamped here: a clamp moves two values no further apart, so
    /// the error stays the interpolation's.
    fn row(&self, z: usize, points: &[[f64; 2]], out: &mut [f64], space: &mut RowSpace) {
        let fractal = self.fractal;
        let RowSpace {
            q,
            signal,
            weight,
            plane: plane_row,
        } = space;
        let plane_row = &mut plane_row[..points.len()];
        let space = Space { q, signal, weight };
        fractal.combine_row(points, out, space, |o, q, signal| {
            let source = &fractal.sources[o];
            match &self.coarse[o] {
                Some(plane) => {
                    plane.row(z, plane_row);
                    for (s, &v) in signal.iter_mut().zip(plane_row.iter()) {
                        *s = (v as f64).clamp(-1.0, 1.0);
                    }
                }
                None => {
                    for (s, q) in signal.iter_mut().zip(q) {
                        *s = source.get(*q);
                    }
                }
            }
        });
    }
}

/// One raw signal over the grid, a row at a time (see [`octave_plane`]).
enum Plane {
    /// Evaluated at every sample.
    Full { values: Vec<f32>, n: usize },
    /// Evaluated at every `stride`-th sample of every `stride`-th row and interpolated
    /// along those rows (`wide`: a full-width row per coarse row); a row between them is
    /// interpolated from four of them when it is read, so no grid-sized plane is written
    /// and read back.
    Coarse {
        wide: Vec<f32>,
        n: usize,
        stencil: Stencil,
    },
}

impl Plane {
    /// Row `z` of the signal, into `out` (`n` long).
    fn row(&self, z: usize, out: &mut [f32]) {
        match self {
            Plane::Full { values, n } => out.copy_from_slice(&values[z * n..(z + 1) * n]),
            Plane::Coarse { wide, n, stencil } => {
                let (base, w) = stencil.taps[z];
                let rows = [0, 1, 2, 3].map(|m| &wide[(base + m) * n..(base + m + 1) * n]);
                for (x, v) in out.iter_mut().enumerate() {
                    *v = w[0] * rows[0][x]
                        + w[1] * rows[1][x]
                        + w[2] * rows[2][x]
                        + w[3] * rows[3][x];
                }
            }
        }
    }
}

/// One raw signal over the grid: evaluated at every `stride`-th sample and upsampled
/// with cubic Lagrange interpolation, or at every sample when `stride` is 1.
async fn octave_plane(
    points: &(dyn Fn(usize) -> [f64; 2] + Sync),
    grid: Grid,
    stride: usize,
    options: &GenOptions,
    signal: impl Fn([f64; 2]) -> f64 + Sync + Send,
) -> Plane {
    let n = grid.n;
    if stride == 1 {
        let mut values = vec![0.0f32; n * n];
        for_rows(&mut values, n, options, |z, row| {
            for (x, v) in row.iter_mut().enumerate() {
                *v = signal(points(z * n + x)) as f32;
            }
        })
        .await;
        return Plane::Full { values, n };
    }
    let cn = (n - 1) / stride + 1;
    // The coarse samples, interpolated along x into full-width rows (along z when read).
    let stencil = Stencil::new(n, stride);
    let mut wide = vec![0.0f32; cn * n];
    for_rows(&mut wide, n, options, |j, row| {
        let coarse: Vec<f32> = (0..cn)
            .map(|k| signal(points(j * stride * n + k * stride)) as f32)
            .collect();
        for (x, v) in row.iter_mut().enumerate() {
            *v = stencil.apply(x, |m| coarse[m]);
        }
    })
    .await;
    Plane::Coarse { wide, n, stencil }
}

/// Cubic Lagrange weights for upsampling `stride`-spaced samples to every sample.
struct Stencil {
    /// Per fine index: the first of the four coarse nodes, and their weights.
    taps: Vec<(usize, [f32; 4])>,
}

impl Stencil {
    fn new(n: usize, stride: usize) -> Self {
        let cn = (n - 1) / stride + 1;
        let taps = (0..n)
            .map(|i| {
                let k = (i / stride).min(cn - 2);
                let t = (i - k * stride) as f64 / stride as f64;
                // Four nodes around the interval, shifted inwards at the borders.
                let base = k.saturating_sub(1).min(cn - 4);
                let u = (k - base) as f64 + t;
                let w = [
                    -(u - 1.0) * (u - 2.0) * (u - 3.0) / 6.0,
                    u * (u - 2.0) * (u - 3.0) / 2.0,
                    -u * (u - 1.0) * (u - 3.0) / 2.0,
                    u * (u - 1.0) * (u - 2.0) / 6.0,
                ];
                (base, w.map(|w| w as f32))
            })
            .collect();
        Self { taps }
    }

    fn apply(&self, i: usize, node: impl Fn(usize) -> f32) -> f32 {
        let (base, w) = self.taps[i];
        w[0] * node(base) + w[1] * node(base + 1) + w[2] * node(base + 2) + w[3] * node(base + 3)
    }
}

/// Heights of a pixel-stepped dream: each pixel cell a sample falls in is evaluated
/// once, exactly, then every sample takes its cell's height.
async fn pixel_lattice_heights(
    layers: &Layers<'_>,
    points: &[[f64; 2]],
    options: &GenOptions,
) -> Vec<f32> {
    let n = layers.recipe.size.samples;
    let mut cells = vec![[0i64; 2]; points.len()];
    for_rows(&mut cells, n, options, |z, row| {
        for (c, p) in row.iter_mut().zip(&points[z * n..]) {
            *c = layers.pixel_cell(*p);
        }
    })
    .await;
    let (mut lo, mut hi) = ([i64::MAX; 2], [i64::MIN; 2]);
    for c in &cells {
        for a in 0..2 {
            lo[a] = lo[a].min(c[a]);
            hi[a] = hi[a].max(c[a]);
        }
    }
    let width = (hi[0] - lo[0] + 1) as usize;
    let depth = (hi[1] - lo[1] + 1) as usize;
    let index = |c: &[i64; 2]| (c[1] - lo[1]) as usize * width + (c[0] - lo[0]) as usize;
    let mut used = vec![false; width * depth];
    for c in &cells {
        used[index(c)] = true;
    }
    let mut lattice = vec![0.0f32; width * depth];
    // Few cells, each a full evaluation of every layer: always worth the threads.
    in_bands(&mut lattice, width, options, |row_z, row| {
        for (col, h) in row.iter_mut().enumerate() {
            if used[row_z * width + col] {
                let cell = [lo[0] + col as i64, lo[1] + row_z as i64];
                *h = layers.height_at_domain(layers.pixel_centre(cell));
            }
        }
    })
    .await;
    let mut heights = vec![0.0f32; points.len()];
    for_rows(&mut heights, n, options, |z, row| {
        for (h, c) in row.iter_mut().zip(&cells[z * n..]) {
            *h = lattice[index(c)];
        }
    })
    .await;
    heights
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractals_match_the_noise_crate() {
        let p = [12.345, -67.89];
        let cases: [(Fractal, Box<dyn NoiseFn<f64, 2>>); 4] = [
            (
                Fractal::new(Shape::Fbm, 7, 6, 0.012, 2.0),
                Box::new(
                    Fbm::<noise::Perlin>::new(7)
                        .set_octaves(6)
                        .set_frequency(0.012)
                        .set_lacunarity(2.0),
                ),
            ),
            (
                Fractal::new(Shape::Ridged, 9, 6, 0.02, 2.0),
                Box::new(
                    RidgedMulti::<noise::Perlin>::new(9)
                        .set_octaves(6)
                        .set_frequency(0.02)
                        .set_lacunarity(2.0),
                ),
            ),
            (
                Fractal::new(Shape::Billow, 11, 4, 0.02, 2.0),
                Box::new(
                    Billow::<noise::Perlin>::new(11)
                        .set_octaves(4)
                        .set_frequency(0.02)
                        .set_lacunarity(2.0),
                ),
            ),
            (
                Fractal::new(Shape::Fbm, 3, 3, 0.008, DEFAULT_LACUNARITY),
                Box::new(
                    Fbm::<noise::Perlin>::new(3)
                        .set_octaves(3)
                        .set_frequency(0.008),
                ),
            ),
        ];
        // A row of points folded at once gives each point the crate's bits too.
        let row: Vec<[f64; 2]> = (0..300)
            .map(|i| [i as f64 * 0.731 - 100.0, (i * i) as f64 * 0.013 - 50.0])
            .collect();
        for (ours, theirs) in &cases {
            assert_eq!(ours.get(p), theirs.get(p), "{:?}", ours.shape);
            let mut space = RowSpace::new(row.len());
            let mut values = vec![0.0; row.len()];
            let space = Space {
                q: &mut space.q,
                signal: &mut space.signal,
                weight: &mut space.weight,
            };
            ours.combine_row(&row, &mut values, space, |i, q, signal| {
                for (s, q) in signal.iter_mut().zip(q) {
                    *s = ours.sources[i].get(*q);
                }
            });
            for (value, q) in values.iter().zip(&row) {
                assert_eq!(
                    value.to_bits(),
                    theirs.get(*q).to_bits(),
                    "{:?} at {q:?}",
                    ours.shape
                );
            }
        }
    }

    /// In a pixel-stepped dream a sample within 1% of the warp of a pixel's edge is
    /// warped exactly (interpolation could move it into the next pixel): the warp's
    /// planes must err by well under 0.01 of the warp field's unit range, for every
    /// fear's dream and as loops grow more warped.
    #[test]
    fn the_warp_planes_err_well_within_the_pixel_edges_margin() {
        use crate::dream::{FearTag, FearWeight, TerrainSize, run_to_end};
        let size = TerrainSize::with_samples(257).expect("valid size");
        let options = GenOptions::single_threaded();
        let (mut worst, mut dreams) = (0.0f64, 0);
        for tag in FearTag::ALL {
            for loop_index in [0, 12, 40] {
                let fears = [FearWeight { tag, weight: 1.0 }];
                let recipe = DreamRecipe::new(&fears, 7, loop_index, size);
                if recipe.terrain.warp <= 0.0 {
                    continue;
                }
                dreams += 1;
                let layers = Layers::new(&recipe);
                let grid = grid_of(&recipe);
                let n = grid.n;
                let unwarped = |i: usize| layers.domain_point(grid.world(i % n, i / n), [0.0, 0.0]);
                for fractal in [&layers.warp_x, &layers.warp_z] {
                    let planes =
                        run_to_end(Planes::new(fractal, &unwarped, grid, 1.0, 1.0, &options));
                    let mut space = RowSpace::new(n);
                    let mut row = vec![0.0; n];
                    for z in 0..n {
                        let base: Vec<[f64; 2]> = (z * n..(z + 1) * n).map(unwarped).collect();
                        planes.row(z, &base, &mut row, &mut space);
                        for (value, p) in row.iter().zip(&base) {
                            worst = worst.max((value - fractal.get(*p)).abs());
                        }
                    }
                }
            }
        }
        println!("the warp's planes in {dreams} dreams: at most {worst:.5} off");
        assert!(dreams >= 10, "only {dreams} warped dreams");
        assert!(worst < 0.002, "the warp's planes are {worst} off");
    }

    #[test]
    fn stencil_reproduces_cubics_exactly() {
        // Cubic Lagrange interpolation is exact for cubic polynomials, borders included.
        let (n, stride) = (33, 8);
        let f = |x: f64| 0.5 * x * x * x - 2.0 * x * x + x - 3.0;
        let stencil = Stencil::new(n, stride);
        for i in 0..n {
            let got = stencil.apply(i, |m| f((m * stride) as f64 / 10.0) as f32) as f64;
            assert!((got - f(i as f64 / 10.0)).abs() < 1e-4, "sample {i}");
        }
    }
}
