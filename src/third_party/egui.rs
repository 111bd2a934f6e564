//! egui: every screen, menu and HUD of the game is drawn with it.

use bevy::prelude::*;
use bevy_egui::EguiPlugin;

pub(crate) fn plugin(app: &mut App) {
    app.add_plugins(EguiPlugin::default());
}
