//! The fear made solid: each hazard the dream file places, doing what its kind does,
//! wearing down Juno's lucidity and — for some — pushing or slowing her. The numbers
//! come from the dream file's `nightmare` rules; the behaviour from [`behaviour`].
//!
//! Every hazard says when it hurts: [`Hazard::hurting`] lights it up (visuals) and
//! [`Lucidity::hurting`] names it on the HUD.

pub mod behaviour;

use bevy::prelude::*;

use super::{ActiveDive, CurrentDream, Lucidity, NightmareLoop};
use crate::dream::{HazardKind, MovementLimits};
use crate::juno::{HazardEffects, JUNO_CENTRE_HEIGHT, Juno};
use crate::portable;
use crate::state::DreamPhase;
use behaviour::{Dissolving, Trail};

/// A hazard in play: what it is, where it started, and whether it is hurting Juno.
#[derive(Component, Debug, Clone, Copy)]
pub struct Hazard {
    pub kind: HazardKind,
    /// Where the dream placed it, on the ground.
    pub home: Vec3,
    /// It drained her this tick.
    pub hurting: bool,
}

/// A chaser's steering: the side it keeps to round what it cannot climb.
#[derive(Component, Debug, Clone, Copy)]
pub struct Chaser(pub behaviour::Steering);

/// A mirror copy's state: asleep at home until she comes near.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct MirrorCopy {
    pub awake: bool,
}

/// A dissolving patch's state.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct DissolvingPatch(pub Dissolving);

/// A rising pool's surface height, world metres.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct RisingPool {
    pub level: f32,
}

/// A watcher's eye: whether it sees her.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct Watcher {
    pub sees: bool,
}

/// How high a watcher's eye is above its foot, metres.
pub const WATCHER_EYE: f32 = 2.5;

/// Juno's path in this loop, for mirror copies.
#[derive(Resource, Debug, Clone, Default)]
pub struct JunoTrail(pub Trail);

/// Makes `entity` a hazard of `kind` starting at `home`, with its kind's state.
pub fn make_hazard(entity: &mut EntityCommands, kind: HazardKind, home: Vec3) {
    entity.insert(Hazard {
        kind,
        home,
        hurting: false,
    });
    match kind {
        HazardKind::MirrorCopy => entity.insert(MirrorCopy::default()),
        HazardKind::DissolvingGround => entity.insert(DissolvingPatch::default()),
        HazardKind::RisingFog | HazardKind::RisingWater => {
            entity.insert(RisingPool { level: home.y })
        }
        HazardKind::Watcher => entity.insert(Watcher::default()),
        HazardKind::Chaser => entity.insert(Chaser(behaviour::Steering {
            // It climbs what the generator plans Juno to climb: where she cannot be
            // followed, she is safe.
            max_gradient: MovementLimits::default().planning().max_gradient,
            water: None,
            side: 1.0,
        })),
        HazardKind::Strings => entity,
    };
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<HazardEffects>()
        .init_resource::<JunoTrail>()
        .add_systems(
            FixedUpdate,
            // One declared order, system by system: each hazard drains lucidity, and a
            // float sum's order is part of a replay (the order the shipped replays
            // were recorded in; `super::simulate` says why).
            (
                leave_trail,
                settle_hazards,
                watch,
                pull_strings,
                rise,
                dissolve,
                mirror,
                chase,
            )
                .chain()
                .in_set(crate::SimSystems::Hazards)
                .in_set(crate::DiveSystems::LoopRunning),
        )
        .add_systems(OnEnter(DreamPhase::Exploring), new_loop);
}

/// A new loop: nothing pulls, no trail.
fn new_loop(mut effects: ResMut<HazardEffects>, mut trail: ResMut<JunoTrail>) {
    *effects = HazardEffects::default();
    trail.0.clear();
}

/// Each tick starts with nothing hurting and nothing pulling.
fn settle_hazards(mut effects: ResMut<HazardEffects>, mut hazards: Query<&mut Hazard>) {
    *effects = HazardEffects::default();
    for mut hazard in &mut hazards {
        hazard.hurting = false;
    }
}

fn leave_trail(juno: Single<&Transform, With<Juno>>, mut trail: ResMut<JunoTrail>) {
    trail.0.push(juno.translation);
}

/// What every hazard system reads: Juno's centre, the dream, the rules, the loop.
#[derive(bevy::ecs::system::SystemParam)]
struct Scene<'w, 's> {
    time: Res<'w, Time>,
    juno: Single<'w, 's, &'static Transform, (With<Juno>, Without<Hazard>)>,
    dream: Res<'w, CurrentDream>,
    dive: Res<'w, ActiveDive>,
    nightmare: Res<'w, NightmareLoop>,
    lucidity: ResMut<'w, Lucidity>,
}

impl Scene<'_, '_> {
    fn dt(&self) -> f32 {
        self.time.delta_secs()
    }

    fn juno(&self) -> Vec3 {
        self.juno.translation
    }

    fn feet(&self) -> Vec3 {
        self.juno() - Vec3::Y * JUNO_CENTRE_HEIGHT
    }

    fn rules(&self) -> &crate::levels::NightmareRules {
        &self.dive.spec.dream.nightmare
    }

    fn ground(&self, xz: Vec2) -> f32 {
        self.dream.heightfield.height_at(xz)
    }

    /// Drains `per_second` (grown with the loop) for this tick, charged to `hazard`.
    fn hurt(&mut self, hazard: &mut Hazard, per_second: f32) {
        // The assist's slower dreams drain lucidity at 1/pace.
        let amount =
            per_second * self.rules().growth(self.nightmare.index) * self.dt() / self.dive.pace();
        self.lucidity.drain(amount, Some(hazard.kind));
        hazard.hurting = true;
    }
}

fn chase(mut scene: Scene, mut hazards: Query<(&mut Hazard, &mut Chaser, &mut Transform)>) {
    let rules = scene.rules().chaser;
    let juno = scene.feet();
    let water = scene.dream.water_level;
    for (mut hazard, mut chaser, mut transform) in &mut hazards {
        chaser.0.water = water;
        let at = transform.translation;
        let hunting = at.distance(juno) <= rules.sight;
        let (target, speed) = if hunting {
            (juno, rules.speed)
        } else {
            (hazard.home, rules.speed * 0.5)
        };
        let next = behaviour::chase_step(
            at,
            target,
            speed,
            scene.dt(),
            rules.reach * 0.5,
            &mut chaser.0,
            |xz| scene.ground(xz),
        );
        transform.translation = next;
        if next.xz() != at.xz() {
            let heading = next.xz() - at.xz();
            transform.rotation = portable::yaw_rotation(portable::atan2(-heading.x, -heading.y));
        }
        if next.distance(juno) <= rules.reach {
            scene.hurt(&mut hazard, rules.drain);
        }
    }
}

fn mirror(
    mut scene: Scene,
    trail: Res<JunoTrail>,
    mut hazards: Query<(&mut Hazard, &mut MirrorCopy, &mut Transform)>,
) {
    let rules = scene.rules().mirror_copy;
    let juno = scene.feet();
    let delay = (rules.delay * crate::third_party::rapier::PHYSICS_HZ as f32) as usize;
    for (mut hazard, mut copy, mut transform) in &mut hazards {
        if !copy.awake {
            copy.awake = juno.distance(hazard.home) <= rules.wake;
            if !copy.awake {
                continue;
            }
        }
        let Some(follow) = trail.0.ago(delay) else {
            continue;
        };
        let follow = follow - Vec3::Y * JUNO_CENTRE_HEIGHT;
        let mut next = behaviour::mirror_step(
            transform.translation,
            follow,
            hazard.home,
            rules.wake * 1.5,
            9.0,
            scene.dt(),
        );
        // It reaches for her; it does not stand inside her.
        if next.xz().distance(juno.xz()) < rules.reach * 0.5 {
            next = transform.translation;
        }
        // It mimics her: it faces the way she faced then.
        let heading = next.xz() - transform.translation.xz();
        if heading.length_squared() > 1e-6 {
            transform.rotation = portable::yaw_rotation(portable::atan2(-heading.x, -heading.y));
        }
        transform.translation = next;
        if next.distance(juno) <= rules.reach {
            scene.hurt(&mut hazard, rules.drain);
        }
    }
}

fn dissolve(
    mut scene: Scene,
    mut effects: ResMut<HazardEffects>,
    mut hazards: Query<(&mut Hazard, &mut DissolvingPatch)>,
) {
    let rules = scene.rules().dissolving_ground;
    let feet = scene.feet();
    for (mut hazard, mut patch) in &mut hazards {
        let on_it = feet.xz().distance(hazard.home.xz()) <= rules.radius
            && (feet.y - scene.ground(feet.xz())) < 0.6;
        if patch.0.step(on_it, scene.dt(), &rules) {
            effects.slow = effects.slow.min(rules.slow_to);
            scene.hurt(&mut hazard, rules.drain);
        }
    }
}

fn rise(mut scene: Scene, mut hazards: Query<(&mut Hazard, &mut RisingPool)>) {
    let head = scene.juno() + Vec3::Y * 0.7;
    let fraction = scene.nightmare.timer.fraction();
    // Fog, then water: the two drain different amounts, and lucidity must lose them in
    // one order whatever order the world keeps its entities in (a window's looks move
    // them between tables), or a replay could part by a rounding.
    for kind in [HazardKind::RisingFog, HazardKind::RisingWater] {
        for (hazard, pool) in &mut hazards {
            if hazard.kind == kind {
                rise_one(&mut scene, head, fraction, hazard, pool);
            }
        }
    }
}

/// One pool: its level this tick, and what it takes from her when her head is under it.
fn rise_one(
    scene: &mut Scene,
    head: Vec3,
    fraction: f32,
    mut hazard: Mut<Hazard>,
    mut pool: Mut<RisingPool>,
) {
    let rules = match hazard.kind {
        HazardKind::RisingFog => scene.rules().rising_fog,
        HazardKind::RisingWater => scene.rules().rising_water,
        _ => return,
    };
    // A pool over the whole dream rises from its water (or its lowest ground).
    let base = if rules.radius <= 0.0 {
        // Only such pools need the lowest ground: a scan of every sample, not
        // one to make on every tick for nothing.
        scene
            .dream
            .water_level
            .unwrap_or_else(|| scene.dream.heightfield.range().0)
    } else {
        hazard.home.y
    };
    pool.level = behaviour::rising_level(base, &rules, scene.nightmare.index, fraction);
    if behaviour::under(head, pool.level, hazard.home, rules.radius) {
        scene.hurt(&mut hazard, rules.drain);
    }
}

fn pull_strings(
    mut scene: Scene,
    mut effects: ResMut<HazardEffects>,
    mut hazards: Query<&mut Hazard>,
) {
    let rules = scene.rules().strings;
    let juno = scene.juno();
    // The pulls are summed in the order of the strings' homes, not the world's: a sum of
    // three or more floats depends on its order.
    let mut pulling: Vec<(Vec3, Mut<Hazard>)> = hazards
        .iter_mut()
        .filter(|hazard| hazard.kind == HazardKind::Strings)
        .map(|hazard| (behaviour::string_pull(juno, hazard.home, &rules), hazard))
        .filter(|(pull, _)| *pull != Vec3::ZERO)
        .collect();
    pulling.sort_by(|a, b| {
        let key = |h: &Hazard| h.home.to_array().map(f32::to_bits);
        key(&a.1).cmp(&key(&b.1))
    });
    for (pull, mut hazard) in pulling {
        effects.pull += pull;
        scene.hurt(&mut hazard, rules.drain);
    }
}

fn watch(mut scene: Scene, mut hazards: Query<(&mut Hazard, &mut Watcher)>) {
    let rules = scene.rules().watcher;
    let juno = scene.juno();
    for (mut hazard, mut watcher) in &mut hazards {
        let eye = hazard.home + Vec3::Y * WATCHER_EYE;
        watcher.sees = behaviour::sees(eye, juno, rules.range, |xz| scene.ground(xz));
        if watcher.sees {
            scene.hurt(&mut hazard, rules.drain);
        }
    }
}
