//! Dreams the family dreams together, headless: the evening dream (`bedtime`) is calm,
//! the family walks in it with Juno on the ground and speaks when she does something
//! for the first time, and at its core what she says is remembered and Leo goes to
//! Nyx at the edge.

use bevy::prelude::*;
use sleep_sync::dev::testing::{
    answer, dive_into, end_loop, headless_app, move_juno_to, run_until, step_up_to_the_core,
    talk_node,
};
use sleep_sync::dive::{
    ActiveDive, CurrentDream, DreamPerson, Hazard, LoopState, NightmareLoop, People, PersonSays,
};
use sleep_sync::juno::JUNO_CENTRE_HEIGHT;
use sleep_sync::state::DreamPhase;

fn people(app: &mut App) -> Vec<(usize, Vec3)> {
    let world = app.world_mut();
    let mut out: Vec<(usize, Vec3)> = world
        .query::<(&DreamPerson, &Transform)>()
        .iter(world)
        .map(|(p, t)| (p.index, t.translation))
        .collect();
    out.sort_by_key(|(i, _)| *i);
    out
}

/// Everything said by people in the dream so far: (name, line).
#[derive(Resource, Default)]
struct Heard(Vec<(String, String)>);

fn listening(app: &mut App) {
    app.init_resource::<Heard>().add_systems(
        Last,
        |mut says: MessageReader<PersonSays>, mut heard: ResMut<Heard>| {
            heard
                .0
                .extend(says.read().map(|s| (s.name.clone(), s.text.clone())));
        },
    );
}

#[test]
fn the_family_walks_with_juno_and_speaks_when_she_does_something_first() {
    let mut app = headless_app();
    listening(&mut app);
    dive_into(&mut app, "bedtime");
    app.update();
    let start = people(&mut app);
    assert_eq!(start.len(), 4, "Father, Leo, Mara and Nyx: {start:?}");
    {
        let world = app.world_mut();
        assert_eq!(
            world.query::<&Hazard>().iter(world).count(),
            0,
            "a gentle dream holds no hazards"
        );
    }
    let said = &app.world().resource::<Heard>().0;
    assert!(
        said.iter()
            .any(|(who, text)| who == "Father" && text.starts_with("Everyone in?")),
        "{said:?}"
    );

    // Juno walks off to the side; the companions follow and stay on the ground, Nyx
    // stays where she is.
    let dream = app.world().resource::<CurrentDream>().0.clone();
    let juno_start = dream.spawn;
    let away = dream.safe_spot_near(juno_start.xz() + Vec2::new(14.0, 10.0));
    move_juno_to(&mut app, away + Vec3::Y * (JUNO_CENTRE_HEIGHT + 0.05));
    for _ in 0..600 {
        app.update();
    }
    let after = people(&mut app);
    let cast = app.world().resource::<ActiveDive>().spec.dream.cast.clone();
    for ((index, before), (_, now)) in start.iter().zip(&after) {
        let ground = dream.heightfield.height_at(now.xz());
        assert!(
            (now.y - ground).abs() < 0.1,
            "{index}: {now} off the ground {ground}"
        );
        match cast[*index].role {
            sleep_sync::levels::Role::Companion => {
                assert!(
                    now.xz().distance(away.xz()) < before.xz().distance(away.xz()) - 3.0,
                    "{}: {before} → {now} did not follow Juno to {away}",
                    cast[*index].who
                );
            }
            sleep_sync::levels::Role::Edge => assert_eq!(now, before),
        }
    }
    // The world re-formed around her (a new loop; an edit to the dream's files takes
    // the same way): the family is there again, and says nothing twice.
    // Each is put in place as the loop's world comes, behind the forming screen, one a
    // frame (the frame and whether the loop was being played, as each came).
    #[derive(Resource, Default)]
    struct Placed(Vec<(usize, Vec3, u32, bool)>);
    app.init_resource::<Placed>().add_observer(
        |add: On<Add, DreamPerson>,
         people: Query<(&DreamPerson, &Transform)>,
         frame: Res<bevy::diagnostic::FrameCount>,
         phase: Res<State<DreamPhase>>,
         mut placed: ResMut<Placed>| {
            if let Ok((person, at)) = people.get(add.entity) {
                let playing = *phase.get() == DreamPhase::Exploring;
                placed
                    .0
                    .push((person.index, at.translation, frame.0, playing));
            }
        },
    );
    end_loop(&mut app);
    let came = app.world().resource::<Placed>().0.clone();
    assert_eq!(came.len(), 4, "placed again");
    assert!(
        came.iter().all(|&(_, _, _, playing)| !playing),
        "put in place while the loop was played: {came:?}"
    );
    let frames: std::collections::BTreeSet<u32> = came.iter().map(|c| c.2).collect();
    assert_eq!(frames.len(), 4, "one a frame: {came:?}");
    let mut placed: Vec<(usize, Vec3)> = came.iter().map(|c| (c.0, c.1)).collect();
    placed.sort_by_key(|(index, _)| *index);
    // They stand where they were put through the loop's first frame of play: they
    // walk from its second, as when they came in its first (the shipped replays were
    // recorded so).
    assert_eq!(people(&mut app), placed, "walked in the loop's first frame");
    for _ in 0..10 {
        app.update();
    }
    assert_ne!(people(&mut app), placed, "nobody walks after Juno");
    // Standing still, she is told what to do, once.
    let said = &app.world().resource::<Heard>().0;
    assert!(
        said.iter()
            .any(|(who, text)| who == "Leo" && text.contains("walk into one")),
        "{said:?}"
    );
    assert_eq!(
        said.iter().filter(|(who, _)| who == "Leo").count(),
        1,
        "each line once: {said:?}"
    );
}

#[test]
fn at_the_core_what_juno_says_is_remembered_and_leo_goes_to_nyx() {
    let mut app = headless_app();
    dive_into(&mut app, "bedtime");
    step_up_to_the_core(&mut app);
    assert_eq!(talk_node(&app), "lamp");
    answer(&mut app, 1);
    assert_eq!(talk_node(&app), "stay");
    assert!(
        app.world()
            .resource::<ActiveDive>()
            .story
            .flags
            .contains("mara_soothed")
    );
    answer(&mut app, 0);
    assert_eq!(talk_node(&app), "bench");
    answer(&mut app, 0);
    assert_eq!(talk_node(&app), "tune", "the workshop bench is understood");
    answer(&mut app, 0);
    assert_eq!(talk_node(&app), "edge");
    let leo = app
        .world()
        .resource::<ActiveDive>()
        .spec
        .dream
        .cast
        .iter()
        .position(|p| p.who == "leo")
        .expect("Leo is in the cast");
    let nyx = 3;
    assert!(app.world().resource::<People>().leaving.contains(&nyx));
    // While they talk, Leo walks off to Nyx; when he reaches her, both are gone.
    run_until(&mut app, 20_000, |w| {
        w.resource::<People>().gone.contains(&leo)
    });
    let gone = &app.world().resource::<People>().gone;
    assert!(gone.contains(&nyx), "{gone:?}");
    assert_eq!(people(&mut app).len(), 2, "Father and Mara stay");
    answer(&mut app, 0);
    assert_eq!(talk_node(&app), "asked");
    assert!(
        app.world()
            .resource::<ActiveDive>()
            .story
            .flags
            .contains("leo_asked")
    );
    answer(&mut app, 0);
    assert_eq!(talk_node(&app), "left", "Father, after Leo has gone");
    answer(&mut app, 0);
    assert_eq!(talk_node(&app), "morning");
    answer(&mut app, 0);
    assert_eq!(
        app.world().resource::<NightmareLoop>().state,
        LoopState::Freed,
        "the dream ends in morning"
    );
}

/// A new game begins on the family's evening (a scene), then their dream; what Juno says
/// there is the desk's once she wakes and sits down (to Priya's handover), and goes with
/// her into the family's nightmares.
#[test]
fn a_new_game_begins_with_the_family_evening_and_keeps_what_juno_said() {
    use sleep_sync::campaign::{ControlRoom, InPrologue, Request};
    use sleep_sync::levels::story::StoryFlag;
    use sleep_sync::saves::SaveRequest;
    use sleep_sync::state::AppState;

    let mut app = headless_app();
    run_until(&mut app, 2_000, |w| {
        *w.resource::<State<AppState>>().get() == AppState::Title
    });
    app.world_mut().write_message(SaveRequest::NewGame);
    // First the family's evening, in panels, read to the end a line at a time.
    run_until(&mut app, 100, |w| {
        *w.resource::<State<AppState>>().get() == AppState::Scene
    });
    let playing = app.world().resource::<sleep_sync::campaign::PlayingScene>();
    assert_eq!(playing.id, "evening");
    assert!(app.world().get_resource::<InPrologue>().is_some());
    let answers = sleep_sync::dev::testing::through_the_scene(&mut app, |_| 0);
    assert!(answers.is_empty(), "the evening asks nothing of Juno");
    run_until(&mut app, 100, |w| {
        *w.resource::<State<AppState>>().get() == AppState::Dream
    });
    assert_eq!(app.world().resource::<ActiveDive>().spec.id(), "bedtime");
    assert!(app.world().get_resource::<InPrologue>().is_some());
    assert!(
        app.world().get_resource::<ControlRoom>().is_none(),
        "no desk yet"
    );
    sleep_sync::dev::testing::wait_for_exploring(&mut app);

    // At the lamp: she tells Mara she slept once, before all this.
    step_up_to_the_core(&mut app);
    for choice in [0, 1, 0, 0, 1, 0, 0, 0] {
        answer(&mut app, choice);
    }
    assert_eq!(
        app.world().resource::<NightmareLoop>().state,
        LoopState::Freed
    );
    // Morning: she wakes and sits down at the desk for the first night shift.
    app.world_mut()
        .resource_mut::<NextState<AppState>>()
        .set(AppState::ControlRoom);
    run_until(&mut app, 2_000, |w| {
        w.get_resource::<ControlRoom>().is_some()
    });
    let desk = &app.world().resource::<ControlRoom>().0;
    assert!(desk.flags.contains(&StoryFlag::Prologue));
    let remembered: Vec<&str> = desk.choices.iter().map(String::as_str).collect();
    assert_eq!(remembered, ["leo_let_go", "mara_reminded"]);
    assert!(app.world().get_resource::<InPrologue>().is_none());

    // The first night opens on Priya handing over the console; the network waits while
    // it plays, and it is not played again.
    let sat_at = app.world().resource::<ControlRoom>().0.network.minute();
    run_until(&mut app, 10, |w| {
        *w.resource::<State<AppState>>().get() == AppState::Scene
    });
    assert_eq!(
        app.world()
            .resource::<sleep_sync::campaign::PlayingScene>()
            .id,
        "handover"
    );
    let answers = sleep_sync::dev::testing::through_the_scene(&mut app, |_| 0);
    assert!(answers.is_empty(), "the handover asks nothing of Juno");
    run_until(&mut app, 10, |w| {
        *w.resource::<State<AppState>>().get() == AppState::ControlRoom
    });
    let desk = &app.world().resource::<ControlRoom>().0;
    assert!(desk.scenes_seen.contains("handover"));
    assert_eq!(desk.network.minute(), sat_at, "the network waited");

    // Her choices go with her into the console's dives (the family's beds, the scene
    // after the overload, seen).
    {
        let desk = &mut app.world_mut().resource_mut::<ControlRoom>().0;
        desk.overload(&sleep_sync::dev::testing::shipped_library().story);
        desk.scene_played("the-beds", []);
    }
    app.update();
    app.world_mut().write_message(Request::Dive {
        dive: "leo".into(),
        link: 0.9,
    });
    run_until(&mut app, 100, |w| {
        w.get_resource::<ActiveDive>()
            .is_some_and(|d| d.spec.id() == "leo")
    });
    let story = &app.world().resource::<ActiveDive>().story;
    assert!(story.flags.contains("mara_reminded") && story.flags.contains("leo_let_go"));
    assert!(story.beats.contains(&StoryFlag::Prologue));
}

/// At the desk, the night runs on and the first rift scene comes: the call to Mara, read
/// a line at a time; what Juno answers is the desk's, the scene is not played again, and
/// the night shift goes on where it was.
#[test]
fn the_first_night_ends_with_the_call_home_and_the_desk_remembers_it() {
    use sleep_sync::campaign::{ControlRoom, PlayingScene, Request};
    use sleep_sync::state::AppState;

    let mut app = sleep_sync::dev::testing::seated_app();
    let screen = |w: &World| *w.resource::<State<AppState>>().get();
    assert_eq!(screen(app.world()), AppState::ControlRoom);
    let sat_at = app.world().resource::<ControlRoom>().0.network.minute();
    app.world_mut().write_message(Request::Speed(2));
    run_until(&mut app, 3_000, |w| screen(w) == AppState::Scene);
    let minute = app.world().resource::<ControlRoom>().0.network.minute();
    assert!(
        (minute - sat_at) >= 8 * 60,
        "the call comes after the first night, not {} minutes in",
        minute - sat_at
    );
    assert_eq!(app.world().resource::<PlayingScene>().id, "rift-call");
    // The network holds still while the scene plays.
    app.update();
    assert_eq!(
        app.world().resource::<ControlRoom>().0.network.minute(),
        minute
    );

    // She offers to stay on the phone (the second answer).
    let answers = sleep_sync::dev::testing::through_the_scene(&mut app, |_| 1);
    assert_eq!(answers, [1]);
    run_until(&mut app, 10, |w| screen(w) == AppState::ControlRoom);
    let desk = &app.world().resource::<ControlRoom>().0;
    assert!(desk.choices.contains("mara_offered"), "{:?}", desk.choices);
    assert!(!desk.choices.contains("mara_pressed"));
    assert!(desk.scenes_seen.contains("rift-call"));
    assert!(app.world().get_resource::<PlayingScene>().is_none());
    // An hour more: no scene again (Leo's door waits for the steering to be found).
    for _ in 0..120 {
        app.update();
    }
    assert_eq!(screen(app.world()), AppState::ControlRoom);
    assert!(app.world().resource::<ControlRoom>().0.network.minute() > minute + 60);
}

/// Once the alternative is adopted the story ends where the game is: the ending's
/// scenes, then the credits, read through a line at a time on the scene screen; then
/// the title, and the save says the campaign is finished (and with which ending).
#[test]
fn adopting_the_alternative_plays_the_ending_and_the_credits_then_the_title() {
    use sleep_sync::campaign::design::DesignRun;
    use sleep_sync::campaign::{ControlRoom, PlayingScene, SceneRequest};
    use sleep_sync::levels::story::StoryFlag;
    use sleep_sync::saves::{Chapter, SaveFile};
    use sleep_sync::state::AppState;

    let mut app = sleep_sync::dev::testing::seated_app();
    let story = sleep_sync::dev::testing::shipped_library().story;
    {
        let desk = &mut app.world_mut().resource_mut::<ControlRoom>().0;
        desk.choices.insert("father_ignored".into());
        desk.overload(&story);
        for dive in ["leo", "mara", "family"] {
            desk.freed(dive, &story);
        }
        desk.run_design();
        let run = desk.design.run.as_mut().expect("running");
        run.advance(DesignRun::total_minutes());
        desk.adopt(&story);
    }
    let screen = |w: &World| *w.resource::<State<AppState>>().get();
    // The epilogue is read at the designer first: nothing plays until she goes on.
    for _ in 0..30 {
        app.update();
    }
    assert_eq!(screen(app.world()), AppState::ControlRoom);
    app.world_mut()
        .write_message(sleep_sync::campaign::Request::BeginEnding);
    run_until(&mut app, 10, |w| screen(w) == AppState::Scene);
    let mut played: Vec<String> = Vec::new();
    let mut lines = 0;
    for _ in 0..3_000 {
        if screen(app.world()) != AppState::Scene {
            break;
        }
        if let Some(playing) = app.world().get_resource::<PlayingScene>() {
            if played.last() != Some(&playing.id) {
                played.push(playing.id.clone());
            }
            app.world_mut().write_message(SceneRequest::Next);
            lines += 1;
        }
        app.update();
    }
    println!("{lines} presses: {played:?}");
    assert_eq!(
        played,
        [
            "end-dawn",
            "end-breakfast",
            "end-breathing",
            "end-sketchbook",
            "end-class",
            "credits"
        ]
    );
    run_until(&mut app, 10, |w| screen(w) == AppState::Title);
    let desk = &app.world().resource::<ControlRoom>().0;
    assert_eq!(desk.ending.as_deref(), Some("dawn"));
    assert!(desk.flags.contains(&StoryFlag::Finished));
    // The save says so, and a game continued from it does not play the end again.
    let saved = SaveFile::of(desk, 0);
    assert_eq!(saved.chapter, Chapter::Finished);
    let text = saved.to_text();
    let read: SaveFile = ron::from_str(&text).expect("reads");
    let continued = read.restore(&story).expect("restores");
    assert_eq!(continued.ending.as_deref(), Some("dawn"));
    assert!(continued.closing_scenes(&story).is_empty());
}

/// The morning after Father's message Juno goes up at nine: the scene plays at the desk
/// when its hour comes, and as it ends the confrontation begins (the cue's `then`).
#[test]
fn the_morning_after_the_message_goes_up_to_the_confrontation() {
    use sleep_sync::campaign::{ControlRoom, PlayingScene, Request};
    use sleep_sync::levels::story::StoryFlag;
    use sleep_sync::state::AppState;

    let mut app = sleep_sync::dev::testing::seated_app();
    let screen = |w: &World| *w.resource::<State<AppState>>().get();
    {
        let desk = &mut app.world_mut().resource_mut::<ControlRoom>().0;
        desk.flags.insert(StoryFlag::SteeringFound);
        for id in ["rift-call", "rift-door", "rift-message"] {
            desk.scene_played(id, []);
        }
        desk.choices.insert("father_ignored".to_owned());
        assert_eq!(desk.confrontation, None);
    }
    let sent_at = app.world().resource::<ControlRoom>().0.network.minute();
    app.world_mut().write_message(Request::Speed(2));
    run_until(&mut app, 3_000, |w| screen(w) == AppState::Scene);
    assert_eq!(app.world().resource::<PlayingScene>().id, "nine");
    let minute = app.world().resource::<ControlRoom>().0.network.minute();
    assert!(minute - sent_at >= 4 * 60, "{} minutes", minute - sent_at);
    sleep_sync::dev::testing::through_the_scene(&mut app, |_| 0);
    run_until(&mut app, 10, |w| screen(w) == AppState::ControlRoom);
    let desk = &app.world().resource::<ControlRoom>().0;
    assert!(desk.scenes_seen.contains("nine"));
    assert_eq!(desk.confrontation, Some(0), "the confrontation begins");
}

/// Standing still is not walking, however fast the display: at 144 frames a second,
/// drawn between ticks, Juno covers less than a step a frame, and walking round in a
/// circle for longer than Leo waits she is not told to walk; stopped, she is.
#[test]
fn walking_on_a_fast_display_is_not_standing_still() {
    use bevy::input::ButtonState;
    use bevy::input::keyboard::Key;
    use sleep_sync::dev::testing::{headless_app_between_ticks, send_key, turn_juno};

    const FPS: u32 = 144;
    let leo_told = |app: &App| {
        app.world()
            .resource::<Heard>()
            .0
            .iter()
            .any(|(who, text)| who == "Leo" && text.contains("walk into one"))
    };
    let w = |app: &mut App, state| send_key(app, KeyCode::KeyW, Key::Character("w".into()), state);

    let mut app = headless_app_between_ticks(f64::from(FPS));
    listening(&mut app);
    dive_into(&mut app, "bedtime");
    w(&mut app, ButtonState::Pressed);
    // Leo waits 7 seconds; she walks round for 9, turning a radian a second.
    let start = people(&mut app);
    assert!(!start.is_empty());
    let mut walked = 0.0;
    let mut last = sleep_sync::dev::testing::juno_position(&mut app);
    for _ in 0..9 * FPS {
        turn_juno(&mut app, |look| look.yaw += 1.0 / FPS as f32);
        app.update();
        let now = sleep_sync::dev::testing::juno_position(&mut app);
        walked += now.xz().distance(last.xz());
        last = now;
    }
    assert!(walked > 30.0, "she walked {walked} m");
    assert!(!leo_told(&app), "told to walk while walking");
    w(&mut app, ButtonState::Released);
    for _ in 0..8 * FPS {
        app.update();
    }
    assert!(leo_told(&app), "not told after standing 8 s");
}
