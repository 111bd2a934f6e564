//! The SomnoTech control room: the sleepers trapped in nightmare loops, and a Dive button
//! for each. (The full instrument panel grows here.)

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::AppState;
use crate::dive::{ActiveDive, FreedDreamers};
use crate::levels::{DiveSpec, Levels};
use crate::theme;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        control_room.run_if(in_state(AppState::ControlRoom)),
    );
}

fn control_room(
    mut contexts: EguiContexts,
    levels: Res<Levels>,
    freed: Res<FreedDreamers>,
    mut commands: Commands,
    mut next: ResMut<NextState<AppState>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    theme::full_screen(ctx, |ui| {
        ui.add_space(24.0);
        ui.horizontal(|ui| {
            ui.add_space(24.0);
            ui.label(theme::title_text("SomnoTech · Sleep Sync network", 30.0));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.add_space(24.0);
                if ui.button("Back to title").clicked() {
                    next.set(AppState::Title);
                }
            });
        });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            ui.add_space(24.0);
            ui.colored_label(
                theme::WARNING,
                "NETWORK OVERLOAD · sleepers trapped in nightmare loops",
            );
        });
        ui.add_space(16.0);
        egui::Frame::group(ui.style())
            .inner_margin(16.0)
            .outer_margin(egui::Margin::symmetric(24, 0))
            .show(ui, |ui| {
                ui.heading("Sleepers in a loop");
                let dives: Vec<&DiveSpec> = levels.library.campaign_dives().collect();
                ui.add_space(8.0);
                egui::Grid::new("sleepers")
                    .num_columns(4)
                    .spacing([24.0, 14.0])
                    .striped(true)
                    .show(ui, |ui| {
                        ui.label(egui::RichText::new("Sleeper").color(theme::DIM));
                        ui.label(egui::RichText::new("Fears").color(theme::DIM));
                        ui.label(egui::RichText::new("Loop").color(theme::DIM));
                        ui.label("");
                        ui.end_row();
                        for dive in &dives {
                            let dreamer = &dive.dreamer;
                            ui.vertical(|ui| {
                                ui.set_width(360.0);
                                ui.label(
                                    egui::RichText::new(&dreamer.name)
                                        .strong()
                                        .size(20.0)
                                        .color(theme::dreamer_colour(dreamer)),
                                );
                                ui.label(egui::RichText::new(&dreamer.about).color(theme::DIM));
                            });
                            let fears: Vec<&str> =
                                dreamer.fears.iter().map(|f| f.tag.label()).collect();
                            ui.vertical(|ui| {
                                ui.set_width(240.0);
                                ui.add(egui::Label::new(fears.join(", ")).wrap());
                            });
                            if freed.0.contains(dive.id()) {
                                ui.label(
                                    egui::RichText::new("FREE · loop broken")
                                        .color(theme::MEMORY)
                                        .strong(),
                                );
                            } else {
                                ui.label(theme::clock(dive.dream.loop_seconds));
                            }
                            if ui
                                .add_sized([120.0, 36.0], egui::Button::new("Dive"))
                                .clicked()
                            {
                                commands.insert_resource(ActiveDive::new((*dive).clone()));
                                next.set(AppState::Dream);
                            }
                            ui.end_row();
                        }
                    });
                if dives.is_empty() {
                    ui.colored_label(theme::WARNING, "No dream in the campaign could be loaded.");
                }
                theme::level_problems(ui, &levels.report);
            });
    });
    Ok(())
}
