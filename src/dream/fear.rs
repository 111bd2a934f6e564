//! Fears and fear profiles: what a dreamer is afraid of, and how much.
//!
//! Each [`FearTag`] has a [`FearTraits`] signature (terrain shape, palette, atmosphere);
//! a profile's weighted mix of signatures becomes the dream's [`DreamRecipe`](super::DreamRecipe).
//! The mapping is documented in `docs/fears.md`.

use bevy::color::LinearRgba;
use serde::{Deserialize, Serialize};

use super::terrain_shape::TerrainShape;

/// One fear a dream can be made of. Unknown names are a parse error, never a silent default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FearTag {
    /// Losing oneself: ground breaks into floating pieces and pixel-stepped cliffs.
    Dissolution,
    /// A self that is only a copy: mirrored neon grids, repeated shapes.
    Mirrors,
    /// Nights and places that never end: wide, rolling, fog-bound country.
    Endlessness,
    /// Being steered: warped, twisted ground that pulls sideways.
    LosingControl,
    /// Wakeful nights: dark sky, thick low fog.
    Sleeplessness,
    /// Being watched: high ridges all around, exposed open floors.
    BeingWatched,
    /// Falling: chasms and sheer drops.
    Falling,
    /// Drowning: high water, islands.
    Drowning,
    /// Being left behind: sparse, flat, far-apart places under a pale sky.
    Abandonment,
}

impl FearTag {
    /// Every tag, in declaration order.
    pub const ALL: [FearTag; 9] = [
        FearTag::Dissolution,
        FearTag::Mirrors,
        FearTag::Endlessness,
        FearTag::LosingControl,
        FearTag::Sleeplessness,
        FearTag::BeingWatched,
        FearTag::Falling,
        FearTag::Drowning,
        FearTag::Abandonment,
    ];

    /// The fear's name as the game shows it.
    pub fn label(self) -> &'static str {
        match self {
            FearTag::Dissolution => "dissolution",
            FearTag::Mirrors => "mirrors",
            FearTag::Endlessness => "endlessness",
            FearTag::LosingControl => "losing control",
            FearTag::Sleeplessness => "sleeplessness",
            FearTag::BeingWatched => "being watched",
            FearTag::Falling => "falling",
            FearTag::Drowning => "drowning",
            FearTag::Abandonment => "abandonment",
        }
    }

    /// What stands about in a dream of this fear.
    pub fn prop(self) -> PropKind {
        match self {
            FearTag::Dissolution => PropKind::Shard,
            FearTag::Mirrors => PropKind::MirrorPane,
            FearTag::Endlessness => PropKind::StreetLamp,
            FearTag::LosingControl => PropKind::PuppetString,
            FearTag::Sleeplessness => PropKind::Clock,
            FearTag::BeingWatched => PropKind::Eye,
            FearTag::Falling => PropKind::BrokenStair,
            FearTag::Drowning => PropKind::Buoy,
            FearTag::Abandonment => PropKind::EmptyChair,
        }
    }

    /// How this fear turns on Juno: the hazard it places in the dream.
    pub fn hazard(self) -> HazardKind {
        match self {
            FearTag::Dissolution | FearTag::Falling => HazardKind::DissolvingGround,
            FearTag::Mirrors => HazardKind::MirrorCopy,
            FearTag::Endlessness | FearTag::Abandonment => HazardKind::Chaser,
            FearTag::LosingControl => HazardKind::Strings,
            FearTag::Sleeplessness => HazardKind::RisingFog,
            FearTag::BeingWatched => HazardKind::Watcher,
            FearTag::Drowning => HazardKind::RisingWater,
        }
    }

    /// The terrain, palette and atmosphere this fear pulls a dream towards.
    pub fn traits(self) -> FearTraits {
        let base = FearTraits::default();
        match self {
            FearTag::Dissolution => FearTraits {
                terrain: TerrainShape {
                    amplitude: 22.0,
                    ridged: 0.2,
                    terraces: 0.9,
                    terrace_steps: 7.0,
                    pixel_step: 4.0,
                    chasm: 0.35,
                    grid_glow: 0.6,
                    ..base.terrain
                },
                low: rgb(0.004, 0.0, 0.015),
                mid: rgb(0.06, 0.008, 0.13),
                high: rgb(0.03, 0.45, 0.6),
                accent: rgb(1.0, 0.12, 0.75),
                sky: rgb(0.012, 0.0, 0.03),
                fog: rgb(0.05, 0.008, 0.09),
                fog_start: 40.0,
                fog_end: 170.0,
                sun: rgb(0.7, 0.6, 1.0),
                ..base
            },
            FearTag::Mirrors => FearTraits {
                terrain: TerrainShape {
                    amplitude: 16.0,
                    ridged: 0.5,
                    terraces: 0.6,
                    terrace_steps: 5.0,
                    pixel_step: 2.0,
                    grid_glow: 1.0,
                    ..base.terrain
                },
                low: rgb(0.0, 0.004, 0.02),
                mid: rgb(0.012, 0.05, 0.14),
                high: rgb(0.5, 0.75, 1.0),
                accent: rgb(0.1, 1.0, 0.9),
                sky: rgb(0.0, 0.006, 0.03),
                fog: rgb(0.015, 0.04, 0.1),
                fog_start: 50.0,
                fog_end: 190.0,
                sun: rgb(0.6, 0.9, 1.0),
                ..base
            },
            FearTag::Endlessness => FearTraits {
                terrain: TerrainShape {
                    amplitude: 12.0,
                    frequency: 0.6,
                    billow: 0.7,
                    ..base.terrain
                },
                low: rgb(0.008, 0.012, 0.03),
                mid: rgb(0.04, 0.05, 0.09),
                high: rgb(0.2, 0.2, 0.27),
                accent: rgb(1.0, 0.85, 0.5),
                sky: rgb(0.003, 0.005, 0.015),
                fog: rgb(0.02, 0.03, 0.07),
                fog_start: 25.0,
                fog_end: 120.0,
                sun: rgb(0.55, 0.6, 0.9),
                ..base
            },
            FearTag::LosingControl => FearTraits {
                terrain: TerrainShape {
                    amplitude: 18.0,
                    warp: 28.0,
                    billow: 0.3,
                    ..base.terrain
                },
                low: rgb(0.02, 0.01, 0.03),
                mid: rgb(0.09, 0.05, 0.09),
                high: rgb(0.32, 0.25, 0.3),
                accent: rgb(1.0, 0.75, 0.4),
                sky: rgb(0.012, 0.006, 0.02),
                fog: rgb(0.05, 0.03, 0.06),
                sun: rgb(0.7, 0.55, 0.8),
                ..base
            },
            FearTag::Sleeplessness => FearTraits {
                terrain: TerrainShape {
                    amplitude: 10.0,
                    billow: 0.5,
                    water: 0.25,
                    ..base.terrain
                },
                low: rgb(0.006, 0.008, 0.02),
                mid: rgb(0.03, 0.04, 0.08),
                high: rgb(0.16, 0.18, 0.28),
                accent: rgb(1.0, 0.9, 0.6),
                sky: rgb(0.002, 0.003, 0.01),
                fog: rgb(0.015, 0.025, 0.06),
                fog_start: 12.0,
                fog_end: 85.0,
                sun: rgb(0.45, 0.55, 0.95),
                sun_elevation: 0.35,
            },
            FearTag::BeingWatched => FearTraits {
                terrain: TerrainShape {
                    amplitude: 26.0,
                    ridged: 0.8,
                    rim: 0.6,
                    ..base.terrain
                },
                low: rgb(0.04, 0.03, 0.03),
                mid: rgb(0.16, 0.12, 0.1),
                high: rgb(0.55, 0.5, 0.42),
                accent: rgb(1.0, 0.3, 0.2),
                sun: rgb(0.95, 0.6, 0.5),
                ..base
            },
            FearTag::Falling => FearTraits {
                terrain: TerrainShape {
                    amplitude: 30.0,
                    ridged: 0.4,
                    chasm: 0.8,
                    craters: 0.8,
                    ..base.terrain
                },
                low: rgb(0.02, 0.02, 0.03),
                mid: rgb(0.35, 0.3, 0.3),
                high: rgb(0.8, 0.78, 0.75),
                accent: rgb(1.0, 0.6, 0.2),
                sky: rgb(0.35, 0.4, 0.5),
                fog: rgb(0.4, 0.45, 0.55),
                ..base
            },
            FearTag::Drowning => FearTraits {
                terrain: TerrainShape {
                    amplitude: 14.0,
                    water: 0.45,
                    billow: 0.4,
                    island: 0.6,
                    ..base.terrain
                },
                low: rgb(0.05, 0.12, 0.15),
                mid: rgb(0.15, 0.35, 0.35),
                high: rgb(0.6, 0.7, 0.6),
                accent: rgb(1.0, 0.95, 0.6),
                sky: rgb(0.1, 0.2, 0.3),
                fog: rgb(0.15, 0.3, 0.4),
                ..base
            },
            FearTag::Abandonment => FearTraits {
                terrain: TerrainShape {
                    amplitude: 6.0,
                    frequency: 0.5,
                    ..base.terrain
                },
                low: rgb(0.5, 0.5, 0.48),
                mid: rgb(0.62, 0.6, 0.56),
                high: rgb(0.8, 0.78, 0.74),
                accent: rgb(0.3, 0.5, 1.0),
                sky: rgb(0.7, 0.72, 0.75),
                fog: rgb(0.75, 0.76, 0.78),
                fog_start: 30.0,
                fog_end: 160.0,
                sun: rgb(0.9, 0.9, 0.95),
                ..base
            },
        }
    }
}

/// Things that stand in a dream and say what it is about. Solid: Juno walks around them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PropKind {
    /// A fragment of ground hanging in the air, broken off the world.
    Shard,
    /// A tall pane that shows the world back, slightly wrong.
    MirrorPane,
    /// A lamp on a post, one of a row that never ends.
    StreetLamp,
    /// A taut line running up into the dark.
    PuppetString,
    /// A clock face on a post, its hands at some small hour.
    Clock,
    /// An eye on a stalk.
    Eye,
    /// A flight of steps that ends in mid-air.
    BrokenStair,
    /// A buoy marking deep water.
    Buoy,
    /// A chair left out for someone who did not come.
    EmptyChair,
}

impl PropKind {
    /// Radius around the prop's foot that its solid part covers at scale 1, metres (0 for
    /// props Juno passes under or through). The game's colliders fit inside it.
    pub fn footprint(self) -> f32 {
        match self {
            PropKind::Shard | PropKind::PuppetString => 0.0,
            PropKind::MirrorPane => 0.72,
            PropKind::StreetLamp => 0.1,
            PropKind::Clock | PropKind::Eye => 0.08,
            PropKind::Buoy => 0.45,
            PropKind::EmptyChair => 0.43,
            // Four steps 1 m wide running 2.4 m from the foot.
            PropKind::BrokenStair => 2.2,
        }
    }
}

/// How a fear turns on Juno. The generator places where each one starts; what it does
/// is the nightmare's business (`crate::dive`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HazardKind {
    /// Something that pursues her across the ground.
    Chaser,
    /// A copy of the dreamer that mimics her moves, late.
    MirrorCopy,
    /// Ground that gives way after she stands on it.
    DissolvingGround,
    /// Fog of sleeplessness that thickens each loop.
    RisingFog,
    /// Strings that pull her off course.
    Strings,
    /// A watcher whose gaze wears her down.
    Watcher,
    /// Water that rises each loop.
    RisingWater,
}

impl HazardKind {
    /// Every kind, in declaration order.
    pub const ALL: [HazardKind; 7] = [
        HazardKind::Chaser,
        HazardKind::MirrorCopy,
        HazardKind::DissolvingGround,
        HazardKind::RisingFog,
        HazardKind::Strings,
        HazardKind::Watcher,
        HazardKind::RisingWater,
    ];

    /// Its place in [`HazardKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// What it does to Juno and what to do about it, as the HUD tells the player.
    pub fn warning(self) -> &'static str {
        match self {
            HazardKind::Chaser => "A chaser is on you: outrun it, or climb where it cannot",
            HazardKind::MirrorCopy => "Your copy caught up with you: keep moving, leave its ground",
            HazardKind::DissolvingGround => {
                "The ground dissolves under you: get off the glowing patch"
            }
            HazardKind::RisingFog => "Sleepless fog: climb above it",
            HazardKind::Strings => "Strings pull you off course: walk out of their reach",
            HazardKind::Watcher => "The watcher sees you: break its line of sight",
            HazardKind::RisingWater => "The water is over your head: climb to higher ground",
        }
    }

    /// The hazard's name as the game shows it.
    pub fn label(self) -> &'static str {
        match self {
            HazardKind::Chaser => "chaser",
            HazardKind::MirrorCopy => "mirror copy",
            HazardKind::DissolvingGround => "dissolving ground",
            HazardKind::RisingFog => "rising fog",
            HazardKind::Strings => "strings",
            HazardKind::Watcher => "watcher",
            HazardKind::RisingWater => "rising water",
        }
    }
}

/// A fear and how strongly it weighs on the dreamer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FearWeight {
    pub tag: FearTag,
    /// Relative strength, > 0. Weights are normalised, so only ratios matter.
    pub weight: f32,
}

/// The numbers a fear contributes to a dream. Blended by weight into a recipe.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FearTraits {
    /// The ground the fear makes.
    pub terrain: TerrainShape,
    pub low: LinearRgba,
    pub mid: LinearRgba,
    pub high: LinearRgba,
    /// Colour of memory anchors and highlights. Not blended: a mix takes the accent of
    /// its strongest fear.
    pub accent: LinearRgba,
    pub sky: LinearRgba,
    pub fog: LinearRgba,
    /// Distance where fog begins, metres.
    pub fog_start: f32,
    /// Distance where fog is opaque, metres.
    pub fog_end: f32,
    pub sun: LinearRgba,
    /// Sun height above the horizon, radians.
    pub sun_elevation: f32,
}

impl Default for FearTraits {
    fn default() -> Self {
        Self {
            terrain: TerrainShape::default(),
            low: rgb(0.1, 0.1, 0.12),
            mid: rgb(0.3, 0.3, 0.32),
            high: rgb(0.7, 0.7, 0.72),
            accent: rgb(1.0, 0.8, 0.4),
            sky: rgb(0.05, 0.05, 0.1),
            fog: rgb(0.15, 0.15, 0.2),
            fog_start: 35.0,
            fog_end: 150.0,
            sun: rgb(0.9, 0.85, 0.8),
            sun_elevation: 0.6,
        }
    }
}

impl FearTraits {
    /// The weighted mean of several fears' traits. Weights need not sum to one.
    pub fn blend(fears: &[FearWeight]) -> FearTraits {
        let total: f32 = fears.iter().map(|f| f.weight.max(0.0)).sum();
        if fears.is_empty() || total <= 0.0 {
            return FearTraits::default();
        }
        let mut acc = FearTraits::zero();
        for fear in fears {
            acc.add_scaled(&fear.tag.traits(), fear.weight.max(0.0) / total);
        }
        // The accent marks what matters (anchors, glow): a mix of accents turns to mud,
        // so the strongest fear's accent is used as it is.
        let strongest = fears.iter().max_by(|a, b| a.weight.total_cmp(&b.weight));
        if let Some(strongest) = strongest {
            acc.accent = strongest.tag.traits().accent;
        }
        acc
    }

    /// Everything zero and black: where a weighted sum starts.
    fn zero() -> Self {
        let black = LinearRgba::NONE;
        Self {
            terrain: TerrainShape::ZERO,
            low: black,
            mid: black,
            high: black,
            accent: black,
            sky: black,
            fog: black,
            fog_start: 0.0,
            fog_end: 0.0,
            sun: black,
            sun_elevation: 0.0,
        }
    }

    /// Adds `other` times `w`: one term of a weighted mean.
    fn add_scaled(&mut self, other: &FearTraits, w: f32) {
        self.terrain.add_scaled(&other.terrain, w);
        for (mine, theirs) in [
            (&mut self.low, other.low),
            (&mut self.mid, other.mid),
            (&mut self.high, other.high),
            (&mut self.accent, other.accent),
            (&mut self.sky, other.sky),
            (&mut self.fog, other.fog),
            (&mut self.sun, other.sun),
        ] {
            *mine += theirs * w;
        }
        self.fog_start += other.fog_start * w;
        self.fog_end += other.fog_end * w;
        self.sun_elevation += other.sun_elevation * w;
    }
}

const fn rgb(r: f32, g: f32, b: f32) -> LinearRgba {
    LinearRgba::rgb(r, g, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blend_of_one_fear_is_that_fear() {
        let only = [FearWeight {
            tag: FearTag::Falling,
            weight: 3.0,
        }];
        assert_eq!(FearTraits::blend(&only), FearTag::Falling.traits());
    }

    #[test]
    fn blend_is_weighted_mean() {
        let mix = [
            FearWeight {
                tag: FearTag::Drowning,
                weight: 1.0,
            },
            FearWeight {
                tag: FearTag::Abandonment,
                weight: 3.0,
            },
        ];
        let t = FearTraits::blend(&mix);
        let expected = 0.25 * FearTag::Drowning.traits().terrain.water;
        assert!((t.terrain.water - expected).abs() < 1e-6);
        let amp = 0.25 * 14.0 + 0.75 * 6.0;
        assert!((t.terrain.amplitude - amp).abs() < 1e-5);
    }

    #[test]
    fn unknown_tag_is_rejected() {
        let err = ron::from_str::<FearWeight>("(tag: Spiders, weight: 1.0)");
        assert!(err.is_err());
    }
}
