//! The generator's hot paths, measured in one run and reported as ratios.
//!
//! `bash scripts/bench.sh` runs this and prints the table in `docs/generator.md`:
//! - **baseline**: the recipe's noise layers evaluated naively (the `noise` crate's
//!   fractals at every sample, one thread), which is what the pipeline replaces;
//! - **pipeline**: everything a loop needs (heightfield, normals, colours, spawn,
//!   reachability, core, anchors, props, hazards, chunked mesh data, collider), on one
//!   and on two threads;
//! - the pipeline at 257², 513² and 1025² (time per sample should stay flat);
//! - the parts: heightfield alone, flood fill, mesh data, collider;
//! - **hostile**: the costliest dream a file may ask for that the bounded-generation
//!   sweep found (1025² at 4 m, props and hazards at their most), on one thread, against
//!   its budget of 2 s;
//! - **slices**: a loop made a slice a frame through the forge, as the browser makes it
//!   (the shipped dreams and eight strangers'): its largest piece (a row, a flood fill,
//!   a chunk, the collider) and its slices within the frame's 4 ms, each timed.

use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::{BenchmarkId, Criterion};
use sleep_sync::campaign::strangers::{
    FREE_DIVE_MINUTE, SCRIPTED_OVERLOAD_MINUTE, scripted_network, stranger_of,
};
use sleep_sync::dev::testing::shipped_library;
use sleep_sync::dev::testing::{hostile_recipe, shipped_dive as dreamer};
use sleep_sync::dive::{CHUNK_CELLS, DreamForge, terrain_collider};
use sleep_sync::dream::{
    Dream, DreamRecipe, GenOptions, Heightfield, MovementLimits, TerrainSize, reachable_from,
    reference_heights,
};
use sleep_sync::levels::DiveSpec;
use sleep_sync::long_work::{FrameShare, LongWork, WORK_FRAME_BUDGET};

fn recipe(id: &str, samples: usize) -> DreamRecipe {
    let d = dreamer(id);
    let size = TerrainSize::with_samples(samples).expect("valid size");
    DreamRecipe::new(&d.dreamer.fears, d.dream.seed, 1, size)
}

/// The whole pipeline: the dream, its chunked mesh data and its collider.
fn pipeline(recipe: &DreamRecipe, threads: usize) -> usize {
    let options = GenOptions {
        threads,
        ..GenOptions::default()
    };
    let dream = Dream::generate_with(recipe, 3, &MovementLimits::default(), &options);
    let chunks = dream.chunks_with(CHUNK_CELLS, threads);
    let collider = terrain_collider(&dream.heightfield);
    std::hint::black_box(&collider);
    chunks.len()
}

fn baseline_vs_pipeline(c: &mut Criterion) {
    for id in ["leo", "mara"] {
        let recipe = recipe(id, 257);
        let mut group = c.benchmark_group(format!("{id}_257"));
        group.sample_size(10);
        group.bench_function("baseline", |b| b.iter(|| reference_heights(&recipe)));
        group.bench_function("pipeline_1_thread", |b| b.iter(|| pipeline(&recipe, 1)));
        group.bench_function("pipeline_2_threads", |b| b.iter(|| pipeline(&recipe, 2)));
        group.finish();
    }
}

/// 2D Perlin noise at a grid's worth of scattered points (a 257² dream's samples, as a
/// warp scatters them): the `noise` crate's against the generator's copy of it.
fn perlin(c: &mut Criterion) {
    use noise::NoiseFn;
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let points: Vec<[f64; 2]> = (0..257 * 257)
        .map(|_| {
            let mut next = || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 11) as f64 / (1u64 << 53) as f64 * 400.0 - 200.0
            };
            [next(), next()]
        })
        .collect();
    let crate_perlin = noise::Perlin::new(7);
    let ours = sleep_sync::dream::perlin::Perlin::new(7);
    let mut group = c.benchmark_group("perlin_257");
    group.sample_size(20);
    group.bench_function("noise_crate", |b| {
        b.iter(|| points.iter().map(|p| crate_perlin.get(*p)).sum::<f64>())
    });
    group.bench_function("generator", |b| {
        b.iter(|| points.iter().map(|p| ours.get(*p)).sum::<f64>())
    });
    group.finish();
}

fn scaling(c: &mut Criterion) {
    for id in ["leo", "mara"] {
        let mut group = c.benchmark_group(format!("{id}_scaling"));
        group.sample_size(10);
        for samples in [257, 513, 1025] {
            let recipe = recipe(id, samples);
            group.bench_with_input(
                BenchmarkId::new("pipeline_1_thread", samples),
                &recipe,
                |b, r| b.iter(|| pipeline(r, 1)),
            );
        }
        group.finish();
    }
}

fn parts(c: &mut Criterion) {
    let recipe = recipe("mara", 257);
    let limits = MovementLimits::default();
    let one = GenOptions::single_threaded();
    let dream = Dream::generate_with(&recipe, 1, &limits, &one);
    let centre = ((recipe.size.samples - 1) / 2, (recipe.size.samples - 1) / 2);
    let mut group = c.benchmark_group("mara_257_parts");
    group.sample_size(10);
    group.bench_function("heightfield", |b| {
        b.iter(|| Heightfield::generate_with(&recipe, &one))
    });
    group.bench_function("reachability", |b| {
        b.iter(|| reachable_from(&dream.heightfield, centre, &limits, dream.water_level))
    });
    group.bench_function("mesh_chunks", |b| b.iter(|| dream.chunks(CHUNK_CELLS)));
    group.bench_function("collider", |b| {
        b.iter(|| terrain_collider(&dream.heightfield))
    });
    group.finish();
}

/// The generator's budget for any dream a file may ask for, on one core, milliseconds.
const BUDGET_MS: f64 = 2_000.0;

/// The slowest seed of tests/game/bounded_generation.rs at 1025 samples.
const HOSTILE_SEED: u64 = 4;

fn hostile(c: &mut Criterion) {
    let recipe = hostile_recipe(1025, HOSTILE_SEED);
    let mut group = c.benchmark_group("hostile_1025");
    group.sample_size(10);
    group.bench_function("pipeline_1_thread", |b| b.iter(|| pipeline(&recipe, 1)));
    group.finish();
}

/// Loop 2 of `dive` made through the forge a slice at a time, as the browser makes it:
/// how long each slice took, milliseconds.
fn slice_times(dive: &DiveSpec, share: FrameShare) -> Vec<f64> {
    let mut forge = DreamForge::default();
    forge.request(dive, 1);
    let mut times = Vec::new();
    loop {
        let began = Instant::now();
        forge.poll(LongWork::Slices, share);
        times.push(began.elapsed().as_secs_f64() * 1e3);
        if forge.take(dive.id(), 1).is_some() {
            return times;
        }
        assert!(times.len() < 1_000_000, "{} never formed", dive.id());
    }
}

/// The shipped dreams and eight strangers' (from Free dive's network), made a piece a
/// slice and in slices of the frame's share: the largest piece, and the longest slice
/// against the share.
fn slices_report() {
    let library = shipped_library();
    let story = &library.story;
    let mut dives: Vec<DiveSpec> = ["bedtime", "family", "leo", "mara"]
        .iter()
        .map(|id| dreamer(id))
        .collect();
    if let Some(network) = scripted_network(story, SCRIPTED_OVERLOAD_MINUTE, FREE_DIVE_MINUTE) {
        let strangers = (story.family.len()..network.len())
            .filter_map(|s| stranger_of(&library, story, &network, s).ok())
            .take(8);
        dives.extend(strangers.map(|(_, dive)| dive));
    }
    let share = WORK_FRAME_BUDGET.as_secs_f64() * 1e3;
    println!(
        "\n| loop 2, made a slice a frame | pieces | largest piece | median piece | slices of the frame's {share:.0} ms | longest slice | all slices |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut worst: (f64, f64) = (0.0, 0.0);
    for dive in &dives {
        let pieces = slice_times(dive, FrameShare::Pieces(1));
        let slices = slice_times(dive, FrameShare::Time(WORK_FRAME_BUDGET));
        let mut sorted = pieces.clone();
        sorted.sort_by(f64::total_cmp);
        let largest = sorted.last().copied().unwrap_or(0.0);
        let longest = slices.iter().copied().fold(0.0, f64::max);
        worst = (worst.0.max(largest), worst.1.max(longest));
        println!(
            "| {} | {} | {largest:.2} ms | {:.3} ms | {} | {longest:.2} ms | {:.1} ms |",
            dive.id(),
            pieces.len(),
            sorted[sorted.len() / 2],
            slices.len(),
            slices.iter().sum::<f64>(),
        );
    }
    println!(
        "\nOf {} dreams: the largest piece {:.2} ms, the longest slice {:.2} ms against a share of {share:.0} ms ({:.2} of the 8 ms goal).",
        dives.len(),
        worst.0,
        worst.1,
        worst.1 / 8.0
    );
}

/// Criterion's mean estimate for a benchmark of this run, in milliseconds.
fn mean_ms(dir: &Path, group: &str, name: &str) -> Option<f64> {
    let path = dir.join(group).join(name).join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let mean = text.split("\"mean\"").nth(1)?;
    let value = mean.split("\"point_estimate\":").nth(1)?;
    let number: String = value
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == 'e' || *c == '-')
        .collect();
    number.parse::<f64>().ok().map(|ns| ns / 1e6)
}

/// Prints the figures of this run as the Markdown tables `docs/generator.md` holds.
fn report(criterion_dir: &Path) {
    println!(
        "\n| dream (257², loop 2) | baseline (naive noise, 1 thread) | pipeline, 1 thread | pipeline / baseline | pipeline, 2 threads | 1 → 2 thread speed-up | samples/s (1 thread) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for id in ["leo", "mara"] {
        let group = format!("{id}_257");
        let (Some(base), Some(one), Some(two)) = (
            mean_ms(criterion_dir, &group, "baseline"),
            mean_ms(criterion_dir, &group, "pipeline_1_thread"),
            mean_ms(criterion_dir, &group, "pipeline_2_threads"),
        ) else {
            continue;
        };
        println!(
            "| {id} | {base:.1} ms | {one:.1} ms | {:.2} | {two:.1} ms | {:.2}× | {:.1} M |",
            one / base,
            one / two,
            257.0 * 257.0 / (one / 1e3) / 1e6
        );
    }
    println!("\n| dream | 257² | 513² | 1025² | ns per sample at 257² / 513² / 1025² |");
    println!("|---|---|---|---|---|");
    for id in ["leo", "mara"] {
        let group = format!("{id}_scaling");
        let times: Vec<Option<f64>> = [257, 513, 1025]
            .iter()
            .map(|s| mean_ms(criterion_dir, &group, &format!("pipeline_1_thread/{s}")))
            .collect();
        if let [Some(a), Some(b), Some(c)] = times[..] {
            let per = |ms: f64, n: f64| ms * 1e6 / (n * n);
            println!(
                "| {id} | {a:.1} ms | {b:.1} ms | {c:.1} ms | {:.0} / {:.0} / {:.0} |",
                per(a, 257.0),
                per(b, 513.0),
                per(c, 1025.0)
            );
        }
    }
    let parts = ["heightfield", "reachability", "mesh_chunks", "collider"];
    println!("\n| mara 257², 1 thread | {} |", parts.join(" | "));
    println!("|---|{}", "---|".repeat(parts.len()));
    let cells: Vec<String> = parts
        .iter()
        .map(|p| {
            mean_ms(criterion_dir, "mara_257_parts", p)
                .map_or("-".to_owned(), |ms| format!("{ms:.2} ms"))
        })
        .collect();
    println!("| | {} |", cells.join(" | "));
    if let Some(ms) = mean_ms(criterion_dir, "hostile_1025", "pipeline_1_thread") {
        let leo = mean_ms(criterion_dir, "leo_scaling", "pipeline_1_thread/1025");
        println!(
            "\n| hostile 1025² at 4 m (props {}, hazards {}), 1 thread | budget | share of budget | / Leo's 1025² |",
            hostile_recipe(1025, HOSTILE_SEED).prop_count,
            hostile_recipe(1025, HOSTILE_SEED).hazard_count
        );
        println!("|---|---|---|---|");
        println!(
            "| {ms:.0} ms | {BUDGET_MS:.0} ms | {:.2} | {} |",
            ms / BUDGET_MS,
            leo.map_or("-".to_owned(), |l| format!("{:.2}", ms / l))
        );
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    baseline_vs_pipeline(&mut criterion);
    perlin(&mut criterion);
    scaling(&mut criterion);
    parts(&mut criterion);
    hostile(&mut criterion);
    criterion.final_summary();
    // Only a real benchmark run (`--bench`) measures; `cargo test` runs each once.
    if std::env::args().any(|a| a == "--bench") {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
        report(&target.join("criterion"));
        slices_report();
    }
}
