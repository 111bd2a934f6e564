//! The game's screens, as states: Loading → Title → ControlRoom → Dream, with a Pause
//! overlay inside the dream that stops virtual time.

pub mod control_room;
mod loading;
mod title;

pub use title::FreeDive;

use bevy::prelude::*;

/// Which screen the player is on.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AppState {
    /// Level files are loading.
    #[default]
    Loading,
    /// The title screen.
    Title,
    /// SomnoTech's control room, where dives start.
    ControlRoom,
    /// Inside a dreamer's nightmare.
    Dream,
}

/// Whether the dream is paused. Paused stops `Time<Virtual>`, and with it the fixed
/// clock, physics and the loop timer.
#[derive(SubStates, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[source(AppState = AppState::Dream)]
pub enum Pause {
    #[default]
    Running,
    Paused,
}

pub(super) fn plugin(app: &mut App) {
    app.init_state::<AppState>()
        .add_sub_state::<Pause>()
        .add_systems(OnEnter(Pause::Paused), |mut time: ResMut<Time<Virtual>>| {
            time.pause()
        })
        .add_systems(OnExit(Pause::Paused), |mut time: ResMut<Time<Virtual>>| {
            time.unpause()
        });
    loading::plugin(app);
}

/// The screens' egui UI.
pub(super) fn ui_plugin(app: &mut App) {
    app.add_plugins((loading::ui_plugin, title::plugin, control_room::plugin));
}
