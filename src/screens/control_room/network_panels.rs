//! The network overview (charts over time, the map of sleepers, incident counts) and the
//! sleeper detail (vital signs, hypnogram, emotion history, dependence trend).

use bevy_egui::egui;
use egui_plot::{Line, LineStyle, Plot, PlotPoints, Points};

use crate::campaign::{Desk, Request};
use crate::levels::Library;
use crate::levels::strangers::dive_id;
use crate::network::analysis::MIN_CONNECTED;
use crate::network::{CohortStats, MINUTES_PER_DAY, SleeperSnapshot, Stage, Stats};
use crate::settings::Palette;
use crate::theme;

/// Minutes the overview's charts span.
const CHART_MINUTES: usize = MINUTES_PER_DAY as usize;
/// Points each chart line is thinned to.
const CHART_POINTS: usize = 360;

/// Hours since the network's first minute, for chart axes.
fn hours(minute: u64) -> f64 {
    minute as f64 / 60.0
}

/// The time of day of `minute`, as the console prints it.
pub fn clock(minute: u64) -> String {
    let of_day = minute % u64::from(MINUTES_PER_DAY);
    format!(
        "day {} · {:02}:{:02}",
        minute / u64::from(MINUTES_PER_DAY) + 1,
        of_day / 60,
        of_day % 60
    )
}

/// The history's last day, thinned to [`CHART_POINTS`] minutes.
fn charted(desk: &Desk) -> impl Iterator<Item = &Stats> {
    let history = desk.network.history();
    let take = history.len().min(CHART_MINUTES);
    let stride = (take / CHART_POINTS).max(1);
    history.recent(take).step_by(stride).map(|(_, s)| s)
}

/// A chart line of `f` over the last day.
fn series(desk: &Desk, f: impl Fn(&Stats) -> f32) -> Vec<[f64; 2]> {
    charted(desk)
        .map(|s| [hours(s.minute), f64::from(f(s))])
        .collect()
}

/// A chart line of the connected sleepers' means, over the minutes anyone was connected.
fn connected(desk: &Desk, f: impl Fn(&CohortStats) -> f32) -> Vec<[f64; 2]> {
    charted(desk)
        .filter(|s| s.cohorts[0].connected >= MIN_CONNECTED)
        .map(|s| [hours(s.minute), f64::from(f(&s.cohorts[0]))])
        .collect()
}

/// A chart of `lines` (name, colour, points) under a key of their names in their colours.
/// Each line has its own stroke as well as its colour — solid, dashed, dotted, in order —
/// and the key draws it, so the lines are told apart without colour.
fn chart(
    ui: &mut egui::Ui,
    id: &str,
    height: f32,
    lines: Vec<(&str, egui::Color32, Vec<[f64; 2]>)>,
) {
    ui.horizontal(|ui| {
        for (k, (name, colour, _)) in lines.iter().enumerate() {
            ui.label(
                egui::RichText::new(format!("{} {name}", STROKES[k % STROKES.len()].0))
                    .color(*colour)
                    .small(),
            );
        }
    });
    Plot::new(id)
        .height(height)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .x_axis_label("network hours")
        .show(ui, |plot| {
            for (k, (name, colour, points)) in lines.into_iter().enumerate() {
                plot.line(
                    Line::new(name, PlotPoints::from(points))
                        .color(colour)
                        .style(STROKES[k % STROKES.len()].1)
                        .width(1.5),
                );
            }
        });
}

/// The charts' strokes, in the order of their lines, with how the key draws each.
const STROKES: [(&str, LineStyle); 3] = [
    ("——", LineStyle::Solid),
    ("– –", LineStyle::Dashed { length: 7.0 }),
    ("···", LineStyle::Dotted { spacing: 4.0 }),
];

pub fn overview(ui: &mut egui::Ui, desk: &Desk, requests: &mut Vec<Request>) {
    let colours = theme::colours(ui.ctx());
    let stats = *desk.network.stats();
    let n = desk.network.len().max(1) as f32;
    let critical = desk.network.overloaded().is_some();
    ui.horizontal_wrapped(|ui| {
        let looping_colour = if critical {
            theme::WARNING
        } else {
            theme::ACCENT
        };
        ui.label(format!("{} sleepers", desk.network.len()));
        ui.label(format!("{} asleep", stats.asleep));
        ui.label(format!("{} connected", stats.connected));
        ui.colored_label(
            looping_colour,
            format!("{} in nightmare loops", stats.looping),
        );
        ui.label(format!("dependence {:.2}", stats.dependence));
    });
    let last_day = desk
        .network
        .history()
        .recent(CHART_MINUTES)
        .map(|(_, s)| s.new_loops)
        .sum::<u32>();
    ui.label(
        egui::RichText::new(format!("Nightmare incidents in the last 24 h: {last_day}")).color(
            if last_day > 50 {
                theme::WARNING
            } else {
                theme::DIM
            },
        ),
    );
    chart(
        ui,
        "overview-load",
        100.0,
        vec![
            (
                "asleep",
                colours.asleep,
                series(desk, |s| s.asleep as f32 / n),
            ),
            (
                "in a loop",
                colours.looping,
                series(desk, |s| s.looping as f32 / n),
            ),
            (
                "dependence",
                colours.dependence,
                series(desk, |s| s.dependence),
            ),
        ],
    );
    chart(
        ui,
        "overview-emotion",
        100.0,
        vec![
            ("valence", colours.valence, connected(desk, |c| c.valence)),
            ("arousal", colours.arousal, connected(desk, |c| c.arousal)),
            ("sync", colours.sync, connected(desk, |c| c.sync)),
        ],
    );
    ui.label(egui::RichText::new(map_key(theme::palette(ui.ctx()))).color(theme::DIM));
    if let Some(index) = super::network_map::map(ui, desk) {
        requests.push(Request::Select {
            sleeper: index,
            show: true,
        });
    }
}

/// What the map's colours mean, in `palette`.
fn map_key(palette: Palette) -> &'static str {
    match palette {
        Palette::Standard => {
            "Map: one cell per sleeper, blue (calm) to amber (nightmare risk); red: in a loop. Click one to open it."
        }
        Palette::ColourBlindSafe => {
            "Map: one cell per sleeper, dark blue (calm) to orange (nightmare risk); glowing white: in a loop. Click one to open it."
        }
    }
}

pub fn sleeper(ui: &mut egui::Ui, desk: &Desk, library: &Library, requests: &mut Vec<Request>) {
    let story = &library.story;
    ui.horizontal(|ui| {
        ui.label("Sleeper #");
        let last = desk.network.len().saturating_sub(1);
        let mut selected = desk.selected;
        ui.add(egui::DragValue::new(&mut selected).range(0..=last));
        for (i, member) in story.family.iter().enumerate() {
            let name = crate::screens::control_room::family_name(member);
            if ui.selectable_label(desk.selected == i, name).clicked() {
                selected = i;
            }
        }
        if selected != desk.selected {
            requests.push(Request::Select {
                sleeper: selected,
                show: false,
            });
        }
    });
    let Some(now) = desk.network.sleeper(desk.selected) else {
        return;
    };
    if let Some(member) = story.family.get(desk.selected) {
        ui.label(
            egui::RichText::new(crate::screens::control_room::family_name(member))
                .color(theme::MEMORY)
                .strong(),
        );
        for note in &member.notes {
            ui.label(egui::RichText::new(note).italics());
        }
    } else {
        stranger(ui, desk, library, requests);
    }
    vitals(ui, &now);
    let past = desk.network.sleeper_history(desk.selected);
    let points = |f: &dyn Fn(&SleeperSnapshot) -> f32| -> Vec<[f64; 2]> {
        past.iter()
            .map(|(m, s)| [hours(*m), f64::from(f(s))])
            .collect()
    };
    ui.label(egui::RichText::new("Hypnogram (last 24 h)").color(theme::DIM));
    let loop_colour = theme::colours(ui.ctx()).looping;
    Plot::new(("hypnogram", desk.selected))
        .height(90.0)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .include_y(0.3)
        .include_y(-4.3)
        .y_axis_formatter(|mark, _| {
            Stage::ALL
                .iter()
                .find(|s| (f64::from(s.depth()) - mark.value).abs() < 0.01)
                .map(|s| s.label().to_owned())
                .unwrap_or_default()
        })
        .show(ui, |plot| {
            plot.line(Line::new(
                "stage",
                PlotPoints::from(points(&|s| s.stage.depth())),
            ));
            let looping: Vec<[f64; 2]> = past
                .iter()
                .filter(|(_, s)| s.looping)
                .map(|(m, _)| [hours(*m), 0.2])
                .collect();
            plot.points(
                Points::new("in a loop", PlotPoints::from(looping))
                    .color(loop_colour)
                    .radius(3.0),
            );
        });
    ui.label(egui::RichText::new("Emotion and dependence").color(theme::DIM));
    let colours = theme::colours(ui.ctx());
    chart(
        ui,
        &format!("emotion-{}", desk.selected),
        100.0,
        vec![
            ("valence", colours.valence, points(&|s| s.valence)),
            ("arousal", colours.arousal, points(&|s| s.arousal)),
            ("dependence", colours.dependence, points(&|s| s.dependence)),
        ],
    );
}

/// Who the selected sleeper is, as a stranger: name, age, life, the fears their nights
/// give them; and the way into their dream when they are in a loop.
fn stranger(ui: &mut egui::Ui, desk: &Desk, library: &Library, requests: &mut Vec<Request>) {
    let n = desk.selected;
    // Someone Juno linked to is who they were then (their dream is made from that).
    let profile = desk
        .strangers
        .get(&n)
        .map(|visit| visit.profile)
        .or_else(|| desk.network.profile(n));
    let Some(who) = profile.and_then(|p| library.stranger(desk.network.seed(), &p).ok()) else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        let [r, g, b] = who.colour;
        ui.label(
            egui::RichText::new(who.name())
                .color(egui::Color32::from_rgb(r, g, b))
                .strong(),
        );
        ui.label(egui::RichText::new(format!("{}", who.age)).color(theme::DIM));
    });
    ui.label(egui::RichText::new(&who.life).italics());
    let fears: Vec<&str> = who.fears.iter().map(|f| f.tag.label()).collect();
    ui.label(
        egui::RichText::new(format!("Fears, from their nights: {}", fears.join(", ")))
            .color(theme::DIM),
    );
    if desk.network.is_home(n) {
        ui.colored_label(theme::MEMORY, "Brought home · off the network");
    } else if desk.can_link_stranger(n) || desk.can_dive(&dive_id(n)) {
        let label = format!("Dive into {}'s nightmare", who.given);
        if ui.add(egui::Button::new(label)).clicked() {
            requests.push(Request::LinkStranger(n));
        }
    } else if desk.network.sleeper(n).is_some_and(|s| s.looping) {
        ui.label(
            egui::RichText::new("In a loop. The dive link opens for emergencies only.")
                .color(theme::DIM),
        );
    }
}

fn vitals(ui: &mut egui::Ui, s: &SleeperSnapshot) {
    egui::Grid::new("vitals").num_columns(4).show(ui, |ui| {
        ui.label("stage");
        ui.strong(if s.looping {
            "NIGHTMARE LOOP"
        } else {
            s.stage.label()
        });
        ui.label("heart");
        ui.strong(format!("{:.0} bpm", s.heart_rate));
        ui.end_row();
        ui.label("breathing");
        ui.strong(format!("{:.0} /min", s.breathing));
        ui.label("sync");
        ui.strong(if s.connected {
            format!("{:.0}%", s.sync * 100.0)
        } else {
            "offline".into()
        });
        ui.end_row();
        ui.label("valence");
        ui.strong(format!("{:+.2}", s.valence));
        ui.label("arousal");
        ui.strong(format!("{:.2}", s.arousal));
        ui.end_row();
        ui.label("dependence");
        ui.strong(format!("{:.2}", s.dependence));
        ui.label("nightmare risk");
        ui.colored_label(
            if s.risk > 0.5 {
                theme::WARNING
            } else {
                theme::ACCENT
            },
            format!("{:.2}", s.risk),
        );
        ui.end_row();
    });
}
