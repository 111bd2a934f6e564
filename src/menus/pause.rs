//! The pause menu: Resume, Settings, Wake up (back to the control room), Quit.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::SettingsEditor;
use crate::state::{AppState, Menu, Pause};
use crate::theme;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        pause_menu.run_if(in_state(Pause::Paused)),
    );
}

fn pause_menu(
    mut contexts: EguiContexts,
    mut menus: super::Menus,
    mut next_screen: ResMut<NextState<AppState>>,
    mut exit: MessageWriter<AppExit>,
    mut settings: SettingsEditor,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Background,
        "pause_dim".into(),
    ));
    painter.rect_filled(
        ctx.viewport_rect(),
        0.0,
        egui::Color32::from_black_alpha(140),
    );
    if menus.showing(Menu::Settings) {
        if settings.window(ctx) {
            menus.back();
        }
        return Ok(());
    }
    egui::Window::new("Paused")
        .title_bar(false)
        .resizable(false)
        .collapsible(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(8.0);
                ui.label(theme::title_text("Paused", 32.0));
                ui.label(egui::RichText::new("The dream holds its breath.").color(theme::DIM));
                ui.add_space(16.0);
                if theme::menu_button(ui, "Resume").clicked() {
                    menus.close();
                }
                if theme::menu_button(ui, "Settings").clicked() {
                    menus.open(Menu::Settings);
                }
                if theme::menu_button(ui, "Wake up").clicked() {
                    next_screen.set(AppState::ControlRoom);
                }
                if theme::menu_button(ui, "Quit").clicked() {
                    exit.write(AppExit::Success);
                }
                ui.add_space(8.0);
            });
        });
    Ok(())
}
