//! Father's channel during a dive: the link's stability, always in the bottom-right corner,
//! and what he says when something happens (lines from the campaign's `story.father`).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::dive::{AnchorFound, CoreOpened, DiveLink, DreamerFreed, LoopCollapsed};
use crate::levels::Levels;
use crate::levels::story::DiveMoment;
use crate::state::AppState;
use crate::theme;

/// Seconds a line of Father's stays on screen.
const LINE_SECONDS: f32 = 9.0;

/// What Father said last, and how often he has spoken of each moment (he does not
/// repeat himself while he has other lines).
#[derive(Resource, Debug, Default)]
pub struct FatherChannel {
    pub line: Option<String>,
    pub age: f32,
    said: Vec<(DiveMoment, usize)>,
    warned: bool,
}

impl FatherChannel {
    fn say(&mut self, moment: DiveMoment, levels: &Levels) {
        let lines: Vec<&str> = levels.library.story.father_says(moment).collect();
        if lines.is_empty() {
            return;
        }
        let count = match self.said.iter_mut().find(|(m, _)| *m == moment) {
            Some((_, n)) => {
                *n += 1;
                *n - 1
            }
            None => {
                self.said.push((moment, 1));
                0
            }
        };
        self.line = Some(lines[count % lines.len()].to_owned());
        self.age = 0.0;
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<FatherChannel>()
        .add_systems(
            OnEnter(AppState::Dream),
            |mut channel: ResMut<FatherChannel>, levels: Res<Levels>| {
                *channel = FatherChannel::default();
                channel.say(DiveMoment::Start, &levels);
            },
        )
        .add_systems(
            Update,
            listen
                .in_set(crate::AppSystems::Update)
                .run_if(in_state(AppState::Dream)),
        )
        .add_systems(
            EguiPrimaryContextPass,
            channel.run_if(in_state(AppState::Dream).and_then(resource_exists::<DiveLink>)),
        );
}

/// The dive's moments, for Father to speak to.
#[derive(bevy::ecs::system::SystemParam)]
struct Moments<'w, 's> {
    anchors: MessageReader<'w, 's, AnchorFound>,
    collapsed: MessageReader<'w, 's, LoopCollapsed>,
    opened: MessageReader<'w, 's, CoreOpened>,
    freed: MessageReader<'w, 's, DreamerFreed>,
}

fn listen(
    time: Res<Time>,
    mut moments: Moments,
    mut channel: ResMut<FatherChannel>,
    link: Option<Res<DiveLink>>,
    levels: Res<Levels>,
) {
    channel.age += time.delta_secs();
    if moments.anchors.read().any(|a| a.first_time) {
        channel.say(DiveMoment::Memory, &levels);
    }
    if moments.collapsed.read().count() > 0 {
        channel.say(DiveMoment::Collapse, &levels);
    }
    if moments.opened.read().count() > 0 {
        channel.say(DiveMoment::CoreOpen, &levels);
    }
    if moments.freed.read().count() > 0 {
        channel.say(DiveMoment::Freed, &levels);
    }
    if let Some(link) = link
        && link.stability < link.rules.warn_below
        && !channel.warned
    {
        channel.warned = true;
        channel.say(DiveMoment::LinkLow, &levels);
    }
}

fn channel(mut contexts: EguiContexts, channel: Res<FatherChannel>, link: Res<DiveLink>) -> Result {
    let ctx = contexts.ctx_mut()?;
    egui::Area::new("father_channel".into())
        .anchor(egui::Align2::RIGHT_BOTTOM, [-16.0, -16.0])
        .interactable(false)
        .show(ctx, |ui| {
            theme::glass_frame().show(ui, |ui| {
                ui.set_max_width(300.0);
                let low = link.stability < link.rules.warn_below;
                ui.horizontal(|ui| {
                    ui.label(
                        egui::RichText::new("FATHER · LINK")
                            .small()
                            .color(theme::DIM),
                    );
                    ui.add(
                        egui::ProgressBar::new(link.stability)
                            .desired_width(120.0)
                            .fill(if low { theme::WARNING } else { theme::ACCENT })
                            .text(
                                egui::RichText::new(format!("{:.0}%", link.stability * 100.0))
                                    .color(egui::Color32::BLACK),
                            ),
                    );
                });
                if let Some(line) = channel.line.as_ref().filter(|_| channel.age < LINE_SECONDS) {
                    ui.label(egui::RichText::new(line).italics().color(theme::MEMORY));
                }
            });
        });
    Ok(())
}
