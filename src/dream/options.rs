//! How a generation runs (threads, reference noise, progress), as opposed to what it
//! makes: no option here changes a dream beyond the accuracy the tests check.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use super::pace::{Breath, Pace, breath};

/// How the generator runs. The result does not depend on `threads`; it depends on
/// `reference` only within the accuracy the tests check (0.5% of the height range).
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// Threads to evaluate rows on (always one in the browser).
    pub threads: usize,
    /// Evaluate the noise the naive way (the `noise` crate's fractals at every sample):
    /// the yardstick for the fast pipeline.
    pub reference: bool,
    /// Where to report how far along the generation is.
    pub progress: Option<Arc<Progress>>,
    /// When to pause, for a generation made a slice at a time (see [`Pace`]); with
    /// none it never pauses.
    pub pace: Option<Arc<Pace>>,
}

impl Default for GenOptions {
    fn default() -> Self {
        Self {
            threads: default_threads(),
            reference: false,
            progress: None,
            pace: None,
        }
    }
}

impl GenOptions {
    /// On one thread, with the fast pipeline.
    pub fn single_threaded() -> Self {
        Self {
            threads: 1,
            ..Self::default()
        }
    }

    /// The same options on `threads` threads.
    pub(super) fn with_threads(&self, threads: usize) -> Self {
        Self {
            threads,
            ..self.clone()
        }
    }

    /// The same options with no pace: for a generation run to its end at once.
    pub fn without_pace(&self) -> Self {
        Self {
            pace: None,
            ..self.clone()
        }
    }

    /// A point where a generation made in slices may pause (see [`Pace`]).
    pub(super) fn breath(&self) -> Breath<'_> {
        breath(self.pace.as_deref())
    }

    /// Tells whoever watches how far along the generation is, if anyone does.
    pub(super) fn report(&self, fraction: f32) {
        if let Some(progress) = &self.progress {
            progress.set(fraction);
        }
    }

    /// Whether whoever watches no longer wants the dream.
    pub(super) fn is_cancelled(&self) -> bool {
        self.progress.as_ref().is_some_and(|p| p.is_cancelled())
    }
}

/// The machine's hardware threads (1 where that is unknown, and in the browser).
pub fn default_threads() -> usize {
    if cfg!(target_arch = "wasm32") {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// How far a generation has got, 0 to 1, and whether it is still wanted; shared
/// between the generating thread and whoever asked for the dream.
#[derive(Debug, Default)]
pub struct Progress {
    permille: AtomicU32,
    cancelled: AtomicBool,
}

impl Progress {
    /// Records `fraction` (clamped to 0..1) in thousandths; never moves backwards, so
    /// threads reporting out of order cannot make the bar jump back.
    pub fn set(&self, fraction: f32) {
        let permille = (fraction.clamp(0.0, 1.0) * 1000.0) as u32;
        self.permille.fetch_max(permille, Ordering::Relaxed);
    }

    /// The furthest fraction reported so far.
    pub fn get(&self) -> f32 {
        self.permille.load(Ordering::Relaxed) as f32 / 1000.0
    }

    /// Asks the generation to stop: it gives up at its next stage (a stage takes at most
    /// a few hundred milliseconds on the largest dream).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// What a failure of the generator says when its panic said nothing (the forge and
/// `validate` catch the generator's panics and report them).
pub const SILENT_FAILURE: &str = "the generator stopped without saying why";
