//! What each screen shows (the states themselves are `crate::state`): the loading
//! screen, the title with its menus, the control room's panels, and the dream's window.

pub mod control_room;
mod dream;
mod loading;
mod saved_mark;
pub mod scene;
pub mod title;

use bevy::prelude::*;

/// The screens' egui UI.
pub(super) fn ui_plugin(app: &mut App) {
    app.add_plugins((
        loading::ui_plugin,
        title::plugin,
        control_room::plugin,
        dream::plugin,
        saved_mark::plugin,
        scene::plugin,
    ));
}
