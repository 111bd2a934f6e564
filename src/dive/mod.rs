//! A dive into a dreamer's nightmare: the dream is generated off the main thread, built
//! into a world, played as a timed loop, and rebuilt — mutated — when the loop collapses.

mod anchors;
mod confrontation;
mod father;
mod forge;
pub mod hazards;
mod link;
mod lucidity;
mod nightmare_loop;
mod people;
mod reload;
mod world;

use std::collections::BTreeSet;

use bevy::prelude::*;

pub use crate::juno::HazardEffects;
pub use crate::world::CurrentDream;
pub use anchors::{ANCHOR_REACH, AnchorFound, Collected, MemoryAnchor, Understood};
pub use confrontation::{
    CONFRONT_REACH, CORE_VEIL_RADIUS, CoreOpened, CoreVeil, DreamerFreed, FreedDreamers,
    PendingAnswer, StoryChoice,
};
pub use father::{FatherSays, FatherVoice};
pub use forge::{CHUNK_CELLS, DreamForge, GeneratedDream, terrain_collider};
pub use hazards::Hazard;
pub use link::{DiveLink, LinkLost};
pub use lucidity::Lucidity;
pub use nightmare_loop::{
    COLLAPSE_TICKS, Collapse, DiveTicks, LoopCollapsed, LoopState, NightmareLoop, dive_in_play,
    loop_running,
};
pub use people::{DreamPerson, People, PersonSays};
pub use reload::Reshaping;
pub use world::{
    CHUNKS_PER_FRAME, DreamCoreSite, DreamProp, HAZARDS_PER_FRAME, HazardSite, LoopScoped,
    PEOPLE_PER_FRAME, PROPS_PER_FRAME, STAIR_RISE, STAIR_RUN, Terrain, TerrainChunk, WATER_SPREAD,
    WaterSurface, prop_collider,
};

use crate::levels::strangers::StrangerKey;
use crate::levels::{DiveSpec, Facts, StoryFacts};
use crate::settings::DREAM_PACE;
use crate::state::DiveResources;

/// The furthest loop a dive goes (its index, 0 for the first): the loops stop counting
/// there, and a save or replay starting beyond it is refused. A dream has long stopped
/// changing by then ([`crate::dream::recipe`] mutates it for the first thousand).
pub const MAX_LOOP_INDEX: u32 = 10_000;

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
    /// What the story knows as the dive begins (the player's choices, who sank): what
    /// is said in the dream can depend on it. Empty for a dive outside the story.
    pub story: StoryFacts,
    /// The assist "slower dreams": the loop's clock and every drain of lucidity run at
    /// 1/pace (1 is the game as designed, up to [`DREAM_PACE`]`.1`). None until the dive
    /// begins, when the player's setting is taken; a replay gives the one it was
    /// recorded with.
    pub pace: Option<f32>,
    /// A stranger's dive: what it is made from, so it can be put together again when
    /// a level file changes mid-dive. None for the library's dreams.
    pub stranger: Option<StrangerKey>,
}

impl ActiveDive {
    /// The loop being played as players count it (1 for the first).
    pub fn loop_number(&self) -> u32 {
        self.loop_index.saturating_add(1)
    }

    /// The loop after this one, within [`MAX_LOOP_INDEX`].
    pub fn next_loop(&self) -> u32 {
        self.loop_index.saturating_add(1).min(MAX_LOOP_INDEX)
    }

    /// A dive starting at the first loop. Insert it, then enter
    /// [`AppState::Dream`](crate::state::AppState::Dream).
    pub fn new(spec: DiveSpec) -> Self {
        Self {
            spec,
            loop_index: 0,
            understood: BTreeSet::new(),
            relapses: 0,
            link: None,
            story: StoryFacts::default(),
            pace: None,
            stranger: None,
        }
    }

    /// How much slower than designed the dream runs (1 without the assist).
    pub fn pace(&self) -> f32 {
        self.pace
            .filter(|p| p.is_finite())
            .map_or(1.0, |p| p.clamp(DREAM_PACE.0, DREAM_PACE.1))
    }

    /// What conditions in this dive are asked against: the story, this dream, the
    /// memories understood.
    pub fn facts(&self) -> Facts<'_> {
        Facts::diving(&self.story, self.spec.id(), &self.understood)
    }
}

/// What has just happened in the dive, for those who speak to it (Father on the link,
/// the people in the dream). Each system holding one hears every moment once.
#[derive(bevy::ecs::system::SystemParam)]
pub struct DiveNews<'w, 's> {
    anchors: MessageReader<'w, 's, AnchorFound>,
    collapsed: MessageReader<'w, 's, LoopCollapsed>,
    opened: MessageReader<'w, 's, CoreOpened>,
    freed: MessageReader<'w, 's, DreamerFreed>,
}

impl DiveNews<'_, '_> {
    /// The moments since this system last ran: a memory understood for the first time,
    /// the loop collapsing, the core opening, the dreamer freed.
    pub fn heard(&mut self) -> Vec<crate::levels::story::DiveMoment> {
        use crate::levels::story::DiveMoment;
        let mut heard = Vec::new();
        if self.anchors.read().any(|a| a.first_time) {
            heard.push(DiveMoment::Memory);
        }
        if self.collapsed.read().count() > 0 {
            heard.push(DiveMoment::Collapse);
        }
        if self.opened.read().count() > 0 {
            heard.push(DiveMoment::CoreOpen);
        }
        if self.freed.read().count() > 0 {
            heard.push(DiveMoment::Freed);
        }
        heard
    }
}

/// A dive given no pace takes the player's (Settings → Accessibility), once, as it
/// begins: changing the setting mid-dive changes the next dive.
pub fn take_the_players_pace(
    mut dive: ResMut<ActiveDive>,
    access: Res<crate::settings::AccessibilitySettings>,
) {
    if dive.pace.is_none() {
        dive.pace = Some(access.dream_pace);
    }
}

pub(super) fn plugin(app: &mut App) {
    // Waking up ends the dive: nothing of it outlives the dream.
    app.end_with_dive::<ActiveDive>()
        .end_with_dive::<CurrentDream>()
        .end_with_dive::<NightmareLoop>();
    app.add_systems(
        OnEnter(crate::state::AppState::Dream),
        take_the_players_pace.run_if(resource_exists::<ActiveDive>),
    );
    app.add_plugins((
        forge::plugin,
        world::plugin,
        nightmare_loop::plugin,
        anchors::plugin,
        confrontation::plugin,
        father::plugin,
        people::plugin,
        hazards::plugin,
        lucidity::plugin,
        reload::plugin,
        link::plugin,
    ));
    simulate(app);
}

/// The dive's fixed-step systems (but the hazards', chained in `hazards`), in the one
/// order a replay depends on. Systems that touch the same data are never left to the
/// schedule's tie-break, which moves when any system is added anywhere: one more
/// system once made every shipped replay part from its recording. `GamePlugin` has
/// Bevy refuse such a pair in `FixedUpdate` (tests/game/replays.rs shows it does).
///
/// The order is the one the shipped replays were recorded in. What the last tick left
/// is settled first (the veil lifts for the anchors found, a chosen answer is given),
/// then the people walk, Juno takes the anchors in reach, lucidity wears down, and
/// reaching the opened core begins the confrontation; then Father's link, then the
/// loop's clock.
fn simulate(app: &mut App) {
    use crate::DiveSystems::{InPlay, LoopRunning};
    use crate::SimSystems;
    app.add_systems(
        FixedUpdate,
        (
            (
                lucidity::age_readouts.in_set(LoopRunning),
                nightmare_loop::count_tick.in_set(InPlay),
            )
                .chain()
                .in_set(SimSystems::Tick),
            (
                confrontation::lift_veil.in_set(LoopRunning),
                confrontation::answer.in_set(InPlay),
                people::walk.in_set(InPlay),
                anchors::collect_anchors.in_set(LoopRunning),
                lucidity::wear_down.in_set(LoopRunning),
                confrontation::begin_confrontation.in_set(LoopRunning),
            )
                .chain()
                .in_set(SimSystems::Dream),
            (
                link::hold_link
                    .run_if(resource_exists::<DiveLink>)
                    .run_if(dive_in_play),
                (
                    nightmare_loop::tick_loop,
                    nightmare_loop::collapse_when_lucidity_is_gone,
                    nightmare_loop::fall_apart,
                )
                    .chain()
                    .in_set(InPlay),
            )
                .chain()
                .in_set(SimSystems::Loop),
        ),
    );
}
