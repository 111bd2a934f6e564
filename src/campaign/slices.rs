//! Long work the control room needs, done without stalling a frame (see
//! [`crate::long_work`]): the next game's desk warming up (on another thread, or a slice
//! each frame in the browser) and the designer's comparison (a slice each frame
//! everywhere). However the work is sliced, it ends the same.

use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, block_on};

use super::desk::WarmUp;
use super::{ControlRoom, Desk};
use crate::levels::Levels;
use crate::levels::story::Story;
use crate::long_work::{FrameShare, LongWork, WorkMeter};
use crate::state::{AppState, Pause};

/// The most minutes the designer's comparison runs in a frame, however fast the machine:
/// its five days take at least two seconds at 60 frames a second.
pub const DESIGN_MINUTES_PER_FRAME: u64 = 60;

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

/// Whether the next desk is warmed up ahead, from the title screen on (the game: a new
/// game then sits down at once), or made when Juno first sits down (headless apps: no
/// player waits at their title, and each test app passing it spent a second of a core
/// on a desk it never used). Either way the desk is the same.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeskAhead(pub bool);

impl Default for DeskAhead {
    fn default() -> Self {
        Self(true)
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<DeskAhead>();
    app.add_systems(
        Update,
        (
            prepare_desk.run_if(
                in_state(AppState::Title)
                    .and_then(not(resource_exists::<NextDesk>))
                    .and_then(resource_equals(DeskAhead(true))),
            ),
            // On the title screen and on through a new game's prologue, until Juno
            // sits down and takes what is left of it.
            warm_desk.run_if(
                resource_exists::<NextDesk>.and_then(
                    in_state(AppState::Title).or_else(not(resource_exists::<ControlRoom>)),
                ),
            ),
        )
            .chain()
            // After a forming dream (in `TickTimers`), which comes first in the frame's
            // share of long work.
            .in_set(crate::AppSystems::Update),
    )
    .add_systems(
        Update,
        run_design
            .in_set(crate::AppSystems::Update)
            .run_if(resource_exists::<ControlRoom>)
            .run_if(in_state(AppState::ControlRoom).or_else(in_state(AppState::Dream))),
    );
}

fn prepare_desk(levels: Res<Levels>, how: Res<LongWork>, mut commands: Commands) {
    if !levels.ready {
        return;
    }
    let story = levels.library.story.clone();
    commands.insert_resource(match *how {
        LongWork::Background => {
            NextDesk::Task(AsyncComputeTaskPool::get().spawn(async move { Desk::new(&story) }))
        }
        LongWork::Slices => NextDesk::Slices(Some(Box::new(WarmUp::begin(&story)))),
    });
}

/// The next desk's warm-up, a slice this frame (when it is made in slices).
fn warm_desk(mut next: ResMut<NextDesk>, share: Res<FrameShare>, mut meter: ResMut<WorkMeter>) {
    if let NextDesk::Slices(Some(warm_up)) = &mut *next {
        meter.run(*share, |share| warm_up.run_while(share.more()));
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
    mut meter: ResMut<WorkMeter>,
) {
    let dreaming = *screen.get() == AppState::Dream;
    if dreaming
        && (room.0.console.diving.is_none() || pause.is_some_and(|p| *p.get() == Pause::Paused))
    {
        return;
    }
    if let Some(run) = room.0.design.run.as_mut().filter(|run| !run.done()) {
        meter.run(*share, |share| {
            run.advance_while(DESIGN_MINUTES_PER_FRAME, share.more())
        });
    }
}
