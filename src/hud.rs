//! The dream HUD: whose dream, which loop, the loop timer, anchors found, the memory just
//! found, and the fade that marks a loop collapsing.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::dive::{
    ActiveDive, AnchorFound, DreamForge, DreamPhase, LoopCollapsed, NightmareLoop, Reshaping,
};
use crate::levels::{LevelReport, Levels, LevelsReloaded};
use crate::screens::AppState;
use crate::theme;

/// How long a found memory stays on screen, seconds.
const MEMORY_TOAST_SECONDS: f32 = 7.0;
/// How long the "reloaded" note stays on screen, seconds.
const RELOAD_TOAST_SECONDS: f32 = 4.0;
/// How long the loop-start fade lasts, seconds.
const LOOP_FADE_SECONDS: f32 = 1.6;

/// Recent things the HUD shows for a while.
#[derive(Resource, Default)]
struct HudMoments {
    /// The memory just found: title, text, seconds shown.
    memory: Option<(String, String, f32)>,
    /// The level files just reloaded, and seconds shown.
    reloaded: Option<(String, f32)>,
    /// Level file problems already there when the dive began: the title screen lists
    /// them; the dream shows only those an edit brings.
    known_problems: Vec<String>,
    /// Seconds since the current loop formed.
    loop_age: f32,
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<HudMoments>()
        .add_systems(
            Update,
            remember_moments
                .in_set(crate::AppSystems::Update)
                .run_if(in_state(AppState::Dream)),
        )
        .add_systems(
            OnEnter(DreamPhase::Exploring),
            |mut m: ResMut<HudMoments>| m.loop_age = 0.0,
        )
        .add_systems(OnExit(AppState::Dream), |mut m: ResMut<HudMoments>| {
            *m = HudMoments::default()
        })
        .add_systems(
            OnEnter(AppState::Dream),
            |mut m: ResMut<HudMoments>, levels: Res<Levels>| {
                m.known_problems = levels.report.errors.clone();
            },
        )
        .add_systems(
            EguiPrimaryContextPass,
            hud.run_if(in_state(AppState::Dream)),
        );
}

fn remember_moments(
    time: Res<Time>,
    mut moments: ResMut<HudMoments>,
    mut found: MessageReader<AnchorFound>,
    mut collapsed: MessageReader<LoopCollapsed>,
    mut reloaded: MessageReader<LevelsReloaded>,
) {
    let dt = time.delta_secs();
    moments.loop_age += dt;
    if let Some((_, _, age)) = &mut moments.memory {
        *age += dt;
    }
    if let Some((_, age)) = &mut moments.reloaded {
        *age += dt;
    }
    if moments
        .memory
        .as_ref()
        .is_some_and(|(_, _, age)| *age > MEMORY_TOAST_SECONDS)
    {
        moments.memory = None;
    }
    for anchor in found.read() {
        moments.memory = Some((anchor.title.clone(), anchor.text.clone(), 0.0));
    }
    for files in reloaded.read() {
        let names = if files.files.is_empty() {
            "level files".to_owned()
        } else {
            files.files.join(", ")
        };
        moments.reloaded = Some((names, 0.0));
    }
    if moments
        .reloaded
        .as_ref()
        .is_some_and(|(_, age)| *age > RELOAD_TOAST_SECONDS)
    {
        moments.reloaded = None;
    }
    if collapsed.read().count() > 0 {
        moments.memory = None;
    }
}

#[allow(clippy::too_many_arguments)]
fn hud(
    mut contexts: EguiContexts,
    dive: Res<ActiveDive>,
    nightmare: Option<Res<NightmareLoop>>,
    phase: Res<State<DreamPhase>>,
    forge: Res<DreamForge>,
    moments: Res<HudMoments>,
    levels: Res<Levels>,
    reshaping: Option<Res<Reshaping>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let name = &dive.spec.dreamer.name;
    if *phase.get() == DreamPhase::Forming {
        let waking = nightmare.is_some();
        theme::full_screen(ctx, |ui| {
            ui.add_space(ui.available_height() * 0.4);
            ui.vertical_centered(|ui| {
                let title = if reshaping.is_some() {
                    "The dream reshapes…".to_owned()
                } else if waking {
                    "The loop collapses…".to_owned()
                } else {
                    format!("Diving into {name}'s dream…")
                };
                ui.label(theme::title_text(&title, 30.0));
                ui.add_space(12.0);
                if let Some(done) = forge.progress(dive.spec.id(), dive.loop_index) {
                    ui.add(
                        egui::ProgressBar::new(done)
                            .desired_width(320.0)
                            .fill(theme::ACCENT),
                    );
                    ui.label(egui::RichText::new("the dream is forming").color(theme::DIM));
                }
            });
        });
        return Ok(());
    }
    let Some(nightmare) = nightmare else {
        return Ok(());
    };
    egui::Area::new("hud_status".into())
        .anchor(egui::Align2::LEFT_TOP, [16.0, 16.0])
        .interactable(false)
        .show(ctx, |ui| {
            theme::glass_frame().show(ui, |ui| {
                ui.label(
                    egui::RichText::new(format!("{name}'s nightmare"))
                        .color(theme::ACCENT)
                        .strong(),
                );
                let remaining = nightmare.remaining();
                let colour = if remaining < 15.0 {
                    theme::WARNING
                } else {
                    egui::Color32::WHITE
                };
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(format!(
                            "Loop {}  ·  {}",
                            nightmare.index + 1,
                            theme::clock(remaining)
                        ))
                        .size(22.0)
                        .color(colour),
                    )
                    .wrap_mode(egui::TextWrapMode::Extend),
                );
                ui.label(
                    egui::RichText::new(format!(
                        "Memory anchors {}/{}",
                        nightmare.anchors_found, nightmare.anchors_total
                    ))
                    .color(theme::MEMORY),
                );
            });
        });
    egui::Area::new("hud_hint".into())
        .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -12.0])
        .interactable(false)
        .show(ctx, |ui| {
            ui.label(
                egui::RichText::new(
                    "WASD / stick: walk · mouse / right stick: look · Space / A: jump · Esc: pause",
                )
                .color(theme::DIM)
                .small(),
            );
        });
    level_messages(ctx, &levels.report, &moments);
    if let Some((title, text, age)) = &moments.memory {
        let alpha = (1.0 - (age - (MEMORY_TOAST_SECONDS - 1.0)).max(0.0)).clamp(0.0, 1.0);
        egui::Area::new("hud_memory".into())
            .anchor(egui::Align2::CENTER_TOP, [0.0, 90.0])
            .interactable(false)
            .show(ctx, |ui| {
                ui.set_opacity(alpha);
                theme::glass_frame().show(ui, |ui| {
                    ui.set_max_width(520.0);
                    ui.vertical_centered(|ui| {
                        ui.label(
                            egui::RichText::new(format!("Memory anchor found · {title}"))
                                .color(theme::MEMORY)
                                .strong(),
                        );
                        ui.label(egui::RichText::new(text).italics());
                    });
                });
            });
    }
    if moments.loop_age < LOOP_FADE_SECONDS && nightmare.index > 0 {
        let alpha = 1.0 - moments.loop_age / LOOP_FADE_SECONDS;
        let painter = ctx.layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            "loop_fade".into(),
        ));
        let rect = ctx.viewport_rect();
        painter.rect_filled(
            rect,
            0.0,
            egui::Color32::from_black_alpha((alpha * 230.0) as u8),
        );
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            format!("Loop {} · the dream shifts", nightmare.index + 1),
            egui::FontId::proportional(34.0),
            theme::ACCENT.gamma_multiply(alpha),
        );
    }
    Ok(())
}

/// Level files edited during play: a broken edit is shown with where it is broken (the
/// last good version plays on); a good one is acknowledged for a few seconds.
fn level_messages(ctx: &egui::Context, report: &LevelReport, moments: &HudMoments) {
    let new: Vec<&String> = report
        .errors
        .iter()
        .filter(|e| !moments.known_problems.contains(e))
        .collect();
    if new.is_empty() && moments.reloaded.is_none() {
        return;
    }
    egui::Area::new("hud_levels".into())
        .anchor(egui::Align2::RIGHT_TOP, [-16.0, 16.0])
        .interactable(false)
        .show(ctx, |ui| {
            theme::glass_frame().show(ui, |ui| {
                ui.set_max_width(560.0);
                if new.is_empty() {
                    if let Some((files, _)) = &moments.reloaded {
                        ui.colored_label(theme::ACCENT, format!("Reloaded {files}"));
                    }
                    return;
                }
                let heading = if report.kept.is_empty() {
                    "Level file problem: the file is left out"
                } else {
                    "Level file problem: playing the last good version"
                };
                ui.colored_label(theme::WARNING, egui::RichText::new(heading).strong());
                for error in new.iter().take(4) {
                    ui.label(egui::RichText::new(*error).monospace().size(12.0));
                }
                if new.len() > 4 {
                    ui.label(format!("… and {} more", new.len() - 4));
                }
            });
        });
}
