//! The browser page (`web/index.html`) hides its loading screen once the game has drawn:
//! the game counts its frames in `<body data-frames="N">` for the first few seconds.

use bevy::prelude::*;

/// Frames counted on the page; after these the page has long since seen the game.
const COUNTED: u32 = 600;

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(Last, count_frames);
}

fn count_frames(mut frames: Local<u32>) {
    if *frames >= COUNTED {
        return;
    }
    *frames += 1;
    let body = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body());
    if let Some(body) = body {
        // The page only reads it; failing to write it changes nothing in the game.
        let _ = body.dataset().set("frames", &frames.to_string());
    }
}
