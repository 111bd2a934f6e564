//! The dream generator on its own: determinism, difference between dreamers, and
//! reachability of everything Juno is meant to reach.

use sleep_sync::dream::{Dream, DreamRecipe, FearTag, FearWeight, MovementLimits, TerrainSize};
use sleep_sync::levels::Dreamer;

fn dreamer(id: &str) -> Dreamer {
    let path = format!(
        "{}/levels/dreamers/{id}.dreamer.ron",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("shipped dreamer file");
    Dreamer::from_ron(&path, &text).expect("shipped dreamer is valid")
}

fn generate(d: &Dreamer, loop_index: u32) -> Dream {
    Dream::generate(
        &d.recipe(loop_index),
        d.anchors.len(),
        &MovementLimits::default(),
    )
}

#[test]
fn same_profile_seed_and_loop_give_bit_identical_terrain() {
    for id in ["leo", "mara"] {
        let d = dreamer(id);
        for loop_index in [0, 3] {
            let a = generate(&d, loop_index);
            let b = generate(&d, loop_index);
            assert_eq!(
                a.heightfield.fingerprint(),
                b.heightfield.fingerprint(),
                "{id} loop {loop_index}"
            );
            assert_eq!(a.heightfield.heights(), b.heightfield.heights());
            assert_eq!(a.anchors, b.anchors);
            assert_eq!(a.spawn, b.spawn);
        }
    }
}

#[test]
fn different_dreamers_and_loops_give_different_terrain() {
    let leo = dreamer("leo");
    let mara = dreamer("mara");
    let leo0 = generate(&leo, 0);
    let mara0 = generate(&mara, 0);
    assert_ne!(
        leo0.heightfield.fingerprint(),
        mara0.heightfield.fingerprint()
    );
    // They must look different too: palettes far apart, not just different bits.
    let (lp, mp) = (leo0.recipe.palette, mara0.recipe.palette);
    let diff = (lp.high.red - mp.high.red).abs()
        + (lp.high.green - mp.high.green).abs()
        + (lp.high.blue - mp.high.blue).abs();
    assert!(diff > 0.3, "palettes too alike: {diff}");
    // A loop mutates the dream.
    let leo1 = generate(&leo, 1);
    assert_ne!(
        leo0.heightfield.fingerprint(),
        leo1.heightfield.fingerprint()
    );
    assert_ne!(leo0.anchors, leo1.anchors);
}

#[test]
fn anchors_are_reachable_and_above_ground_for_many_seeds() {
    for id in ["leo", "mara"] {
        let mut d = dreamer(id);
        let mut smallest = 1.0f32;
        for seed in 0..200u64 {
            d.seed = seed * 7919 + 13;
            let dream = generate(&d, (seed % 4) as u32);
            assert_eq!(dream.anchors.len(), d.anchors.len(), "{id} seed {seed}");
            for anchor in &dream.anchors {
                let xz = bevy::math::Vec2::new(anchor.x, anchor.z);
                assert!(
                    dream.is_reachable(xz),
                    "{id} seed {seed}: anchor {anchor} unreachable"
                );
                let ground = dream.heightfield.height_at(xz);
                assert!(anchor.y > ground, "{id} seed {seed}: anchor inside terrain");
                if let Some(w) = dream.water_level {
                    assert!(ground > w - 0.5, "{id} seed {seed}: anchor under water");
                }
                assert!(anchor.is_finite());
            }
            let spawn_xz = bevy::math::Vec2::new(dream.spawn.x, dream.spawn.z);
            assert!(dream.is_reachable(spawn_xz));
            let reachable = dream.reachable.iter().filter(|&&r| r).count();
            let share = reachable as f32 / dream.reachable.len() as f32;
            smallest = smallest.min(share);
            assert!(
                share > 0.3,
                "{id} seed {seed}: only {:.1}% reachable",
                share * 100.0
            );
        }
        println!(
            "{id}: 200 seeds, smallest reachable share {:.1}%",
            smallest * 100.0
        );
    }
}

#[test]
fn mesh_data_matches_heightfield() {
    let dream = generate(&dreamer("leo"), 0);
    let mesh = dream.mesh_data();
    let n = dream.heightfield.samples();
    assert_eq!(mesh.positions.len(), n * n);
    assert_eq!(mesh.normals.len(), n * n);
    assert_eq!(mesh.colors.len(), n * n);
    assert_eq!(mesh.indices.len(), (n - 1) * (n - 1) * 6);
    assert!(mesh.indices.iter().all(|&i| (i as usize) < n * n));
    for (p, nrm) in mesh.positions.iter().zip(&mesh.normals) {
        assert!(p.iter().chain(nrm).all(|v| v.is_finite()));
        assert!(nrm[1] > 0.0, "terrain normals face up");
    }
    // First triangle faces up (counter-clockwise seen from above).
    let [a, b, c] =
        [0, 1, 2].map(|k| bevy::math::Vec3::from(mesh.positions[mesh.indices[k] as usize]));
    assert!((b - a).cross(c - a).y > 0.0);
}

#[test]
fn every_fear_alone_makes_a_sound_dream() {
    for tag in FearTag::ALL {
        let fears = [FearWeight { tag, weight: 1.0 }];
        for loop_index in [0, 5] {
            let recipe = DreamRecipe::new(&fears, 99, loop_index, TerrainSize::default());
            let dream = Dream::generate(&recipe, 3, &MovementLimits::default());
            assert!(
                dream.heightfield.heights().iter().all(|h| h.is_finite()),
                "{tag:?}"
            );
            assert_eq!(dream.anchors.len(), 3, "{tag:?} loop {loop_index}");
            let reachable = dream.reachable.iter().filter(|&&r| r).count();
            assert!(
                reachable * 10 > dream.reachable.len(),
                "{tag:?} loop {loop_index}: {reachable} reachable samples"
            );
            if let Some(w) = dream.water_level {
                assert!(dream.spawn.y > w, "{tag:?}: spawn under water");
            }
        }
    }
}
