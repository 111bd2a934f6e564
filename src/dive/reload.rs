//! Hot reload inside a dream: when the files of the dream being played change on disk,
//! the loop is formed again from the new files, in place, with Juno put down on the
//! reachable ground nearest to where she stood. A broken edit changes nothing: the
//! levels keep the file's last good version (see `crate::levels`).

use bevy::prelude::*;

use crate::state::DiveResources;

use super::{ActiveDive, DreamForge};
use crate::juno::Juno;
use crate::levels::{Levels, LevelsReloaded};
use crate::state::AppState;
use crate::state::DreamPhase;

/// Set while a loop is re-formed after its files changed: where Juno stood.
#[derive(Resource, Debug, Clone, Copy)]
pub struct Reshaping {
    pub juno_at: Vec3,
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        reshape_on_reload
            .in_set(crate::AppSystems::Update)
            .before(super::world::form_loop)
            .run_if(in_state(AppState::Dream)),
    )
    .end_with_dive::<Reshaping>();
}

fn reshape_on_reload(
    mut reloaded: MessageReader<LevelsReloaded>,
    levels: Res<Levels>,
    mut dive: ResMut<ActiveDive>,
    mut forge: ResMut<DreamForge>,
    juno: Query<&Transform, With<Juno>>,
    mut commands: Commands,
    mut next_phase: ResMut<NextState<DreamPhase>>,
) {
    if reloaded.read().count() == 0 {
        return;
    }
    // A stranger's dream is put together again from the files and who they were.
    let stranger = dive
        .stranger
        .and_then(|key| levels.library.stranger_key_dive(&key).ok());
    let Some(spec) = levels.library.dive(dive.spec.id()).or(stranger.as_ref()) else {
        warn!(
            "dream {:?} cannot be played after the reload; keeping the version in play",
            dive.spec.id()
        );
        return;
    };
    if *spec == dive.spec {
        return;
    }
    info!(
        "{}'s dream changed on disk: re-forming loop {}",
        spec.dreamer.name,
        dive.loop_number()
    );
    dive.spec = spec.clone();
    // Dreams generated from the old files are stale.
    forge.clear();
    forge.request(&dive.spec, dive.loop_index);
    if let Ok(transform) = juno.single() {
        commands.insert_resource(Reshaping {
            juno_at: transform.translation,
        });
    }
    next_phase.set(DreamPhase::Forming);
}
