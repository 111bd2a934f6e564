//! Others in the dream (a dream file's `cast`): the dreamers of a shared dream walking
//! with Juno, and someone standing at its edge. They speak on cues, the first time Juno
//! does something (looks round, jumps, understands a memory), so a dream can teach by
//! doing. Someone at the edge may, on a cue, draw a companion away: both walk off and are
//! gone. People never touch Juno, the hazards or the loop: no collider, no effect on
//! play, so recorded replays play the same with or without them.

use std::collections::BTreeSet;
use std::f32::consts::{PI, TAU};

use bevy::prelude::*;

use super::hazards::behaviour::{Steering, chase_step};
use super::{ActiveDive, CurrentDream, DiveNews, LoopScoped, LoopState, NightmareLoop};
use crate::dream::Dream;
use crate::juno::{Juno, JunoMotion, LookAngles, TickIntent};
use crate::levels::story::DiveMoment;
use crate::levels::{Cue, Role, cond};
use crate::state::{AppState, DiveResources};

/// How fast people walk, metres a second.
const WALK: f32 = 3.4;
/// How far behind Juno a companion keeps, metres.
const KEEP: f32 = 2.6;
/// How far from the core's centre people gather once it opens, metres.
const GATHER: f32 = 3.6;
/// How much Juno must turn the camera before she has "looked round", radians.
const LOOKED: f32 = 0.8;
/// Below this speed (m/s, across the ground) Juno is standing still: a lingering
/// slide, not a step.
const STILL_BELOW: f32 = 0.5;

/// Someone in the dream: the index of their place in the dream's `cast`.
#[derive(Component, Debug, Clone)]
pub struct DreamPerson {
    pub index: usize,
    pub role: Role,
    steering: Steering,
}

/// Someone in the dream says this.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct PersonSays {
    /// Their name, as their dreamer file gives it.
    pub name: String,
    /// Their dreamer id (for their colour).
    pub who: String,
    pub text: String,
}

/// The cast's state over a dive: which lines were said, who left, and what Juno has
/// done so far (for the cues).
#[derive(Resource, Debug, Default)]
pub struct People {
    /// (person, line) pairs already said: each line once a dive.
    said: BTreeSet<(usize, usize)>,
    /// (person, cue) pairs of the cues that stay true once reached (looked round,
    /// jumped, stood still): each person answers one of those once.
    answered: Vec<(usize, Cue)>,
    /// People walking off to the edge, and those gone.
    pub leaving: BTreeSet<usize>,
    pub gone: BTreeSet<usize>,
    started: bool,
    turned: f32,
    last_yaw: Option<f32>,
    jumped: bool,
    still: f32,
    talk_node: Option<String>,
}

/// Someone put in the dream with the loop's furnishings, behind the forming screen, who
/// walks from the loop's second frame of play, as the cast did when they came in its
/// first (the shipped replays were recorded so).
#[derive(Component, Debug, Default, Clone, Copy)]
pub(super) struct Arriving;

pub(super) fn plugin(app: &mut App) {
    app.add_message::<PersonSays>()
        .init_dive_resource::<People>()
        .add_systems(
            Update,
            (arrive, listen)
                .chain()
                .in_set(crate::AppSystems::Update)
                .in_set(crate::DiveSystems::InPlay)
                .run_if(resource_exists::<ActiveDive>.and_then(resource_exists::<CurrentDream>)),
        );
    // walk runs in the dive's fixed-step order (`super::simulate`).
}

/// The cast put in place for the new loop begin to walk from the next frame.
fn arrive(mut commands: Commands, arriving: Query<Entity, With<Arriving>>) {
    for person in &arriving {
        commands.entity(person).remove::<Arriving>();
    }
}

/// Puts the `index`th of the cast into a new loop's world (one a frame of its
/// furnishing: see `world::furnish_a_frame`), unless they are gone from the dream:
/// companions beside Juno's spawn, someone at the edge at the reachable ground
/// farthest from it. Whether someone was put.
pub(super) fn put_in_place(
    commands: &mut Commands,
    index: usize,
    people: &People,
    dive: &ActiveDive,
    dream: &Dream,
) -> bool {
    let cast = &dive.spec.dream.cast;
    let Some(person) = cast.get(index) else {
        return false;
    };
    if people.gone.contains(&index) {
        return false;
    }
    let at = match person.role {
        Role::Companion => {
            // Companions stand either side of her in turn, the cast's order.
            let companions = cast[..=index]
                .iter()
                .enumerate()
                .filter(|(i, p)| p.role == Role::Companion && !people.gone.contains(i))
                .count() as u32;
            let side = if companions.is_multiple_of(2) {
                1.0
            } else {
                -1.0
            };
            let beside = Vec2::new(side * 1.8 * companions.div_ceil(2) as f32, 1.5);
            dream.safe_spot_near(dream.spawn.xz() + beside)
        }
        Role::Edge => farthest_from(dream, dream.spawn),
    };
    let limits = crate::dream::MovementLimits::default().planning();
    commands.spawn((
        Name::new(format!("Dream person: {}", person.who)),
        DreamPerson {
            index,
            role: person.role,
            steering: Steering {
                max_gradient: limits.max_gradient,
                water: dream.water_level,
                side: if index.is_multiple_of(2) { 1.0 } else { -1.0 },
            },
        },
        Arriving,
        LoopScoped,
        DespawnOnExit(AppState::Dream),
        Transform::from_translation(at),
        Visibility::Visible,
    ));
    true
}

/// The reachable ground farthest from `from`: the edge of what Juno can walk to (the
/// last such sample in the grid's order, of those as far).
///
/// The distance of each sample is its world point's, as `Vec2::distance_squared` gives
/// it (`dx * dx + dz * dz`), with a column's and a row's share worked out once: the
/// search runs in a frame of a loop's change, over every sample of the ground.
fn farthest_from(dream: &Dream, from: Vec3) -> Vec3 {
    let field = &dream.heightfield;
    let n = field.samples();
    let across: Vec<f32> = (0..n)
        .map(|x| {
            let d = field.world_xz(x, 0).x - from.x;
            d * d
        })
        .collect();
    let mut farthest: Option<(f32, usize)> = None;
    for (z, row) in dream.reachable.chunks(n).enumerate() {
        let d = field.world_xz(0, z).y - from.z;
        let along = d * d;
        for (x, _) in row.iter().enumerate().filter(|&(_, &r)| r) {
            let distance = across[x] + along;
            if farthest.is_none_or(|(most, _)| distance >= most) {
                farthest = Some((distance, z * n + x));
            }
        }
    }
    farthest.map_or(dream.spawn, |(_, i)| field.world_point(i % n, i / n))
}

/// Each person a step: companions after Juno (to the core once it opens), people leaving
/// towards the one they leave with; whoever arrives there is gone.
pub(super) fn walk(
    mut commands: Commands,
    time: Res<Time>,
    dive: Res<ActiveDive>,
    dream: Res<CurrentDream>,
    mut people: ResMut<People>,
    juno: Single<&Transform, (With<Juno>, Without<DreamPerson>)>,
    mut walkers: Query<(Entity, &mut DreamPerson, &mut Transform), Without<Arriving>>,
) {
    let dt = time.delta_secs();
    let ground = |p: Vec2| dream.heightfield.height_at(p);
    let cast = &dive.spec.dream.cast;
    let positions: Vec<(usize, Vec3)> = walkers
        .iter()
        .map(|(_, p, t)| (p.index, t.translation))
        .collect();
    let place_of = |index: usize| positions.iter().find(|(i, _)| *i == index).map(|(_, p)| *p);
    let juno_feet = juno.translation - Vec3::Y * crate::juno::JUNO_CENTRE_HEIGHT;
    let mut arrived = Vec::new();
    for (entity, mut person, mut transform) in &mut walkers {
        let index = person.index;
        let Some(who) = cast.get(index) else {
            continue;
        };
        let leaving_with = cast
            .iter()
            .enumerate()
            .find(|(_, p)| p.leaves_with.as_deref() == Some(who.who.as_str()))
            .map(|(i, _)| i);
        let at = transform.translation;
        let (target, stop) = match (person.role, leaving_with) {
            // Drawn away: to the one at the edge.
            (Role::Companion, Some(edge)) if people.leaving.contains(&edge) => {
                (place_of(edge).unwrap_or(at), 0.8)
            }
            // The dream's own dreamer takes their place at its heart; the others
            // gather round.
            (Role::Companion, _) if dive.core_open() && who.who == dive.spec.dreamer.id => {
                (dream.core.position, 0.1)
            }
            (Role::Companion, _) if dive.core_open() => {
                let turn = index as f32 * 2.1;
                let spot = dream.core.position.xz() + crate::portable::unit_at(turn) * GATHER;
                (Vec3::new(spot.x, ground(spot), spot.y), 0.2)
            }
            (Role::Companion, _) => (juno_feet, KEEP),
            (Role::Edge, _) => (at, 0.0),
        };
        let next = chase_step(at, target, WALK, dt, stop, &mut person.steering, ground);
        transform.translation = next;
        let drawn_away = person.role == Role::Companion
            && leaving_with.is_some_and(|edge| people.leaving.contains(&edge));
        if drawn_away && next.xz().distance(target.xz()) < 1.0 {
            arrived.push((entity, index, leaving_with));
        }
    }
    // The companion reached the one at the edge: both are gone from the dream.
    for (entity, index, edge) in arrived {
        commands.entity(entity).despawn();
        people.gone.insert(index);
        if let Some(edge) = edge {
            people.leaving.remove(&edge);
            people.gone.insert(edge);
            for (other, p, _) in &walkers {
                if p.index == edge {
                    commands.entity(other).despawn();
                }
            }
        }
    }
}

/// The dive's moments, for the cast to speak to.
#[derive(bevy::ecs::system::SystemParam)]
struct Moments<'w, 's> {
    news: DiveNews<'w, 's>,
    intent: Option<Res<'w, TickIntent>>,
    look: Query<'w, 's, &'static LookAngles>,
    juno: Query<'w, 's, &'static JunoMotion, With<Juno>>,
    time: Res<'w, Time>,
}

/// Hears what happens and has the cast say their lines for it.
fn listen(
    mut moments: Moments,
    mut people: ResMut<People>,
    dive: Res<ActiveDive>,
    nightmare: Res<NightmareLoop>,
    mut says: MessageWriter<PersonSays>,
) {
    let mut cues: Vec<Cue> = Vec::new();
    if !people.started {
        people.started = true;
        cues.push(Cue::Start);
    }
    if let Ok(look) = moments.look.single() {
        if let Some(last) = people.last_yaw {
            // The shortest way round: yaw wraps at a full turn.
            let turn = (look.yaw - last + PI).rem_euclid(TAU) - PI;
            people.turned += turn.abs().min(1.0);
        }
        people.last_yaw = Some(look.yaw);
    }
    let looked = people.turned >= LOOKED;
    let jumped = moments.intent.as_deref().is_some_and(|i| i.jump);
    if jumped {
        people.jumped = true;
    }
    // Still is not walking, by her own motion, not by how far she was drawn to move
    // since the last frame: that is less than a step on a fast display.
    if let Ok(motion) = moments.juno.single() {
        let moving = motion.velocity.xz().length() > STILL_BELOW;
        people.still = if moving || !nightmare.is_running() {
            0.0
        } else {
            people.still + moments.time.delta_secs()
        };
    }
    for moment in moments.news.heard() {
        match moment {
            DiveMoment::Memory => cues.push(Cue::Memory),
            DiveMoment::CoreOpen => cues.push(Cue::CoreOpen),
            _ => {}
        }
    }
    if let LoopState::Confronting { node } = &nightmare.state
        && people.talk_node.as_ref() != Some(node)
    {
        people.talk_node = Some(node.clone());
        cues.push(Cue::Talk(node.clone()));
    }
    let facts = dive.facts();
    let cast = &dive.spec.dream.cast;
    for (index, person) in cast.iter().enumerate() {
        if people.gone.contains(&index) {
            continue;
        }
        // Lines for the cues that came now, and for what Juno has done by now.
        let due = |on: &Cue| match on {
            Cue::Look => looked,
            Cue::Jump => people.jumped,
            Cue::Idle(seconds) => people.still >= *seconds,
            other => cues.contains(other),
        };
        let mut spoken_for: Vec<&Cue> = Vec::new();
        let mut to_say = Vec::new();
        for (line_index, line) in person.lines.iter().enumerate() {
            if people.said.contains(&(index, line_index))
                || people.answered.contains(&(index, line.on.clone()))
                || spoken_for.contains(&&line.on)
                || !due(&line.on)
                || !cond::all(&line.when, &facts)
            {
                continue;
            }
            spoken_for.push(&line.on);
            to_say.push(line_index);
        }
        for line_index in to_say {
            people.said.insert((index, line_index));
            let on = &person.lines[line_index].on;
            if matches!(on, Cue::Look | Cue::Jump | Cue::Idle(_)) {
                people.answered.push((index, on.clone()));
            }
            let name = dive
                .spec
                .people
                .get(index)
                .map_or_else(|| person.who.clone(), |d| d.name.clone());
            says.write(PersonSays {
                name,
                who: person.who.clone(),
                text: person.lines[line_index].text.clone(),
            });
        }
        if person
            .leaves_on
            .as_ref()
            .is_some_and(|on| cues.contains(on))
        {
            people.leaving.insert(index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dream::{GenOptions, MovementLimits};

    /// The search as it read before its distances were worked out a row at a time:
    /// every reachable sample's world point, the last of the farthest.
    fn farthest_plainly(dream: &Dream, from: Vec3) -> Vec3 {
        let n = dream.heightfield.samples();
        dream
            .reachable
            .iter()
            .enumerate()
            .filter(|&(_, &r)| r)
            .map(|(i, _)| dream.heightfield.world_point(i % n, i / n))
            .max_by(|a, b| {
                a.xz()
                    .distance_squared(from.xz())
                    .total_cmp(&b.xz().distance_squared(from.xz()))
            })
            .unwrap_or(dream.spawn)
    }

    #[test]
    fn the_edge_is_the_same_sample_the_plain_search_finds() {
        let root = crate::levels::data_root();
        let assembly = crate::levels::disk::load(&root.join("levels"), &[], &root);
        let leo = assembly.library.dive("leo").expect("Leo's dive");
        let dream = Dream::generate_with(
            &leo.recipe(0),
            3,
            &MovementLimits::default(),
            &GenOptions::single_threaded(),
        );
        let n = dream.heightfield.samples();
        // From the spawn, from the middle, from a corner and from a grid point (ties).
        let froms = [
            dream.spawn,
            Vec3::ZERO,
            dream.heightfield.world_point(0, n - 1),
            dream.heightfield.world_point(n / 2, n / 3),
        ];
        for from in froms {
            let edge = farthest_from(&dream, from);
            assert_eq!(edge, farthest_plainly(&dream, from), "from {from}");
            assert_ne!(edge, dream.spawn, "from {from}: found nothing");
        }
        // Every sample reachable, from the middle: the four corners tie, and the last
        // of them in the grid's order is the edge.
        let mut everywhere = dream.clone();
        everywhere.reachable.fill(true);
        let corner = dream.heightfield.world_point(n - 1, n - 1);
        assert_eq!(farthest_from(&everywhere, Vec3::ZERO), corner);
        assert_eq!(farthest_plainly(&everywhere, Vec3::ZERO), corner);
        // Nothing reachable: the spawn.
        let mut nowhere = dream.clone();
        nowhere.reachable.fill(false);
        assert_eq!(farthest_from(&nowhere, Vec3::ZERO), nowhere.spawn);
    }
}
