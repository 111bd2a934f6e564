//! Long work the control room needs, done without stalling a frame: the next game's desk
//! warming up (on another thread, or a slice each frame in the browser, whose task pools
//! run on the page's one thread) and the designer's comparison (a slice each frame
//! everywhere). However the work is sliced, it ends the same.

use std::time::Duration;

use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, block_on};

use super::desk::WarmUp;
use super::{ControlRoom, Desk};
use crate::levels::Levels;
use crate::levels::story::Story;
use crate::state::{AppState, Pause};

/// The most of a frame a slice of long work may take in a player's game. A minute of the
/// designer's two networks (8,000 sleeper-minutes) or of the desk's 12,000 sleepers
/// takes under a millisecond, so a slice ends within the 8 ms a frame may give to work
/// of this kind.
pub const WORK_FRAME_BUDGET: Duration = Duration::from_millis(4);

/// The most minutes the designer's comparison runs in a frame, however fast the machine:
/// its five days take at least two seconds at 60 frames a second.
pub const DESIGN_MINUTES_PER_FRAME: u64 = 60;

/// How much of a frame a slice of long work may take.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameShare {
    /// Until this much time has passed since the slice began: a player's game.
    Time(Duration),
    /// This many network minutes: a headless game, stepped by a fixed time, so that it
    /// runs the same on any machine.
    Minutes(u64),
}

impl Default for FrameShare {
    fn default() -> Self {
        Self::Time(WORK_FRAME_BUDGET)
    }
}

impl FrameShare {
    /// For a slice beginning now: asked before each minute, whether to run it.
    pub fn more(self) -> impl FnMut() -> bool {
        let began = bevy::platform::time::Instant::now();
        let mut asked = 0u64;
        move || match self {
            Self::Time(budget) => began.elapsed() < budget,
            Self::Minutes(most) => {
                asked += 1;
                asked <= most
            }
        }
    }
}

/// How the next game's desk is made.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskWarmUp {
    /// On another thread (the desktop).
    Background,
    /// A slice each frame (the browser; tests may ask for it natively).
    Slices,
}

impl Default for DeskWarmUp {
    fn default() -> Self {
        if cfg!(target_arch = "wasm32") {
            Self::Slices
        } else {
            Self::Background
        }
    }
}

/// The next game's desk, its network warming up (46 network hours of 12,000 sleepers
/// take over a second), from the title screen until Juno sits down.
#[derive(Resource)]
pub enum NextDesk {
    /// Made on another thread.
    Task(Task<Desk>),
    /// Made a slice each frame; taken when Juno sits down.
    Slices(Option<Box<WarmUp>>),
}

impl NextDesk {
    /// The warm-up's minutes still to run, when it is made in slices.
    pub fn minutes_left(&self) -> Option<u64> {
        match self {
            Self::Task(_) => None,
            Self::Slices(warm_up) => Some(warm_up.as_ref().map_or(0, |w| w.minutes_left())),
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<DeskWarmUp>()
        .init_resource::<FrameShare>()
        .add_systems(
            Update,
            (
                prepare_desk
                    .run_if(in_state(AppState::Title).and_then(not(resource_exists::<NextDesk>))),
                // On the title screen and on through a new game's prologue, until Juno
                // sits down and takes what is left of it.
                warm_desk.run_if(resource_exists::<NextDesk>.and_then(
                    in_state(AppState::Title).or_else(not(resource_exists::<ControlRoom>)),
                )),
            )
                .chain(),
        )
        .add_systems(
            Update,
            run_design
                .in_set(crate::AppSystems::Update)
                .run_if(resource_exists::<ControlRoom>)
                .run_if(in_state(AppState::ControlRoom).or_else(in_state(AppState::Dream))),
        );
}

fn prepare_desk(levels: Res<Levels>, how: Res<DeskWarmUp>, mut commands: Commands) {
    if !levels.ready {
        return;
    }
    let story = levels.library.story.clone();
    commands.insert_resource(match *how {
        DeskWarmUp::Background => {
            NextDesk::Task(AsyncComputeTaskPool::get().spawn(async move { Desk::new(&story) }))
        }
        DeskWarmUp::Slices => NextDesk::Slices(Some(Box::new(WarmUp::begin(&story)))),
    });
}

/// The next desk's warm-up, a slice this frame (when it is made in slices).
fn warm_desk(mut next: ResMut<NextDesk>, share: Res<FrameShare>) {
    if let NextDesk::Slices(Some(warm_up)) = &mut *next {
        warm_up.run_while(share.more());
    }
}

/// The desk prepared for a new game, its warm-up finished now if it is not yet (waited
/// for on its thread, or what is left of its slices run at once); a desk made now if
/// none was prepared.
pub(super) fn take_next_desk(next: Option<&mut NextDesk>, story: &Story) -> Desk {
    match next {
        Some(NextDesk::Task(task)) => block_on(task),
        Some(NextDesk::Slices(warm_up)) => match warm_up.take() {
            Some(warm_up) => warm_up.finish(story),
            None => Desk::new(story),
        },
        None => Desk::new(story),
    }
}

/// The designer's comparison, a slice each frame, as the network runs: at the desk, and
/// during the console's dives while the dream is not paused. It runs on the frame's own
/// thread everywhere (in the browser there is no other), so a long run never stalls a
/// frame.
fn run_design(
    mut room: ResMut<ControlRoom>,
    share: Res<FrameShare>,
    screen: Res<State<AppState>>,
    pause: Option<Res<State<Pause>>>,
) {
    let dreaming = *screen.get() == AppState::Dream;
    if dreaming
        && (room.0.console.diving.is_none() || pause.is_some_and(|p| *p.get() == Pause::Paused))
    {
        return;
    }
    if let Some(run) = room.0.design.run.as_mut().filter(|run| !run.done()) {
        run.advance_while(DESIGN_MINUTES_PER_FRAME, share.more());
    }
}
