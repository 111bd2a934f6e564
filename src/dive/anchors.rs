//! Memory anchors: fragments of the dreamer's real self. Touching one collects it.

use bevy::prelude::*;

use super::{ActiveDive, DreamPhase, NightmareLoop};
use crate::juno::Juno;

/// How close Juno's centre must come to an anchor's centre to touch it, metres.
pub const ANCHOR_REACH: f32 = 1.6;

/// A memory anchor; `index` picks its text from the dreamer's file.
#[derive(Component, Debug, Clone, Copy)]
pub struct MemoryAnchor {
    pub index: usize,
}

/// An anchor Juno has touched in this loop.
#[derive(Component, Debug, Clone, Copy)]
pub struct Collected;

/// Sent when Juno collects an anchor, with the memory it holds.
#[derive(Message, Debug, Clone)]
pub struct AnchorFound {
    pub index: usize,
    pub title: String,
    pub text: String,
}

pub(super) fn plugin(app: &mut App) {
    app.add_message::<AnchorFound>().add_systems(
        Update,
        collect_anchors
            .in_set(crate::AppSystems::Update)
            .run_if(in_state(DreamPhase::Exploring)),
    );
}

fn collect_anchors(
    mut commands: Commands,
    juno: Single<&Transform, With<Juno>>,
    anchors: Query<(Entity, &MemoryAnchor, &Transform), Without<Collected>>,
    dive: Res<ActiveDive>,
    mut nightmare: ResMut<NightmareLoop>,
    mut found: MessageWriter<AnchorFound>,
) {
    if nightmare.timer.is_finished() {
        // The loop has collapsed this frame; the next one is forming.
        return;
    }
    for (entity, anchor, transform) in &anchors {
        if transform.translation.distance(juno.translation) <= ANCHOR_REACH {
            commands
                .entity(entity)
                .insert((Collected, Visibility::Hidden));
            nightmare.anchors_found += 1;
            let Some(memory) = dive.spec.dream.anchors.get(anchor.index) else {
                continue;
            };
            info!("memory anchor found: {}", memory.title);
            found.write(AnchorFound {
                index: anchor.index,
                title: memory.title.clone(),
                text: memory.memory.clone(),
            });
        }
    }
}
