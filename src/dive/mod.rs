//! A dive into a dreamer's nightmare: the dream is generated off the main thread, built
//! into a world, played as a timed loop, and rebuilt — mutated — when the loop collapses.

mod anchors;
mod confrontation;
mod forge;
mod hazard_looks;
pub mod hazards;
mod link;
mod lucidity;
mod nightmare_loop;
mod reload;
mod visuals;
mod world;

use std::collections::BTreeSet;

use bevy::prelude::*;

pub use anchors::{ANCHOR_REACH, AnchorFound, Collected, MemoryAnchor, Understood};
pub use confrontation::{
    CONFRONT_REACH, CORE_VEIL_RADIUS, CoreOpened, CoreVeil, DreamerFreed, FreedDreamers,
    PendingAnswer, can_say,
};
pub use forge::{CHUNK_CELLS, DreamForge, GeneratedDream, terrain_collider};
pub use hazards::{Hazard, HazardEffects};
pub use link::{DiveLink, LinkLost};
pub use lucidity::Lucidity;
pub use nightmare_loop::{
    COLLAPSE_TICKS, Collapse, DiveTicks, LoopCollapsed, LoopState, NightmareLoop, dive_in_play,
    loop_running,
};
pub use reload::Reshaping;
pub use world::{
    CurrentDream, DreamCoreSite, DreamProp, HazardSite, LoopScoped, STAIR_RISE, STAIR_RUN, Terrain,
    TerrainChunk, WaterSurface, prop_collider,
};

use crate::levels::DiveSpec;
use crate::screens::AppState;

/// The dive in progress: which dream (with its dreamer and dialogue), and which loop.
#[derive(Resource, Debug, Clone)]
pub struct ActiveDive {
    pub spec: DiveSpec,
    /// The loop being played (0 for the first).
    pub loop_index: u32,
    /// Memory anchors Juno understands, by index: they carry over from loop to loop.
    pub understood: BTreeSet<usize>,
    /// Times a wrong word at the core sent her into a harsher loop.
    pub relapses: u32,
    /// The link Father holds, with its stability as the dive starts (the console's
    /// calibration). None for a dive that did not come through the console (a free
    /// dive, a replay, `--dive`): nothing holds it and nothing can lose it.
    pub link: Option<f32>,
}

impl ActiveDive {
    /// A dive starting at the first loop. Insert it, then enter [`AppState::Dream`].
    pub fn new(spec: DiveSpec) -> Self {
        Self {
            spec,
            loop_index: 0,
            understood: BTreeSet::new(),
            relapses: 0,
            link: None,
        }
    }
}

/// Whether the current loop's world exists yet.
#[derive(SubStates, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[source(AppState = AppState::Dream)]
pub enum DreamPhase {
    /// Waiting for the generator; the world of the previous loop, if any, is still there.
    #[default]
    Forming,
    /// The loop is running.
    Exploring,
}

pub(super) fn plugin(app: &mut App) {
    app.add_sub_state::<DreamPhase>().add_systems(
        OnExit(AppState::Dream),
        // Waking up ends the dive: nothing of it outlives the dream.
        (
            end_of_dive::<ActiveDive>,
            end_of_dive::<CurrentDream>,
            end_of_dive::<NightmareLoop>,
        ),
    );
    app.add_plugins((
        forge::plugin,
        world::plugin,
        nightmare_loop::plugin,
        anchors::plugin,
        confrontation::plugin,
        hazards::plugin,
        lucidity::plugin,
        reload::plugin,
        link::plugin,
    ));
}

/// Materials, lights, fog and sky for the dream (needs the renderer).
pub(crate) fn visuals_plugin(app: &mut App) {
    visuals::plugin(app);
    hazard_looks::plugin(app);
}

/// Removes a resource that belongs to the dive.
fn end_of_dive<R: Resource>(mut commands: Commands) {
    commands.remove_resource::<R>();
}
