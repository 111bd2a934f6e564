//! The menus as states, headless: each goes back to where it was opened from on Esc, the
//! title's own menu stays, and in the dream a menu open is the dream paused.

use bevy::input::ButtonState;
use bevy::input::keyboard::Key;
use bevy::prelude::*;
use sleep_sync::dev::testing::{dive_into, headless_app, run_until, send_key};
use sleep_sync::state::{AppState, Menu, MenuCommand, Pause};

fn menu(app: &App) -> Menu {
    *app.world().resource::<State<Menu>>().get()
}

fn pause(app: &App) -> Pause {
    *app.world().resource::<State<Pause>>().get()
}

/// Esc pressed and released, a frame each, and a frame for the state to change.
fn escape(app: &mut App) {
    send_key(app, KeyCode::Escape, Key::Escape, ButtonState::Pressed);
    app.update();
    send_key(app, KeyCode::Escape, Key::Escape, ButtonState::Released);
    app.update();
    app.update();
}

/// Pauses or resumes the dream from outside the menus.
fn set_pause(app: &mut App, to: Pause) {
    app.world_mut().resource_mut::<NextState<Pause>>().set(to);
    app.update();
    app.update();
}

fn open(app: &mut App, to: Menu) {
    app.world_mut().write_message(MenuCommand::Open(to));
    app.update();
    app.update();
}

#[test]
fn on_the_title_every_menu_goes_back_where_it_came_from() {
    let mut app = headless_app();
    run_until(&mut app, 2_000, |w| {
        *w.resource::<State<AppState>>().get() == AppState::Title
    });
    app.update();
    assert_eq!(menu(&app), Menu::Main);
    // The title's own menu has nowhere to go back to.
    escape(&mut app);
    assert_eq!(menu(&app), Menu::Main);
    open(&mut app, Menu::FreeDive);
    assert_eq!(menu(&app), Menu::FreeDive);
    escape(&mut app);
    assert_eq!(menu(&app), Menu::Main);
    open(&mut app, Menu::Settings);
    assert_eq!(menu(&app), Menu::Settings);
    escape(&mut app);
    assert_eq!(menu(&app), Menu::Main);
    // Leaving the title closes its menus.
    app.world_mut()
        .resource_mut::<NextState<AppState>>()
        .set(AppState::ControlRoom);
    app.update();
    app.update();
    assert_eq!(menu(&app), Menu::None);
    escape(&mut app);
    assert_eq!(
        menu(&app),
        Menu::None,
        "Esc opened a menu in the control room"
    );
}

#[test]
fn in_the_dream_settings_go_back_to_the_pause_menu_and_it_stays_paused() {
    let mut app = headless_app();
    let first = sleep_sync::dev::testing::shipped_library().campaign[0].clone();
    dive_into(&mut app, &first);
    assert_eq!((menu(&app), pause(&app)), (Menu::None, Pause::Running));
    escape(&mut app);
    assert_eq!((menu(&app), pause(&app)), (Menu::Pause, Pause::Paused));
    open(&mut app, Menu::Settings);
    assert_eq!((menu(&app), pause(&app)), (Menu::Settings, Pause::Paused));
    escape(&mut app);
    assert_eq!((menu(&app), pause(&app)), (Menu::Pause, Pause::Paused));
    escape(&mut app);
    assert_eq!((menu(&app), pause(&app)), (Menu::None, Pause::Running));
    // Paused from elsewhere (the window lost focus, a test), the pause menu shows; and
    // resumed from elsewhere, it goes.
    set_pause(&mut app, Pause::Paused);
    assert_eq!((menu(&app), pause(&app)), (Menu::Pause, Pause::Paused));
    set_pause(&mut app, Pause::Running);
    assert_eq!((menu(&app), pause(&app)), (Menu::None, Pause::Running));
    // The pause menu's Resume (Close) and waking up leave no menu behind.
    escape(&mut app);
    app.world_mut().write_message(MenuCommand::Close);
    app.update();
    app.update();
    assert_eq!((menu(&app), pause(&app)), (Menu::None, Pause::Running));
}
