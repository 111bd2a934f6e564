//! Textures made in code for surfaces: the terrain's glowing grid, water's ripples and
//! the soft puff the sleepless fog is drawn with. Each carries its whole mip chain (computed here, so far-away detail blurs instead of shimmering). Water
//! moves by scrolling its ripples across the surface: no custom shader, so the WebGL2
//! browser build draws it as the desktop does.

use std::f32::consts::TAU;

use bevy::asset::RenderAssetUsages;
use bevy::image::{ImageAddressMode, ImageFilterMode, ImageSampler, ImageSamplerDescriptor};
use bevy::math::Affine2;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

/// The textures the dream's surfaces share, made once at start-up.
#[derive(Resource)]
pub struct SurfaceTextures {
    /// The glowing grid drawn on the ground of dreams with `grid_glow`.
    pub grid: Handle<Image>,
    /// Water's ripples, a normal map.
    pub ripples: Handle<Image>,
    /// The soft puff fog is made of.
    pub puff: Handle<Image>,
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, make_textures);
}

pub(super) fn make_textures(mut commands: Commands, mut images: ResMut<Assets<Image>>) {
    commands.insert_resource(SurfaceTextures {
        grid: images.add(grid_image(128)),
        ripples: images.add(ripple_image(128)),
        puff: images.add(puff_image(64)),
    });
}

/// Water as the dreams and the rising pools share it: glossy, translucent, rippling (its
/// colour comes from each dream's palette).
pub fn water_material(textures: &SurfaceTextures) -> StandardMaterial {
    StandardMaterial {
        alpha_mode: AlphaMode::Blend,
        perceptual_roughness: 0.06,
        reflectance: 0.7,
        normal_map_texture: Some(textures.ripples.clone()),
        ..default()
    }
}

/// Gives `mesh` the tangents a normal map needs, if it has none yet.
pub fn with_tangents(meshes: &mut Assets<Mesh>, mesh: &Handle<Mesh>) {
    let Some(mut mesh) = meshes.get_mut(mesh) else {
        return;
    };
    if mesh.attribute(Mesh::ATTRIBUTE_TANGENT).is_none()
        && let Err(e) = mesh.generate_tangents()
    {
        warn!("water without ripples: {e}");
    }
}

/// Metres one tile of ripples covers on a water surface.
pub const RIPPLE_TILE: f32 = 16.0;

/// A `size`×`size` texture (a power of two) of `texel(u, v)` for u, v in 0..1, with its
/// mip chain, repeating in both directions. `format` says whether the four channels are
/// colours (sRGB) or data such as normals (linear).
pub fn tiled_image(
    size: u32,
    format: TextureFormat,
    texel: impl Fn(f32, f32) -> [f32; 4],
) -> Image {
    let mut level: Vec<[f32; 4]> = (0..size * size)
        .map(|i| {
            let (x, y) = (i % size, i / size);
            texel(
                (x as f32 + 0.5) / size as f32,
                (y as f32 + 0.5) / size as f32,
            )
        })
        .collect();
    let mut side = size;
    let mut data = Vec::new();
    let mut levels = 0;
    loop {
        data.extend(
            level
                .iter()
                .flat_map(|texel| texel.map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8)),
        );
        levels += 1;
        if side == 1 {
            break;
        }
        let half = side / 2;
        level = (0..half * half)
            .map(|i| {
                let (x, y) = ((i % half) * 2, (i / half) * 2);
                let at = |x: u32, y: u32| level[(y * side + x) as usize];
                let quad = [at(x, y), at(x + 1, y), at(x, y + 1), at(x + 1, y + 1)];
                std::array::from_fn(|c| quad.iter().map(|t| t[c]).sum::<f32>() * 0.25)
            })
            .collect();
        side = half;
    }
    let extent = Extent3d {
        width: size,
        height: size,
        depth_or_array_layers: 1,
    };
    let first_level = data[..(size * size * 4) as usize].to_vec();
    let mut image = Image::new(
        extent,
        TextureDimension::D2,
        first_level,
        format,
        RenderAssetUsages::RENDER_WORLD,
    );
    image.data = Some(data);
    image.texture_descriptor.mip_level_count = levels;
    image.sampler = ImageSampler::Descriptor(ImageSamplerDescriptor {
        address_mode_u: ImageAddressMode::Repeat,
        address_mode_v: ImageAddressMode::Repeat,
        mag_filter: ImageFilterMode::Linear,
        min_filter: ImageFilterMode::Linear,
        mipmap_filter: ImageFilterMode::Linear,
        ..default()
    });
    image
}

/// A tileable square with bright soft lines along two edges: the terrain's grid.
pub fn grid_image(size: u32) -> Image {
    let line = |t: f32| {
        let d = t.min(1.0 - t);
        (1.0 - d / 0.035).clamp(0.0, 1.0).powi(2)
    };
    tiled_image(size, TextureFormat::Rgba8UnormSrgb, |u, v| {
        let c = line(u).max(line(v));
        [c, c, c, 1.0]
    })
}

/// The ripples: waves of whole numbers of cycles across the tile (so it repeats without a
/// seam) in many directions: `(cycles along u, along v, phase)`.
const RIPPLES: [(f32, f32, f32); 14] = [
    (1.0, 2.0, 0.3),
    (3.0, -1.0, 1.9),
    (-2.0, 3.0, 4.1),
    (4.0, 1.0, 2.7),
    (5.0, -3.0, 0.8),
    (-1.0, 6.0, 5.5),
    (7.0, 2.0, 3.3),
    (2.0, -7.0, 1.2),
    (-6.0, -5.0, 4.7),
    (9.0, -4.0, 2.2),
    (-3.0, -10.0, 0.6),
    (11.0, 5.0, 3.9),
    (6.0, 11.0, 5.1),
    (-13.0, 2.0, 1.7),
];

/// How steep each ripple is at its steepest (rise over run).
const RIPPLE_SLOPE: f32 = 0.1;

/// The ripples' slope at (u, v): the gradient of their summed heights, each wave as steep
/// as the others whatever its length.
pub fn ripple_slope(u: f32, v: f32) -> Vec2 {
    RIPPLES
        .iter()
        .map(|&(a, b, phase)| {
            let k = Vec2::new(a, b);
            k / k.length() * RIPPLE_SLOPE * (TAU * (a * u + b * v) + phase).cos()
        })
        .sum()
}

/// A normal map of the ripples (tangent space, linear).
pub fn ripple_image(size: u32) -> Image {
    tiled_image(size, TextureFormat::Rgba8Unorm, |u, v| {
        let slope = ripple_slope(u, v);
        let n = Vec3::new(-slope.x, -slope.y, 1.0).normalize();
        [n.x * 0.5 + 0.5, n.y * 0.5 + 0.5, n.z * 0.5 + 0.5, 1.0]
    })
}

/// A soft round puff, white, its edge broken by a few lobes: the fog is drawn with it.
pub fn puff_image(size: u32) -> Image {
    tiled_image(size, TextureFormat::Rgba8UnormSrgb, |u, v| {
        let d = Vec2::new(u - 0.5, v - 0.5) * 2.0;
        let angle = d.y.atan2(d.x);
        let lobes = 1.0 + 0.12 * (3.0 * angle).sin() + 0.08 * (5.0 * angle + 1.3).sin();
        let r = d.length() / (0.92 * lobes);
        let alpha = (1.0 - r * r).clamp(0.0, 1.0).powf(1.6);
        [1.0, 1.0, 1.0, alpha]
    })
}

/// Where the ripples are on a surface `metres` across at `seconds`: tiled every
/// [`RIPPLE_TILE`] metres and drifting slowly on the wind.
pub fn ripple_transform(metres: f32, seconds: f32) -> Affine2 {
    let drift = Vec2::new(0.021, 0.013) * seconds;
    Affine2::from_scale_angle_translation(
        Vec2::splat((metres / RIPPLE_TILE).max(1.0)),
        0.0,
        drift.map(|c| c.rem_euclid(1.0)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ripples_repeat_without_a_seam_and_are_never_flat() {
        for k in 0..32 {
            let t = k as f32 / 32.0;
            for (a, b) in [((0.0, t), (1.0, t)), ((t, 0.0), (t, 1.0))] {
                let (p, q) = (ripple_slope(a.0, a.1), ripple_slope(b.0, b.1));
                assert!(p.distance(q) < 1e-4, "seam at {a:?}: {p} against {q}");
            }
        }
        let steepest = (0..64 * 64)
            .map(|i| ripple_slope((i % 64) as f32 / 64.0, (i / 64) as f32 / 64.0).length())
            .fold(0.0f32, f32::max);
        assert!(
            steepest > RIPPLE_SLOPE * 2.0,
            "the waves add up somewhere: {steepest}"
        );
    }

    #[test]
    fn textures_carry_their_mip_chain_and_the_puff_is_soft() {
        let image = puff_image(64);
        assert_eq!(image.texture_descriptor.mip_level_count, 7);
        let data = image.data.as_ref().unwrap();
        assert_eq!(
            data.len(),
            (64 * 64 + 32 * 32 + 16 * 16 + 8 * 8 + 16 + 4 + 1) * 4
        );
        let alpha = |x: usize, y: usize| data[(y * 64 + x) * 4 + 3];
        assert!(alpha(32, 32) > 240, "solid in the middle");
        assert_eq!(alpha(0, 0), 0, "clear at the corner");
        assert!(alpha(32, 32) > alpha(44, 32) && alpha(44, 32) > alpha(58, 32));
    }
}
