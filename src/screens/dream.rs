//! The dream screen's part of the window: the cursor is held while Juno is steered.

use bevy::prelude::*;
use bevy::window::{CursorGrabMode, CursorOptions, PrimaryWindow};
use bevy_egui::input::EguiWantsInput;

use crate::state::Pause;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        grab_cursor.run_if(resource_exists::<ButtonInput<MouseButton>>),
    );
}

/// The cursor is held (hidden, locked) while Juno is being steered in the dream, and
/// free everywhere else. A click re-grabs it (browsers only allow that after a gesture).
fn grab_cursor(
    mut cursor: Query<(&mut CursorOptions, &Window), With<PrimaryWindow>>,
    buttons: Res<ButtonInput<MouseButton>>,
    pause: Option<Res<State<Pause>>>,
    nightmare: Option<Res<crate::dive::NightmareLoop>>,
    egui_input: Option<Res<EguiWantsInput>>,
    mut was_playing: Local<bool>,
) {
    let Ok((mut cursor, window)) = cursor.single_mut() else {
        return;
    };
    // The system or the browser frees the cursor when the window loses focus (Alt-Tab,
    // the browser's own Esc); then a click must grab it again.
    // At the core and once the dreamer is free the player answers with the mouse.
    let steering = nightmare.is_none_or(|n| n.is_running());
    let playing = pause.is_some_and(|p| *p.get() == Pause::Running) && window.focused && steering;
    let over_ui = egui_input.is_some_and(|e| e.wants_any_pointer_input());
    let grab = if playing && !*was_playing {
        true
    } else if !playing {
        false
    } else {
        cursor.grab_mode != CursorGrabMode::None
            || (buttons.just_pressed(MouseButton::Left) && !over_ui)
    };
    *was_playing = playing;
    let mode = if grab {
        CursorGrabMode::Locked
    } else {
        CursorGrabMode::None
    };
    if cursor.grab_mode != mode {
        cursor.grab_mode = mode;
        cursor.visible = !grab;
    }
}
