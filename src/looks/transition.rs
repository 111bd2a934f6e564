//! A loop's change, seen: as a loop collapses the ground folds away from Juno in a wave,
//! each piece tilting and sinking flat; the next loop's ground unfolds outward from
//! where she stands. Only the terrain's meshes move (its collider is the parent's and
//! stays), and only on screen. With "reduce motion" set, nothing folds: the screen's
//! fade alone carries the change.

use bevy::camera::primitives::Aabb;
use bevy::prelude::*;

use crate::dive::{CurrentDream, NightmareLoop, TerrainChunk};
use crate::dream::smoothstep;
use crate::juno::Juno;
use crate::settings::PictureSettings;
use crate::state::AppState;

/// Seconds the new loop's ground takes to unfold.
const UNFOLD_SECONDS: f32 = 0.9;
/// How much of the fold the wave takes to cross the dream (the rest, each piece's own).
const WAVE: f32 = 0.55;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        fold_terrain
            .run_if(in_state(AppState::Dream))
            .run_if(resource_exists::<CurrentDream>),
    );
}

/// How folded a piece of ground is, 0 (flat on its place) to 1 (gone), for a loop
/// `progress` of the way through its fold and a piece `reach` (0 near Juno, 1 at the
/// far edge) away.
pub fn folded(progress: f32, reach: f32) -> f32 {
    let start = reach.clamp(0.0, 1.0) * WAVE;
    smoothstep(start, start + 1.0 - WAVE, progress)
}

/// The fold of every terrain piece: collapsing (folding away), or unfolding in a new
/// loop's first moments.
#[allow(clippy::type_complexity)]
fn fold_terrain(
    time: Res<Time>,
    dream: Res<CurrentDream>,
    nightmare: Option<Res<NightmareLoop>>,
    picture: Res<PictureSettings>,
    juno: Query<&Transform, (With<Juno>, Without<TerrainChunk>)>,
    mut chunks: Query<(&mut Transform, &Aabb), With<TerrainChunk>>,
    // Seconds since the loop (of this index) began unfolding.
    mut unfold: Local<(f32, Option<u32>)>,
) {
    let (age, unfolding) = &mut *unfold;
    // The unfold's clock starts as the loop begins: a new loop's world comes over a few
    // frames behind the forming screen (its ground folded away all the while), and in a
    // slow browser those frames would use up the whole unfold before anyone saw it.
    let loop_index = nightmare.as_ref().map(|n| n.index);
    if dream.is_changed() || loop_index != *unfolding {
        *age = 0.0;
        *unfolding = loop_index;
    }
    *age += time.delta_secs();
    let collapse = nightmare.map_or(0.0, |n| n.collapse_progress());
    // Folding away as the loop collapses; unfolding (the fold run backwards) as the new
    // one begins.
    let progress = if collapse > 0.0 {
        collapse
    } else {
        1.0 - (*age / UNFOLD_SECONDS).min(1.0)
    };
    let calm = picture.reduce_motion;
    let centre = juno.single().map_or(Vec3::ZERO, |t| t.translation);
    let span = dream.heightfield.extent();
    for (mut transform, bounds) in &mut chunks {
        let pivot = Vec3::from(bounds.center) * Vec3::new(1.0, 0.0, 1.0);
        let reach = (pivot.xz().distance(centre.xz()) / span).min(1.0);
        let f = if calm { 0.0 } else { folded(progress, reach) };
        let wanted = if f <= 0.0 {
            Transform::IDENTITY
        } else {
            // Tilt away from Juno about the piece's middle, flatten and sink.
            let away = (pivot.xz() - centre.xz()).normalize_or(Vec2::X);
            let axis = Vec3::new(-away.y, 0.0, away.x);
            let turn = Quat::from_axis_angle(axis, f * 1.1);
            let scale = Vec3::new(1.0 - 0.3 * f, (1.0 - f).max(0.02), 1.0 - 0.3 * f);
            let sink = Vec3::Y * (-6.0 * f);
            Transform {
                translation: pivot - turn * (scale * pivot) + sink,
                rotation: turn,
                scale,
            }
        };
        if *transform != wanted {
            *transform = wanted;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fold_runs_from_juno_outwards_and_ends_flat() {
        assert_eq!(folded(0.0, 0.0), 0.0);
        assert_eq!(folded(1.0, 1.0), 1.0);
        // Halfway, the ground near her has gone further than the far edge.
        assert!(folded(0.5, 0.1) > folded(0.5, 0.9));
        // Each piece folds steadily.
        let mut last = 0.0;
        for k in 0..=20 {
            let f = folded(k as f32 / 20.0, 0.5);
            assert!(f >= last);
            last = f;
        }
    }
}
