//! The shape of a dream's ground as numbers: how tall and broad it is, how ridged,
//! terraced, cut and flooded. A fear's signature holds one, and so does a recipe.

/// Declares [`TerrainShape`] together with the arithmetic done to every field alike, so
/// the field list is written once and a new field cannot be left out of a blend.
macro_rules! terrain_shape {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* pub $field:ident: f32, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: f32, )*
        }

        impl $name {
            /// Every field zero: where a weighted sum starts.
            pub(super) const ZERO: Self = Self { $( $field: 0.0, )* };

            /// Adds `other`'s fields times `w` to these: one term of a weighted mean.
            pub(super) fn add_scaled(&mut self, other: &Self, w: f32) {
                $( self.$field += other.$field * w; )*
            }
        }
    };
}

terrain_shape! {
    /// How a dream's ground is shaped. In a fear's signature these are the fear's own
    /// values; in a recipe, the fears' blend grown for the loop and clamped to what the
    /// generator supports.
    pub struct TerrainShape {
        /// Height range of the noise, metres.
        pub amplitude: f32,
        /// Multiplier on the base noise frequency (lower = broader shapes).
        pub frequency: f32,
        /// Share of ridged multifractal noise, 0..1.
        pub ridged: f32,
        /// Share of billow noise, 0..1.
        pub billow: f32,
        /// Domain warp strength, metres.
        pub warp: f32,
        /// How strongly heights snap to terraces, 0..1.
        pub terraces: f32,
        /// Number of terrace levels over the height range.
        pub terrace_steps: f32,
        /// Horizontal pixel-stepping cell, metres (0 = smooth).
        pub pixel_step: f32,
        /// Depth and width of chasms, 0..1.
        pub chasm: f32,
        /// Raised ridges along the dream's rim, 0..1.
        pub rim: f32,
        /// How far the land sinks away from the centre, 0..1: islands under high water.
        pub island: f32,
        /// How cratered the ground is, 0..1 (up to eight craters).
        pub craters: f32,
        /// Water level as a fraction of the height range (0 = no water).
        pub water: f32,
        /// Strength of the glowing grid drawn on the ground, 0..1.
        pub grid_glow: f32,
    }
}

/// The ground a fear starts from before its own signature changes some of it: rolling,
/// 16 m tall, dry.
impl Default for TerrainShape {
    fn default() -> Self {
        Self {
            amplitude: 16.0,
            frequency: 1.0,
            terrace_steps: 6.0,
            ..Self::ZERO
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shape_at_full_weight_is_itself() {
        let mut sum = TerrainShape::ZERO;
        sum.add_scaled(&TerrainShape::default(), 1.0);
        assert_eq!(sum, TerrainShape::default());
    }
}
