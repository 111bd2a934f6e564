//! Options for players who need them, headless: a waking scene shows each panel whole
//! when asked; lines on screen last as long as the player asked; the options are kept
//! in range; the colour-blind safe palette tells the interface's colours apart with each
//! kind of colour blindness (its hazards, on rendered pictures: tests/colour_blind.rs).
//! (Reduce flashing and the controls' toggles have unit tests beside their
//! code; the map's steadiness is in tests/game/control_room.rs; captions in tests/game/audio.rs.)

use bevy::prelude::*;
use bevy_egui::egui;
use sleep_sync::campaign::{AfterScene, PlayingScene};
use sleep_sync::dev::testing::{
    camera_behind_juno, camera_samples, dive_into, headless_app, headless_app_with_camera,
    run_until,
};
use sleep_sync::dev::vision::{Deficiency, difference};
use sleep_sync::levels::{Facts, Levels, StoryFacts};
use sleep_sync::settings::{
    AccessibilitySettings, CAMERA_DISTANCE, DREAM_PACE, LINE_TIME, PictureSettings,
};
use sleep_sync::state::AppState;
use sleep_sync::theme::{COLOUR_BLIND_SAFE, Colours, HazardColours, LOOP_THROB_LOW, STANDARD};

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

/// Told apart at a glance: what one key, one bar or one map sets side by side.
const AT_A_GLANCE: f64 = 20.0;
/// Plainly different: lines of two charts on one panel, each chart with its own key.
const PLAINLY: f64 = 10.0;

/// The pairs of interface colours a player must tell apart, by what they mean, and how
/// far apart each must be: the map's loops (at their dimmest throb) against every shade
/// of its risk ramp, its calm against its risk, lucidity against danger, better against
/// worse, each chart's lines against each other; all of them against the panel they are
/// drawn on; and the lines of the overview's two charts against each other.
fn pairs(c: &Colours) -> Vec<(String, egui::Color32, egui::Color32, f64)> {
    let mut pairs = Vec::new();
    let mut pair = |name: String, a, b, needed| pairs.push((name, a, b, needed));
    let dimmest = c.looping_lit(LOOP_THROB_LOW);
    for step in 0..=10 {
        let t = step as f32 / 10.0;
        pair(
            format!("map: loop / risk {t:.1}"),
            dimmest,
            c.at_risk(t),
            AT_A_GLANCE,
        );
    }
    pair("map: calm / risk".to_owned(), c.calm, c.risk, AT_A_GLANCE);
    pair(
        "lucidity: clear / low".to_owned(),
        c.lucid,
        c.danger,
        AT_A_GLANCE,
    );
    pair(
        "design: better / worse".to_owned(),
        c.better,
        c.worse,
        AT_A_GLANCE,
    );
    // What the map and the charts are drawn on (the control room's panels).
    let ground = egui::Color32::from_rgb(10, 15, 28);
    let on_the_panel = [
        ("loop", dimmest),
        ("calm", c.calm),
        ("risk", c.risk),
        ("lucidity", c.lucid),
        ("danger", c.danger),
        ("better", c.better),
        ("worse", c.worse),
    ];
    for (what, colour) in on_the_panel {
        pair(format!("{what} / the panel"), colour, ground, AT_A_GLANCE);
    }
    let load = [
        ("asleep", c.asleep),
        ("in a loop", c.looping),
        ("dependence", c.dependence),
    ];
    let emotion = [
        ("valence", c.valence),
        ("arousal", c.arousal),
        ("sync", c.sync),
    ];
    let sleeper = [
        ("valence", c.valence),
        ("arousal", c.arousal),
        ("dependence", c.dependence),
    ];
    for (chart, lines) in [
        ("load", &load[..]),
        ("emotion", &emotion[..]),
        ("sleeper", &sleeper[..]),
    ] {
        for (i, (name, line)) in lines.iter().enumerate() {
            pair(
                format!("{chart}: {name} / the panel"),
                *line,
                ground,
                AT_A_GLANCE,
            );
            for (other, second) in &lines[i + 1..] {
                pair(
                    format!("{chart}: {name} / {other}"),
                    *line,
                    *second,
                    AT_A_GLANCE,
                );
            }
        }
    }
    // Two charts on one panel: the overview's, and the sleeper's hypnogram (its loops
    // marked in points) above their emotion chart.
    let hypnogram = [("in a loop", c.looping)];
    for (panel, first, second) in [
        ("overview", &load[..], &emotion[..]),
        ("sleeper", &hypnogram[..], &sleeper[..]),
    ] {
        for (name, line) in first {
            for (other, colour) in second {
                pair(
                    format!("{panel}: {name} / {other}"),
                    *line,
                    *colour,
                    PLAINLY,
                );
            }
        }
    }
    pairs
}

/// The pair of `colours` closest for what it needs with `deficiency`: its difference
/// as a share of what it needs, the difference, and the pair.
fn closest(colours: &Colours, deficiency: Deficiency) -> (f64, f64, String) {
    pairs(colours)
        .into_iter()
        .map(|(name, a, b, needed)| {
            let rgb = |c: egui::Color32| [c.r(), c.g(), c.b()];
            let apart = difference(rgb(a), rgb(b), Some(deficiency));
            (apart / needed, apart, name)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .expect("pairs")
}

/// In the colour-blind safe palette every pair of the interface's meaningful colours
/// is as far apart as it needs to be with each of the three deficiencies, and the
/// closest is further than in the standard palette (where, with deuteranopia, a loop on
/// the map looks like a sleeper at high risk).
#[test]
fn the_safe_palette_tells_the_interface_colours_apart() {
    let mut standard_worst = f64::INFINITY;
    let mut safe_worst = f64::INFINITY;
    for deficiency in Deficiency::ALL {
        let (standard, standard_apart, standard_pair) = closest(&STANDARD, deficiency);
        let (safe, safe_apart, safe_pair) = closest(&COLOUR_BLIND_SAFE, deficiency);
        println!(
            "{}: closest for its need, standard {standard_apart:.1} ({standard_pair}), \
             colour-blind safe {safe_apart:.1} ({safe_pair})",
            deficiency.name()
        );
        standard_worst = standard_worst.min(standard);
        safe_worst = safe_worst.min(safe);
        assert!(
            safe >= 1.0,
            "{}: {safe_pair} only {safe_apart:.1} apart",
            deficiency.name()
        );
    }
    assert!(
        safe_worst > standard_worst * 1.5,
        "safe {safe_worst:.2} against standard {standard_worst:.2} of what each pair needs"
    );
}

/// How far the camera stands from the point it follows over Juno, once it has caught up
/// with her in the bedtime dream, with the player's camera distance `times` the dream's.
fn camera_distance(times: f32) -> f32 {
    let mut app = headless_app_with_camera();
    app.world_mut()
        .resource_mut::<PictureSettings>()
        .camera_distance = times;
    dive_into(&mut app, "bedtime");
    // The camera eases after her by the wall clock: give it real time to arrive.
    for _ in 0..400 {
        app.update();
        std::thread::sleep(std::time::Duration::from_millis(3));
    }
    camera_behind_juno(&mut app)
}

#[test]
fn the_camera_follows_as_far_behind_as_asked() {
    let (near, usual, far) = (
        camera_distance(CAMERA_DISTANCE.0),
        camera_distance(1.0),
        camera_distance(CAMERA_DISTANCE.1),
    );
    println!("camera behind Juno: {near:.2} m at 0.6×, {usual:.2} m at 1×, {far:.2} m at 1.6×");
    assert!(near < usual * 0.8, "nearer: {near} against {usual}");
    assert!(far > usual * 1.25, "farther: {far} against {usual}");
}

/// Smooth edges (the picture settings' anti-aliasing) on the game's camera: four samples
/// a pixel by default, none when turned off, and back.
#[test]
fn the_cameras_edges_follow_the_anti_aliasing_setting() {
    let mut app = headless_app_with_camera();
    app.update();
    assert_eq!(camera_samples(&mut app), Msaa::Sample4);
    for (on, wanted) in [(false, Msaa::Off), (true, Msaa::Sample4)] {
        app.world_mut()
            .resource_mut::<PictureSettings>()
            .anti_aliasing = on;
        app.update();
        assert_eq!(camera_samples(&mut app), wanted, "anti-aliasing {on}");
    }
}

/// An sRGB colour (0–1) as bytes.
fn srgb([r, g, b]: [f32; 3]) -> [u8; 3] {
    [r, g, b].map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8)
}

/// A linear colour, however bright, as the sRGB colour of its hue at full strength.
fn lit(linear: [f32; 3]) -> [u8; 3] {
    let top = linear.iter().copied().fold(f32::MIN, f32::max).max(1e-6);
    let c = Color::LinearRgba(LinearRgba::rgb(
        linear[0] / top,
        linear[1] / top,
        linear[2] / top,
    ))
    .to_srgba();
    srgb([c.red, c.green, c.blue])
}

/// In the safe palette a memory anchor never wears a hazard's colour, with normal
/// vision or any of the three deficiencies (in the standard palette anchors take the
/// dream's accent, which for some fears is the hazards' red or orange).
#[test]
fn the_safe_palettes_anchors_are_told_from_its_hazards() {
    let safe = HazardColours::COLOUR_BLIND_SAFE;
    let anchor = lit(safe.anchor.expect("the safe palette fixes the anchors"));
    let dangers = [
        ("eye", srgb(safe.eye)),
        ("hurting", srgb(safe.hurting)),
        ("tile", srgb(safe.tile)),
        ("string", srgb(safe.string)),
        ("sight", srgb(safe.sight)),
        ("site", lit(safe.site)),
    ];
    for (name, colour) in dangers {
        for deficiency in [None].into_iter().chain(Deficiency::ALL.map(Some)) {
            let apart = difference(anchor, colour, deficiency);
            assert!(
                apart >= 20.0,
                "{name} {colour:?} and the anchors {anchor:?}: {apart:.1} with {deficiency:?}"
            );
        }
    }
}
