//! The game's system sets: frame order and the dive's run conditions, named here and
//! configured once (in `GamePlugin`, with the conditions, and `third_party::rapier`,
//! with physics between them). Labels only: every layer may join them.

use bevy::prelude::*;

/// Frame order of the game's own `Update` systems, declared once.
#[derive(SystemSet, Debug, Clone, Copy, Eq, PartialEq, Hash)]
pub enum AppSystems {
    /// Timers advance.
    TickTimers,
    /// Devices are read into intents.
    RecordInput,
    /// Everything else.
    Update,
}

/// Order of the fixed-step simulation, declared once (`third_party::rapier` puts
/// physics between `Move` and `Hazards`). Everything that decides how a dive goes runs
/// here, on the fixed clock, so a recorded run replays tick for tick.
#[derive(SystemSet, Debug, Clone, Copy, Eq, PartialEq, Hash)]
pub enum SimSystems {
    /// The tick is counted.
    Tick,
    /// This tick's intent is taken: from the devices (and recorded) or from a replay.
    Intent,
    /// Juno decides where to move.
    Move,
    /// Hazards act on where she is now.
    Hazards,
    /// Anchors, the core, lucidity.
    Dream,
    /// The loop's clock: collapses and the next loop.
    Loop,
    /// The tick's state is hashed for a replay's checkpoints (src/replay/trace.rs).
    Check,
}

/// When the dive's systems run, declared once here: a system joins a set instead of
/// repeating its conditions. Configured in `Update` (steering) and `FixedUpdate` (the
/// simulation) alike.
#[derive(SystemSet, Debug, Clone, Copy, Eq, PartialEq, Hash)]
pub enum DiveSystems {
    /// The dive is in play: the loop's world exists, the game is not paused, and the
    /// dive has neither ended nor freed its dreamer.
    InPlay,
    /// Inside [`DiveSystems::InPlay`]: the loop itself runs (Juno steers, hazards act,
    /// lucidity wears down) — not while the dreamer is being confronted or the dream
    /// collapses.
    LoopRunning,
    /// Inside [`DiveSystems::InPlay`]: the player's devices steer Juno (not a replay).
    PlayerSteers,
}
