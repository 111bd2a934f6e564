//! The yardstick of `scripts/frame-cost.sh`: an empty Bevy 3D scene (a camera, a light,
//! nothing to draw) in a 1280×720 window with the same engine features as the game.
//! After 60 frames to settle it writes the next 60 frames' lengths (milliseconds, one
//! per line) to the file given as its argument, then exits.

use bevy::prelude::*;
use bevy::window::WindowResolution;

const SETTLE: u32 = 60;
const MEASURED: usize = 60;

fn main() {
    let out = std::env::args()
        .nth(1)
        .expect("usage: empty_scene FRAME_LOG");
    App::new()
        .add_plugins(DefaultPlugins.set(WindowPlugin {
            primary_window: Some(Window {
                resolution: WindowResolution::new(1280, 720),
                ..default()
            }),
            ..default()
        }))
        .insert_resource(Out(out))
        .add_systems(Startup, |mut commands: Commands| {
            commands.spawn((
                Camera3d::default(),
                Transform::from_xyz(0.0, 2.0, 8.0).looking_at(Vec3::ZERO, Vec3::Y),
            ));
            commands.spawn((DirectionalLight::default(), Transform::default()));
        })
        .add_systems(Update, measure)
        .run();
}

#[derive(Resource)]
struct Out(String);

fn measure(
    time: Res<Time<Real>>,
    out: Res<Out>,
    mut frames: Local<u32>,
    mut measured: Local<Vec<f32>>,
    mut exit: MessageWriter<AppExit>,
) {
    *frames += 1;
    if *frames <= SETTLE {
        return;
    }
    measured.push(time.delta_secs() * 1000.0);
    if measured.len() == MEASURED {
        let lines: String = measured.iter().map(|ms| format!("{ms:.3}\n")).collect();
        std::fs::write(&out.0, lines).expect("the frame log is writable");
        exit.write(AppExit::Success);
    }
}
