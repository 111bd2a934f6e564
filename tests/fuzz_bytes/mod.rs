//! Byte-level damage shared by the fuzz tests (`level_fuzz.rs`, `replay_fuzz.rs`): a
//! byte flipped, a run cut or repeated, or one of the test's own pieces spliced in.

use proptest::prelude::*;

#[derive(Debug, Clone)]
pub enum Damage {
    Flip {
        at: f64,
        byte: u8,
    },
    Cut {
        at: f64,
        len: usize,
    },
    Repeat {
        at: f64,
        len: usize,
        times: usize,
    },
    /// The `piece`th of the test's splices.
    Splice {
        at: f64,
        piece: usize,
    },
}

/// Any damage, splicing one of `pieces` pieces.
pub fn damage(pieces: usize) -> impl Strategy<Value = Damage> {
    prop_oneof![
        (0.0..1.0f64, any::<u8>()).prop_map(|(at, byte)| Damage::Flip { at, byte }),
        (0.0..1.0f64, 1..40usize).prop_map(|(at, len)| Damage::Cut { at, len }),
        (0.0..1.0f64, 1..20usize, 2..50usize).prop_map(|(at, len, times)| Damage::Repeat {
            at,
            len,
            times
        }),
        (0.0..1.0f64, 0..pieces).prop_map(|(at, piece)| Damage::Splice { at, piece }),
    ]
}

/// Does `m` to `bytes`, splicing from `splices`.
pub fn apply(bytes: &mut Vec<u8>, m: &Damage, splices: &[&str]) {
    let spot = |at: f64, len: usize| ((at * len as f64) as usize).min(len);
    match *m {
        Damage::Flip { at, byte } => {
            if !bytes.is_empty() {
                let i = spot(at, bytes.len() - 1);
                bytes[i] = byte;
            }
        }
        Damage::Cut { at, len } => {
            let i = spot(at, bytes.len());
            let end = (i + len).min(bytes.len());
            bytes.drain(i..end);
        }
        Damage::Repeat { at, len, times } => {
            let i = spot(at, bytes.len());
            let end = (i + len).min(bytes.len());
            let piece = bytes[i..end].to_vec();
            for _ in 1..times {
                bytes.splice(end..end, piece.iter().copied());
            }
        }
        Damage::Splice { at, piece } => {
            let i = spot(at, bytes.len());
            bytes.splice(i..i, splices[piece].bytes());
        }
    }
}
