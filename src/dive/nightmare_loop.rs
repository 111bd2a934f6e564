//! The nightmare loop: a timer; when it runs out the loop collapses and the dream is
//! re-formed from the next loop's recipe, with Juno back at the spawn.

use bevy::prelude::*;

use super::{ActiveDive, DreamForge, DreamPhase};

/// The loop being played.
#[derive(Resource, Debug, Clone)]
pub struct NightmareLoop {
    /// 0 for the first loop.
    pub index: u32,
    /// Counts down the loop's length.
    pub timer: Timer,
    pub anchors_found: usize,
    pub anchors_total: usize,
}

impl NightmareLoop {
    pub fn new(index: u32, seconds: f32, anchors_total: usize) -> Self {
        Self {
            index,
            timer: Timer::from_seconds(seconds, TimerMode::Once),
            anchors_found: 0,
            anchors_total,
        }
    }

    /// Seconds left in this loop.
    pub fn remaining(&self) -> f32 {
        self.timer.remaining_secs()
    }
}

/// Sent when a loop collapses, with the index of the loop that ended.
#[derive(Message, Debug, Clone, Copy)]
pub struct LoopCollapsed {
    pub ended: u32,
}

pub(super) fn plugin(app: &mut App) {
    app.add_message::<LoopCollapsed>().add_systems(
        Update,
        tick_loop
            .in_set(crate::AppSystems::TickTimers)
            .run_if(in_state(DreamPhase::Exploring)),
    );
}

fn tick_loop(
    time: Res<Time>,
    mut nightmare: ResMut<NightmareLoop>,
    mut dive: ResMut<ActiveDive>,
    mut forge: ResMut<DreamForge>,
    mut collapsed: MessageWriter<LoopCollapsed>,
    mut next_phase: ResMut<NextState<DreamPhase>>,
) {
    nightmare.timer.tick(time.delta());
    if !nightmare.timer.is_finished() {
        return;
    }
    collapsed.write(LoopCollapsed {
        ended: nightmare.index,
    });
    dive.loop_index = nightmare.index + 1;
    forge.request(&dive.spec, dive.loop_index);
    next_phase.set(DreamPhase::Forming);
}
