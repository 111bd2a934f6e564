//! The autopilot's tour (`sleep-sync --tour DIR`, a dev build's): plays the game without
//! a player and saves a picture of each screen — title, free dive, control room, dream,
//! pause and settings; with `--nightmare` each hazard at work, a loop folding away, the
//! veiled core, the cast, the confrontation and the freed dreamer; with
//! `--control-room` the desk's panels through the story; with `--level-error` a mod's
//! dream file broken during a dive and the message that says where; with `--scenes` the
//! story's waking scenes; with `--colours` each hazard with and without it, in each
//! palette. The README's and docs' pictures are taken with it.

use std::path::PathBuf;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::desk::DeskView;
use super::nightmare::{Moment, Stage};
use crate::HALF_WINDOW_SIZE;
use crate::campaign::{AfterScene, ControlRoom, PlayingScene};
use crate::commands::{TourKind, View};
use crate::dive::{ActiveDive, CurrentDream, MemoryAnchor};
use crate::dream::HazardKind;
use crate::juno::{Juno, LookAngles};
use crate::levels::{Facts, LevelFolders, Levels, StoryFacts};
use crate::settings::Palette;
use crate::snapshot::{
    Pictures, dive_for, face_first_anchor, out_of_frames, pictures_plugin, settle_frames, view_core,
};
use crate::state::{AppState, DreamPhase, Menu, MenuCommand};

/// The tour to take.
#[derive(Resource, Debug, Clone)]
pub struct AutoPilot {
    /// Where the pictures go.
    pub dir: PathBuf,
    /// Which screens are pictured.
    pub kind: TourKind,
    /// The dream to dive into; `None` for the campaign's first.
    pub dream: Option<String>,
    /// The loop to start at (0 = the first).
    pub loop_index: u32,
    /// Where the dream's own picture is taken from.
    pub view: View,
}

/// Adds the tour. Needs [`crate::ClientPlugin`] and an [`AutoPilot`] resource.
pub fn plugin(app: &mut App) {
    pictures_plugin(app);
    saves_of_its_own(app);
    app.init_resource::<Progress>()
        .init_resource::<SaveFrames>()
        .add_systems(Update, drive.run_if(resource_exists::<AutoPilot>))
        .add_systems(
            Startup,
            small_window
                .run_if(|p: Option<Res<AutoPilot>>| p.is_some_and(|p| p.kind == TourKind::Colours)),
        )
        .add_systems(Startup, note_settings.run_if(resource_exists::<AutoPilot>))
        .add_systems(Last, log_save_frames.run_if(resource_exists::<AutoPilot>));
}

/// The settings the tour began with (the defaults, or those of `--settings FILE`),
/// written to `settings.toml` in its folder: what its pictures were taken with.
fn note_settings(pilot: Res<AutoPilot>, kept: crate::settings::Kept) {
    if let Err(e) = std::fs::write(pilot.dir.join("settings.toml"), kept.text()) {
        error!("autopilot: settings.toml: {e}");
    }
}

/// The game saves as it goes, into a folder of the tour's own (empty at the start, so
/// the title is pictured as a first-time player sees it; the player's saves are not
/// touched).
pub(super) fn saves_of_its_own(app: &mut App) {
    let saves = std::env::temp_dir().join(format!("sleep-sync-tour-saves-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&saves);
    app.insert_resource(crate::saves::SaveStore(Some(crate::store::Store::folder(
        saves,
    ))));
}

/// Every frame's length while a game is under way, with the autosaves begun so far:
/// written to `saves-frames.csv` in the tour's folder as it ends, for what an autosave
/// costs the rendered game's frame (`tests/rendered_frame.rs` prints it).
#[derive(Resource, Default)]
struct SaveFrames(Vec<(f64, u64, String)>);

fn log_save_frames(
    time: Res<Time<Real>>,
    status: Res<crate::saves::SaveStatus>,
    room: Option<Res<ControlRoom>>,
    pilot: Res<AutoPilot>,
    screens: Screens,
    mut frames: ResMut<SaveFrames>,
    mut exits: MessageReader<AppExit>,
) {
    if room.is_some() {
        let screen = match &screens.phase {
            Some(phase) => format!("{:?}:{:?}", screens.state.get(), phase.get()),
            None => format!("{:?}", screens.state.get()),
        };
        frames
            .0
            .push((time.delta_secs_f64() * 1000.0, status.autosaves, screen));
    }
    if exits.read().next().is_some() && !frames.0.is_empty() {
        let mut csv = String::from("frame_ms,autosaves,screen\n");
        for (ms, saves, screen) in &frames.0 {
            csv.push_str(&format!("{ms:.3},{saves},{screen}\n"));
        }
        if let Err(e) = std::fs::write(pilot.dir.join("saves-frames.csv"), csv) {
            error!("autopilot: saves-frames.csv: {e}");
        }
    }
}

/// Where the tour is.
#[derive(Resource, Debug, Default)]
struct Progress {
    frames: u32,
    /// Frames spent on the current step.
    step_frames: u32,
    step: usize,
    /// A picture was asked for and has not been written yet.
    waiting_for_shot: bool,
    /// The level file the tour broke, and its text as it was (put back as it ends).
    broken: Option<(PathBuf, String)>,
    /// The hazard kinds of the first loop the tour saw.
    kinds: Option<Vec<HazardKind>>,
    /// Every step is done and the exit asked for.
    finished: bool,
}

/// The screens the tour visits, in order.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Title,
    /// The title screen's list of every dream.
    FreeDive,
    ControlRoom,
    Dream,
    /// The same view of the dream without Juno: what her figure adds to the picture.
    DreamEmpty,
    Pause,
    /// The settings menu, opened from the pause menu.
    Settings,
    /// Settings → Controls, the bindings.
    Controls,
    /// The pause menu's "What was said".
    Said,
    /// A moment of the nightmare.
    Nightmare(Moment),
    /// A control room panel.
    Desk(DeskView),
    /// Back at the title with the game saved: the load screen.
    Load,
    /// In the dream, with its file broken on disk: the message saying where.
    LevelError,
    /// The story's `n`th waking scene (the prologue's first), as it opens or where it
    /// asks for an answer (for a scene without one, its last panel).
    Scene(usize, SceneShot),
    /// A hazard of `kind` reaching Juno, in `palette`; or, not `shown`, the same moment
    /// without it. The game's clock stands still from the first of a hazard's pictures
    /// to the last (and nothing flashes), so the pixels that differ between the two of
    /// a palette are the hazard's, and the second shows what is behind it.
    Colours {
        kind: HazardKind,
        palette: Palette,
        shown: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum SceneShot {
    Opening,
    Choice,
}

impl Step {
    /// The picture's file name.
    fn picture(self) -> String {
        match self {
            Step::Title => "title.png".to_owned(),
            Step::FreeDive => "free-dive.png".to_owned(),
            Step::ControlRoom => "control-room.png".to_owned(),
            Step::Dream => "dream.png".to_owned(),
            Step::DreamEmpty => "dream-empty.png".to_owned(),
            Step::Pause => "pause.png".to_owned(),
            Step::Settings => "settings.png".to_owned(),
            Step::Controls => "controls.png".to_owned(),
            Step::Said => "what-was-said.png".to_owned(),
            Step::Load => "load.png".to_owned(),
            Step::LevelError => "level-error.png".to_owned(),
            Step::Nightmare(moment) => moment.picture(),
            Step::Desk(view) => format!("control-room-{}.png", view.name()),
            Step::Scene(n, SceneShot::Opening) => format!("scene-{n}.png"),
            Step::Scene(n, SceneShot::Choice) => format!("scene-{n}-choice.png"),
            Step::Colours {
                kind,
                palette,
                shown,
            } => format!(
                "colours-{}-{}{}.png",
                kind.label().replace(' ', "-"),
                palette.name(),
                if shown { "" } else { "-bare" }
            ),
        }
    }

    /// Whether this is the first of a hazard's colour pictures, the one that stages it.
    fn first_of_its_hazard(self) -> bool {
        matches!(self, Step::Colours { palette, shown: true, .. } if palette == Palette::ALL[0])
    }
}

impl AutoPilot {
    /// The steps, given the hazard kinds of the dream in play (none before it forms).
    fn steps(&self, hazards: &[HazardKind], levels: &Levels) -> Vec<Step> {
        match self.kind {
            TourKind::Scenes => (0..story_scenes(levels).len())
                .flat_map(|n| [SceneShot::Opening, SceneShot::Choice].map(|s| Step::Scene(n, s)))
                .collect(),
            TourKind::ControlRoom => DeskView::ALL.map(Step::Desk).to_vec(),
            TourKind::LevelError => vec![Step::LevelError],
            // Not a tour of pictures: `dev::pacing` plays it.
            TourKind::Pacing => Vec::new(),
            TourKind::Nightmare => std::iter::once(Step::Dream)
                .chain(Moment::all(hazards).into_iter().map(Step::Nightmare))
                .collect(),
            TourKind::Colours => {
                let mut kinds: Vec<HazardKind> = Vec::new();
                for kind in hazards {
                    if !kinds.contains(kind) {
                        kinds.push(*kind);
                    }
                }
                let mut steps = vec![Step::Dream];
                for kind in kinds {
                    for palette in Palette::ALL {
                        for shown in [true, false] {
                            steps.push(Step::Colours {
                                kind,
                                palette,
                                shown,
                            });
                        }
                    }
                }
                steps
            }
            TourKind::Screens => vec![
                Step::Title,
                Step::FreeDive,
                Step::ControlRoom,
                Step::Dream,
                Step::DreamEmpty,
                Step::Pause,
                Step::Said,
                Step::Settings,
                Step::Controls,
                Step::Load,
            ],
        }
    }

    /// The dream to dive into: the one asked for, else the campaign's first.
    fn dream<'a>(&'a self, levels: &'a Levels) -> Result<&'a str, String> {
        self.dream
            .as_deref()
            .or_else(|| levels.library.campaign.first().map(String::as_str))
            .ok_or_else(|| "the campaign has no dives; pass --dive ID".to_owned())
    }
}

/// The screen the game is on, and the means to move it on.
#[derive(SystemParam)]
struct Screens<'w> {
    state: Res<'w, State<AppState>>,
    phase: Option<Res<'w, State<DreamPhase>>>,
    menu: Res<'w, State<Menu>>,
    next: ResMut<'w, NextState<AppState>>,
    menus: MessageWriter<'w, MenuCommand>,
}

impl Screens<'_> {
    fn exploring(&self) -> bool {
        self.phase
            .as_ref()
            .is_some_and(|p| *p.get() == DreamPhase::Exploring)
    }

    /// Opens `menu` (from where it is opened, `from`, if that is not open yet); true
    /// once it is open.
    fn open(&mut self, menu: Menu, from: Option<Menu>) -> bool {
        let open = *self.menu.get();
        if open == menu {
            return true;
        }
        let first = match from {
            Some(from) if open != from => from,
            _ => menu,
        };
        self.menus.write(MenuCommand::Open(first));
        false
    }
}

#[allow(clippy::too_many_arguments)]
fn drive(
    pilot: Res<AutoPilot>,
    mut progress: ResMut<Progress>,
    mut pictures: Pictures,
    mut screens: Screens,
    levels: Res<Levels>,
    folders: Res<LevelFolders>,
    mut commands: Commands,
    mut exit: MessageWriter<AppExit>,
    mut juno: Query<(&mut Transform, &mut LookAngles), With<Juno>>,
    anchors: Query<&Transform, (With<MemoryAnchor>, Without<Juno>)>,
    dream: Option<Res<CurrentDream>>,
    mut room: Option<ResMut<ControlRoom>>,
    playing: Option<Res<PlayingScene>>,
    mut stage: Stage,
) {
    progress.frames += 1;
    // The steps depend on the level files (the story's scenes): none before they load.
    if !levels.ready {
        return;
    }
    // The steps follow the first loop's hazards: a later loop (the tour lets one fold
    // away) may have others, and the steps must not shift under the tour.
    if progress.kinds.is_none()
        && let Some(dream) = &dream
    {
        progress.kinds = Some(dream.hazards.iter().map(|h| h.kind).collect());
    }
    let steps = pilot.steps(progress.kinds.as_deref().unwrap_or_default(), &levels);
    let Some(&step) = steps.get(progress.step) else {
        // Every picture is written: done (a broken file put back as it was).
        if let Some((path, text)) = progress.broken.take()
            && let Err(e) = std::fs::write(&path, text)
        {
            error!("autopilot: could not put back {}: {e}", path.display());
        }
        // Said once: the exit takes a frame.
        if std::mem::replace(&mut progress.finished, true) {
            return;
        }
        let failed = pictures.failed();
        if failed.is_empty() {
            info!(
                "autopilot: {} pictures written to {}",
                pictures.written(),
                pilot.dir.display()
            );
            exit.write(AppExit::Success);
        } else {
            error!(
                "autopilot: {} pictures written to {}, {} not saved: {}",
                pictures.written(),
                pilot.dir.display(),
                failed.len(),
                failed.join("; ")
            );
            exit.write(AppExit::error());
        }
        return;
    };
    if out_of_frames(progress.frames, "autopilot: stuck", &mut exit) {
        return;
    }
    if progress.waiting_for_shot {
        if pictures.resolved() > progress.step {
            progress.waiting_for_shot = false;
            progress.step += 1;
            progress.step_frames = 0;
        }
        return;
    }
    let first = progress.step_frames == 0;
    // Bring the game to the step's screen.
    let screen = *screens.state.get();
    let arrived = match (step, screen) {
        (_, AppState::Loading) => false,
        (Step::Title, AppState::Title) => true,
        (Step::FreeDive, AppState::Title) => screens.open(Menu::FreeDive, None),
        (Step::ControlRoom | Step::Dream | Step::Desk(_) | Step::LevelError, AppState::Title) => {
            screens.next.set(AppState::ControlRoom);
            false
        }
        (Step::ControlRoom, AppState::ControlRoom) => true,
        // A dive from the console: the link held, its channel over the dream.
        (Step::Desk(DeskView::Dive), AppState::ControlRoom) => {
            if let Some(mut dive) = tour_dive(&pilot, &levels, &mut exit) {
                dive.link = Some(0.8);
                commands.insert_resource(dive);
                screens.next.set(AppState::Dream);
            }
            false
        }
        (Step::Desk(DeskView::Dive), AppState::Dream) => {
            let exploring = screens.exploring();
            if exploring && first {
                face_first_anchor(&mut juno, &anchors);
            }
            exploring
        }
        (Step::Desk(view), AppState::ControlRoom) => match room.as_mut() {
            Some(room) => {
                if first {
                    view.stage(&mut room.0, &levels.library);
                }
                stage.use_palette(view.palette());
                true
            }
            None => false,
        },
        (Step::Dream | Step::LevelError, AppState::ControlRoom) => {
            if let Some(mut dive) = tour_dive(&pilot, &levels, &mut exit) {
                dive.loop_index = pilot.loop_index;
                commands.insert_resource(dive);
                screens.next.set(AppState::Dream);
            }
            false
        }
        (Step::Dream, AppState::Dream) => {
            let exploring = screens.exploring();
            match (exploring, pilot.view, &dream) {
                (true, View::Core, Some(dream)) => {
                    view_core(&mut commands, &mut juno, dream, first)
                }
                (true, _, _) => face_first_anchor(&mut juno, &anchors),
                _ => {}
            }
            exploring
        }
        (Step::DreamEmpty, AppState::Dream) => {
            stage.show_juno(false);
            true
        }
        (Step::Pause, AppState::Dream) => {
            stage.show_juno(true);
            screens.open(Menu::Pause, None)
        }
        (Step::Settings, AppState::Dream) => screens.open(Menu::Settings, Some(Menu::Pause)),
        (Step::Controls, AppState::Dream) => screens.open(Menu::Controls, Some(Menu::Settings)),
        (Step::Said, AppState::Dream) => screens.open(Menu::Transcript, Some(Menu::Pause)),
        (Step::Load, AppState::Dream | AppState::ControlRoom) => {
            screens.next.set(AppState::Title);
            false
        }
        (Step::Load, AppState::Title) => screens.open(Menu::Load, None),
        (Step::Scene(n, shot), AppState::Title | AppState::Scene) => {
            let wanted = story_scenes(&levels)
                .get(n)
                .and_then(|id| staged_scene(&levels, id, shot));
            let Some(wanted) = wanted else {
                error!("autopilot: scene {n} cannot be shown");
                exit.write(AppExit::error());
                return;
            };
            let there = playing
                .as_ref()
                .is_some_and(|p| p.id == wanted.id && p.at == wanted.at);
            if !there {
                commands.insert_resource(wanted);
                // Set again, the state would leave and enter, taking the scene away.
                if screen != AppState::Scene {
                    screens.next.set(AppState::Scene);
                }
            }
            there
        }
        // Once she is in the dream, its file is broken on disk; the picture waits for the
        // game to notice and say where.
        (Step::LevelError, AppState::Dream) if screens.exploring() => {
            if progress.broken.is_none() {
                face_first_anchor(&mut juno, &anchors);
                match pilot
                    .dream(&levels)
                    .and_then(|id| break_dream_file(&folders, id))
                {
                    Ok(broken) => progress.broken = Some(broken),
                    Err(problem) => {
                        error!("autopilot: {problem}");
                        exit.write(AppExit::error());
                    }
                }
            }
            !levels.report.errors.is_empty()
        }
        (Step::Nightmare(moment), AppState::Dream) => match &dream {
            Some(dream) => stage.set(moment, dream, &mut juno, first),
            None => false,
        },
        // The moment is staged for its first picture; the clock stops as that is taken
        // (below), and the others are of the same instant.
        (
            Step::Colours {
                kind,
                palette,
                shown,
            },
            AppState::Dream,
        ) => match &dream {
            Some(dream) => {
                stage.use_palette(palette);
                stage.hold_still();
                stage.show_hazards(shown);
                if step.first_of_its_hazard() {
                    stage.set(Moment::Hazard(kind), dream, &mut juno, first)
                } else {
                    true
                }
            }
            None => false,
        },
        _ => false,
    };
    if !arrived {
        progress.step_frames = 0;
        return;
    }
    // With the clock stopped only what changed needs drawing: the new colours or the
    // hidden hazard, or a menu over the paused dream (and Juno shown again behind it).
    let settle = match step {
        Step::Colours { .. } if !step.first_of_its_hazard() => FROZEN_SETTLE_FRAMES,
        Step::Pause | Step::Said | Step::Settings | Step::Controls => FROZEN_SETTLE_FRAMES,
        _ => settle_frames(pilot.view),
    };
    if !pictures.settled(&mut progress.step_frames, settle) {
        return;
    }
    progress.waiting_for_shot = true;
    pictures.take(pilot.dir.join(step.picture()));
    if step.first_of_its_hazard() {
        stage.freeze();
    }
}

/// Frames a picture of a stopped moment waits for what changed in it to be drawn.
const FROZEN_SETTLE_FRAMES: u32 = 4;

/// The colour tour's pictures are measured, not looked at: a quarter of the pixels
/// renders four times as fast under a software renderer, and the measures are shares
/// and means. Physical pixels: with `--half-size` as well they are laid out as at
/// 1280×720, without it as at 640×360 (the tests' pictures).
fn small_window(mut window: Single<&mut Window>) {
    window
        .resolution
        .set_physical_resolution(HALF_WINDOW_SIZE.x, HALF_WINDOW_SIZE.y);
}

/// The story's waking scenes in the order a player meets them: the prologue's, the
/// rift's, then each ending's (a scene two endings share, once) and the credits.
fn story_scenes(levels: &Levels) -> Vec<&str> {
    let mut scenes: Vec<&str> = Vec::new();
    for (_, id) in levels.library.story.scene_ids() {
        if !scenes.contains(&id) {
            scenes.push(id);
        }
    }
    scenes
}

/// Scene `id` where `shot` pictures it: as it opens, or with every line of its choice's
/// panel said and the answers offered (a scene without a choice, at its last panel).
fn staged_scene(levels: &Levels, id: &str, shot: SceneShot) -> Option<PlayingScene> {
    let mut playing =
        PlayingScene::begin(levels, id, StoryFacts::default(), AfterScene::Desk(None))?;
    if shot == SceneShot::Opening {
        return Some(playing);
    }
    let scene = &levels.library.scenes.get(id)?.value;
    let facts = StoryFacts::default();
    loop {
        let waking = Facts::waking(&facts);
        if !scene.options(&playing.at, &waking).is_empty() {
            return Some(playing);
        }
        let before = playing.at.clone();
        if !scene.next(&mut playing.at, &waking) {
            return Some(PlayingScene {
                at: before,
                ..playing
            });
        }
    }
}

/// Breaks the dream file of `dream` in the last mod folder the way a modder might (a
/// loop far too short), returning its path and its text as it was. Only a mod folder
/// in the temporary directory (a copy made for the picture) is touched.
fn break_dream_file(folders: &LevelFolders, dream: &str) -> Result<(PathBuf, String), String> {
    let folder = folders
        .0
        .iter()
        .skip(1)
        .next_back()
        .ok_or("--level-error: no mod folder")?;
    let temp = std::env::temp_dir();
    let inside_temp = std::fs::canonicalize(&folder.path)
        .ok()
        .zip(std::fs::canonicalize(&temp).ok())
        .is_some_and(|(path, temp)| path.starts_with(temp));
    if !inside_temp {
        return Err(format!(
            "--level-error edits the mod's files: give it a copy in {}, not {}",
            temp.display(),
            folder.path.display()
        ));
    }
    let wanted = format!("id: \"{dream}\"");
    let mut dirs = vec![folder.path.clone()];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for path in entries.flatten().map(|e| e.path()) {
            // Links are not followed: nothing outside the copy is written.
            if path.is_symlink() {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if !path.to_string_lossy().ends_with(".dream.ron") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if !text.contains(&wanted) {
                continue;
            }
            let Some(at) = text.find("loop_seconds:") else {
                continue;
            };
            // The value runs to the comma or the end of its line.
            let end = text[at..].find([',', '\n']).map_or(text.len(), |e| at + e);
            let broken = format!("{}loop_seconds: 4.0{}", &text[..at], &text[end..]);
            std::fs::write(&path, broken).map_err(|e| format!("{}: {e}", path.display()))?;
            return Ok((path, text));
        }
    }
    Err(format!(
        "--level-error: no dream file with {wanted} and a loop_seconds in {}",
        folder.path.display()
    ))
}

/// A dive into the tour's dream, from its first loop; or the tour ends, saying why
/// there is none.
fn tour_dive(
    pilot: &AutoPilot,
    levels: &Levels,
    exit: &mut MessageWriter<AppExit>,
) -> Option<ActiveDive> {
    match pilot.dream(levels).and_then(|id| dive_for(levels, id)) {
        Ok(dive) => Some(dive),
        Err(problem) => {
            error!("autopilot: {problem}");
            exit.write(AppExit::error());
            None
        }
    }
}
