//! Menus shown over a screen.

mod pause;

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    pause::plugin(app);
}
