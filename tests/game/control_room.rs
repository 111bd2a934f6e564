//! The control room: the steering is found by analysis and nothing less, the
//! confrontation overloads the network, freeing the family and then the nightmare they
//! shared releases it, the alternative
//! moves the statistics the documented way, and every panel works under egui_kittest.

use bevy_egui::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sleep_sync::campaign::design::DesignRun;
use sleep_sync::campaign::{Desk, Panel, Request};
use sleep_sync::controls::{Control, ControlState, Device};
use sleep_sync::dev::testing::{into_the_night, shipped_library};
use sleep_sync::levels::Library;
use sleep_sync::levels::story::{Action, Story, StoryFlag};
use sleep_sync::menus::nav::nav_events;
use sleep_sync::network::analysis::Query;
use sleep_sync::network::{AltRules, Cohort, DataKept, Measure, Param};
use sleep_sync::screens::control_room::{DeskControls, PanelLooks, show};
use sleep_sync::screens::title::{TitleChoice, TitleOffer, main_menu};

fn story() -> Story {
    shipped_library().story
}

fn query(param: Param, measure: Measure, window: usize) -> Query {
    Query {
        param,
        measure,
        cohort: Cohort::All,
        lag: 10,
        window,
    }
}

/// Analyses `q` and pins it, as the inspector's two buttons do.
fn analyse_and_pin(desk: &mut Desk, story: &Story, q: Query) {
    desk.query = q;
    desk.analyse();
    desk.pin(story);
}

#[test]
fn the_steering_is_found_by_analysis_and_by_nothing_less() {
    let story = story();
    let mut desk = Desk::new(&story);
    // Time alone, an answer without evidence, or the right pair without enough data.
    desk.advance(120.0, &story);
    desk.act(Action::Confront, &story);
    assert!(desk.confrontation.is_none(), "confronted without evidence");
    for param in Param::ALL {
        if param == Param::Continuity {
            continue;
        }
        for measure in Measure::ALL {
            analyse_and_pin(&mut desk, &story, query(param, measure, 1440));
        }
    }
    analyse_and_pin(
        &mut desk,
        &story,
        query(Param::Continuity, Measure::Sync, 1440),
    );
    analyse_and_pin(
        &mut desk,
        &story,
        query(Param::Continuity, Measure::Dependence, 1440),
    );
    analyse_and_pin(
        &mut desk,
        &story,
        query(Param::Continuity, Measure::Valence, 60),
    );
    assert!(
        !desk.flags.contains(&StoryFlag::SteeringFound),
        "found without the analysis that shows it: {:?}",
        desk.findings
    );
    // No parameter but the hidden one moves emotion as strongly.
    let strongest_other = desk
        .findings
        .iter()
        .filter(|f| f.0.query.param != Param::Continuity && f.0.query.measure.is_emotion())
        .map(|f| f.0.r.abs())
        .fold(0.0, f32::max);
    // The scripted analysis: the engagement term against valence and arousal.
    analyse_and_pin(
        &mut desk,
        &story,
        query(Param::Continuity, Measure::Valence, 1440),
    );
    let valence = desk.last_analysis.expect("analysed");
    analyse_and_pin(
        &mut desk,
        &story,
        query(Param::Continuity, Measure::Arousal, 1440),
    );
    let arousal = desk.last_analysis.expect("analysed");
    println!(
        "continuity → valence r = {:+.2} ({} min), → arousal r = {:+.2}; strongest other on emotion |r| = {strongest_other:.2}",
        valence.r, valence.samples, arousal.r
    );
    assert!(
        valence.r < -0.5 && arousal.r > 0.5,
        "{valence:?} {arousal:?}"
    );
    assert!(
        strongest_other < 0.5,
        "another parameter looks as guilty: {strongest_other}"
    );
    assert!(desk.flags.contains(&StoryFlag::SteeringFound));
    // Priya's reply and Father's summons arrive with it.
    let arrived: Vec<&str> = desk
        .inbox
        .iter()
        .map(|(i, _)| story.messages[*i].from.as_str())
        .collect();
    assert!(arrived.contains(&"Father"), "{arrived:?}");
}

fn found(story: &Story) -> Desk {
    let mut desk = Desk::new(story);
    analyse_and_pin(
        &mut desk,
        story,
        query(Param::Continuity, Measure::Valence, 1440),
    );
    assert!(desk.flags.contains(&StoryFlag::SteeringFound));
    desk
}

#[test]
fn the_confrontation_overloads_the_network_and_freeing_the_family_and_their_shared_nightmare_releases_it()
 {
    let story = story();
    let mut desk = found(&story);
    let mut calm = desk.clone();
    // Before the overload no one is trapped: nothing to free.
    desk.freed("leo", &story);
    assert!(desk.freed.is_empty());
    desk.act(Action::Confront, &story);
    for _ in 0..story.confrontation.len() {
        assert!(!desk.flags.contains(&StoryFlag::Overload));
        desk.next_line(&story);
    }
    assert!(desk.flags.contains(&StoryFlag::Overload));
    assert!(desk.pressure_left().is_some());
    // Six network hours later, against the same network left alone.
    for _ in 0..36 {
        desk.advance(1.0, &story);
        calm.advance(1.0, &story);
    }
    let (hot, cold) = (desk.network.stats(), calm.network.stats());
    println!(
        "six hours on: {} vs {} in loops, risk {:.2} vs {:.2}",
        hot.looping, cold.looping, hot.risk, cold.risk
    );
    assert!(
        hot.looping > 20 * cold.looping.max(1),
        "{} vs {}",
        hot.looping,
        cold.looping
    );
    assert!(hot.risk > cold.risk);
    for (index, _) in &desk.family {
        assert!(desk.network.sleeper(*index).expect("family").looping);
    }
    assert!(desk.can_dive("leo") && desk.can_dive("mara"));
    desk.freed("leo", &story);
    assert!(!desk.network.sleeper(0).expect("Leo").looping);
    assert!(
        desk.network.overloaded().is_some(),
        "released with Mara still trapped"
    );
    assert!(!desk.can_dive("family"), "the finale waits for both");
    desk.freed("mara", &story);
    assert!(desk.flags.contains(&StoryFlag::AllFreed));
    // Each freed, and the nightmare they shared still holds the overload open.
    assert!(
        desk.network.overloaded().is_some(),
        "released before the finale"
    );
    assert!(!desk.can(Action::DesignAlternative));
    assert!(desk.can_dive("family"));
    desk.freed("family", &story);
    assert!(desk.network.overloaded().is_none());
    assert!(desk.flags.contains(&StoryFlag::FinaleDone));
    assert!(desk.can(Action::DesignAlternative));
    assert!(!desk.can_dive("family"), "once");
}

fn run(rules: AltRules) -> DesignRun {
    let mut run = DesignRun::new(2045, rules);
    run.advance(DesignRun::total_minutes());
    assert!(run.done());
    run
}

#[test]
fn the_alternatives_rules_move_the_statistics_the_documented_way() {
    let kind = run(AltRules::default());
    let [dep_s, dep_a] = kind.dependence();
    let [nm_s, nm_a] = kind.nightmares_per_night();
    println!(
        "default alternative: dependence {dep_s:.2} → {dep_a:.2}, nightmares/night {nm_s:.1} → {nm_a:.1}"
    );
    assert!(dep_a < dep_s * 0.6, "dependence {dep_s} → {dep_a}");
    assert!(nm_a < nm_s, "nightmares {nm_s} → {nm_a}");
    // Steering left on, everyone enrolled and shared every night: dependence stays up.
    let steered = run(AltRules {
        opt_in: false,
        individual_by_default: false,
        emotional_steering: true,
        data_kept: DataKept::Everything,
        ..AltRules::default()
    });
    println!("steering kept: dependence {:.2}", steered.dependence()[1]);
    assert!(steered.dependence()[1] > dep_a * 1.5);
    // Keeping nothing means no one wakes a sleeper from a nightmare.
    let blind = run(AltRules {
        data_kept: DataKept::Nothing,
        opt_in: false,
        ..AltRules::default()
    });
    let watched = run(AltRules {
        opt_in: false,
        ..AltRules::default()
    });
    println!(
        "loop minutes: nothing kept {} vs summaries {}",
        blind.alternative.stats().looping,
        watched.alternative.stats().looping
    );
    let loop_minutes = |r: &DesignRun| -> u32 {
        r.alternative
            .history()
            .recent(1440 * 5)
            .map(|(_, s)| s.looping)
            .sum()
    };
    assert!(loop_minutes(&blind) > loop_minutes(&watched));
}

// ---- The panels, driven through egui as a player would (egui_kittest) ----

struct Room {
    desk: Desk,
    story: Story,
    library: Library,
    requests: Vec<Request>,
    /// The controls on the next frame, as the game's devices would give them.
    controls: ControlState,
}

/// Pushes the link against the phase's error, a frame at a time, until the calibration
/// is done (or 1,200 frames pass).
fn hold_the_phase(h: &mut Harness<'static, Room>) {
    for _ in 0..1200 {
        let Some(c) = h.state().desk.console.calibration.clone() else {
            break;
        };
        if c.done() {
            break;
        }
        let mut held = ControlState::default();
        if c.error > 0.05 {
            held = held.with_pressed(Control::PushLeft);
        } else if c.error < -0.05 {
            held = held.with_pressed(Control::PushRight);
        }
        h.state_mut().controls = held;
        h.step();
    }
}

/// `control` pressed for one frame, then two frames to settle.
fn press(h: &mut Harness<'static, Room>, control: Control) {
    h.state_mut().controls = ControlState::default().with_pressed(control);
    h.run_steps(2);
}

fn harness(desk: Desk) -> Harness<'static, Room> {
    let library = shipped_library();
    let story = library.story.clone();
    Harness::builder()
        .with_size(egui::vec2(1280.0, 720.0))
        .with_max_steps(400)
        .build_ui_state(
            |ui, room: &mut Room| {
                let controls = DeskControls::with_defaults(std::mem::take(&mut room.controls));
                let mut requests = show(ui.ctx(), &room.desk, &room.library, &controls);
                // As the game does: the panels' requests change the desk, and the link
                // being calibrated is stepped on the clock (here one frame a step).
                for request in &requests {
                    room.desk.apply(request, &room.story);
                }
                room.desk.step_link(1.0 / 60.0);
                room.requests.append(&mut requests);
            },
            Room {
                desk,
                story,
                library,
                requests: Vec::new(),
                controls: ControlState::default(),
            },
        )
}

/// From the map's sleeper to a stranger's dive: the Sleeper panel says who they are and
/// dives for them; the console links to them, lists them and calibrates as for the
/// family; its Dive asks for their dream.
#[test]
fn from_a_stranger_in_a_loop_to_their_dive_through_the_panels() {
    let story = story();
    let library = shipped_library();
    let mut desk = found(&story);
    desk.act(Action::Confront, &story);
    while desk.confrontation.is_some() {
        desk.next_line(&story);
    }
    // Into the night, until the loops have spread.
    let &stranger = into_the_night(&mut desk, 1)
        .first()
        .expect("someone loops in the overload's night");
    let who = library
        .stranger(
            desk.network.seed(),
            &desk.network.profile(stranger).expect("a profile"),
        )
        .expect("the stranger rules");
    desk.selected = stranger;
    desk.open = [Panel::Sleeper].into();
    desk.paused = false;
    let mut h = harness(desk);
    h.run_steps(3);
    h.get_by_label(&who.name());
    h.get_by_label(&who.life);
    h.get_by_label(&format!("Dive into {}'s nightmare", who.given))
        .click();
    h.run_steps(2);
    assert!(
        h.state()
            .requests
            .contains(&Request::LinkStranger(stranger)),
        "{:?}",
        h.state().requests
    );
    let id = format!("sleeper#{stranger}");
    assert_eq!(h.state().desk.console.dive.as_deref(), Some(id.as_str()));
    assert!(h.state().desk.open.contains(&Panel::Console));
    // The console alone (the panels overlap): the stranger listed, the link calibrated.
    h.state_mut().desk.open = [Panel::Console].into();
    h.run_steps(2);
    h.get_by_label(&format!("{} (#{stranger})", who.name()));
    hold_the_phase(&mut h);
    h.run_steps(2);
    h.get_by_label("Dive").click();
    h.run_steps(2);
    let dive = h.state().requests.iter().find_map(|r| match r {
        Request::Dive { dive, .. } => Some(dive.clone()),
        _ => None,
    });
    assert_eq!(dive, Some(id));
}

#[test]
fn every_panel_opens_and_its_controls_work() {
    let story = story();
    let mut h = harness(Desk::new(&story));
    // Every panel by its key, and closed again.
    for panel in Panel::ALL {
        let was = h.state().desk.open.contains(&panel);
        press(&mut h, panel.control());
        assert_eq!(h.state().desk.open.contains(&panel), !was, "{panel:?}");
        press(&mut h, panel.control());
    }
    // The inspector's bench through its buttons (each panel alone: they overlap).
    h.state_mut().desk.open = [Panel::Algorithm].into();
    h.run_steps(3);
    // The bench's steppers: the first (the parameter) on to the next and back.
    let param = h.state().desk.query.param;
    h.get_all_by_label(">").next().expect("a stepper").click();
    h.run_steps(2);
    assert_ne!(h.state().desk.query.param, param, "> steps on");
    h.get_all_by_label("<").next().expect("a stepper").click();
    h.run_steps(2);
    assert_eq!(h.state().desk.query.param, param, "< steps back");
    h.get_by_label("Analyse").click();
    h.run_steps(2);
    assert!(h.state().desk.last_analysis.is_some());
    h.get_by_label("Pin to findings").click();
    h.run_steps(2);
    assert_eq!(h.state().desk.findings.len(), 1);
    // Reading a message marks it read.
    h.state_mut().desk.open = [Panel::Inbox].into();
    h.run_steps(3);
    let unread = h.state().desk.unread();
    h.get_by_label_contains("Welcome to the night shift")
        .click();
    h.run_steps(2);
    assert_eq!(h.state().desk.unread(), unread - 1);
    // Pause and the speeds.
    h.get_by_label("⏸ Pause").click();
    h.run_steps(2);
    assert!(h.state().desk.paused);
    h.get_by_label("60 min/s").click();
    h.run_steps(2);
    assert_eq!(h.state().desk.speed, 2);
    h.get_by_label("Back to title").click();
    h.run_steps(2);
    assert!(h.state().requests.contains(&Request::BackToTitle));
}

#[test]
fn from_the_summons_to_a_dive_through_the_panels() {
    let story = story();
    let mut h = harness(found(&story));
    h.state_mut().desk.open = [Panel::Inbox].into();
    h.run_steps(2);
    h.get_by_label_contains("Come to headquarters").click();
    h.run_steps(2);
    h.get_by_label("Go to headquarters: confront Father")
        .click();
    h.run_steps(2);
    // Through the talk by keyboard: Confirm for the next line.
    for line in 0..story.confrontation.len() {
        assert_eq!(h.state().desk.confrontation, Some(line));
        press(&mut h, Control::Confirm);
    }
    assert!(h.state().desk.flags.contains(&StoryFlag::Overload));
    assert!(h.state().desk.open.contains(&Panel::Console));
    h.state_mut().desk.open = [Panel::Console].into();
    h.run_steps(2);
    h.get_by_label("Link to Leo").click();
    h.run_steps(2);
    assert!(h.state().desk.console.calibration.is_some());
    // Hold the phase with the push controls, as a steady hand does.
    hold_the_phase(&mut h);
    h.run_steps(2);
    let calibration = h
        .state()
        .desk
        .console
        .calibration
        .clone()
        .expect("calibrating");
    assert!(
        calibration.done(),
        "the link never calibrated: {calibration:?}"
    );
    h.get_by_label("Dive").click();
    h.run_steps(2);
    let dive = h.state().requests.iter().find_map(|r| match r {
        Request::Dive { dive, link } => Some((dive.clone(), *link)),
        _ => None,
    });
    let (dive, link) = dive.expect("no dive asked for");
    assert_eq!(dive, "leo");
    assert!((0.6..=1.0).contains(&link));
}

#[test]
fn the_designer_runs_and_the_epilogue_follows_the_design() {
    let story = story();
    let mut desk = found(&story);
    desk.overload(&story);
    desk.freed("leo", &story);
    desk.freed("mara", &story);
    desk.freed("family", &story);
    let mut h = harness(desk);
    h.state_mut().desk.open = [Panel::Alternative].into();
    h.run_steps(2);
    h.get_by_label("Run both networks").click();
    h.run_steps(2);
    assert!(h.state().desk.design.run.is_some());
    // The game runs it a slice a frame (`campaign::run_design`); here, all at once.
    let run = h.state_mut().desk.design.run.as_mut().expect("running");
    run.advance(DesignRun::total_minutes());
    assert!(run.done());
    h.run_steps(2);
    h.get_by_label("Adopt this network").click();
    h.run_steps(2);
    assert!(
        h.state()
            .desk
            .flags
            .contains(&StoryFlag::AlternativeAdopted)
    );
    let epilogue = h.state().desk.epilogue(&story);
    assert!(
        epilogue.iter().any(|p| p.contains("dependence falls")),
        "{epilogue:?}"
    );
    assert!(
        !epilogue
            .iter()
            .any(|p| p.contains("You left the steering on"))
    );
    // Adopted is adopted: a later run with other rules does not rewrite the epilogue.
    let desk = &mut h.state_mut().desk;
    desk.design.rules.emotional_steering = true;
    desk.run_design();
    if let Some(run) = &mut desk.design.run {
        run.advance(DesignRun::total_minutes());
    }
    assert_eq!(desk.epilogue(&story), epilogue);
}

// ---- The desk in the game: built in the background, stepped on the fixed clock ----

use sleep_sync::dev::testing::seated_app;

/// The desk of a game under way.
fn desk(app: &bevy::prelude::App) -> &Desk {
    &app.world()
        .resource::<sleep_sync::campaign::ControlRoom>()
        .0
}

#[test]
fn the_network_runs_in_the_game_pauses_with_it_and_hears_of_freed_dreamers() {
    use bevy::prelude::*;
    use sleep_sync::campaign::ControlRoom;
    use sleep_sync::dev::testing::{run_until, wait_for_exploring};
    use sleep_sync::dive::{ActiveDive, FreedDreamers};
    use sleep_sync::state::{AppState, Pause};

    let mut app = seated_app();
    let on = |state: AppState| move |w: &mut World| *w.resource::<State<AppState>>().get() == state;
    let minute = |app: &App| app.world().resource::<ControlRoom>().0.network.minute();
    let sat_down = minute(&app);
    assert_eq!(sat_down, 46 * 60, "warmed up to 22:00 on the second night");
    // Two seconds at 10 network minutes a second.
    for _ in 0..120 {
        app.update();
    }
    let ran = minute(&app) - sat_down;
    assert!((18..=21).contains(&ran), "{ran} network minutes in 2 s");

    // The overload, then a dive from the console into Mara's loop.
    let story = app
        .world()
        .resource::<sleep_sync::levels::Levels>()
        .library
        .story
        .clone();
    app.world_mut()
        .resource_mut::<ControlRoom>()
        .0
        .overload(&story);
    assert!(
        app.world()
            .resource::<ControlRoom>()
            .0
            .network
            .sleeper(1)
            .unwrap()
            .looping
    );
    let spec = sleep_sync::dev::testing::shipped_dive("mara");
    let mut dive = ActiveDive::new(spec);
    dive.link = Some(0.9);
    app.insert_resource(dive);
    // As the console's Dive button does.
    app.world_mut()
        .resource_mut::<ControlRoom>()
        .0
        .begin_dive("mara");
    app.world_mut()
        .resource_mut::<NextState<AppState>>()
        .set(AppState::Dream);
    wait_for_exploring(&mut app);
    // The network keeps running during the dive, and stops while the game is paused.
    let before = minute(&app);
    for _ in 0..60 {
        app.update();
    }
    assert!(minute(&app) > before, "the network stopped during the dive");
    app.world_mut()
        .resource_mut::<NextState<Pause>>()
        .set(Pause::Paused);
    app.update();
    let paused_at = minute(&app);
    for _ in 0..60 {
        app.update();
    }
    assert_eq!(
        minute(&app),
        paused_at,
        "the network ran while the game was paused"
    );
    app.world_mut()
        .resource_mut::<NextState<Pause>>()
        .set(Pause::Running);
    // Mara freed (as the confrontation does), then back at the console.
    {
        let mut freed = app.world_mut().resource_mut::<FreedDreamers>();
        freed.0.insert("mara".to_owned());
        // Leo freed in some other dive (a free dive, an earlier game) is no news here.
        freed.0.insert("leo".to_owned());
    }
    app.world_mut()
        .resource_mut::<NextState<AppState>>()
        .set(AppState::ControlRoom);
    run_until(&mut app, 10, on(AppState::ControlRoom));
    app.update();
    let desk = &app.world().resource::<ControlRoom>().0;
    assert!(desk.freed.contains("mara"));
    assert!(
        !desk.network.sleeper(1).unwrap().looping,
        "Mara is still in her loop"
    );
    assert!(
        !desk.freed.contains("leo"),
        "Leo freed by a dive the console never began"
    );
    assert!(desk.network.overloaded().is_some(), "Leo is still trapped");
    assert!(
        app.world().resource::<FreedDreamers>().0.is_empty(),
        "read once"
    );
}

/// The control room's story from New game to a dive, in the game alone: no egui, no
/// panels — only the requests the panels would send.
#[test]
fn the_story_plays_headless_from_new_game_to_a_dive_by_requests() {
    use bevy::prelude::*;
    use sleep_sync::dev::testing::wait_for_exploring;
    use sleep_sync::dive::ActiveDive;

    // New game.
    let mut app = seated_app();
    let send = |app: &mut App, request: Request| {
        app.world_mut().write_message(request);
        app.update();
    };
    let story = app
        .world()
        .resource::<sleep_sync::levels::Levels>()
        .library
        .story
        .clone();

    // Confronting without evidence does nothing.
    send(&mut app, Request::Act(Action::Confront));
    assert!(desk(&app).confrontation.is_none());
    // The analysis that shows the steering, pinned.
    send(
        &mut app,
        Request::Query(query(Param::Continuity, Measure::Valence, 1440)),
    );
    send(&mut app, Request::Analyse);
    send(&mut app, Request::Pin);
    assert!(desk(&app).flags.contains(&StoryFlag::SteeringFound));
    assert_eq!(desk(&app).findings.len(), 1);
    // The confrontation, line by line, then the overload.
    send(&mut app, Request::Act(Action::Confront));
    for line in 0..story.confrontation.len() {
        assert_eq!(desk(&app).confrontation, Some(line));
        send(&mut app, Request::NextLine);
    }
    let overloaded = desk(&app);
    assert!(overloaded.flags.contains(&StoryFlag::Overload));
    assert!(overloaded.open.contains(&Panel::Console));
    assert!(overloaded.network.overloaded().is_some());
    // Straight after, the family's beds (a scene), read through; back at the desk.
    app.update();
    assert_eq!(
        *app.world()
            .resource::<State<sleep_sync::state::AppState>>()
            .get(),
        sleep_sync::state::AppState::Scene
    );
    assert_eq!(
        app.world()
            .resource::<sleep_sync::campaign::PlayingScene>()
            .id,
        "the-beds"
    );
    sleep_sync::dev::testing::through_the_scene(&mut app, |_| 0);
    assert!(desk(&app).scenes_seen.contains("the-beds"));

    // The link to the first of the family, held steady on the game's clock.
    let first = story.family[0].dive.clone();
    send(&mut app, Request::Calibrate(first.clone()));
    let mut link = None;
    for _ in 0..3_000 {
        let Some(calibration) = desk(&app).console.calibration.clone() else {
            panic!("not calibrating");
        };
        if calibration.done() {
            link = Some(calibration.quality());
            break;
        }
        let push = sleep_sync::dev::testing::steadying_push(calibration.error);
        send(&mut app, Request::PushLink(push));
    }
    let link = link.expect("the link never calibrated");
    send(
        &mut app,
        Request::Dive {
            dive: first.clone(),
            link,
        },
    );
    wait_for_exploring(&mut app);
    let dive = app.world().resource::<ActiveDive>();
    assert_eq!(dive.spec.id(), first);
    assert_eq!(dive.link, Some(link));
    assert_eq!(desk(&app).console.diving.as_deref(), Some(first.as_str()));
}

#[test]
fn a_push_on_the_link_is_let_go_when_the_console_stops_saying_so() {
    let story = story();
    let mut desk = found(&story);
    desk.overload(&story);
    desk.apply(&Request::Calibrate(story.family[0].dive.clone()), &story);
    assert!(desk.console.calibration.is_some());
    let (mut none, mut once, mut held) = (desk.clone(), desk.clone(), desk);
    // `held`: the console says "push right" every frame; `once`: it says so once and
    // then nothing (its window closed); `none`: never.
    once.apply(&Request::PushLink(1.0), &story);
    for _ in 0..30 {
        held.apply(&Request::PushLink(1.0), &story);
        for desk in [&mut none, &mut once, &mut held] {
            desk.step_link(1.0 / 60.0);
        }
    }
    let error = |d: &Desk| d.console.calibration.as_ref().expect("calibrating").error;
    let (e_none, e_once, e_held) = (error(&none), error(&once), error(&held));
    assert!(e_once > e_none, "the push never counted: {e_once} {e_none}");
    assert!(
        e_held - e_none > 2.0 * (e_once - e_none),
        "a push said once went on: none {e_none}, once {e_once}, held {e_held}"
    );
    assert_eq!(once.console.push_held, 0.0);
}

#[test]
fn with_less_motion_or_no_flashing_asked_for_the_overloaded_map_holds_still() {
    let story = story();
    let mut desk = found(&story);
    desk.overload(&story);
    desk.open = [Panel::Overview].into();
    let mut moved = Vec::new();
    for (motion, flashing) in [(false, false), (true, false), (false, true)] {
        let mut h = harness(desk.clone());
        sleep_sync::theme::set_reduce_motion(&h.ctx, motion);
        sleep_sync::theme::set_reduce_flashing(&h.ctx, flashing);
        h.run_steps(2);
        let before = h.output().shapes.clone();
        h.run_steps(3);
        moved.push(h.output().shapes != before);
    }
    assert_eq!(
        moved,
        [true, false, false],
        "the alarm flashes and the loops throb; with less motion or no flashing asked \
         for, neither moves"
    );
}

/// `control` pressed for a frame as a pad would press it: the navigation controls
/// become egui's focus keys (as the game's `menus::nav` does each frame), the rest reach
/// the panels as controls.
fn pad(h: &mut Harness<'static, Room>, control: Control) {
    h.state_mut().controls = nav(h, control);
    h.run_steps(2);
}

/// Gives egui the focus keys a pad's `control` becomes; returns the controls' state.
fn nav<S>(h: &mut Harness<'static, S>, control: Control) -> ControlState {
    let mut state = ControlState::default().with_pressed(control);
    state.device = Device::Gamepad;
    let focused = h.ctx.memory(|m| m.focused().is_some());
    for event in nav_events(&state, &[], focused) {
        h.event(event);
    }
    state
}

/// The title's menu as a first-time player sees it, with a game saved, or back from a
/// game under way; and what was picked on it.
fn title_harness(saves: bool, under_way: bool) -> Harness<'static, Option<TitleChoice>> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 720.0))
        .build_ui_state(
            move |ui, chose: &mut Option<TitleChoice>| {
                let offer = TitleOffer {
                    under_way,
                    continue_saved: (saves && !under_way).then_some("Leo's night · day 1"),
                    saves,
                };
                if let Some(choice) = main_menu(ui, &offer) {
                    *chose = Some(choice);
                }
            },
            None,
        )
}

/// Down until `label` has the focus, then Confirm: what the menu says was picked.
fn pick_by_pad(h: &mut Harness<'static, Option<TitleChoice>>, label: &str) -> Option<TitleChoice> {
    for _ in 0..20 {
        if h.query_all_by_label(label).any(|n| n.is_focused()) {
            nav(h, Control::Confirm);
            h.run_steps(2);
            return h.state_mut().take();
        }
        nav(h, Control::Down);
        h.run_steps(2);
    }
    panic!("Down never reached \u{201c}{label}\u{201d}");
}

/// The title's menu by a pad's navigation alone, in each of its forms: every button is
/// reached with Down and pressed with Confirm. (The prologue's scenes are read and
/// answered with Confirm and Up/Down in tests/game/story.rs; the desk from the summons to a
/// dive below.)
#[test]
fn the_titles_menu_by_a_pads_navigation_alone() {
    let forms = [
        (false, false, vec![("New game", TitleChoice::NewGame)]),
        (
            true,
            false,
            vec![
                ("Continue", TitleChoice::Continue),
                ("Load game", TitleChoice::Load),
                ("Free dive", TitleChoice::FreeDive),
            ],
        ),
        (
            true,
            true,
            vec![
                ("Continue", TitleChoice::Continue),
                ("Save game", TitleChoice::Save),
                ("Settings", TitleChoice::Settings),
                ("Quit", TitleChoice::Quit),
            ],
        ),
    ];
    for (saves, under_way, picks) in forms {
        for (label, choice) in picks {
            let mut title = title_harness(saves, under_way);
            title.run_steps(2);
            assert_eq!(
                pick_by_pad(&mut title, label),
                Some(choice),
                "{label} (saves {saves}, under way {under_way})"
            );
        }
    }
    // A first-time player is not offered what is not there.
    let mut first_time = title_harness(false, false);
    first_time.run_steps(2);
    for absent in ["Continue", "Save game", "Load game"] {
        assert_eq!(first_time.query_all_by_label(absent).count(), 0, "{absent}");
    }
}

/// Down (and Down again) until the control labelled `label` has the focus, then Confirm.
fn pad_to(h: &mut Harness<'static, Room>, label: &str) {
    for _ in 0..150 {
        if h.query_all_by_label_contains(label).any(|n| n.is_focused()) {
            pad(h, Control::Confirm);
            return;
        }
        pad(h, Control::Down);
    }
    panic!("Down never reached \u{201c}{label}\u{201d}");
}

#[test]
fn from_the_summons_to_a_dive_by_a_pads_navigation_alone() {
    let story = story();
    let mut h = harness(found(&story));
    h.state_mut().desk.open.clear();
    h.run_steps(2);
    // The shoulder buttons switch panels, one at a time, to the messages.
    while !h.state().desk.open.contains(&Panel::Inbox) {
        pad(&mut h, Control::NextPanel);
        assert_eq!(h.state().desk.open.len(), 1, "one panel at a time");
    }
    pad_to(&mut h, "Come to headquarters");
    pad_to(&mut h, "Go to headquarters: confront Father");
    for line in 0..story.confrontation.len() {
        assert_eq!(h.state().desk.confrontation, Some(line));
        pad(&mut h, Control::Confirm);
    }
    assert!(h.state().desk.flags.contains(&StoryFlag::Overload));
    while h.state().desk.open != [Panel::Console].into() {
        pad(&mut h, Control::PreviousPanel);
    }
    pad_to(&mut h, "Link to Leo");
    assert!(h.state().desk.console.calibration.is_some());
    // The stick holds the phase (leant all the way, as a held key would be).
    hold_the_phase(&mut h);
    pad_to(&mut h, "Dive");
    let dive = h.state().requests.iter().find_map(|r| match r {
        Request::Dive { dive, .. } => Some(dive.clone()),
        _ => None,
    });
    assert_eq!(dive.as_deref(), Some("leo"));
}

/// One frame of the control room at `time` seconds, drawn straight into `ctx` (not
/// through the harness, whose renderer takes the frame's pictures): the shapes it drew,
/// and the map's picture if it sent one.
fn room_frame(
    ctx: &egui::Context,
    desk: &Desk,
    library: &Library,
    time: f64,
) -> (
    Vec<egui::epaint::ClippedShape>,
    Option<std::sync::Arc<egui::ColorImage>>,
) {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 720.0),
        )),
        time: Some(time),
        ..Default::default()
    };
    let mut frame = ctx.run_ui(input, |ui| {
        let controls = DeskControls::with_defaults(ControlState::default());
        show(ui.ctx(), desk, library, &controls);
    });
    let picture = map_picture_sent(&frame);
    // No renderer here to take them.
    frame.textures_delta.clear();
    (frame.shapes, picture)
}

/// The shipped game and a desk just overloaded, the overview (and its map) open.
fn overloaded_overview() -> (Library, Desk) {
    let library = shipped_library();
    let story = library.story.clone();
    let mut desk = found(&story);
    desk.overload(&story);
    desk.open = [Panel::Overview].into();
    (library, desk)
}

/// The pictures a frame sent to the renderer: the map's colours are the one 120 cells
/// wide with no transparent pixel (the throb bands' masks are transparent but for their
/// loops).
fn map_picture_sent(frame: &egui::FullOutput) -> Option<std::sync::Arc<egui::ColorImage>> {
    frame
        .textures_delta
        .set
        .values()
        .flat_map(|deltas| deltas.iter())
        .map(|delta| match &delta.image {
            egui::ImageData::Color(image) => image.clone(),
        })
        .find(|image| image.size[0] == 120 && image.pixels.iter().all(|p| p.a() == 255))
}

/// The map of 12,000 sleepers is a picture made when the network moves on, not cells
/// painted one by one each frame: a frame draws a few hundred shapes, sends no picture
/// while the network stands still and a new one once it has moved on, and the picture's
/// cells have the colours the map's key names (risk from calm; a loop lit).
#[test]
fn the_map_is_a_picture_made_again_when_the_network_moves_on() {
    let (library, mut desk) = overloaded_overview();
    let ctx = egui::Context::default();
    let mut time = 0.0;
    let mut after = |seconds: f64| {
        time += seconds;
        time
    };
    let (mut shapes, mut picture) = room_frame(&ctx, &desk, &library, after(0.0));
    if picture.is_none() {
        // egui may lay a new window out before it draws it.
        (shapes, picture) = room_frame(&ctx, &desk, &library, after(0.25));
    }
    let picture = picture.expect("the map's picture is made");
    assert!(shapes.len() < 1_000, "{} shapes a frame", shapes.len());

    let colours = sleep_sync::theme::colours(&ctx);
    let cells: Vec<(f32, bool)> = desk.network.map_cells(1).collect();
    assert_eq!(cells.len(), 12_000, "a cell a sleeper");
    assert_eq!(picture.size, [120, 100]);
    let looping = |c: usize| cells.get(c).is_some_and(|cell| cell.1);
    let alone = |c: usize| {
        let (x, y) = ((c % 120) as isize, (c / 120) as isize);
        (-1..=1).all(|dy| {
            (-1..=1).all(|dx| {
                let (nx, ny) = (x + dx, y + dy);
                !((0..120).contains(&nx) && ny >= 0 && looping((ny * 120 + nx) as usize))
            })
        })
    };
    let (mut loops, mut calm) = (0, 0);
    for (c, &(risk, in_loop)) in cells.iter().enumerate() {
        if in_loop {
            assert_eq!(picture.pixels[c], colours.looping_lit(1.0), "loop at {c}");
            loops += 1;
        } else if alone(c) {
            assert_eq!(picture.pixels[c], colours.at_risk(risk), "cell {c}");
            calm += 1;
        }
    }
    assert!(
        loops >= 2 && calm > 10_000,
        "{loops} loops, {calm} cells apart"
    );

    for _ in 0..3 {
        assert!(
            room_frame(&ctx, &desk, &library, after(0.25)).1.is_none(),
            "the network stood still, yet the map was made again"
        );
    }
    desk.network.run(1);
    assert!(
        room_frame(&ctx, &desk, &library, after(0.25)).1.is_some(),
        "the network moved on a minute and the map was not made again"
    );
    // At most ten times a second: a minute on at once waits, then is shown.
    desk.network.run(1);
    assert!(
        room_frame(&ctx, &desk, &library, after(0.05)).1.is_none(),
        "made again within a tenth of a second"
    );
    assert!(
        room_frame(&ctx, &desk, &library, after(0.06)).1.is_some(),
        "the waiting minute was never shown"
    );
    // Another palette: made again at once, in its colours.
    sleep_sync::theme::set_palette(&ctx, sleep_sync::settings::Palette::ColourBlindSafe);
    let recoloured = room_frame(&ctx, &desk, &library, after(0.01))
        .1
        .expect("a new palette makes the map again");
    let safe = sleep_sync::theme::colours(&ctx);
    let trapped = cells.iter().position(|cell| cell.1).expect("a loop");
    assert_eq!(recoloured.pixels[trapped], safe.looping_lit(1.0));
}

/// The designer's comparison runs a slice a frame, a minute at a time while the frame's
/// budget lasts (`campaign::run_design`): a slice stops when the budget says so, and
/// however the run is sliced, the same minutes give the same networks and counts.
#[test]
fn the_designers_comparison_ends_the_same_however_it_is_sliced() {
    let rules = AltRules {
        emotional_steering: false,
        ..AltRules::default()
    };
    let mut asked = 0;
    let mut sliced = DesignRun::new(7, rules);
    let ran = sliced.advance_while(60, || {
        asked += 1;
        asked <= 4
    });
    assert_eq!(
        ran, 4,
        "four minutes within the budget, then the slice ends"
    );
    let mut whole = DesignRun::new(7, rules);
    whole.advance(300);
    let mut slices = 1;
    while sliced.alternative.minute() < 300 {
        let left = 300 - sliced.alternative.minute();
        let mut budget = 1 + slices % 9;
        sliced.advance_while(left, || {
            budget -= 1;
            budget > 0
        });
        slices += 1;
    }
    assert!(slices > 50, "{slices} slices");
    assert_eq!(sliced.nightmares, whole.nightmares);
    assert_eq!(sliced.somnotech.digest(), whole.somnotech.digest());
    assert_eq!(sliced.alternative.digest(), whole.alternative.digest());
    assert_eq!(sliced.dependence(), whole.dependence());
}

/// A new desk's warm-up made in slices (as the browser makes it, a slice a frame) is the
/// desk made at once: the same network, minute for minute, and the same messages.
#[test]
fn a_desk_warmed_up_in_slices_is_the_desk_made_at_once() {
    use sleep_sync::campaign::WarmUp;
    let mut story = story();
    story.network.sleepers = 600;
    let mut warm_up = WarmUp::begin(&story);
    let mut slices = 0;
    while !warm_up.run_while({
        let mut budget = 1 + slices % 40;
        move || {
            budget -= 1;
            budget > 0
        }
    }) {
        slices += 1;
    }
    assert!(slices > 100, "{slices} slices");
    let sliced = warm_up.finish(&story);
    let whole = Desk::new(&story);
    assert_eq!(sliced.network.minute(), whole.network.minute());
    assert_eq!(sliced.network.digest(), whole.network.digest());
    assert_eq!(sliced.inbox, whole.inbox);
}

/// The desk Juno sits down at in a headless game: `setup` applied to the app, run to the
/// title and 30 frames on it, where `at_title` looks at it; then she sits down. Returns
/// the desk's network minute and digest.
fn desk_sat_down_at(
    setup: impl FnOnce(&mut bevy::prelude::App),
    at_title: impl FnOnce(&bevy::prelude::World),
) -> (u64, u64) {
    use bevy::prelude::*;
    use sleep_sync::campaign::ControlRoom;
    use sleep_sync::dev::testing::run_until;
    use sleep_sync::state::AppState;

    let mut app = sleep_sync::headless::app(&[]);
    setup(&mut app);
    sleep_sync::headless::ready(&mut app);
    run_until(&mut app, 5_000, |w| {
        *w.resource::<State<AppState>>().get() == AppState::Title
    });
    for _ in 0..30 {
        app.update();
    }
    at_title(app.world());
    app.world_mut()
        .resource_mut::<NextState<AppState>>()
        .set(AppState::ControlRoom);
    app.update();
    let desk = &app.world().resource::<ControlRoom>().0;
    (desk.network.minute(), desk.network.digest())
}

/// In the game: with the desk made in slices on the title screen, sitting down gives
/// the desk made at once (what was left of the warm-up is run then).
#[test]
fn the_title_screen_warms_the_next_desk_up_a_slice_a_frame() {
    use sleep_sync::campaign::{DeskAhead, NextDesk};
    use sleep_sync::long_work::LongWork;

    let all = u64::from(story().network.warm_up_hours) * 60;
    let seated = desk_sat_down_at(
        |app| {
            app.insert_resource(LongWork::Slices)
                .insert_resource(DeskAhead(true));
        },
        |world| {
            let left = world
                .resource::<NextDesk>()
                .minutes_left()
                .expect("made in slices");
            assert!(
                left < all,
                "no slice ran in 30 frames: {left} of {all} minutes left"
            );
        },
    );
    let whole = Desk::new(&story());
    assert_eq!(seated, (whole.network.minute(), whole.network.digest()));
}

/// Headless (no player waits at the title), no desk is warmed up ahead, and sitting
/// down makes it then; the game warms it up on another thread from the title on, and
/// sitting down takes that one. Both give the same desk.
#[test]
fn the_desk_made_when_juno_sits_down_is_the_one_warmed_up_ahead() {
    use sleep_sync::campaign::{DeskAhead, NextDesk};

    let seated = |ahead: bool| {
        desk_sat_down_at(
            |app| {
                app.insert_resource(DeskAhead(ahead));
            },
            |world| {
                assert_eq!(
                    world.get_resource::<NextDesk>().is_some(),
                    ahead,
                    "a desk warming up ahead: {ahead}"
                );
            },
        )
    };
    assert_eq!(seated(false), seated(true));
}

/// The loops throb on their own (the overload over, its alarm frame dark): two moments
/// draw the map differently; with less motion asked for, the same.
#[test]
fn the_maps_loops_throb_unless_less_motion_is_asked_for() {
    let (library, mut desk) = overloaded_overview();
    desk.network.release();
    assert!(desk.network.overloaded().is_none());
    assert!(desk.network.map_cells(1).any(|cell| cell.1), "loops remain");
    for (steady, throbs) in [(false, true), (true, false)] {
        let ctx = egui::Context::default();
        sleep_sync::theme::set_reduce_motion(&ctx, steady);
        // The windows laid out and faded in first.
        for time in [0.0, 0.25, 0.5, 0.75, 1.0] {
            room_frame(&ctx, &desk, &library, time);
        }
        let (before, _) = room_frame(&ctx, &desk, &library, 1.25);
        let (after, _) = room_frame(&ctx, &desk, &library, 1.75);
        assert_eq!(before != after, throbs, "less motion asked for: {steady}");
    }
}
