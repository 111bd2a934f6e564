//! The dream forge: generates dreams without the frame waiting for them. On the desktop
//! a dream is made on Bevy's async compute pool; in the browser, whose pools run on the
//! page's one thread, it is made a slice each frame within the frame's share
//! ([`crate::long_work`]). The next loop is generated while the current one is played,
//! so a loop reset only swaps entities.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::platform::cell::SyncCell;
use bevy::platform::time::Instant;
use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, futures::check_ready};
use bevy_rapier3d::parry::shape::HeightFieldFlags;
use bevy_rapier3d::parry::utils::Array2;
use bevy_rapier3d::prelude::Collider;
use bevy_rapier3d::rapier::prelude::SharedShape;

use super::ActiveDive;
use crate::dream::{
    Cancelled, Dream, GenOptions, Heightfield, MovementLimits, Pace, Progress, TerrainMeshData,
    default_threads, poll_once, run_to_end,
};
use crate::levels::DiveSpec;
use crate::long_work::{ChangeStep, FrameShare, LongWork, WorkMeter};
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
    /// Wall time from the first piece of work to the last, milliseconds (made in slices,
    /// the frames between them included).
    pub millis: f32,
}

/// How a generation ended without a dream.
enum Unmade {
    /// Nobody wanted it any more.
    Cancelled,
    /// The generator failed (a panic, caught): what it said.
    Failed(String),
}

/// A slice of a dream's forming longer than this is logged (with how far it got): the
/// frame may give long work 8 ms.
const LONG_SLICE_MILLIS: f32 = 8.0;

/// A generation made a slice at a time: polled once a frame.
type Forming = Pin<Box<dyn Future<Output = Result<GeneratedDream, Cancelled>> + Send>>;

/// How a dream is being made.
enum Making {
    /// Asked for; begun at the forge's next poll, on other threads or in slices.
    Asked(Box<DiveSpec>),
    /// On the async compute pool's threads.
    Task(Task<Result<GeneratedDream, Unmade>>),
    /// A slice each frame on the frame's thread, pausing where `pace` says.
    Slices {
        pace: Arc<Pace>,
        forming: SyncCell<Forming>,
    },
}

/// A dream being generated: whose and which loop, how far along, and how it is made.
struct Pending {
    key: (String, u32),
    progress: Arc<Progress>,
    making: Making,
}

impl Drop for Pending {
    /// A dropped task is cancelled only at its next await, and a generation on a thread
    /// has none: it is told to stop between its stages, so the thread is free for the
    /// next dream. (One made in slices simply stops being polled.)
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
    /// Asks for loop `loop_index` of a dream, unless it is already asked for, made or
    /// failed. Its making begins at the forge's next poll.
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
        self.pending.push(Pending {
            key,
            progress: Arc::new(Progress::default()),
            making: Making::Asked(Box::new(spec.clone())),
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

    /// Drops every pending, ready and failed dream: one on another thread stops at its
    /// next stage, one made in slices at once.
    pub fn clear(&mut self) {
        self.pending.clear();
        self.ready.clear();
        self.failed.clear();
    }

    /// How many dreams are being made a slice a frame.
    pub fn forming_in_slices(&self) -> usize {
        let sliced = |p: &&Pending| matches!(p.making, Making::Slices { .. });
        self.pending.iter().filter(sliced).count()
    }

    /// Begins what was asked for (`how`), takes what is done, and gives this frame's
    /// `share` to the first dream made in slices: one at a time, in the order asked
    /// (the loop played before the one forged ahead).
    pub fn poll(&mut self, how: LongWork, share: FrameShare) {
        for pending in &mut self.pending {
            if let Making::Asked(spec) = &pending.making {
                pending.making = begin(spec, pending.key.1, &pending.progress, how);
            }
        }
        let mut sliced = false;
        let mut i = 0;
        while i < self.pending.len() {
            let Pending {
                key,
                progress,
                making,
            } = &mut self.pending[i];
            let done = match making {
                Making::Asked(_) => None,
                Making::Task(task) => check_ready(task),
                Making::Slices { .. } if sliced => None,
                Making::Slices { pace, forming } => {
                    sliced = true;
                    let forming = forming.get().as_mut();
                    if pace.slice(share.more()) {
                        let (began, from) = (Instant::now(), progress.get());
                        let polled = unless_it_panics(|| poll_once(forming));
                        let millis = began.elapsed().as_secs_f32() * 1000.0;
                        if millis > LONG_SLICE_MILLIS {
                            warn!(
                                "{}, loop {}: a slice of its forming took {millis:.1} ms (from {:.0}% to {:.0}%)",
                                key.0,
                                key.1 + 1,
                                from * 100.0,
                                progress.get() * 100.0
                            );
                        }
                        match polled {
                            Ok(None) => None,
                            Ok(Some(made)) => Some(unmade(Ok(made))),
                            Err(why) => Some(unmade(Err(why))),
                        }
                    } else {
                        None
                    }
                }
            };
            let Some(done) = done else {
                i += 1;
                continue;
            };
            let key = self.pending.remove(i).key.clone();
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
        }
    }
}

/// Begins making loop `loop_index` of a dream, `how` long work is done here.
fn begin(spec: &DiveSpec, loop_index: u32, progress: &Arc<Progress>, how: LongWork) -> Making {
    let spec = spec.clone();
    let limits = MovementLimits::default();
    match how {
        LongWork::Background => {
            let options = GenOptions {
                progress: Some(progress.clone()),
                // Leave a core to the main thread: generation must never slow a frame.
                threads: default_threads().saturating_sub(1).max(1),
                ..GenOptions::default()
            };
            Making::Task(AsyncComputeTaskPool::get().spawn(async move {
                yield_to_frames();
                unmade(unless_it_panics(|| {
                    generate(&spec, loop_index, &limits, &options)
                }))
            }))
        }
        LongWork::Slices => {
            let pace = Arc::new(Pace::default());
            let options = GenOptions {
                progress: Some(progress.clone()),
                pace: Some(pace.clone()),
                ..GenOptions::single_threaded()
            };
            let forming: Forming =
                Box::pin(async move { form(&spec, loop_index, &limits, &options).await });
            Making::Slices {
                pace,
                forming: SyncCell::new(forming),
            }
        }
    }
}

/// A generation's end, a dream or why there is none: `made` is what it gave, or what
/// its panic said.
fn unmade(
    made: Result<Result<GeneratedDream, Cancelled>, String>,
) -> Result<GeneratedDream, Unmade> {
    match made {
        Ok(Ok(dream)) => Ok(dream),
        Ok(Err(Cancelled)) => Err(Unmade::Cancelled),
        Err(why) => Err(Unmade::Failed(why)),
    }
}

/// Runs a piece of generation, catching a panic in it: on the desktop a bug in the
/// generator becomes a message on the forming screen, not a crash. (The browser build
/// aborts on any panic: there the generator must have none, which
/// tests/game/bounded_generation.rs sweeps for.)
fn unless_it_panics<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    crate::panics::catch(work, crate::dream::SILENT_FAILURE)
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

fn poll_forge(
    mut forge: ResMut<DreamForge>,
    how: Res<LongWork>,
    share: Res<FrameShare>,
    mut meter: ResMut<WorkMeter>,
) {
    if !forge.pending.is_empty() {
        meter.loop_changing(ChangeStep::Forming);
    }
    meter.run(*share, |share| forge.poll(*how, share));
}

/// Makes the calling thread (an async compute thread) yield to the frame's threads when
/// they compete for a core: on Linux, a nice value of 10 (the CPU share of a nice-0
/// thread is about ten times larger). Elsewhere, threads keep their priority.
///
/// The thread stays at that priority afterwards (raising it again needs privileges).
/// The other work on the async compute pool (the next desk's warm-up, a saved game's
/// network, the strangers' network) is long work the frame does not wait for either,
/// so it may run at that priority too.
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
/// included), off the frame's path: the frame only moves the results into place.
/// Stops early once `options`' progress is cancelled.
pub fn generate(
    spec: &DiveSpec,
    loop_index: u32,
    limits: &MovementLimits,
    options: &GenOptions,
) -> Result<GeneratedDream, Cancelled> {
    run_to_end(form(spec, loop_index, limits, &options.without_pace()))
}

/// [`generate`], pausing where `options`' pace says: made a slice at a time.
pub async fn form(
    spec: &DiveSpec,
    loop_index: u32,
    limits: &MovementLimits,
    options: &GenOptions,
) -> Result<GeneratedDream, Cancelled> {
    let start = Instant::now();
    let recipe = spec.recipe(loop_index);
    let dream = Dream::form(&recipe, spec.dream.anchors.len(), limits, options).await?;
    let chunks = dream.mesh_chunks(CHUNK_CELLS, options).await;
    let terrain_chunks = chunks.into_iter().map(terrain_mesh).collect();
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
            forge.poll(LongWork::Background, FrameShare::default());
            if forge.pending.is_empty() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        panic!("the forge never settled");
    }

    #[test]
    fn a_panic_in_generation_is_reported_as_the_dreams_failure_and_not_retried() {
        let _one = crate::panics::tests_one_at_a_time();
        let failed = unless_it_panics(|| -> () { panic!("the ground split") });
        assert_eq!(failed, Err("the ground split".to_owned()));

        AsyncComputeTaskPool::get_or_init(TaskPool::default);
        let spec = leo();
        let on_a_thread = Making::Task(AsyncComputeTaskPool::get().spawn(async {
            unless_it_panics(|| -> () { panic!("the ground split") })
                .map_err(Unmade::Failed)
                .map(|()| unreachable!())
        }));
        let forming: Forming = Box::pin(async { panic!("the ground split") });
        let in_slices = Making::Slices {
            pace: Arc::new(Pace::default()),
            forming: SyncCell::new(forming),
        };
        for making in [on_a_thread, in_slices] {
            let mut forge = DreamForge::default();
            forge.pending.push(Pending {
                key: (spec.id().to_owned(), 3),
                progress: Arc::new(Progress::default()),
                making,
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
    }

    /// Made a slice at a time, a piece a frame, a loop is the dream made in one go:
    /// the same ground, colours, placements and meshes, bit for bit.
    #[test]
    fn a_dream_made_in_slices_is_the_dream_made_at_once() {
        let spec = leo();
        let limits = MovementLimits::default();
        let at_once = generate(&spec, 1, &limits, &GenOptions::single_threaded())
            .expect("nothing cancels it");
        let mut forge = DreamForge::default();
        forge.request(&spec, 1);
        let mut frames = 0;
        let sliced = loop {
            forge.poll(LongWork::Slices, FrameShare::Pieces(1));
            frames += 1;
            if let Some(made) = forge.take(spec.id(), 1) {
                break made;
            }
            assert_eq!(forge.forming_in_slices(), 1);
            assert!(frames < 100_000, "the slices never ended");
            let progress = forge.progress(spec.id(), 1).expect("still forming");
            assert!(progress < 1.0);
        };
        // A piece is a row of a grid-wide pass, a flood fill or a chunk: a 257² dream
        // is some thousands of them.
        assert!(frames > 2_000, "made in {frames} slices");
        let (a, b) = (&at_once.dream, &sliced.dream);
        assert_eq!(a.heightfield, b.heightfield);
        assert_eq!(a.normals, b.normals);
        assert_eq!(a.colors, b.colors);
        assert_eq!(a.reachable, b.reachable);
        assert_eq!((a.spawn, &a.anchors, a.core), (b.spawn, &b.anchors, b.core));
        assert_eq!((&a.props, &a.hazards), (&b.props, &b.hazards));
        assert_eq!(a.work, b.work, "the same flood fills and draws");
        let positions = |g: &GeneratedDream| -> Vec<Vec<[f32; 3]>> {
            g.terrain_chunks
                .iter()
                .map(|mesh| match mesh.attribute(Mesh::ATTRIBUTE_POSITION) {
                    Some(bevy::mesh::VertexAttributeValues::Float32x3(p)) => p.clone(),
                    _ => panic!("a chunk without positions"),
                })
                .collect()
        };
        assert_eq!(positions(&at_once), positions(&sliced));
    }

    #[test]
    fn clearing_the_forge_stops_a_generation_under_way() {
        AsyncComputeTaskPool::get_or_init(TaskPool::default);
        let mut forge = DreamForge::default();
        let spec = leo();
        forge.request(&spec, 0);
        forge.poll(LongWork::Background, FrameShare::default());
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
        // One made in slices is dropped on the spot, halfway.
        forge.request(&spec, 0);
        for _ in 0..10 {
            forge.poll(LongWork::Slices, FrameShare::Pieces(100));
        }
        assert_eq!(forge.forming_in_slices(), 1);
        let halfway = forge.progress(spec.id(), 0).expect("forming");
        assert!(halfway > 0.0 && halfway < 1.0, "{halfway}");
        let progress = forge.pending[0].progress.clone();
        forge.clear();
        assert!(progress.is_cancelled());
        forge.poll(LongWork::Slices, FrameShare::Pieces(100));
        assert_eq!(forge.forming_in_slices(), 0);
        assert_eq!(forge.progress(spec.id(), 0), None, "nothing of it is left");
    }

    /// A frame's share of long work is shared by every kind: what one has taken this
    /// frame is not left to the next.
    #[test]
    fn the_frames_share_is_what_is_left_of_it() {
        use crate::long_work::WorkMeter;
        let mut meter = WorkMeter::default();
        let budget = std::time::Duration::from_millis(4);
        meter.time(|| std::thread::sleep(std::time::Duration::from_millis(5)));
        assert_eq!(
            meter.left(FrameShare::Time(budget)),
            FrameShare::Time(std::time::Duration::ZERO)
        );
        let mut more = meter.left(FrameShare::Time(budget)).more();
        assert!(!more(), "nothing left for a second kind this frame");
        assert_eq!(meter.left(FrameShare::Pieces(60)), FrameShare::Pieces(60));
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
