//! The third-person camera: behind and above Juno, turned by the player, pulled in
//! whenever the ground would come between it and her, never below the terrain.

use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::prelude::*;

use bevy_rapier3d::prelude::{QueryFilter, ReadRapierContext};

use crate::dive::{CurrentDream, LoopState, NightmareLoop};
use crate::juno::{JUNO_CENTRE_HEIGHT, Juno, JunoTuning, LookAngles};
use crate::settings::PictureSettings;
use crate::state::AppState;

/// The one camera of the game; egui draws on it too.
#[derive(Component, Debug, Default, Clone, Copy)]
pub struct GameCamera;

/// The camera keeps at least this far above the ground, and this far in front of
/// anything solid behind it.
const GROUND_CLEARANCE: f32 = 0.6;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_camera)
        .add_systems(
            Update,
            (field_of_view, anti_aliasing).run_if(resource_exists_and_changed::<PictureSettings>),
        )
        .add_systems(
            PostUpdate,
            follow_juno
                .before(TransformSystems::Propagate)
                .run_if(in_state(AppState::Dream)),
        );
}

fn spawn_camera(mut commands: Commands, picture: Res<PictureSettings>) {
    commands.spawn((
        Name::new("Camera"),
        GameCamera,
        Camera3d::default(),
        msaa(&picture),
        tonemapping(),
        Transform::from_xyz(0.0, 10.0, 20.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
}

/// The player's field of view (settings), whenever it changes.
fn field_of_view(
    picture: Res<PictureSettings>,
    mut projection: Single<&mut Projection, With<GameCamera>>,
) {
    if let Projection::Perspective(perspective) = &mut **projection {
        perspective.fov = picture.field_of_view.to_radians();
    }
}

/// Smooth edges (four samples a pixel) or not, as the player sets them.
fn msaa(picture: &PictureSettings) -> Msaa {
    if picture.anti_aliasing {
        Msaa::Sample4
    } else {
        Msaa::Off
    }
}

/// The camera's edges follow the player's setting.
fn anti_aliasing(picture: Res<PictureSettings>, mut cameras: Query<&mut Msaa, With<GameCamera>>) {
    for mut samples in &mut cameras {
        // Set only when it changes: a change makes the camera's render targets again.
        samples.set_if_neq(msaa(&picture));
    }
}

/// Bevy's default on the desktop. The browser build ships without the tonemapping lookup
/// tables (0.7 MB of download): there, the "somewhat boring display transform", which
/// needs none and keeps close to the default.
fn tonemapping() -> Tonemapping {
    if cfg!(target_arch = "wasm32") {
        Tonemapping::SomewhatBoringDisplayTransform
    } else {
        Tonemapping::default()
    }
}

/// Where the camera should be: a boom of `boom` metres behind `target`, shortened where
/// the ground is in the way, and to `solid_at` metres if something solid is nearer.
pub fn camera_position(
    target: Vec3,
    look: LookAngles,
    boom: f32,
    solid_at: Option<f32>,
    ground: impl Fn(Vec2) -> f32,
) -> Vec3 {
    let back = boom_direction(look);
    let steps = 16;
    let mut length = boom;
    for k in 1..=steps {
        let d = boom * k as f32 / steps as f32;
        let p = target + back * d;
        if ground(p.xz()) + GROUND_CLEARANCE > p.y {
            length = (boom * (k - 1) as f32 / steps as f32).max(0.5);
            break;
        }
    }
    if let Some(hit) = solid_at {
        length = length.min((hit - GROUND_CLEARANCE).max(0.5));
    }
    let mut position = target + back * length;
    position.y = position.y.max(ground(position.xz()) + GROUND_CLEARANCE);
    position
}

/// How far behind Juno the camera would be with nothing in the way: the dream's
/// distance times the player's (Settings → Picture → Camera distance).
fn boom_length(tuning: &JunoTuning, picture: &PictureSettings) -> f32 {
    tuning.camera_distance * picture.camera_distance
}

/// The way from Juno to the camera.
fn boom_direction(look: LookAngles) -> Vec3 {
    Quat::from_euler(EulerRot::YXZ, look.yaw, look.pitch, 0.0) * Vec3::Z
}

#[allow(clippy::too_many_arguments)]
fn follow_juno(
    time: Res<Time<Real>>,
    dream: Option<Res<CurrentDream>>,
    nightmare: Option<Res<NightmareLoop>>,
    tuning: Res<JunoTuning>,
    picture: Res<PictureSettings>,
    physics: ReadRapierContext,
    juno: Single<(Entity, &Transform, &LookAngles), With<Juno>>,
    mut camera: Single<&mut Transform, (With<GameCamera>, Without<Juno>)>,
    mut aim: Local<Option<Vec3>>,
    mut was_talking: Local<bool>,
) {
    let Some(dream) = dream else {
        return;
    };
    // A new loop (or dive) starts the aim afresh: no swing from the last one's target.
    if dream.is_changed() {
        *aim = None;
    }
    let (entity, juno_transform, look) = *juno;
    let talking = nightmare.is_some_and(|n| matches!(n.state, LoopState::Confronting { .. }));
    let (wanted, target) = if talking {
        two_shot(
            juno_transform.translation,
            dream.core.position,
            camera.translation,
        )
    } else {
        let target = juno_transform.translation + Vec3::Y * tuning.camera_height;
        let boom = boom_length(&tuning, &picture);
        // Props, the veil, the dreamer: whatever solid is between her and the camera.
        let solid_at = physics.single().ok().and_then(|context| {
            let filter = QueryFilter::default()
                .exclude_collider(entity)
                .exclude_sensors();
            context.with_query_pipeline(filter, |pipeline| {
                pipeline
                    .cast_ray(target, boom_direction(*look), boom, true)
                    .map(|(_, toi)| toi)
            })
        });
        let wanted = camera_position(target, *look, boom, solid_at, |xz| {
            dream.heightfield.height_at(xz)
        });
        (wanted, target)
    };
    // The camera swings slowly round to the two-shot and back; with less motion asked
    // for, it cuts both ways.
    let cut = picture.reduce_motion && talking != *was_talking;
    *was_talking = talking;
    let rate = if talking { 3.0 } else { 14.0 };
    let blend = if cut || (talking && picture.reduce_motion) {
        1.0
    } else {
        1.0 - (-rate * time.delta_secs()).exp()
    };
    let mut position = camera.translation.lerp(wanted, blend);
    // Smoothing must never drag the camera under the ground.
    position.y = position
        .y
        .max(dream.heightfield.height_at(position.xz()) + GROUND_CLEARANCE);
    camera.translation = position;
    let looked_at = aim.map_or(target, |a| a.lerp(target, blend));
    *aim = Some(looked_at);
    camera.look_at(looked_at, Vec3::Y);
}

/// Where the camera stands while Juno talks with the dreamer at `core`: to one side of
/// the line between them (the side it is already nearer), a little behind her, so both
/// faces and the words between them are in the picture. Returns where it stands and
/// what it looks at.
fn two_shot(juno: Vec3, core: Vec3, camera: Vec3) -> (Vec3, Vec3) {
    let juno_feet = juno - Vec3::Y * JUNO_CENTRE_HEIGHT;
    let line = (core - juno_feet).xz().normalize_or(Vec2::Y);
    let mut side = line.perp();
    if side.dot(camera.xz() - juno_feet.xz()) < 0.0 {
        side = -side;
    }
    let middle = (juno_feet + core) * 0.5 + Vec3::Y * 1.35;
    let out = side * 4.2 - line * 1.6;
    (middle + Vec3::new(out.x, 0.5, out.y), middle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camera_stays_above_ground_and_behind() {
        let look = LookAngles {
            yaw: 0.0,
            pitch: -0.3,
        };
        let flat = camera_position(Vec3::new(0.0, 1.0, 0.0), look, 7.0, None, |_| 0.0);
        assert!(flat.z > 0.0, "behind Juno when she looks along -Z");
        assert!(flat.y >= GROUND_CLEARANCE);
        // A wall of ground rising behind her pulls the camera in.
        let walled = camera_position(Vec3::new(0.0, 1.0, 0.0), look, 7.0, None, |xz| {
            if xz.y > 2.0 { 50.0 } else { 0.0 }
        });
        assert!(
            walled.z <= 2.0 + 1e-3,
            "camera pulled in front of the wall: {walled}"
        );
        assert!(walled.y >= GROUND_CLEARANCE);
        // Something solid 3 m behind her: the camera stays in front of it.
        let target = Vec3::new(0.0, 1.0, 0.0);
        let blocked = camera_position(target, look, 7.0, Some(3.0), |_| 0.0);
        assert!(
            blocked.distance(target) <= 3.0 - GROUND_CLEARANCE + 1e-3,
            "camera behind the solid thing: {blocked}"
        );
    }
}
