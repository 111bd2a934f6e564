//! The dream's vertex colours: its palette laid over the ground by height.

use bevy::color::LinearRgba;

use super::ground::Ground;
use super::math::smoothstep;
use super::options::GenOptions;
use super::parallel::for_rows;
use super::recipe::DreamRecipe;

/// Vertex colours of every sample, rows in parallel: the palette by height, darker on
/// steep faces and under water.
pub(super) async fn shade(
    ground: &Ground,
    recipe: &DreamRecipe,
    options: &GenOptions,
) -> Vec<[f32; 4]> {
    let hf = &ground.hf;
    let n = hf.samples();
    let (lo, hi) = hf.range();
    let span = (hi - lo).max(1e-3);
    let p = &recipe.palette;
    let mut colors = vec![[0.0; 4]; n * n];
    for_rows(&mut colors, n, options, |z, row| {
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
    })
    .await;
    colors
}

fn lerp_colour(a: LinearRgba, b: LinearRgba, t: f32) -> LinearRgba {
    a * (1.0 - t) + b * t
}
