//! A generated dream: the ground, its water and colours, where Juno lands and where the
//! memory anchors wait. Built from a [`DreamRecipe`]; turned into entities elsewhere.

use bevy::color::LinearRgba;
use bevy::math::{Vec2, Vec3};

use super::heightfield::{Heightfield, smoothstep};
use super::reach::{MovementLimits, reachable_from};
use super::recipe::DreamRecipe;
use super::rng::DreamRng;

/// How high above the ground an anchor floats, metres.
pub const ANCHOR_HOVER: f32 = 1.2;

/// One loop of one dream, ready to be built into a world.
#[derive(Debug, Clone)]
pub struct Dream {
    pub recipe: DreamRecipe,
    pub heightfield: Heightfield,
    /// Height of the water surface, if this dream has water.
    pub water_level: Option<f32>,
    /// Where Juno's feet land when the loop starts.
    pub spawn: Vec3,
    /// Centres of the memory anchors, each on reachable ground.
    pub anchors: Vec<Vec3>,
    /// Which samples Juno can walk to from the spawn (row-major, like the heights).
    pub reachable: Vec<bool>,
}

/// Vertex data of the terrain mesh: positions, normals, colours and triangle indices.
#[derive(Debug, Clone, Default)]
pub struct TerrainMeshData {
    pub positions: Vec<[f32; 3]>,
    pub normals: Vec<[f32; 3]>,
    pub colors: Vec<[f32; 4]>,
    /// World x and z divided by [`GRID_METRES`]: one texture repeat per grid cell.
    pub uvs: Vec<[f32; 2]>,
    pub indices: Vec<u32>,
}

/// Size of one cell of the glowing grid some dreams draw on their ground, metres.
pub const GRID_METRES: f32 = 6.0;

impl Dream {
    /// Generates a dream from its recipe, placing `anchor_count` anchors where Juno,
    /// moving within `limits`, can reach them from the spawn.
    pub fn generate(recipe: &DreamRecipe, anchor_count: usize, limits: &MovementLimits) -> Dream {
        let heightfield = Heightfield::generate(recipe);
        let (lo, hi) = heightfield.range();
        let water_level = (recipe.water > 0.0).then_some(lo + (hi - lo) * recipe.water);
        let (start, reachable) = choose_spawn(&heightfield, water_level, &limits.planning());
        let spawn = heightfield.world_point(start.0, start.1);
        let anchors = place_anchors(
            &heightfield,
            &reachable,
            water_level,
            spawn,
            anchor_count,
            recipe.placement_seed,
        );
        Dream {
            recipe: recipe.clone(),
            heightfield,
            water_level,
            spawn,
            anchors,
            reachable,
        }
    }

    /// The terrain mesh: one vertex per sample, coloured by height and slope, with
    /// texture coordinates for the grid glow.
    pub fn mesh_data(&self) -> TerrainMeshData {
        let hf = &self.heightfield;
        let n = hf.samples();
        let (lo, hi) = hf.range();
        let span = (hi - lo).max(1e-3);
        let p = &self.recipe.palette;
        let mut mesh = TerrainMeshData {
            positions: Vec::with_capacity(n * n),
            normals: Vec::with_capacity(n * n),
            colors: Vec::with_capacity(n * n),
            uvs: Vec::with_capacity(n * n),
            indices: Vec::with_capacity((n - 1) * (n - 1) * 6),
        };
        for z in 0..n {
            for x in 0..n {
                let pos = hf.world_point(x, z);
                let normal = hf.normal(x, z);
                let t = (pos.y - lo) / span;
                let mut colour = if t < 0.5 {
                    lerp_colour(p.low, p.mid, t * 2.0)
                } else {
                    lerp_colour(p.mid, p.high, (t - 0.5) * 2.0)
                };
                // Steep faces are darker, so cliffs read as cliffs.
                colour *= 0.45 + 0.55 * smoothstep(0.4, 0.95, normal.y);
                if self.water_level.is_some_and(|w| pos.y < w) {
                    colour *= 0.5;
                }
                mesh.positions.push(pos.to_array());
                mesh.normals.push(normal.to_array());
                mesh.colors
                    .push([colour.red, colour.green, colour.blue, 1.0]);
                mesh.uvs.push([pos.x / GRID_METRES, pos.z / GRID_METRES]);
            }
        }
        for z in 0..n as u32 - 1 {
            for x in 0..n as u32 - 1 {
                let a = z * n as u32 + x;
                let (b, c, d) = (a + 1, a + n as u32, a + n as u32 + 1);
                mesh.indices.extend_from_slice(&[a, c, b, b, c, d]);
            }
        }
        mesh
    }

    /// Whether a world position is on ground Juno can reach (nearest sample).
    pub fn is_reachable(&self, world: Vec2) -> bool {
        let (x, z) = self.heightfield.nearest_sample(world);
        self.reachable[z * self.heightfield.samples() + x]
    }
}

/// Share of the dream a spawn should open up: below it, other spawns are tried.
const GOOD_REACH: f32 = 0.35;

/// The spawn, and what is reachable from it. Candidates are dry, gentle samples, nearest
/// the centre first (the generator calms the ground there); the first from which at
/// least [`GOOD_REACH`] of the dream is reachable wins, else the one reaching most.
fn choose_spawn(
    hf: &Heightfield,
    water_level: Option<f32>,
    limits: &MovementLimits,
) -> ((usize, usize), Vec<bool>) {
    let n = hf.samples();
    let centre = (n - 1) / 2;
    let good = |x: usize, z: usize| {
        water_level.is_none_or(|w| hf.get(x, z) > w + 0.2) && hf.normal(x, z).y > 0.9
    };
    // A coarse grid over the inner part of the dream, nearest the centre first.
    let stride = (n / 16).max(1);
    let inner = n * 3 / 10;
    let mut candidates: Vec<(usize, usize)> = (centre - inner..=centre + inner)
        .step_by(stride)
        .flat_map(|z| {
            (centre - inner..=centre + inner)
                .step_by(stride)
                .map(move |x| (x, z))
        })
        .filter(|&(x, z)| good(x, z))
        .collect();
    let distance = |&(x, z): &(usize, usize)| x.abs_diff(centre).pow(2) + z.abs_diff(centre).pow(2);
    candidates.sort_by_key(distance);
    candidates.truncate(24);
    if candidates.is_empty() {
        // No dry, gentle ground near the centre: the highest point is always dry.
        let top = (0..n * n)
            .max_by(|&a, &b| hf.heights()[a].total_cmp(&hf.heights()[b]))
            .unwrap_or(0);
        candidates.push((top % n, top / n));
    }
    let mut best: Option<((usize, usize), Vec<bool>, f32)> = None;
    for start in candidates {
        let reachable = reachable_from(hf, start, limits, water_level);
        let share = reachable.iter().filter(|&&r| r).count() as f32 / reachable.len() as f32;
        if share >= GOOD_REACH {
            return (start, reachable);
        }
        if best.as_ref().is_none_or(|b| share > b.2) {
            best = Some((start, reachable, share));
        }
    }
    let (start, reachable, _) = best.expect("at least one candidate");
    (start, reachable)
}

/// Picks anchor cells among reachable ones: away from the spawn (a quarter to a half of
/// the dream's size), spread apart, on gentle ground. Falls back to the farthest
/// reachable cells when the preferred band is empty.
fn place_anchors(
    hf: &Heightfield,
    reachable: &[bool],
    water_level: Option<f32>,
    spawn: Vec3,
    count: usize,
    seed: u64,
) -> Vec<Vec3> {
    let n = hf.samples();
    let extent = hf.extent();
    let spawn_xz = Vec2::new(spawn.x, spawn.z);
    // Reachable and dry: wading is fine for walking, not for a memory to wait in.
    let dry = |i: usize| water_level.is_none_or(|w| hf.heights()[i] >= w);
    let reachable_cells: Vec<(usize, usize)> = (0..n * n)
        .filter(|&i| reachable[i] && dry(i))
        .map(|i| (i % n, i / n))
        .collect();
    let distance = |&(x, z): &(usize, usize)| hf.world_xz(x, z).distance(spawn_xz);
    let mut candidates: Vec<(usize, usize)> = reachable_cells
        .iter()
        .copied()
        .filter(|c| {
            let d = distance(c);
            d > extent * 0.12 && d < extent * 0.4 && hf.normal(c.0, c.1).y > 0.85
        })
        .collect();
    if candidates.is_empty() {
        candidates = reachable_cells;
        candidates.sort_by(|a, b| distance(b).total_cmp(&distance(a)));
        candidates.truncate(count.max(1) * 8);
    }
    let mut rng = DreamRng::new(seed);
    let min_spacing = extent * 0.1;
    let mut anchors: Vec<Vec3> = Vec::with_capacity(count);
    let mut tries = 0;
    while anchors.len() < count && !candidates.is_empty() {
        let (x, z) = candidates[rng.below(candidates.len())];
        let point = hf.world_point(x, z) + Vec3::Y * ANCHOR_HOVER;
        tries += 1;
        // Spacing is a wish, not a rule: after enough tries any reachable cell will do.
        let spaced = anchors.iter().all(|a| a.distance(point) >= min_spacing);
        if spaced || tries > 200 {
            anchors.push(point);
        }
    }
    anchors
}

fn lerp_colour(a: LinearRgba, b: LinearRgba, t: f32) -> LinearRgba {
    a * (1.0 - t) + b * t
}
