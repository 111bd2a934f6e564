//! The autopilot: starts a dive without a player, waits for the dream to render, saves a
//! screenshot and exits. The rendered-frame test and the README's pictures use it:
//! `sleep-sync --dive leo --screenshot docs/leo.png`.

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};

use crate::dive::{ActiveDive, DreamPhase, MemoryAnchor};
use crate::juno::{Juno, LookAngles};
use crate::screens::{AppState, Roster};

/// What the autopilot should do.
#[derive(Resource, Debug, Clone)]
pub struct AutoPilot {
    /// The dreamer to dive into.
    pub dreamer: String,
    /// Which loop to start at (0 = the first).
    pub loop_index: u32,
    /// Where to save the screenshot, if anywhere.
    pub screenshot: Option<PathBuf>,
    /// Frames to let the dream render before the picture (shadows, fog, egui settle).
    pub settle_frames: u32,
    /// Give up (and exit with an error) after this many frames.
    pub max_frames: u32,
}

#[derive(Resource, Default)]
struct AutoPilotProgress {
    frames: u32,
    exploring_frames: u32,
    shot_taken: bool,
}

/// Adds the autopilot. Needs [`crate::ClientPlugin`].
pub fn plugin(app: &mut App) {
    app.init_resource::<AutoPilotProgress>()
        .add_systems(Update, drive.run_if(resource_exists::<AutoPilot>));
}

#[allow(clippy::too_many_arguments)]
fn drive(
    pilot: Res<AutoPilot>,
    mut progress: ResMut<AutoPilotProgress>,
    state: Res<State<AppState>>,
    phase: Option<Res<State<DreamPhase>>>,
    roster: Res<Roster>,
    mut commands: Commands,
    mut next: ResMut<NextState<AppState>>,
    mut exit: MessageWriter<AppExit>,
    mut juno: Query<(&mut Transform, &mut LookAngles), With<Juno>>,
    anchors: Query<&Transform, (With<MemoryAnchor>, Without<Juno>)>,
) {
    progress.frames += 1;
    if progress.frames > pilot.max_frames {
        error!(
            "autopilot: no screenshot after {} frames; giving up",
            pilot.max_frames
        );
        exit.write(AppExit::error());
        return;
    }
    match state.get() {
        AppState::Loading => {}
        AppState::Title => next.set(AppState::ControlRoom),
        AppState::ControlRoom => {
            let Some(dreamer) = roster.get(&pilot.dreamer) else {
                error!("autopilot: no dreamer with id {:?}", pilot.dreamer);
                exit.write(AppExit::error());
                return;
            };
            let mut dive = ActiveDive::new(dreamer.clone());
            dive.loop_index = pilot.loop_index;
            commands.insert_resource(dive);
            next.set(AppState::Dream);
        }
        AppState::Dream => {
            if phase.is_none_or(|p| *p.get() != DreamPhase::Exploring) {
                return;
            }
            progress.exploring_frames += 1;
            // Turn Juno so the first memory anchor is in the picture.
            if let (Ok((mut juno, mut look)), Some(anchor)) =
                (juno.single_mut(), anchors.iter().next())
            {
                let to_anchor = anchor.translation - juno.translation;
                look.yaw = f32::atan2(-to_anchor.x, -to_anchor.z);
                look.pitch = -0.32;
                juno.rotation = Quat::from_rotation_y(look.yaw);
            }
            let Some(path) = &pilot.screenshot else {
                return;
            };
            if progress.exploring_frames >= pilot.settle_frames && !progress.shot_taken {
                progress.shot_taken = true;
                info!("autopilot: saving screenshot to {}", path.display());
                commands
                    .spawn(Screenshot::primary_window())
                    .observe(save_to_disk(path.clone()))
                    .observe(
                        |_: On<ScreenshotCaptured>, mut exit: MessageWriter<AppExit>| {
                            exit.write(AppExit::Success);
                        },
                    );
            }
        }
    }
}
