//! The dream's core and the confrontation. A veil keeps Juno from the dreamer until
//! she understands enough of their memories (`core.anchors_needed`); then, standing
//! before them, she talks with them (the dialogue file). Choices she has the memories
//! for can help them face the fear: the loop breaks and they are free. Pushing or
//! pleading wrongly sends her into a harsher loop.

use std::collections::BTreeSet;

use bevy::prelude::*;

use crate::state::DiveResources;

use super::{ActiveDive, Collapse, CurrentDream, LoopState, NightmareLoop};
use crate::juno::Juno;
use crate::levels::Next;

/// Radius of the veil around the dreamer while the way is closed, metres.
pub const CORE_VEIL_RADIUS: f32 = 3.0;
/// How close to the dreamer Juno must come for the confrontation to begin, metres.
pub const CONFRONT_REACH: f32 = 2.6;

/// The veil around the dreamer: solid while the way to them is closed.
#[derive(Component, Debug, Default, Clone, Copy)]
pub struct CoreVeil;

/// The answer the player picked (index into the node's choices), taken on the next
/// fixed tick. The HUD sets it; a replay sets it at the tick it was recorded.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PendingAnswer(pub Option<usize>);

/// Dreamers freed this session, by dream id.
#[derive(Resource, Debug, Default, Clone)]
pub struct FreedDreamers(pub BTreeSet<String>);

/// Sent when the veil lifts.
#[derive(Message, Debug, Clone, Copy)]
pub struct CoreOpened;

/// Sent when Juno says something the story remembers (an answer that `sets` a flag).
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct StoryChoice(pub String);

/// Sent when the dreamer is freed.
#[derive(Message, Debug, Clone)]
pub struct DreamerFreed {
    pub dream_id: String,
}

impl ActiveDive {
    /// Whether Juno understands enough memories for the way to the dreamer to open.
    pub fn core_open(&self) -> bool {
        self.understood.len() >= self.spec.dream.core.anchors_needed
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_dive_resource::<PendingAnswer>()
        .init_resource::<FreedDreamers>()
        .add_message::<CoreOpened>()
        .add_message::<DreamerFreed>()
        .add_message::<StoryChoice>();
    // lift_veil, answer and begin_confrontation run in the dive's fixed-step order
    // (`super::simulate`).
}

pub(super) fn lift_veil(
    mut commands: Commands,
    dive: Res<ActiveDive>,
    veils: Query<Entity, With<CoreVeil>>,
    mut opened: MessageWriter<CoreOpened>,
) {
    if !dive.core_open() {
        return;
    }
    for veil in &veils {
        commands.entity(veil).despawn();
        info!("the way to {} opens", dive.spec.dreamer.name);
        opened.write(CoreOpened);
    }
}

pub(super) fn begin_confrontation(
    dive: Res<ActiveDive>,
    dream: Res<CurrentDream>,
    juno: Single<&Transform, With<Juno>>,
    mut nightmare: ResMut<NightmareLoop>,
    mut answer: ResMut<PendingAnswer>,
) {
    let core = dream.core.position;
    let at = juno.translation;
    let near = at.xz().distance(core.xz()) <= CONFRONT_REACH && (at.y - core.y).abs() < 3.0;
    if near && dive.core_open() {
        info!("{} turns to Juno", dive.spec.dreamer.name);
        nightmare.state = LoopState::Confronting {
            node: dive.spec.dialogue.opening(&dive.facts()).to_owned(),
        };
        // Nothing clicked before the talk began answers in it.
        answer.0 = None;
    }
}

pub(super) fn answer(
    mut pending: ResMut<PendingAnswer>,
    mut dive: ResMut<ActiveDive>,
    mut nightmare: ResMut<NightmareLoop>,
    mut freed: ResMut<FreedDreamers>,
    mut freed_message: MessageWriter<DreamerFreed>,
    mut remembered: MessageWriter<StoryChoice>,
) {
    let Some(picked) = pending.0.take() else {
        return;
    };
    let LoopState::Confronting { node } = &nightmare.state else {
        return;
    };
    let Some(node) = dive.spec.dialogue.node(node) else {
        return;
    };
    let Some(choice) = node.choices.get(picked) else {
        return;
    };
    if !choice.can_say(&dive.facts()) {
        return;
    }
    info!("Juno: {}", choice.say);
    let (next, sets) = (choice.next.clone(), choice.sets.clone());
    if let Some(flag) = sets {
        dive.story.flags.insert(flag.clone());
        remembered.write(StoryChoice(flag));
    }
    match &next {
        Next::Goto(id) => {
            nightmare.state = LoopState::Confronting { node: id.clone() };
        }
        Next::Free => {
            info!("{} is free", dive.spec.dreamer.name);
            nightmare.state = LoopState::Freed;
            freed.0.insert(dive.spec.id().to_owned());
            freed_message.write(DreamerFreed {
                dream_id: dive.spec.id().to_owned(),
            });
        }
        Next::Relapse => nightmare.collapse(Collapse::Relapse),
    }
}
