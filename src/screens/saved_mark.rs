//! The small mark that the game saved: "Saved" in the corner for a moment after a story
//! beat's autosave or a save to a slot (not the quiet ones every few seconds), and what
//! went wrong, until the next save works, when one fails.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::saves::SaveStatus;
use crate::state::AppState;
use crate::theme;

/// Seconds the mark stays, fading over the last of them.
const SHOWN_SECONDS: f64 = 2.5;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        saved_mark.run_if(in_state(AppState::ControlRoom).or_else(in_state(AppState::Dream))),
    );
}

fn saved_mark(
    mut contexts: EguiContexts,
    status: Res<SaveStatus>,
    time: Res<Time<Real>>,
) -> Result {
    let age = status
        .shown_at
        .map(|at| time.elapsed_secs_f64() - at)
        .filter(|age| *age < SHOWN_SECONDS);
    if status.failed.is_none() && age.is_none() {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    egui::Area::new("saved_mark".into())
        .anchor(egui::Align2::CENTER_BOTTOM, egui::vec2(0.0, -10.0))
        .interactable(false)
        .show(ctx, |ui| match &status.failed {
            Some(problem) => {
                theme::glass_frame().show(ui, |ui| {
                    ui.set_max_width(420.0);
                    ui.colored_label(theme::WARNING, problem);
                });
            }
            None => {
                let fade = (SHOWN_SECONDS - age.unwrap_or(0.0)).clamp(0.0, 1.0) as f32;
                ui.label(
                    egui::RichText::new("Game saved")
                        .color(theme::DIM.gamma_multiply(fade))
                        .size(13.0),
                );
            }
        });
    Ok(())
}
