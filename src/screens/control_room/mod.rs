//! The SomnoTech control room's panels: a living network of sleepers, the algorithm
//! inspector where Juno finds the engagement term, messages and incidents, the
//! confrontation that overloads the network, the dive console, and the alternative
//! network's designer.
//!
//! The panels ([`show`]) draw the desk ([`Desk`], the game's: `crate::campaign`) and send
//! what the player asks for as [`Request`]s; the game makes the changes. They can be
//! exercised without Bevy.

mod console;
mod inbox;
mod inspector;
mod network_panels;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::campaign::{ControlRoom, Desk, Panel, Request, SPEEDS};
use crate::levels::story::{FamilyMember, StoryFlag};
use crate::levels::{DiveSpec, Levels, Library};
use crate::state::AppState;
use crate::theme;

/// The control room's panels, drawn over the desk.
pub fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        control_room.run_if(in_state(AppState::ControlRoom)),
    );
}

/// How a panel shows: its title and the function key that opens and closes it.
pub trait PanelLooks {
    fn title(self) -> &'static str;
    fn key(self) -> egui::Key;
}

impl PanelLooks for Panel {
    fn title(self) -> &'static str {
        match self {
            Panel::Overview => "Network overview",
            Panel::Sleeper => "Sleeper detail",
            Panel::Algorithm => "Algorithm inspector",
            Panel::Inbox => "Messages & incidents",
            Panel::Console => "Dive console",
            Panel::Alternative => "Alternative network",
        }
    }

    fn key(self) -> egui::Key {
        match self {
            Panel::Overview => egui::Key::F1,
            Panel::Sleeper => egui::Key::F2,
            Panel::Algorithm => egui::Key::F3,
            Panel::Inbox => egui::Key::F4,
            Panel::Console => egui::Key::F5,
            Panel::Alternative => egui::Key::F6,
        }
    }
}

/// The name the console gives a family member: their dreamer's, from the dive's id.
pub fn family_name(member: &FamilyMember) -> String {
    let mut name = member.dive.clone();
    if let Some(first) = name.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    name
}

fn control_room(
    mut contexts: EguiContexts,
    room: Option<Res<ControlRoom>>,
    levels: Res<Levels>,
    mut requests: MessageWriter<Request>,
) -> Result {
    let Some(room) = room else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    requests.write_batch(show(ctx, &room.0, &levels.library));
    if !levels.report.errors.is_empty() {
        egui::Window::new("Level problems")
            .anchor(egui::Align2::LEFT_BOTTOM, [8.0, -8.0])
            .collapsible(true)
            .show(ctx, |ui| theme::level_problems(ui, &levels.report));
    }
    Ok(())
}

/// Draws the control room; returns what the player asked of the game ([`Desk::apply`]
/// makes the desk's changes). Keys: F1–F6 open and close the panels, Space pauses the
/// network, Tab moves between controls.
pub fn show(ctx: &egui::Context, desk: &Desk, library: &Library) -> Vec<Request> {
    let story = &library.story;
    let dives: Vec<&DiveSpec> = library.campaign_dives().collect();
    let dives = dives.as_slice();
    let mut requests = Vec::new();
    ctx.input(|i| {
        for panel in Panel::ALL {
            if i.key_pressed(panel.key()) {
                requests.push(Request::TogglePanel(panel));
            }
        }
    });
    if ctx.input(|i| i.key_pressed(egui::Key::Space)) && ctx.memory(|m| m.focused().is_none()) {
        requests.push(Request::TogglePause);
    }
    let mut root = theme::root_ui(ctx, "control_room");
    egui::CentralPanel::default()
        .frame(egui::Frame::NONE.fill(egui::Color32::from_rgb(4, 7, 15)))
        .show(&mut root, |ui| top_bar(ui, desk, &mut requests));
    for panel in Panel::ALL {
        if !desk.open.contains(&panel) {
            continue;
        }
        let mut open = true;
        let (pos, size) = home(panel);
        egui::Window::new(panel.title())
            // Opaque: panels overlap, and text showing through another is unreadable.
            .frame(egui::Frame::window(&ctx.global_style()).fill(PANEL))
            .open(&mut open)
            .default_pos(pos)
            .default_size(size)
            .resizable(true)
            .collapsible(true)
            .vscroll(true)
            .show(ctx, |ui| match panel {
                Panel::Overview => network_panels::overview(ui, desk, &mut requests),
                Panel::Sleeper => network_panels::sleeper(ui, desk, story, &mut requests),
                Panel::Algorithm => inspector::inspector(ui, desk, &mut requests),
                Panel::Inbox => inbox::inbox(ui, desk, story, &mut requests),
                Panel::Console => console::console(ui, desk, dives, &mut requests),
                Panel::Alternative => console::alternative(ui, desk, library, &mut requests),
            });
        if !open {
            requests.push(Request::ClosePanel(panel));
        }
    }
    inbox::confrontation(ctx, desk, story, &mut requests);
    requests
}

/// The panels' fill: the theme's glass, opaque.
pub(super) const PANEL: egui::Color32 = egui::Color32::from_rgb(10, 15, 28);

/// Where each panel first opens, tiled for 1280×720.
fn home(panel: Panel) -> (egui::Pos2, egui::Vec2) {
    let (x, y, w, h) = match panel {
        Panel::Overview => (8.0, 64.0, 500.0, 650.0),
        Panel::Sleeper => (520.0, 64.0, 440.0, 650.0),
        Panel::Algorithm => (520.0, 64.0, 752.0, 650.0),
        Panel::Inbox => (520.0, 64.0, 752.0, 460.0),
        Panel::Console => (520.0, 64.0, 500.0, 520.0),
        Panel::Alternative => (200.0, 70.0, 880.0, 600.0),
    };
    (egui::pos2(x, y), egui::vec2(w, h))
}

fn top_bar(ui: &mut egui::Ui, desk: &Desk, requests: &mut Vec<Request>) {
    ui.horizontal(|ui| {
        ui.label(theme::title_text("SomnoTech · Sleep Sync", 24.0));
        ui.monospace(network_panels::clock(desk.network.minute()));
        let pause = if desk.paused { "▶ Run" } else { "⏸ Pause" };
        if ui.button(pause).on_hover_text("Space").clicked() {
            requests.push(Request::TogglePause);
        }
        for (i, speed) in SPEEDS.iter().enumerate() {
            if ui
                .selectable_label(desk.speed == i, format!("{speed:.0} min/s"))
                .clicked()
            {
                requests.push(Request::Speed(i));
            }
        }
        if desk.network.overloaded().is_some() {
            ui.colored_label(theme::WARNING, "⚠ OVERLOAD");
        }
        if let Some(left) = desk.pressure_left() {
            ui.colored_label(
                theme::WARNING,
                format!("loops set in {}h{:02}", left / 60, left % 60),
            );
        }
        if desk.flags.contains(&StoryFlag::AlternativeAdopted) {
            ui.colored_label(theme::MEMORY, "Alternative network adopted");
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Back to title").clicked() {
                requests.push(Request::BackToTitle);
            }
        });
    });
    ui.horizontal_wrapped(|ui| {
        for panel in Panel::ALL {
            let open = desk.open.contains(&panel);
            let mut label = format!("{:?} {}", panel.key(), panel.title());
            if panel == Panel::Inbox && desk.unread() > 0 {
                label.push_str(&format!(" ({})", desk.unread()));
            }
            if ui.selectable_label(open, label).clicked() {
                requests.push(Request::TogglePanel(panel));
            }
        }
    });
}
