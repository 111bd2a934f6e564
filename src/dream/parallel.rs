//! Rows and items on several threads: how every grid-wide step of the generator
//! (noise, finishing, normals, shading, meshing) shares out its work.

use super::options::GenOptions;

/// Below this many items a job is not worth a thread.
const MIN_PARALLEL_ITEMS: usize = 16_384;

/// Bands of rows dealt out per thread (see [`in_bands`]).
const BANDS_PER_THREAD: usize = 8;

/// Calls `f(row_index, row)` for every `row_len`-long row of `out`, on up to `threads`
/// threads (contiguous bands of rows). On one thread (always in the browser) it takes a
/// breath after each row, so a generation made in slices can pause between rows.
pub(super) async fn for_rows<T: Send>(
    out: &mut [T],
    row_len: usize,
    options: &GenOptions,
    f: impl Fn(usize, &mut [T]) + Sync + Send,
) {
    // Starting a thread costs tens of microseconds: small jobs run on this one.
    let threads = if out.len() < MIN_PARALLEL_ITEMS {
        1
    } else {
        options.threads
    };
    in_bands(out, row_len, &options.with_threads(threads), f).await;
}

/// Calls `f(i, &mut [item])` for every item of `out`, on up to `options.threads`
/// threads: for few, heavy items (terrain chunks).
pub(super) async fn for_each_heavy<T: Send>(
    out: &mut [T],
    options: &GenOptions,
    f: impl Fn(usize, &mut [T]) + Sync + Send,
) {
    in_bands(out, 1, options, f).await;
}

/// [`for_rows`] however small the job: for few rows that are each expensive.
///
/// The rows are dealt out in bands, several per thread, each thread taking the next band
/// as it finishes one: a grid's rows do not cost alike (where the noise is evaluated
/// exactly, where a pixel lattice repeats), and halves fixed in advance left one thread
/// idle while the other finished the costlier half. The calling thread works too.
pub(super) async fn in_bands<T: Send>(
    out: &mut [T],
    row_len: usize,
    options: &GenOptions,
    f: impl Fn(usize, &mut [T]) + Sync + Send,
) {
    let rows = out.len() / row_len.max(1);
    let threads = if cfg!(target_arch = "wasm32") {
        1
    } else {
        options.threads.clamp(1, rows.max(1))
    };
    if threads == 1 {
        for (z, row) in out.chunks_mut(row_len).enumerate() {
            f(z, row);
            options.breath().await;
        }
        return;
    }
    let band = rows.div_ceil(threads * BANDS_PER_THREAD);
    let bands = std::sync::Mutex::new(out.chunks_mut(band * row_len).enumerate());
    let work = || {
        loop {
            // The lock is held only to take the next band (and nothing panics holding it;
            // if a band's work panics, the scope passes the panic on).
            let next = bands
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .next();
            let Some((b, chunk)) = next else {
                return;
            };
            for (r, row) in chunk.chunks_mut(row_len).enumerate() {
                f(b * band + r, row);
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(work);
        }
        work();
    });
    options.breath().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::dream::pace::run_to_end;

    #[test]
    fn rows_in_parallel_visit_every_row_once() {
        let (rows, len) = (301, 100);
        let mut out = vec![0usize; rows * len];
        let three = GenOptions::single_threaded().with_threads(3);
        run_to_end(for_rows(&mut out, len, &three, |z, row| {
            row.iter_mut().for_each(|v| *v += z + 1)
        }));
        for z in 0..rows {
            assert!(out[z * len..(z + 1) * len].iter().all(|&v| v == z + 1));
        }
        let mut heavy = vec![0usize; 7];
        run_to_end(for_each_heavy(&mut heavy, &three, |i, item| {
            item[0] += i + 1
        }));
        assert_eq!(heavy, [1, 2, 3, 4, 5, 6, 7]);
    }
}
