//! The browser page (`web/index.html`) and the game talk through `<body>`'s data
//! attributes: the game counts its frames in `data-frames` for the first few seconds (the
//! page hides its loading screen on the first), names the screen it shows in
//! `data-screen` (`Title`, `ControlRoom`, `Dream:Forming`, `Dream:Exploring`, ...) and
//! writes the settings it plays with in `data-settings` (what it read from localStorage,
//! then every change), and how its frames are paced in `data-pacing` (JSON, twice a
//! second: [`crate::long_work::Pacing`], with how the glyphs drawn ahead stand,
//! [`crate::theme::Ahead`]). The browser test reads them, and asks through
//! `data-pacing-restart` and `data-frame-step` ([`follow_the_page`]).
//!
//! `?replay=NAME` plays the replay the game's store keeps as `replays/NAME` (this
//! browser's localStorage, where the browser test puts the shipped ones), `&speed=N`
//! times as fast (1 to 32); how it goes is in `data-replay`: `playing` with the tick and
//! the checkpoints matched so far, then the verdict with `as recorded` or where play
//! parted from the recording. `&juno-state=K` logs Juno's state every K ticks
//! ([`crate::replay::JunoStateLog`]), to compare with `sleep-sync replay FILE --headless
//! --juno-state K` on the desktop.

use bevy::prelude::*;

use crate::replay::{ReplayFailed, ReplayFile, ReplayRequest, Replaying};
use crate::settings::{ControlSettings, PictureSettings, SoundSettings};
use crate::state::AppState;
use crate::state::DreamPhase;

/// Frames counted on the page; after these the page has long since seen the game.
const COUNTED: u32 = 600;

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(Startup, replay_from_the_page)
        .add_systems(
            Last,
            show_replay
                .run_if(resource_exists::<Replaying>.or_else(resource_exists::<ReplayFailed>)),
        )
        .add_systems(Last, count_frames)
        .add_systems(
            First,
            follow_the_page
                .before(bevy::time::TimeSystems)
                .before(crate::long_work::begin_frame),
        )
        .add_systems(
            Last,
            show_pacing.after(crate::long_work::end_frame).run_if(
                bevy::time::common_conditions::on_real_timer(std::time::Duration::from_millis(500)),
            ),
        )
        .add_systems(
            Last,
            show_screen.run_if(state_changed::<AppState>.or_else(state_changed::<DreamPhase>)),
        )
        .add_systems(
            Last,
            show_settings.run_if(crate::settings::settings_changed),
        )
        .add_systems(
            Last,
            show_desk.run_if(resource_added::<crate::campaign::ControlRoom>),
        );
}

fn body() -> Option<web_sys::HtmlElement> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
}

fn count_frames(mut frames: Local<u32>) {
    if *frames >= COUNTED {
        return;
    }
    *frames += 1;
    if let Some(body) = body() {
        // The page only reads it; failing to write it changes nothing in the game.
        let _ = body.dataset().set("frames", &frames.to_string());
    }
}

/// What the page asks of the frame meter and the clock, read as each frame begins:
/// `data-pacing-restart` has the meter start again (the browser test measures a dive,
/// and a loop change alone, so); while `data-frame-step` is set the game's clock moves
/// at most one fixed tick a frame, as on a 60 Hz display.
///
/// Under a software renderer a frame takes hundreds of milliseconds to draw, so the
/// game's clock (held back to a quarter of a second a frame) would run up to 15 fixed
/// ticks in each frame: a measure of how the renderer paces the game, not of the game.
/// Only the game's clock is held ([`Time<Virtual>`]'s longest step); the real clock
/// goes on as it does. The desktop's pacing run steps its clock so too (`--tour DIR
/// --pacing`).
fn follow_the_page(
    mut meter: ResMut<crate::long_work::WorkMeter>,
    mut clock: ResMut<Time<Virtual>>,
    fixed: Res<Time<Fixed>>,
    mut held_from: Local<Option<std::time::Duration>>,
) {
    let Some(body) = body() else {
        return;
    };
    let data = body.dataset();
    if data.get("pacingRestart").is_some() {
        data.delete("pacingRestart");
        meter.restart();
    }
    match (data.get("frameStep").is_some(), *held_from) {
        (true, None) => {
            *held_from = Some(clock.max_delta());
            clock.set_max_delta(fixed.timestep());
        }
        (false, Some(longest)) => {
            clock.set_max_delta(longest);
            *held_from = None;
        }
        _ => {}
    }
}

/// Writes the meter's figures to `data-pacing` (twice a second), with whether the
/// glyphs are drawn ahead ([`crate::theme::GlyphsAhead`]).
fn show_pacing(meter: Res<crate::long_work::WorkMeter>, glyphs: Res<crate::theme::GlyphsAhead>) {
    let p = meter.pacing();
    // The frames while a loop formed or changed, by the steps of the change each took
    // part in.
    let steps: Vec<String> = p
        .by_steps()
        .map(|set| {
            format!(
                r#"{{"steps":"{}","frames":{},"worst":{:.3}}}"#,
                set.steps, set.frames, set.worst
            )
        })
        .collect();
    let text = format!(
        r#"{{"frames":{},"worstWork":{:.3},"worstWaiting":{:.3},"framesOver8ms":{},"medianFrame":{:.3},"changingFrames":{},"worstChangingFrame":{:.3},"changingNow":{},"medianWholeFrame":{:.3},"worstChangingWholeFrame":{:.3},"glyphsAhead":"{:?}","steps":[{}]}}"#,
        p.frames,
        p.worst_work,
        p.worst_waiting,
        p.frames_over_8ms,
        p.median_frame,
        p.changing_frames,
        p.worst_changing_frame,
        p.changing_now,
        p.median_whole_frame,
        p.worst_changing_whole_frame,
        glyphs.state(),
        steps.join(","),
    );
    if let Some(body) = body() {
        let _ = body.dataset().set("pacing", &text);
    }
}

fn show_screen(screen: Res<State<AppState>>, phase: Option<Res<State<DreamPhase>>>) {
    let text = match phase {
        Some(phase) => format!("{:?}:{:?}", screen.get(), phase.get()),
        None => format!("{:?}", screen.get()),
    };
    if let Some(body) = body() {
        let _ = body.dataset().set("screen", &text);
    }
}

fn show_settings(
    sound: Res<SoundSettings>,
    controls: Res<ControlSettings>,
    picture: Res<PictureSettings>,
) {
    let text = format!("{:?} {:?} {:?}", *sound, *controls, *picture);
    if let Some(body) = body() {
        let _ = body.dataset().set("settings", &text);
    }
}

/// The network minute a game began or continued at (the browser test checks Continue
/// returns to the minute saved).
fn show_desk(room: Res<crate::campaign::ControlRoom>) {
    if let Some(body) = body() {
        let _ = body
            .dataset()
            .set("deskMinute", &room.0.network.minute().to_string());
    }
}

/// The page's query parameter `key`, if it has one.
fn query(key: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, value)| value.to_owned())
}

/// `?replay=NAME[&speed=N][&juno-state=K]`: asks the game to play the stored replay once
/// its levels have loaded, N times as fast, logging Juno's state every K ticks.
fn replay_from_the_page(mut commands: Commands, mut time: ResMut<Time<Virtual>>) {
    let Some(name) = query("replay") else {
        return;
    };
    let shown = crate::levels::printable(&name);
    let bytes = crate::store::Store::player()
        .and_then(|store| store.read(&format!("replays/{name}")).ok().flatten());
    let Some(bytes) = bytes else {
        error!("no replay {shown} is kept in this browser's storage (replays/{shown})");
        commands.insert_resource(ReplayFailed(format!("no replay {shown}")));
        return;
    };
    match ReplayFile::parse(&shown, &bytes) {
        Ok(file) => {
            let speed = query("speed")
                .and_then(|s| s.parse::<f32>().ok())
                .filter(|s| s.is_finite())
                .map_or(1.0, |s| s.clamp(1.0, 32.0));
            // A slow frame may then run many ticks: each still a fixed tick of the
            // simulation, as in any replay.
            time.set_relative_speed(speed);
            time.set_max_delta(std::time::Duration::from_millis(250));
            let every = query("juno-state").and_then(|n| n.parse().ok());
            if let Some(log) = every.and_then(crate::replay::JunoStateLog::every) {
                commands.insert_resource(log);
            }
            commands.insert_resource(ReplayRequest {
                file,
                name: shown,
                exit_when_done: false,
                linger_seconds: 0.0,
            });
        }
        Err(problem) => {
            error!("{problem}");
            commands.insert_resource(ReplayFailed(problem.to_string()));
        }
    }
}

/// How the page's replay goes, in `data-replay`.
fn show_replay(
    replay: Option<Res<Replaying>>,
    request: Option<Res<ReplayRequest>>,
    failed: Option<Res<ReplayFailed>>,
    ticks: Option<Res<crate::dive::DiveTicks>>,
    mut shown: Local<String>,
) {
    let text = match (&failed, &replay) {
        (Some(failed), _) => format!("failed: {}", failed.0),
        (None, Some(replay)) if replay.done => {
            let name = request.as_ref().map_or("the replay", |r| r.name.as_str());
            format!("done: {}", replay.verdict(name))
        }
        (None, Some(replay)) => format!(
            "playing: tick {}, {} of {} checkpoints matched{}",
            ticks.map_or(0, |t| t.0),
            replay.trace.matched,
            replay.file.checkpoints.len(),
            replay
                .trace
                .diverged
                .as_ref()
                .map_or(String::new(), |d| format!("; {d}"))
        ),
        (None, None) => return,
    };
    if *shown != text
        && let Some(body) = body()
    {
        let _ = body.dataset().set("replay", &text);
        *shown = text;
    }
}
