//! Every dream the validator accepts is made within bounded work: at every terrain size
//! at its coarsest spacing (4 m between samples, the largest ground for its samples),
//! with every tuning field at one end of its range and the props and hazards at their
//! most, the generator's work counts stay within their caps, the props within
//! `MAX_PROPS`, and nothing panics (the browser build aborts on a panic, so there the
//! generator must have none). Counts, not wall time: the time budget is measured by
//! `scripts/bench.sh` (benches/dream.rs, `hostile`).
//!
//! CI sweeps 50 seeds at each size and 12 at 1025 samples; `scripts/bench.sh` sweeps 50
//! at every size (`SLEEP_SYNC_BOUNDED_SEEDS`, `SLEEP_SYNC_BOUNDED_LARGEST`).

use sleep_sync::dev::testing::hostile_recipe as hostile;
use sleep_sync::dive::{CHUNK_CELLS, terrain_collider};
use sleep_sync::dream::{Dream, GenOptions, GenWork, MAX_FLOOD_FILLS, MAX_PROPS, MovementLimits};
use sleep_sync::levels::MAX_ANCHORS;

const SIZES: [usize; 4] = [129, 257, 513, 1025];

/// Seeds per size: `name` from the environment, or `default`.
fn seeds(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

#[test]
fn every_accepted_dream_is_made_within_its_caps() {
    for samples in SIZES {
        let runs = if samples == 1025 {
            seeds("SLEEP_SYNC_BOUNDED_LARGEST", 12)
        } else {
            seeds("SLEEP_SYNC_BOUNDED_SEEDS", 50)
        };
        let mut most = GenWork::default();
        let mut most_props = 0;
        let mut slowest = (0.0f32, 0);
        let started = std::time::Instant::now();
        for seed in 0..runs {
            let recipe = hostile(samples, seed);
            let at = format!(
                "{samples} samples, seed {seed}, loop {}",
                recipe.loop_index + 1
            );
            assert!(
                recipe.prop_count <= MAX_PROPS,
                "{at}: {} props asked",
                recipe.prop_count
            );
            let one = std::time::Instant::now();
            let dream = Dream::generate_with(
                &recipe,
                MAX_ANCHORS,
                &MovementLimits::default(),
                &GenOptions::default(),
            );
            // What the forge makes of it too: the meshes and the collider.
            let chunks = dream.chunks(CHUNK_CELLS);
            assert_eq!(
                chunks.len(),
                (samples - 1).div_ceil(CHUNK_CELLS).pow(2),
                "{at}"
            );
            drop(terrain_collider(&dream.heightfield));
            let seconds = one.elapsed().as_secs_f32();
            if seconds > slowest.0 {
                slowest = (seconds, seed);
            }
            most_props = most_props.max(dream.props.len());
            let work = dream.work;
            let ground = (samples * samples) as u64;
            assert!(
                work.flood_fills <= MAX_FLOOD_FILLS as u64,
                "{at}: {} flood fills (cap {MAX_FLOOD_FILLS})",
                work.flood_fills
            );
            assert!(
                work.samples_filled <= work.flood_fills * ground,
                "{at}: {} samples filled in {} fills",
                work.samples_filled,
                work.flood_fills
            );
            let wanted = (recipe.prop_count + recipe.hazard_count) as u64;
            assert!(
                work.spread_draws <= 40 * wanted,
                "{at}: {} draws for {wanted} things",
                work.spread_draws
            );
            assert!(
                work.spacing_checks <= GenWork::CHECKS_PER_DRAW * work.spread_draws,
                "{at}: {} spacing checks in {} draws",
                work.spacing_checks,
                work.spread_draws
            );
            assert!(dream.props.len() <= recipe.prop_count, "{at}");
            assert!(dream.hazards.len() <= recipe.hazard_count, "{at}");
            assert!(!dream.anchors.is_empty(), "{at}: no anchor placed");
            most = GenWork {
                flood_fills: most.flood_fills.max(work.flood_fills),
                samples_filled: most.samples_filled.max(work.samples_filled),
                spread_draws: most.spread_draws.max(work.spread_draws),
                spacing_checks: most.spacing_checks.max(work.spacing_checks),
            };
        }
        println!(
            "{samples}² at 4 m, {runs} seeds: most {} flood fills (cap {MAX_FLOOD_FILLS}), {} samples filled, {} draws, {} spacing checks, {most_props} props; {:.1} s in all, slowest seed {} at {:.2} s",
            most.flood_fills,
            most.samples_filled,
            most.spread_draws,
            most.spacing_checks,
            started.elapsed().as_secs_f32(),
            slowest.1,
            slowest.0
        );
    }
}
