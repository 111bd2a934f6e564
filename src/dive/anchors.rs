//! Memory anchors: fragments of the dreamer's real self. Touching one for the first time
//! means Juno understands it — for the rest of the dive: in later loops it stands lit,
//! counts towards the core, and touching it again steadies her a little.

use bevy::prelude::*;

use super::{ActiveDive, Lucidity, NightmareLoop};
use crate::juno::Juno;

/// How close Juno's centre must come to an anchor's centre to touch it, metres.
pub const ANCHOR_REACH: f32 = 1.6;

/// A memory anchor; `index` picks its text from the dream file.
#[derive(Component, Debug, Clone, Copy)]
pub struct MemoryAnchor {
    pub index: usize,
}

/// An anchor Juno has touched in this loop.
#[derive(Component, Debug, Clone, Copy)]
pub struct Collected;

/// An anchor Juno understands (touched in this loop or an earlier one): it stays lit.
#[derive(Component, Debug, Clone, Copy)]
pub struct Understood;

/// Sent when Juno touches an anchor, with the memory it holds.
#[derive(Message, Debug, Clone)]
pub struct AnchorFound {
    pub index: usize,
    pub title: String,
    pub text: String,
    /// Understood just now (not in an earlier loop).
    pub first_time: bool,
}

pub(super) fn plugin(app: &mut App) {
    // collect_anchors runs in the dive's fixed-step order (`super::simulate`).
    app.add_message::<AnchorFound>();
}

#[allow(clippy::too_many_arguments)]
pub(super) fn collect_anchors(
    mut commands: Commands,
    juno: Single<&Transform, With<Juno>>,
    anchors: Query<(Entity, &MemoryAnchor, &Transform), Without<Collected>>,
    mut dive: ResMut<ActiveDive>,
    mut nightmare: ResMut<NightmareLoop>,
    mut lucidity: ResMut<Lucidity>,
    mut found: MessageWriter<AnchorFound>,
) {
    let rules = dive.spec.dream.nightmare;
    for (entity, anchor, transform) in &anchors {
        if transform.translation.distance(juno.translation) > ANCHOR_REACH {
            continue;
        }
        commands.entity(entity).insert((Collected, Understood));
        nightmare.anchors_found += 1;
        let first_time = dive.understood.insert(anchor.index);
        lucidity.refill(if first_time {
            rules.anchor_refill
        } else {
            rules.lit_anchor_refill
        });
        let Some(memory) = dive.spec.dream.anchors.get(anchor.index) else {
            continue;
        };
        info!(
            "memory anchor {}: {}",
            if first_time {
                "understood"
            } else {
                "touched again"
            },
            memory.title
        );
        found.write(AnchorFound {
            index: anchor.index,
            title: memory.title.clone(),
            text: memory.memory.clone(),
            first_time,
        });
    }
}
