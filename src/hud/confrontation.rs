//! At the core: the dreamer's words and Juno's answers (mouse, the answer keys, or a
//! pad's d-pad and Confirm), and
//! the freed moment with the way back to the waking world.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::controls::{Control, Device, Prompts};
use crate::dive::{ActiveDive, LoopState, NightmareLoop, PendingAnswer};
use crate::levels::{Choice, Levels};
use crate::state::{AppState, Pause};
use crate::theme;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        (talk, freed)
            .run_if(in_state(AppState::Dream))
            .run_if(in_state(Pause::Running)),
    );
}

fn talk(
    mut contexts: EguiContexts,
    dive: Res<ActiveDive>,
    levels: Res<Levels>,
    nightmare: Option<Res<NightmareLoop>>,
    prompts: Prompts,
    mut answer: ResMut<PendingAnswer>,
    mut transcript: ResMut<super::Transcript>,
) -> Result {
    let Some(LoopState::Confronting { node }) = nightmare.as_deref().map(|n| &n.state) else {
        return Ok(());
    };
    let Some(node) = dive.spec.dialogue.node(node) else {
        return Ok(());
    };
    let facts = dive.facts();
    let loop_number = nightmare.as_deref().map_or(1, NightmareLoop::number);
    let understood = dive.understood.len();
    let ctx = contexts.ctx_mut()?;
    egui::Window::new("Confrontation")
        .title_bar(false)
        .resizable(false)
        .collapsible(false)
        .fixed_size([760.0, 0.0])
        .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -40.0])
        .frame(theme::glass_frame().inner_margin(20.0))
        .show(ctx, |ui| {
            for (n, (speaker, line)) in node.lines_for(&facts).into_iter().enumerate() {
                if n > 0 {
                    ui.add_space(10.0);
                }
                ui.label(
                    egui::RichText::new(speaker)
                        .color(theme::speaker_colour(&levels.library, speaker))
                        .strong()
                        .size(20.0),
                );
                ui.add_space(4.0);
                ui.label(egui::RichText::new(line).size(19.0).italics());
            }
            ui.add_space(14.0);
            // Answers whose conditions do not hold are not offered; the rest are
            // numbered as shown, and each sends its index in the written list.
            let offered = node
                .choices
                .iter()
                .enumerate()
                .filter(|(_, c)| c.offered(&facts));
            let mut any_closed = false;
            // On the keyboard each answer shows its key; on a pad the first open
            // answer takes the focus, the d-pad moves it and Confirm says it.
            let on_pad = prompts.device() == Device::Gamepad;
            let nothing_focused = ui.ctx().memory(|m| m.focused().is_none());
            let mut focus_given = false;
            for (shown, (i, choice)) in offered.enumerate() {
                let open = choice.can_say(&facts);
                let control = Control::ANSWERS.get(shown).copied();
                let key = match control {
                    Some(control) if !on_pad => format!("{}. ", prompts.of(control)),
                    _ => "· ".to_owned(),
                };
                let label = if open {
                    format!("{key}{}", choice.say)
                } else {
                    any_closed = true;
                    format!(
                        "{key}{}   ({})",
                        choice.say,
                        still_needed(choice, &dive, understood)
                    )
                };
                let text = if open {
                    egui::RichText::new(label).size(17.0)
                } else {
                    egui::RichText::new(label).size(17.0).color(theme::DIM)
                };
                let button = ui.add_enabled(
                    open,
                    egui::Button::new(text)
                        .wrap()
                        .min_size(egui::vec2(720.0, 34.0)),
                );
                if open && on_pad && nothing_focused && !focus_given {
                    button.request_focus();
                    focus_given = true;
                }
                let pressed = control.is_some_and(|c| prompts.state().pressed(c));
                if open && (button.clicked() || pressed) {
                    answer.0 = Some(i);
                    transcript.note("Juno", &choice.say, loop_number);
                }
            }
            if on_pad {
                ui.add_space(6.0);
                ui.label(
                    egui::RichText::new(format!(
                        "{} / {} choose · {} answer",
                        prompts.of(Control::Up),
                        prompts.of(Control::Down),
                        prompts.of(Control::Confirm)
                    ))
                    .color(theme::DIM)
                    .small(),
                );
            }
            if any_closed {
                ui.add_space(6.0);
                ui.label(
                    egui::RichText::new(
                        "Some words need memories you have not understood yet: find more anchors in a later loop.",
                    )
                    .color(theme::DIM)
                    .small(),
                );
            }
        });
    Ok(())
}

/// What Juno still needs to say a closed answer: "needs 2 memories; you understand 1",
/// "needs the memory “The taped-up controller”".
fn still_needed(choice: &Choice, dive: &ActiveDive, understood: usize) -> String {
    let mut needs = Vec::new();
    if understood < choice.needs_anchors {
        needs.push(format!(
            "needs {} memories; you understand {understood}",
            choice.needs_anchors
        ));
    }
    for index in &choice.needs_memories {
        if !dive.understood.contains(index) {
            let title = dive
                .spec
                .dream
                .anchors
                .get(*index)
                .map_or("?", |a| a.title.as_str());
            needs.push(format!("needs the memory \u{201c}{title}\u{201d}"));
        }
    }
    needs.join("; ")
}

fn freed(
    mut contexts: EguiContexts,
    dive: Res<ActiveDive>,
    nightmare: Option<Res<NightmareLoop>>,
    prompts: Prompts,
    mut next: ResMut<NextState<AppState>>,
) -> Result {
    if nightmare.is_none_or(|n| n.state != LoopState::Freed) {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let name = &dive.spec.dreamer.name;
    let mut wake = prompts.state().pressed(Control::Confirm);
    egui::Window::new("Freed")
        .title_bar(false)
        .resizable(false)
        .collapsible(false)
        .fixed_size([620.0, 0.0])
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .frame(theme::glass_frame().inner_margin(24.0))
        .show(ctx, |ui| {
            ui.vertical_centered(|ui| {
                // A dream that ends in waking says so in its own words.
                let (title, text) = match &dive.spec.dream.waking {
                    Some(waking) => (waking.title.clone(), waking.text.clone()),
                    None => (
                        format!("{name} is free"),
                        format!(
                            "The loop is broken. {name} faces the fear and wakes, holding on to what was theirs:"
                        ),
                    ),
                };
                ui.label(theme::title_text(&title, 40.0));
                ui.add_space(8.0);
                ui.label(egui::RichText::new(text).size(17.0));
                ui.add_space(8.0);
                for index in &dive.understood {
                    if let Some(anchor) = dive.spec.dream.anchors.get(*index) {
                        ui.label(
                            egui::RichText::new(format!("· {}", anchor.title))
                                .color(theme::MEMORY)
                                .size(16.0),
                        );
                    }
                }
                ui.add_space(16.0);
                if theme::menu_button(ui, "Wake up").clicked() {
                    wake = true;
                }
                ui.label(
                    egui::RichText::new(prompts.of(Control::Confirm))
                        .color(theme::DIM)
                        .small(),
                );
            });
        });
    if wake {
        next.set(AppState::ControlRoom);
    }
    Ok(())
}
