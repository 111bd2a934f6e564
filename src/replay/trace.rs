//! The state hash: what a dive's simulation holds, hashed every [`CHECK_EVERY`] ticks, so
//! a replay played on another platform or build shows the first tick its play parted
//! from the recording's, and in which part, long before the outcome could.
//!
//! A recording keeps a checkpoint every [`CHECK_EVERY`] ticks and at the tick the dreamer
//! is freed; playing it back compares each. A checkpoint is four hashes ([`PARTS`]):
//! Juno (her pose, motion, the controller's last move, what the hazards do to her),
//! the hazards (each one's state, in an order of their own, not the world's), the dive
//! (its clock, loop, lucidity, anchors, veil and story) and the dream the loop was made
//! from (its ground and everything placed on it). Each is FNV-1a over the values' debug
//! forms, which print every float exactly and the same on every platform.
//!
//! What plays no part stays out: the anchors' spin and scale (the looks animate them)
//! and the people of a shared dream (they walk on the fixed clock but touch nothing).
//! So a replay played in a window hashes the same as one played headless.

use std::fmt::{self, Write};
use std::sync::{Arc, Weak};

use bevy::prelude::*;
use bevy_rapier3d::prelude::KinematicCharacterControllerOutput;

use super::{Recording, Replaying};
use crate::dive::hazards::{Chaser, DissolvingPatch, JunoTrail, MirrorCopy, RisingPool, Watcher};
use crate::dive::{
    ActiveDive, Collected, CoreVeil, CurrentDream, DiveTicks, Hazard, HazardEffects, LoopState,
    Lucidity, MemoryAnchor, NightmareLoop, PendingAnswer, Understood,
};
use crate::dream::Dream;
use crate::juno::{Juno, JunoMotion, JunoRescues, Settling};
use crate::portable::Fnv;

/// Ticks between checkpoints: a second of play.
pub const CHECK_EVERY: u64 = 60;

/// The parts a checkpoint hashes, in its order.
pub const PARTS: [&str; 4] = ["Juno", "the hazards", "the dive", "the dream"];

/// One checkpoint's hashes, in [`PARTS`]' order.
pub type StateHash = [u64; PARTS.len()];

/// The first checkpoint a replay's play did not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    pub tick: u64,
    /// The parts that differ.
    pub parts: Vec<&'static str>,
}

impl Divergence {
    pub fn between(tick: u64, recorded: &StateHash, played: &StateHash) -> Self {
        Self {
            tick,
            parts: PARTS
                .iter()
                .zip(recorded.iter().zip(played))
                .filter(|(_, (a, b))| a != b)
                .map(|(name, _)| *name)
                .collect(),
        }
    }
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "play parted from the recording at tick {} ({:.1} s in), in {}",
            self.tick,
            self.tick as f64 / crate::third_party::rapier::PHYSICS_HZ,
            self.parts.join(", ")
        )
    }
}

/// How the played checkpoints compared with the recorded ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TraceCheck {
    /// Checkpoints that matched.
    pub matched: usize,
    /// The first that did not.
    pub diverged: Option<Divergence>,
}

impl TraceCheck {
    /// Every checkpoint of `recorded` was reached and matched.
    pub fn all_matched(&self, recorded: usize) -> bool {
        self.diverged.is_none() && self.matched == recorded
    }
}

/// For finding where two platforms part: while this resource exists, Juno's state (the
/// text her part of the hash is made from: hashed, a line's text after `Juno ` is her
/// part of a checkpoint at that tick) is kept and logged every `every` ticks of a
/// recording, or of a replay until it is done, to compare line by line with another
/// platform's. `sleep-sync replay --headless --juno-state N` prints the lines; the
/// browser page logs them for `?juno-state=N` (and the browser test's
/// `SLEEP_SYNC_WEB_JUNO_STATE=N` keeps them in a file).
#[derive(Resource, Debug, Clone, PartialEq, Eq)]
pub struct JunoStateLog {
    /// Ticks between lines, at least 1.
    every: u64,
    /// `tick N: Juno <her state>`, oldest first.
    pub lines: Vec<String>,
}

impl JunoStateLog {
    /// A line every `every` ticks; `None` for 0.
    pub fn every(every: u64) -> Option<Self> {
        (every > 0).then(|| Self {
            every,
            lines: Vec::new(),
        })
    }
}

/// Whether this tick is one a recording keeps a checkpoint at.
fn checked_at(tick: u64, nightmare: &NightmareLoop) -> bool {
    tick.is_multiple_of(CHECK_EVERY) || nightmare.state == LoopState::Freed
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        FixedUpdate,
        (
            log_juno_state.run_if(resource_exists::<JunoStateLog>),
            hash_state.run_if(resource_exists::<Recording>.or_else(resource_exists::<Replaying>)),
        )
            .chain()
            .in_set(crate::SimSystems::Check)
            .in_set(crate::DiveSystems::InPlay),
    );
}

/// The dream's part, kept for the loop it was made for (hashing a dream's every height
/// and prop each second would cost more than the rest of the check). Held weakly: a
/// dream over is not kept for it.
#[derive(Default)]
struct DreamHash(Option<(Weak<Dream>, u64)>);

/// Juno's state every `log.every` ticks, until a replay is done.
fn log_juno_state(
    ticks: Res<DiveTicks>,
    world: SimulationView,
    replaying: Option<Res<Replaying>>,
    mut log: ResMut<JunoStateLog>,
) {
    let tick = ticks.0;
    if tick.is_multiple_of(log.every.max(1)) && !replaying.is_some_and(|r| r.done) {
        let line = format!("tick {tick}: Juno {}", world.juno_text());
        info!("state at {line}");
        log.lines.push(line);
    }
}

fn hash_state(
    ticks: Res<DiveTicks>,
    nightmare: Res<NightmareLoop>,
    world: SimulationView,
    dream: Res<CurrentDream>,
    mut dream_hash: Local<DreamHash>,
    recording: Option<ResMut<Recording>>,
    replaying: Option<ResMut<Replaying>>,
) {
    let tick = ticks.0;
    let kept = checked_at(tick, &nightmare);
    let wanted_by_replay = replaying
        .as_ref()
        .is_some_and(|r| r.file.checkpoint_at(tick).is_some());
    if !kept && !wanted_by_replay {
        return;
    }
    let dream_part = match &dream_hash.0 {
        Some((made_for, hash)) if Weak::ptr_eq(made_for, &Arc::downgrade(&dream.0)) => *hash,
        _ => {
            let hash = dream_fingerprint(&dream.0);
            dream_hash.0 = Some((Arc::downgrade(&dream.0), hash));
            hash
        }
    };
    let hash = world.hash(tick, &nightmare, dream_part);
    if let Some(mut recording) = recording
        && let Some(file) = recording.file.as_mut()
        && kept
        && tick <= super::MAX_REPLAY_TICKS
    {
        file.checkpoints.push((tick, hash));
    }
    if let Some(mut replay) = replaying
        && let Some(recorded) = replay.file.checkpoint_at(tick)
    {
        if recorded == hash {
            replay.trace.matched += 1;
        } else if replay.trace.diverged.is_none() {
            let divergence = Divergence::between(tick, &recorded, &hash);
            warn!("{divergence}");
            replay.trace.diverged = Some(divergence);
        }
    }
}

/// The dream as made: its ground's exact heights and everything placed on it.
pub fn dream_fingerprint(dream: &Dream) -> u64 {
    let mut hash = Fnv::default();
    hash.bytes(&dream.heightfield.fingerprint().to_le_bytes());
    // Writing into the hash cannot fail.
    let _ = write!(
        hash,
        "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        dream.spawn, dream.water_level, dream.anchors, dream.core, dream.props, dream.hazards
    );
    hash.finish()
}

/// What Juno's part hashes of her entity.
type JunoState = (
    &'static Transform,
    &'static JunoMotion,
    Option<&'static Settling>,
    Option<&'static KinematicCharacterControllerOutput>,
);

/// What the hazards' part hashes of each hazard.
type HazardState = (
    &'static Hazard,
    &'static Transform,
    Option<&'static Chaser>,
    Option<&'static MirrorCopy>,
    Option<&'static DissolvingPatch>,
    Option<&'static RisingPool>,
    Option<&'static Watcher>,
);

/// Everything the simulation holds that a checkpoint hashes, read only.
#[derive(bevy::ecs::system::SystemParam)]
struct SimulationView<'w, 's> {
    dive: Res<'w, ActiveDive>,
    lucidity: Res<'w, Lucidity>,
    answer: Res<'w, PendingAnswer>,
    effects: Res<'w, HazardEffects>,
    trail: Res<'w, JunoTrail>,
    rescues: Res<'w, JunoRescues>,
    juno: Query<'w, 's, JunoState, With<Juno>>,
    hazards: Query<'w, 's, HazardState>,
    anchors: Query<
        'w,
        's,
        (
            &'static MemoryAnchor,
            &'static Transform,
            Has<Collected>,
            Has<Understood>,
        ),
    >,
    veils: Query<'w, 's, (), With<CoreVeil>>,
}

impl SimulationView<'_, '_> {
    /// Juno's part of the state, as text.
    fn juno_text(&self) -> String {
        // Writing into a string cannot fail: the results are ignored.
        let mut juno = String::new();
        for (transform, motion, settling, output) in &self.juno {
            let _ = write!(
                juno,
                "{:?}|{:?}|{motion:?}|{settling:?}",
                transform.translation, transform.rotation
            );
            if let Some(output) = output {
                let _ = write!(
                    juno,
                    "|{}|{:?}|{:?}",
                    output.grounded, output.desired_translation, output.effective_translation
                );
            }
        }
        let _ = write!(
            juno,
            "|{:?}|{:?}|{:?}",
            *self.effects, self.trail.0, self.rescues.0
        );
        juno
    }

    fn hash(&self, tick: u64, nightmare: &NightmareLoop, dream: u64) -> StateHash {
        let juno = Fnv::of(self.juno_text().as_bytes());

        // Each hazard's text, sorted: the same order whatever order the world keeps them
        // in (a window's looks move entities between tables).
        let mut each: Vec<String> = self
            .hazards
            .iter()
            .map(
                |(hazard, transform, chaser, mirror, patch, pool, watcher)| {
                    format!(
                        "{hazard:?}|{:?}|{:?}|{chaser:?}|{mirror:?}|{patch:?}|{pool:?}|{watcher:?}",
                        transform.translation, transform.rotation
                    )
                },
            )
            .collect();
        each.sort_unstable();
        let mut hazards = Fnv::default();
        for text in &each {
            hazards.bytes(text.as_bytes());
            hazards.bytes(b"\n");
        }

        // Anchors by index; their translation only (the looks spin and scale them).
        let mut anchors: Vec<(usize, Vec3, bool, bool)> = self
            .anchors
            .iter()
            .map(|(anchor, transform, collected, understood)| {
                (anchor.index, transform.translation, collected, understood)
            })
            .collect();
        anchors.sort_unstable_by_key(|a| a.0);
        let dive = &*self.dive;
        let mut run = Fnv::default();
        // Writing into a hash cannot fail: the results are ignored.
        let _ = write!(
            run,
            "{tick}|{}|{:?}|{}|{:?}|{:?}|{:?}|{}|{:?}|{:?}|{:?}|{anchors:?}|{}",
            nightmare.index,
            nightmare.timer.elapsed(),
            nightmare.anchors_found,
            nightmare.state,
            *self.lucidity,
            self.answer.0,
            dive.loop_index,
            dive.understood,
            dive.relapses,
            dive.story,
            self.veils.iter().count(),
        );
        let _ = write!(run, "|{:?}", dive.pace);

        [juno, hazards.finish(), run.finish(), dream]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_divergence_names_the_parts_that_differ() {
        let recorded = [1, 2, 3, 4];
        let played = [1, 9, 3, 8];
        let divergence = Divergence::between(120, &recorded, &played);
        assert_eq!(divergence.parts, vec!["the hazards", "the dream"]);
        let text = divergence.to_string();
        assert!(
            text.contains("tick 120 (2.0 s in), in the hazards, the dream"),
            "{text}"
        );
        assert!(
            Divergence::between(60, &recorded, &recorded)
                .parts
                .is_empty()
        );
    }
}
