//! The dive console (choose a trapped dreamer, calibrate the link by holding its phase
//! steady, dive) and the alternative network's designer.

use bevy_egui::egui;

use super::{DeskControls, family_name};
use crate::campaign::design::{DESIGN_DAYS, DESIGN_SLEEPERS};
use crate::campaign::{Desk, Request};
use crate::controls::Control;
use crate::levels::story::StoryFlag;
use crate::levels::strangers::dive_id;
use crate::levels::{DiveSpec, Library};
use crate::network::calibration::STEADY_SECONDS;
use crate::network::{DataKept, Invites};
use crate::theme;

pub fn console(
    ui: &mut egui::Ui,
    desk: &Desk,
    dives: &[&DiveSpec],
    library: &Library,
    controls: &DeskControls,
    requests: &mut Vec<Request>,
) {
    if !desk.flags.contains(&StoryFlag::Overload) {
        ui.label(
            egui::RichText::new(
                "The dive link is for therapy sessions and emergencies. No sleeper is trapped.",
            )
            .color(theme::DIM),
        );
        return;
    }
    if let Some(left) = desk.pressure_left() {
        let colour = if left == 0 {
            theme::WARNING
        } else {
            theme::MEMORY
        };
        let text = if left == 0 && !desk.sunk.is_empty() {
            "The loops have set: whoever was still trapped sank deeper, and the link is harder to hold"
                .to_owned()
        } else if left == 0 {
            "The loops have set: the link is harder to hold".to_owned()
        } else {
            format!(
                "Loops set in {}h {:02}m (network time)",
                left / 60,
                left % 60
            )
        };
        ui.colored_label(colour, text);
    }
    if let Some(report) = &desk.console.report {
        ui.colored_label(theme::WARNING, report);
    }
    ui.label(egui::RichText::new("Dreamer").strong());
    for dive in dives {
        let id = dive.id();
        let freed = desk.freed.contains(id);
        // The finale shows once it is there to dive into.
        if desk.is_finale(id) && !freed && !desk.can_dive(id) {
            continue;
        }
        // A dream of several dreamers goes by its title ("The family's nightmare").
        let name = if dive.blend.is_empty() {
            dive.dreamer.name.clone()
        } else {
            dive.title()
        };
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(&name)
                    .color(theme::dreamer_colour(&dive.dreamer))
                    .strong(),
            );
            if freed {
                ui.colored_label(theme::MEMORY, "FREE · loop broken");
            } else if desk.can_dive(id) {
                if desk.sunk.contains(id) {
                    ui.colored_label(theme::WARNING, "sunk deeper");
                }
                let chosen = desk.console.dive.as_deref() == Some(id);
                if ui
                    .selectable_label(chosen, format!("Link to {name}"))
                    .clicked()
                {
                    requests.push(Request::Calibrate(id.to_owned()));
                }
            } else {
                ui.label(egui::RichText::new("not on the link").color(theme::DIM));
            }
        });
    }
    strangers(ui, desk, library, requests);
    let Some(calibration) = &desk.console.calibration else {
        return;
    };
    ui.separator();
    ui.label(egui::RichText::new("Calibrate the link: hold the phase inside the band").strong());
    ui.label(
        egui::RichText::new(format!(
            "Hold {} / {}, or press and hold the buttons, to push against the drift.",
            controls.label(Control::PushLeft),
            controls.label(Control::PushRight)
        ))
        .small()
        .color(theme::DIM),
    );
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(ui.available_width().min(420.0), 46.0),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, egui::Color32::from_rgb(6, 10, 20));
    let x = |v: f32| rect.center().x + v * rect.width() * 0.5;
    let band =
        egui::Rect::from_x_y_ranges(x(-calibration.band)..=x(calibration.band), rect.y_range());
    let inside = calibration.inside();
    painter.rect_filled(band, 0.0, egui::Color32::from_rgb(20, 70, 90));
    painter.line_segment(
        [
            egui::pos2(x(0.0), rect.top()),
            egui::pos2(x(0.0), rect.bottom()),
        ],
        egui::Stroke::new(1.0, theme::DIM),
    );
    painter.line_segment(
        [
            egui::pos2(x(calibration.error), rect.top()),
            egui::pos2(x(calibration.error), rect.bottom()),
        ],
        egui::Stroke::new(
            3.0,
            if inside {
                theme::colours(ui.ctx()).lucid
            } else {
                theme::colours(ui.ctx()).danger
            },
        ),
    );
    let mut push = 0.0;
    ui.horizontal(|ui| {
        if ui.button("< push").is_pointer_button_down_on() {
            push -= 1.0;
        }
        if ui.button("push >").is_pointer_button_down_on() {
            push += 1.0;
        }
    });
    // Held keys push all the way, a stick as far as it leans.
    push += controls.state.value(Control::PushRight) - controls.state.value(Control::PushLeft);
    // The game steps the link on its clock with the push held now; it holds still while
    // the console is paused, like the network.
    requests.push(Request::PushLink(push));
    if desk.paused {
        ui.colored_label(
            theme::MEMORY,
            format!(
                "Paused: run the console ({}) to calibrate.",
                controls.label(Control::NetworkPause)
            ),
        );
    }
    ui.add(egui::ProgressBar::new(calibration.progress()).text(format!(
        "steady {:.1} / {STEADY_SECONDS:.0} s",
        calibration.steady
    )));
    if calibration.done() {
        let link = calibration.quality();
        ui.colored_label(
            theme::MEMORY,
            format!("Link calibrated · stability {:.0}%", link * 100.0),
        );
        if ui
            .add_sized([160.0, 36.0], egui::Button::new("Dive"))
            .clicked()
            && let Some(dive) = desk.console.dive.clone()
        {
            requests.push(Request::Dive { dive, link });
        }
    } else {
        ui.ctx().request_repaint();
    }
}

pub fn alternative(ui: &mut egui::Ui, desk: &Desk, library: &Library, requests: &mut Vec<Request>) {
    let story = &library.story;
    if !desk.can(crate::levels::story::Action::DesignAlternative) {
        let names: Vec<String> = story.family.iter().map(family_name).collect();
        let first = if desk.flags.contains(&StoryFlag::AllFreed) {
            "Bring them home together first: the nightmare they shared is still running.".to_owned()
        } else {
            format!("Bring {} home first.", and_list(&names))
        };
        ui.label(egui::RichText::new(first).color(theme::DIM));
        return;
    }
    // Once adopted the design is the network: nothing on the table changes.
    let running = desk.design_locked();
    let mut rules = desk.design.rules;
    ui.add_enabled_ui(!running, |ui| {
        ui.checkbox(
            &mut rules.opt_in,
            "Consent: sleepers join only if they choose to",
        );
        ui.checkbox(
            &mut rules.individual_by_default,
            "Individual dreaming by default",
        );
        ui.add(
            egui::Slider::new(&mut rules.shared_nights_per_week, 0..=7)
                .text("shared nights a week"),
        );
        ui.horizontal(|ui| {
            ui.label("Who invites:");
            for invites in Invites::ALL {
                ui.selectable_value(&mut rules.invites, invites, invites.label());
            }
        });
        ui.checkbox(
            &mut rules.emotional_steering,
            "Emotional steering (the engagement term)",
        );
        ui.horizontal(|ui| {
            ui.label("Data kept:");
            for kept in DataKept::ALL {
                ui.selectable_value(&mut rules.data_kept, kept, kept.label());
            }
        });
    });
    if rules != desk.design.rules {
        requests.push(Request::Rules(rules));
    }
    if ui
        .add_enabled(!running, egui::Button::new("Run both networks"))
        .clicked()
    {
        requests.push(Request::RunDesign);
    }
    let Some(run) = &desk.design.run else {
        return;
    };
    ui.add(egui::ProgressBar::new(run.progress()).text(format!(
        "{} sleepers each, {} days",
        DESIGN_SLEEPERS, DESIGN_DAYS
    )));
    let [dep_s, dep_a] = run.dependence();
    let [nm_s, nm_a] = run.nightmares_per_night();
    let colours = theme::colours(ui.ctx());
    // Lower is better for both; said in words as well as colour.
    let verdict = |a: f32, s: f32| {
        if a < s {
            (colours.better, "better")
        } else {
            (colours.worse, "no better")
        }
    };
    egui::Grid::new("design-results")
        .num_columns(3)
        .show(ui, |ui| {
            ui.label("");
            ui.strong("SomnoTech");
            ui.strong("yours");
            ui.end_row();
            ui.label("mean dependence");
            ui.label(format!("{dep_s:.2}"));
            let (colour, word) = verdict(dep_a, dep_s);
            ui.colored_label(colour, format!("{dep_a:.2} · {word}"));
            ui.end_row();
            ui.label("nightmares a night");
            ui.label(format!("{nm_s:.1}"));
            let (colour, word) = verdict(nm_a, nm_s);
            ui.colored_label(colour, format!("{nm_a:.1} · {word}"));
            ui.end_row();
        });
    if run.done() && run.rules == desk.design.rules {
        // Father and Juno over the figures, as they would across the table.
        let talk = desk.design_talk(story);
        if !talk.is_empty() {
            ui.separator();
            for (who, text) in talk {
                let colour = theme::speaker_colour(library, who);
                ui.horizontal_wrapped(|ui| {
                    ui.label(egui::RichText::new(who).strong().color(colour));
                    ui.add(egui::Label::new(text).wrap());
                });
            }
        }
        if !desk.flags.contains(&StoryFlag::AlternativeAdopted) {
            if ui.button("Adopt this network").clicked() {
                requests.push(Request::Adopt);
            }
        } else {
            ui.separator();
            ui.label(
                egui::RichText::new("Epilogue")
                    .strong()
                    .color(theme::MEMORY),
            );
            for paragraph in desk.epilogue(story) {
                ui.add(egui::Label::new(paragraph).wrap());
            }
            // On to the end, when she has read it.
            if !desk.flags.contains(&StoryFlag::EndingBegun)
                && !desk.flags.contains(&StoryFlag::Finished)
                && ui.button("On to the morning").clicked()
            {
                requests.push(Request::BeginEnding);
            }
        }
    }
}

/// The strangers Juno linked to, and how many she brought home.
fn strangers(ui: &mut egui::Ui, desk: &Desk, library: &Library, requests: &mut Vec<Request>) {
    if desk.strangers.is_empty() {
        ui.label(
            egui::RichText::new(
                "Strangers: pick anyone in a loop on the map (Sleeper panel) to dive for them. \
                 Their dives spend the family's time.",
            )
            .small()
            .color(theme::DIM),
        );
        return;
    }
    ui.label(egui::RichText::new("Strangers").strong());
    for (&n, visit) in &desk.strangers {
        let Ok(who) = library.stranger(desk.network.seed(), &visit.profile) else {
            continue;
        };
        let id = dive_id(n);
        ui.horizontal(|ui| {
            ui.label(format!("{} (#{n})", who.name()));
            if desk.network.is_home(n) {
                ui.colored_label(theme::MEMORY, "HOME · off the network");
            } else if desk.can_dive(&id) {
                let chosen = desk.console.dive.as_deref() == Some(id.as_str());
                if ui
                    .selectable_label(chosen, format!("Link to {}", who.given))
                    .clicked()
                {
                    requests.push(Request::LinkStranger(n));
                }
            }
        });
    }
    let home = desk.brought_home();
    if home > 0 {
        ui.colored_label(
            theme::MEMORY,
            format!(
                "{home} {} brought home",
                if home == 1 { "stranger" } else { "strangers" }
            ),
        );
    }
}

/// "Leo", "Leo and Mara", "Leo, Mara and Nyx".
fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::and_list;

    #[test]
    fn names_are_listed_as_a_sentence_does() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(and_list(&names(&[])), "");
        assert_eq!(and_list(&names(&["Leo"])), "Leo");
        assert_eq!(and_list(&names(&["Leo", "Mara"])), "Leo and Mara");
        assert_eq!(and_list(&names(&["A", "B", "C"])), "A, B and C");
    }
}
