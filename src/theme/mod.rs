//! The look shared by every screen, menu and HUD: colours, text sizes, and the few
//! widgets the screens build from.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

mod colours;
mod glyphs;
pub use colours::{
    COLOUR_BLIND_SAFE, Colours, HazardColours, LOOP_THROB_LOW, STANDARD, colours, palette,
    set_palette,
};
pub use glyphs::{Ahead, GlyphsAhead};

/// SomnoTech cyan: headings, highlights, selected things.
pub const ACCENT: egui::Color32 = egui::Color32::from_rgb(110, 220, 255);
/// Memory and warmth: anchors, Juno's discoveries.
pub const MEMORY: egui::Color32 = egui::Color32::from_rgb(255, 205, 130);
/// Alarms and errors.
pub const WARNING: egui::Color32 = egui::Color32::from_rgb(255, 120, 110);
/// Secondary text.
pub const DIM: egui::Color32 = egui::Color32::from_rgb(150, 160, 180);
/// Panels over the 3D world.
pub const GLASS: egui::Color32 = egui::Color32::from_rgba_premultiplied(8, 12, 24, 215);

pub(super) fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, (apply_style, apply_ui_scale));
    glyphs::plugin(app);
}

/// Draws every menu, panel and the HUD at the player's interface size, and tells them
/// whether the player asked for less motion ([`reduce_motion`]), for nothing to flash
/// ([`reduce_flashing`]) and which colours ([`colours`]).
fn apply_ui_scale(
    mut contexts: EguiContexts,
    picture: Res<crate::settings::PictureSettings>,
    access: Res<crate::settings::AccessibilitySettings>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    if (ctx.zoom_factor() - picture.ui_scale).abs() > 1e-3 {
        ctx.set_zoom_factor(picture.ui_scale);
    }
    if reduce_motion(ctx) != picture.reduce_motion {
        set_reduce_motion(ctx, picture.reduce_motion);
    }
    if reduce_flashing(ctx) != access.reduce_flashing {
        set_reduce_flashing(ctx, access.reduce_flashing);
    }
    if palette(ctx) != access.palette {
        set_palette(ctx, access.palette);
    }
    Ok(())
}

/// Tells what egui draws whether the player asked for less motion.
pub fn set_reduce_motion(ctx: &egui::Context, reduce: bool) {
    remember(ctx, REDUCE_MOTION, reduce);
}

/// Whether the player asked for less motion (Settings → reduce motion): what egui draws
/// holds still instead of throbbing or flashing.
pub fn reduce_motion(ctx: &egui::Context) -> bool {
    recall(ctx, REDUCE_MOTION)
}

/// Tells what egui draws whether the player asked for nothing to flash.
pub fn set_reduce_flashing(ctx: &egui::Context, reduce: bool) {
    remember(ctx, REDUCE_FLASHING, reduce);
}

/// Whether the player asked for nothing to flash (Settings → Accessibility): alarms and
/// warnings egui draws glow steadily instead of flashing or pulsing.
pub fn reduce_flashing(ctx: &egui::Context) -> bool {
    recall(ctx, REDUCE_FLASHING)
}

const REDUCE_MOTION: &str = "sleep-sync reduce motion";
const REDUCE_FLASHING: &str = "sleep-sync reduce flashing";

/// Keeps one of the player's settings in egui's memory under `key`, for what egui draws.
fn remember<T: Clone + Send + Sync + 'static>(ctx: &egui::Context, key: &str, value: T) {
    ctx.data_mut(|d| d.insert_temp(egui::Id::new(key), value));
}

/// The setting kept under `key`; its default until the settings are applied.
fn recall<T: Clone + Default + Send + Sync + 'static>(ctx: &egui::Context, key: &str) -> T {
    ctx.data(|d| d.get_temp(egui::Id::new(key)))
        .unwrap_or_default()
}

/// Sets the style once, on the first frame egui has a context.
fn apply_style(mut contexts: EguiContexts, mut done: Local<bool>) -> Result {
    if *done {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    ctx.set_theme(egui::Theme::Dark);
    ctx.all_styles_mut(|style| {
        game_text_styles(style);
        style.spacing.item_spacing = egui::vec2(10.0, 8.0);
        style.spacing.button_padding = egui::vec2(14.0, 6.0);
        style.visuals.window_fill = GLASS;
        style.visuals.panel_fill = GLASS;
        style.visuals.selection.bg_fill = egui::Color32::from_rgb(30, 90, 120);
        style.visuals.hyperlink_color = ACCENT;
    });
    *done = true;
    Ok(())
}

// The sizes of the game's text styles, points. The glyphs drawn ahead draw the body's,
// the small text's and the buttons' first (`glyphs::FONTS`).
/// [`egui::TextStyle::Heading`]'s size.
const HEADING_SIZE: f32 = 26.0;
/// [`egui::TextStyle::Body`]'s size.
const BODY_SIZE: f32 = 17.0;
/// [`egui::TextStyle::Button`]'s size.
const BUTTON_SIZE: f32 = 18.0;
/// [`egui::TextStyle::Small`]'s size.
const SMALL_SIZE: f32 = 13.0;

/// The game's text styles' fonts.
fn game_text_styles(style: &mut egui::Style) {
    use egui::{FontId, TextStyle};
    for (text, size) in [
        (TextStyle::Heading, HEADING_SIZE),
        (TextStyle::Body, BODY_SIZE),
        (TextStyle::Button, BUTTON_SIZE),
        (TextStyle::Small, SMALL_SIZE),
    ] {
        style.text_styles.insert(text, FontId::proportional(size));
    }
}

/// A Ui covering the whole window, to hang panels on.
pub fn root_ui(ctx: &egui::Context, id: &'static str) -> egui::Ui {
    egui::Ui::new(
        ctx.clone(),
        id.into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    )
}

/// A screen that fills the window with the dark backdrop.
pub fn full_screen(ctx: &egui::Context, add: impl FnOnce(&mut egui::Ui)) {
    let mut root = root_ui(ctx, "full_screen");
    egui::CentralPanel::default()
        .frame(egui::Frame::NONE.fill(egui::Color32::from_rgba_premultiplied(4, 6, 14, 235)))
        .show(&mut root, add);
}

/// The dark rounded frame HUD elements sit in over the 3D world.
pub fn glass_frame() -> egui::Frame {
    egui::Frame::NONE
        .fill(GLASS)
        .corner_radius(6.0)
        .inner_margin(12.0)
}

/// Large display text for titles.
pub fn title_text(text: &str, size: f32) -> egui::RichText {
    egui::RichText::new(text).size(size).color(ACCENT).strong()
}

/// A menu's window: no title bar, in the middle of the screen, as large as its contents.
pub fn menu_window(name: &str) -> egui::Window<'static> {
    egui::Window::new(name.to_owned())
        .title_bar(false)
        .resizable(false)
        .collapsible(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .auto_sized()
}

/// A wide menu button, the same width on every menu.
pub fn menu_button(ui: &mut egui::Ui, label: &str) -> egui::Response {
    ui.add_sized(
        [260.0, 40.0],
        egui::Button::new(egui::RichText::new(label).size(20.0)),
    )
}

/// `m:ss` for a number of seconds.
pub fn clock(seconds: f32) -> String {
    let s = seconds.max(0.0).ceil() as u32;
    format!("{}:{:02}", s / 60, s % 60)
}

/// A dreamer's own colour, from their level file.
pub fn dreamer_colour(dreamer: &crate::levels::Dreamer) -> egui::Color32 {
    let [r, g, b] = dreamer.rgb().unwrap_or([255, 255, 255]);
    egui::Color32::from_rgb(r, g, b)
}

/// The colour a speaker's name is drawn in wherever someone speaks (the scenes, the
/// subtitles in a dream, the talk at a core, the design talk): that of the dreamer file
/// with that name (Leo, Mara, Father, Nyx), else the accent (Juno, Priya, the unnamed).
pub fn speaker_colour(library: &crate::levels::Library, who: &str) -> egui::Color32 {
    library
        .dreamers
        .values()
        .find(|entry| entry.value.name == who)
        .map_or(ACCENT, |entry| dreamer_colour(&entry.value))
}

/// Problems in the level files, if any, in a scrolling list with a hint on what to do.
pub fn level_problems(ui: &mut egui::Ui, report: &crate::levels::LevelReport) {
    if report.errors.is_empty() {
        return;
    }
    ui.add_space(8.0);
    ui.colored_label(
        WARNING,
        format!(
            "{} problem{} in the level files (`sleep-sync validate` lists them too):",
            report.errors.len(),
            if report.errors.len() == 1 { "" } else { "s" }
        ),
    );
    egui::ScrollArea::vertical()
        .id_salt("level_problems")
        .max_height(160.0)
        .show(ui, |ui| {
            for error in &report.errors {
                ui.colored_label(WARNING, egui::RichText::new(error).monospace().size(13.0));
            }
        });
    for file in &report.kept {
        ui.colored_label(DIM, format!("{file}: playing its last good version"));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clock_rounds_up_and_pads() {
        assert_eq!(super::clock(0.0), "0:00");
        assert_eq!(super::clock(59.2), "1:00");
        assert_eq!(super::clock(61.0), "1:01");
        assert_eq!(super::clock(-3.0), "0:00");
    }
}
