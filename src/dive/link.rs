//! The dive link Father holds from the control room. Its stability starts at what Juno's
//! calibration earned, falls with every collapsed loop and every relapse, rises a little
//! with each memory understood; at zero the link is lost and Juno wakes.

use bevy::prelude::*;

use crate::state::DiveResources;

use super::{ActiveDive, NightmareLoop};
use crate::levels::Levels;
use crate::levels::story::LinkRules;
use crate::state::AppState;

/// The link's state during a dive.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct DiveLink {
    /// 0..1; the dive ends at 0.
    pub stability: f32,
    /// Stability when the dive began.
    pub start: f32,
    /// The loop the dive began in.
    pub start_loop: u32,
    /// The loop Juno is living through (its index; the loop ending moves it on).
    pub in_loop: u32,
    /// Relapses and memories understood before this dive (a dive goes on from where the
    /// last one into the same dream left off): only this dive's count for the link.
    pub start_relapses: u32,
    pub start_understood: usize,
    pub rules: LinkRules,
}

impl DiveLink {
    /// The stability after `loops_ended` loops of which `relapses` were relapses (each
    /// skipping `relapse_loops`), with `understood` memories.
    pub fn stability_after(
        &self,
        loops_ended: u32,
        relapses: u32,
        relapse_loops: u32,
        understood: usize,
    ) -> f32 {
        let relapsed_loops = relapses * relapse_loops.max(1);
        let collapses = loops_ended.saturating_sub(relapsed_loops);
        (self.start
            - self.rules.per_collapse * collapses as f32
            - self.rules.per_relapse * relapses as f32
            + self.rules.per_memory * understood as f32)
            .clamp(0.0, 1.0)
    }
}

/// Why the last dive ended early, for the control room (taken when it reads it).
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct LinkLost(pub Option<String>);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<LinkLost>()
        .add_systems(OnEnter(AppState::Dream), connect)
        .end_with_dive::<DiveLink>();
    // hold_link runs in the dive's fixed-step order (`super::simulate`).
}

fn connect(dive: Option<Res<ActiveDive>>, levels: Res<Levels>, mut commands: Commands) {
    // Only a dive started from the console has Father holding a link.
    let Some((dive, start)) = dive.and_then(|d| d.link.map(|link| (d, link))) else {
        return;
    };
    let start = start.clamp(0.0, 1.0);
    commands.insert_resource(DiveLink {
        stability: start,
        start,
        start_loop: dive.loop_index,
        in_loop: dive.loop_index,
        start_relapses: dive.relapses,
        start_understood: dive.understood.len(),
        rules: levels.library.story.link,
    });
}

/// Follows the dive's losses and gains; wakes Juno when the link is gone.
pub(super) fn hold_link(
    mut link: ResMut<DiveLink>,
    dive: Res<ActiveDive>,
    nightmare: Res<NightmareLoop>,
    levels: Res<Levels>,
    mut lost: ResMut<LinkLost>,
    mut next: ResMut<NextState<AppState>>,
) {
    let loops_ended = nightmare.index.saturating_sub(link.start_loop);
    let stability = link.stability_after(
        loops_ended,
        dive.relapses.saturating_sub(link.start_relapses),
        dive.spec.dream.nightmare.relapse_loops,
        dive.understood.len().saturating_sub(link.start_understood),
    );
    if stability != link.stability {
        link.stability = stability;
    }
    if stability <= 0.0 && lost.0.is_none() {
        lost.0 = Some(
            levels
                .library
                .story
                .link_lost_report(&dive.spec.dreamt_by(), link.in_loop + 1),
        );
        next.set(AppState::ControlRoom);
    } else if link.in_loop != nightmare.index {
        // Moved on after the check above, so a loss names the loop that just ended.
        link.in_loop = nightmare.index;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_and_relapses_cost_and_memories_give() {
        let link = DiveLink {
            stability: 1.0,
            start: 0.9,
            start_loop: 0,
            in_loop: 0,
            start_relapses: 0,
            start_understood: 0,
            rules: LinkRules::default(),
        };
        assert!((link.stability_after(0, 0, 2, 0) - 0.9).abs() < 1e-6);
        assert!((link.stability_after(1, 0, 2, 0) - 0.7).abs() < 1e-6);
        // A relapse skips two loops but costs one relapse, not two collapses.
        assert!((link.stability_after(2, 1, 2, 0) - 0.6).abs() < 1e-6);
        assert!((link.stability_after(1, 0, 2, 2) - 0.8).abs() < 1e-6);
        assert_eq!(link.stability_after(9, 0, 2, 0), 0.0);
    }
}
