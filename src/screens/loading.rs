//! The loading screen: waits for the campaign and every dreamer file before the title.
//! A broken dreamer file does not stop the game: it is listed, and the rest play.

use bevy::asset::LoadState;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::AppState;
use crate::levels::{CAMPAIGN_PATH, Campaign, Dreamer};
use crate::theme;

/// The dreamers the player can dive into, in campaign order.
#[derive(Resource, Debug, Default, Clone)]
pub struct Roster {
    pub dreamers: Vec<Dreamer>,
}

impl Roster {
    pub fn get(&self, id: &str) -> Option<&Dreamer> {
        self.dreamers.iter().find(|d| d.id == id)
    }
}

/// How far loading has come, and what went wrong.
#[derive(Resource, Debug, Default, Clone)]
pub struct LoadingStatus {
    pub loaded: usize,
    pub total: usize,
    /// Located error messages (`file:line:column: ...`), one per broken file.
    pub errors: Vec<String>,
}

#[derive(Resource)]
struct CampaignHandle(Handle<Campaign>);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<LoadingStatus>()
        .init_resource::<Roster>()
        .add_systems(OnEnter(AppState::Loading), start_loading)
        .add_systems(
            Update,
            track_loading
                .in_set(crate::AppSystems::Update)
                .run_if(in_state(AppState::Loading)),
        );
}

pub(super) fn ui_plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        loading_screen.run_if(in_state(AppState::Loading)),
    );
}

fn start_loading(mut commands: Commands, assets: Res<AssetServer>) {
    commands.insert_resource(CampaignHandle(assets.load(CAMPAIGN_PATH)));
}

fn track_loading(
    campaign: Res<CampaignHandle>,
    campaigns: Res<Assets<Campaign>>,
    dreamers: Res<Assets<Dreamer>>,
    assets: Res<AssetServer>,
    mut status: ResMut<LoadingStatus>,
    mut roster: ResMut<Roster>,
    mut next: ResMut<NextState<AppState>>,
) {
    if let Some(LoadState::Failed(err)) = assets.get_load_state(&campaign.0) {
        let message = err.to_string();
        if status.errors.last() != Some(&message) {
            error!("{message}");
            status.errors.push(message);
        }
        return;
    }
    let Some(campaign) = campaigns.get(&campaign.0) else {
        return;
    };
    status.total = campaign.dreamers.len();
    status.loaded = 0;
    let mut errors = Vec::new();
    for handle in &campaign.dreamers {
        match assets.get_load_state(handle) {
            Some(LoadState::Loaded) => status.loaded += 1,
            Some(LoadState::Failed(err)) => errors.push(err.to_string()),
            _ => {}
        }
    }
    let settled = status.loaded + errors.len() == status.total;
    if settled {
        for e in &errors {
            error!("{e}");
        }
        status.errors = errors;
        roster.dreamers = campaign
            .dreamers
            .iter()
            .filter_map(|h| dreamers.get(h).cloned())
            .collect();
        info!("levels loaded: {} dreamers", roster.dreamers.len());
        next.set(AppState::Title);
    }
}

fn loading_screen(
    mut contexts: EguiContexts,
    status: Res<LoadingStatus>,
    mut exit: MessageWriter<AppExit>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    theme::full_screen(ctx, |ui| {
        ui.add_space(ui.available_height() * 0.35);
        ui.vertical_centered(|ui| {
            ui.label(theme::title_text("SLEEP SYNC", 48.0));
            ui.add_space(24.0);
            if status.total > 0 {
                let progress = status.loaded as f32 / status.total as f32;
                ui.add(
                    egui::ProgressBar::new(progress)
                        .desired_width(360.0)
                        .text(format!("dreamers {}/{}", status.loaded, status.total)),
                );
            } else {
                ui.label("Reading the campaign…");
            }
            // Only a broken campaign file keeps the game here: say so, and let the
            // player leave.
            for error in &status.errors {
                ui.colored_label(theme::WARNING, error);
            }
            if !status.errors.is_empty() {
                ui.add_space(16.0);
                ui.label(
                    egui::RichText::new("Fix the file and start the game again.").color(theme::DIM),
                );
                if theme::menu_button(ui, "Quit").clicked() {
                    exit.write(AppExit::error());
                }
            }
        });
    });
    Ok(())
}
