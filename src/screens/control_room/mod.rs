//! The SomnoTech control room: a living network of sleepers, the algorithm inspector
//! where Juno finds the engagement term, messages and incidents, the confrontation that
//! overloads the network, the dive console, and the alternative network's designer.
//!
//! The desk ([`Desk`]) is plain data; the panels ([`show`]) draw and change it and can be
//! exercised without Bevy. This file only steps it on the fixed clock and acts on what it
//! asks for.

mod console;
pub mod design;
pub mod desk;
mod inbox;
mod inspector;
mod network_panels;

pub use desk::{Desk, Panel, Request, SPEEDS};

use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, block_on};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::AppState;
use crate::dive::{ActiveDive, FreedDreamers, LinkLost};
use crate::levels::story::{FamilyMember, Story, StoryFlag};
use crate::levels::{DiveSpec, Levels, LevelsReloaded};
use crate::theme;

/// Juno's desk, while a game is under way.
#[derive(Resource, Debug, Clone)]
pub struct ControlRoom(pub Desk);

/// The next game's desk, warming its network up in the background while the title screen
/// shows (46 network hours of 12,000 sleepers take over a second).
#[derive(Resource)]
struct NextDesk(Task<Desk>);

/// The control room: its desk stepped on the fixed clock and its panels. Part of the
/// client; tests add it to a headless app.
pub fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        prepare_desk.run_if(in_state(AppState::Title).and_then(not(resource_exists::<NextDesk>))),
    )
    .add_systems(
        Update,
        forget_prepared_desk.run_if(on_message::<LevelsReloaded>),
    )
    .add_systems(
        OnEnter(AppState::ControlRoom),
        (sit_down, back_from_dive).chain(),
    )
    .add_systems(
        FixedUpdate,
        run_network
            .run_if(resource_exists::<ControlRoom>)
            .run_if(in_state(AppState::ControlRoom).or_else(in_state(AppState::Dream))),
    )
    .add_systems(
        EguiPrimaryContextPass,
        control_room.run_if(in_state(AppState::ControlRoom)),
    );
}

fn prepare_desk(levels: Res<Levels>, mut commands: Commands) {
    if levels.ready {
        let story = levels.library.story.clone();
        let task = AsyncComputeTaskPool::get().spawn(async move { Desk::new(&story) });
        commands.insert_resource(NextDesk(task));
    }
}

/// Edited level files may have changed the story: the next desk is built again.
fn forget_prepared_desk(mut commands: Commands) {
    commands.remove_resource::<NextDesk>();
}

/// A new game's desk, built from the campaign's story the first time Juno sits down (the
/// one prepared in the background if there is one).
fn sit_down(
    room: Option<Res<ControlRoom>>,
    next: Option<ResMut<NextDesk>>,
    levels: Res<Levels>,
    mut commands: Commands,
) {
    if room.is_some() {
        return;
    }
    let desk = match next {
        Some(mut next) => block_on(&mut next.0),
        None => Desk::new(&levels.library.story),
    };
    commands.remove_resource::<NextDesk>();
    commands.insert_resource(ControlRoom(desk));
}

/// After a dive: freed dreamers leave their loops; a lost link is reported.
fn back_from_dive(
    room: Option<ResMut<ControlRoom>>,
    mut freed: ResMut<FreedDreamers>,
    mut lost: ResMut<LinkLost>,
    levels: Res<Levels>,
) {
    // Read once: a dreamer freed is news for the dive that freed them, not later ones.
    let freed: Vec<String> = std::mem::take(&mut freed.0).into_iter().collect();
    let Some(mut room) = room else {
        return;
    };
    room.0.back_from_dive(&freed, &levels.library.story);
    if let Some(report) = lost.0.take() {
        room.0.console.report = Some(report);
        room.0.console.calibration = None;
    }
}

fn run_network(time: Res<Time<Fixed>>, mut room: ResMut<ControlRoom>, levels: Res<Levels>) {
    room.0.advance(time.delta_secs(), &levels.library.story);
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
    room: Option<ResMut<ControlRoom>>,
    levels: Res<Levels>,
    mut commands: Commands,
    mut next: ResMut<NextState<AppState>>,
) -> Result {
    let Some(mut room) = room else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let dives: Vec<&DiveSpec> = levels.library.campaign_dives().collect();
    for request in show(ctx, &mut room.0, &levels.library.story, &dives) {
        match request {
            Request::Dive { dive, link } => {
                if let Some(spec) = levels.library.dive(&dive) {
                    let mut active = ActiveDive::new(spec.clone());
                    active.link = Some(link);
                    commands.insert_resource(active);
                    room.0.begin_dive(&dive);
                    next.set(AppState::Dream);
                }
            }
            Request::BackToTitle => next.set(AppState::Title),
        }
    }
    if !levels.report.errors.is_empty() {
        egui::Window::new("Level problems")
            .anchor(egui::Align2::LEFT_BOTTOM, [8.0, -8.0])
            .collapsible(true)
            .show(ctx, |ui| theme::level_problems(ui, &levels.report));
    }
    Ok(())
}

/// Draws the control room and lets the player change it; returns what it asks of the
/// game. Keys: F1–F6 open and close the panels, Space pauses the network, Tab moves
/// between controls.
pub fn show(
    ctx: &egui::Context,
    desk: &mut Desk,
    story: &Story,
    dives: &[&DiveSpec],
) -> Vec<Request> {
    let mut requests = Vec::new();
    ctx.input(|i| {
        for panel in Panel::ALL {
            if i.key_pressed(panel.key()) && !desk.open.remove(&panel) {
                desk.open.insert(panel);
            }
        }
    });
    if ctx.input(|i| i.key_pressed(egui::Key::Space)) && ctx.memory(|m| m.focused().is_none()) {
        desk.paused = !desk.paused;
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
                Panel::Overview => network_panels::overview(ui, desk),
                Panel::Sleeper => network_panels::sleeper(ui, desk, story),
                Panel::Algorithm => inspector::inspector(ui, desk, story),
                Panel::Inbox => inbox::inbox(ui, desk, story),
                Panel::Console => console::console(ui, desk, dives, &mut requests),
                Panel::Alternative => console::alternative(ui, desk, story),
            });
        if !open {
            desk.open.remove(&panel);
        }
    }
    inbox::confrontation(ctx, desk, story);
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

fn top_bar(ui: &mut egui::Ui, desk: &mut Desk, requests: &mut Vec<Request>) {
    ui.horizontal(|ui| {
        ui.label(theme::title_text("SomnoTech · Sleep Sync", 24.0));
        ui.monospace(network_panels::clock(desk.network.minute()));
        let pause = if desk.paused { "▶ Run" } else { "⏸ Pause" };
        if ui.button(pause).on_hover_text("Space").clicked() {
            desk.paused = !desk.paused;
        }
        for (i, speed) in SPEEDS.iter().enumerate() {
            ui.selectable_value(&mut desk.speed, i, format!("{speed:.0} min/s"));
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
            if ui.selectable_label(open, label).clicked() && !desk.open.remove(&panel) {
                desk.open.insert(panel);
            }
        }
    });
}
