//! Menus shown over a screen.

mod pause;
mod settings;

pub use settings::SettingsEditor;

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    pause::plugin(app);
}
