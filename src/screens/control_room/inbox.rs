//! Messages (Father, colleagues, the investors' memo), the incident log, and the
//! confrontation at headquarters that a message leads to.

use bevy_egui::egui;

use super::network_panels::clock;
use crate::campaign::{Desk, Request};
use crate::levels::story::{Action, Story, StoryFlag};
use crate::network::IncidentKind;
use crate::theme;

pub fn inbox(ui: &mut egui::Ui, desk: &Desk, story: &Story, requests: &mut Vec<Request>) {
    ui.columns(2, |columns| {
        messages(&mut columns[0], desk, story, requests);
        incidents(&mut columns[1], desk, requests);
    });
}

fn messages(ui: &mut egui::Ui, desk: &Desk, story: &Story, requests: &mut Vec<Request>) {
    ui.label(egui::RichText::new(format!("Messages ({} unread)", desk.unread())).strong());
    egui::ScrollArea::vertical()
        .id_salt("messages")
        .max_height(150.0)
        .show(ui, |ui| {
            for (index, minute) in desk.inbox.clone().into_iter().rev() {
                let Some(message) = story.messages.get(index) else {
                    continue;
                };
                let unread = !desk.read.contains(&index);
                let text = format!("{} · {} — {}", clock(minute), message.from, message.subject);
                let text = if unread {
                    egui::RichText::new(text).strong().color(theme::ACCENT)
                } else {
                    egui::RichText::new(text)
                };
                if ui
                    .selectable_label(desk.open_message == Some(index), text)
                    .clicked()
                {
                    requests.push(Request::OpenMessage(index));
                }
            }
        });
    ui.separator();
    let Some(message) = desk.open_message.and_then(|i| story.messages.get(i)) else {
        ui.label(egui::RichText::new("Select a message to read it.").color(theme::DIM));
        return;
    };
    ui.label(egui::RichText::new(&message.subject).strong());
    ui.label(egui::RichText::new(format!("from {}", message.from)).color(theme::DIM));
    egui::ScrollArea::vertical()
        .id_salt("message-body")
        .max_height(180.0)
        .show(ui, |ui| {
            ui.add(egui::Label::new(&message.body).wrap());
        });
    if let Some(action) = message.action {
        let label = match action {
            Action::Confront => "Go to headquarters: confront Father",
            Action::DesignAlternative => "Design the alternative network",
        };
        let can = desk.can(action);
        let button = ui.add_enabled(can, egui::Button::new(label));
        if button.clicked() {
            requests.push(Request::Act(action));
        }
        if !can && action == Action::Confront && !desk.flags.contains(&StoryFlag::SteeringFound) {
            ui.label(
                egui::RichText::new("You need evidence first: pin a finding that shows it.")
                    .small()
                    .color(theme::DIM),
            );
        }
    }
}

fn incidents(ui: &mut egui::Ui, desk: &Desk, requests: &mut Vec<Request>) {
    ui.label(egui::RichText::new("Incident log").strong());
    egui::ScrollArea::vertical()
        .id_salt("incidents")
        .max_height(360.0)
        .show(ui, |ui| {
            for incident in desk.network.incidents().rev().take(120) {
                let (text, colour) = match &incident.kind {
                    IncidentKind::Nightmares { count, worst, .. } => (
                        format!(
                            "{count} {} fell into nightmare loops (worst minute: {worst})",
                            if *count == 1 { "sleeper" } else { "sleepers" }
                        ),
                        if *count > 20 {
                            theme::WARNING
                        } else {
                            theme::DIM
                        },
                    ),
                    IncidentKind::Overload => (
                        "OVERLOAD · link gain and resonance at maximum, loops not ending"
                            .to_owned(),
                        theme::WARNING,
                    ),
                    IncidentKind::Cascade { looping } => (
                        format!("ALARM · {looping} sleepers trapped in loops"),
                        theme::WARNING,
                    ),
                    IncidentKind::Released => (
                        "Overload released: loops may end again".to_owned(),
                        theme::MEMORY,
                    ),
                    IncidentKind::BroughtHome { sleeper } => (
                        format!(
                            "Sleeper #{sleeper} brought home: out of the loop, off the network"
                        ),
                        theme::MEMORY,
                    ),
                };
                // The sleeper an incident is about opens in the Sleeper panel.
                let sleeper = match incident.kind {
                    IncidentKind::Nightmares { first, .. } => first,
                    IncidentKind::BroughtHome { sleeper } => Some(sleeper),
                    _ => None,
                };
                ui.horizontal_wrapped(|ui| {
                    ui.monospace(clock(incident.minute));
                    ui.colored_label(colour, text);
                    if let Some(n) = sleeper
                        && ui.link(format!("#{n}")).clicked()
                    {
                        requests.push(Request::Select {
                            sleeper: n,
                            show: true,
                        });
                    }
                });
            }
        });
}

/// The confrontation at headquarters, over everything while it plays.
pub fn confrontation(
    ctx: &egui::Context,
    desk: &Desk,
    story: &Story,
    controls: &super::DeskControls,
    requests: &mut Vec<Request>,
) {
    let Some(line) = desk.confrontation.and_then(|i| story.confrontation.get(i)) else {
        return;
    };
    let mut next = false;
    // A modal: nothing else in the control room answers while it plays.
    egui::Modal::new(egui::Id::new("confrontation"))
        .frame(
            egui::Frame::popup(&ctx.global_style())
                .fill(super::PANEL)
                .inner_margin(16.0),
        )
        .backdrop_color(egui::Color32::from_black_alpha(170))
        .show(ctx, |ui| {
            ui.set_width(620.0);
            ui.label(egui::RichText::new("SomnoTech headquarters").color(theme::DIM));
            if !line.who.is_empty() {
                ui.label(
                    egui::RichText::new(&line.who)
                        .strong()
                        .color(theme::MEMORY)
                        .size(20.0),
                );
            }
            ui.add(egui::Label::new(egui::RichText::new(&line.text).size(19.0)).wrap());
            ui.add_space(8.0);
            let last = desk.confrontation.map(|i| i + 1) == Some(story.confrontation.len());
            let label = if last { "…" } else { "Continue" };
            let button = ui.button(label);
            if button.clicked() || controls.pressed(crate::controls::Control::Confirm) {
                next = true;
            }
            button.request_focus();
        });
    if next {
        requests.push(Request::NextLine);
    }
}
