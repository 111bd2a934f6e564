//! Juno walks and jumps across real generated dreams, headless, at a fixed time step,
//! driven through the keyboard path the game uses. She must never end up below the
//! terrain surface, and nothing may become NaN.

use bevy::input::ButtonState;
use bevy::input::keyboard::Key;
use bevy::prelude::*;
use sleep_sync::dev::testing::{FRAME_SECONDS, dive_into, headless_app, send_key, turn_juno};
use sleep_sync::dive::CurrentDream;
use sleep_sync::juno::{JUNO_CENTRE_HEIGHT, Juno, JunoMotion, JunoRescues};

struct WalkReport {
    distance: f32,
    jumps: u32,
    deepest: f32,
}

fn walk(dreamer: &str, seconds: f64) -> WalkReport {
    let mut app = headless_app();
    dive_into(&mut app, dreamer);
    let frames = (seconds / FRAME_SECONDS) as u32;
    send_key(
        &mut app,
        KeyCode::KeyW,
        Key::Character("w".into()),
        ButtonState::Pressed,
    );
    let mut last = None::<Vec3>;
    let mut report = WalkReport {
        distance: 0.0,
        jumps: 0,
        deepest: f32::INFINITY,
    };
    let mut was_rising = false;
    for frame in 0..frames {
        match frame % 45 {
            0 => send_key(&mut app, KeyCode::Space, Key::Space, ButtonState::Pressed),
            3 => send_key(&mut app, KeyCode::Space, Key::Space, ButtonState::Released),
            _ => {}
        }
        // Wander: turn slowly, so she crosses slopes in every direction.
        turn_juno(&mut app, |look| {
            look.yaw += if (frame / 600) % 2 == 0 {
                0.006
            } else {
                -0.011
            };
        });
        app.update();

        let world = app.world_mut();
        let (transform, motion) = world
            .query_filtered::<(&Transform, &JunoMotion), With<Juno>>()
            .single(world)
            .expect("Juno exists");
        let position = transform.translation;
        assert!(
            position.is_finite(),
            "{dreamer}: frame {frame}: position {position}"
        );
        assert!(
            motion.velocity.is_finite(),
            "{dreamer}: frame {frame}: velocity"
        );
        let dream = world.resource::<CurrentDream>();
        let ground = dream.heightfield.height_at(position.xz());
        let feet_above_ground = position.y - JUNO_CENTRE_HEIGHT - ground;
        report.deepest = report.deepest.min(feet_above_ground);
        assert!(
            feet_above_ground > -0.1,
            "{dreamer}: frame {frame}: Juno's feet are {:.3} m below the terrain at {position}",
            -feet_above_ground
        );
        let rising = motion.velocity.y > 1.0;
        if rising && !was_rising {
            report.jumps += 1;
        }
        was_rising = rising;
        if let Some(last) = last {
            report.distance += last.xz().distance(position.xz());
        }
        last = Some(position);
    }
    assert_eq!(
        app.world().resource::<JunoRescues>().0,
        0,
        "{dreamer}: Juno had to be rescued"
    );
    report
}

/// 30 simulated seconds of walking and jumping; reports what it measured.
fn walks_and_jumps(dreamer: &str) {
    let r = walk(dreamer, 30.0);
    println!(
        "{dreamer}: walked {:.1} m, {} jumps, lowest feet {:.3} m above ground",
        r.distance, r.jumps, r.deepest
    );
    assert!(
        r.distance > 40.0,
        "{dreamer}: she hardly moved: {:.1} m",
        r.distance
    );
    assert!(r.jumps >= 10, "{dreamer}: only {} jumps", r.jumps);
}

#[test]
fn juno_walks_and_jumps_across_leos_dream() {
    walks_and_jumps("leo");
}

#[test]
fn juno_walks_and_jumps_across_maras_dream() {
    walks_and_jumps("mara");
}
