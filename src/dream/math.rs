//! Small curves the generator shares. Kept apart so the noise, the heightfield and the
//! placements can use them without importing each other.

/// Hermite smoothstep of `x` between `a` and `b`.
pub fn smoothstep(a: f32, b: f32, x: f32) -> f32 {
    let t = ((x - a) / (b - a)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}
