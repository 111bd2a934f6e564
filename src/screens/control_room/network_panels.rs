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
/// The map's columns.
const MAP_COLUMNS: usize = 120;

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
    if let Some(index) = map(ui, desk) {
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

/// The map's background, where no sleeper is.
const MAP_GROUND: egui::Color32 = egui::Color32::from_rgb(6, 10, 20);
/// The loops' throb ripples across the map: its phase moves this far (radians) per cell.
const RIPPLE_PER_CELL: f32 = 0.07;
/// Cells whose throb is in step, drawn as one: the ripple in this many steps a wave.
const THROB_BANDS: usize = 12;
/// A loop's halo over a neighbouring cell, as the alpha of the loop's colour over it.
const HALO_ALPHA: f32 = 18.0 / 255.0;
/// The most often the map's pictures are made again (seconds): at the fastest speed the
/// network has a new minute nearly every frame.
const MAP_REMAKE_SECONDS: f64 = 0.1;

/// The grid: sleepers per cell, cells, rows.
fn map_grid(count: usize) -> (usize, usize, usize) {
    let per_cell = count.div_ceil(MAP_COLUMNS * 100).max(1);
    let cells = count.div_ceil(per_cell);
    (per_cell, cells, cells.div_ceil(MAP_COLUMNS))
}

/// The throb band of cell `c`: its place in the ripple's wave.
fn throb_band(c: usize) -> usize {
    let phase = (c as f32 * RIPPLE_PER_CELL).rem_euclid(std::f32::consts::TAU);
    ((phase / std::f32::consts::TAU * THROB_BANDS as f32) as usize).min(THROB_BANDS - 1)
}

/// What the map's pictures show: the network's state (its minute and its
/// interventions), the palette and the grid's size.
#[derive(Debug, Clone, Copy, PartialEq)]
struct MapMadeFor {
    minute: u64,
    interventions: usize,
    palette: Palette,
    count: usize,
}

/// The map as pictures, made again only when what they show changed (at most every
/// [`MAP_REMAKE_SECONDS`]), not painted cell by cell each frame: the cells' colours,
/// loops lit at full with their halos, and one mask per throb band that dims that
/// band's loops as they throb. Kept in egui's memory: the panel keeps no other state.
#[derive(Clone)]
struct MapPictures {
    made_for: MapMadeFor,
    made_at: f64,
    cells: egui::TextureHandle,
    throbs: Vec<egui::TextureHandle>,
}

/// The cells' colours and the throb bands' masks for `desk`'s network now, `rows` rows
/// of [`MAP_COLUMNS`].
fn map_images(
    desk: &Desk,
    colours: &theme::Colours,
    per_cell: usize,
    rows: usize,
) -> (egui::ColorImage, Vec<egui::ColorImage>) {
    let size = [MAP_COLUMNS, rows];
    let cells: Vec<(f32, bool)> = desk.network.map_cells(per_cell).collect();
    let looping = |column: isize, row: isize| -> bool {
        (0..MAP_COLUMNS as isize).contains(&column)
            && row >= 0
            && cells
                .get(row as usize * MAP_COLUMNS + column as usize)
                .is_some_and(|cell| cell.1)
    };
    let lit = colours.looping_lit(1.0);
    let mut picture = vec![MAP_GROUND; MAP_COLUMNS * rows];
    let mut masks = vec![vec![egui::Color32::TRANSPARENT; MAP_COLUMNS * rows]; THROB_BANDS];
    for (c, &(risk, in_loop)) in cells.iter().enumerate() {
        if in_loop {
            picture[c] = lit;
            masks[throb_band(c)][c] = egui::Color32::BLACK;
            continue;
        }
        // Loops glow past their cells: each neighbouring loop's halo over this one.
        let (column, row) = ((c % MAP_COLUMNS) as isize, (c / MAP_COLUMNS) as isize);
        let halos = (-1..=1)
            .flat_map(|dy| (-1..=1).map(move |dx| (dx, dy)))
            .filter(|&(dx, dy)| looping(column + dx, row + dy))
            .count();
        let glow = 1.0 - (1.0 - HALO_ALPHA).powi(halos as i32);
        picture[c] = colours.at_risk(risk).lerp_to_gamma(colours.looping, glow);
    }
    let image = |pixels| egui::ColorImage::new(size, pixels);
    (image(picture), masks.into_iter().map(image).collect())
}

/// The map's pictures for `desk` now, made again when what they show has changed.
fn map_pictures(ui: &egui::Ui, desk: &Desk, per_cell: usize, rows: usize) -> MapPictures {
    let id = egui::Id::new("network-map-pictures");
    let made_for = MapMadeFor {
        minute: desk.network.minute(),
        interventions: desk.network.journal().len(),
        palette: theme::palette(ui.ctx()),
        count: desk.network.len(),
    };
    let now = ui.input(|i| i.time);
    let kept: Option<MapPictures> = ui.ctx().data(|d| d.get_temp(id));
    if let Some(kept) = &kept
        && (kept.made_for == made_for
            || (kept.made_for.palette == made_for.palette
                && kept.made_for.count == made_for.count
                && now - kept.made_at < MAP_REMAKE_SECONDS))
    {
        return kept.clone();
    }
    let (picture, masks) = map_images(desk, theme::colours(ui.ctx()), per_cell, rows);
    let options = egui::TextureOptions::NEAREST;
    let pictures = match kept {
        Some(mut kept) if kept.made_for.count == made_for.count => {
            kept.cells.set(picture, options);
            for (texture, mask) in kept.throbs.iter_mut().zip(masks) {
                texture.set(mask, options);
            }
            MapPictures {
                made_for,
                made_at: now,
                ..kept
            }
        }
        _ => MapPictures {
            made_for,
            made_at: now,
            cells: ui.ctx().load_texture("network-map", picture, options),
            throbs: masks
                .into_iter()
                .enumerate()
                .map(|(band, mask)| {
                    ui.ctx()
                        .load_texture(format!("network-map-throb-{band}"), mask, options)
                })
                .collect(),
        },
    };
    ui.ctx().data_mut(|d| d.insert_temp(id, pictures.clone()));
    pictures
}

/// The sleepers as a grid of cells coloured by risk; returns the sleeper clicked. (Public
/// for the control room's benchmark.)
pub fn map(ui: &mut egui::Ui, desk: &Desk) -> Option<usize> {
    let count = desk.network.len();
    let (per_cell, _, rows) = map_grid(count);
    let width = ui.available_width().min(480.0);
    let cell = width / MAP_COLUMNS as f32;
    let (rect, response) =
        ui.allocate_exact_size(egui::vec2(width, cell * rows as f32), egui::Sense::click());
    let pictures = map_pictures(ui, desk, per_cell, rows);
    let painter = ui.painter_at(rect);
    let colours = theme::colours(ui.ctx());
    let whole = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
    painter.image(pictures.cells.id(), rect, whole, egui::Color32::WHITE);
    // With less motion or no flashing asked for, the loops glow steadily and the alarm
    // frame stays lit.
    let steady = crate::theme::reduce_motion(ui.ctx()) || crate::theme::reduce_flashing(ui.ctx());
    let time = ui.input(|i| i.time) as f32;
    if !steady {
        // Each band's loops dimmed to their throb, the throb rippling across the map
        // as the loops spread: a loop's colour is `looping_lit(throb)`.
        let low = theme::LOOP_THROB_LOW;
        for (band, mask) in pictures.throbs.iter().enumerate() {
            let phase = (band as f32 + 0.5) / THROB_BANDS as f32 * std::f32::consts::TAU;
            let throb = low + (1.0 - low) * 0.5 * (1.0 + (time * 3.0 - phase).sin());
            let dim = egui::Color32::from_black_alpha(((1.0 - throb) * 255.0).round() as u8);
            painter.image(mask.id(), rect, whole, dim);
        }
    }
    // The overload's alarm state: the map's frame flashes until the family is free.
    let alarm = desk.network.overloaded().is_some();
    if alarm {
        let flash = if steady {
            1.0
        } else {
            0.5 + 0.5 * (time * 4.0).sin()
        };
        painter.rect_stroke(
            rect.shrink(1.0),
            0.0,
            egui::Stroke::new(
                2.0,
                colours
                    .looping
                    .gamma_multiply_u8((90.0 + 150.0 * flash) as u8),
            ),
            egui::StrokeKind::Inside,
        );
    }
    let at = response
        .interact_pointer_pos()
        .filter(|_| response.clicked())?;
    let column = ((at.x - rect.left()) / cell) as usize;
    let row = ((at.y - rect.top()) / cell) as usize;
    let index = (row * MAP_COLUMNS + column.min(MAP_COLUMNS - 1)) * per_cell;
    (index < count).then_some(index)
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
