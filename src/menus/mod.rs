//! Menus shown over a screen, and moving through every screen's controls by any device
//! ([`nav`]).

mod controls;
pub mod nav;
mod pause;
mod settings;

pub use settings::SettingsEditor;

use bevy::ecs::system::SystemParam;

use bevy::prelude::*;

use crate::state::{Menu, MenuCommand};

pub(super) fn plugin(app: &mut App) {
    pause::plugin(app);
    nav::plugin(app);
    controls::plugin(app);
}

/// The open menu and the way to others, for the screens that draw menus.
#[derive(SystemParam)]
pub struct Menus<'w> {
    current: Res<'w, State<Menu>>,
    commands: MessageWriter<'w, MenuCommand>,
}

impl Menus<'_> {
    /// Whether `menu` is the one open.
    pub fn showing(&self, menu: Menu) -> bool {
        *self.current.get() == menu
    }

    /// Opens `menu` over the current one (Back returns to it).
    pub fn open(&mut self, menu: Menu) {
        self.commands.write(MenuCommand::Open(menu));
    }

    /// Back to where the current menu was opened from.
    pub fn back(&mut self) {
        self.commands.write(MenuCommand::Back);
    }

    /// Closes every menu.
    pub fn close(&mut self) {
        self.commands.write(MenuCommand::Close);
    }
}
