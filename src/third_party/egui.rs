//! egui: every screen, menu and HUD of the game is drawn with it.

use bevy::prelude::*;
use bevy_egui::EguiPlugin;

pub(crate) fn plugin(app: &mut App) {
    app.add_plugins(EguiPlugin::default());
    #[cfg(target_arch = "wasm32")]
    app.add_systems(bevy_egui::EguiPrimaryContextPass, browser_fonts);
}

/// The browser build's fonts: egui's text and code faces without its two emoji fonts,
/// which are 0.45 MB of the download (gzipped) and draw nothing the game writes. A mod's
/// emoji shows as a missing glyph there, and draws on the desktop.
#[cfg(target_arch = "wasm32")]
fn browser_fonts(mut contexts: bevy_egui::EguiContexts, mut done: Local<bool>) -> Result {
    use bevy_egui::egui::{FontData, FontDefinitions, FontFamily};
    use std::sync::Arc;
    if *done {
        return Ok(());
    }
    let mut fonts = FontDefinitions::empty();
    for (name, bytes) in [
        ("Ubuntu-Light", epaint_default_fonts::UBUNTU_LIGHT),
        ("Hack", epaint_default_fonts::HACK_REGULAR),
    ] {
        fonts
            .font_data
            .insert(name.to_owned(), Arc::new(FontData::from_static(bytes)));
    }
    // Each face falls back on the other: Hack has the arrows and symbols Ubuntu lacks.
    fonts.families.insert(
        FontFamily::Proportional,
        vec!["Ubuntu-Light".to_owned(), "Hack".to_owned()],
    );
    fonts.families.insert(
        FontFamily::Monospace,
        vec!["Hack".to_owned(), "Ubuntu-Light".to_owned()],
    );
    contexts.ctx_mut()?.set_fonts(fonts);
    *done = true;
    Ok(())
}
