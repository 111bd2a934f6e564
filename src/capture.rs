//! The autopilot: plays the game without a player for tests and pictures. It can dive
//! straight into a dream and save a screenshot once it has rendered
//! (`sleep-sync --dive leo --screenshot leo.png`), or tour every screen — title,
//! control room, dream, pause menu — saving one picture each (`sleep-sync --tour DIR`).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bevy::prelude::*;
use bevy::render::render_resource::PipelineCache;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
use bevy::render::{Render, RenderApp, RenderSystems};

use crate::dive::{
    ActiveDive, CurrentDream, DreamPhase, Hazard, LoopState, MemoryAnchor, NightmareLoop,
    PendingAnswer, can_say,
};
use crate::dream::HazardKind;
use crate::juno::{Juno, LookAngles, PlaceJuno};
use crate::levels::Levels;
use crate::levels::Next;
use crate::levels::story::Story;
use crate::screens::control_room::design::DesignRun;
use crate::screens::control_room::{ControlRoom, Desk, Panel};
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
    /// With `tour`: instead of the menus, the nightmare — each hazard at work, the veiled
    /// core, the confrontation and the freed moment.
    pub nightmare: bool,
    /// With `tour`: instead of the menus, the control room's panels, staged as a player
    /// would have them through the story.
    pub control_room: bool,
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
    /// A hazard of this kind, reaching Juno.
    Hazard(HazardKind),
    /// The core, veiled while Juno understands too little.
    CoreVeiled,
    /// Talking with the dreamer at the core.
    Confrontation,
    /// The dreamer freed.
    Freed,
    /// A control room panel.
    Desk(DeskView),
}

/// A picture of the control room, staged as the story would have it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DeskView {
    Overview,
    Sleeper,
    Inspector,
    Inbox,
    Confrontation,
    Overload,
    Console,
    Alternative,
    /// A dive started from the console, with Father's channel.
    Dive,
}

impl DeskView {
    pub const ALL: [DeskView; 9] = [
        DeskView::Overview,
        DeskView::Sleeper,
        DeskView::Inspector,
        DeskView::Inbox,
        DeskView::Confrontation,
        DeskView::Overload,
        DeskView::Console,
        DeskView::Alternative,
        DeskView::Dive,
    ];

    fn name(self) -> &'static str {
        match self {
            DeskView::Overview => "overview",
            DeskView::Sleeper => "sleeper",
            DeskView::Inspector => "inspector",
            DeskView::Inbox => "inbox",
            DeskView::Confrontation => "confrontation",
            DeskView::Overload => "overload",
            DeskView::Console => "console",
            DeskView::Alternative => "alternative",
            DeskView::Dive => "dive",
        }
    }

    /// Brings the desk to this picture's moment, through the same calls the panels make.
    fn stage(self, desk: &mut Desk, story: &Story) {
        use crate::levels::story::Action;
        use crate::network::analysis::Query;
        use crate::network::{Cohort, Measure, Param};
        desk.paused = true;
        let found = |desk: &mut Desk| {
            desk.query = Query {
                param: Param::Continuity,
                measure: Measure::Valence,
                cohort: Cohort::All,
                lag: 10,
                window: 1440,
            };
            desk.analyse();
            desk.pin(story);
        };
        match self {
            DeskView::Overview => desk.open = [Panel::Overview, Panel::Inbox].into(),
            DeskView::Sleeper => {
                desk.selected = 0;
                desk.open = [Panel::Overview, Panel::Sleeper].into();
            }
            DeskView::Inspector => {
                desk.query.param = Param::LinkGain;
                desk.query.measure = Measure::Arousal;
                desk.analyse();
                desk.pin(story);
                found(desk);
                desk.open = [Panel::Overview, Panel::Algorithm].into();
            }
            DeskView::Inbox => {
                desk.open_message = story
                    .messages
                    .iter()
                    .position(|m| m.action == Some(Action::Confront));
                desk.read.extend(desk.open_message);
                desk.open = [Panel::Overview, Panel::Inbox].into();
            }
            DeskView::Confrontation => {
                desk.act(Action::Confront, story);
                desk.next_line(story);
            }
            DeskView::Overload => {
                while desk.confrontation.is_some() {
                    desk.next_line(story);
                }
                desk.network.run(150);
                desk.open = [Panel::Overview, Panel::Inbox].into();
            }
            DeskView::Console => {
                desk.open = [Panel::Overview, Panel::Console].into();
                desk.calibrate("leo");
                if let Some(c) = &mut desk.console.calibration {
                    for _ in 0..200 {
                        let push = (-2.5 * c.error - 0.8 * c.velocity()).clamp(-1.0, 1.0);
                        c.step(1.0 / 60.0, push);
                    }
                }
            }
            // Staged by the autopilot itself: it starts the dive.
            DeskView::Dive => {}
            DeskView::Alternative => {
                desk.freed("leo", story);
                desk.freed("mara", story);
                desk.run_design();
                if let Some(run) = &mut desk.design.run {
                    run.advance(DesignRun::total_minutes());
                }
                desk.adopt(story);
                desk.open = [Panel::Alternative].into();
            }
        }
    }
}

/// Render pipelines still compiling, as the render world last counted them. Shaders
/// compile in the background and whatever uses one is not drawn until it is ready: a
/// picture waits for none to be left (on a loaded machine under lavapipe that takes
/// seconds, and a picture taken earlier shows an empty dream).
#[derive(Resource, Clone, Default)]
struct PipelinesCompiling(Arc<AtomicUsize>);

/// Pictures written, and whether the renderer is ready for the next.
#[derive(bevy::ecs::system::SystemParam)]
struct Shots<'w> {
    written: Res<'w, ShotsWritten>,
    compiling: Res<'w, PipelinesCompiling>,
}

/// Adds the autopilot. Needs [`crate::ClientPlugin`] and an [`AutoPilot`] resource.
pub fn plugin(app: &mut App) {
    let compiling = PipelinesCompiling::default();
    app.init_resource::<Progress>()
        .init_resource::<ShotsWritten>()
        .insert_resource(compiling.clone())
        .add_systems(Update, drive.run_if(resource_exists::<AutoPilot>));
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

impl AutoPilot {
    /// The steps, given the hazard kinds of the dream in play (none before it forms).
    fn steps(&self, hazards: &[HazardKind]) -> Vec<Step> {
        if self.tour.is_some() && self.control_room {
            return DeskView::ALL.map(Step::Desk).to_vec();
        }
        match (&self.tour, self.nightmare) {
            (Some(_), true) => {
                let mut steps = vec![Step::Dream];
                for kind in hazards {
                    if !steps.contains(&Step::Hazard(*kind)) {
                        steps.push(Step::Hazard(*kind));
                    }
                }
                steps.extend([Step::CoreVeiled, Step::Confrontation, Step::Freed]);
                steps
            }
            (Some(_), false) => vec![
                Step::Title,
                Step::FreeDive,
                Step::ControlRoom,
                Step::Dream,
                Step::Pause,
                Step::Settings,
            ],
            (None, _) => vec![Step::Dream],
        }
    }

    /// Where the picture of `step` goes, if it gets one.
    fn picture(&self, step: Step) -> Option<PathBuf> {
        let name = match step {
            Step::Title => "title.png".to_owned(),
            Step::FreeDive => "free-dive.png".to_owned(),
            Step::ControlRoom => "control-room.png".to_owned(),
            Step::Dream => "dream.png".to_owned(),
            Step::Pause => "pause.png".to_owned(),
            Step::Settings => "settings.png".to_owned(),
            Step::Hazard(kind) => format!("hazard-{}.png", kind.label().replace(' ', "-")),
            Step::CoreVeiled => "core-veiled.png".to_owned(),
            Step::Confrontation => "confrontation.png".to_owned(),
            Step::Freed => "freed.png".to_owned(),
            Step::Desk(view) => format!("control-room-{}.png", view.name()),
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
    shots: Shots,
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
    mut stage: Stage,
) {
    progress.frames += 1;
    let kinds: Vec<HazardKind> = dream
        .as_ref()
        .map(|d| d.hazards.iter().map(|h| h.kind).collect())
        .unwrap_or_default();
    let steps = pilot.steps(&kinds);
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
        if shots.written.0 as usize > progress.step {
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
        (Step::ControlRoom | Step::Dream | Step::Desk(_), AppState::Title) => {
            next.set(AppState::ControlRoom);
            false
        }
        (Step::ControlRoom, AppState::ControlRoom) => true,
        // A dive from the console: Father's channel over the dream.
        (Step::Desk(DeskView::Dive), AppState::ControlRoom) => {
            if let Some(spec) = levels.library.dive(&pilot.dreamer) {
                let mut dive = ActiveDive::new(spec.clone());
                dive.link = Some(0.8);
                commands.insert_resource(dive);
                next.set(AppState::Dream);
            }
            false
        }
        (Step::Desk(DeskView::Dive), AppState::Dream) => {
            let exploring = phase.is_some_and(|p| *p.get() == DreamPhase::Exploring);
            if exploring && progress.step_frames == 0 {
                face_first_anchor(&mut juno, &anchors);
            }
            exploring
        }
        (Step::Desk(view), AppState::ControlRoom) => match stage.room.as_mut() {
            Some(room) => {
                if progress.step_frames == 0 {
                    view.stage(&mut room.0, &levels.library.story);
                }
                true
            }
            None => false,
        },
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
        (
            Step::Hazard(_) | Step::CoreVeiled | Step::Confrontation | Step::Freed,
            AppState::Dream,
        ) => match &dream {
            Some(dream) => stage.set(step, dream, &mut juno, progress.step_frames == 0),
            None => false,
        },
        _ => false,
    };
    if !arrived {
        progress.step_frames = 0;
        return;
    }
    progress.step_frames += 1;
    // Settled once no shader is left compiling, a few frames after the last one.
    if shots.compiling.0.load(Ordering::Relaxed) > 0 {
        progress.step_frames = progress
            .step_frames
            .min(pilot.settle_frames.saturating_sub(3));
    }
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

/// What the nightmare tour moves about to stage its pictures.
#[derive(bevy::ecs::system::SystemParam)]
struct Stage<'w, 's> {
    commands: Commands<'w, 's>,
    dive: Option<ResMut<'w, ActiveDive>>,
    nightmare: Option<ResMut<'w, NightmareLoop>>,
    answer: ResMut<'w, PendingAnswer>,
    room: Option<ResMut<'w, ControlRoom>>,
    hazards: Query<'w, 's, (&'static Hazard, &'static Transform), Without<Juno>>,
}

impl Stage<'_, '_> {
    /// Sets up `step`'s picture (placing Juno on its first frame); true once it is ready
    /// to be taken.
    fn set(
        &mut self,
        step: Step,
        dream: &CurrentDream,
        juno: &mut Query<(&mut Transform, &mut LookAngles), With<Juno>>,
        first: bool,
    ) -> bool {
        let (Some(dive), Some(nightmare)) = (self.dive.as_mut(), self.nightmare.as_mut()) else {
            return false;
        };
        let rules = dive.spec.dream.nightmare;
        let place = |commands: &mut Commands, xz: Vec2| {
            let ground = dream.heightfield.height_at(xz);
            commands.trigger(PlaceJuno {
                feet: Vec3::new(xz.x, ground + 0.05, xz.y),
            });
        };
        match step {
            Step::Hazard(kind) => {
                let Some((hazard, at)) = self
                    .hazards
                    .iter()
                    .find(|(h, _)| h.kind == kind)
                    .map(|(h, t)| (*h, t.translation))
                else {
                    return true;
                };
                // Where it reaches her, looking at it from a few steps away.
                let (distance, look_at, pitch) = match kind {
                    HazardKind::Chaser => (5.0, at, -0.25),
                    HazardKind::MirrorCopy => (4.0, hazard.home, -0.3),
                    HazardKind::DissolvingGround => {
                        (rules.dissolving_ground.radius + 1.5, hazard.home, -0.6)
                    }
                    // Inside its edge, the camera outside: the pool seen whole.
                    HazardKind::RisingFog => (
                        (rules.rising_fog.radius - 2.5).max(2.0),
                        hazard.home + Vec3::Y * 2.0,
                        -0.3,
                    ),
                    HazardKind::RisingWater => (4.0, hazard.home + Vec3::Y * 2.0, -0.15),
                    HazardKind::Strings => (5.0, hazard.home + Vec3::Y * 3.0, -0.1),
                    HazardKind::Watcher => (9.0, hazard.home + Vec3::Y * 2.5, -0.2),
                };
                let stand = vantage(dream, look_at, distance);
                if first {
                    // A fresh meter for each picture: the tour is not a test of nerve.
                    self.commands.insert_resource(crate::dive::Lucidity::full());
                    // Pools are pictured late in the loop, when they have risen; the
                    // rest early, so the loop does not end under the picture.
                    let late = matches!(kind, HazardKind::RisingFog | HazardKind::RisingWater);
                    let length = nightmare.timer.duration();
                    nightmare
                        .timer
                        .set_elapsed(length.mul_f32(if late { 0.8 } else { 0.1 }));
                    place(&mut self.commands, stand);
                }
                // The camera stands behind her, so she faces it from the far side.
                face(juno, look_at, pitch);
                true
            }
            Step::CoreVeiled => {
                let core = dream.core.position;
                let away = (dream.spawn - core).with_y(0.0).normalize_or(Vec3::X);
                if first {
                    self.commands.insert_resource(crate::dive::Lucidity::full());
                    let length = nightmare.timer.duration();
                    nightmare.timer.set_elapsed(length.mul_f32(0.1));
                    dive.understood.clear();
                    place(&mut self.commands, (core + away * 5.0).xz());
                }
                face(juno, core, -0.3);
                true
            }
            Step::Confrontation => {
                let core = dream.core.position;
                let away = (dream.spawn - core).with_y(0.0).normalize_or(Vec3::X);
                if first {
                    dive.understood = (0..dive.spec.dream.anchors.len()).collect();
                    place(&mut self.commands, (core + away * 2.0).xz());
                }
                face(juno, core + Vec3::Y * 1.0, -0.15);
                matches!(nightmare.state, LoopState::Confronting { .. })
            }
            Step::Freed => {
                if let LoopState::Confronting { node } = &nightmare.state
                    && self.answer.0.is_none()
                {
                    // The words that free them: towards Free, with what she understands.
                    let understood = dive.understood.len();
                    self.answer.0 = dive.spec.dialogue.node(node).and_then(|node| {
                        node.choices
                            .iter()
                            .enumerate()
                            .filter(|(_, c)| can_say(c, understood) && c.next != Next::Relapse)
                            .max_by_key(|(_, c)| (c.next == Next::Free, c.needs_anchors))
                            .map(|(i, _)| i)
                    });
                }
                nightmare.state == LoopState::Freed
            }
            _ => true,
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

/// Where to stand `distance` metres from `target` so the camera behind Juno has room:
/// of twelve directions, the one on reachable ground whose camera boom the ground
/// shortens least.
fn vantage(dream: &CurrentDream, target: Vec3, distance: f32) -> Vec2 {
    let ground = |xz: Vec2| dream.heightfield.height_at(xz);
    let mut best = (f32::MIN, target.xz() + Vec2::X * distance);
    for k in 0..12 {
        let out = Vec2::from_angle(k as f32 * std::f32::consts::TAU / 12.0);
        let stand = target.xz() + out * distance;
        let (x, z) = dream.heightfield.nearest_sample(stand);
        let n = dream.heightfield.samples();
        if !dream.reachable.get(z * n + x).copied().unwrap_or(false) {
            continue;
        }
        let eye = Vec3::new(stand.x, ground(stand) + 1.7, stand.y);
        let to = target - eye;
        let look = LookAngles {
            yaw: f32::atan2(-to.x, -to.z),
            pitch: -0.25,
        };
        let camera = crate::juno::camera_position(eye, look, 7.0, None, ground);
        let room = camera.distance(eye);
        if room > best.0 + 0.25 {
            best = (room, stand);
        }
    }
    best.1
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
