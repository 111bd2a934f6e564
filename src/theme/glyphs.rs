//! The glyphs a dream's screens write, and the rest of the game's, drawn into egui's font
//! atlas ahead of time, a piece at a time, from the title on.
//!
//! egui draws a glyph into its atlas the first time a text asks for it at that size and
//! quarter-pixel place. In the browser that is slow (vello's rasteriser without SIMD:
//! about a fifth of a millisecond a glyph in CI's quick build, by how long the whole set
//! took at 4 ms a frame), and a dream's first frames ask
//! for many at once: the forming screen's, then the HUD's, the people's lines and a
//! hazard's warning, at sizes the title does not use. Drawn there, they cost the dive's
//! first frame of play about 9 ms in a profile. Drawn ahead they are long work
//! ([`crate::long_work`]): at the title the share of work a player waits on, elsewhere
//! the frame's share.

use bevy::prelude::*;
use bevy_egui::egui::{FontFamily, FontId};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::long_work::{FrameShare, WorkMeter};
use crate::state::AppState;

/// The characters drawn ahead: printable ASCII, and the typography, symbols and letters
/// the game's own texts and shipped levels use (the strangers' names among them; a
/// mod's others are drawn when first written).
pub const CHARACTERS: &str = concat!(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`",
    "abcdefghijklmnopqrstuvwxyz{|}~",
    "·—–…‘’“”×°←→↑↓−±≤≥²•▶⏸⚠",
    "áéèíïóöüçćşıøÖ",
);

/// The fonts drawn ahead, most needed first: a dream's screens' (the text styles' body,
/// small and button sizes; the forming screen's title, captions, a warning, the collapse
/// counter, the people's lines) and the control room's and menus' smaller sizes. The
/// titles met once in a while (the title's own, the confrontation's, a scene's) are
/// drawn when first written: at four places each, large glyphs would take a large
/// share of the atlas.
const FONTS: [(bool, f32); 11] = [
    // (monospace, size)
    (false, super::BODY_SIZE),
    (false, super::SMALL_SIZE),
    (false, 30.0),
    (false, super::BUTTON_SIZE),
    (false, 16.0),
    (false, 32.0),
    (false, 20.0),
    (false, 22.0),
    (false, 12.0),
    (true, 12.0),
    (false, 19.0),
];

/// Characters drawn in one piece (each at four places): about a millisecond in the
/// browser's quick build.
const PIECE_CHARACTERS: usize = 1;

/// How full drawing ahead may fill egui's font atlas: egui starts a new one past 0.8,
/// losing every glyph in it, so the game's own texts keep the rest.
const MOST_FILLED: f32 = 0.5;

/// How drawing ahead stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ahead {
    /// Under way (or not begun).
    #[default]
    Drawing,
    /// Every glyph drawn.
    Drawn,
    /// Stopped where the atlas was as full as it may be made (at a large scale), or
    /// given up after egui started a new atlas because the last was full.
    Stopped,
}

/// How far the atlas has been filled ahead.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct GlyphsAhead {
    /// The scale the glyphs were drawn at (points to pixels): drawn again when it
    /// changes, as the atlas then holds none at the new scale.
    scale: Option<f32>,
    /// How full the atlas was when last seen: it only fills, until egui starts a new
    /// one (when it gets nearly full, or its text options change).
    fill: f32,
    /// The next piece: which font, and where in [`CHARACTERS`] (a byte offset).
    font: usize,
    character: usize,
    state: Ahead,
}

impl GlyphsAhead {
    /// How drawing ahead stands, for the atlas and scale egui has now.
    pub fn state(&self) -> Ahead {
        self.state
    }

    /// Whether drawing ahead is over, drawn or stopped.
    pub fn over(&self) -> bool {
        self.state != Ahead::Drawing
    }

    /// Starts again when the atlas no longer holds what was drawn: a new scale, or a
    /// new atlas. A new atlas that replaced a full one is not filled again (that would
    /// only bring the next one sooner).
    fn check(&mut self, scale: f32, fill: f32) {
        let emptied = fill < self.fill;
        if self.scale != Some(scale) || emptied {
            let was_full = emptied && self.fill > 0.7;
            *self = Self {
                scale: Some(scale),
                fill,
                state: if was_full {
                    Ahead::Stopped
                } else {
                    Ahead::Drawing
                },
                ..default()
            };
        }
        self.fill = fill;
    }

    /// Draws pieces of [`CHARACTERS`] in `fonts` into `ctx`'s atlas while `more()`
    /// says to. egui keeps up to four pictures of a glyph (a text places glyphs at
    /// quarter pixels): each character is drawn alone at each quarter, after a leading
    /// space of that many quarter pixels. Stops at [`MOST_FILLED`].
    pub fn draw(&mut self, ctx: &egui::Context, fonts: &[FontId], mut more: impl FnMut() -> bool) {
        let quarter = 0.25 / ctx.pixels_per_point();
        while self.state == Ahead::Drawing && more() {
            if self.font >= fonts.len() {
                self.state = Ahead::Drawn;
                break;
            }
            if ctx.fonts(|f| f.font_atlas_fill_ratio()) > MOST_FILLED {
                self.state = Ahead::Stopped;
                break;
            }
            let end = CHARACTERS[self.character..]
                .char_indices()
                .nth(PIECE_CHARACTERS)
                .map_or(CHARACTERS.len(), |(i, _)| self.character + i);
            let format = egui::TextFormat::simple(fonts[self.font].clone(), egui::Color32::WHITE);
            ctx.fonts_mut(|f| {
                for c in CHARACTERS[self.character..end].chars() {
                    for bin in 0..4 {
                        let mut job =
                            egui::text::LayoutJob::single_section(c.to_string(), format.clone());
                        job.sections[0].leading_space = bin as f32 * quarter;
                        f.layout_job(job);
                    }
                }
            });
            self.character = end;
            if end == CHARACTERS.len() {
                self.font += 1;
                self.character = 0;
            }
        }
        if self.state == Ahead::Drawing && self.font >= fonts.len() {
            self.state = Ahead::Drawn;
        }
        self.fill = ctx.fonts(|f| f.font_atlas_fill_ratio());
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<GlyphsAhead>()
        .add_systems(EguiPrimaryContextPass, draw_ahead.after(super::apply_style));
}

/// The fonts drawn ahead ([`FONTS`]).
pub fn fonts_ahead() -> [FontId; FONTS.len()] {
    FONTS.map(|(mono, size)| {
        let family = if mono {
            FontFamily::Monospace
        } else {
            FontFamily::Proportional
        };
        FontId::new(size, family)
    })
}

/// Draws the glyphs ahead. At the title, where the frame has little else to do, they
/// take the share of work a player waits on (half the last frame, 7 to 50 ms:
/// [`FrameShare::while_waiting`]) and the meter counts them so; elsewhere the frame's
/// share of long work.
fn draw_ahead(
    mut contexts: EguiContexts,
    mut ahead: ResMut<GlyphsAhead>,
    mut meter: ResMut<WorkMeter>,
    share: Res<FrameShare>,
    time: Res<Time<Real>>,
    screen: Option<Res<State<AppState>>>,
) {
    let Ok(ctx) = contexts.ctx_mut() else {
        return;
    };
    // The browser's fonts are put in during the first pass; a new atlas comes with
    // them, which `check` sees.
    if ctx.cumulative_pass_nr() < 1 {
        return;
    }
    let fill = ctx.fonts(|f| f.font_atlas_fill_ratio());
    ahead
        .bypass_change_detection()
        .check(ctx.pixels_per_point(), fill);
    if ahead.over() {
        return;
    }
    let fonts = fonts_ahead();
    if screen.is_some_and(|s| *s.get() == AppState::Title) {
        meter.run_waiting(*share, time.delta(), |share| {
            ahead.draw(ctx, &fonts, share.more())
        });
    } else {
        meter.run(*share, |share| ahead.draw(ctx, &fonts, share.more()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A context with the game's text styles at `scale`, after a pass (egui has no
    /// fonts before).
    pub(crate) fn context(scale: f32) -> egui::Context {
        let ctx = egui::Context::default();
        ctx.all_styles_mut(super::super::game_text_styles);
        ctx.set_pixels_per_point(scale);
        pass(&ctx, |_| {});
        ctx
    }

    /// A pass of `ctx` running `ui`: whether the font atlas changed in it.
    pub(crate) fn pass(ctx: &egui::Context, mut ui: impl FnMut(&mut egui::Ui)) -> bool {
        let mut output = ctx.run_ui(egui::RawInput::default(), |u| ui(u));
        let changed = !output.textures_delta.set.is_empty();
        output.textures_delta.clear();
        changed
    }

    /// Drawing ahead to its end, a few pieces a call.
    pub(crate) fn draw_all(ctx: &egui::Context) -> GlyphsAhead {
        let fonts = fonts_ahead();
        let mut ahead = GlyphsAhead::default();
        ahead.check(ctx.pixels_per_point(), fill(ctx));
        let mut calls = 0;
        while !ahead.over() {
            let mut pieces = 0;
            ahead.draw(ctx, &fonts, || {
                pieces += 1;
                pieces <= 3
            });
            calls += 1;
            assert!(calls < 100_000, "drawing ahead ends");
        }
        assert!(calls > 1, "drawn over several calls");
        ahead
    }

    fn fill(ctx: &egui::Context) -> f32 {
        ctx.fonts(|f| f.font_atlas_fill_ratio())
    }

    #[test]
    fn every_glyph_is_drawn_ahead_at_every_quarter_pixel() {
        let ctx = context(1.0);
        let ahead = draw_all(&ctx);
        assert_eq!(ahead.state(), Ahead::Drawn);
        println!("drawn ahead: the atlas {:.0}% full", fill(&ctx) * 100.0);
        pass(&ctx, |_| {});
        // Each character of the set in each font, at places a text puts glyphs: after
        // every prefix of a line, so at whatever quarter its advances come to.
        let line = "Leo's nightmare — Loop 1 · 1:57 Lucidity 98% “You came,” Nyx said… (é²)";
        for font in fonts_ahead() {
            let changed = pass(&ctx, |ui| {
                for cut in 0..line.chars().count() {
                    let text: String = line.chars().skip(cut).chain(CHARACTERS.chars()).collect();
                    ui.ctx()
                        .fonts_mut(|f| f.layout_no_wrap(text, font.clone(), egui::Color32::WHITE));
                }
            });
            assert!(!changed, "{font:?}: a glyph was not drawn ahead");
        }
    }

    #[test]
    fn without_drawing_ahead_those_texts_draw_glyphs() {
        let ctx = context(1.0);
        let font = FontId::proportional(17.0);
        let changed = pass(&ctx, |ui| {
            ui.ctx().fonts_mut(|f| {
                f.layout_no_wrap("Loop 1".into(), font.clone(), egui::Color32::WHITE)
            });
        });
        assert!(
            changed,
            "the atlas changes when a text first needs its glyphs"
        );
    }

    /// At three times the pixels a glyph takes nine times the atlas: drawing ahead stops
    /// short of filling it, the dream's fonts first.
    #[test]
    fn drawing_ahead_stops_short_of_a_full_atlas() {
        let ctx = context(3.0);
        let ahead = draw_all(&ctx);
        assert_eq!(ahead.state(), Ahead::Stopped, "{ahead:?}");
        assert!(
            ahead.font >= 1,
            "the HUD's body text drawn first: {ahead:?}"
        );
        let filled = fill(&ctx);
        println!(
            "stopped at font {} with the atlas {:.0}% full",
            ahead.font,
            filled * 100.0
        );
        assert!(filled > MOST_FILLED && filled < 0.65, "{filled}");
    }

    #[test]
    fn a_new_scale_or_a_new_atlas_draws_them_again_but_not_after_a_full_one() {
        let drawn = GlyphsAhead {
            scale: Some(1.0),
            fill: 0.3,
            font: 9,
            character: 0,
            state: Ahead::Drawn,
        };
        let mut ahead = drawn.clone();
        ahead.check(1.0, 0.3);
        assert_eq!(ahead, drawn, "the same atlas at the same scale");
        ahead.check(1.0, 0.01);
        assert_eq!(
            (ahead.state(), ahead.font),
            (Ahead::Drawing, 0),
            "a new atlas"
        );
        let mut ahead = drawn.clone();
        ahead.check(2.0, 0.3);
        assert_eq!(ahead.state(), Ahead::Drawing, "a new scale");
        // Mid-way too: what was drawn went with the old atlas.
        let mut ahead = GlyphsAhead {
            state: Ahead::Drawing,
            font: 4,
            ..drawn.clone()
        };
        ahead.check(1.0, 0.05);
        assert_eq!((ahead.state(), ahead.font), (Ahead::Drawing, 0), "mid-way");
        // A new atlas because the last was full: not filled again.
        let mut ahead = GlyphsAhead {
            fill: 0.79,
            ..drawn
        };
        ahead.check(1.0, 0.02);
        assert_eq!(ahead.state(), Ahead::Stopped);
    }
}
