//! Rows and items on several threads: how every grid-wide step of the generator
//! (noise, finishing, normals, shading, meshing) shares out its work.

/// Below this many items a job is not worth a thread.
const MIN_PARALLEL_ITEMS: usize = 16_384;

/// Calls `f(row_index, row)` for every `row_len`-long row of `out`, on up to `threads`
/// threads (contiguous bands of rows). One thread in the browser.
pub(super) fn for_rows<T: Send>(
    out: &mut [T],
    row_len: usize,
    threads: usize,
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    // Starting a thread costs tens of microseconds: small jobs run on this one.
    let threads = if out.len() < MIN_PARALLEL_ITEMS {
        1
    } else {
        threads
    };
    in_bands(out, row_len, threads, f);
}

/// Calls `f(i, &mut [item])` for every item of `out`, on up to `threads` threads: for
/// few, heavy items (terrain chunks).
pub(super) fn for_each_heavy<T: Send>(
    out: &mut [T],
    threads: usize,
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    in_bands(out, 1, threads, f);
}

/// [`for_rows`] however small the job: for few rows that are each expensive.
pub(super) fn in_bands<T: Send>(
    out: &mut [T],
    row_len: usize,
    threads: usize,
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    let rows = out.len() / row_len.max(1);
    let threads = if cfg!(target_arch = "wasm32") {
        1
    } else {
        threads.clamp(1, rows.max(1))
    };
    if threads == 1 {
        for (z, row) in out.chunks_mut(row_len).enumerate() {
            f(z, row);
        }
        return;
    }
    let band = rows.div_ceil(threads);
    std::thread::scope(|scope| {
        for (b, chunk) in out.chunks_mut(band * row_len).enumerate() {
            let f = &f;
            scope.spawn(move || {
                for (r, row) in chunk.chunks_mut(row_len).enumerate() {
                    f(b * band + r, row);
                }
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_in_parallel_visit_every_row_once() {
        let (rows, len) = (301, 100);
        let mut out = vec![0usize; rows * len];
        for_rows(&mut out, len, 3, |z, row| {
            row.iter_mut().for_each(|v| *v += z + 1)
        });
        for z in 0..rows {
            assert!(out[z * len..(z + 1) * len].iter().all(|&v| v == z + 1));
        }
        let mut heavy = vec![0usize; 7];
        for_each_heavy(&mut heavy, 3, |i, item| item[0] += i + 1);
        assert_eq!(heavy, [1, 2, 3, 4, 5, 6, 7]);
    }
}
