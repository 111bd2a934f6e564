//! The dream forge: generates dreams on Bevy's async compute pool so the main thread
//! never waits. The next loop is generated while the current one is played, so a loop
//! reset only swaps entities.

use std::sync::Arc;

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::platform::time::Instant;
use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, futures::check_ready};
use bevy_rapier3d::parry::shape::HeightFieldFlags;
use bevy_rapier3d::parry::utils::Array2;
use bevy_rapier3d::prelude::Collider;
use bevy_rapier3d::rapier::prelude::SharedShape;

use super::ActiveDive;
use crate::dream::{
    Cancelled, Dream, GenOptions, Heightfield, MovementLimits, Progress, TerrainMeshData,
    default_threads, panic_message,
};
use crate::levels::DiveSpec;
use crate::state::AppState;

/// A dream, generated and ready to become entities.
pub struct GeneratedDream {
    /// Which dream it is (the dream's id).
    pub dream_id: String,
    pub loop_index: u32,
    pub dream: Arc<Dream>,
    /// The terrain's meshes, one per chunk of [`CHUNK_CELLS`] cells a side.
    pub terrain_chunks: Vec<Mesh>,
    pub collider: Collider,
    /// Wall time the generation took, milliseconds.
    pub millis: f32,
}

/// How a generation ended without a dream.
enum Unmade {
    /// Nobody wanted it any more.
    Cancelled,
    /// The generator failed (a panic, caught): what it said.
    Failed(String),
}

/// A dream being generated: whose and which loop, how far along, and the task.
struct Pending {
    key: (String, u32),
    progress: Arc<Progress>,
    task: Task<Result<GeneratedDream, Unmade>>,
}

impl Drop for Pending {
    /// A dropped task is cancelled only at its next await, and a generation has none:
    /// it is told to stop between its stages, so the thread is free for the next dream.
    fn drop(&mut self) {
        self.progress.cancel();
    }
}

/// Dreams being generated, dreams ready to be played, and dreams that failed to form.
#[derive(Resource, Default)]
pub struct DreamForge {
    pending: Vec<Pending>,
    ready: Vec<GeneratedDream>,
    /// `(dream id, loop index)` and what went wrong.
    failed: Vec<((String, u32), String)>,
}

impl DreamForge {
    /// Starts generating loop `loop_index` of a dream, unless it already is.
    pub fn request(&mut self, spec: &DiveSpec, loop_index: u32) {
        let key = (spec.id().to_owned(), loop_index);
        let known = self.pending.iter().any(|p| p.key == key)
            || self.failed.iter().any(|(k, _)| *k == key)
            || self
                .ready
                .iter()
                .any(|g| g.dream_id == key.0 && g.loop_index == loop_index);
        if known {
            return;
        }
        let spec = spec.clone();
        let progress = Arc::new(Progress::default());
        let options = GenOptions {
            progress: Some(progress.clone()),
            // Leave a core to the main thread: generation must never slow a frame.
            threads: default_threads().saturating_sub(1).max(1),
            ..GenOptions::default()
        };
        let task = AsyncComputeTaskPool::get().spawn(async move {
            yield_to_frames();
            unless_it_fails(|| generate(&spec, loop_index, &MovementLimits::default(), &options))
        });
        self.pending.push(Pending {
            key,
            progress,
            task,
        });
    }

    /// How far along loop `loop_index` of dream `dream_id` is: 0 to 1, `None` if it
    /// is not being generated.
    pub fn progress(&self, dream_id: &str, loop_index: u32) -> Option<f32> {
        if self
            .ready
            .iter()
            .any(|g| g.dream_id == dream_id && g.loop_index == loop_index)
        {
            return Some(1.0);
        }
        self.pending
            .iter()
            .find(|p| p.key.0 == dream_id && p.key.1 == loop_index)
            .map(|p| p.progress.get())
    }

    /// Takes loop `loop_index` of dream `dream_id` if it is ready.
    pub fn take(&mut self, dream_id: &str, loop_index: u32) -> Option<GeneratedDream> {
        let i = self
            .ready
            .iter()
            .position(|g| g.dream_id == dream_id && g.loop_index == loop_index)?;
        Some(self.ready.swap_remove(i))
    }

    /// Why loop `loop_index` of dream `dream_id` could not be generated, if it could not.
    pub fn failure(&self, dream_id: &str, loop_index: u32) -> Option<&str> {
        self.failed
            .iter()
            .find(|((id, i), _)| id == dream_id && *i == loop_index)
            .map(|(_, why)| why.as_str())
    }

    /// Drops every pending, ready and failed dream; generations under way stop at their
    /// next stage.
    pub fn clear(&mut self) {
        self.pending.clear();
        self.ready.clear();
        self.failed.clear();
    }

    fn poll(&mut self) {
        let mut i = 0;
        while i < self.pending.len() {
            if let Some(done) = check_ready(&mut self.pending[i].task) {
                let key = self.pending.swap_remove(i).key.clone();
                match done {
                    Ok(dream) => self.ready.push(dream),
                    Err(Unmade::Failed(why)) => {
                        error!(
                            "{}, loop {}: the dream failed to form: {why}",
                            key.0,
                            key.1 + 1
                        );
                        self.failed.push((key, why));
                    }
                    Err(Unmade::Cancelled) => {}
                }
            } else {
                i += 1;
            }
        }
    }
}

/// Runs a generation, catching a panic in it: on the desktop a bug in the generator
/// becomes a message on the forming screen, not a crash. (The browser build aborts on
/// any panic: there the generator must have none, which tests/bounded_generation.rs
/// sweeps for.)
fn unless_it_fails(
    make: impl FnOnce() -> Result<GeneratedDream, Cancelled>,
) -> Result<GeneratedDream, Unmade> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(make)) {
        Ok(Ok(dream)) => Ok(dream),
        Ok(Err(Cancelled)) => Err(Unmade::Cancelled),
        Err(panic) => Err(Unmade::Failed(panic_message(panic.as_ref()))),
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<DreamForge>()
        .add_systems(OnEnter(AppState::Dream), request_first_loop)
        .add_systems(OnExit(AppState::Dream), |mut forge: ResMut<DreamForge>| {
            forge.clear()
        })
        .add_systems(
            Update,
            poll_forge
                .in_set(crate::AppSystems::TickTimers)
                .run_if(in_state(AppState::Dream)),
        );
}

fn request_first_loop(dive: Res<ActiveDive>, mut forge: ResMut<DreamForge>) {
    forge.request(&dive.spec, dive.loop_index);
}

fn poll_forge(mut forge: ResMut<DreamForge>) {
    forge.poll();
}

/// Makes the calling thread (an async compute thread) yield to the frame's threads when
/// they compete for a core: on Linux, a nice value of 10 (the CPU share of a nice-0
/// thread is about ten times larger). Elsewhere, threads keep their priority.
///
/// The thread stays at that priority afterwards (raising it again needs privileges).
/// In this game the async compute pool is the forge's alone — nothing else spawns on
/// it — so that is what it should be; anything added there later runs at it too.
fn yield_to_frames() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread; no memory is shared with them.
    unsafe {
        let thread = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, thread, 10);
    }
}

/// Terrain chunk size, cells a side: 16 chunks on a 257² dream, 256 on a 1025² one.
pub const CHUNK_CELLS: usize = 64;

/// Generates one loop of a dream with everything the world needs (meshes and collider
/// included), off the main thread: the main thread only moves the results into place.
/// Stops early once `options`' progress is cancelled.
pub fn generate(
    spec: &DiveSpec,
    loop_index: u32,
    limits: &MovementLimits,
    options: &GenOptions,
) -> Result<GeneratedDream, Cancelled> {
    let start = Instant::now();
    let recipe = spec.recipe(loop_index);
    let dream = Dream::try_generate(&recipe, spec.dream.anchors.len(), limits, options)?;
    let terrain_chunks = dream
        .chunks_with(CHUNK_CELLS, options.threads)
        .into_iter()
        .map(terrain_mesh)
        .collect();
    let collider = terrain_collider(&dream.heightfield);
    if let Some(progress) = &options.progress {
        progress.set(1.0);
    }
    Ok(GeneratedDream {
        dream_id: spec.id().to_owned(),
        loop_index,
        dream: Arc::new(dream),
        terrain_chunks,
        collider,
        millis: start.elapsed().as_secs_f32() * 1000.0,
    })
}

fn terrain_mesh(data: TerrainMeshData) -> Mesh {
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::default(),
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, data.positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, data.normals)
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, data.colors)
    .with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, data.uvs)
    .with_inserted_indices(Indices::U32(data.indices))
}

/// A rapier heightfield matching the generator's grid exactly: both are centred on the
/// origin, and both split each cell along the (x+1, z)–(x, z+1) diagonal.
pub fn terrain_collider(hf: &Heightfield) -> Collider {
    let n = hf.samples();
    // Parry's rows run along z and its columns along x.
    let heights = Array2::from_fn(n, n, |z, x| hf.get(x, z));
    let scale = Vec3::new(hf.extent(), 1.0, hf.extent());
    SharedShape::heightfield_with_flags(heights, scale, HeightFieldFlags::FIX_INTERNAL_EDGES).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy::tasks::TaskPool;

    /// Leo's dive, from the shipped level files.
    fn leo() -> DiveSpec {
        let root = crate::levels::data_root();
        let assembly = crate::levels::disk::load(&root.join("levels"), &[], &root);
        assembly.library.dive("leo").expect("Leo's dive").clone()
    }

    /// Polls until nothing is pending (a generation takes well under a minute).
    fn settle(forge: &mut DreamForge) {
        for _ in 0..60_000 {
            forge.poll();
            if forge.pending.is_empty() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        panic!("the forge never settled");
    }

    #[test]
    fn a_panic_in_generation_is_reported_as_the_dreams_failure_and_not_retried() {
        let failed = unless_it_fails(|| panic!("the ground split"));
        assert!(matches!(failed, Err(Unmade::Failed(ref why)) if why == "the ground split"));
        let cancelled = unless_it_fails(|| Err(Cancelled));
        assert!(matches!(cancelled, Err(Unmade::Cancelled)));

        AsyncComputeTaskPool::get_or_init(TaskPool::default);
        let mut forge = DreamForge::default();
        let spec = leo();
        forge.pending.push(Pending {
            key: (spec.id().to_owned(), 3),
            progress: Arc::new(Progress::default()),
            task: AsyncComputeTaskPool::get()
                .spawn(async { unless_it_fails(|| panic!("the ground split")) }),
        });
        settle(&mut forge);
        assert_eq!(forge.failure(spec.id(), 3), Some("the ground split"));
        assert!(forge.take(spec.id(), 3).is_none());
        forge.request(&spec, 3);
        assert!(
            forge.pending.is_empty(),
            "a failed loop is not generated again"
        );
        forge.clear();
        assert_eq!(forge.failure(spec.id(), 3), None, "a reload may try again");
    }

    #[test]
    fn clearing_the_forge_stops_a_generation_under_way() {
        AsyncComputeTaskPool::get_or_init(TaskPool::default);
        let mut forge = DreamForge::default();
        let spec = leo();
        forge.request(&spec, 0);
        let progress = forge.pending[0].progress.clone();
        forge.clear();
        assert!(progress.is_cancelled(), "the generation is told to stop");
        // Asked before it starts or between stages, a generation gives up.
        let recipe = spec.recipe(0);
        let options = GenOptions {
            progress: Some(progress),
            ..GenOptions::default()
        };
        let made = generate(&spec, 0, &MovementLimits::default(), &options);
        assert!(made.is_err(), "a cancelled generation makes no dream");
        let uncancellable = Dream::generate_with(&recipe, 3, &MovementLimits::default(), &options);
        assert!(
            !uncancellable.anchors.is_empty(),
            "generate_with runs to the end"
        );
    }
    use bevy_rapier3d::parry::query::Ray;

    /// The collider must be the terrain: cast rays down at many points and compare the
    /// hit height with the generator's own surface.
    #[test]
    fn collider_matches_heightfield() {
        let n = 33;
        let heights = (0..n * n)
            .map(|i| {
                let (x, z) = ((i % n) as f32, (i / n) as f32);
                (x * 0.7).sin() * 3.0 + z * 0.25 + (x * z * 0.01)
            })
            .collect();
        let hf = Heightfield::from_heights(n, 1.5, heights);
        let collider = terrain_collider(&hf);
        let mut worst = 0.0f32;
        for i in 0..400 {
            let x = (i as f32 * 0.37).sin() * 23.0;
            let z = (i as f32 * 0.61).cos() * 23.0;
            let ray = Ray::new(Vec3::new(x, 100.0, z), Vec3::NEG_Y);
            let toi = collider
                .raw
                .cast_local_ray(&ray, 1000.0, true)
                .expect("ray hits the terrain");
            let hit = 100.0 - toi;
            worst = worst.max((hit - hf.height_at(Vec2::new(x, z))).abs());
        }
        assert!(worst < 1e-3, "collider and heightfield differ by {worst} m");
    }
}
