//! The figures: what posing one costs each frame (the walk's stride, two-bone IK for both
//! legs over ground that is sampled four times, arms, head), against building its parts
//! (done once when it is put up) and against a 60 Hz frame.
//!
//! Reported as ratios in one run (scripts/bench.sh): a frame poses every figure on screen
//! (Juno, the dreamer at the core, a few chasers and copies), so one pose should be a
//! tiny share of the 16.7 ms a frame has.

use std::hint::black_box;

use bevy::math::Vec2;
use criterion::{Criterion, criterion_group, criterion_main};
use sleep_sync::dev::figure::{Cast, Dims, Gait, Motion, parts, pose};

fn benches(c: &mut Criterion) {
    let juno = Cast::default().juno;
    let dims = Dims::of(&juno);
    let walking = Motion {
        speed: 6.5,
        grounded: true,
        turning: 0.4,
        ..Motion::default()
    };
    // Rolling ground, as a dream's.
    let ground = |p: Vec2| (p.x * 0.7).sin() * 0.3 + (p.y * 0.5).cos() * 0.4;
    let mut gait = Gait::default();
    c.bench_function(
        "figure: pose one figure walking on a slope (a frame's work)",
        |b| {
            b.iter(|| {
                gait.advance(&dims, &walking, 1.0 / 60.0);
                black_box(pose(&dims, black_box(&walking), &mut gait, ground))
            })
        },
    );
    c.bench_function("figure: build its parts (once, when it is put up)", |b| {
        b.iter(|| black_box(parts(black_box(&juno), &dims)))
    });
}

criterion_group!(figures, benches);
criterion_main!(figures);
