//! How a colour looks to a player with a colour vision deficiency, and how far apart two
//! colours look: what the colour-blind safe palette is checked with, on the rendered
//! pictures (`tests/colour_blind.rs`) and on the interface's colours.
//!
//! The three dichromacies are simulated with Machado, Oliveira and Fernandes (2009), "A
//! physiologically-based model for simulation of color vision deficiency", at severity
//! 1, applied to linear RGB. Differences are CIEDE2000 (Sharma, Wu and Dalal 2005) in
//! CIELAB under D65: about 1 is just noticeable side by side, 5 is plain at a glance,
//! 20 or more reads as another colour.

/// A kind of colour blindness: one of the three cone types missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deficiency {
    /// No long-wavelength cones: reds dark, red and green confused.
    Protanopia,
    /// No medium-wavelength cones: red and green confused (the commonest).
    Deuteranopia,
    /// No short-wavelength cones: blue and yellow confused.
    Tritanopia,
}

impl Deficiency {
    pub const ALL: [Deficiency; 3] = [
        Deficiency::Protanopia,
        Deficiency::Deuteranopia,
        Deficiency::Tritanopia,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Deficiency::Protanopia => "protanopia",
            Deficiency::Deuteranopia => "deuteranopia",
            Deficiency::Tritanopia => "tritanopia",
        }
    }

    /// Machado et al.'s matrix for this deficiency at severity 1, on linear RGB.
    fn matrix(self) -> [[f64; 3]; 3] {
        match self {
            Deficiency::Protanopia => [
                [0.152286, 1.052583, -0.204868],
                [0.114503, 0.786281, 0.099216],
                [-0.003882, -0.048116, 1.051998],
            ],
            Deficiency::Deuteranopia => [
                [0.367322, 0.860646, -0.227968],
                [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881],
            ],
            Deficiency::Tritanopia => [
                [1.255528, -0.076749, -0.178779],
                [-0.078411, 0.930809, 0.147602],
                [0.004733, 0.691367, 0.303900],
            ],
        }
    }

    /// How an sRGB colour looks with this deficiency, as sRGB.
    pub fn simulate(self, [r, g, b]: [u8; 3]) -> [u8; 3] {
        let linear = [r, g, b].map(to_linear);
        let m = self.matrix();
        let seen = m.map(|row| {
            (row[0] * linear[0] + row[1] * linear[1] + row[2] * linear[2]).clamp(0.0, 1.0)
        });
        seen.map(to_srgb)
    }
}

/// An sRGB channel (0–255) as linear light (0–1).
fn to_linear(c: u8) -> f64 {
    let c = f64::from(c) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// Linear light (0–1) as an sRGB channel.
fn to_srgb(c: f64) -> u8 {
    let c = if c <= 0.003_130_8 {
        c * 12.92
    } else {
        1.055 * c.powf(1.0 / 2.4) - 0.055
    };
    (c * 255.0).round().clamp(0.0, 255.0) as u8
}

/// CIELAB (D65) of an sRGB colour: lightness 0–100, then a and b.
pub fn lab([r, g, b]: [u8; 3]) -> [f64; 3] {
    let [r, g, b] = [r, g, b].map(to_linear);
    let x = 0.412_456_4 * r + 0.357_576_1 * g + 0.180_437_5 * b;
    let y = 0.212_672_9 * r + 0.715_152_2 * g + 0.072_175_0 * b;
    let z = 0.019_333_9 * r + 0.119_192_0 * g + 0.950_304_1 * b;
    let f = |t: f64| {
        let d: f64 = 6.0 / 29.0;
        if t > d.powi(3) {
            t.cbrt()
        } else {
            t / (3.0 * d * d) + 4.0 / 29.0
        }
    };
    let (fx, fy, fz) = (f(x / 0.950_47), f(y), f(z / 1.088_83));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// CIEDE2000 colour difference between two CIELAB colours.
pub fn delta_e_2000(first: [f64; 3], second: [f64; 3]) -> f64 {
    use std::f64::consts::PI;
    let [l1, a1, b1] = first;
    let [l2, a2, b2] = second;
    let seventh = |c: f64| {
        let c7 = c.powi(7);
        (c7 / (c7 + 25f64.powi(7))).sqrt()
    };
    let c_mean = ((a1.hypot(b1)) + (a2.hypot(b2))) / 2.0;
    let g = 0.5 * (1.0 - seventh(c_mean));
    let (a1, a2) = (a1 * (1.0 + g), a2 * (1.0 + g));
    let (c1, c2) = (a1.hypot(b1), a2.hypot(b2));
    let hue = |b: f64, a: f64| {
        if a == 0.0 && b == 0.0 {
            0.0
        } else {
            b.atan2(a).to_degrees().rem_euclid(360.0)
        }
    };
    let (h1, h2) = (hue(b1, a1), hue(b2, a2));
    let dl = l2 - l1;
    let dc = c2 - c1;
    let dh = if c1 * c2 == 0.0 {
        0.0
    } else {
        let d = h2 - h1;
        if d > 180.0 {
            d - 360.0
        } else if d < -180.0 {
            d + 360.0
        } else {
            d
        }
    };
    let dh_big = 2.0 * (c1 * c2).sqrt() * (dh.to_radians() / 2.0).sin();
    let l_mean = (l1 + l2) / 2.0;
    let c_mean = (c1 + c2) / 2.0;
    let h_mean = if c1 * c2 == 0.0 {
        h1 + h2
    } else if (h1 - h2).abs() <= 180.0 {
        (h1 + h2) / 2.0
    } else if h1 + h2 < 360.0 {
        (h1 + h2 + 360.0) / 2.0
    } else {
        (h1 + h2 - 360.0) / 2.0
    };
    let deg = |d: f64| d * PI / 180.0;
    let t = 1.0 - 0.17 * deg(h_mean - 30.0).cos()
        + 0.24 * deg(2.0 * h_mean).cos()
        + 0.32 * deg(3.0 * h_mean + 6.0).cos()
        - 0.20 * deg(4.0 * h_mean - 63.0).cos();
    let d_theta = 30.0 * (-((h_mean - 275.0) / 25.0).powi(2)).exp();
    let r_c = 2.0 * seventh(c_mean);
    let s_l = 1.0 + 0.015 * (l_mean - 50.0).powi(2) / (20.0 + (l_mean - 50.0).powi(2)).sqrt();
    let s_c = 1.0 + 0.045 * c_mean;
    let s_h = 1.0 + 0.015 * c_mean * t;
    let r_t = -(deg(2.0 * d_theta)).sin() * r_c;
    let (l, c, h) = (dl / s_l, dc / s_c, dh_big / s_h);
    (l * l + c * c + h * h + r_t * c * h).sqrt()
}

/// How far apart two sRGB colours look with `deficiency` (None: normal vision).
pub fn difference(a: [u8; 3], b: [u8; 3], deficiency: Option<Deficiency>) -> f64 {
    let seen = |c| deficiency.map_or(c, |d| d.simulate(c));
    delta_e_2000(lab(seen(a)), lab(seen(b)))
}

/// A difference of CIEDE2000 this size is seen at a glance (several times a
/// just-noticeable one).
pub const SEEN: f64 = 5.0;

/// How a hazard stands out from what is behind it in a rendered picture: the pixels
/// where normal vision sees it (at least [`SEEN`] from the same pixel of the picture
/// without it), and how far apart those look with each deficiency.
#[derive(Debug, Clone, PartialEq)]
pub struct Contrast {
    /// Pixels where the hazard is seen.
    pub pixels: usize,
    /// Their mean difference with normal vision.
    pub normal: f64,
    /// With each of [`Deficiency::ALL`]: the mean difference over the same pixels, and
    /// the share of them that fall below [`SEEN`] (the hazard lost into its ground).
    pub deficient: [(f64, f64); 3],
}

impl Contrast {
    /// Measures `shown` (the picture with the hazard) against `bare` (the same instant
    /// without it), pixel by pixel, both as sRGB.
    pub fn measure(shown: &[[u8; 3]], bare: &[[u8; 3]]) -> Contrast {
        assert_eq!(shown.len(), bare.len(), "pictures of one size");
        let seen: Vec<([u8; 3], [u8; 3])> = shown
            .iter()
            .zip(bare)
            .filter(|(a, b)| (0..3).map(|i| a[i].abs_diff(b[i]) as u32).sum::<u32>() > 6)
            .filter(|(a, b)| difference(**a, **b, None) >= SEEN)
            .map(|(a, b)| (*a, *b))
            .collect();
        let n = seen.len().max(1) as f64;
        let normal = seen
            .iter()
            .map(|(a, b)| difference(*a, *b, None))
            .sum::<f64>()
            / n;
        let deficient = Deficiency::ALL.map(|d| {
            let (mut sum, mut lost) = (0.0, 0usize);
            for (a, b) in &seen {
                let e = difference(*a, *b, Some(d));
                sum += e;
                if e < SEEN {
                    lost += 1;
                }
            }
            (sum / n, lost as f64 / n)
        });
        Contrast {
            pixels: seen.len(),
            normal,
            deficient,
        }
    }

    /// The lowest mean difference over the three deficiencies.
    pub fn worst(&self) -> f64 {
        self.deficient
            .iter()
            .map(|d| d.0)
            .fold(f64::INFINITY, f64::min)
    }

    /// The largest share of the hazard lost into its ground with any deficiency.
    pub fn most_lost(&self) -> f64 {
        self.deficient.iter().map(|d| d.1).fold(0.0, f64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs from Sharma, Wu and Dalal's CIEDE2000 test data, with their published
    /// differences.
    #[test]
    fn ciede2000_matches_the_published_test_data() {
        let pairs = [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
            ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
            (
                [60.2574, -34.0099, 36.2677],
                [60.4626, -34.1751, 39.4387],
                1.2644,
            ),
            (
                [22.7233, 20.0904, -46.6940],
                [23.0331, 14.9730, -42.5619],
                2.0373,
            ),
            (
                [2.0776, 0.0795, -1.1350],
                [0.9033, -0.0636, -0.5514],
                0.9082,
            ),
        ];
        for (a, b, expected) in pairs {
            let found = delta_e_2000(a, b);
            assert!(
                (found - expected).abs() < 1e-3,
                "{a:?} {b:?}: {found} against {expected}"
            );
            let back = delta_e_2000(b, a);
            assert!((back - found).abs() < 1e-9, "not symmetric");
        }
    }

    #[test]
    fn lab_of_white_black_and_red() {
        let white = lab([255, 255, 255]);
        assert!((white[0] - 100.0).abs() < 0.01 && white[1].abs() < 0.01 && white[2].abs() < 0.01);
        assert!(lab([0, 0, 0])[0].abs() < 1e-9);
        let red = lab([255, 0, 0]);
        assert!((red[0] - 53.24).abs() < 0.05 && (red[1] - 80.09).abs() < 0.1);
    }

    /// A red patch on a green ground stands out to normal vision and is lost with
    /// deuteranopia; a light patch on a dark ground stands out to everyone.
    #[test]
    fn contrast_measures_what_is_lost() {
        let ground = vec![[110u8, 120, 50]; 400];
        let mut red = ground.clone();
        let mut light = ground.clone();
        for i in 0..100 {
            red[i] = [190, 95, 60];
            light[i] = [240, 235, 250];
        }
        let on_green = Contrast::measure(&red, &ground);
        assert_eq!(on_green.pixels, 100);
        assert!(on_green.normal > 20.0, "{on_green:?}");
        let deutan = on_green.deficient[1];
        assert!(deutan.0 < 8.0, "{on_green:?}");
        let lit = Contrast::measure(&light, &ground);
        assert!(lit.worst() > 30.0 && lit.most_lost() == 0.0, "{lit:?}");
        // Nothing differs: nothing measured.
        assert_eq!(Contrast::measure(&ground, &ground).pixels, 0);
    }

    /// The simulations keep greys grey and confuse what each deficiency is known to.
    #[test]
    fn simulations_confuse_what_they_should() {
        for d in Deficiency::ALL {
            for grey in [0u8, 60, 128, 200, 255] {
                let seen = d.simulate([grey; 3]);
                assert!(
                    seen.iter().all(|c| c.abs_diff(grey) <= 2),
                    "{}: grey {grey} seen as {seen:?}",
                    d.name()
                );
            }
        }
        // The classic confusion: a red and a green of like lightness.
        let (red, green) = ([200, 90, 60], [120, 130, 50]);
        let normal = difference(red, green, None);
        let deutan = difference(red, green, Some(Deficiency::Deuteranopia));
        assert!(normal > 25.0 && deutan < normal / 2.5, "{normal} {deutan}");
        // Tritanopia keeps red from green but loses blue from green-grey.
        let tritan = difference(red, green, Some(Deficiency::Tritanopia));
        assert!(tritan > 20.0, "{tritan}");
        let (blue, teal) = ([70, 110, 200], [60, 140, 150]);
        assert!(
            difference(blue, teal, Some(Deficiency::Tritanopia))
                < difference(blue, teal, None) / 2.0
        );
    }
}
