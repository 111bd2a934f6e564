//! The desktop's frame pacing (`sleep-sync --tour DIR --pacing`, a dev build's): the game
//! played by a script through the title, the control room with every panel open and
//! dives into two dreams with loop changes, each frame's game side kept as the frame
//! meter times it ([`WorkMeter`]: `First` to `Last`, all of the game's own work but not
//! the drawing, which the renderer does on its own thread while the next frame plays),
//! then each screen's figures written to `DIR/pacing.md`.
//!
//! The game is stepped 1/60 s a frame, as a 60 Hz display steps it, so a frame plays one
//! fixed tick whatever the machine draws at: under a software renderer a frame takes a
//! tenth of a second or more to draw, and a game on the real clock would play several
//! ticks in each. `scripts/bench.sh` runs it in a window (Xvfb, lavapipe);
//! `tests/game/pacing.rs` runs the same route headless.

use std::path::PathBuf;
use std::time::Duration;

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;

use crate::campaign::{ControlRoom, Panel};
use crate::dive::{ActiveDive, DreamForge, NightmareLoop};
use crate::levels::Levels;
use crate::long_work::{FrameSeen, WorkMeter};
use crate::{HALF_WINDOW_SIZE, WINDOW_SIZE};

mod figures;
use crate::snapshot::{dive_for, out_of_frames};
use crate::state::{AppState, DreamPhase};
pub use figures::{StageFigures, table};

/// The report's file name in the tour's folder.
pub const REPORT: &str = "pacing.md";

/// Frames a screen is given to settle before its frames count (the first frames of a
/// screen build its meshes and pictures, once).
const SETTLE_FRAMES: u32 = 30;

/// What the run measures, and where it writes.
#[derive(Resource, Debug, Clone)]
pub struct PacingRun {
    /// The report's path.
    pub report: PathBuf,
    /// The dreams dived into, in turn.
    pub dreams: Vec<String>,
    /// Frames measured on each screen, and in each loop before it is made to end.
    pub frames: u32,
    /// Loop changes in each dive.
    pub loop_changes: u32,
}

impl PacingRun {
    /// The run `bench.sh` makes: the title and the control room 240 frames each, then
    /// Leo's and Mara's nightmares (or `dream` alone), 60 frames in each of three loops
    /// and every frame between them.
    pub fn new(report: PathBuf, dream: Option<String>) -> Self {
        Self {
            report,
            dreams: dream.map_or_else(|| vec!["leo".to_owned(), "mara".to_owned()], |d| vec![d]),
            frames: 240,
            loop_changes: 2,
        }
    }

    /// The `index`th screen measured: the title, the control room, then each dive.
    fn stage(&self, index: usize) -> Option<Stage> {
        match index {
            0 => Some(Stage::Title),
            1 => Some(Stage::ControlRoom),
            _ => self.dreams.get(index - 2).cloned().map(Stage::Dive),
        }
    }

    /// Frames measured in each loop of a dive.
    fn frames_a_loop(&self) -> u32 {
        (self.frames / 4).max(1)
    }
}

/// A screen the run measures.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Title,
    /// Every panel open.
    ControlRoom,
    /// A dive into the dream, through its loop changes.
    Dive(String),
}

impl Stage {
    fn name(&self) -> String {
        match self {
            Stage::Title => "title".to_owned(),
            Stage::ControlRoom => "control room, every panel open".to_owned(),
            Stage::Dive(id) => format!("dive into {id}"),
        }
    }
}

/// Adds the run. Needs a [`PacingRun`] resource; the game's time is stepped 1/60 s a
/// frame.
pub fn plugin(app: &mut App) {
    super::autopilot::saves_of_its_own(app);
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_secs_f64(
        1.0 / 60.0,
    )))
    // Measured as the game runs: the next desk warmed up from the title on.
    .insert_resource(crate::campaign::DeskAhead(true))
    .init_resource::<Progress>()
    .init_resource::<PacingFigures>()
    .add_systems(
        Last,
        pace.after(crate::long_work::end_frame)
            .run_if(resource_exists::<PacingRun>),
    );
}

/// The figures of the screens measured so far (the report, once the run ends).
#[derive(Resource, Debug, Default, Clone)]
pub struct PacingFigures(pub Vec<StageFigures>);

/// Where the run is.
#[derive(Resource, Debug, Default)]
struct Progress {
    frames: u32,
    stage: usize,
    phase: Phase,
    measured: Vec<FrameSeen>,
    /// In a dive: loop changes seen, the loop in play, and frames since it began.
    changes: u32,
    loop_index: Option<u32>,
    in_loop: u32,
    /// The loop in play was made to end.
    ended: bool,
    done: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum Phase {
    #[default]
    Arriving,
    Settling(u32),
    Measuring,
}

#[allow(clippy::too_many_arguments)]
fn pace(
    run: Res<PacingRun>,
    mut progress: ResMut<Progress>,
    mut figures: ResMut<PacingFigures>,
    meter: Res<WorkMeter>,
    state: Res<State<AppState>>,
    phase: Option<Res<State<DreamPhase>>>,
    mut next: ResMut<NextState<AppState>>,
    levels: Res<Levels>,
    room: Option<ResMut<ControlRoom>>,
    mut nightmare: Option<ResMut<NightmareLoop>>,
    dive: Option<Res<ActiveDive>>,
    forge: Res<DreamForge>,
    mut windows: Query<&mut Window>,
    mut commands: Commands,
    mut exit: MessageWriter<AppExit>,
) {
    if progress.done {
        return;
    }
    progress.frames += 1;
    if out_of_frames(progress.frames, "pacing: stuck", &mut exit) {
        progress.done = true;
        return;
    }
    let Some(stage) = run.stage(progress.stage) else {
        progress.done = true;
        let report = table(&figures.0);
        info!("pacing:\n{report}");
        match std::fs::write(&run.report, &report) {
            Ok(()) => {
                exit.write(AppExit::Success);
            }
            Err(e) => {
                error!("pacing: {}: {e}", run.report.display());
                exit.write(AppExit::error());
            }
        }
        return;
    };
    match progress.phase {
        Phase::Arriving => {
            // The dives are drawn in a quarter of the pixels: under a software renderer
            // drawing a dream costs seconds a frame at 1280×720, and the game's side of
            // a frame does not depend on the pixels. The screens of egui panels keep the
            // players' size, as their layout does.
            let size = match &stage {
                Stage::Dive(_) => HALF_WINDOW_SIZE,
                _ => WINDOW_SIZE,
            };
            for mut window in &mut windows {
                if window.resolution.physical_width() != size.x {
                    window.resolution.set_physical_resolution(size.x, size.y);
                }
            }
            let exploring = phase.is_some_and(|p| *p.get() == DreamPhase::Exploring);
            let arrived = match (&stage, state.get()) {
                (_, AppState::Loading) => false,
                (Stage::Title, AppState::Title) => true,
                (Stage::Title, _) => {
                    next.set(AppState::Title);
                    false
                }
                (Stage::ControlRoom, AppState::ControlRoom) => match room {
                    Some(mut room) => {
                        room.0.open = Panel::ALL.into_iter().collect();
                        true
                    }
                    None => false,
                },
                (Stage::Dive(id), AppState::Dream)
                    if dive.as_ref().is_some_and(|d| d.spec.id() == id) =>
                {
                    exploring
                }
                (Stage::Dive(id), AppState::ControlRoom) => {
                    match dive_for(&levels, id) {
                        Ok(dive) => {
                            commands.insert_resource(dive);
                            next.set(AppState::Dream);
                        }
                        Err(problem) => {
                            error!("pacing: {problem}");
                            exit.write(AppExit::error());
                            progress.done = true;
                        }
                    }
                    false
                }
                (_, _) => {
                    next.set(AppState::ControlRoom);
                    false
                }
            };
            if arrived {
                progress.phase = Phase::Settling(0);
            }
        }
        Phase::Settling(n) if n < SETTLE_FRAMES => progress.phase = Phase::Settling(n + 1),
        Phase::Settling(_) => {
            progress.phase = Phase::Measuring;
            progress.measured.clear();
            progress.changes = 0;
            progress.loop_index = nightmare.as_ref().map(|n| n.index);
            progress.in_loop = 0;
            progress.ended = false;
        }
        Phase::Measuring => {
            if let Some(frame) = meter.last_frame() {
                progress.measured.push(frame);
            }
            let finished = match &stage {
                Stage::Title | Stage::ControlRoom => progress.measured.len() >= run.frames as usize,
                Stage::Dive(id) => {
                    let nightmare = nightmare.as_deref_mut();
                    match dive_goes_on(&run, &mut progress, nightmare, dive.as_deref(), &forge, id)
                    {
                        Ok(done) => done,
                        Err(problem) => {
                            error!("pacing: {problem}");
                            exit.write(AppExit::error());
                            progress.done = true;
                            return;
                        }
                    }
                }
            };
            if finished {
                let measured = std::mem::take(&mut progress.measured);
                if measured.is_empty() {
                    error!("pacing: no frame was measured on the {}", stage.name());
                    exit.write(AppExit::error());
                    progress.done = true;
                    return;
                }
                figures
                    .0
                    .push(StageFigures::of(stage.name(), &measured, progress.changes));
                progress.stage += 1;
                progress.phase = Phase::Arriving;
            }
        }
    }
}

/// A frame of a measured dive: counts a loop that began, makes the loop in play end once
/// it has been played long enough and the next is ready; true once the dive is done, an
/// error if the next loop could not be made.
fn dive_goes_on(
    run: &PacingRun,
    progress: &mut Progress,
    nightmare: Option<&mut NightmareLoop>,
    dive: Option<&ActiveDive>,
    forge: &DreamForge,
    id: &str,
) -> Result<bool, String> {
    let Some(nightmare) = nightmare else {
        return Ok(false);
    };
    let begun = progress.loop_index.is_some_and(|i| nightmare.index > i);
    if begun && nightmare.is_running() {
        progress.changes += 1;
    }
    if progress.loop_index.is_none() || (begun && nightmare.is_running()) {
        progress.loop_index = Some(nightmare.index);
        progress.in_loop = 0;
        progress.ended = false;
    }
    progress.in_loop += 1;
    if progress.in_loop < run.frames_a_loop() || progress.ended {
        return Ok(false);
    }
    if progress.changes >= run.loop_changes {
        return Ok(true);
    }
    // The loop ends as its time would run out, once the next is ready (as it is when a
    // loop is played through: it forms while this one is played).
    let next = dive.map_or(1, ActiveDive::next_loop);
    if let Some(problem) = forge.failure(id, next) {
        return Err(format!(
            "{id}'s loop {} failed to form: {problem}",
            next + 1
        ));
    }
    if nightmare.is_running() && forge.progress(id, next) == Some(1.0) {
        let length = nightmare.timer.duration();
        nightmare.timer.set_elapsed(length);
        progress.ended = true;
    }
    Ok(false)
}
