//! Straight into a dream from the command line: `sleep-sync --dive ID [--loop N]`, and
//! with `--screenshot FILE [--view spawn|core]` a picture of it once it has rendered and
//! no shader is left compiling, then exit. The picture-taking here is shared with the
//! dev build's tour of every screen (`dev::autopilot`).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy::render::render_resource::PipelineCache;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::render::{Render, RenderApp, RenderSystems};

use crate::commands::View;
use crate::dive::{ActiveDive, CurrentDream, MemoryAnchor};
use crate::juno::{Juno, LookAngles, PlaceJuno};
use crate::levels::Levels;
use crate::state::{AppState, DreamPhase};

/// Give up (and exit with an error) after this many frames.
pub(crate) const MAX_FRAMES: u32 = 20_000;

/// Whether a scripted run (the straight dive, the tour, the pacing run) is past
/// [`MAX_FRAMES`] frames: then it says `stuck` and ends the game with an error.
pub(crate) fn out_of_frames(frames: u32, stuck: &str, exit: &mut MessageWriter<AppExit>) -> bool {
    if frames <= MAX_FRAMES {
        return false;
    }
    error!("{stuck} after {MAX_FRAMES} frames; giving up");
    exit.write(AppExit::error());
    true
}

/// Dive straight into a dream, through the control room, and perhaps take its picture.
#[derive(Resource, Debug, Clone)]
pub struct DiveStraightIn {
    /// The dream's id.
    pub dream: String,
    /// The loop to start at (0 = the first).
    pub loop_index: u32,
    /// Where to save the dream's picture before exiting; `None` leaves the dream to the
    /// player.
    pub picture: Option<PathBuf>,
    /// Where the picture is taken from.
    pub view: View,
}

/// Adds the straight dive. Needs [`crate::ClientPlugin`] and a [`DiveStraightIn`].
pub fn plugin(app: &mut App) {
    pictures_plugin(app);
    app.add_systems(
        Update,
        dive_straight_in.run_if(resource_exists::<DiveStraightIn>),
    );
}

/// Frames to let a screen render before its picture (shadows, fog, egui settle); from
/// the core Juno is moved, and the camera needs time to follow.
pub(crate) fn settle_frames(view: View) -> u32 {
    match view {
        View::Spawn => 15,
        View::Core => 45,
    }
}

/// Frames measured for `SLEEP_SYNC_FRAME_LOG` once the dream is in place.
const MEASURED_FRAMES: usize = 60;

/// How far the straight dive has come.
#[derive(Debug, Default)]
struct Progress {
    /// Frames measured so far (with `SLEEP_SYNC_FRAME_LOG` set): the whole frame's
    /// length and the game's side of the last frame, milliseconds.
    measured: Vec<(f32, f32)>,
    frames: u32,
    /// Frames the dream has been in place for its picture.
    in_place: u32,
    /// The picture has been asked for and is not written yet.
    waiting: bool,
    done: bool,
}

#[allow(clippy::too_many_arguments)]
fn dive_straight_in(
    request: Res<DiveStraightIn>,
    time: Res<Time<Real>>,
    meter: Option<Res<crate::long_work::WorkMeter>>,
    mut progress: Local<Progress>,
    state: Res<State<AppState>>,
    phase: Option<Res<State<DreamPhase>>>,
    levels: Res<Levels>,
    dream: Option<Res<CurrentDream>>,
    mut next: ResMut<NextState<AppState>>,
    mut juno: Query<(&mut Transform, &mut LookAngles), With<Juno>>,
    anchors: Query<&Transform, (With<MemoryAnchor>, Without<Juno>)>,
    mut pictures: Pictures,
    mut commands: Commands,
    mut exit: MessageWriter<AppExit>,
) {
    if progress.done {
        return;
    }
    progress.frames += 1;
    if out_of_frames(
        progress.frames,
        "sleep-sync: the dream was not ready",
        &mut exit,
    ) {
        progress.done = true;
        return;
    }
    if progress.waiting {
        if pictures.resolved() > 0 {
            if pictures.failed().is_empty() {
                info!("sleep-sync: {} picture written", pictures.written());
                exit.write(AppExit::Success);
            } else {
                exit.write(AppExit::error());
            }
            progress.done = true;
        }
        return;
    }
    let in_place = match state.get() {
        AppState::Loading | AppState::Scene => false,
        AppState::Title => {
            next.set(AppState::ControlRoom);
            false
        }
        AppState::ControlRoom => {
            match dive_for(&levels, &request.dream) {
                Ok(mut dive) => {
                    dive.loop_index = request.loop_index;
                    commands.insert_resource(dive);
                    next.set(AppState::Dream);
                }
                Err(problem) => {
                    error!("sleep-sync: --dive: {problem}");
                    exit.write(AppExit::error());
                    progress.done = true;
                }
            }
            false
        }
        AppState::Dream => {
            let exploring = phase.is_some_and(|p| *p.get() == DreamPhase::Exploring);
            match (exploring, request.view, &dream) {
                (true, View::Core, Some(dream)) => {
                    view_core(&mut commands, &mut juno, dream, progress.in_place == 0)
                }
                (true, _, _) => face_first_anchor(&mut juno, &anchors),
                _ => {}
            }
            exploring
        }
    };
    if !in_place {
        progress.in_place = 0;
        return;
    }
    if !pictures.settled(&mut progress.in_place, settle_frames(request.view)) {
        return;
    }
    // Measuring the frame: `SLEEP_SYNC_FRAME_LOG=FILE` writes the next frames' lengths
    // there before the picture is taken, a line per frame: the whole frame and the
    // game's side of it (`First` to `Last`, without the drawing), milliseconds
    // (`scripts/frame-cost.sh` and `scripts/release/check.sh` compare them).
    if let Some(log) = std::env::var_os("SLEEP_SYNC_FRAME_LOG")
        && progress.measured.len() < MEASURED_FRAMES
    {
        let game_side = meter
            .and_then(|m| m.last_frame())
            .map_or(f32::NAN, |f| f.millis);
        progress
            .measured
            .push((time.delta_secs() * 1000.0, game_side));
        if progress.measured.len() == MEASURED_FRAMES {
            let lines: String = progress
                .measured
                .iter()
                .map(|(whole, game)| format!("{whole:.3} {game:.3}\n"))
                .collect();
            if let Err(e) = std::fs::write(&log, lines) {
                error!("sleep-sync: cannot write the frame log: {e}");
            }
        } else {
            return;
        }
    }
    match &request.picture {
        Some(path) => {
            pictures.take(path.clone());
            progress.waiting = true;
        }
        // Without a picture the player now has the dream to themselves.
        None => progress.done = true,
    }
}

/// A dive into dream `id` from its first loop, or why there is none.
pub(crate) fn dive_for(levels: &Levels, id: &str) -> Result<ActiveDive, String> {
    match levels.library.dive(id) {
        Some(spec) => Ok(ActiveDive::new(spec.clone())),
        None => {
            let known: Vec<&str> = levels.library.dreams.keys().map(String::as_str).collect();
            Err(format!(
                "no playable dream {id:?}; known: {}",
                known.join(", ")
            ))
        }
    }
}

/// Render pipelines still compiling, as the render world last counted them. Shaders
/// compile in the background and whatever uses one is not drawn until it is ready: a
/// picture waits for none to be left (on a loaded machine under lavapipe that takes
/// seconds, and a picture taken earlier shows an empty dream).
#[derive(Resource, Clone, Default)]
struct PipelinesCompiling(Arc<AtomicUsize>);

/// Pictures written so far, and those that could not be.
#[derive(Resource, Debug, Default)]
struct PicturesTaken {
    written: u32,
    /// `path: why` of each picture not saved.
    failed: Vec<String>,
}

/// What [`Pictures`] needs: the count of pictures and of shaders still compiling.
pub(crate) fn pictures_plugin(app: &mut App) {
    let compiling = PipelinesCompiling::default();
    app.init_resource::<PicturesTaken>()
        .insert_resource(compiling.clone());
    if let Some(render) = app.get_sub_app_mut(RenderApp) {
        render
            .insert_resource(compiling)
            .add_systems(Render, count_compiling.in_set(RenderSystems::Cleanup));
    }
}

fn count_compiling(cache: Res<PipelineCache>, compiling: Res<PipelinesCompiling>) {
    compiling
        .0
        .store(cache.waiting_pipelines().count(), Ordering::Relaxed);
}

/// Pictures of the window, taken once the renderer has caught up (needs
/// [`pictures_plugin`]).
#[derive(SystemParam)]
pub(crate) struct Pictures<'w, 's> {
    taken: Res<'w, PicturesTaken>,
    compiling: Res<'w, PipelinesCompiling>,
    commands: Commands<'w, 's>,
}

impl Pictures<'_, '_> {
    /// Pictures written to disk so far.
    pub fn written(&self) -> u32 {
        self.taken.written
    }

    /// Pictures asked for that are done with: written, or failed.
    pub fn resolved(&self) -> usize {
        self.taken.written as usize + self.taken.failed.len()
    }

    /// Each picture that could not be saved, as `path: why`.
    pub fn failed(&self) -> &[String] {
        &self.taken.failed
    }

    /// Counts one more frame of a screen in place in `frames`; true once it has shown
    /// `settle` frames, the last few with no shader left compiling.
    pub fn settled(&self, frames: &mut u32, settle: u32) -> bool {
        *frames += 1;
        if self.compiling.0.load(Ordering::Relaxed) > 0 {
            *frames = (*frames).min(settle.saturating_sub(3));
        }
        *frames >= settle
    }

    /// Saves a picture of the window to `path` (its folder made if missing);
    /// [`Pictures::written`] counts it once written, [`Pictures::failed`] if it cannot be.
    pub fn take(&mut self, path: PathBuf) {
        info!("sleep-sync: saving {}", path.display());
        self.commands.spawn(Screenshot::primary_window()).observe(
            move |captured: On<ScreenshotCaptured>, mut taken: ResMut<PicturesTaken>| {
                match save_picture(&captured.image, &path) {
                    Ok(()) => taken.written += 1,
                    Err(why) => {
                        let failure = format!("{}: {why}", path.display());
                        error!("sleep-sync: the picture was not saved: {failure}");
                        taken.failed.push(failure);
                    }
                }
            },
        );
    }
}

/// Writes `image` to `path` as the picture format its name ends with (without the
/// alpha channel, which holds brightness when HDR is on), making its folder if missing.
fn save_picture(image: &Image, path: &std::path::Path) -> Result<(), String> {
    let picture = image
        .clone()
        .try_into_dynamic()
        .map_err(|e| format!("cannot convert the picture: {e}"))?
        .to_rgb8();
    if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|e| format!("cannot make its folder: {e}"))?;
    }
    picture.save(path).map_err(|e| e.to_string())
}

/// Turns Juno and the camera so the first memory anchor is in the picture.
pub(crate) fn face_first_anchor(
    juno: &mut Query<(&mut Transform, &mut LookAngles), With<Juno>>,
    anchors: &Query<&Transform, (With<MemoryAnchor>, Without<Juno>)>,
) {
    if let Some(anchor) = anchors.iter().next() {
        face(juno, anchor.translation, -0.2);
    }
}

/// Stands Juno on the core's plaza, on the side of the spawn (on the first frame), and
/// turns her and the camera to face it.
pub(crate) fn view_core(
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
pub(crate) fn face(
    juno: &mut Query<(&mut Transform, &mut LookAngles), With<Juno>>,
    target: Vec3,
    pitch: f32,
) {
    let Ok((mut juno, mut look)) = juno.single_mut() else {
        return;
    };
    let to = target - juno.translation;
    look.yaw = f32::atan2(-to.x, -to.z);
    look.pitch = pitch;
    juno.rotation = Quat::from_rotation_y(look.yaw);
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy::asset::RenderAssetUsages;
    use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

    #[test]
    fn a_picture_is_saved_into_a_new_folder_or_the_failure_is_said() {
        let image = Image::new_fill(
            Extent3d {
                width: 4,
                height: 2,
                depth_or_array_layers: 1,
            },
            TextureDimension::D2,
            &[200, 100, 50, 255],
            TextureFormat::Rgba8UnormSrgb,
            RenderAssetUsages::default(),
        );
        let dir = std::env::temp_dir().join(format!("sleep-sync-picture-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("new/folder/shot.png");
        assert_eq!(save_picture(&image, &path), Ok(()));
        let bytes = std::fs::read(&path).expect("written");
        assert_eq!(&bytes[1..4], b"PNG");
        let failed = save_picture(&image, std::path::Path::new("/dev/null/shot.png"));
        assert!(failed.is_err_and(|why| why.contains("cannot make its folder")));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
