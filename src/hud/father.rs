//! Father's channel during a dive: the link's stability, always in the bottom-right corner,
//! and what he says when something happens (the dive's [`FatherSays`]).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::dive::{DiveLink, FatherSays};
use crate::state::AppState;
use crate::theme;

/// Seconds a line of Father's stays on screen.
const LINE_SECONDS: f32 = 9.0;

/// What Father said last, and how long ago.
#[derive(Resource, Debug, Default)]
pub struct FatherChannel {
    pub line: Option<String>,
    pub age: f32,
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<FatherChannel>()
        .add_systems(
            OnEnter(AppState::Dream),
            |mut channel: ResMut<FatherChannel>| *channel = FatherChannel::default(),
        )
        .add_systems(
            Update,
            listen
                .after(crate::AppSystems::Update)
                .run_if(in_state(AppState::Dream)),
        )
        .add_systems(
            EguiPrimaryContextPass,
            channel.run_if(in_state(AppState::Dream).and_then(resource_exists::<DiveLink>)),
        );
}

fn listen(
    time: Res<Time>,
    mut says: MessageReader<FatherSays>,
    mut channel: ResMut<FatherChannel>,
    access: Res<crate::settings::AccessibilitySettings>,
) {
    // A longer line time ages the line more slowly.
    channel.age += access.aged(time.delta_secs());
    if let Some(FatherSays(line)) = says.read().last() {
        channel.line = Some(line.clone());
        channel.age = 0.0;
    }
}

fn channel(mut contexts: EguiContexts, channel: Res<FatherChannel>, link: Res<DiveLink>) -> Result {
    let ctx = contexts.ctx_mut()?;
    egui::Area::new("father_channel".into())
        .anchor(egui::Align2::RIGHT_BOTTOM, [-16.0, -16.0])
        .interactable(false)
        .show(ctx, |ui| {
            theme::glass_frame().show(ui, |ui| {
                ui.set_max_width(300.0);
                let low = link.stability < link.rules.warn_below;
                let colours = theme::colours(ui.ctx());
                ui.horizontal(|ui| {
                    ui.label(
                        egui::RichText::new("FATHER · LINK")
                            .small()
                            .color(theme::DIM),
                    );
                    ui.add(
                        egui::ProgressBar::new(link.stability)
                            .desired_width(120.0)
                            .fill(if low { colours.danger } else { colours.lucid })
                            .text(
                                egui::RichText::new(format!("{:.0}%", link.stability * 100.0))
                                    .color(egui::Color32::BLACK),
                            ),
                    );
                });
                if let Some(line) = channel.line.as_ref().filter(|_| channel.age < LINE_SECONDS) {
                    ui.label(egui::RichText::new(line).italics().color(theme::MEMORY));
                }
            });
        });
    Ok(())
}
