//! Maths that gives the same bits on every platform, for the simulation.
//!
//! A replay plays out the same on Linux, Windows and in the browser only if every tick
//! computes the same bits there. The standard library's `sin`, `atan2`, `tan` and the
//! rest call the platform's maths library, which rounds differently from one system to
//! the next; glam's rotations call them too (`Quat::from_rotation_y`, `Vec2::from_angle`,
//! `slerp`) and take SIMD paths on x86 that the browser's scalar build does not. So the
//! simulation (the `dream`, `dive`, `juno` and `levels` layers) turns and measures angles
//! only through this module, which uses `libm` (pure Rust, the same on every target) and
//! plain arithmetic (IEEE-exact). `tests/architecture.rs` keeps the platform's maths out
//! of those layers. Presentation (the camera, the figures' poses, the sky) may use
//! anything: nothing it computes flows back into play.

use bevy::math::{Quat, Vec2, Vec3};

/// `(sin a, cos a)`.
pub fn sin_cos(a: f32) -> (f32, f32) {
    libm::sincosf(a)
}

/// The angle of the point `(x, y)` from the positive x axis, `-π..=π`.
pub fn atan2(y: f32, x: f32) -> f32 {
    libm::atan2f(y, x)
}

/// `atan a`.
pub fn atan(a: f32) -> f32 {
    libm::atanf(a)
}

/// `tan a`.
pub fn tan(a: f32) -> f32 {
    libm::tanf(a)
}

/// The unit vector at `angle` radians from the x axis towards y (as glam's
/// `Vec2::from_angle`).
pub fn unit_at(angle: f32) -> Vec2 {
    let (s, c) = sin_cos(angle);
    Vec2::new(c, s)
}

/// A turn of `yaw` radians about the vertical axis (as `Quat::from_rotation_y`).
pub fn yaw_rotation(yaw: f32) -> Quat {
    let (s, c) = sin_cos(yaw * 0.5);
    Quat::from_xyzw(0.0, s, 0.0, c)
}

/// The yaw of a rotation about the vertical axis (the inverse of [`yaw_rotation`]),
/// `-π..=π`; for any other rotation, the yaw of its vertical part.
pub fn yaw_of(rotation: Quat) -> f32 {
    let yaw = 2.0 * atan2(rotation.y, rotation.w);
    wrap_angle(yaw)
}

/// `v` turned by `yaw` radians about the vertical axis (as `Quat::from_rotation_y(yaw)
/// * v`), in plain arithmetic.
pub fn turn_about_y(v: Vec3, yaw: f32) -> Vec3 {
    let (s, c) = sin_cos(yaw);
    Vec3::new(v.x * c + v.z * s, v.y, v.z * c - v.x * s)
}

/// `angle` brought into `-π..=π`.
pub fn wrap_angle(angle: f32) -> f32 {
    use std::f32::consts::{PI, TAU};
    let wrapped = (angle + PI).rem_euclid(TAU) - PI;
    // rem_euclid may round up to TAU itself.
    if wrapped > PI { wrapped - TAU } else { wrapped }
}

/// The yaw `t` of the way from `from` to `to` the short way round (a turn about one
/// axis, as `slerp` between the two yaws' rotations).
pub fn turn_towards(from: f32, to: f32, t: f32) -> f32 {
    wrap_angle(from + wrap_angle(to - from) * t)
}

/// FNV-1a, 64 bits: a hash with the same value on every platform and in every build
/// (std's `Hash` promises neither). Text written into it with `write!` is hashed as it
/// is formatted, so `write!(hash, "{value:?}")` hashes a value's debug form (whose
/// floats are printed exactly, the same everywhere) without keeping the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub fn finish(&self) -> u64 {
        self.0
    }

    /// The hash of `bytes` alone.
    pub fn of(bytes: &[u8]) -> u64 {
        let mut hash = Self::default();
        hash.bytes(bytes);
        hash.finish()
    }
}

impl std::fmt::Write for Fnv {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.bytes(text.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f32::consts::{FRAC_PI_2, PI};

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 1e-5
    }

    #[test]
    fn rotations_agree_with_glam_within_rounding() {
        for i in -40..=40 {
            let yaw = i as f32 * 0.17;
            let ours = yaw_rotation(yaw);
            let glam = Quat::from_rotation_y(yaw);
            assert!(
                ours.dot(glam).abs() > 1.0 - 1e-6,
                "yaw {yaw}: {ours} vs {glam}"
            );
            let v = Vec3::new(0.3, -1.2, 2.5);
            assert!(turn_about_y(v, yaw).distance(glam * v) < 1e-5, "yaw {yaw}");
            assert!(unit_at(yaw).distance(Vec2::from_angle(yaw)) < 1e-6);
            assert!(
                close(wrap_angle(yaw_of(ours) - wrap_angle(yaw)), 0.0),
                "yaw {yaw}"
            );
        }
    }

    #[test]
    fn turning_goes_the_short_way_round() {
        // From just below +π to just above −π is a small step across the seam.
        let from = PI - 0.1;
        let to = -PI + 0.1;
        let half = turn_towards(from, to, 0.5);
        assert!(close(half.abs(), PI), "{half}");
        assert!(close(turn_towards(0.0, FRAC_PI_2, 0.5), FRAC_PI_2 / 2.0));
        assert!(close(turn_towards(0.3, 1.0, 1.0), 1.0));
        assert!(close(turn_towards(0.3, 1.0, 0.0), 0.3));
    }

    #[test]
    fn the_hash_is_fnv_1a_of_what_is_written() {
        use std::fmt::Write;
        let mut hash = Fnv::default();
        assert_eq!(hash.finish(), 0xcbf2_9ce4_8422_2325);
        // FNV-1a 64 of "a", from its published test vectors.
        hash.bytes(b"a");
        assert_eq!(hash.finish(), 0xaf63_dc4c_8601_ec8c);
        let mut written = Fnv::default();
        write!(written, "{:?}", 'a').unwrap();
        let mut quoted = Fnv::default();
        quoted.bytes(b"'a'");
        assert_eq!(written, quoted);
    }

    #[test]
    fn known_values_are_exact_where_they_should_be() {
        assert_eq!(sin_cos(0.0), (0.0, 1.0));
        assert_eq!(atan2(0.0, 1.0), 0.0);
        assert_eq!(yaw_rotation(0.0), Quat::IDENTITY);
        assert_eq!(
            turn_about_y(Vec3::new(1.0, 2.0, 3.0), 0.0),
            Vec3::new(1.0, 2.0, 3.0)
        );
        assert!(wrap_angle(PI) <= PI && wrap_angle(-PI) >= -PI);
        assert!(close(wrap_angle(3.0 * PI), PI) || close(wrap_angle(3.0 * PI), -PI));
    }
}
