//! The pause menu: Resume, What was said (the dive's lines, to read again), Settings,
//! Wake up (back to the control room), Quit.

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
    transcript: Res<crate::hud::Transcript>,
    levels: Res<crate::levels::Levels>,
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
    if SettingsEditor::showing(&menus) {
        settings.window(ctx, &mut menus);
        return Ok(());
    }
    if menus.showing(Menu::Transcript) {
        if said_window(ctx, &transcript, &levels.library) {
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
                if theme::menu_button(ui, "What was said").clicked() {
                    menus.open(Menu::Transcript);
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

/// Everything said in the dive so far, newest at the bottom; true when the player
/// pressed Back.
fn said_window(
    ctx: &egui::Context,
    transcript: &crate::hud::Transcript,
    library: &crate::levels::Library,
) -> bool {
    let mut back = false;
    theme::menu_window("What was said").show(ctx, |ui| {
        ui.set_width(680.0);
        ui.vertical_centered(|ui| {
            ui.add_space(8.0);
            ui.label(theme::title_text("What was said", 30.0));
        });
        ui.add_space(8.0);
        egui::ScrollArea::vertical()
            .max_height(ctx.content_rect().height() * 0.6)
            .stick_to_bottom(true)
            .show(ui, |ui| {
                if transcript.0.is_empty() {
                    ui.label(egui::RichText::new("Nothing yet.").color(theme::DIM));
                }
                let mut shown_loop = 0;
                for said in &transcript.0 {
                    if said.loop_number != shown_loop {
                        shown_loop = said.loop_number;
                        ui.add_space(4.0);
                        ui.label(
                            egui::RichText::new(format!("Loop {shown_loop}"))
                                .small()
                                .color(theme::DIM),
                        );
                    }
                    ui.horizontal_wrapped(|ui| {
                        ui.label(
                            egui::RichText::new(format!("{}:", said.who))
                                .strong()
                                .color(theme::speaker_colour(library, &said.who)),
                        );
                        ui.label(egui::RichText::new(&said.text).italics());
                    });
                }
            });
        ui.add_space(10.0);
        ui.vertical_centered(|ui| {
            back = theme::menu_button(ui, "Back").clicked();
        });
    });
    back
}
