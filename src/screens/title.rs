//! The title screen: New game, Free dive (every dream, the base game's and the mods'),
//! Settings, Quit.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::campaign::strangers::{StrangerNetwork, stranger_at};
use crate::dive::ActiveDive;
use crate::levels::Levels;
use crate::levels::strangers::StrangerKey;
use crate::menus::Menus;
use crate::menus::SettingsEditor;
use crate::saves::{Resuming, SaveRequest, SavedGames};
use crate::state::{AppState, Menu};
use crate::theme;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        title_screen.run_if(in_state(AppState::Title)),
    );
}

/// Quitting, and the games there are to continue.
#[derive(bevy::ecs::system::SystemParam)]
struct Leave<'w> {
    exit: MessageWriter<'w, AppExit>,
    /// A game under way in this run of the program.
    game: Option<Res<'w, crate::campaign::ControlRoom>>,
    saved: Res<'w, SavedGames>,
    resuming: Option<Res<'w, Resuming>>,
    saves: MessageWriter<'w, SaveRequest>,
    /// The story, for the chapter's words (the ending's title).
    levels: Res<'w, Levels>,
}

/// What begins play from the title: a dive's resources, the next screen, and Free
/// dive's strangers once their network is simulated.
#[derive(bevy::ecs::system::SystemParam)]
struct Begin<'w, 's> {
    commands: Commands<'w, 's>,
    next: ResMut<'w, NextState<AppState>>,
    strangers: Option<Res<'w, StrangerNetwork>>,
}

fn title_screen(
    mut contexts: EguiContexts,
    levels: Res<Levels>,
    mut menus: Menus,
    mut settings: SettingsEditor,
    mut begin: Begin,
    mut leave: Leave,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    version_corner(ctx);
    if SettingsEditor::showing(&menus) {
        theme::full_screen(ctx, |_| {});
        settings.window(ctx, &mut menus);
        return Ok(());
    }
    theme::full_screen(ctx, |ui| {
        ui.add_space(ui.available_height() * 0.2);
        ui.vertical_centered(|ui| {
            ui.label(theme::title_text("SLEEP SYNC", 64.0));
            ui.label(
                egui::RichText::new("2045 · SomnoTech night shift")
                    .color(theme::DIM)
                    .size(18.0),
            );
            ui.add_space(40.0);
            if menus.showing(Menu::FreeDive) {
                free_dive_list(
                    ui,
                    &levels,
                    begin.strangers.as_deref(),
                    &mut menus,
                    &mut begin.commands,
                    &mut begin.next,
                );
                return;
            }
            if let Some(resuming) = &leave.resuming {
                // Made a slice a frame (the browser), it can say how far it has to go.
                let left = resuming.minutes_left().map_or(String::new(), |m| {
                    format!(" ({} network hours to go)", m.div_ceil(60))
                });
                ui.label(
                    egui::RichText::new(format!("Waking the network of {}…{left}", resuming.name))
                        .color(theme::DIM)
                        .size(18.0),
                );
                ui.ctx().request_repaint();
                return;
            }
            if menus.showing(Menu::ConfirmNewGame) {
                confirm_new_game(ui, &mut leave, &mut menus);
                return;
            }
            if menus.showing(Menu::Load) || menus.showing(Menu::Save) {
                saves_list(ui, &mut leave, &mut menus);
                return;
            }
            // A game under way (back at the title from the control room) goes on; else
            // the newest saved one.
            let newest = leave
                .saved
                .newest()
                .filter(|_| leave.game.is_none())
                .map(|(name, save)| (name.clone(), save.summary()));
            let offer = TitleOffer {
                under_way: leave.game.is_some(),
                continue_saved: newest.as_ref().map(|(_, summary)| summary.as_str()),
                saves: !leave.saved.saves.is_empty(),
            };
            match main_menu(ui, &offer) {
                Some(TitleChoice::Continue) if offer.under_way => {
                    begin.next.set(AppState::ControlRoom)
                }
                Some(TitleChoice::Continue) => {
                    if let Some((name, _)) = newest {
                        leave.saves.write(SaveRequest::Continue(name));
                    }
                }
                Some(TitleChoice::Save) => menus.open(Menu::Save),
                Some(TitleChoice::Load) => menus.open(Menu::Load),
                Some(TitleChoice::NewGame) if offer.under_way || offer.saves => {
                    menus.open(Menu::ConfirmNewGame)
                }
                Some(TitleChoice::NewGame) => {
                    leave.saves.write(SaveRequest::NewGame);
                }
                Some(TitleChoice::FreeDive) => menus.open(Menu::FreeDive),
                Some(TitleChoice::Settings) => menus.open(Menu::Settings),
                Some(TitleChoice::Quit) => {
                    leave.exit.write(AppExit::Success);
                }
                None => {}
            }
            ui.add_space(32.0);
            ui.label(egui::RichText::new(&levels.library.story.premise).color(theme::DIM));
            // What Continue goes on with (under the menu, so the buttons never move).
            if leave.game.is_none()
                && let Some((name, save)) = leave.saved.newest()
            {
                ui.add_space(12.0);
                ui.label(
                    egui::RichText::new(format!(
                        "Continue: {} · {} · {}",
                        crate::saves::label_of(name),
                        save.chapter_text(&leave.levels.library.story),
                        crate::saves::date_text(save.saved_at)
                    ))
                    .color(theme::DIM),
                );
            }
            if !levels.library.mods.is_empty() {
                ui.add_space(16.0);
                let names: Vec<&str> = levels
                    .library
                    .mods
                    .iter()
                    .map(|m| m.name.as_str())
                    .collect();
                ui.label(
                    egui::RichText::new(format!("Mods: {}", names.join(", "))).color(theme::DIM),
                );
            }
            theme::level_problems(ui, &levels.report);
            if let Some(problem) = &leave.saved.problem {
                ui.add_space(8.0);
                ui.colored_label(theme::WARNING, problem);
            }
            if let Some(problem) = settings.problem() {
                ui.add_space(8.0);
                ui.colored_label(theme::WARNING, problem);
            }
        });
    });
    Ok(())
}

/// The version and build, small in the bottom right corner: what a player copies into a
/// bug report.
pub fn version_corner(ctx: &egui::Context) {
    egui::Area::new("title_version".into())
        .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -8.0])
        .interactable(false)
        .show(ctx, |ui| {
            ui.label(
                egui::RichText::new(version_text())
                    .color(theme::DIM)
                    .small(),
            );
        });
}

/// `v0.1.0 · 3f2a9c1 2026-12-06` (`v0.1.0 · dev` for a developer's build).
pub fn version_text() -> String {
    format!("v{} · {}", crate::version::VERSION, crate::version::BUILD)
}

/// What the title's menu offers.
#[derive(Debug, Clone, Default)]
pub struct TitleOffer<'a> {
    /// A game under way in this run of the program (back from the control room).
    pub under_way: bool,
    /// With no game under way, the newest saved game's summary: Continue loads it.
    pub continue_saved: Option<&'a str>,
    /// Any saved games (Load game).
    pub saves: bool,
}

/// What the player picked on the title's menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleChoice {
    Continue,
    Save,
    Load,
    NewGame,
    FreeDive,
    Settings,
    Quit,
}

/// The title's menu: its buttons in order, each reached by mouse, keys or a pad's
/// navigation (`menus::nav`); the one pressed this frame.
pub fn main_menu(ui: &mut egui::Ui, offer: &TitleOffer) -> Option<TitleChoice> {
    let mut chose = None;
    let mut button = |ui: &mut egui::Ui, label: &str, choice: TitleChoice, hint: Option<&str>| {
        let response = theme::menu_button(ui, label);
        let response = match hint {
            Some(hint) => response.on_hover_text(hint),
            None => response,
        };
        if response.clicked() {
            chose = Some(choice);
        }
    };
    if offer.under_way || offer.continue_saved.is_some() {
        let hint = offer.continue_saved.filter(|_| !offer.under_way);
        button(ui, "Continue", TitleChoice::Continue, hint);
    }
    if offer.under_way {
        button(ui, "Save game", TitleChoice::Save, None);
    }
    if offer.saves {
        button(ui, "Load game", TitleChoice::Load, None);
    }
    button(ui, "New game", TitleChoice::NewGame, None);
    button(ui, "Free dive", TitleChoice::FreeDive, None);
    button(ui, "Settings", TitleChoice::Settings, None);
    button(ui, "Quit", TitleChoice::Quit, None);
    chose
}

/// New game over a game saved or under way: the player says so first.
fn confirm_new_game(ui: &mut egui::Ui, leave: &mut Leave, menus: &mut Menus) {
    ui.heading("Start a new game?");
    ui.add_space(8.0);
    let kept = match leave.saved.newest() {
        Some((_, save)) => format!(
            "Your saved game ({}, {}) is kept as a backup until the next new game.",
            save.chapter_text(&leave.levels.library.story),
            crate::saves::date_text(save.saved_at)
        ),
        None => "The game under way has not been saved.".to_owned(),
    };
    ui.label(egui::RichText::new(kept).color(theme::DIM));
    ui.add_space(16.0);
    if theme::menu_button(ui, "Start a new game").clicked() {
        leave.saves.write(SaveRequest::NewGame);
        menus.back();
    }
    if theme::menu_button(ui, "Back").clicked() {
        menus.back();
    }
}

/// The load screen (every save kept, to continue one) or the save screen (the slots, to
/// save the game under way into one): chapter, time played and date for each.
fn saves_list(ui: &mut egui::Ui, leave: &mut Leave, menus: &mut Menus) {
    let saving = menus.showing(Menu::Save);
    ui.heading(if saving { "Save game" } else { "Load game" });
    ui.add_space(12.0);
    let names: Vec<String> = if saving {
        (1..=crate::saves::SLOTS).map(crate::saves::slot).collect()
    } else {
        leave
            .saved
            .saves
            .iter()
            .map(|(name, _)| name.clone())
            .collect()
    };
    centred(ui, 720.0, 240.0, |ui| {
        egui::ScrollArea::vertical()
            .max_height(220.0)
            .show(ui, |ui| saves_grid(ui, names, leave, menus, saving));
    });
    ui.add_space(12.0);
    if theme::menu_button(ui, "Back").clicked() {
        menus.back();
    }
}

/// The saves' rows: name, chapter, time played, date, and what can be done with each.
fn saves_grid(
    ui: &mut egui::Ui,
    names: Vec<String>,
    leave: &mut Leave,
    menus: &mut Menus,
    saving: bool,
) {
    egui::Grid::new("saves")
        .num_columns(5)
        .spacing([24.0, 10.0])
        .striped(true)
        .show(ui, |ui| {
            for name in names {
                ui.label(egui::RichText::new(crate::saves::label_of(&name)).strong());
                match leave.saved.get(&name) {
                    Some(save) => {
                        let minutes = (save.played_seconds / 60.0).round() as u64;
                        ui.label(save.chapter_text(&leave.levels.library.story));
                        ui.label(format!("{}h {:02}m played", minutes / 60, minutes % 60));
                        ui.label(
                            egui::RichText::new(crate::saves::date_text(save.saved_at))
                                .color(theme::DIM),
                        );
                    }
                    None => {
                        ui.label(egui::RichText::new("empty").color(theme::DIM));
                        ui.label("");
                        ui.label("");
                    }
                }
                let exists = leave.saved.get(&name).is_some();
                if saving {
                    let label = if exists { "Save over" } else { "Save" };
                    if ui.button(label).clicked() {
                        leave.saves.write(SaveRequest::SaveTo(name.clone()));
                    }
                } else if ui.button("Continue").clicked() {
                    leave.saves.write(SaveRequest::Continue(name.clone()));
                    menus.back();
                }
                ui.end_row();
            }
        });
}

/// A block `width` wide, centred in `ui` (a grid alone would hug the left edge).
fn centred(ui: &mut egui::Ui, width: f32, height: f32, add: impl FnOnce(&mut egui::Ui)) {
    let left = ui.max_rect().center().x - width / 2.0;
    let area = egui::Rect::from_min_size(
        egui::pos2(left, ui.cursor().top()),
        egui::vec2(width, height),
    );
    ui.scope_builder(egui::UiBuilder::new().max_rect(area), add);
}

/// Every playable dream, with where it comes from: a modder dives straight into theirs.
fn free_dive_list(
    ui: &mut egui::Ui,
    levels: &Levels,
    strangers: Option<&StrangerNetwork>,
    menus: &mut Menus,
    commands: &mut Commands,
    next: &mut NextState<AppState>,
) {
    ui.heading("Free dive");
    ui.label(
        egui::RichText::new(
            "Any dream, from the base game or a mod; at the end, any stranger of the network.",
        )
        .color(theme::DIM),
    );
    ui.add_space(12.0);
    // Room left for the Back button below, whatever the window's height.
    let height = (ui.available_height() - 70.0).clamp(160.0, 360.0);
    centred(ui, 720.0, height + 20.0, |ui| {
        egui::ScrollArea::vertical()
            .max_height(height)
            .show(ui, |ui| {
                egui::Grid::new("free_dive")
                    .num_columns(3)
                    .spacing([24.0, 12.0])
                    .striped(true)
                    .show(ui, |ui| {
                        for dive in free_dives(&levels.library) {
                            dive_row(ui, dive, commands, next);
                        }
                    });
                ui.separator();
                match stranger_row(ui, &levels.library, strangers) {
                    Some(StrangerPick::FindNetwork) => {
                        commands.insert_resource(StrangerNetwork::Asked);
                    }
                    Some(StrangerPick::Dive(active)) => {
                        commands.insert_resource(*active);
                        next.set(AppState::Dream);
                    }
                    None => {}
                }
            });
    });
    ui.add_space(12.0);
    if theme::menu_button(ui, "Back").clicked() {
        menus.back();
    }
}

/// What Free dive's stranger row asks for.
#[derive(Debug)]
pub enum StrangerPick {
    /// Simulate the campaign's network to the night after the overload.
    FindNetwork,
    /// Dive into the chosen stranger's nightmare.
    Dive(Box<ActiveDive>),
}

/// Any sleeper of the campaign's network, the night after the overload: pick a number,
/// read who they are, dive into their nightmare if they are in one.
pub fn stranger_row(
    ui: &mut egui::Ui,
    library: &crate::levels::Library,
    strangers: Option<&StrangerNetwork>,
) -> Option<StrangerPick> {
    let story = &library.story;
    let key = egui::Id::new("free-dive-sleeper");
    let mut sleeper: usize = ui.ctx().data(|d| d.get_temp(key)).unwrap_or(4711);
    let last = (story.network.sleepers as usize).saturating_sub(1);
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("A stranger").strong().size(18.0));
        ui.label("sleeper #");
        ui.add(egui::DragValue::new(&mut sleeper).range(0..=last));
        if let Some(network) = strangers.and_then(StrangerNetwork::network)
            && ui.button("Next in a loop").clicked()
        {
            // The next sleeper trapped in a loop, not of the family, round the network.
            let family = story.family.len();
            sleeper = (1..=network.len())
                .map(|k| (sleeper + k) % network.len())
                .find(|&i| i >= family && network.sleeper(i).is_some_and(|s| s.looping))
                .unwrap_or(sleeper);
        }
    });
    ui.ctx().data_mut(|d| d.insert_temp(key, sleeper));
    let network = match strangers {
        None => {
            let find = ui.button("Find the network's strangers");
            ui.label(
                egui::RichText::new(
                    "Simulates the campaign's 12,000 sleepers to 3 a.m. the night after the overload.",
                )
                .small()
                .color(theme::DIM),
            );
            return find.clicked().then_some(StrangerPick::FindNetwork);
        }
        Some(
            StrangerNetwork::Asked | StrangerNetwork::Building(_) | StrangerNetwork::Slices(_),
        ) => {
            ui.label(
                egui::RichText::new("Simulating the network to the night after the overload…")
                    .color(theme::DIM),
            );
            ui.ctx().request_repaint();
            return None;
        }
        Some(StrangerNetwork::Unavailable) => {
            ui.label(
                egui::RichText::new("This story's network does not reach that night.")
                    .color(theme::DIM),
            );
            return None;
        }
        Some(StrangerNetwork::Ready(network)) => network,
    };
    // Who they are only: their dream is put together when Dive is pressed.
    let who = match stranger_at(library, story, network, sleeper) {
        Ok(found) => found,
        Err(why) => {
            ui.label(egui::RichText::new(why.to_string()).color(theme::DIM));
            return None;
        }
    };
    let fears: Vec<&str> = who.fears.iter().map(|f| f.tag.label()).collect();
    let [r, g, b] = who.colour;
    ui.horizontal_wrapped(|ui| {
        ui.label(
            egui::RichText::new(format!("{}, {}", who.name(), who.age))
                .color(egui::Color32::from_rgb(r, g, b))
                .strong(),
        );
        ui.label(egui::RichText::new(format!("fears {}", fears.join(", "))).color(theme::DIM));
    });
    ui.add(egui::Label::new(egui::RichText::new(&who.life).italics()).wrap());
    if !who.profile.looping {
        ui.label(
            egui::RichText::new("Not in a loop tonight: no nightmare to dive into.")
                .color(theme::DIM),
        );
        return None;
    }
    // Why this sleeper's dream could not be put together, if Dive found out.
    let failed_key = egui::Id::new("free-dive-failed");
    let failed: Option<(usize, String)> = ui.ctx().data(|d| d.get_temp(failed_key));
    if let Some((_, why)) = failed.filter(|(s, _)| *s == sleeper) {
        ui.label(egui::RichText::new(why).color(theme::DIM));
        return None;
    }
    let dive_clicked = ui
        .add_sized([100.0, 32.0], egui::Button::new("Dive"))
        .clicked();
    if !dive_clicked {
        return None;
    }
    match library.stranger_dive(&who) {
        Ok(dive) => {
            let mut active = ActiveDive::new(dive);
            active.stranger = Some(StrangerKey {
                network_seed: network.seed(),
                profile: who.profile,
            });
            Some(StrangerPick::Dive(Box::new(active)))
        }
        Err(why) => {
            error!("free dive: sleeper #{sleeper}'s dream cannot be put together: {why}");
            ui.ctx()
                .data_mut(|d| d.insert_temp(failed_key, (sleeper, why.to_string())));
            None
        }
    }
}

/// Every playable dream, in the order the story meets them (the prologue's, then the
/// campaign's and the mods' dives), then any other.
fn free_dives(library: &crate::levels::Library) -> Vec<&crate::levels::DiveSpec> {
    let story_order = library
        .story
        .prologue
        .dream
        .iter()
        .chain(&library.campaign)
        .filter_map(|id| library.dive(id));
    let mut out: Vec<&crate::levels::DiveSpec> = Vec::new();
    for dive in story_order.chain(library.all_dives()) {
        if !out.iter().any(|d| d.id() == dive.id()) {
            out.push(dive);
        }
    }
    out
}

/// One dream of the free-dive list: whose, where from, and its Dive button.
fn dive_row(
    ui: &mut egui::Ui,
    dive: &crate::levels::DiveSpec,
    commands: &mut Commands,
    next: &mut NextState<AppState>,
) {
    ui.vertical(|ui| {
        ui.set_width(440.0);
        ui.label(
            egui::RichText::new(dive.title())
                .strong()
                .size(18.0)
                .color(theme::dreamer_colour(&dive.dreamer)),
        );
        let about = if dive.blend.is_empty() {
            dive.dreamer.about.clone()
        } else {
            format!("Dreamt together by {}.", dive.dreamt_by())
        };
        ui.add(egui::Label::new(egui::RichText::new(about).color(theme::DIM)).wrap());
    });
    ui.label(
        egui::RichText::new(format!("{}\n{}", dive.id(), dive.origin))
            .color(theme::DIM)
            .monospace(),
    );
    if ui
        .add_sized([100.0, 32.0], egui::Button::new("Dive"))
        .clicked()
    {
        commands.insert_resource(ActiveDive::new(dive.clone()));
        next.set(AppState::Dream);
    }
    ui.end_row();
}
