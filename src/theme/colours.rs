//! The colours that carry meaning — on the interface danger, the map's risk and loops,
//! lucidity, the charts' lines; in the dream the hazards, their sites and the memory
//! anchors — in each [`Palette`] the player can choose (Settings → Accessibility →
//! Colours).

use bevy_egui::egui::{self, Color32};

use crate::settings::Palette;

/// The interface's meaningful colours in one palette.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Colours {
    /// Danger drawn as a colour, not as words: lucidity or Father's link running low,
    /// the hurt edges, the calibration's phase outside the window.
    pub danger: Color32,
    /// Lucidity while she is clear, Father's link while it holds, the phase inside the
    /// window.
    pub lucid: Color32,
    /// The designer's comparison: the side that comes out better …
    pub better: Color32,
    /// … and the side that comes out worse.
    pub worse: Color32,
    /// The map's sleepers with no nightmare risk …
    pub calm: Color32,
    /// … and with the most; those between are mixed.
    pub risk: Color32,
    /// A sleeper in a loop: the map's cells, their halo and alarm frame, the charts'
    /// "in a loop" line and points.
    pub looping: Color32,
    /// The charts' other lines.
    pub asleep: Color32,
    pub dependence: Color32,
    pub valence: Color32,
    pub arousal: Color32,
    pub sync: Color32,
}

/// The game's own look: danger red, calm blue, memory amber.
pub const STANDARD: Colours = Colours {
    danger: super::WARNING,
    lucid: super::ACCENT,
    better: super::MEMORY,
    worse: super::WARNING,
    calm: Color32::from_rgb(25, 45, 95),
    risk: Color32::from_rgb(235, 180, 60),
    looping: Color32::from_rgb(255, 60, 60),
    asleep: Color32::from_rgb(120, 150, 255),
    dependence: super::MEMORY,
    valence: super::ACCENT,
    arousal: super::WARNING,
    sync: Color32::from_rgb(130, 220, 140),
};

/// Safe for the three kinds of colour blindness: risk a ramp from dark blue to orange
/// (lightness and the blue–yellow axis protanopes and deuteranopes keep), loops near
/// white (lighter than anything on the ramp, for everyone), danger and worse orange
/// against lucidity's and better's blue, and the charts' lines from Okabe and Ito's
/// palette (sync a slate grey between them), no two alike on one panel
/// (`tests/game/accessibility.rs` measures every pair).
pub const COLOUR_BLIND_SAFE: Colours = Colours {
    danger: Color32::from_rgb(240, 150, 20),
    lucid: Color32::from_rgb(86, 180, 233),
    better: Color32::from_rgb(86, 180, 233),
    worse: Color32::from_rgb(240, 150, 20),
    calm: Color32::from_rgb(35, 65, 150),
    risk: Color32::from_rgb(230, 140, 0),
    looping: Color32::from_rgb(250, 246, 255),
    asleep: Color32::from_rgb(86, 180, 233),
    dependence: Color32::from_rgb(120, 50, 215),
    valence: Color32::from_rgb(240, 228, 66),
    arousal: Color32::from_rgb(213, 94, 0),
    sync: Color32::from_rgb(105, 135, 150),
};

/// How dim a looping sleeper's cell gets as it throbs on the map (1: fully lit).
pub const LOOP_THROB_LOW: f32 = 0.8;

impl Colours {
    /// The colours of `palette`.
    pub fn of(palette: Palette) -> &'static Colours {
        match palette {
            Palette::Standard => &STANDARD,
            Palette::ColourBlindSafe => &COLOUR_BLIND_SAFE,
        }
    }

    /// The map's colour for a looping sleeper, lit `level` (from [`LOOP_THROB_LOW`] to 1).
    pub fn looping_lit(&self, level: f32) -> Color32 {
        let level = level.clamp(LOOP_THROB_LOW, 1.0);
        let [r, g, b, _] = self.looping.to_array();
        let dim = |c: u8| (f32::from(c) * level) as u8;
        Color32::from_rgb(dim(r), dim(g), dim(b))
    }

    /// The map's colour for a sleeper at nightmare risk `risk` (0 to 1).
    pub fn at_risk(&self, risk: f32) -> Color32 {
        let t = risk.clamp(0.0, 1.0);
        let mix = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * t) as u8;
        Color32::from_rgb(
            mix(self.calm.r(), self.risk.r()),
            mix(self.calm.g(), self.risk.g()),
            mix(self.calm.b(), self.risk.b()),
        )
    }
}

/// Tells what egui draws which palette the player chose.
pub fn set_palette(ctx: &egui::Context, palette: Palette) {
    super::remember(ctx, PALETTE, palette);
}

const PALETTE: &str = "sleep-sync palette";

/// The palette the player chose (the standard one until the settings are applied).
pub fn palette(ctx: &egui::Context) -> Palette {
    super::recall(ctx, PALETTE)
}

/// The meaningful colours of the palette the player chose.
pub fn colours(ctx: &egui::Context) -> &'static Colours {
    Colours::of(palette(ctx))
}

/// The glowing colours that tell the hazards apart, in one palette (sRGB, 0 to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HazardColours {
    /// The shades' and the watcher's eyes.
    pub eye: [f32; 3],
    /// A hazard hurting her.
    pub hurting: [f32; 3],
    /// Dissolving ground's tiles.
    pub tile: [f32; 3],
    /// The strings, and their pull on her.
    pub string: [f32; 3],
    /// The watcher's gaze on her.
    pub sight: [f32; 3],
    /// The ring and mote where a fear will rise (linear light, glowing past 1).
    pub site: [f32; 3],
    /// Memory anchors' glow (linear), where the palette fixes it; else each dream's
    /// accent, which may be any hue, the hazards' included.
    pub anchor: Option<[f32; 3]>,
}

impl HazardColours {
    /// Embers for eyes, red for hurt and for the gaze, magenta tiles, gold strings.
    pub const STANDARD: HazardColours = HazardColours {
        eye: [1.0, 0.15, 0.1],
        hurting: [1.0, 0.05, 0.05],
        tile: [0.9, 0.2, 0.75],
        string: [1.0, 0.8, 0.45],
        sight: [1.0, 0.05, 0.05],
        site: [1.6, 0.05, 0.12],
        anchor: None,
    };

    /// Orange and pale gold, lit past their ground (lightness and the blue–orange axis
    /// are what the three kinds of colour blindness keep; measured on Leo's and Mara's
    /// dreams by `tests/colour_blind.rs`); memory anchors sky blue, whatever the
    /// dream's accent.
    pub const COLOUR_BLIND_SAFE: HazardColours = HazardColours {
        eye: [1.0, 0.55, 0.0],
        hurting: [1.0, 0.6, 0.0],
        tile: [1.0, 0.9, 0.5],
        string: [1.0, 0.95, 0.7],
        sight: [1.0, 0.6, 0.0],
        site: [1.6, 0.75, 0.0],
        anchor: Some([0.1, 0.45, 0.8]),
    };

    /// The colours of `palette`.
    pub fn of(palette: Palette) -> &'static HazardColours {
        match palette {
            Palette::Standard => &HazardColours::STANDARD,
            Palette::ColourBlindSafe => &HazardColours::COLOUR_BLIND_SAFE,
        }
    }
}
