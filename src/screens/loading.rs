//! The loading screen: waits for every level file before the title. Broken files do
//! not stop the game: they are listed, and the rest play.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::levels::Levels;
use crate::state::AppState;
use crate::theme;

pub(super) fn ui_plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        loading_screen.run_if(in_state(AppState::Loading)),
    );
}

fn loading_screen(
    mut contexts: EguiContexts,
    levels: Res<Levels>,
    mut exit: MessageWriter<AppExit>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    theme::full_screen(ctx, |ui| {
        ui.add_space(ui.available_height() * 0.35);
        ui.vertical_centered(|ui| {
            ui.label(theme::title_text("SLEEP SYNC", 48.0));
            ui.add_space(24.0);
            if levels.total > 0 {
                let progress = levels.loaded as f32 / levels.total as f32;
                ui.add(
                    egui::ProgressBar::new(progress)
                        .desired_width(360.0)
                        .text(format!("level files {}/{}", levels.loaded, levels.total)),
                );
            } else {
                ui.label("Reading the level files…");
            }
            // Only levels with nothing playable keep the game here: say why, and let
            // the player leave.
            if levels.ready {
                ui.add_space(16.0);
                ui.colored_label(theme::WARNING, "No dream can be played.");
                egui::ScrollArea::vertical().max_height(360.0).show(ui, |ui| {
                    for error in &levels.report.errors {
                        ui.colored_label(theme::WARNING, error);
                    }
                });
                ui.label(
                    egui::RichText::new("Fix the files and start the game again (`sleep-sync validate` lists every problem).")
                        .color(theme::DIM),
                );
                if theme::menu_button(ui, "Quit").clicked() {
                    exit.write(AppExit::error());
                }
            }
        });
    });
    Ok(())
}
