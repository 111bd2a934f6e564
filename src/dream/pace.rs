//! A generation made a slice at a time. The generator's stages are `async`, and they
//! take a *breath* between pieces of work: after each row of a grid-wide pass, before
//! each flood fill, between the placements and after each terrain chunk. Where [`Pace`]
//! allows no more this slice, the generation returns `Pending` and is taken up again
//! exactly there on its next poll (the next frame). Nothing else differs, so a dream
//! made in slices is the same dream, bit for bit.
//!
//! The browser needs this: its task pools run on the page's one thread, and a task runs
//! to its end through the microtask queue, so a dream made as a task stalls a frame.
//! Polled from a system with a frame's budget, it never does. With no pace set (a
//! generation on its own thread, or a test) a breath never pauses.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

/// Asked at each breath whether the generation may go on in this slice.
pub type More = Box<dyn FnMut() -> bool + Send>;

/// How much of the current slice is left, shared between a generation and whoever polls
/// it: set before each poll with [`Pace::slice`].
#[derive(Default)]
pub struct Pace {
    more: Mutex<Option<More>>,
}

impl std::fmt::Debug for Pace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pace")
    }
}

impl Pace {
    /// Begins a slice that goes on while `more()` says so, asked before each piece:
    /// before the first (this call: poll the generation only if it says yes) and at
    /// each breath after. So `more()` answering yes `n` times gives `n` pieces.
    pub fn slice(&self, more: impl FnMut() -> bool + Send + 'static) -> bool {
        let mut more: More = Box::new(more);
        let first = more();
        *self.lock() = Some(more);
        first
    }

    /// Whether the generation may go on: with no slice set, always.
    fn allows_more(&self) -> bool {
        self.lock().as_mut().is_none_or(|more| more())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<More>> {
        // A panic while the lock is held leaves only a closure behind: still usable.
        self.more
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A point where a generation may pause: ready at once while `pace` allows more (or
/// there is no pace), else pending until the next poll, which begins the next slice
/// (its first piece already asked for by [`Pace::slice`]).
pub(super) fn breath(pace: Option<&Pace>) -> Breath<'_> {
    Breath {
        pace,
        paused: false,
    }
}

/// See [`breath`].
pub(super) struct Breath<'p> {
    pace: Option<&'p Pace>,
    paused: bool,
}

impl Future for Breath<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.paused || self.pace.is_none_or(Pace::allows_more) {
            Poll::Ready(())
        } else {
            self.paused = true;
            // Whoever polls a generation in slices polls it every frame: it needs no
            // waking, but an executor that does (a task pool) is woken all the same.
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Runs a generation to its end on this thread. It must have no pace (the sync entry
/// points take it away): a spent slice would be polled again and again.
pub fn run_to_end<F: Future>(work: F) -> F::Output {
    let mut work = std::pin::pin!(work);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(done) = work.as_mut().poll(&mut cx) {
            return done;
        }
    }
}

/// Polls a generation once, for one slice: its result if it finished.
pub fn poll_once<F: Future + ?Sized>(work: Pin<&mut F>) -> Option<F::Output> {
    match work.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(done) => Some(done),
        Poll::Pending => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_breath_pauses_only_when_the_slice_is_spent() {
        let pace = Pace::default();
        assert!(
            poll_once(std::pin::pin!(breath(Some(&pace)))).is_some(),
            "no slice set: no pause"
        );
        assert!(poll_once(std::pin::pin!(breath(None))).is_some());
        assert!(!pace.slice(|| false), "a slice with no piece is not polled");
        let mut paused = std::pin::pin!(breath(Some(&pace)));
        assert!(poll_once(paused.as_mut()).is_none(), "a spent slice pauses");
        assert!(
            poll_once(paused.as_mut()).is_some(),
            "and goes on when polled again: the poller asked for the piece"
        );
    }

    /// Three breaths between four pieces of work, in slices of `n` pieces: each slice
    /// does exactly `n` (the last what is left).
    #[test]
    fn a_slice_of_n_pieces_does_n() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        for n in 1..=4 {
            let pace = Arc::new(Pace::default());
            let done = Arc::new(AtomicUsize::new(0));
            let work = {
                let (pace, done) = (pace.clone(), done.clone());
                async move {
                    for piece in 0..4 {
                        if piece > 0 {
                            breath(Some(&pace)).await;
                        }
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                }
            };
            let mut work = std::pin::pin!(work);
            let mut slices = Vec::new();
            loop {
                let before = done.load(Ordering::Relaxed);
                let mut asked = 0;
                let first = pace.slice(move || {
                    asked += 1;
                    asked <= n
                });
                assert!(first, "a slice of {n} has a first piece");
                let finished = poll_once(work.as_mut()).is_some();
                slices.push(done.load(Ordering::Relaxed) - before);
                if finished {
                    break;
                }
            }
            let mut expected = vec![n; 4 / n];
            if 4 % n > 0 {
                expected.push(4 % n);
            }
            assert_eq!(slices, expected, "slices of {n}");
        }
    }
}
