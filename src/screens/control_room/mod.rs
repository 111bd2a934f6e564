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
mod network_map;
mod network_panels;

pub use network_map::map as network_map;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::campaign::{ControlRoom, Desk, Panel, Request, SPEEDS};
use crate::controls::{Bindings, Control, ControlState, KeyLabels, Names, PadStyle, Prompts};
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

/// How a panel shows: its title and the control that opens and closes it.
pub trait PanelLooks {
    fn title(self) -> &'static str;
    fn control(self) -> Control;
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

    fn control(self) -> Control {
        match self {
            Panel::Overview => Control::Overview,
            Panel::Sleeper => Control::Sleeper,
            Panel::Algorithm => Control::Algorithm,
            Panel::Inbox => Control::Inbox,
            Panel::Console => Control::Console,
            Panel::Alternative => Control::Alternative,
        }
    }
}

/// This frame's controls at the desk, and what each is called on the device in use.
#[derive(Debug, Clone)]
pub struct DeskControls {
    pub state: ControlState,
    labels: Vec<String>,
}

impl DeskControls {
    /// The controls as the player's prompts name them.
    pub fn new(prompts: &Prompts) -> Self {
        Self {
            state: prompts.state().clone(),
            labels: Control::ALL.iter().map(|c| prompts.of(*c)).collect(),
        }
    }

    /// `state` with the default bindings' keyboard names (for tests and tools).
    pub fn with_defaults(state: ControlState) -> Self {
        let bindings = Bindings::default();
        let keys = KeyLabels::default();
        let names = Names {
            keys: &keys,
            pad: PadStyle::default(),
        };
        Self {
            labels: Control::ALL
                .iter()
                .map(|c| names.control(&bindings, *c, state.device))
                .collect(),
            state,
        }
    }

    /// What to press for `control`.
    pub fn label(&self, control: Control) -> &str {
        &self.labels[control as usize]
    }

    /// Whether `control` was pressed this frame.
    pub fn pressed(&self, control: Control) -> bool {
        self.state.pressed(control)
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
    prompts: Prompts,
    mut requests: MessageWriter<Request>,
) -> Result {
    let Some(room) = room else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let controls = DeskControls::new(&prompts);
    requests.write_batch(show(ctx, &room.0, &levels.library, &controls));
    if !levels.report.errors.is_empty() {
        egui::Window::new("Level problems")
            .anchor(egui::Align2::LEFT_BOTTOM, [8.0, -8.0])
            .collapsible(true)
            .show(ctx, |ui| theme::level_problems(ui, &levels.report));
    }
    Ok(())
}

/// Draws the control room; returns what the player asked of the game ([`Desk::apply`]
/// makes the desk's changes) with the mouse and this frame's `controls`: each panel's
/// control (F1–F6) opens and closes it, Next/Previous panel (Page Down/Up, the pad's
/// shoulders) switch to the next or previous one, the network's controls pause it and
/// change its speed; Tab, the arrows or the d-pad move between the panels' controls.
pub fn show(
    ctx: &egui::Context,
    desk: &Desk,
    library: &Library,
    controls: &DeskControls,
) -> Vec<Request> {
    let story = &library.story;
    let dives: Vec<&DiveSpec> = library.campaign_dives().collect();
    let dives = dives.as_slice();
    let mut requests = Vec::new();
    for panel in Panel::ALL {
        if controls.pressed(panel.control()) {
            requests.push(Request::TogglePanel(panel));
        }
    }
    for (control, step) in [(Control::NextPanel, 1), (Control::PreviousPanel, -1)] {
        if controls.pressed(control) {
            requests.extend(switch_panel(desk, step));
        }
    }
    // A press that is also Confirm (Space by default) with a control focused presses
    // the control, not the network.
    let focused = ctx.memory(|m| m.focused().is_some());
    let pressing = focused && controls.pressed(Control::Confirm);
    if controls.pressed(Control::NetworkPause) && !pressing {
        requests.push(Request::TogglePause);
    }
    let last = SPEEDS.len() - 1;
    if controls.pressed(Control::NetworkFaster) && desk.speed < last {
        requests.push(Request::Speed(desk.speed + 1));
    }
    if controls.pressed(Control::NetworkSlower) && desk.speed > 0 {
        requests.push(Request::Speed(desk.speed - 1));
    }
    let mut root = theme::root_ui(ctx, "control_room");
    egui::CentralPanel::default()
        .frame(egui::Frame::NONE.fill(egui::Color32::from_rgb(4, 7, 15)))
        .show(&mut root, |ui| top_bar(ui, desk, controls, &mut requests));
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
                Panel::Sleeper => network_panels::sleeper(ui, desk, library, &mut requests),
                Panel::Algorithm => inspector::inspector(ui, desk, &mut requests),
                Panel::Inbox => inbox::inbox(ui, desk, story, &mut requests),
                Panel::Console => {
                    console::console(ui, desk, dives, library, controls, &mut requests)
                }
                Panel::Alternative => console::alternative(ui, desk, library, &mut requests),
            });
        if !open {
            requests.push(Request::ClosePanel(panel));
        }
    }
    inbox::confrontation(ctx, desk, story, controls, &mut requests);
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

/// One panel in place of the front one (the last in the list of open panels), `step`
/// along the list: a pad switches panels with its shoulders, one at a time.
fn switch_panel(desk: &Desk, step: i32) -> Vec<Request> {
    let count = Panel::ALL.len() as i32;
    let front = Panel::ALL.iter().rposition(|p| desk.open.contains(p));
    let next = match front {
        Some(i) => (i as i32 + step).rem_euclid(count),
        None if step > 0 => 0,
        None => count - 1,
    };
    let mut requests: Vec<Request> = desk.open.iter().map(|p| Request::ClosePanel(*p)).collect();
    requests.push(Request::TogglePanel(Panel::ALL[next as usize]));
    requests
}

fn top_bar(ui: &mut egui::Ui, desk: &Desk, controls: &DeskControls, requests: &mut Vec<Request>) {
    ui.horizontal(|ui| {
        ui.label(theme::title_text("SomnoTech · Sleep Sync", 24.0));
        ui.monospace(network_panels::clock(desk.network.minute()));
        let pause = if desk.paused { "▶ Run" } else { "⏸ Pause" };
        if ui
            .button(pause)
            .on_hover_text(controls.label(Control::NetworkPause))
            .clicked()
        {
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
            let mut label = format!("{} {}", controls.label(panel.control()), panel.title());
            if panel == Panel::Inbox && desk.unread() > 0 {
                label.push_str(&format!(" ({})", desk.unread()));
            }
            if ui.selectable_label(open, label).clicked() {
                requests.push(Request::TogglePanel(panel));
            }
        }
    });
}
