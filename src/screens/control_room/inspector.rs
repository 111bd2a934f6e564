//! The algorithm inspector: SomnoTech's tuning parameters with their documented purpose
//! and their values over time, and the analysis bench where Juno tests whether a
//! parameter moves what it should not. Her pinned findings are the story's evidence.

use bevy_egui::egui;
use egui_plot::{Line, Plot, PlotPoints};

use crate::campaign::{Desk, Request};
use crate::levels::story::StoryFlag;
use crate::network::analysis::Query;
use crate::network::{Cohort, MINUTES_PER_DAY, Measure, Param};
use crate::theme;

/// Lags offered, minutes.
const LAGS: [usize; 5] = [0, 5, 10, 20, 40];
/// Windows offered, minutes.
const WINDOWS: [usize; 3] = [12 * 60, 24 * 60, 48 * 60];

pub fn inspector(ui: &mut egui::Ui, desk: &Desk, requests: &mut Vec<Request>) {
    ui.columns(2, |columns| {
        parameters(&mut columns[0], desk, requests);
        bench(&mut columns[1], desk, requests);
    });
}

/// Each parameter, its value now and SomnoTech's documentation; the selected one plotted.
fn parameters(ui: &mut egui::Ui, desk: &Desk, requests: &mut Vec<Request>) {
    let params = desk.network.params();
    ui.label(egui::RichText::new("Parameters (SomnoTech documentation)").strong());
    for param in Param::ALL {
        ui.horizontal(|ui| {
            let selected = desk.query.param == param;
            if ui.selectable_label(selected, param.label()).clicked() {
                requests.push(Request::Query(Query {
                    param,
                    ..desk.query
                }));
            }
            ui.monospace(format!("{:6.2}", params.get(param)));
        });
        ui.add(
            egui::Label::new(
                egui::RichText::new(param.documented_purpose())
                    .small()
                    .color(theme::DIM),
            )
            .wrap(),
        );
    }
    // The selected parameter over the last day.
    let history = desk.network.history();
    let take = history.len().min(MINUTES_PER_DAY as usize);
    let param = desk.query.param;
    let line: Vec<[f64; 2]> = history
        .recent(take)
        .step_by(4)
        .map(|(p, s)| [s.minute as f64 / 60.0, f64::from(p.get(param))])
        .collect();
    let (low, high) = param.range();
    Plot::new("param-history")
        .height(80.0)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .include_y(f64::from(low))
        .include_y(f64::from(high))
        .show(ui, |plot| {
            plot.line(Line::new(param.label(), PlotPoints::from(line)).color(theme::ACCENT));
        });
}

/// The analysis bench: a parameter against a measure, and the findings pinned.
fn bench(ui: &mut egui::Ui, desk: &Desk, requests: &mut Vec<Request>) {
    ui.label(egui::RichText::new("Analysis bench").strong());
    ui.label(
        egui::RichText::new(
            "Does a parameter move a measure of the sleepers? Pick both, a cohort, and how \
             long after the parameter to look. Only minutes with sleepers connected count.",
        )
        .small()
        .color(theme::DIM),
    );
    let mut query = desk.query;
    egui::Grid::new("bench").num_columns(2).show(ui, |ui| {
        ui.label("parameter");
        combo(ui, "bench-param", &mut query.param, &Param::ALL, |p| {
            p.label()
        });
        ui.end_row();
        ui.label("measure");
        combo(
            ui,
            "bench-measure",
            &mut query.measure,
            &Measure::ALL,
            |m| m.label(),
        );
        ui.end_row();
        ui.label("cohort");
        combo(ui, "bench-cohort", &mut query.cohort, &Cohort::ALL, |c| {
            c.label()
        });
        ui.end_row();
        ui.label("measured after");
        combo(ui, "bench-lag", &mut query.lag, &LAGS, |lag| {
            format!("{lag} min")
        });
        ui.end_row();
        ui.label("over the last");
        combo(ui, "bench-window", &mut query.window, &WINDOWS, |m| {
            format!("{} h", m / 60)
        });
        ui.end_row();
    });
    if query != desk.query {
        requests.push(Request::Query(query));
    }
    ui.horizontal(|ui| {
        if ui.button("Analyse").clicked() {
            requests.push(Request::Analyse);
        }
        let can_pin = desk.last_analysis.is_some();
        if ui
            .add_enabled(can_pin, egui::Button::new("Pin to findings"))
            .clicked()
        {
            requests.push(Request::Pin);
        }
    });
    if let Some(result) = desk.last_analysis {
        let q = result.query;
        let strong = result.is_evidence();
        ui.colored_label(
            if strong { theme::MEMORY } else { theme::ACCENT },
            format!(
                "{} against {} of {}, {} min later: r = {:+.2} over {} sleeping minutes: {}",
                q.param.label(),
                q.measure.label(),
                q.cohort.label(),
                q.lag,
                result.r,
                result.samples,
                result.verdict()
            ),
        );
    }
    if !desk.findings.is_empty() {
        ui.separator();
        ui.label(egui::RichText::new("Findings").strong());
        for finding in &desk.findings {
            let q = finding.0.query;
            ui.label(format!(
                "• {} against {} ({}, +{} min): r = {:+.2}, {}",
                q.param.label(),
                q.measure.label(),
                q.cohort.label(),
                q.lag,
                finding.0.r,
                finding.0.verdict()
            ));
        }
    }
    if desk.flags.contains(&StoryFlag::SteeringFound) {
        ui.colored_label(
            theme::WARNING,
            "Scene continuity moves how sleepers feel. Its documentation says nothing of emotion.",
        );
    }
}

/// A stepper through `options`: the one chosen between a button to the previous and
/// one to the next (wrapping round), which a pad's d-pad and Confirm work as well as a
/// mouse (a drop-down's list is awkward without one).
fn combo<T: Copy + PartialEq, L: Into<egui::WidgetText>>(
    ui: &mut egui::Ui,
    id: &str,
    value: &mut T,
    options: &[T],
    label: impl Fn(T) -> L,
) {
    let Some(at) = options.iter().position(|o| o == value) else {
        if let Some(first) = options.first() {
            *value = *first;
        }
        return;
    };
    let count = options.len();
    ui.push_id(id, |ui| {
        ui.horizontal(|ui| {
            if ui.small_button("<").on_hover_text("previous").clicked() {
                *value = options[(at + count - 1) % count];
            }
            ui.add_sized(
                [176.0, 20.0],
                egui::Label::new(label(options[at])).truncate(),
            );
            if ui.small_button(">").on_hover_text("next").clicked() {
                *value = options[(at + 1) % count];
            }
        });
    });
}
