//! The title screen: New game, Quit.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::AppState;
use crate::theme;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        title_screen.run_if(in_state(AppState::Title)),
    );
}

fn title_screen(
    mut contexts: EguiContexts,
    mut next: ResMut<NextState<AppState>>,
    mut exit: MessageWriter<AppExit>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    theme::full_screen(ctx, |ui| {
        ui.add_space(ui.available_height() * 0.28);
        ui.vertical_centered(|ui| {
            ui.label(theme::title_text("SLEEP SYNC", 64.0));
            ui.label(
                egui::RichText::new("2045 · SomnoTech night shift")
                    .color(theme::DIM)
                    .size(18.0),
            );
            ui.add_space(48.0);
            if theme::menu_button(ui, "New game").clicked() {
                next.set(AppState::ControlRoom);
            }
            if theme::menu_button(ui, "Quit").clicked() {
                exit.write(AppExit::Success);
            }
            ui.add_space(32.0);
            ui.label(
                egui::RichText::new(
                    "Your brother and your mother are trapped in looping nightmares.\nDive in and bring them home.",
                )
                .color(theme::DIM),
            );
        });
    });
    Ok(())
}
