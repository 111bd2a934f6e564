//! The nightmare loop: a timer and Juno's lucidity. When either runs out — or a wrong
//! word at the core sends her back — the loop collapses: the world holds still while the
//! dream falls away (a second and a bit), then the next loop, the next mutation, forms
//! with Juno back at the spawn.
//!
//! Everything here steps on the fixed clock and decides at once (no state transition
//! waits for the next frame), so a recorded run plays back tick for tick.

use bevy::prelude::*;

use crate::state::DiveResources;

use super::{ActiveDive, DreamForge, Lucidity, MAX_LOOP_INDEX};
use crate::state::DreamPhase;

/// Fixed ticks the collapse takes between the loop ending and the next one forming.
pub const COLLAPSE_TICKS: u32 = 75;

/// The loop being played.
#[derive(Resource, Debug, Clone)]
pub struct NightmareLoop {
    /// 0 for the first loop.
    pub index: u32,
    /// Counts down the loop's length.
    pub timer: Timer,
    /// Anchors touched in this loop (new ones and ones understood before).
    pub anchors_found: usize,
    pub anchors_total: usize,
    /// What the loop is doing.
    pub state: LoopState,
}

/// What a loop is doing. The simulation (Juno, hazards, lucidity) runs only while it
/// is [`LoopState::Running`].
#[derive(Debug, Clone, PartialEq)]
pub enum LoopState {
    Running,
    /// At the core, talking with the dreamer: time stands still; `node` is being said.
    Confronting {
        node: String,
    },
    /// Falling apart: `ticks_left` fixed ticks until the next loop forms.
    Collapsing {
        ticks_left: u32,
        reason: Collapse,
    },
    /// Gone; the next loop is forming.
    Ended,
    /// The dreamer faced the fear: the loop is broken for good.
    Freed,
}

/// Why a loop collapsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collapse {
    /// The loop's time ran out.
    TimeRanOut,
    /// Juno's lucidity ran out.
    LucidityLost,
    /// A wrong word at the core: the dreamer turned away, into a harsher loop.
    Relapse,
}

impl Collapse {
    /// What the player is told, over the falling dream.
    pub fn told(self) -> &'static str {
        match self {
            Collapse::TimeRanOut => "The night starts over",
            Collapse::LucidityLost => "Lucidity lost: the dream swallows you",
            Collapse::Relapse => "The words push them deeper: the dream hardens",
        }
    }
}

impl NightmareLoop {
    /// The loop as players count it (1 for the first).
    pub fn number(&self) -> u32 {
        self.index.saturating_add(1)
    }

    pub fn new(index: u32, seconds: f32, anchors_total: usize) -> Self {
        Self {
            index,
            timer: Timer::from_seconds(seconds, TimerMode::Once),
            anchors_found: 0,
            anchors_total,
            state: LoopState::Running,
        }
    }

    /// Seconds left in this loop.
    pub fn remaining(&self) -> f32 {
        self.timer.remaining_secs()
    }

    /// Whether Juno, the hazards and lucidity are in play.
    pub fn is_running(&self) -> bool {
        self.state == LoopState::Running
    }

    /// Ends the loop: it collapses for [`COLLAPSE_TICKS`], then the next one forms.
    pub fn collapse(&mut self, reason: Collapse) {
        if matches!(
            self.state,
            LoopState::Running | LoopState::Confronting { .. }
        ) {
            self.state = LoopState::Collapsing {
                ticks_left: COLLAPSE_TICKS,
                reason,
            };
        }
    }

    /// How far the collapse has gone, 0 to 1 (0 when not collapsing).
    pub fn collapse_progress(&self) -> f32 {
        match self.state {
            LoopState::Collapsing { ticks_left, .. } => {
                1.0 - ticks_left as f32 / COLLAPSE_TICKS as f32
            }
            LoopState::Ended => 1.0,
            _ => 0.0,
        }
    }
}

/// Sent when a loop starts collapsing, with the index of the loop that ended and why.
#[derive(Message, Debug, Clone, Copy)]
pub struct LoopCollapsed {
    pub ended: u32,
    pub reason: Collapse,
}

/// Fixed ticks the dive has been played (running, confronting or collapsing; never
/// while paused or forming): the clock replays are written against.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DiveTicks(pub u64);

/// Whether this fixed tick belongs to the dive's simulation.
pub fn dive_in_play(nightmare: Option<Res<NightmareLoop>>) -> bool {
    nightmare.is_some_and(|n| !matches!(n.state, LoopState::Ended | LoopState::Freed))
}

/// Whether Juno, hazards and lucidity step this tick.
pub fn loop_running(nightmare: Option<Res<NightmareLoop>>) -> bool {
    nightmare.is_some_and(|n| n.is_running())
}

pub(super) fn plugin(app: &mut App) {
    app.add_message::<LoopCollapsed>()
        .init_dive_resource::<DiveTicks>();
    // count_tick and the loop's clock run in the dive's fixed-step order
    // (`super::simulate`).
}

pub(super) fn count_tick(mut ticks: ResMut<DiveTicks>) {
    ticks.0 += 1;
}

pub(super) fn tick_loop(
    time: Res<Time>,
    dive: Res<ActiveDive>,
    mut nightmare: ResMut<NightmareLoop>,
) {
    if !nightmare.is_running() {
        return;
    }
    // The assist's slower dreams: the loop's clock runs at 1/pace (at the designed pace
    // the tick's own duration, exactly: a float round trip would move a replay).
    let pace = dive.pace();
    let tick = if pace == 1.0 {
        time.delta()
    } else {
        time.delta().div_f32(pace)
    };
    nightmare.timer.tick(tick);
    if nightmare.timer.is_finished() {
        nightmare.collapse(Collapse::TimeRanOut);
    }
}

pub(super) fn collapse_when_lucidity_is_gone(
    lucidity: Res<Lucidity>,
    mut nightmare: ResMut<NightmareLoop>,
) {
    if nightmare.is_running() && lucidity.is_gone() {
        nightmare.collapse(Collapse::LucidityLost);
    }
}

/// Counts the collapse down; at its end asks for the next loop (a relapse skips ahead
/// to a harsher one) and lets it form.
pub(super) fn fall_apart(
    mut nightmare: ResMut<NightmareLoop>,
    mut dive: ResMut<ActiveDive>,
    mut forge: ResMut<DreamForge>,
    mut collapsed: MessageWriter<LoopCollapsed>,
    mut next_phase: ResMut<NextState<DreamPhase>>,
) {
    let LoopState::Collapsing { ticks_left, reason } = nightmare.state else {
        return;
    };
    if ticks_left == COLLAPSE_TICKS {
        collapsed.write(LoopCollapsed {
            ended: nightmare.index,
            reason,
        });
    }
    if ticks_left > 0 {
        nightmare.state = LoopState::Collapsing {
            ticks_left: ticks_left - 1,
            reason,
        };
        return;
    }
    nightmare.state = LoopState::Ended;
    let skip = match reason {
        Collapse::Relapse => dive.spec.dream.nightmare.relapse_loops.max(1),
        _ => 1,
    };
    if reason == Collapse::Relapse {
        dive.relapses += 1;
        // The loop forged ahead is not the one coming.
        forge.clear();
    }
    dive.loop_index = nightmare.index.saturating_add(skip).min(MAX_LOOP_INDEX);
    forge.request(&dive.spec, dive.loop_index);
    next_phase.set(DreamPhase::Forming);
}
