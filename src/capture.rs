//! The autopilot: plays the game without a player for tests and pictures. It can dive
//! straight into a dream and save a screenshot once it has rendered
//! (`sleep-sync --dive leo --screenshot leo.png`), or tour every screen — title,
//! control room, dream, pause menu — saving one picture each (`sleep-sync --tour DIR`).

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};

use crate::dive::{ActiveDive, CurrentDream, DreamPhase, MemoryAnchor};
use crate::juno::{Juno, LookAngles, PlaceJuno};
use crate::levels::Levels;
use crate::screens::{AppState, FreeDive, Pause};

/// What the autopilot should do.
#[derive(Resource, Debug, Clone)]
pub struct AutoPilot {
    /// The dreamer to dive into.
    pub dreamer: String,
    /// Which loop to start at (0 = the first).
    pub loop_index: u32,
    /// Where to save the dream's screenshot, if anywhere.
    pub screenshot: Option<PathBuf>,
    /// If set, save `title.png`, `free-dive.png`, `control-room.png`, `dream.png` and
    /// `pause.png` here.
    pub tour: Option<PathBuf>,
    /// Frames to let a screen render before its picture (shadows, fog, egui settle).
    pub settle_frames: u32,
    /// Give up (and exit with an error) after this many frames.
    pub max_frames: u32,
    /// Where the dream's picture is taken from.
    pub view: View,
}

/// Where the autopilot stands Juno for the dream's picture.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum View {
    /// At the spawn, facing the first memory anchor.
    #[default]
    Spawn,
    /// On the way into the dream's core, facing it: the plaza, its props and markers.
    Core,
}

/// Where the autopilot is.
#[derive(Resource, Debug, Default)]
struct Progress {
    frames: u32,
    /// Frames spent on the current step.
    step_frames: u32,
    step: usize,
    /// A screenshot was asked for and has not been written yet.
    waiting_for_shot: bool,
}

/// Marks a screenshot as written.
#[derive(Resource, Debug, Default)]
struct ShotsWritten(u32);

/// The screens the autopilot visits, in order.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Title,
    /// The title screen's list of every dream.
    FreeDive,
    ControlRoom,
    Dream,
    Pause,
    /// The settings menu, opened from the pause menu.
    Settings,
}

/// Adds the autopilot. Needs [`crate::ClientPlugin`] and an [`AutoPilot`] resource.
pub fn plugin(app: &mut App) {
    app.init_resource::<Progress>()
        .init_resource::<ShotsWritten>()
        .add_systems(Update, drive.run_if(resource_exists::<AutoPilot>));
}

impl AutoPilot {
    fn steps(&self) -> &'static [Step] {
        if self.tour.is_some() {
            &[
                Step::Title,
                Step::FreeDive,
                Step::ControlRoom,
                Step::Dream,
                Step::Pause,
                Step::Settings,
            ]
        } else {
            &[Step::Dream]
        }
    }

    /// Where the picture of `step` goes, if it gets one.
    fn picture(&self, step: Step) -> Option<PathBuf> {
        let name = match step {
            Step::Title => "title.png",
            Step::FreeDive => "free-dive.png",
            Step::ControlRoom => "control-room.png",
            Step::Dream => "dream.png",
            Step::Pause => "pause.png",
            Step::Settings => "settings.png",
        };
        match (&self.tour, step) {
            (Some(dir), _) => Some(dir.join(name)),
            (None, Step::Dream) => self.screenshot.clone(),
            _ => None,
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn drive(
    pilot: Res<AutoPilot>,
    mut progress: ResMut<Progress>,
    written: Res<ShotsWritten>,
    state: Res<State<AppState>>,
    phase: Option<Res<State<DreamPhase>>>,
    levels: Res<Levels>,
    mut commands: Commands,
    mut next: ResMut<NextState<AppState>>,
    mut next_pause: ResMut<NextState<Pause>>,
    mut free_dive: ResMut<FreeDive>,
    mut settings_menu: ResMut<crate::menus::SettingsMenu>,
    mut exit: MessageWriter<AppExit>,
    mut juno: Query<(&mut Transform, &mut LookAngles), With<Juno>>,
    anchors: Query<&Transform, (With<MemoryAnchor>, Without<Juno>)>,
    dream: Option<Res<CurrentDream>>,
) {
    progress.frames += 1;
    let steps = pilot.steps();
    let Some(&step) = steps.get(progress.step) else {
        // Every picture is written (or none was asked for): done. Without pictures the
        // player now has the dream to themselves.
        if pilot.tour.is_some() || pilot.screenshot.is_some() {
            exit.write(AppExit::Success);
        }
        return;
    };
    if progress.frames > pilot.max_frames {
        error!(
            "autopilot: stuck after {} frames; giving up",
            pilot.max_frames
        );
        exit.write(AppExit::error());
        return;
    }
    if progress.waiting_for_shot {
        if written.0 as usize > progress.step {
            progress.waiting_for_shot = false;
            progress.step += 1;
            progress.step_frames = 0;
        }
        return;
    }
    // Bring the game to the step's screen.
    let arrived = match (step, state.get()) {
        (_, AppState::Loading) => false,
        (Step::Title, AppState::Title) => true,
        (Step::FreeDive, AppState::Title) => {
            free_dive.0 = true;
            true
        }
        (Step::ControlRoom | Step::Dream, AppState::Title) => {
            next.set(AppState::ControlRoom);
            false
        }
        (Step::ControlRoom, AppState::ControlRoom) => true,
        (Step::Dream, AppState::ControlRoom) => {
            let Some(spec) = levels.library.dive(&pilot.dreamer) else {
                let known: Vec<&str> = levels.library.dreams.keys().map(String::as_str).collect();
                error!(
                    "autopilot: no playable dream {:?}; known: {}",
                    pilot.dreamer,
                    known.join(", ")
                );
                exit.write(AppExit::error());
                return;
            };
            let mut dive = ActiveDive::new(spec.clone());
            dive.loop_index = pilot.loop_index;
            commands.insert_resource(dive);
            next.set(AppState::Dream);
            false
        }
        (Step::Dream, AppState::Dream) => {
            let exploring = phase.is_some_and(|p| *p.get() == DreamPhase::Exploring);
            match (exploring, pilot.view, &dream) {
                (true, View::Core, Some(dream)) => {
                    view_core(&mut commands, &mut juno, dream, progress.step_frames == 0)
                }
                (true, _, _) => face_first_anchor(&mut juno, &anchors),
                _ => {}
            }
            exploring
        }
        (Step::Pause, AppState::Dream) => {
            next_pause.set(Pause::Paused);
            true
        }
        (Step::Settings, AppState::Dream) => {
            next_pause.set(Pause::Paused);
            settings_menu.open = true;
            true
        }
        _ => false,
    };
    if !arrived {
        progress.step_frames = 0;
        return;
    }
    progress.step_frames += 1;
    if progress.step_frames < pilot.settle_frames {
        return;
    }
    match pilot.picture(step) {
        Some(path) => {
            info!("autopilot: saving {}", path.display());
            progress.waiting_for_shot = true;
            commands
                .spawn(Screenshot::primary_window())
                .observe(save_to_disk(path))
                .observe(
                    |_: On<ScreenshotCaptured>, mut written: ResMut<ShotsWritten>| {
                        written.0 += 1;
                    },
                );
        }
        None => {
            progress.step += 1;
            progress.step_frames = 0;
        }
    }
}

/// Turns Juno and the camera so the first memory anchor is in the picture.
fn face_first_anchor(
    juno: &mut Query<(&mut Transform, &mut LookAngles), With<Juno>>,
    anchors: &Query<&Transform, (With<MemoryAnchor>, Without<Juno>)>,
) {
    if let Some(anchor) = anchors.iter().next() {
        face(juno, anchor.translation, -0.2);
    }
}

/// Stands Juno on the core's plaza, on the side of the spawn (on the first frame), and
/// turns her and the camera to face it.
fn view_core(
    commands: &mut Commands,
    juno: &mut Query<(&mut Transform, &mut LookAngles), With<Juno>>,
    dream: &CurrentDream,
    first: bool,
) {
    let core = dream.core.position;
    let away = (dream.spawn - core).with_y(0.0).normalize_or(Vec3::X);
    // On the plaza's level floor (reachable by construction), near its edge.
    let stand = core + away * (dream.core.radius - 1.5);
    if first {
        let ground = dream.heightfield.height_at(stand.xz());
        commands.trigger(PlaceJuno {
            feet: stand.with_y(ground.max(core.y) + 0.5),
        });
    }
    face(juno, core, -0.35);
}

/// Turns Juno and the camera towards `target`, the camera pitched by `pitch`.
fn face(juno: &mut Query<(&mut Transform, &mut LookAngles), With<Juno>>, target: Vec3, pitch: f32) {
    let Ok((mut juno, mut look)) = juno.single_mut() else {
        return;
    };
    let to = target - juno.translation;
    look.yaw = f32::atan2(-to.x, -to.z);
    look.pitch = pitch;
    juno.rotation = Quat::from_rotation_y(look.yaw);
}
