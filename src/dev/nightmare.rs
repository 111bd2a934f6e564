//! The nightmare's pictures for the tour (`--tour DIR --nightmare`): each hazard
//! reaching Juno, the loop folding away (the game's clock frozen half way through the
//! collapse; the pictures after it are of the next loop), the veiled core, the cast,
//! the confrontation and the freed dreamer, staged by moving Juno, the loop's clock and
//! what she understands.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use crate::dive::{
    ActiveDive, CurrentDream, Hazard, LoopState, Lucidity, NightmareLoop, PendingAnswer,
};
use crate::dream::HazardKind;
use crate::juno::{Juno, LookAngles, PlaceJuno};
use crate::levels::Levels;
use crate::looks::GameCamera;
use crate::looks::figure::Figures;
use crate::settings::{AccessibilitySettings, Palette};
use crate::snapshot::face;
use crate::state::AppState;

/// A moment of the nightmare the tour pictures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Moment {
    /// A hazard of this kind, reaching Juno.
    Hazard(HazardKind),
    /// The core, veiled while Juno understands too little.
    CoreVeiled,
    /// Talking with the dreamer at the core.
    Confrontation,
    /// The dreamer freed.
    Freed,
    /// Everyone's figure in a row, facing the camera: the contact sheet's people.
    Cast,
    /// The loop collapsing: its ground folding away from Juno, frozen half way.
    Folding,
}

impl Moment {
    /// The moments of a dream with hazards of `kinds`, in the tour's order.
    pub(super) fn all(kinds: &[HazardKind]) -> Vec<Moment> {
        let mut moments: Vec<Moment> = Vec::new();
        for kind in kinds {
            if !moments.contains(&Moment::Hazard(*kind)) {
                moments.push(Moment::Hazard(*kind));
            }
        }
        moments.extend([
            Moment::Folding,
            Moment::CoreVeiled,
            Moment::Cast,
            Moment::Confrontation,
            Moment::Freed,
        ]);
        moments
    }

    /// How its picture is named.
    pub(super) fn picture(self) -> String {
        match self {
            Moment::Hazard(kind) => format!("hazard-{}.png", kind.label().replace(' ', "-")),
            Moment::CoreVeiled => "core-veiled.png".to_owned(),
            Moment::Confrontation => "confrontation.png".to_owned(),
            Moment::Freed => "freed.png".to_owned(),
            Moment::Cast => "cast.png".to_owned(),
            Moment::Folding => "loop-folding.png".to_owned(),
        }
    }
}

/// What the nightmare tour moves about to stage its pictures.
#[derive(SystemParam)]
pub(super) struct Stage<'w, 's> {
    commands: Commands<'w, 's>,
    dive: Option<ResMut<'w, ActiveDive>>,
    nightmare: Option<ResMut<'w, NightmareLoop>>,
    answer: ResMut<'w, PendingAnswer>,
    hazards: Query<'w, 's, (&'static Hazard, &'static Transform), Without<Juno>>,
    figures: Figures<'w>,
    levels: Res<'w, Levels>,
    camera: Query<'w, 's, &'static GlobalTransform, With<GameCamera>>,
    seen: Query<'w, 's, &'static mut Visibility, With<Juno>>,
    hazards_seen: Query<'w, 's, &'static mut Visibility, (With<Hazard>, Without<Juno>)>,
    cast: Query<'w, 's, Entity, With<CastMember>>,
    time: ResMut<'w, Time<Virtual>>,
    access: ResMut<'w, AccessibilitySettings>,
}

/// A figure of the cast's picture, gone once it is taken.
#[derive(Component)]
struct CastMember;

impl Stage<'_, '_> {
    /// Shows or hides Juno's figure.
    pub(super) fn show_juno(&mut self, shown: bool) {
        show(&mut self.seen, shown);
    }

    /// Shows or hides every hazard.
    pub(super) fn show_hazards(&mut self, shown: bool) {
        show(&mut self.hazards_seen, shown);
    }

    /// Draws what follows in `palette`.
    pub(super) fn use_palette(&mut self, palette: Palette) {
        if self.access.palette != palette {
            self.access.palette = palette;
        }
    }

    /// Nothing flashes from now on, so two pictures of one stopped instant are alike
    /// but for what was changed between them.
    pub(super) fn hold_still(&mut self) {
        if !self.access.reduce_flashing {
            self.access.reduce_flashing = true;
        }
    }

    /// Stops the game's clock (the next moment set starts it again).
    pub(super) fn freeze(&mut self) {
        self.time.pause();
    }

    /// Sets up `moment`'s picture (placing Juno on its first frame); true once it is
    /// ready to be taken.
    pub(super) fn set(
        &mut self,
        moment: Moment,
        dream: &CurrentDream,
        juno: &mut Query<(&mut Transform, &mut LookAngles), With<Juno>>,
        first: bool,
    ) -> bool {
        let (Some(dive), Some(nightmare)) = (self.dive.as_mut(), self.nightmare.as_mut()) else {
            return false;
        };
        // The folding loop's picture is frozen in time; the next moment lets it go on,
        // and waits for the next loop to be running.
        if moment != Moment::Folding {
            if self.time.is_paused() {
                self.time.unpause();
            }
            if matches!(
                nightmare.state,
                LoopState::Collapsing { .. } | LoopState::Ended
            ) {
                return false;
            }
        }
        let rules = dive.spec.dream.nightmare;
        let place = |commands: &mut Commands, xz: Vec2| {
            let ground = dream.heightfield.height_at(xz);
            commands.trigger(PlaceJuno {
                feet: Vec3::new(xz.x, ground + 0.05, xz.y),
            });
        };
        match moment {
            Moment::Hazard(kind) => {
                let Some((hazard, at)) = self
                    .hazards
                    .iter()
                    .find(|(h, _)| h.kind == kind)
                    .map(|(h, t)| (*h, t.translation))
                else {
                    return true;
                };
                // Where it reaches her, looking at it from a few steps away.
                let (distance, look_at, pitch) = match kind {
                    HazardKind::Chaser => (5.0, at, -0.25),
                    HazardKind::MirrorCopy => (4.0, hazard.home, -0.3),
                    HazardKind::DissolvingGround => {
                        (rules.dissolving_ground.radius + 1.5, hazard.home, -0.6)
                    }
                    // Inside its edge, the camera outside: the pool seen whole.
                    HazardKind::RisingFog => (
                        (rules.rising_fog.radius - 2.5).max(2.0),
                        hazard.home + Vec3::Y * 2.0,
                        -0.3,
                    ),
                    HazardKind::RisingWater => (4.0, hazard.home + Vec3::Y * 2.0, -0.15),
                    HazardKind::Strings => (5.0, hazard.home + Vec3::Y * 3.0, -0.1),
                    HazardKind::Watcher => (9.0, hazard.home + Vec3::Y * 2.5, -0.2),
                };
                let stand = vantage(dream, look_at, distance);
                if first {
                    // A fresh meter for each picture: the tour is not a test of nerve.
                    self.commands.insert_resource(Lucidity::full());
                    // Pools are pictured late in the loop, when they have risen; the
                    // rest early, so the loop does not end under the picture.
                    let late = matches!(kind, HazardKind::RisingFog | HazardKind::RisingWater);
                    let length = nightmare.timer.duration();
                    nightmare
                        .timer
                        .set_elapsed(length.mul_f32(if late { 0.8 } else { 0.1 }));
                    place(&mut self.commands, stand);
                }
                // The camera stands behind her, so she faces it from the far side.
                face(juno, look_at, pitch);
                true
            }
            Moment::CoreVeiled => {
                let core = dream.core.position;
                let away = (dream.spawn - core).with_y(0.0).normalize_or(Vec3::X);
                if first {
                    self.commands.insert_resource(Lucidity::full());
                    let length = nightmare.timer.duration();
                    nightmare.timer.set_elapsed(length.mul_f32(0.1));
                    dive.understood.clear();
                    place(&mut self.commands, (core + away * 5.0).xz());
                }
                face(juno, core, -0.3);
                true
            }
            Moment::Confrontation => {
                let core = dream.core.position;
                let away = (dream.spawn - core).with_y(0.0).normalize_or(Vec3::X);
                if first {
                    // The cast's picture is taken: its figures go, Juno comes back.
                    for member in &self.cast {
                        self.commands.entity(member).despawn();
                    }
                    show(&mut self.seen, true);
                    dive.understood = (0..dive.spec.dream.anchors.len()).collect();
                    place(&mut self.commands, (core + away * 2.0).xz());
                }
                face(juno, core + Vec3::Y * 1.0, -0.15);
                matches!(nightmare.state, LoopState::Confronting { .. })
            }
            Moment::Freed => {
                if let LoopState::Confronting { node } = &nightmare.state
                    && self.answer.0.is_none()
                {
                    // The words that free them: towards Free, with what she understands.
                    self.answer.0 = dive
                        .spec
                        .dialogue
                        .node(node)
                        .and_then(|node| node.best_answer(&dive.facts()));
                }
                nightmare.state == LoopState::Freed
            }
            Moment::Folding => {
                // From where she came in, looking towards the core: the ground folds
                // away from her across the dream.
                if first && nightmare.is_running() {
                    self.commands.insert_resource(Lucidity::full());
                    place(&mut self.commands, dream.spawn.xz());
                    let length = nightmare.timer.duration();
                    nightmare.timer.set_elapsed(length);
                }
                face(juno, dream.core.position, -0.25);
                let folding = nightmare.collapse_progress() >= 0.45;
                if folding && !self.time.is_paused() {
                    self.time.pause();
                }
                folding
            }
            Moment::Cast => {
                let Ok((transform, _)) = juno.single() else {
                    return false;
                };
                let at = transform.translation;
                if first {
                    let Ok(camera) = self.camera.single() else {
                        return false;
                    };
                    // Time to take the picture before the loop ends or a hazard drains her.
                    self.commands.insert_resource(Lucidity::full());
                    let length = nightmare.timer.duration();
                    nightmare.timer.set_elapsed(length.mul_f32(0.1));
                    // Juno is in the row; the hazards would stand in front of it.
                    show(&mut self.seen, false);
                    for mut seen in &mut self.hazards_seen {
                        *seen = Visibility::Hidden;
                    }
                    let library = &self.levels.library;
                    let mut people = vec![library.cast.juno.clone()];
                    people.extend(library.campaign_dives().map(|dive| dive.dreamer.figure()));
                    people.push(library.cast.father.clone());
                    let eye = camera.translation();
                    let towards = (eye - at).xz().normalize_or(Vec2::Y);
                    // Left to right on screen, in the order of `people`.
                    let across = -towards.perp();
                    let middle = at.xz() + towards * 2.0;
                    let count = people.len() as f32;
                    for (k, figure) in people.iter().enumerate() {
                        let xz = middle + across * (k as f32 - (count - 1.0) * 0.5) * 1.05;
                        let to_camera = eye.xz() - xz;
                        let body = self
                            .commands
                            .spawn((
                                Name::new("Cast member"),
                                CastMember,
                                Transform::from_xyz(xz.x, dream.heightfield.height_at(xz), xz.y)
                                    .with_rotation(Quat::from_rotation_y(f32::atan2(
                                        -to_camera.x,
                                        -to_camera.y,
                                    ))),
                                Visibility::Visible,
                                DespawnOnExit(AppState::Dream),
                            ))
                            .id();
                        self.figures.spawn(
                            &mut self.commands,
                            body,
                            figure,
                            0.0,
                            crate::looks::figure::Finish::Own,
                        );
                    }
                }
                face(juno, at + Vec3::Y * 0.4, -0.08);
                true
            }
        }
    }
}

/// Shows or hides what `seen` finds.
fn show<F: bevy::ecs::query::QueryFilter>(seen: &mut Query<&mut Visibility, F>, shown: bool) {
    for mut visibility in seen {
        *visibility = if shown {
            Visibility::Inherited
        } else {
            Visibility::Hidden
        };
    }
}

/// Where to stand `distance` metres from `target` so the camera behind Juno has room:
/// of twelve directions, the one on reachable ground whose camera boom the ground
/// shortens least.
fn vantage(dream: &CurrentDream, target: Vec3, distance: f32) -> Vec2 {
    let ground = |xz: Vec2| dream.heightfield.height_at(xz);
    let mut best = (f32::MIN, target.xz() + Vec2::X * distance);
    for k in 0..12 {
        let out = Vec2::from_angle(k as f32 * std::f32::consts::TAU / 12.0);
        let stand = target.xz() + out * distance;
        let (x, z) = dream.heightfield.nearest_sample(stand);
        let n = dream.heightfield.samples();
        if !dream.reachable.get(z * n + x).copied().unwrap_or(false) {
            continue;
        }
        let eye = Vec3::new(stand.x, ground(stand) + 1.7, stand.y);
        let to = target - eye;
        let look = LookAngles {
            yaw: f32::atan2(-to.x, -to.z),
            pitch: -0.25,
        };
        let camera = crate::looks::camera_position(eye, look, 7.0, None, ground);
        // A prop between the camera and what it looks at would fill the picture: such a
        // stand is taken only when every stand has one.
        let blocked = dream
            .props
            .iter()
            .any(|p| blocks(p, camera.xz(), target.xz()));
        let room = camera.distance(eye) - if blocked { BLOCKED } else { 0.0 };
        if room > best.0 + 0.25 {
            best = (room, stand);
        }
    }
    best.1
}

/// What a prop in the line of sight costs a stand in [`vantage`]: more than any camera's
/// room, so an open view always wins.
const BLOCKED: f32 = 100.0;

/// Whether `prop` stands in the way from `camera` to `target` (seen from above): within
/// its visual reach (at least 1.5 m at scale 1: a clock's face, a lamp's head) of the
/// line between them.
fn blocks(prop: &crate::dream::Prop, camera: Vec2, target: Vec2) -> bool {
    let reach = prop.kind.footprint().max(1.5) * prop.scale;
    let (from, to) = (camera, target - camera);
    let along =
        ((prop.position.xz() - from).dot(to) / to.length_squared().max(1e-6)).clamp(0.0, 1.0);
    (from + to * along).distance(prop.position.xz()) < reach
}
