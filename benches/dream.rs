//! The generator's hot paths: heightfield, reachability flood fill, mesh data, collider.
//! Run with `cargo bench --bench dream`; compare the figures as ratios within one run.

use criterion::{Criterion, criterion_group, criterion_main};
use sleep_sync::dive::terrain_collider;
use sleep_sync::dream::{Dream, FearTag, FearWeight, Heightfield, MovementLimits, reachable_from};
use sleep_sync::dream::{DreamRecipe, TerrainSize};

fn recipe() -> DreamRecipe {
    let fears = [
        FearWeight {
            tag: FearTag::Dissolution,
            weight: 0.6,
        },
        FearWeight {
            tag: FearTag::Mirrors,
            weight: 0.4,
        },
    ];
    DreamRecipe::new(&fears, 20450311, 0, TerrainSize::default())
}

fn generator(c: &mut Criterion) {
    let recipe = recipe();
    let limits = MovementLimits::default();
    let mut group = c.benchmark_group("dream_257");
    group.sample_size(10);
    group.bench_function("heightfield", |b| b.iter(|| Heightfield::generate(&recipe)));
    let dream = Dream::generate(&recipe, 1, &limits);
    let centre = ((recipe.size.samples - 1) / 2, (recipe.size.samples - 1) / 2);
    group.bench_function("reachability", |b| {
        b.iter(|| reachable_from(&dream.heightfield, centre, &limits, dream.water_level))
    });
    group.bench_function("mesh_data", |b| b.iter(|| dream.mesh_data()));
    group.bench_function("collider", |b| {
        b.iter(|| terrain_collider(&dream.heightfield))
    });
    group.bench_function("whole_dream", |b| {
        b.iter(|| Dream::generate(&recipe, 1, &limits))
    });
    group.finish();
}

criterion_group!(benches, generator);
criterion_main!(benches);
