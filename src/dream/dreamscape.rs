//! A generated dream: the ground, its water and colours, where Juno lands and where the
//! memory anchors wait. Built from a [`DreamRecipe`]; turned into entities elsewhere.
//!
//! This file holds the [`Dream`] and the order its parts are made in; each part is made
//! in its own file: the ground ([`Heightfield`]), the spawn, the core, the placements
//! and the shading.

use bevy::math::{Vec2, Vec3};

use super::core_site::{CORE_RADIUS, CORE_RING, CORE_TRIES, DreamCore, carve_core};
use super::ground::{GenWork, Ground};
use super::heightfield::Heightfield;
use super::options::GenOptions;
use super::pace::run_to_end;
use super::parallel::for_each_heavy;
use super::placement::{
    ANCHOR_HOVER, HazardSpawn, Prop, keep_the_way_open, place_anchors, place_hazards, place_props,
    way_fills,
};
use super::reach::MovementLimits;
use super::recipe::{DreamRecipe, MAX_PROPS};
use super::shading::shade;
use super::spawn::{MAX_SPAWN_TRIES, Site, choose_spawn};

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
    /// How much work making it took (flood fills, draws), for the tests that bound it.
    pub work: GenWork,
}

/// Most flood fills of the whole ground one generation runs: the spawn search, the
/// core's tries and keeping the way open around [`MAX_PROPS`] props. Each visits every
/// sample at most once, so a dream's work is at most this many passes over its ground.
pub const MAX_FLOOD_FILLS: usize = MAX_SPAWN_TRIES + CORE_TRIES + way_fills(MAX_PROPS);

/// A generation stopped because whoever asked no longer wanted the dream
/// ([`crate::dream::Progress::cancel`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

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
    /// moving within `limits`, can reach them from the spawn. Uses every core.
    pub fn generate(recipe: &DreamRecipe, anchor_count: usize, limits: &MovementLimits) -> Dream {
        Self::generate_with(recipe, anchor_count, limits, &GenOptions::default())
    }

    /// [`Dream::generate`] with explicit options (threads, reference noise, progress).
    /// Runs to the end even if the progress is cancelled; see [`Dream::form`].
    pub fn generate_with(
        recipe: &DreamRecipe,
        anchor_count: usize,
        limits: &MovementLimits,
        options: &GenOptions,
    ) -> Dream {
        let options = options.without_pace();
        match run_to_end(Self::make(recipe, anchor_count, limits, &options, false)) {
            Ok(dream) => dream,
            Err(Cancelled) => unreachable!("an uncancellable generation was cancelled"),
        }
    }

    /// [`Dream::generate_with`], giving up between stages once the options' progress is
    /// cancelled, and pausing where the options' pace says (see [`crate::dream::Pace`]):
    /// a dream made a slice at a time, polled once a slice.
    pub async fn form(
        recipe: &DreamRecipe,
        anchor_count: usize,
        limits: &MovementLimits,
        options: &GenOptions,
    ) -> Result<Dream, Cancelled> {
        Self::make(recipe, anchor_count, limits, options, true).await
    }

    /// The stages in order, checking between them whether the dream is still wanted.
    async fn make(
        recipe: &DreamRecipe,
        anchor_count: usize,
        limits: &MovementLimits,
        options: &GenOptions,
        cancellable: bool,
    ) -> Result<Dream, Cancelled> {
        let wanted = || {
            if cancellable && options.is_cancelled() {
                Err(Cancelled)
            } else {
                Ok(())
            }
        };
        wanted()?;
        let heightfield = Heightfield::make(recipe, options).await;
        wanted()?;
        let (lo, hi) = heightfield.range();
        let water = recipe.terrain.water;
        let water_level = (water > 0.0).then_some(lo + (hi - lo) * water);
        let planning = limits.planning();
        let mut ground = Ground::new(heightfield, &planning, water_level, options).await;
        wanted()?;
        let (start, mut reachable) = choose_spawn(&ground).await;
        options.report(0.7);
        options.breath().await;
        wanted()?;
        let spawn = ground.hf.world_point(start.0, start.1);
        let site = Site {
            spawn,
            seed: recipe.placement_seed,
        };
        let core = carve_core(&mut ground, &mut reachable, &site, start).await;
        options.report(0.8);
        options.breath().await;
        wanted()?;
        let mut taken = vec![(core.position, CORE_RADIUS + CORE_RING)];
        let anchors = place_anchors(&ground, &reachable, &site, anchor_count, &taken);
        taken.extend(anchors.iter().map(|&a| (a, 3.0)));
        options.breath().await;
        let mut props = place_props(&ground, &reachable, &site, recipe, &taken);
        let mut must_reach: Vec<Vec3> = anchors
            .iter()
            .map(|a| *a - Vec3::Y * ANCHOR_HOVER)
            .collect();
        must_reach.push(core.position);
        wanted()?;
        keep_the_way_open(&ground, start, &mut props, &must_reach, &mut reachable).await;
        wanted()?;
        taken.extend(
            props
                .iter()
                .map(|p| (p.position, p.kind.footprint() * p.scale + 2.0)),
        );
        options.breath().await;
        let hazards = place_hazards(&ground, &reachable, &site, recipe, &taken);
        options.report(0.85);
        wanted()?;
        let colors = shade(&ground, recipe, options).await;
        options.report(0.9);
        let work = ground.work.counted();
        let Ground {
            hf: heightfield,
            normals,
            ..
        } = ground;
        Ok(Dream {
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
            work,
        })
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
        let options = GenOptions::single_threaded().with_threads(threads);
        run_to_end(self.mesh_chunks(chunk_cells, &options))
    }

    /// [`Dream::chunks`] on `options`' threads, pausing after each chunk where its pace
    /// says.
    pub async fn mesh_chunks(
        &self,
        chunk_cells: usize,
        options: &GenOptions,
    ) -> Vec<TerrainMeshData> {
        let cells = self.heightfield.samples() - 1;
        let step = chunk_cells.clamp(1, cells);
        let per_side = cells.div_ceil(step);
        let mut chunks = vec![TerrainMeshData::default(); per_side * per_side];
        for_each_heavy(&mut chunks, options, |i, chunk| {
            let (x0, z0) = ((i % per_side) * step, (i / per_side) * step);
            chunk[0] = self.chunk_mesh(x0, z0, step);
        })
        .await;
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
