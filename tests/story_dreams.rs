//! Dreams the family dreams together, headless: the evening dream (`bedtime`) is calm,
//! the family walks in it with Juno on the ground and speaks when she does something
//! for the first time, and at its core what she says is remembered and Leo goes to
//! Nyx at the edge.

use bevy::prelude::*;
use sleep_sync::dev::testing::{dive_into, end_loop, headless_app, move_juno_to, run_until};
use sleep_sync::dive::{
    ActiveDive, CurrentDream, DreamPerson, Hazard, LoopState, NightmareLoop, PendingAnswer, People,
    PersonSays,
};
use sleep_sync::juno::JUNO_CENTRE_HEIGHT;

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

fn standing_at(app: &App, xz: Vec2) -> Vec3 {
    let ground = app
        .world()
        .resource::<CurrentDream>()
        .heightfield
        .height_at(xz);
    Vec3::new(xz.x, ground + JUNO_CENTRE_HEIGHT + 0.05, xz.y)
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
    let all = app
        .world()
        .resource::<ActiveDive>()
        .spec
        .dream
        .anchors
        .len();
    app.world_mut().resource_mut::<ActiveDive>().understood = (0..all).collect();
    end_loop(&mut app);
    let core = app.world().resource::<CurrentDream>().core.position;
    let juno = standing_at(&app, core.xz() + Vec2::new(1.6, 0.0));
    move_juno_to(&mut app, juno);
    run_until(&mut app, 60, |w| {
        matches!(
            w.resource::<NightmareLoop>().state,
            LoopState::Confronting { .. }
        )
    });
    let node = |app: &App| match &app.world().resource::<NightmareLoop>().state {
        LoopState::Confronting { node } => node.clone(),
        other => format!("{other:?}"),
    };
    let say = |app: &mut App, choice: usize| {
        app.world_mut().resource_mut::<PendingAnswer>().0 = Some(choice);
        app.update();
        app.update();
    };
    assert_eq!(node(&app), "lamp");
    say(&mut app, 1);
    assert_eq!(node(&app), "stay");
    assert!(
        app.world()
            .resource::<ActiveDive>()
            .story
            .flags
            .contains("mara_soothed")
    );
    say(&mut app, 0);
    assert_eq!(node(&app), "bench");
    say(&mut app, 0);
    assert_eq!(node(&app), "tune", "the workshop bench is understood");
    say(&mut app, 0);
    assert_eq!(node(&app), "edge");
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
    say(&mut app, 0);
    assert_eq!(node(&app), "asked");
    assert!(
        app.world()
            .resource::<ActiveDive>()
            .story
            .flags
            .contains("leo_asked")
    );
    say(&mut app, 0);
    assert_eq!(node(&app), "morning");
    say(&mut app, 0);
    assert_eq!(
        app.world().resource::<NightmareLoop>().state,
        LoopState::Freed,
        "the dream ends in morning"
    );
}
