//! Options for players who need them, headless: a waking scene shows each panel whole
//! when asked; lines on screen last as long as the player asked; the options are kept
//! in range. (Reduce flashing and the controls' toggles have unit tests beside their
//! code; the map's steadiness is in tests/control_room.rs; captions in tests/audio.rs.)

use bevy::prelude::*;
use sleep_sync::campaign::{AfterScene, PlayingScene};
use sleep_sync::dev::testing::{headless_app, run_until};
use sleep_sync::levels::{Facts, Levels, StoryFacts};
use sleep_sync::settings::{AccessibilitySettings, DREAM_PACE, LINE_TIME};
use sleep_sync::state::AppState;

/// The lines shown of the scene's first panel, one frame after it opens, and how many
/// it has.
fn first_panel_shown(whole_panels: bool) -> (usize, usize) {
    let mut app = headless_app();
    run_until(&mut app, 2_000, |w| {
        *w.resource::<State<AppState>>().get() == AppState::Title
    });
    app.world_mut()
        .resource_mut::<AccessibilitySettings>()
        .whole_panels = whole_panels;
    let playing = PlayingScene::begin(
        app.world().resource::<Levels>(),
        "rift-call",
        StoryFacts::default(),
        AfterScene::Desk(None),
    )
    .expect("the call home plays");
    app.insert_resource(playing);
    app.world_mut()
        .resource_mut::<NextState<AppState>>()
        .set(AppState::Scene);
    app.update();
    app.update();
    let world = app.world();
    let playing = world.resource::<PlayingScene>();
    let scene = &world.resource::<Levels>().library.scenes["rift-call"].value;
    let lines = scene
        .lines(playing.at.panel, &Facts::waking(&playing.story))
        .len();
    (playing.at.shown, lines)
}

#[test]
fn a_scene_shows_each_panel_whole_when_asked() {
    let (shown, lines) = first_panel_shown(false);
    assert!(lines > 1, "the first panel has more than one line");
    assert_eq!(shown, 1, "one line at a time");
    let (shown, lines) = first_panel_shown(true);
    assert_eq!(shown, lines, "every line at once");
}

#[test]
fn lines_stay_as_long_as_asked_and_the_options_stay_in_range() {
    let usual = AccessibilitySettings::default();
    let longer = AccessibilitySettings {
        line_time: 3.0,
        ..usual
    };
    assert_eq!(usual.aged(1.5), 1.5);
    assert_eq!(longer.aged(1.5), 0.5, "three times as long on screen");
    let hand_edited = AccessibilitySettings {
        line_time: 100.0,
        ..usual
    };
    assert_eq!(hand_edited.sanitized().line_time, LINE_TIME.1);
    let broken = AccessibilitySettings {
        line_time: f32::NAN,
        ..usual
    };
    assert_eq!(broken.sanitized().line_time, 1.0);
    let too_slow = AccessibilitySettings {
        dream_pace: 9.0,
        ..usual
    };
    assert_eq!(too_slow.sanitized().dream_pace, DREAM_PACE.1);
}

/// How far the loop's clock ran and how much lucidity wore away over two seconds of
/// standing in Leo's dream at `pace`, and the pace the dive took.
fn two_seconds_at(pace: f32) -> (f32, f32, f32) {
    use sleep_sync::dev::testing::dive_into;
    use sleep_sync::dive::{ActiveDive, Lucidity, NightmareLoop};
    let mut app = headless_app();
    app.world_mut()
        .resource_mut::<AccessibilitySettings>()
        .dream_pace = pace;
    dive_into(&mut app, "leo");
    let read = |app: &App| {
        (
            app.world().resource::<NightmareLoop>().timer.elapsed_secs(),
            app.world().resource::<Lucidity>().level(),
        )
    };
    let (clock, lucidity) = read(&app);
    for _ in 0..120 {
        app.update();
    }
    let (clock_after, lucidity_after) = read(&app);
    (
        clock_after - clock,
        lucidity - lucidity_after,
        app.world().resource::<ActiveDive>().pace(),
    )
}

#[test]
fn the_slower_dreams_assist_runs_the_loop_and_lucidity_slower() {
    let (clock, worn, pace) = two_seconds_at(1.0);
    assert_eq!(pace, 1.0);
    let (slow_clock, slow_worn, slow_pace) = two_seconds_at(2.0);
    assert_eq!(
        slow_pace, 2.0,
        "the dive took the player's setting as it began"
    );
    println!(
        "two seconds: clock {clock:.3} s / {slow_clock:.3} s, lucidity {worn:.4} / {slow_worn:.4}"
    );
    assert!(clock > 1.5, "the loop's clock ran: {clock}");
    assert!(
        ((clock / slow_clock) - 2.0).abs() < 0.02,
        "{clock} / {slow_clock}"
    );
    assert!(worn > 0.0);
    assert!(
        ((worn / slow_worn) - 2.0).abs() < 0.02,
        "{worn} / {slow_worn}"
    );
}
