//! The controls, headless, through the devices' own events: a rebound key walks Juno and
//! the old one no longer does; a gamepad walks her, pauses the dream, goes back from a
//! menu and moves through menus (the navigation controls that egui's focus follows);
//! the prompts follow the device used last; the bindings are kept with the settings.

use bevy::input::ButtonState;
use bevy::input::keyboard::Key;
use bevy::prelude::*;
use sleep_sync::controls::{
    Bindings, Control, ControlState, Device, Input, KeyLabels, PadStyle, Slot,
};
use sleep_sync::dev::testing::{
    connect_pad, dive_into, headless_app, juno_position, pad_axis, pad_button, send_key,
};
use sleep_sync::state::{Menu, MenuCommand};

fn controls(app: &App) -> &ControlState {
    app.world().resource::<ControlState>()
}

/// How far Juno goes over the ground in `frames` frames with `key` held.
fn walked_with(app: &mut App, key: KeyCode, text: &str, frames: u32) -> f32 {
    let from = juno_position(app);
    send_key(app, key, Key::Character(text.into()), ButtonState::Pressed);
    for _ in 0..frames {
        app.update();
    }
    send_key(app, key, Key::Character(text.into()), ButtonState::Released);
    for _ in 0..30 {
        app.update(); // she comes to a stop
    }
    (juno_position(app) - from).xz().length()
}

#[test]
fn a_rebound_key_walks_juno_and_the_old_one_no_longer_does() {
    let mut app = headless_app();
    dive_into(&mut app, "leo");
    assert!(
        walked_with(&mut app, KeyCode::KeyW, "w", 60) > 1.0,
        "W walks by default"
    );
    // Walk forward on I (the first keyboard slot, where W was).
    app.world_mut().resource_mut::<Bindings>().bind(
        Control::WalkForward,
        Slot::Keyboard(0),
        Input::Key(KeyCode::KeyI),
    );
    app.update();
    let with_w = walked_with(&mut app, KeyCode::KeyW, "w", 60);
    assert!(with_w < 0.05, "W still walks: {with_w} m");
    let with_i = walked_with(&mut app, KeyCode::KeyI, "i", 60);
    assert!(with_i > 1.0, "I does not walk: {with_i} m");
}

#[test]
fn a_gamepad_walks_pauses_and_moves_through_menus() {
    let mut app = headless_app();
    dive_into(&mut app, "leo");
    let pad = connect_pad(&mut app, Some(0x054c));
    assert_eq!(controls(&app).device, Device::Keyboard);
    // The left stick leant forward walks her, past the dead zone.
    let from = juno_position(&mut app);
    pad_axis(&mut app, pad, GamepadAxis::LeftStickY, 0.1);
    for _ in 0..30 {
        app.update();
    }
    assert_eq!(
        controls(&app).value(Control::WalkForward),
        0.0,
        "inside the dead zone"
    );
    pad_axis(&mut app, pad, GamepadAxis::LeftStickY, 0.9);
    for _ in 0..60 {
        app.update();
    }
    let state = controls(&app);
    assert!(state.value(Control::WalkForward) > 0.8);
    assert_eq!(state.device, Device::Gamepad, "the prompts follow the pad");
    assert_eq!(
        *app.world().resource::<PadStyle>(),
        PadStyle::PlayStation,
        "named as its maker prints them"
    );
    pad_axis(&mut app, pad, GamepadAxis::LeftStickY, 0.0);
    for _ in 0..30 {
        app.update();
    }
    let walked = (juno_position(&mut app) - from).xz().length();
    assert!(walked > 1.0, "the stick walked her {walked} m");

    // Start pauses the dream; East goes back out of the pause menu's settings, Start
    // resumes.
    let press = |app: &mut App, button| {
        pad_button(app, pad, button, 1.0);
        app.update();
        pad_button(app, pad, button, 0.0);
        app.update();
        app.update();
    };
    press(&mut app, GamepadButton::Start);
    assert_eq!(menu(&app), Menu::Pause);
    app.world_mut()
        .write_message(MenuCommand::Open(Menu::Settings));
    app.update();
    app.update();
    assert_eq!(menu(&app), Menu::Settings);
    press(&mut app, GamepadButton::East);
    assert_eq!(menu(&app), Menu::Pause);
    press(&mut app, GamepadButton::Start);
    assert_eq!(menu(&app), Menu::None);

    // The d-pad and South are the menus' navigation and Confirm, pressed once each.
    pad_button(&mut app, pad, GamepadButton::DPadDown, 1.0);
    app.update();
    assert!(controls(&app).pressed(Control::Down));
    app.update();
    assert!(
        !controls(&app).pressed(Control::Down),
        "a held button is pressed once"
    );
    assert!(controls(&app).held(Control::Down));
    pad_button(&mut app, pad, GamepadButton::DPadDown, 0.0);
    pad_button(&mut app, pad, GamepadButton::South, 1.0);
    app.update();
    assert!(controls(&app).pressed(Control::Confirm));
    assert!(controls(&app).pressed(Control::Jump), "South also jumps");

    // A key pressed: the prompts are the keyboard's again.
    send_key(
        &mut app,
        KeyCode::KeyQ,
        Key::Character("a".into()),
        ButtonState::Pressed,
    );
    app.update();
    assert_eq!(controls(&app).device, Device::Keyboard);
    // And the key's label is learned: this keyboard types "a" where QWERTY has Q.
    assert_eq!(app.world().resource::<KeyLabels>().key(KeyCode::KeyQ), "A");
}

fn menu(app: &App) -> Menu {
    *app.world().resource::<State<Menu>>().get()
}

/// On a slow frame a quick tap is down and up before the frame ends: it still counts.
#[test]
fn a_tap_shorter_than_a_frame_still_pauses() {
    let mut app = headless_app();
    dive_into(&mut app, "leo");
    send_key(&mut app, KeyCode::Escape, Key::Escape, ButtonState::Pressed);
    send_key(
        &mut app,
        KeyCode::Escape,
        Key::Escape,
        ButtonState::Released,
    );
    app.update();
    app.update();
    assert_eq!(menu(&app), Menu::Pause);
}
