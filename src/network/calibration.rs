//! Calibrating the dive link: the phase error between Juno's headset and the dreamer's
//! drifts, and she holds it inside the band by pushing against the drift until the link
//! has been steady long enough. How well she did sets the link's starting stability.

use super::hash01;

/// The band the phase error must stay inside, either side of zero (full scale 1).
pub const BAND: f32 = 0.18;
/// Seconds inside the band that calibrate the link.
pub const STEADY_SECONDS: f32 = 3.0;
/// How hard Juno's push acts, per second².
const PUSH: f32 = 5.0;
/// Damping of the needle, per second.
const DAMPING: f32 = 1.6;
/// How hard the drift pulls, per second².
const DRIFT: f32 = 2.6;

/// One calibration of the link.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    seed: u64,
    /// The phase error, -1..1.
    pub error: f32,
    velocity: f32,
    /// Seconds the error has been inside the band (outside, it drains at half speed).
    pub steady: f32,
    /// Seconds since the start.
    pub elapsed: f32,
    /// Seconds spent outside the band.
    pub outside: f32,
    /// Half-width of the band; narrower while the network is overloaded past its clock.
    pub band: f32,
}

impl Calibration {
    pub fn new(seed: u64, band: f32) -> Self {
        Self {
            seed,
            error: 0.35,
            velocity: 0.0,
            steady: 0.0,
            elapsed: 0.0,
            outside: 0.0,
            band: band.clamp(0.05, 0.5),
        }
    }

    /// The drift's pull at time `t`: smooth noise, changing direction every second or so.
    fn drift(&self, t: f32) -> f32 {
        let k = t.floor() as u64;
        let f = t - t.floor();
        let a = hash01(self.seed, 71, k) * 2.0 - 1.0;
        let b = hash01(self.seed, 71, k + 1) * 2.0 - 1.0;
        let smooth = f * f * (3.0 - 2.0 * f);
        DRIFT * (a + (b - a) * smooth) + 0.8 * self.error.signum()
    }

    /// Advances `dt` seconds with Juno pushing `push` (-1..1: left..right).
    pub fn step(&mut self, dt: f32, push: f32) {
        if self.done() || !dt.is_finite() || dt <= 0.0 {
            return;
        }
        let push = if push.is_finite() {
            push.clamp(-1.0, 1.0)
        } else {
            0.0
        };
        let accel = self.drift(self.elapsed) + PUSH * push - DAMPING * self.velocity;
        self.velocity += accel * dt;
        self.error = (self.error + self.velocity * dt).clamp(-1.0, 1.0);
        if self.error.abs() >= 1.0 {
            self.velocity = 0.0;
        }
        if self.inside() {
            self.steady += dt;
        } else {
            self.steady = (self.steady - 0.5 * dt).max(0.0);
            self.outside += dt;
        }
        self.elapsed += dt;
    }

    /// How fast the error is moving, per second.
    pub fn velocity(&self) -> f32 {
        self.velocity
    }

    pub fn inside(&self) -> bool {
        self.error.abs() < self.band
    }

    pub fn done(&self) -> bool {
        self.steady >= STEADY_SECONDS
    }

    /// Progress towards a steady link, 0..1.
    pub fn progress(&self) -> f32 {
        (self.steady / STEADY_SECONDS).clamp(0.0, 1.0)
    }

    /// The link's stability at the start of the dive: 1 for a calibration that never
    /// left the band, down to 0.6 for a struggle.
    pub fn quality(&self) -> f32 {
        (1.0 - self.outside / 20.0).clamp(0.6, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pushes against the error and the needle's speed, as a steady hand does.
    fn steady_hand(c: &Calibration) -> f32 {
        (-2.5 * c.error - 0.8 * c.velocity).clamp(-1.0, 1.0)
    }

    #[test]
    fn a_steady_hand_calibrates_and_doing_nothing_does_not() {
        let mut total = 0.0;
        for seed in 0..20 {
            let mut idle = Calibration::new(seed, BAND);
            let mut held = Calibration::new(seed, BAND);
            for _ in 0..(60 * 20) {
                idle.step(1.0 / 60.0, 0.0);
                let push = steady_hand(&held);
                held.step(1.0 / 60.0, push);
            }
            assert!(!idle.done(), "seed {seed}: the link calibrated itself");
            assert!(held.done(), "seed {seed}: a steady hand failed ({held:?})");
            assert!(held.elapsed < 12.0, "seed {seed}: took {} s", held.elapsed);
            assert!(held.quality() > 0.8, "seed {seed}: {}", held.quality());
            total += held.elapsed;
        }
        println!(
            "a steady hand calibrates in {:.1} s on average",
            total / 20.0
        );
        assert!(total / 20.0 < 7.0);
    }

    #[test]
    fn a_steady_hand_still_calibrates_once_the_loops_set() {
        // The band narrows by 30% when the pressure clock runs out.
        let mut total = 0.0;
        for seed in 0..20 {
            let mut held = Calibration::new(seed, BAND * 0.7);
            for _ in 0..(60 * 30) {
                let push = steady_hand(&held);
                held.step(1.0 / 60.0, push);
            }
            assert!(held.done(), "seed {seed}: a steady hand failed ({held:?})");
            total += held.elapsed;
        }
        println!("with the narrow band: {:.1} s on average", total / 20.0);
    }

    #[test]
    fn nonsense_input_is_ignored() {
        let mut c = Calibration::new(1, BAND);
        c.step(f32::NAN, 1.0);
        c.step(0.1, f32::INFINITY);
        assert!(c.error.is_finite() && c.elapsed <= 0.1 + 1e-6);
    }
}
