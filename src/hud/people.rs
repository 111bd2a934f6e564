//! What people in the dream say, as subtitles above the controls line: the speaker's
//! name in their colour, the words in italics, the last few lines for a few seconds
//! each.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::dive::{LoopState, NightmareLoop, PersonSays};
use crate::levels::{Levels, Library};
use crate::state::{AppState, Pause};
use crate::theme;

/// Seconds a line stays up.
const LINE_SECONDS: f32 = 7.0;
/// Lines shown at once, newest last.
const SHOWN: usize = 3;

/// The lines on screen: (name, text, age).
#[derive(Resource, Debug, Default)]
pub struct Subtitles(pub Vec<(String, String, f32)>);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Subtitles>()
        .add_systems(
            OnEnter(AppState::Dream),
            |mut subtitles: ResMut<Subtitles>| {
                subtitles.0.clear();
            },
        )
        .add_systems(
            Update,
            listen
                .after(crate::AppSystems::Update)
                .run_if(in_state(AppState::Dream)),
        )
        .add_systems(
            EguiPrimaryContextPass,
            // After the HUD, whose hazard warning they stack above.
            show.after(super::hud)
                .run_if(in_state(AppState::Dream))
                .run_if(in_state(Pause::Running)),
        );
}

fn listen(
    time: Res<Time>,
    mut says: MessageReader<PersonSays>,
    mut subtitles: ResMut<Subtitles>,
    access: Res<crate::settings::AccessibilitySettings>,
) {
    // A longer line time ages the lines more slowly.
    for line in &mut subtitles.0 {
        line.2 += access.aged(time.delta_secs());
    }
    subtitles.0.retain(|line| line.2 < LINE_SECONDS);
    for said in says.read() {
        subtitles
            .0
            .push((said.name.clone(), said.text.clone(), 0.0));
    }
    let extra = subtitles.0.len().saturating_sub(SHOWN);
    subtitles.0.drain(..extra);
}

fn show(
    mut contexts: EguiContexts,
    subtitles: Res<Subtitles>,
    levels: Res<Levels>,
    nightmare: Option<Res<NightmareLoop>>,
) -> Result {
    // At the core the talk's window has the floor (and says who else speaks).
    let talking = nightmare.is_some_and(|n| matches!(n.state, LoopState::Confronting { .. }));
    if subtitles.0.is_empty() || talking {
        return Ok(());
    }
    lines(contexts.ctx_mut()?, &subtitles, &levels.library);
    Ok(())
}

/// The lines on screen, above a hazard's warning if one is up (both want the place
/// above the controls line).
pub(super) fn lines(ctx: &egui::Context, subtitles: &Subtitles, library: &Library) {
    super::above_controls_line(ctx, egui::Area::new("hud_people".into()), |ui| {
        theme::glass_frame().show(ui, |ui| {
            ui.set_max_width(640.0);
            for (name, text, age) in &subtitles.0 {
                // The last second fades out.
                let alpha = (LINE_SECONDS - age).clamp(0.0, 1.0);
                let colour = theme::speaker_colour(library, name);
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        egui::RichText::new(format!("{name}:"))
                            .strong()
                            .color(colour.gamma_multiply(alpha)),
                    );
                    ui.label(
                        egui::RichText::new(text)
                            .italics()
                            .color(egui::Color32::WHITE.gamma_multiply(alpha)),
                    );
                });
            }
        });
    });
}
