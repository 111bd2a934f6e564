//! How alike strangers' dreams are: the variety measures of issue 21, defined in
//! `docs/strangers.md` and held to thresholds by tests/game/strangers.rs.

use std::collections::BTreeSet;

use crate::dream::preview::RgbImage;
use crate::levels::Dialogue;

/// Every line of a talk, as written: each node's line and its variants, what others say
/// after it, and each of Juno's answers.
pub fn talk_text(dialogue: &Dialogue) -> Vec<&str> {
    let mut out = Vec::new();
    for node in &dialogue.nodes {
        out.push(node.text.as_str());
        out.extend(node.variants.iter().map(|v| v.text.as_str()));
        out.extend(node.also.iter().map(|s| s.text.as_str()));
        out.extend(node.choices.iter().map(|c| c.say.as_str()));
    }
    out
}

/// The talk's four-word sequences: lower-cased words (letters, digits and apostrophes)
/// of each line, in windows that do not cross from one line to the next.
pub fn four_grams(lines: &[&str]) -> BTreeSet<[String; 4]> {
    let mut grams = BTreeSet::new();
    for line in lines {
        let words: Vec<String> = line
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
            .filter(|w| !w.is_empty())
            .map(|w| w.to_lowercase().replace('’', "'"))
            .collect();
        for window in words.windows(4) {
            grams.insert([
                window[0].clone(),
                window[1].clone(),
                window[2].clone(),
                window[3].clone(),
            ]);
        }
    }
    grams
}

/// How much of two talks is the same: the four-word sequences they share, as a share
/// of the smaller talk's (0: nothing in common; 1: one talk is inside the other).
pub fn shared_share(a: &BTreeSet<[String; 4]>, b: &BTreeSet<[String; 4]>) -> f32 {
    let smaller = a.len().min(b.len());
    if smaller == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f32 / smaller as f32
}

/// Side of the small picture previews are compared at.
pub const COMPARED_SIDE: usize = 32;

/// A preview box-averaged down to [`COMPARED_SIDE`]² (the broad shapes of a dream, not
/// its dots), as floats per channel.
pub fn shrink(image: &RgbImage) -> Vec<f32> {
    let n = COMPARED_SIDE;
    let mut out = vec![0.0f32; n * n * 3];
    let mut counts = vec![0u32; n * n];
    for y in 0..image.height {
        for x in 0..image.width {
            let (cx, cy) = (x * n / image.width, y * n / image.height);
            let cell = cy * n + cx;
            counts[cell] += 1;
            for (c, v) in image.get(x, y).into_iter().enumerate() {
                out[cell * 3 + c] += f32::from(v);
            }
        }
    }
    for (cell, count) in counts.iter().enumerate() {
        for c in 0..3 {
            out[cell * 3 + c] /= (*count).max(1) as f32;
        }
    }
    out
}

/// The distance between two shrunk previews: the mean absolute difference per channel,
/// 0 to 255.
pub fn image_distance(a: &[f32], b: &[f32]) -> f32 {
    if a.is_empty() || a.len() != b.len() {
        return f32::INFINITY;
    }
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f32>() / a.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_grams_are_counted_within_lines() {
        let a = four_grams(&["The floor is there, Ada.", "Hold on"]);
        assert_eq!(a.len(), 2, "{a:?}");
        let b = four_grams(&["the FLOOR is there"]);
        assert_eq!(shared_share(&a, &b), 1.0);
        let c = four_grams(&["nothing like it at all"]);
        assert_eq!(shared_share(&a, &c), 0.0);
        assert_eq!(shared_share(&a, &BTreeSet::new()), 0.0);
    }

    #[test]
    fn image_distance_is_zero_for_the_same_picture_and_grows() {
        let grey = RgbImage {
            width: 64,
            height: 64,
            pixels: vec![100; 64 * 64 * 3],
        };
        let mut lighter = grey.clone();
        lighter.pixels.iter_mut().for_each(|p| *p = 130);
        let (g, l) = (shrink(&grey), shrink(&lighter));
        assert_eq!(image_distance(&g, &g), 0.0);
        assert!((image_distance(&g, &l) - 30.0).abs() < 1e-3);
    }
}
