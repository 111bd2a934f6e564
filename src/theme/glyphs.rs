//! The glyphs the game writes, drawn into egui's font atlas ahead of time, a slice a
//! frame, from the game's first frames.
//!
//! egui draws a glyph into its atlas the first time a text asks for it at that size.
//! In the browser that is slow (tens of microseconds a glyph in a build without
//! SIMD), and a dream's first frames ask for many at once: the forming screen's, then
//! the HUD's, the people's lines and a hazard's warning, all at sizes the title does not
//! use. Drawn there, they made the dive's first frame of play the slowest frame of its
//! first loop. Drawn ahead, as long work ([`crate::long_work`]), they take a few
//! milliseconds of each of the title's first frames instead.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::long_work::{FrameShare, WorkMeter};
use crate::state::AppState;

/// What the game's texts are written with: the printable ASCII characters and the
/// typography its lines and labels use.
pub const CHARACTERS: &str = concat!(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`",
    "abcdefghijklmnopqrstuvwxyz{|}~",
    "·—–…‘’“”×°←→↑↓",
);

/// Sizes the game writes at besides its text styles' (`RichText::size`, and the
/// loop's collapse counter).
pub const OTHER_SIZES: [f32; 6] = [12.0, 16.0, 19.0, 20.0, 22.0, 32.0];

/// Characters drawn in one piece (each at four places): up to a millisecond in the
/// browser's quick build.
const PIECE_CHARACTERS: usize = 1;

/// How far the atlas has been filled ahead.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct GlyphsAhead {
    /// The scale the glyphs were drawn at (points to pixels): drawn again when it
    /// changes, as the atlas then holds none at the new scale.
    scale: Option<f32>,
    /// How full the atlas was once every glyph was drawn: egui starts a new atlas when
    /// one gets nearly full, or when its text options change, and then they are drawn
    /// again.
    filled: Option<f32>,
    /// The next piece: which font, and which of its characters.
    font: usize,
    character: usize,
}

impl GlyphsAhead {
    /// Whether every glyph of `fonts` fonts is drawn.
    pub fn done(&self, fonts: usize) -> bool {
        self.font >= fonts
    }

    /// Whether drawing ahead is over (every glyph drawn, or the atlas as full as it may
    /// get) for the atlas and scale egui has now.
    pub fn over(&self) -> bool {
        self.filled.is_some()
    }

    /// Starts again if the atlas no longer holds what was drawn (a new scale, a new
    /// atlas).
    fn check(&mut self, scale: f32, fill: f32) {
        let emptied = self.filled.is_some_and(|filled| fill < filled);
        if self.scale != Some(scale) || emptied {
            *self = Self {
                scale: Some(scale),
                ..default()
            };
        }
    }

    /// Draws pieces of [`CHARACTERS`] in `fonts` into `ctx`'s atlas while `more()`
    /// says to. egui keeps up to four pictures of a glyph (a text places glyphs at
    /// quarter pixels): each character is drawn at each quarter. Drawing ahead stops
    /// short of filling the atlas past [`MOST_FILLED`]: a full atlas is started again,
    /// and everything drawn would be lost.
    pub fn draw(
        &mut self,
        ctx: &egui::Context,
        fonts: &[egui::FontId],
        mut more: impl FnMut() -> bool,
    ) {
        let characters: Vec<char> = CHARACTERS.chars().collect();
        let quarter = 0.25 / ctx.pixels_per_point();
        while !self.done(fonts.len()) && more() {
            if ctx.fonts(|f| f.font_atlas_fill_ratio()) > MOST_FILLED {
                self.font = fonts.len();
                break;
            }
            let end = (self.character + PIECE_CHARACTERS).min(characters.len());
            let format = egui::TextFormat::simple(fonts[self.font].clone(), egui::Color32::WHITE);
            ctx.fonts_mut(|f| {
                for &c in &characters[self.character..end] {
                    for bin in 0..4 {
                        let mut job =
                            egui::text::LayoutJob::single_section(c.to_string(), format.clone());
                        job.sections[0].leading_space = bin as f32 * quarter;
                        f.layout_job(job);
                    }
                }
            });
            self.character = end;
            if end == characters.len() {
                self.font += 1;
                self.character = 0;
            }
        }
        if self.done(fonts.len()) && self.filled.is_none() {
            self.filled = Some(ctx.fonts(|f| f.font_atlas_fill_ratio()));
        }
    }
}

/// How full drawing ahead may fill egui's font atlas (it starts a new one past 0.8).
const MOST_FILLED: f32 = 0.4;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<GlyphsAhead>()
        .add_systems(EguiPrimaryContextPass, draw_ahead.after(super::apply_style));
}

/// Every font the game writes with: its text styles' and [`OTHER_SIZES`].
pub fn fonts_written(style: &egui::Style) -> Vec<egui::FontId> {
    let mut fonts: Vec<egui::FontId> = Vec::new();
    let other = OTHER_SIZES
        .iter()
        .map(|&size| egui::FontId::proportional(size));
    for font in style.text_styles.values().cloned().chain(other) {
        if !fonts.contains(&font) {
            fonts.push(font);
        }
    }
    fonts
}

/// Draws the glyphs ahead while the frame's share of long work lasts. At the title,
/// where a frame has little else to do and nothing moves that could stutter, they take
/// the larger share of work a player waits on (half the last frame, 7 to 50 ms:
/// [`FrameShare::while_waiting`]), so that they are drawn before most players choose.
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
    // The browser's fonts are put in during the first pass and used from the next.
    if ctx.cumulative_pass_nr() < 2 {
        return;
    }
    let fill = ctx.fonts(|f| f.font_atlas_fill_ratio());
    ahead.check(ctx.pixels_per_point(), fill);
    if ahead.over() {
        return;
    }
    let fonts = fonts_written(&ctx.global_style());
    let at_the_title = screen.is_some_and(|s| *s.get() == AppState::Title);
    let share = if at_the_title {
        share.while_waiting(time.delta())
    } else {
        *share
    };
    meter.run(share, |share| ahead.draw(ctx, &fonts, share.more()));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A context with the game's text styles, after a pass (egui has no fonts before).
    fn context() -> egui::Context {
        let ctx = egui::Context::default();
        ctx.all_styles_mut(|style| {
            style
                .text_styles
                .insert(egui::TextStyle::Body, egui::FontId::proportional(17.0));
        });
        let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
        // (The atlas's first image, which a renderer would take.)
        output.textures_delta.clear();
        ctx
    }

    fn fill(ctx: &egui::Context) -> f32 {
        ctx.fonts(|f| f.font_atlas_fill_ratio())
    }

    /// What a dream's first frames write, in every font the game writes with.
    fn write_a_dream(ctx: &egui::Context) {
        let lines = [
            "Leo's nightmare — Loop 1 · 1:57",
            "Lucidity 98%  Memories understood 0/5 · the core needs 4",
            "Nyx: You came. He said you wouldn't. I said you would. I know you, Juno.",
            "A chaser is on you: outrun it, or climb where it cannot",
            "WASD: walk · mouse: look · Space: jump · Esc: pause",
        ];
        for font in fonts_written(&ctx.global_style()) {
            for line in lines {
                ctx.fonts_mut(|f| {
                    f.layout_no_wrap(line.to_owned(), font.clone(), egui::Color32::WHITE);
                });
            }
        }
    }

    #[test]
    fn drawn_ahead_a_dreams_first_frames_draw_no_glyph() {
        // Not drawn ahead, a dream's first texts fill the atlas...
        let cold = context();
        let before = fill(&cold);
        write_a_dream(&cold);
        assert!(fill(&cold) > before, "the first texts draw glyphs");

        // ...drawn ahead (in pieces, a few a call), they find every glyph there.
        let warm = context();
        let fonts = fonts_written(&warm.global_style());
        assert!(fonts.len() >= OTHER_SIZES.len() + 4, "{fonts:?}");
        let mut ahead = GlyphsAhead::default();
        ahead.check(warm.pixels_per_point(), fill(&warm));
        let mut calls = 0;
        while !ahead.done(fonts.len()) {
            let mut pieces = 0;
            ahead.draw(&warm, &fonts, || {
                pieces += 1;
                pieces <= 3
            });
            calls += 1;
            assert!(calls < 10_000, "drawing ahead ends");
        }
        assert!(calls > 1, "drawn over several calls");
        let drawn = fill(&warm);
        println!(
            "drawn ahead in {calls} calls: the atlas {:.0}% full",
            drawn * 100.0
        );
        assert!(
            drawn < MOST_FILLED,
            "every glyph drawn, not stopped short: {drawn}"
        );
        write_a_dream(&warm);
        assert_eq!(fill(&warm), drawn, "no glyph left to draw");
    }

    /// At twice the pixels a glyph takes four times the atlas: drawing ahead stops short
    /// of filling it, so egui never starts it again (losing what was drawn).
    #[test]
    fn drawing_ahead_never_fills_the_atlas() {
        for scale in [1.0, 2.0, 3.0] {
            let ctx = context();
            ctx.set_pixels_per_point(scale);
            let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
            output.textures_delta.clear();
            let fonts = fonts_written(&ctx.global_style());
            let mut ahead = GlyphsAhead::default();
            ahead.draw(&ctx, &fonts, || true);
            assert!(ahead.done(fonts.len()));
            let drawn = fill(&ctx);
            println!("at {scale}× the atlas is {:.0}% full", drawn * 100.0);
            assert!(drawn < 0.8, "at {scale}×: {drawn}");
        }
    }

    #[test]
    fn a_new_scale_or_a_new_atlas_draws_them_again() {
        let mut ahead = GlyphsAhead {
            scale: Some(1.0),
            filled: Some(0.2),
            font: 9,
            character: 0,
        };
        let drawn = ahead.clone();
        ahead.check(1.0, 0.2);
        assert_eq!(ahead, drawn, "the same atlas at the same scale: done");
        ahead.check(1.0, 0.01);
        assert!(!ahead.done(9), "a new atlas: again");
        let mut ahead = drawn.clone();
        ahead.check(2.0, 0.2);
        assert!(!ahead.done(9), "a new scale: again");
    }
}
