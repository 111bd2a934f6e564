//! A generated dream: the ground, its water and colours, where Juno lands and where the
//! memory anchors wait. Built from a [`DreamRecipe`]; turned into entities elsewhere.

use bevy::color::LinearRgba;
use bevy::math::{Vec2, Vec3};

use super::GenOptions;
use super::fear::{FearTag, HazardKind, PropKind};
use super::heightfield::{Heightfield, smoothstep};
use super::noise_field::{for_each_heavy, for_rows};
use super::reach::{MovementLimits, reachable_avoiding, reachable_with};
use super::recipe::DreamRecipe;
use super::rng::{DreamRng, mix_seed};

/// How high above the ground an anchor floats, metres.
pub const ANCHOR_HOVER: f32 = 1.2;

/// One loop of one dream, ready to be built into a world.
#[derive(Debug, Clone)]
pub struct Dream {
    pub recipe: DreamRecipe,
    pub heightfield: Heightfield,
    /// Unit surface normal of every sample (row-major, like the heights).
    pub normals: Vec<[f32; 3]>,
    /// Linear RGBA colour of every sample: palette by height, darker on steep faces and
    /// under water.
    pub colors: Vec<[f32; 4]>,
    /// Height of the water surface, if this dream has water.
    pub water_level: Option<f32>,
    /// Where Juno's feet land when the loop starts.
    pub spawn: Vec3,
    /// Centres of the memory anchors, each on reachable ground.
    pub anchors: Vec<Vec3>,
    /// The dream's core, where the dreamer waits.
    pub core: DreamCore,
    /// What stands about in the dream.
    pub props: Vec<Prop>,
    /// Where the fear's hazards start.
    pub hazards: Vec<HazardSpawn>,
    /// Which samples Juno can walk to from the spawn, around the solid props (row-major,
    /// like the heights).
    pub reachable: Vec<bool>,
}

/// The heart of a dream: a sunken, level plaza where the dreamer waits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DreamCore {
    /// Centre of the plaza, on its floor.
    pub position: Vec3,
    /// Radius of the level floor, metres.
    pub radius: f32,
}

/// One prop: what it is and where it stands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prop {
    pub kind: PropKind,
    /// Foot of the prop, on the ground.
    pub position: Vec3,
    /// Heading as a fraction of a full turn, 0..1.
    pub turn: f32,
    /// Size relative to the prop's usual size, 0.7..1.3.
    pub scale: f32,
}

/// Where one of the fear's hazards starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HazardSpawn {
    pub kind: HazardKind,
    /// On the ground.
    pub position: Vec3,
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

/// Radius of the core's level floor, and the width of the slope around it, metres.
pub const CORE_RADIUS: f32 = 6.0;
const CORE_RING: f32 = 6.0;
/// How far the core's floor sinks below the ground it is carved from, metres.
const CORE_SINK: f32 = 0.6;

impl Dream {
    /// Generates a dream from its recipe, placing `anchor_count` anchors where Juno,
    /// moving within `limits`, can reach them from the spawn. Uses every core.
    pub fn generate(recipe: &DreamRecipe, anchor_count: usize, limits: &MovementLimits) -> Dream {
        Self::generate_with(recipe, anchor_count, limits, &GenOptions::default())
    }

    /// [`Dream::generate`] with explicit options (threads, reference noise, progress).
    pub fn generate_with(
        recipe: &DreamRecipe,
        anchor_count: usize,
        limits: &MovementLimits,
        options: &GenOptions,
    ) -> Dream {
        let heightfield = Heightfield::generate_with(recipe, options);
        let (lo, hi) = heightfield.range();
        let water_level = (recipe.water > 0.0).then_some(lo + (hi - lo) * recipe.water);
        let planning = limits.planning();
        let mut ground = Ground::new(heightfield, &planning, water_level, options.threads);
        let (start, mut reachable) = choose_spawn(&ground);
        options.report(0.7);
        let spawn = ground.hf.world_point(start.0, start.1);
        let site = Site {
            spawn,
            seed: recipe.placement_seed,
        };
        let core = carve_core(&mut ground, &mut reachable, &site, start);
        options.report(0.8);
        let mut taken = vec![(core.position, CORE_RADIUS + CORE_RING)];
        let anchors = place_anchors(&ground, &reachable, &site, anchor_count, &taken);
        taken.extend(anchors.iter().map(|&a| (a, 3.0)));
        let mut props = place_props(&ground, &reachable, &site, recipe, &taken);
        let mut must_reach: Vec<Vec3> = anchors
            .iter()
            .map(|a| *a - Vec3::Y * ANCHOR_HOVER)
            .collect();
        must_reach.push(core.position);
        keep_the_way_open(&ground, start, &mut props, &must_reach, &mut reachable);
        taken.extend(
            props
                .iter()
                .map(|p| (p.position, p.kind.footprint() * p.scale + 2.0)),
        );
        let hazards = place_hazards(&ground, &reachable, &site, recipe, &taken);
        options.report(0.85);
        let colors = shade(&ground, recipe, options.threads);
        options.report(0.9);
        let Ground {
            hf: heightfield,
            normals,
            ..
        } = ground;
        Dream {
            recipe: recipe.clone(),
            heightfield,
            normals,
            colors,
            water_level,
            spawn,
            anchors,
            core,
            props,
            hazards,
            reachable,
        }
    }

    /// The whole terrain as one mesh.
    pub fn mesh_data(&self) -> TerrainMeshData {
        let cells = self.heightfield.samples() - 1;
        self.chunk_mesh(0, 0, cells)
    }

    /// The terrain as square chunks of `chunk_cells` cells a side (the last row and
    /// column of chunks may be smaller), so each can be culled on its own. Chunks share
    /// their border vertices' positions and normals exactly: no seams.
    pub fn chunks(&self, chunk_cells: usize) -> Vec<TerrainMeshData> {
        self.chunks_with(chunk_cells, 1)
    }

    /// [`Dream::chunks`], built on up to `threads` threads.
    pub fn chunks_with(&self, chunk_cells: usize, threads: usize) -> Vec<TerrainMeshData> {
        let cells = self.heightfield.samples() - 1;
        let step = chunk_cells.clamp(1, cells);
        let per_side = cells.div_ceil(step);
        let mut chunks = vec![TerrainMeshData::default(); per_side * per_side];
        for_each_heavy(&mut chunks, threads, |i, chunk| {
            let (x0, z0) = ((i % per_side) * step, (i / per_side) * step);
            chunk[0] = self.chunk_mesh(x0, z0, step);
        });
        chunks
    }

    /// The mesh of cells `x0..x0 + cells` by `z0..z0 + cells` (clamped to the grid).
    fn chunk_mesh(&self, x0: usize, z0: usize, cells: usize) -> TerrainMeshData {
        let hf = &self.heightfield;
        let n = hf.samples();
        let x1 = (x0 + cells).min(n - 1);
        let z1 = (z0 + cells).min(n - 1);
        let (w, d) = (x1 - x0 + 1, z1 - z0 + 1);
        let mut mesh = TerrainMeshData {
            positions: Vec::with_capacity(w * d),
            normals: Vec::with_capacity(w * d),
            colors: Vec::with_capacity(w * d),
            uvs: Vec::with_capacity(w * d),
            indices: Vec::with_capacity((w - 1) * (d - 1) * 6),
        };
        for z in z0..=z1 {
            for x in x0..=x1 {
                let pos = hf.world_point(x, z);
                mesh.positions.push(pos.to_array());
                mesh.normals.push(self.normals[z * n + x]);
                mesh.colors.push(self.colors[z * n + x]);
                mesh.uvs.push([pos.x / GRID_METRES, pos.z / GRID_METRES]);
            }
        }
        let w32 = w as u32;
        for z in 0..d as u32 - 1 {
            for x in 0..w32 - 1 {
                let a = z * w32 + x;
                let (b, c, d) = (a + 1, a + w32, a + w32 + 1);
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

    /// The reachable ground point nearest to `world` (x, z), or the spawn if none is:
    /// where Juno can be put back safely when the dream changes around her.
    pub fn safe_spot_near(&self, world: Vec2) -> Vec3 {
        let n = self.heightfield.samples();
        self.reachable
            .iter()
            .enumerate()
            .filter(|&(_, &r)| r)
            .map(|(i, _)| self.heightfield.world_point(i % n, i / n))
            .min_by(|a, b| {
                let da = Vec2::new(a.x, a.z).distance_squared(world);
                let db = Vec2::new(b.x, b.z).distance_squared(world);
                da.total_cmp(&db)
            })
            .unwrap_or(self.spawn)
    }
}

/// The ground as placements see it: heights, normals, and which samples are level enough
/// to stand and jump from (with the planning limits).
struct Ground {
    hf: Heightfield,
    normals: Vec<[f32; 3]>,
    walkable: Vec<bool>,
    limits: MovementLimits,
    water_level: Option<f32>,
}

impl Ground {
    fn new(
        hf: Heightfield,
        limits: &MovementLimits,
        water_level: Option<f32>,
        threads: usize,
    ) -> Self {
        let n = hf.samples();
        let mut normals = vec![[0.0; 3]; n * n];
        for_rows(&mut normals, n, threads, |z, row| {
            for (x, v) in row.iter_mut().enumerate() {
                *v = hf.normal(x, z).to_array();
            }
        });
        let walkable = normals.iter().map(|n| limits.is_walkable(n[1])).collect();
        Self {
            hf,
            normals,
            walkable,
            limits: *limits,
            water_level,
        }
    }

    fn n(&self) -> usize {
        self.hf.samples()
    }

    fn normal_y(&self, (x, z): (usize, usize)) -> f32 {
        self.normals[z * self.n() + x][1]
    }

    fn is_dry(&self, h: f32) -> bool {
        self.water_level.is_none_or(|w| h >= w)
    }

    /// Every sample reachable on foot from `start`.
    fn reach(&self, start: (usize, usize)) -> Vec<bool> {
        reachable_with(
            &self.hf,
            &self.walkable,
            start,
            &self.limits,
            self.water_level,
        )
    }

    /// Recomputes normals and walkability for samples `x0..=x1` by `z0..=z1` after their
    /// heights (or their neighbours') changed.
    fn refresh(&mut self, (x0, x1): (usize, usize), (z0, z1): (usize, usize)) {
        let n = self.n();
        for z in z0..=z1.min(n - 1) {
            for x in x0..=x1.min(n - 1) {
                let normal = self.hf.normal(x, z).to_array();
                self.normals[z * n + x] = normal;
                self.walkable[z * n + x] = self.limits.is_walkable(normal[1]);
            }
        }
    }

    /// Reachable, dry samples with a normal at least `min_normal_y` upright.
    fn open(&self, reachable: &[bool], min_normal_y: f32) -> Vec<(usize, usize)> {
        let n = self.n();
        let heights = self.hf.heights();
        (0..n * n)
            .filter(|&i| {
                reachable[i] && self.is_dry(heights[i]) && self.normals[i][1] >= min_normal_y
            })
            .map(|i| (i % n, i / n))
            .collect()
    }
}

/// Vertex colours of every sample, rows in parallel: the palette by height, darker on
/// steep faces and under water.
fn shade(ground: &Ground, recipe: &DreamRecipe, threads: usize) -> Vec<[f32; 4]> {
    let hf = &ground.hf;
    let n = hf.samples();
    let (lo, hi) = hf.range();
    let span = (hi - lo).max(1e-3);
    let p = &recipe.palette;
    let mut colors = vec![[0.0; 4]; n * n];
    for_rows(&mut colors, n, threads, |z, row| {
        for (x, v) in row.iter_mut().enumerate() {
            let h = hf.get(x, z);
            let t = (h - lo) / span;
            let mut colour = if t < 0.5 {
                lerp_colour(p.low, p.mid, t * 2.0)
            } else {
                lerp_colour(p.mid, p.high, (t - 0.5) * 2.0)
            };
            // Steep faces are darker, so cliffs read as cliffs.
            colour *= 0.45 + 0.55 * smoothstep(0.4, 0.95, ground.normals[z * n + x][1]);
            if ground.water_level.is_some_and(|w| h < w) {
                colour *= 0.5;
            }
            *v = [colour.red, colour.green, colour.blue, 1.0];
        }
    });
    colors
}

/// Where placements are measured from, and their seed.
struct Site {
    spawn: Vec3,
    seed: u64,
}

impl Site {
    fn distance_from_spawn(&self, hf: &Heightfield, (x, z): (usize, usize)) -> f32 {
        hf.world_xz(x, z)
            .distance(Vec2::new(self.spawn.x, self.spawn.z))
    }
}

/// Whether a sample is at least `clearance` metres (horizontally) from every point in
/// `taken` beyond that point's own radius.
fn is_clear(
    hf: &Heightfield,
    (x, z): (usize, usize),
    taken: &[(Vec3, f32)],
    clearance: f32,
) -> bool {
    let at = hf.world_xz(x, z);
    taken
        .iter()
        .all(|(p, r)| at.distance(Vec2::new(p.x, p.z)) >= r + clearance)
}

/// Draws up to `count` cells from `candidates` that `accept` and that are at least
/// `spacing` metres from the ones drawn before. Gives up after 40 draws per wanted cell.
/// Checks run on drawn cells only, so the cost does not grow with the candidates.
fn draw_spread(
    hf: &Heightfield,
    candidates: &[(usize, usize)],
    count: usize,
    spacing: f32,
    rng: &mut DreamRng,
    accept: impl Fn((usize, usize)) -> bool,
) -> Vec<(usize, usize)> {
    let mut drawn: Vec<(usize, usize)> = Vec::with_capacity(count);
    if candidates.is_empty() {
        return drawn;
    }
    for _ in 0..count * 40 {
        if drawn.len() == count {
            break;
        }
        let cell = candidates[rng.below(candidates.len())];
        let at = hf.world_xz(cell.0, cell.1);
        let spaced = drawn
            .iter()
            .all(|&(x, z)| hf.world_xz(x, z).distance(at) >= spacing);
        if spaced && accept(cell) {
            drawn.push(cell);
        }
    }
    drawn
}

/// Carves the dream's core: a level plaza sunk into reachable ground far from the
/// spawn. Candidates are tried until one stays reachable once carved (the reachable
/// set is updated); if none does, the core stands on the farthest reachable ground
/// uncarved.
fn carve_core(
    ground: &mut Ground,
    reachable: &mut Vec<bool>,
    site: &Site,
    start: (usize, usize),
) -> DreamCore {
    let extent = ground.hf.extent();
    let half = extent * 0.5;
    let n = ground.n();
    let open = ground.open(reachable, 0.85);
    let hf = &ground.hf;
    let inside = |c: &(usize, usize)| {
        let p = hf.world_xz(c.0, c.1);
        p.x.abs().max(p.y.abs()) < half * 0.78 - CORE_RADIUS - CORE_RING
    };
    let mut candidates: Vec<(usize, usize)> = open
        .iter()
        .copied()
        .filter(|c| {
            let d = site.distance_from_spawn(hf, *c);
            // Far enough that the carve never touches the ground under the spawn.
            let clear_of_spawn = d > CORE_RADIUS + CORE_RING + 2.0 * hf.cell() + 1.0;
            d > extent * 0.28 && d < extent * 0.45 && clear_of_spawn && inside(c)
        })
        .filter(|&(x, z)| ground.is_dry(hf.get(x, z) - CORE_SINK - 0.35))
        .collect();
    let mut rng = DreamRng::new(mix_seed(site.seed, 0xC0DE));
    for _ in 0..6 {
        if candidates.is_empty() {
            break;
        }
        let (cx, cz) = candidates.swap_remove(rng.below(candidates.len()));
        let floor = ground.hf.get(cx, cz) - CORE_SINK;
        let before = carve(ground, (cx, cz), floor);
        let reach = ground.reach(start);
        if reach[cz * n + cx] {
            *reachable = reach;
            return DreamCore {
                position: ground.hf.world_point(cx, cz),
                radius: CORE_RADIUS,
            };
        }
        before.restore(ground);
    }
    // No plaza fits: the core waits on the farthest reachable dry ground.
    let far = open
        .iter()
        .copied()
        .max_by(|a, b| {
            let d = |c: &(usize, usize)| site.distance_from_spawn(&ground.hf, *c);
            d(a).total_cmp(&d(b))
        })
        .unwrap_or(start);
    DreamCore {
        position: ground.hf.world_point(far.0, far.1),
        radius: CORE_RADIUS,
    }
}

/// The heights of a window before a carve, to undo it.
struct Window {
    xs: (usize, usize),
    zs: (usize, usize),
    heights: Vec<f32>,
}

impl Window {
    fn restore(self, ground: &mut Ground) {
        let n = ground.n();
        let mut old = self.heights.into_iter();
        let heights = ground.hf.heights_mut();
        for z in self.zs.0..=self.zs.1 {
            for x in self.xs.0..=self.xs.1 {
                heights[z * n + x] = old.next().expect("saved window");
            }
        }
        ground.refresh(
            (self.xs.0.saturating_sub(1), self.xs.1 + 1),
            (self.zs.0.saturating_sub(1), self.zs.1 + 1),
        );
    }
}

/// Carves a level floor at `floor` around `centre`, blended back into the ground over
/// [`CORE_RING`] metres, in place. Returns what was there.
fn carve(ground: &mut Ground, centre: (usize, usize), floor: f32) -> Window {
    let n = ground.n();
    let cell = ground.hf.cell();
    let at = ground.hf.world_xz(centre.0, centre.1);
    let radius = ((CORE_RADIUS + CORE_RING) / cell).ceil() as usize + 1;
    let xs = (
        centre.0.saturating_sub(radius),
        (centre.0 + radius).min(n - 1),
    );
    let zs = (
        centre.1.saturating_sub(radius),
        (centre.1 + radius).min(n - 1),
    );
    let mut saved = Vec::with_capacity((xs.1 - xs.0 + 1) * (zs.1 - zs.0 + 1));
    for z in zs.0..=zs.1 {
        for x in xs.0..=xs.1 {
            let d = ground.hf.world_xz(x, z).distance(at);
            let t = smoothstep(CORE_RADIUS, CORE_RADIUS + CORE_RING, d);
            let h = &mut ground.hf.heights_mut()[z * n + x];
            saved.push(*h);
            *h = floor + (*h - floor) * t;
        }
    }
    ground.refresh(
        (xs.0.saturating_sub(1), xs.1 + 1),
        (zs.0.saturating_sub(1), zs.1 + 1),
    );
    Window {
        xs,
        zs,
        heights: saved,
    }
}

/// A fear picked at random, weighted by the recipe's weights.
fn pick_fear(recipe: &DreamRecipe, rng: &mut DreamRng) -> FearTag {
    let mut roll = rng.next_f32();
    for fear in &recipe.fears {
        if roll < fear.weight {
            return fear.tag;
        }
        roll -= fear.weight;
    }
    recipe.fears.last().map_or(FearTag::Abandonment, |f| f.tag)
}

/// Props stand on gentle, reachable ground whose 5 × 5 neighbourhood is reachable (a
/// cheap first filter; [`keep_the_way_open`] makes sure they block nothing); each kind
/// comes from one of the dreamer's fears, drawn by weight.
fn place_props(
    ground: &Ground,
    reachable: &[bool],
    site: &Site,
    recipe: &DreamRecipe,
    taken: &[(Vec3, f32)],
) -> Vec<Prop> {
    let n = ground.n();
    let hf = &ground.hf;
    let open_around = |(x, z): (usize, usize)| {
        x >= 2
            && z >= 2
            && x + 2 < n
            && z + 2 < n
            && (z - 2..=z + 2).all(|zz| (x - 2..=x + 2).all(|xx| reachable[zz * n + xx]))
    };
    let candidates = ground.open(reachable, 0.8);
    let mut rng = DreamRng::new(mix_seed(site.seed, 0x9809));
    let accept = |c: (usize, usize)| {
        site.distance_from_spawn(hf, c) > 10.0 && is_clear(hf, c, taken, 1.5) && open_around(c)
    };
    draw_spread(hf, &candidates, recipe.prop_count, 6.0, &mut rng, accept)
        .into_iter()
        .map(|(x, z)| Prop {
            kind: pick_fear(recipe, &mut rng).prop(),
            position: hf.world_point(x, z),
            turn: rng.next_f32(),
            scale: 0.7 + 0.6 * rng.next_f32(),
        })
        .collect()
}

/// Samples covered by the props' solid parts, widened by Juno's body: she cannot stand
/// there.
fn prop_mask(ground: &Ground, props: &[Prop]) -> Vec<bool> {
    let hf = &ground.hf;
    let n = ground.n();
    let mut blocked = vec![false; n * n];
    for prop in props {
        let radius = prop.kind.footprint() * prop.scale;
        if radius <= 0.0 {
            continue;
        }
        let at = Vec2::new(prop.position.x, prop.position.z);
        for (x, z) in hf.samples_within(at, radius + ground.limits.body_radius) {
            blocked[z * n + x] = true;
        }
    }
    blocked
}

/// Whether some reachable sample lies within `radius` metres of `at`.
fn reachable_near(hf: &Heightfield, reachable: &[bool], at: Vec3, radius: f32) -> bool {
    let n = hf.samples();
    hf.samples_within(Vec2::new(at.x, at.z), radius)
        .any(|(x, z)| reachable[z * n + x])
}

/// Props are solid: with them standing, the flood fill is run again, and while it no
/// longer reaches the anchors, the core and every prop, the last prop placed is taken
/// away. `reachable` becomes what Juno can reach around the props.
fn keep_the_way_open(
    ground: &Ground,
    start: (usize, usize),
    props: &mut Vec<Prop>,
    must_reach: &[Vec3],
    reachable: &mut Vec<bool>,
) {
    let hf = &ground.hf;
    let n = ground.n();
    loop {
        let blocked = prop_mask(ground, props);
        let reach = reachable_avoiding(
            hf,
            &ground.walkable,
            Some(&blocked),
            start,
            &ground.limits,
            ground.water_level,
        );
        let at = |p: Vec3| {
            let (x, z) = hf.nearest_sample(Vec2::new(p.x, p.z));
            reach[z * n + x]
        };
        let open = must_reach.iter().all(|&p| at(p))
            && props.iter().all(|p| {
                let around = p.kind.footprint() * p.scale + ground.limits.body_radius + 1.0;
                reachable_near(hf, &reach, p.position, around)
            });
        if open || props.is_empty() {
            *reachable = reach;
            return;
        }
        props.pop();
    }
}

/// Hazards start on reachable dry ground well away from the spawn (so a loop never
/// opens on one) and from the core. The first ones cover the dreamer's fears in order
/// of weight; the rest are drawn by weight.
fn place_hazards(
    ground: &Ground,
    reachable: &[bool],
    site: &Site,
    recipe: &DreamRecipe,
    taken: &[(Vec3, f32)],
) -> Vec<HazardSpawn> {
    let hf = &ground.hf;
    let extent = hf.extent();
    let candidates = ground.open(reachable, 0.7);
    let mut rng = DreamRng::new(mix_seed(site.seed, 0x4A2A));
    let mut by_weight = recipe.fears.clone();
    by_weight.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    let mut kinds: Vec<HazardKind> = Vec::new();
    for fear in &by_weight {
        if !kinds.contains(&fear.tag.hazard()) {
            kinds.push(fear.tag.hazard());
        }
    }
    // A dream file's own kinds replace the fears' choice.
    let chosen = &recipe.hazard_kinds;
    if !chosen.is_empty() {
        kinds = chosen.clone();
    }
    // Inside the rim, where the dream is played.
    let inside = |(x, z): (usize, usize)| {
        let p = hf.world_xz(x, z);
        p.x.abs().max(p.y.abs()) < extent * 0.5 * 0.8
    };
    let accept = |c: (usize, usize)| {
        site.distance_from_spawn(hf, c) > extent * 0.15 && inside(c) && is_clear(hf, c, taken, 1.0)
    };
    draw_spread(
        hf,
        &candidates,
        recipe.hazard_count,
        extent * 0.08,
        &mut rng,
        accept,
    )
    .into_iter()
    .enumerate()
    .map(|(i, (x, z))| HazardSpawn {
        kind: match kinds.get(i) {
            Some(&kind) => kind,
            None if !chosen.is_empty() => chosen[rng.below(chosen.len())],
            None => pick_fear(recipe, &mut rng).hazard(),
        },
        position: hf.world_point(x, z),
    })
    .collect()
}

/// Share of the dream a spawn should open up: below it, other spawns are tried.
const GOOD_REACH: f32 = 0.35;

/// The spawn, and what is reachable from it. Candidates are dry, gentle samples on a
/// coarse grid, nearest the centre first (the generator calms the ground there); the
/// first from which at least [`GOOD_REACH`] of the dream is reachable wins, else the one
/// reaching most. A candidate already reachable from one tried before is skipped: it
/// can reach no more than that one did.
fn choose_spawn(ground: &Ground) -> ((usize, usize), Vec<bool>) {
    let hf = &ground.hf;
    let n = hf.samples();
    let centre = (n - 1) / 2;
    let good = |x: usize, z: usize| {
        ground.water_level.is_none_or(|w| hf.get(x, z) > w + 0.2) && ground.normal_y((x, z)) > 0.9
    };
    // A coarse grid over the inner part of the dream (inside the rim).
    let stride = (n / 16).max(1);
    let inner = n * 4 / 10;
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
    if candidates.is_empty() {
        // No dry, gentle ground at all: the highest point is always dry.
        let top = (0..n * n)
            .max_by(|&a, &b| hf.heights()[a].total_cmp(&hf.heights()[b]))
            .unwrap_or(0);
        candidates.push((top % n, top / n));
    }
    let mut explored = vec![false; n * n];
    let mut best: Option<((usize, usize), Vec<bool>, f32)> = None;
    let mut tries = 0;
    for start in candidates {
        if explored[start.1 * n + start.0] {
            continue;
        }
        tries += 1;
        if tries > MAX_SPAWN_TRIES {
            break;
        }
        let reachable = ground.reach(start);
        let share = reachable.iter().filter(|&&r| r).count() as f32 / reachable.len() as f32;
        if share >= GOOD_REACH {
            return (start, reachable);
        }
        for (seen, &r) in explored.iter_mut().zip(&reachable) {
            *seen |= r;
        }
        if best.as_ref().is_none_or(|b| share > b.2) {
            best = Some((start, reachable, share));
        }
    }
    let (start, reachable, _) = best.expect("at least one candidate");
    (start, reachable)
}

/// Flood fills the spawn search may run (about 0.6 ms each at 257²).
const MAX_SPAWN_TRIES: usize = 24;

/// Picks anchor cells among reachable dry ones: away from the spawn (an eighth to two
/// fifths of the dream's size) and from what is already `taken`, spread apart, on gentle
/// ground. Falls back to the farthest reachable cells when the preferred band is empty.
fn place_anchors(
    ground: &Ground,
    reachable: &[bool],
    site: &Site,
    count: usize,
    taken: &[(Vec3, f32)],
) -> Vec<Vec3> {
    let hf = &ground.hf;
    let extent = hf.extent();
    // Reachable and dry: wading is fine for walking, not for a memory to wait in.
    let reachable_cells = ground.open(reachable, -1.0);
    let mut candidates: Vec<(usize, usize)> = reachable_cells
        .iter()
        .copied()
        .filter(|&c| {
            let d = site.distance_from_spawn(hf, c);
            d > extent * 0.12 && d < extent * 0.4 && ground.normal_y(c) > 0.85
        })
        .collect();
    let clear = |c: (usize, usize)| is_clear(hf, c, taken, 2.0);
    if candidates.is_empty() {
        candidates = reachable_cells;
        let distance = |c: &(usize, usize)| site.distance_from_spawn(hf, *c);
        candidates.sort_by(|a, b| distance(b).total_cmp(&distance(a)));
        candidates.truncate(count.max(1) * 8);
    }
    let mut rng = DreamRng::new(site.seed);
    let min_spacing = extent * 0.1;
    let mut anchors: Vec<Vec3> = Vec::with_capacity(count);
    let mut tries = 0;
    while anchors.len() < count && !candidates.is_empty() {
        let cell = candidates[rng.below(candidates.len())];
        let point = hf.world_point(cell.0, cell.1) + Vec3::Y * ANCHOR_HOVER;
        tries += 1;
        // Spacing and clearance are wishes, not rules: after enough tries any reachable
        // cell will do.
        let spaced = anchors.iter().all(|a| a.distance(point) >= min_spacing) && clear(cell);
        if spaced || tries > 200 {
            anchors.push(point);
        }
    }
    anchors
}

fn lerp_colour(a: LinearRgba, b: LinearRgba, t: f32) -> LinearRgba {
    a * (1.0 - t) + b * t
}
