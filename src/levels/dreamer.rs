//! A dreamer: who they are, what they fear, and which dialogue is theirs.
//! One `*.dreamer.ron` file per dreamer, under `dreamers/`.

use serde::{Deserialize, Serialize};

use super::check::{Checks, LevelDoc, rgb};
use super::figure::Figure;
use crate::dream::FearWeight;

/// A dreamer trapped in a nightmare loop, as written in their level file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dreamer {
    /// Short unique id (`"leo"`): dreams name their dreamer by it.
    pub id: String,
    /// Name shown to the player.
    pub name: String,
    /// One line on who they are, shown in the control room.
    pub about: String,
    /// Their colour in the control room, `"#rrggbb"`.
    pub colour: String,
    /// What they fear, with weights. At least one.
    pub fears: Vec<FearWeight>,
    /// Id of their dialogue file: what they say at the core of their dream.
    pub dialogue: String,
    /// How they look at the core of their dream. Optional: without one, a figure is
    /// made from their colour and id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figure: Option<Figure>,
}

impl Dreamer {
    /// The colour as sRGB bytes, if it is written as `#rrggbb`.
    pub fn rgb(&self) -> Option<[u8; 3]> {
        rgb(&self.colour)
    }

    /// How they look: the figure their file gives, or one made from their colour and
    /// id (a mod's dreamer written before figures existed).
    pub fn figure(&self) -> Figure {
        self.figure
            .clone()
            .unwrap_or_else(|| Figure::from_seed(&self.id, self.rgb().unwrap_or([128; 3])))
    }
}

impl LevelDoc for Dreamer {
    const KIND: &'static str = "dreamer";

    fn check(&self, c: &mut Checks) {
        c.id("id", &self.id);
        c.text("name", &self.name, 40);
        c.text("about", &self.about, 200);
        c.colour("colour", &self.colour);
        if self.fears.is_empty() || self.fears.len() > 9 {
            c.fail(
                "fears",
                format!(
                    "expected 1 to 9 fears (one per tag), found {}",
                    self.fears.len()
                ),
            );
        }
        for (i, fear) in self.fears.iter().enumerate().take(9) {
            if !fear.weight.is_finite() || fear.weight <= 0.0 || fear.weight > 100.0 {
                c.fail(
                    format!("fears[{i}].weight"),
                    format!(
                        "expected a weight above 0 and at most 100, found {}",
                        fear.weight
                    ),
                );
            }
            if self.fears[..i].iter().any(|f| f.tag == fear.tag) {
                c.fail(
                    format!("fears[{i}].tag"),
                    format!("{:?} is listed twice: give it one weight", fear.tag),
                );
            }
        }
        c.id("dialogue", &self.dialogue);
        if let Some(figure) = &self.figure {
            figure.check(c, "figure");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::levels::LevelError;
    use crate::levels::check::{located_fields, parse};

    const GOOD: &str = r##"(
        id: "ada",
        name: "Ada",
        about: "A test dreamer.",
        colour: "#8c59f2",
        fears: [(tag: Falling, weight: 1.0)],
        dialogue: "ada",
    )"##;

    fn errors(text: &str) -> Vec<LevelError> {
        parse::<Dreamer>("ada.dreamer.ron", text.as_bytes()).unwrap_err()
    }

    #[test]
    fn good_file_parses() {
        let d = parse::<Dreamer>("ada.dreamer.ron", GOOD.as_bytes()).expect("valid");
        assert_eq!(d.id, "ada");
        assert_eq!(d.rgb(), Some([0x8c, 0x59, 0xf2]));
    }

    #[test]
    fn syntax_error_is_located() {
        let text = GOOD.replace("\"Ada\",", "\"Ada\"");
        let msg = errors(&text)[0].to_string();
        assert!(msg.starts_with("ada.dreamer.ron:4:"), "{msg}");
    }

    #[test]
    fn every_bad_value_is_reported_at_once() {
        let text = GOOD
            .replace("\"ada\",\n        name", "\"A D A\",\n        name")
            .replace("#8c59f2", "purple")
            .replace("weight: 1.0", "weight: NaN");
        let errs = errors(&text);
        let fields = located_fields(&errs);
        assert_eq!(fields, ["id", "colour", "fears[0].weight"]);
        assert!(
            errs[1]
                .to_string()
                .starts_with("ada.dreamer.ron:5:17: colour:"),
            "{}",
            errs[1]
        );
    }
}
