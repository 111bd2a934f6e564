//! The browser page (`web/index.html`) and the game talk through `<body>`'s data
//! attributes: the game counts its frames in `data-frames` for the first few seconds (the
//! page hides its loading screen on the first), names the screen it shows in
//! `data-screen` (`Title`, `ControlRoom`, `Dream:Forming`, `Dream:Exploring`, ...) and
//! writes the settings it plays with in `data-settings` (what it read from localStorage,
//! then every change). The browser test reads them.

use bevy::prelude::*;

use crate::settings::{ControlSettings, PictureSettings, SoundSettings};
use crate::state::AppState;
use crate::state::DreamPhase;

/// Frames counted on the page; after these the page has long since seen the game.
const COUNTED: u32 = 600;

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(Last, count_frames)
        .add_systems(
            Last,
            show_screen.run_if(state_changed::<AppState>.or_else(state_changed::<DreamPhase>)),
        )
        .add_systems(
            Last,
            show_settings.run_if(crate::settings::settings_changed),
        )
        .add_systems(
            Last,
            show_desk.run_if(resource_added::<crate::campaign::ControlRoom>),
        );
}

fn body() -> Option<web_sys::HtmlElement> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
}

fn count_frames(mut frames: Local<u32>) {
    if *frames >= COUNTED {
        return;
    }
    *frames += 1;
    if let Some(body) = body() {
        // The page only reads it; failing to write it changes nothing in the game.
        let _ = body.dataset().set("frames", &frames.to_string());
    }
}

fn show_screen(screen: Res<State<AppState>>, phase: Option<Res<State<DreamPhase>>>) {
    let text = match phase {
        Some(phase) => format!("{:?}:{:?}", screen.get(), phase.get()),
        None => format!("{:?}", screen.get()),
    };
    if let Some(body) = body() {
        let _ = body.dataset().set("screen", &text);
    }
}

fn show_settings(
    sound: Res<SoundSettings>,
    controls: Res<ControlSettings>,
    picture: Res<PictureSettings>,
) {
    let text = format!("{:?} {:?} {:?}", *sound, *controls, *picture);
    if let Some(body) = body() {
        let _ = body.dataset().set("settings", &text);
    }
}

/// The network minute a game began or continued at (the browser test checks Continue
/// returns to the minute saved).
fn show_desk(room: Res<crate::campaign::ControlRoom>) {
    if let Some(body) = body() {
        let _ = body
            .dataset()
            .set("deskMinute", &room.0.network.minute().to_string());
    }
}
