//! A map of a dream drawn on the CPU: shaded relief in the dream's own colours, water,
//! the ground Juno cannot reach dimmed, and markers for the spawn, memory anchors, the
//! core, props and hazards. For modders (`sleep-sync preview`), the docs and tests;
//! needs no GPU.

use std::io::{self, BufWriter};
use std::path::Path;

use bevy::color::{LinearRgba, Mix};
use bevy::math::{Vec2, Vec3};

use super::dreamscape::{Dream, GRID_METRES};

/// An 8-bit sRGB image, rows top (north, −z) to bottom.
#[derive(Debug, Clone, PartialEq)]
pub struct RgbImage {
    pub width: usize,
    pub height: usize,
    /// `width × height × 3` bytes.
    pub pixels: Vec<u8>,
}

impl RgbImage {
    fn new(width: usize, height: usize) -> Self {
        Self {
            width,
            height,
            pixels: vec![0; width * height * 3],
        }
    }

    /// The pixel at `(x, y)`.
    pub fn get(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.width + x) * 3;
        [self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]]
    }

    fn put(&mut self, x: i64, y: i64, colour: [u8; 3]) {
        if x >= 0 && y >= 0 && (x as usize) < self.width && (y as usize) < self.height {
            let i = (y as usize * self.width + x as usize) * 3;
            self.pixels[i..i + 3].copy_from_slice(&colour);
        }
    }

    /// Writes the image as a PNG file.
    pub fn write_png(&self, path: &Path) -> io::Result<()> {
        let file = std::fs::File::create(path)?;
        let mut encoder =
            png::Encoder::new(BufWriter::new(file), self.width as u32, self.height as u32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(io::Error::other)?;
        writer
            .write_image_data(&self.pixels)
            .map_err(io::Error::other)?;
        writer.finish().map_err(io::Error::other)
    }
}

/// Light for the relief shading: from the north-west, 45° up.
const LIGHT: Vec3 = Vec3::new(-0.5, std::f32::consts::FRAC_1_SQRT_2, -0.5);

/// Draws the dream as a `side × side` map.
pub fn render(dream: &Dream, side: usize) -> RgbImage {
    let side = side.max(16);
    let hf = &dream.heightfield;
    let extent = hf.extent();
    let (lo, hi) = hf.range();
    let span = (hi - lo).max(1e-3);
    let p = &dream.recipe.palette;
    // Dreams are dark; the map is lifted so their shapes read on a page.
    let exposure = 0.5 / luminance(p.mid).clamp(0.02, 0.5);
    let to_world = |px: usize| (px as f32 + 0.5) / side as f32 * extent - extent * 0.5;
    let mut image = RgbImage::new(side, side);
    let eps = hf.cell() * 0.5;
    let water = LinearRgba::rgb(0.05, 0.2, 0.45).mix(&p.fog, 0.4);
    for y in 0..side {
        for x in 0..side {
            let at = Vec2::new(to_world(x), to_world(y));
            let h = hf.height_at(at);
            let dx = hf.height_at(at + Vec2::X * eps) - hf.height_at(at - Vec2::X * eps);
            let dz = hf.height_at(at + Vec2::Y * eps) - hf.height_at(at - Vec2::Y * eps);
            let normal = Vec3::new(-dx, 2.0 * eps, -dz).normalize();
            let t = (h - lo) / span;
            let mut colour = if t < 0.5 {
                p.low.mix(&p.mid, t * 2.0)
            } else {
                p.mid.mix(&p.high, (t - 0.5) * 2.0)
            } * exposure;
            let shade = 0.3 + 0.9 * normal.dot(LIGHT).max(0.0);
            colour *= shade;
            if dream.recipe.terrain.grid_glow > 0.0 && on_grid_line(at, side, extent) {
                colour = colour.mix(&p.accent, 0.35 * dream.recipe.terrain.grid_glow);
            }
            if let Some(level) = dream.water_level.filter(|&w| h < w) {
                let depth = ((level - h) / span * 4.0).clamp(0.3, 0.85);
                colour = colour.mix(&water, depth);
            }
            if !dream.is_reachable(at) {
                colour *= 0.55;
            }
            image.put(x as i64, y as i64, to_srgb8(colour));
        }
    }
    let to_px = |world: Vec3| {
        (
            ((world.x + extent * 0.5) / extent * side as f32) as i64,
            ((world.z + extent * 0.5) / extent * side as f32) as i64,
        )
    };
    let scale = side as f32 / 512.0;
    let r = |px: f32| (px * scale).max(1.0);
    for prop in &dream.props {
        disc(&mut image, to_px(prop.position), r(2.0), [225, 225, 215]);
    }
    for hazard in &dream.hazards {
        cross(&mut image, to_px(hazard.position), r(6.0), [255, 40, 30]);
    }
    let core = to_px(dream.core.position);
    let core_r = dream.core.radius / extent * side as f32;
    ring(
        &mut image,
        core,
        core_r.max(r(6.0)),
        r(2.0),
        to_srgb8(p.accent),
    );
    ring(
        &mut image,
        core,
        core_r.max(r(6.0)) + r(2.0),
        r(1.0),
        [255, 255, 255],
    );
    for anchor in &dream.anchors {
        disc(&mut image, to_px(*anchor), r(6.0), [10, 10, 10]);
        disc(&mut image, to_px(*anchor), r(4.5), to_srgb8(p.accent));
    }
    let spawn = to_px(dream.spawn);
    disc(&mut image, spawn, r(6.0), [10, 10, 10]);
    disc(&mut image, spawn, r(4.5), [255, 255, 255]);
    image
}

fn on_grid_line(at: Vec2, side: usize, extent: f32) -> bool {
    let pixel = extent / side as f32;
    let near = |v: f32| {
        let f = (v / GRID_METRES).rem_euclid(1.0) * GRID_METRES;
        f < pixel * 0.75
    };
    near(at.x) || near(at.y)
}

fn luminance(c: LinearRgba) -> f32 {
    0.2126 * c.red + 0.7152 * c.green + 0.0722 * c.blue
}

fn to_srgb8(c: LinearRgba) -> [u8; 3] {
    let encode = |v: f32| {
        let v = v.clamp(0.0, 1.0);
        let s = if v <= 0.003_130_8 {
            v * 12.92
        } else {
            1.055 * v.powf(1.0 / 2.4) - 0.055
        };
        (s * 255.0 + 0.5) as u8
    };
    [encode(c.red), encode(c.green), encode(c.blue)]
}

fn disc(image: &mut RgbImage, (cx, cy): (i64, i64), radius: f32, colour: [u8; 3]) {
    let r = radius.ceil() as i64;
    for y in -r..=r {
        for x in -r..=r {
            if ((x * x + y * y) as f32) <= radius * radius {
                image.put(cx + x, cy + y, colour);
            }
        }
    }
}

fn ring(image: &mut RgbImage, (cx, cy): (i64, i64), radius: f32, width: f32, colour: [u8; 3]) {
    let r = (radius + width).ceil() as i64;
    for y in -r..=r {
        for x in -r..=r {
            let d = ((x * x + y * y) as f32).sqrt();
            if (d - radius).abs() <= width * 0.5 + 0.5 {
                image.put(cx + x, cy + y, colour);
            }
        }
    }
}

fn cross(image: &mut RgbImage, (cx, cy): (i64, i64), radius: f32, colour: [u8; 3]) {
    let r = radius as i64;
    for i in -r..=r {
        for w in -1..=1 {
            image.put(cx + i + w, cy + i, colour);
            image.put(cx + i + w, cy - i, colour);
        }
    }
}
