//! Sound in play: each loop brings its own drone and the last one fades out, anchors
//! chime, a collapse is heard, volumes follow the settings, and twenty loop resets leave
//! no sound (entity or synthesised asset) behind. Headless: Bevy's audio plugin without a
//! sound card plays nothing, so this checks what the game asks to play.

use bevy::audio::{AudioPlugin, PlaybackSettings, Volume};
use bevy::prelude::*;
use sleep_sync::audio::{Alarm, Drone, SoundCaption, SoundKind, Synth};
use sleep_sync::dev::testing::{
    dive_into, end_loop, juno_position, move_juno_to, wait_for_exploring,
};
use sleep_sync::dive::MemoryAnchor;
use sleep_sync::settings::SoundSettings;

fn game() -> App {
    let mut app = sleep_sync::headless::app(&[]);
    app.add_plugins(AudioPlugin::default());
    sleep_sync::audio::plugin(&mut app);
    sleep_sync::headless::ready(&mut app);
    app
}

/// Every sound entity but the title's theme (which fades out on the wall clock as the
/// game leaves the title): its kind, whether it is a drone, and the volume it was
/// started at.
fn sounds(app: &mut App) -> Vec<(SoundKind, bool, f32)> {
    all_sounds(app)
        .into_iter()
        .filter(|s| s.0 != SoundKind::Music)
        .collect()
}

/// Every sound entity, the theme too.
fn all_sounds(app: &mut App) -> Vec<(SoundKind, bool, f32)> {
    let world = app.world_mut();
    world
        .query::<(&SoundKind, Has<Drone>, &PlaybackSettings)>()
        .iter(world)
        .map(|(kind, drone, playback)| {
            let Volume::Linear(v) = playback.volume else {
                panic!("volumes are linear")
            };
            (*kind, drone, v)
        })
        .collect()
}

fn run_seconds(app: &mut App, seconds: f32) {
    for _ in 0..(seconds * 60.0) as u32 {
        app.update();
    }
}

#[test]
fn loops_anchors_and_collapses_are_heard_and_nothing_piles_up() {
    let mut app = game();
    app.insert_resource(SoundSettings {
        master: 0.5,
        ambience: 0.6,
        effects: 1.0,
        music: 0.3,
    });
    dive_into(&mut app, "leo");
    app.update();
    let heard = sounds(&mut app);
    assert_eq!(heard.len(), 1, "one drone: {heard:?}");
    assert_eq!(heard[0].0, SoundKind::Ambience);
    assert!(heard[0].1, "it is the loop's drone");
    assert!((heard[0].2 - 0.3).abs() < 1e-6, "master × ambience");

    // An anchor chimes.
    let anchor = {
        let world = app.world_mut();
        world
            .query_filtered::<&Transform, With<MemoryAnchor>>()
            .iter(world)
            .next()
            .expect("an anchor")
            .translation
    };
    move_juno_to(&mut app, anchor);
    app.update();
    app.update();
    assert!(
        (juno_position(&mut app) - anchor).length() < 2.0,
        "Juno at the anchor"
    );
    let effects: Vec<_> = sounds(&mut app)
        .into_iter()
        .filter(|s| s.0 == SoundKind::Effect)
        .collect();
    assert_eq!(effects.len(), 1, "one chime: {effects:?}");
    assert!((effects[0].2 - 0.5).abs() < 1e-6, "master × effects");
    // And it is captioned, for whoever cannot hear it.
    let captions = app.world().resource::<Messages<SoundCaption>>();
    let said: Vec<_> = captions.get_cursor().read(captions).map(|c| c.0).collect();
    assert_eq!(said, ["A bell rings: a memory"]);

    // A collapse: a rush, a new drone, and the old one fading out.
    // Heard as the loop ends (sounds end on the wall clock: waiting for the next loop on
    // a loaded machine may outlast the rush).
    {
        let mut nightmare = app
            .world_mut()
            .resource_mut::<sleep_sync::dive::NightmareLoop>();
        let length = nightmare.timer.duration();
        nightmare.timer.set_elapsed(length);
    }
    for _ in 0..3 {
        app.update();
    }
    let heard = sounds(&mut app);
    let effects = heard.iter().filter(|s| s.0 == SoundKind::Effect).count();
    assert!(effects >= 1, "the collapse is heard: {heard:?}");
    end_loop(&mut app);
    app.update();
    let heard = sounds(&mut app);
    let drones = heard.iter().filter(|s| s.1).count();
    assert_eq!(
        drones, 2,
        "the new loop's drone and the old one fading: {heard:?}"
    );
    run_seconds(&mut app, 3.5);
    let heard = sounds(&mut app);
    assert_eq!(heard.len(), 1, "only the new drone remains: {heard:?}");

    // Twenty more resets: the sounds and their synthesised assets stay bounded.
    for _ in 0..20 {
        end_loop(&mut app);
        app.update();
        wait_for_exploring(&mut app);
    }
    run_seconds(&mut app, 3.5);
    assert_eq!(sounds(&mut app).len(), 1, "one drone after 21 loops");
    // The sounds made once at start-up (4 chimes, the collapse, the hurt thud, two
    // chords, the alarm, the message, nine footsteps), and one drone.
    let synths = app.world().resource::<Assets<Synth>>().len();
    assert_eq!(
        synths,
        19 + 1,
        "the start-up sounds and one drone in Assets<Synth>"
    );

    // Waking up silences the dream.
    app.world_mut()
        .resource_mut::<NextState<sleep_sync::state::AppState>>()
        .set(sleep_sync::state::AppState::ControlRoom);
    run_seconds(&mut app, 2.0);
    let heard = sounds(&mut app);
    assert!(
        heard.iter().all(|s| !s.1),
        "the drone fades out on waking: {heard:?}"
    );
    assert!(
        heard.len() <= 1,
        "at most the control room's hum is left: {heard:?}"
    );
}

/// The title plays the theme; the control room hums, sounds the alarm as the network
/// overloads (and hums uneasily after), and chimes when a message arrives.
#[test]
fn the_title_has_its_theme_and_the_control_room_hums_alarms_and_chimes() {
    use sleep_sync::campaign::ControlRoom;
    use sleep_sync::dev::testing::run_until;
    use sleep_sync::levels::story::StoryFlag;
    use sleep_sync::state::AppState;

    let mut app = game();
    let on = |state: AppState| move |w: &mut World| *w.resource::<State<AppState>>().get() == state;
    run_until(&mut app, 2_000, on(AppState::Title));
    app.update();
    let heard = all_sounds(&mut app);
    assert_eq!(
        heard.iter().filter(|s| s.0 == SoundKind::Music).count(),
        1,
        "the theme at the title: {heard:?}"
    );

    app.world_mut()
        .resource_mut::<NextState<AppState>>()
        .set(AppState::ControlRoom);
    run_until(&mut app, 2_000, |w| {
        w.get_resource::<ControlRoom>().is_some()
    });
    run_until(&mut app, 10, on(AppState::ControlRoom));
    // The theme fades out on the wall clock (1.5 s): wait for it, a millisecond a frame.
    run_until(&mut app, 20_000, |w| {
        std::thread::sleep(std::time::Duration::from_millis(1));
        w.query::<&SoundKind>()
            .iter(w)
            .all(|kind| *kind != SoundKind::Music)
    });
    let hums = |app: &mut App| {
        sounds(app)
            .iter()
            .filter(|s| s.0 == SoundKind::Ambience)
            .count()
    };
    assert_eq!(
        hums(&mut app),
        1,
        "the network hums: {:?}",
        sounds(&mut app)
    );
    let effects = |app: &mut App| {
        sounds(app)
            .iter()
            .filter(|s| s.0 == SoundKind::Effect)
            .count()
    };
    let quiet = effects(&mut app);

    // The overload: the alarm, and a new, uneasy hum in place of the old (the scene
    // after it taken as seen: the desk stays on screen).
    {
        let desk = &mut app.world_mut().resource_mut::<ControlRoom>().0;
        desk.flags.insert(StoryFlag::Overload);
        desk.scene_played("the-beds", []);
    }
    app.update();
    app.update();
    let alarms = {
        let world = app.world_mut();
        world
            .query_filtered::<(), With<Alarm>>()
            .iter(world)
            .count()
    };
    assert_eq!(alarms, 1, "the alarm sounds");
    assert!(effects(&mut app) > quiet, "and is heard as an effect");
    assert_eq!(hums(&mut app), 2, "the uneasy hum, the calm one fading");
    // The calm hum fades on the wall clock too.
    run_until(&mut app, 20_000, |w| {
        std::thread::sleep(std::time::Duration::from_millis(1));
        w.query::<&SoundKind>()
            .iter(w)
            .filter(|kind| **kind == SoundKind::Ambience)
            .count()
            == 1
    });
    assert_eq!(hums(&mut app), 1, "one hum after the fade");

    // A message arrives: a chime.
    let before = effects(&mut app);
    app.world_mut()
        .resource_mut::<ControlRoom>()
        .0
        .inbox
        .push((0, 0));
    app.update();
    assert_eq!(effects(&mut app), before + 1, "a message chimes");
}
