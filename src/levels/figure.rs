//! How a person looks, as parameters: height, build, clothing, hair and a palette.
//! Juno, the dreamers, Father and the fears made solid are each one of these; the
//! presentation builds a jointed figure from it (`looks::figure`). A new character is a
//! new parameter set in a level file, not new code.

use serde::{Deserialize, Serialize};

use super::check::{Checks, rgb};

/// A person's figure, as written in a level file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// Standing height, metres (1.0 to 2.6: a child to a fear that looms).
    pub height: f32,
    pub build: Build,
    pub clothing: Clothing,
    pub hair: Hair,
    pub palette: FigurePalette,
}

/// How broad and how long-limbed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Build {
    /// Narrow shoulders, thin limbs.
    Slight,
    Average,
    /// Broad shoulders and hips, thick limbs.
    Sturdy,
    /// Stretched: long thin limbs, a small head. For what is not quite a person.
    Gaunt,
}

/// What they wear; it shapes the silhouette.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Clothing {
    /// A coat flaring to the knees over trousers.
    Coat,
    /// A bulky hooded top over trousers.
    Hoodie,
    /// A skirt to mid-calf.
    Dress,
    /// One piece, close-fitting, top and bottom alike.
    Jumpsuit,
    /// A robe to the shins, long sleeves.
    Shroud,
}

/// How their hair is worn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Hair {
    None,
    Cropped,
    Short,
    /// To the jaw, full at the sides.
    Bob,
    /// To the shoulder blades.
    Long,
    Ponytail,
    /// Gathered on top at the back.
    Bun,
    /// A round, full volume.
    Curls,
}

/// The figure's colours, each `"#rrggbb"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigurePalette {
    pub skin: String,
    pub hair: String,
    /// The top, or the whole of a dress, jumpsuit or shroud.
    pub top: String,
    /// Trousers or leggings.
    pub bottom: String,
    pub shoes: String,
}

/// The heights a figure may have, metres.
pub const FIGURE_HEIGHTS: std::ops::RangeInclusive<f32> = 1.0..=2.6;

impl Figure {
    /// Checks the figure written at `field`.
    pub fn check(&self, c: &mut Checks, field: &str) {
        c.number(format!("{field}.height"), self.height, FIGURE_HEIGHTS, " m");
        let p = &self.palette;
        for (name, colour) in [
            ("skin", &p.skin),
            ("hair", &p.hair),
            ("top", &p.top),
            ("bottom", &p.bottom),
            ("shoes", &p.shoes),
        ] {
            c.colour(format!("{field}.palette.{name}"), colour);
        }
    }

    /// A plausible person made from an id and a colour: the same id always gives the
    /// same figure, dressed in the colour. For dreamers written without a figure (and
    /// meant for the network's strangers, when they can be dived into).
    pub fn from_seed(id: &str, colour: [u8; 3]) -> Self {
        // FNV-1a: stable across platforms and versions, unlike std's hasher.
        let mut h = crate::portable::Fnv::of(id.as_bytes());
        let mut pick = |n: u64| {
            let k = h % n;
            h = (h / n).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (h >> 29);
            k as usize
        };
        const SKINS: [&str; 6] = [
            "#f1d3bc", "#e0b494", "#c68e6a", "#a06a48", "#7a4c32", "#58382a",
        ];
        const HAIRS: [&str; 6] = [
            "#1e1714", "#3b2a20", "#6b4a2e", "#a87c4f", "#c9c2b8", "#7a2e20",
        ];
        let builds = [Build::Slight, Build::Average, Build::Average, Build::Sturdy];
        let clothes = [
            Clothing::Coat,
            Clothing::Hoodie,
            Clothing::Dress,
            Clothing::Jumpsuit,
        ];
        let hairs = [
            Hair::Cropped,
            Hair::Short,
            Hair::Bob,
            Hair::Long,
            Hair::Ponytail,
            Hair::Bun,
            Hair::Curls,
            Hair::None,
        ];
        let height = 1.55 + pick(31) as f32 * 0.01;
        let [r, g, b] = colour;
        let hex = |c: [u8; 3]| format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
        let dark = |c: u8| (c as f32 * 0.45) as u8;
        Self {
            height,
            build: builds[pick(builds.len() as u64)],
            clothing: clothes[pick(clothes.len() as u64)],
            hair: hairs[pick(hairs.len() as u64)],
            palette: FigurePalette {
                skin: SKINS[pick(SKINS.len() as u64)].to_owned(),
                hair: HAIRS[pick(HAIRS.len() as u64)].to_owned(),
                top: hex(colour),
                bottom: hex([dark(r), dark(g), dark(b)]),
                shoes: "#2a2630".to_owned(),
            },
        }
    }

    /// The palette as sRGB bytes, in the order skin, hair, top,
    /// bottom, shoes (grey where a colour is malformed: checked files have none).
    pub fn colours(&self) -> [[u8; 3]; 5] {
        let p = &self.palette;
        [&p.skin, &p.hair, &p.top, &p.bottom, &p.shoes].map(|c| rgb(c).unwrap_or([128; 3]))
    }
}

/// The figures of the people who are not dreamers: Juno, and Father (whose figure the
/// story's scenes will use; today only the cast's picture shows it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Cast {
    pub juno: Figure,
    pub father: Figure,
}

impl Default for Cast {
    fn default() -> Self {
        let palette =
            |skin: &str, hair: &str, top: &str, bottom: &str, shoes: &str| FigurePalette {
                skin: skin.to_owned(),
                hair: hair.to_owned(),
                top: top.to_owned(),
                bottom: bottom.to_owned(),
                shoes: shoes.to_owned(),
            };
        Self {
            juno: Figure {
                height: 1.7,
                build: Build::Slight,
                clothing: Clothing::Coat,
                hair: Hair::Ponytail,
                palette: palette("#e3b896", "#2b1d17", "#e8ecf4", "#2c3348", "#1c1c22"),
            },
            father: Figure {
                height: 1.84,
                build: Build::Sturdy,
                clothing: Clothing::Jumpsuit,
                hair: Hair::Cropped,
                palette: palette("#e3b896", "#8d8a86", "#3b4a5c", "#3b4a5c", "#222226"),
            },
        }
    }
}

impl Cast {
    pub fn check(&self, c: &mut Checks, field: &str) {
        self.juno.check(c, &format!("{field}.juno"));
        self.father.check(c, &format!("{field}.father"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::levels::Dreamer;
    use crate::levels::check::{located_fields, parse};

    #[test]
    fn a_bad_figure_is_reported_where_it_is_written() {
        let text = r##"(
            id: "ada",
            name: "Ada",
            about: "A test dreamer.",
            colour: "#8c59f2",
            fears: [(tag: Falling, weight: 1.0)],
            dialogue: "ada",
            figure: (
                height: 9.0,
                build: Average,
                clothing: Coat,
                hair: Bun,
                palette: (skin: "pink", hair: "#000000", top: "#000000", bottom: "#000000", shoes: "#000000"),
            ),
        )"##;
        let errors = parse::<Dreamer>("ada.dreamer.ron", text.as_bytes()).unwrap_err();
        let fields = located_fields(&errors);
        assert_eq!(fields, ["figure.height", "figure.palette.skin"]);
        let unknown = text.replace("clothing: Coat", "clothing: Cape");
        let errors = parse::<Dreamer>("ada.dreamer.ron", unknown.as_bytes()).unwrap_err();
        assert!(
            errors[0].to_string().starts_with("ada.dreamer.ron:11:"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn a_seed_gives_one_figure_and_seeds_differ() {
        let a = Figure::from_seed("sleeper-1", [200, 80, 40]);
        assert_eq!(a, Figure::from_seed("sleeper-1", [200, 80, 40]));
        let mut c = Checks::new("x");
        a.check(&mut c, "figure");
        assert!(c.into_errors().is_empty());
        let distinct: std::collections::HashSet<String> = (0..200)
            .map(|k| {
                format!(
                    "{:?}",
                    Figure::from_seed(&format!("sleeper-{k}"), [1, 2, 3])
                )
            })
            .collect();
        assert!(distinct.len() > 150, "{} of 200 distinct", distinct.len());
    }
}
