//! Juno's figure over real generated dreams, headless: her feet meet the ground. She
//! walks, stops, stands and jumps across both shipped dreams' slopes, driven through the
//! keyboard path the game uses, and every foot the animation plants — while standing and
//! at each footfall — must be within 5 cm of the ground under it: the terrain, or the
//! top of a prop she climbed.

use bevy::input::ButtonState;
use bevy::input::keyboard::Key;
use bevy::prelude::*;
use sleep_sync::dev::testing::{
    dive_into, headless_app_with_figures, juno_soles, move_juno_to, send_key, surface_under,
    turn_juno,
};
use sleep_sync::dive::CurrentDream;
use sleep_sync::juno::{JUNO_CENTRE_HEIGHT, Juno, JunoMotion};

/// Within this of the ground, a planted foot meets it.
const TOLERANCE: f32 = 0.05;

#[derive(Default)]
struct Feet {
    footfalls: u32,
    standing_frames: u32,
    worst_footfall: f32,
    worst_standing: f32,
    worst_planted: f32,
    /// The steepest difference in ground height between her two planted feet.
    steepest: f32,
    /// The most a foot moved against her body over ten frames of walking: the legs
    /// animate, they are not carried along still.
    stride: f32,
}

fn walk(id: &str, frames: u32) -> Feet {
    let mut app = headless_app_with_figures();
    dive_into(&mut app, id);
    let w = |app: &mut App, state| send_key(app, KeyCode::KeyW, Key::Character("w".into()), state);
    let slopes = slopes(&app);
    assert!(slopes.len() >= 3, "{id}: hardly any slopes to walk");
    let mut feet = Feet::default();
    let mut was_planted = [true; 2];
    let mut recent: std::collections::VecDeque<[Vec3; 2]> = Default::default();
    for frame in 0..frames {
        // Walk 4 s, stand 1 s; jump now and then while walking. Every 5 s she is put on
        // another slope, facing up, across or down it.
        if frame % 300 == 0 {
            let (at, uphill) = slopes[(frame / 300) as usize * 7 % slopes.len()];
            let ground = app
                .world()
                .resource::<CurrentDream>()
                .heightfield
                .height_at(at);
            move_juno_to(
                &mut app,
                Vec3::new(at.x, ground + JUNO_CENTRE_HEIGHT + 0.05, at.y),
            );
            let facing = uphill.to_angle() + (frame / 300) as f32 * 1.9;
            turn_juno(&mut app, |look| look.yaw = facing);
        }
        match frame % 300 {
            0 => w(&mut app, ButtonState::Pressed),
            240 => w(&mut app, ButtonState::Released),
            _ => {}
        }
        match frame % 300 {
            100 => send_key(&mut app, KeyCode::Space, Key::Space, ButtonState::Pressed),
            103 => send_key(&mut app, KeyCode::Space, Key::Space, ButtonState::Released),
            _ => {}
        }
        turn_juno(&mut app, |look| {
            look.yaw += if (frame / 450) % 2 == 0 {
                0.004
            } else {
                -0.006
            };
        });
        app.update();

        let Some(soles) = juno_soles(&mut app) else {
            continue;
        };
        let world = app.world_mut();
        let (motion, body) = world
            .query_filtered::<(&JunoMotion, &Transform), With<Juno>>()
            .single(world)
            .map(|(m, t)| (*m, t.translation))
            .expect("Juno exists");
        let terrain_at_body = world
            .resource::<CurrentDream>()
            .heightfield
            .height_at(body.xz());
        let standing = motion.grounded && motion.velocity.xz().length() < 0.05;
        let walking = motion.grounded && motion.velocity.xz().length() > 3.0;
        let against_body = [soles[0].0 - body, soles[1].0 - body];
        if walking {
            if recent.len() == 10
                && let Some(before) = recent.front()
            {
                let moved = (0..2)
                    .map(|k| before[k].distance(against_body[k]))
                    .fold(0.0, f32::max);
                feet.stride = feet.stride.max(moved);
                recent.pop_front();
            }
            recent.push_back(against_body);
        } else {
            recent.clear();
        }
        if standing {
            feet.standing_frames += 1;
        }
        let mut planted_grounds = Vec::new();
        for (k, (sole, planted)) in soles.into_iter().enumerate() {
            assert!(sole.is_finite(), "{id}: frame {frame}: sole at {sole}");
            if !planted || !motion.grounded {
                was_planted[k] = planted;
                continue;
            }
            let ground = surface_under(&mut app, sole);
            let off = (sole.y - ground).abs();
            planted_grounds.push(ground);
            feet.worst_planted = feet.worst_planted.max(off);
            if !was_planted[k] {
                feet.footfalls += 1;
                feet.worst_footfall = feet.worst_footfall.max(off);
            }
            if standing {
                feet.worst_standing = feet.worst_standing.max(off);
            }
            assert!(
                off <= TOLERANCE,
                "{id}: frame {frame}: a planted foot is {:.3} m {} the ground at {sole} \
                 (Juno at {body}, ground there {:.3}, {motion:?})",
                off,
                if sole.y > ground { "above" } else { "below" },
                terrain_at_body
            );
            was_planted[k] = planted;
        }
        if let [a, b] = planted_grounds[..] {
            feet.steepest = feet.steepest.max((a - b).abs());
        }
    }
    println!(
        "{id}: {} footfalls (worst {:.3} m off the ground), {} frames standing (worst {:.3} m), \
         any planted foot at worst {:.3} m; steepest step between the feet {:.2} m; \
         a foot moved up to {:.2} m against her body in ten frames",
        feet.footfalls,
        feet.worst_footfall,
        feet.standing_frames,
        feet.worst_standing,
        feet.worst_planted,
        feet.steepest,
        feet.stride
    );
    feet
}

/// Places on walkable slopes (rising 25° to 45°), with the way up, over the dream.
fn slopes(app: &App) -> Vec<(Vec2, Vec2)> {
    let field = &app.world().resource::<CurrentDream>().heightfield;
    let half = field.extent() * 0.4;
    let mut found = Vec::new();
    let mut x = -half;
    while x < half {
        let mut z = -half;
        while z < half {
            let at = Vec2::new(x, z);
            let e = 0.5;
            let gradient = Vec2::new(
                field.height_at(at + Vec2::X * e) - field.height_at(at - Vec2::X * e),
                field.height_at(at + Vec2::Y * e) - field.height_at(at - Vec2::Y * e),
            ) / (2.0 * e);
            let steep = gradient.length();
            if (0.47..1.0).contains(&steep) {
                found.push((at, gradient / steep));
            }
            z += 3.0;
        }
        x += 3.0;
    }
    found
}

fn feet_meet_the_ground(dream: &str) {
    let feet = walk(dream, 1_500);
    assert!(
        feet.footfalls >= 40,
        "{dream}: only {} footfalls",
        feet.footfalls
    );
    assert!(
        feet.standing_frames >= 60,
        "{dream}: she hardly stood: {} frames",
        feet.standing_frames
    );
    assert!(
        feet.stride > 0.3,
        "{dream}: her legs hardly move as she walks ({:.2} m)",
        feet.stride
    );
    assert!(
        feet.steepest > 0.15,
        "{dream}: the walk never crossed a slope ({:.3} m between the feet)",
        feet.steepest
    );
}

#[test]
fn feet_meet_the_ground_in_leos_dream() {
    feet_meet_the_ground("leo");
}

#[test]
fn feet_meet_the_ground_in_maras_dream() {
    feet_meet_the_ground("mara");
}
