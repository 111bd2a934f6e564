//! A dream's recipe: every number the generator needs, derived from a fear profile,
//! a seed and the loop number. Pure data; no noise is evaluated here.

use bevy::color::LinearRgba;
use serde::{Deserialize, Serialize};

use super::fear::{FearTraits, FearWeight, HazardKind};
use super::rng::{DreamRng, mix_seed};
use super::terrain_shape::TerrainShape;

/// Loops after this many stop mutating further (hostility is within 1e-97 of 1 by then).
pub const MAX_MUTATIONS: u32 = 1000;

/// Most props one dream holds, whatever its size and density: 120 per 192 m square
/// over a 1025-sample dream at 0.75 m asks for 1,920; the same density over the
/// largest ground (4 km across) would ask for 55,000, which neither the generator's
/// budget nor a frame could carry. Beyond this the props are spread thinner.
pub const MAX_PROPS: usize = 2_000;

/// Terrain resolution and footprint. Sizes are samples per side (2ⁿ + 1). In a dream
/// file: `terrain: (samples: 513, extent: 384.0)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerrainSize {
    /// Samples per side: 129, 257, 513 or 1025 (2ⁿ + 1).
    pub samples: usize,
    /// Side length of the dream in metres.
    pub extent: f32,
}

impl Default for TerrainSize {
    fn default() -> Self {
        Self {
            samples: 257,
            extent: 192.0,
        }
    }
}

impl TerrainSize {
    /// Fewest and most samples per side a dream may have.
    pub const MIN_SAMPLES: usize = 129;
    pub const MAX_SAMPLES: usize = 1025;

    /// A size with `samples` per side (2ⁿ + 1, 129 to 1025) and the default density of
    /// 0.75 m between samples.
    pub fn with_samples(samples: usize) -> Result<Self, String> {
        let size = Self {
            samples,
            extent: 0.75 * samples.saturating_sub(1).max(1) as f32,
        };
        size.check().map(|()| size)
    }

    /// Whether the generator supports this size: 2ⁿ + 1 samples between
    /// [`Self::MIN_SAMPLES`] and [`Self::MAX_SAMPLES`], 0.25 to 4 m between samples.
    pub fn check(&self) -> Result<(), String> {
        let n = self.samples;
        if !(Self::MIN_SAMPLES..=Self::MAX_SAMPLES).contains(&n) || !(n - 1).is_power_of_two() {
            return Err(format!(
                "{n} samples per side: expected 2ⁿ + 1 between {} and {} (129, 257, 513 or 1025)",
                Self::MIN_SAMPLES,
                Self::MAX_SAMPLES
            ));
        }
        let cell = self.cell();
        if !(0.25..=4.0).contains(&cell) {
            return Err(format!(
                "{cell} m between samples: expected 0.25 to 4 m (extent {} m over {n} samples)",
                self.extent
            ));
        }
        Ok(())
    }

    /// Distance between neighbouring samples, metres.
    pub fn cell(&self) -> f32 {
        self.extent / (self.samples - 1) as f32
    }
}

/// A dream file's adjustments to what the fears make. Every field is optional; a
/// missing one keeps the fears' own value. In a dream file:
/// `tuning: (height: Some(30.0), water: Some(0.2))`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Tuning {
    /// Height range of the ground on the first loop, metres ([`Tuning::HEIGHT`]).
    pub height: Option<f32>,
    /// Size of the ground's features: 2 makes hills twice as broad ([`Tuning::SCALE`]).
    pub scale: Option<f32>,
    /// How far the ground is twisted on the first loop, metres ([`Tuning::WARP`]).
    pub warp: Option<f32>,
    /// Water level as a share of the height range, 0 for none ([`Tuning::WATER`]).
    pub water: Option<f32>,
    /// Distance at which the fog is opaque on the first loop, metres ([`Tuning::FOG`]).
    pub fog: Option<f32>,
    /// Props per 192 m × 192 m of dream ([`Tuning::PROPS`]; 28 otherwise), at most
    /// [`MAX_PROPS`] in all.
    pub props: Option<f32>,
    /// Hazards on the first loop ([`Tuning::HAZARDS`]; 3 otherwise). Later loops add
    /// up to four more.
    pub hazards: Option<u32>,
    /// The hazard kinds to place, first ones first; empty lets the fears choose.
    pub hazard_kinds: Vec<HazardKind>,
}

impl Tuning {
    pub const HEIGHT: std::ops::RangeInclusive<f32> = 1.0..=60.0;
    pub const SCALE: std::ops::RangeInclusive<f32> = 0.25..=4.0;
    pub const WARP: std::ops::RangeInclusive<f32> = 0.0..=60.0;
    pub const WATER: std::ops::RangeInclusive<f32> = 0.0..=0.6;
    pub const FOG: std::ops::RangeInclusive<f32> = 20.0..=1000.0;
    pub const PROPS: std::ops::RangeInclusive<f32> = 0.0..=120.0;
    pub const HAZARDS: std::ops::RangeInclusive<u32> = 0..=24;

    /// Each set value that lies outside its range, as (field, message).
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut check =
            |field: &'static str, value: Option<f32>, range: std::ops::RangeInclusive<f32>| {
                if let Some(v) = value
                    && !(v.is_finite() && range.contains(&v))
                {
                    out.push((
                        field,
                        format!("expected {} to {}, found {v}", range.start(), range.end()),
                    ));
                }
            };
        check("height", self.height, Self::HEIGHT);
        check("scale", self.scale, Self::SCALE);
        check("warp", self.warp, Self::WARP);
        check("water", self.water, Self::WATER);
        check("fog", self.fog, Self::FOG);
        check("props", self.props, Self::PROPS);
        if let Some(n) = self.hazards
            && !Self::HAZARDS.contains(&n)
        {
            out.push((
                "hazards",
                format!(
                    "expected {} to {} hazards, found {n}",
                    Self::HAZARDS.start(),
                    Self::HAZARDS.end()
                ),
            ));
        }
        out
    }

    /// The fears' traits with this tuning's values put in.
    fn apply(&self, mut t: FearTraits) -> FearTraits {
        let clamp = |v: Option<f32>, range: std::ops::RangeInclusive<f32>| {
            v.filter(|v| v.is_finite())
                .map(|v| v.clamp(*range.start(), *range.end()))
        };
        if let Some(h) = clamp(self.height, Self::HEIGHT) {
            t.terrain.amplitude = h;
        }
        if let Some(s) = clamp(self.scale, Self::SCALE) {
            t.terrain.frequency /= s;
        }
        if let Some(w) = clamp(self.warp, Self::WARP) {
            t.terrain.warp = w;
        }
        if let Some(w) = clamp(self.water, Self::WATER) {
            t.terrain.water = w;
        }
        if let Some(f) = clamp(self.fog, Self::FOG) {
            t.fog_start = t.fog_start.min(f * 0.5);
            t.fog_end = f;
        }
        t
    }
}

/// Colours of one dream.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub low: LinearRgba,
    pub mid: LinearRgba,
    pub high: LinearRgba,
    pub accent: LinearRgba,
    pub sky: LinearRgba,
    pub fog: LinearRgba,
    pub sun: LinearRgba,
}

/// Everything the generator needs to build one loop of one dream.
#[derive(Debug, Clone, PartialEq)]
pub struct DreamRecipe {
    /// Seed of the terrain noise: the same in every loop, so a loop is the same place
    /// grown worse, not a new place.
    pub terrain_seed: u32,
    /// Seed of this loop's placements (spawn, anchors): anchors move from loop to loop.
    pub placement_seed: u64,
    /// 0 for the first loop.
    pub loop_index: u32,
    pub size: TerrainSize,
    /// The ground's shape on this loop: the fears' blend, tuned, grown with the loop and
    /// clamped to what the generator supports (shares and strengths 0..1, water at most
    /// 0.6, at least one terrace step, a frequency multiplier of at least 0.05).
    pub terrain: TerrainShape,
    /// Base noise frequency, cycles per metre: `terrain.frequency` × 0.012, in f64 for
    /// the noise crate.
    pub frequency: f64,
    pub octaves: usize,
    /// How far the noise domain has drifted, metres: the ground shifts from loop to loop.
    pub drift: [f64; 2],
    pub palette: Palette,
    pub fog_start: f32,
    pub fog_end: f32,
    pub sun_elevation: f32,
    /// How far the fear has grown, 0 on loop 0, approaching 1.
    pub hostility: f32,
    /// The fears the dream is made of, weights normalised to sum to 1: they choose the
    /// kinds of props and hazards.
    pub fears: Vec<FearWeight>,
    /// How many props stand in the dream.
    pub prop_count: usize,
    /// How many hazards the fear places: more each loop.
    pub hazard_count: usize,
    /// Hazard kinds the dream file asks for, first ones first; empty: the fears choose.
    pub hazard_kinds: Vec<HazardKind>,
}

impl DreamRecipe {
    /// The recipe for loop `loop_index` of a dream with these fears and seed.
    ///
    /// Loop mutation: each loop the fear grows (`hostility = 1 - 0.8^n`): the terrain gets
    /// taller and more warped, water and fog close in, and the noise domain drifts so the
    /// ground shifts under a familiar overall shape. Anchor placement uses a fresh seed per
    /// loop, so anchors move. All of it is deterministic.
    pub fn new(fears: &[FearWeight], seed: u64, loop_index: u32, size: TerrainSize) -> Self {
        Self::tuned(fears, seed, loop_index, size, &Tuning::default())
    }

    /// [`DreamRecipe::new`] with a dream file's [`Tuning`] applied before the loop
    /// mutation (out-of-range values are clamped; validation reports them).
    pub fn tuned(
        fears: &[FearWeight],
        seed: u64,
        loop_index: u32,
        size: TerrainSize,
        tuning: &Tuning,
    ) -> Self {
        Self::made(fears, seed, loop_index, size, tuning, Mood::Nightmare)
    }

    /// The recipe of a dream several people dream together: each dreamer's fears
    /// (weights normalised) scaled by that dreamer's share, the same fear from several
    /// merged in the order first met. With one dreamer in a nightmare it is exactly
    /// [`DreamRecipe::tuned`] of their fears, bit for bit. A [`Mood::Gentle`] dream is
    /// calm (see there).
    pub fn blended(
        dreamers: &[(f32, &[FearWeight])],
        seed: u64,
        loop_index: u32,
        size: TerrainSize,
        tuning: &Tuning,
        mood: Mood,
    ) -> Self {
        match dreamers {
            [(_, fears)] => Self::made(fears, seed, loop_index, size, tuning, mood),
            _ => Self::made(&merged(dreamers), seed, loop_index, size, tuning, mood),
        }
    }

    fn made(
        fears: &[FearWeight],
        seed: u64,
        loop_index: u32,
        size: TerrainSize,
        tuning: &Tuning,
        mood: Mood,
    ) -> Self {
        let gentle = mood == Mood::Gentle;
        let traits = FearTraits::blend(fears);
        let t = tuning.apply(if gentle { calmed(traits) } else { traits });
        // Only exact arithmetic here (no powf, sin, cos): the same bits on every platform.
        // A gentle dream does not worsen from loop to loop.
        let worsening = if gentle {
            0
        } else {
            loop_index.min(MAX_MUTATIONS)
        };
        let hostility = 1.0 - (0..worsening).fold(1.0f32, |h, _| h * 0.8);
        let drift_dir = {
            let mut rng = DreamRng::new(mix_seed(seed, 0xD21F7));
            let (x, z) = (rng.next_f32() as f64 - 0.5, rng.next_f32() as f64 - 0.5);
            let len = (x * x + z * z).sqrt().max(1e-6);
            (x / len, z / len)
        };
        let drift_len = worsening as f64 * 9.0;
        let terrain = grown(&t.terrain, hostility);
        // Props per area: 28 on the default 192 m dream.
        let area = (size.extent / 192.0) * (size.extent / 192.0);
        Self {
            // The noise crate seeds octave i with seed + i (overflow panics in debug
            // builds) and seed 0 gives a degenerate table: stay in 1..2³¹.
            terrain_seed: ((mix_seed(seed, 0x5EED) & 0x7FFF_FFFF) as u32).max(1),
            placement_seed: mix_seed(seed, 1 + loop_index as u64),
            loop_index,
            size,
            terrain,
            frequency: 0.012 * terrain.frequency as f64,
            octaves: 6,
            drift: [drift_len * drift_dir.0, drift_len * drift_dir.1],
            palette: Palette {
                low: t.low,
                mid: t.mid,
                high: t.high,
                accent: t.accent,
                sky: t.sky * (1.0 - 0.4 * hostility),
                fog: t.fog,
                sun: t.sun,
            },
            fog_start: t.fog_start * (1.0 - 0.4 * hostility),
            fog_end: t.fog_end.max(t.fog_start + 10.0) * (1.0 - 0.3 * hostility),
            sun_elevation: t.sun_elevation.clamp(0.1, 1.5),
            hostility,
            fears: normalised(fears),
            prop_count: ((tuning
                .props
                .map_or(28.0, |p| p.clamp(0.0, *Tuning::PROPS.end()))
                * area) as usize)
                .min(MAX_PROPS),
            // A gentle dream has hazards only if its file asks for them.
            hazard_count: match (mood, tuning.hazards) {
                (Mood::Gentle, asked) => asked.unwrap_or(0).min(*Tuning::HAZARDS.end()) as usize,
                (Mood::Nightmare, asked) => {
                    asked.map_or(3, |n| n.min(*Tuning::HAZARDS.end())) as usize
                        + (4.0 * hostility + 0.5) as usize
                }
            },
            hazard_kinds: tuning.hazard_kinds.clone(),
        }
    }
}

/// How a dream feels to be in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Mood {
    /// A nightmare: the fears as they are, worse every loop, with hazards.
    #[default]
    Nightmare,
    /// A calm dream made from the same fears: half as tall, no chasms or pixel cliffs,
    /// little warp, shallow water, fog pushed back, sky and fog turned towards dusk; it
    /// does not worsen from loop to loop and has no hazards unless its file asks for
    /// them. The dream file's own tuning still has the last word.
    Gentle,
}

/// The sky and fog a gentle dream leans towards: a warm dusk.
const DUSK_SKY: LinearRgba = LinearRgba::rgb(0.32, 0.22, 0.34);
const DUSK_FOG: LinearRgba = LinearRgba::rgb(0.42, 0.34, 0.40);

/// The fears' traits, calmed for a gentle dream.
fn calmed(mut t: FearTraits) -> FearTraits {
    let shape = &mut t.terrain;
    shape.amplitude *= 0.5;
    shape.chasm = 0.0;
    shape.pixel_step = 0.0;
    shape.warp *= 0.3;
    shape.water = shape.water.min(0.15);
    t.fog_start *= 2.0;
    t.fog_end *= 1.8;
    t.sky = t.sky * 0.5 + DUSK_SKY * 0.5;
    t.fog = t.fog * 0.5 + DUSK_FOG * 0.5;
    t
}

/// Several dreamers' fears as one list: each dreamer's weights normalised, then scaled
/// by their share of the dream (shares normalised too); a fear two dreamers share is
/// summed where it first appears.
fn merged(dreamers: &[(f32, &[FearWeight])]) -> Vec<FearWeight> {
    let total: f32 = dreamers.iter().map(|(w, _)| w.max(0.0)).sum();
    let mut out: Vec<FearWeight> = Vec::new();
    if total <= 0.0 {
        return out;
    }
    for (share, fears) in dreamers {
        let share = share.max(0.0) / total;
        for fear in normalised(fears) {
            let weight = fear.weight * share;
            // Merged by tag: the list never holds more than the kinds of fear there are.
            if let Some(f) = out.iter_mut().find(|f| f.tag == fear.tag) {
                f.weight += weight;
            } else {
                out.push(FearWeight {
                    tag: fear.tag,
                    weight,
                });
            }
        }
    }
    out
}

/// The fears' terrain grown for a loop (`hostility` 0 on the first, approaching 1):
/// taller, more warped, deeper chasms, higher water; then clamped to what the generator
/// supports.
fn grown(t: &TerrainShape, hostility: f32) -> TerrainShape {
    TerrainShape {
        amplitude: t.amplitude * (1.0 + 0.35 * hostility),
        frequency: t.frequency.max(0.05),
        ridged: t.ridged.clamp(0.0, 1.0),
        billow: t.billow.clamp(0.0, 1.0),
        warp: t.warp + 10.0 * hostility,
        terraces: t.terraces.clamp(0.0, 1.0),
        terrace_steps: t.terrace_steps.max(1.0),
        pixel_step: t.pixel_step.max(0.0),
        chasm: (t.chasm + 0.2 * hostility * t.chasm.min(1.0)).clamp(0.0, 1.0),
        rim: t.rim.clamp(0.0, 1.0),
        island: t.island.clamp(0.0, 1.0),
        craters: t.craters.clamp(0.0, 1.0),
        water: (t.water + 0.1 * hostility * (t.water > 0.0) as u8 as f32).clamp(0.0, 0.6),
        grid_glow: t.grid_glow.clamp(0.0, 1.0),
    }
}

/// The fears with weights normalised to sum to 1; fears without weight are dropped.
fn normalised(fears: &[FearWeight]) -> Vec<FearWeight> {
    let total: f32 = fears.iter().map(|f| f.weight.max(0.0)).sum();
    fears
        .iter()
        .filter(|f| f.weight > 0.0 && total > 0.0)
        .map(|f| FearWeight {
            tag: f.tag,
            weight: f.weight / total,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dream::FearTag;

    fn fears() -> Vec<FearWeight> {
        vec![FearWeight {
            tag: FearTag::Falling,
            weight: 1.0,
        }]
    }

    #[test]
    fn later_loops_are_more_hostile() {
        let a = DreamRecipe::new(&fears(), 7, 0, TerrainSize::default());
        let b = DreamRecipe::new(&fears(), 7, 3, TerrainSize::default());
        assert_eq!(a.hostility, 0.0);
        assert!(b.hostility > 0.4);
        assert!(b.terrain.amplitude > a.terrain.amplitude);
        assert!(b.fog_end < a.fog_end);
        assert_ne!(a.drift, b.drift);
        assert_ne!(a.placement_seed, b.placement_seed);
        assert_eq!(a.terrain_seed, b.terrain_seed);
    }

    #[test]
    fn same_inputs_same_recipe() {
        let a = DreamRecipe::new(&fears(), 99, 2, TerrainSize::default());
        let b = DreamRecipe::new(&fears(), 99, 2, TerrainSize::default());
        assert_eq!(a, b);
    }

    #[test]
    fn huge_loop_numbers_stay_finite() {
        let r = DreamRecipe::new(&fears(), 1, u32::MAX, TerrainSize::default());
        assert!(r.hostility <= 1.0 && r.hostility > 0.99);
        assert!(r.drift.iter().all(|d| d.is_finite()));
        assert!(r.terrain.amplitude.is_finite() && r.fog_end > 0.0);
    }

    #[test]
    fn tuning_replaces_the_fears_values_and_keeps_the_mutation() {
        let tuning = Tuning {
            height: Some(40.0),
            water: Some(0.3),
            hazards: Some(6),
            hazard_kinds: vec![HazardKind::Watcher],
            ..Tuning::default()
        };
        let a = DreamRecipe::tuned(&fears(), 7, 0, TerrainSize::default(), &tuning);
        let b = DreamRecipe::tuned(&fears(), 7, 3, TerrainSize::default(), &tuning);
        assert_eq!(a.terrain.amplitude, 40.0);
        assert!(b.terrain.amplitude > 40.0);
        assert!(a.terrain.water >= 0.3);
        assert_eq!(a.hazard_count, 6);
        assert!(b.hazard_count > 6);
        assert_eq!(a.hazard_kinds, vec![HazardKind::Watcher]);
        assert_eq!(
            DreamRecipe::tuned(&fears(), 7, 2, TerrainSize::default(), &Tuning::default()),
            DreamRecipe::new(&fears(), 7, 2, TerrainSize::default())
        );
        let wild = Tuning {
            height: Some(f32::NAN),
            scale: Some(100.0),
            ..Tuning::default()
        };
        let fields: Vec<&str> = wild.problems().iter().map(|p| p.0).collect();
        assert_eq!(fields, ["height", "scale"]);
        let r = DreamRecipe::tuned(&fears(), 7, 0, TerrainSize::default(), &wild);
        assert!(r.terrain.amplitude.is_finite() && r.frequency.is_finite());
    }
}
