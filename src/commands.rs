//! Command-line tools that need no window: `sleep-sync preview`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::dream::{Dream, GenOptions, MAX_MUTATIONS, MovementLimits, TerrainSize, preview};
use crate::levels::{self, Dreamer};

pub const PREVIEW_USAGE: &str = "\
Usage: sleep-sync preview --dream ID|PATH --out FILE.png [OPTIONS]

Draws a shaded relief map of a dream (no GPU needed): spawn (white), memory anchors
(accent dots), the core (ring), props (pale dots) and hazards (red crosses); ground Juno
cannot reach is dimmed.

Options:
  --dream ID|PATH   a dreamer id from levels/dreamers/ (leo, mara, ...) or a
                    *.dreamer.ron file
  --out FILE.png    where to write the map
  --seed N          use this seed instead of the dreamer's
  --loop K          draw loop K (1 = the first, the default)
  --size S          samples per side: 129, 257, 513 or 1025 (same metres per sample as
                    the dreamer's, so a bigger size is a bigger dream)
  --pixels P        width and height of the map, 64 to 4096 (default 512)";

/// What `sleep-sync preview` was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewArgs {
    pub dream: String,
    pub out: PathBuf,
    pub seed: Option<u64>,
    /// 0-based.
    pub loop_index: u32,
    pub samples: Option<usize>,
    pub pixels: usize,
}

impl PreviewArgs {
    /// Parses the arguments after `preview`.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut dream = None;
        let mut out = None;
        let mut seed = None;
        let mut loop_index = 0;
        let mut samples = None;
        let mut pixels = 512;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
            match arg.as_str() {
                "--dream" => dream = Some(value("--dream")?),
                "--out" => out = Some(PathBuf::from(value("--out")?)),
                "--seed" => {
                    let v = value("--seed")?;
                    seed = Some(v.parse().map_err(|_| {
                        format!(
                            "--seed expects a whole number from 0 to {}, found {v:?}",
                            u64::MAX
                        )
                    })?);
                }
                "--loop" => {
                    let v = value("--loop")?;
                    let k: u32 = v
                        .parse()
                        .ok()
                        .filter(|k| (1..=MAX_MUTATIONS).contains(k))
                        .ok_or(format!("--loop expects 1 to {MAX_MUTATIONS}, found {v:?}"))?;
                    loop_index = k - 1;
                }
                "--size" => {
                    let v = value("--size")?;
                    let s: usize = v.parse().map_err(|_| {
                        format!("--size expects 129, 257, 513 or 1025, found {v:?}")
                    })?;
                    samples = Some(s);
                }
                "--pixels" => {
                    let v = value("--pixels")?;
                    pixels = v
                        .parse()
                        .ok()
                        .filter(|p| (64..=4096).contains(p))
                        .ok_or(format!("--pixels expects 64 to 4096, found {v:?}"))?;
                }
                other => return Err(format!("unknown preview argument {other:?}")),
            }
        }
        Ok(Self {
            dream: dream.ok_or("preview needs --dream ID|PATH")?,
            out: out.ok_or("preview needs --out FILE.png")?,
            seed,
            loop_index,
            samples,
            pixels,
        })
    }
}

/// Finds and reads a dreamer: a path to a `.ron` file, or an id under `levels/dreamers/`.
pub fn load_dreamer(dream: &str, levels_dir: &Path) -> Result<Dreamer, String> {
    let as_path = Path::new(dream);
    let path = if dream.ends_with(".ron") || as_path.components().count() > 1 {
        as_path.to_path_buf()
    } else {
        let path = levels_dir
            .join("dreamers")
            .join(format!("{dream}.dreamer.ron"));
        if !path.exists() {
            let known = known_dreamers(levels_dir);
            let names: Vec<&str> = known.iter().map(String::as_str).collect();
            let hint = levels::nearest_name(dream, &names)
                .map(|name| format!(" (did you mean `{name}`?)"))
                .unwrap_or_default();
            return Err(format!(
                "no dreamer {dream:?} in {}{hint}; known dreamers: {}",
                levels_dir.join("dreamers").display(),
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ));
        }
        path
    };
    Dreamer::read(&path).map_err(|e| e.to_string())
}

fn known_dreamers(levels_dir: &Path) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(levels_dir.join("dreamers"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".dreamer.ron").map(str::to_owned)
        })
        .collect();
    ids.sort();
    ids
}

/// Generates the dream `args` describe and writes its map. Returns a one-line summary.
pub fn preview(args: &PreviewArgs) -> Result<String, String> {
    let mut dreamer = load_dreamer(&args.dream, &levels::data_root().join("levels"))?;
    if let Some(seed) = args.seed {
        dreamer.seed = seed;
    }
    let mut size = dreamer.terrain;
    if let Some(samples) = args.samples {
        size = TerrainSize {
            samples,
            extent: size.cell() * (samples.max(2) - 1) as f32,
        };
        size.check().map_err(|e| format!("--size: {e}"))?;
    }
    let recipe =
        crate::dream::DreamRecipe::new(&dreamer.fears, dreamer.seed, args.loop_index, size);
    let start = Instant::now();
    let dream = Dream::generate_with(
        &recipe,
        dreamer.anchors.len(),
        &MovementLimits::default(),
        &GenOptions::default(),
    );
    let millis = start.elapsed().as_secs_f64() * 1e3;
    let image = preview::render(&dream, args.pixels);
    image
        .write_png(&args.out)
        .map_err(|e| format!("{}: cannot write: {e}", args.out.display()))?;
    let reachable =
        dream.reachable.iter().filter(|&&r| r).count() as f64 / dream.reachable.len() as f64;
    Ok(format!(
        "{}'s dream, loop {}, seed {}, {}² samples over {:.0} m: generated in {millis:.0} ms; {:.0}% reachable, {} anchors, {} props, {} hazards, core {:.0} m from the spawn; map written to {}",
        dreamer.name,
        args.loop_index + 1,
        dreamer.seed,
        size.samples,
        size.extent,
        reachable * 100.0,
        dream.anchors.len(),
        dream.props.len(),
        dream.hazards.len(),
        dream.core.position.distance(dream.spawn),
        args.out.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<PreviewArgs, String> {
        PreviewArgs::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn preview_arguments() {
        let a = parse(&[
            "--dream", "leo", "--out", "m.png", "--loop", "3", "--size", "513",
        ])
        .expect("valid");
        assert_eq!(a.loop_index, 2);
        assert_eq!(a.samples, Some(513));
        assert_eq!(a.pixels, 512);
        assert!(parse(&["--out", "m.png"]).is_err());
        assert!(parse(&["--dream", "leo"]).is_err());
        assert!(parse(&["--dream", "leo", "--out", "m.png", "--loop", "0"]).is_err());
        assert!(parse(&["--dream", "leo", "--out", "m.png", "--seed", "-1"]).is_err());
        assert!(parse(&["--dream", "leo", "--out", "m.png", "--pixels", "9"]).is_err());
        assert!(parse(&["--dream", "leo", "--out", "m.png", "--what"]).is_err());
    }

    #[test]
    fn unknown_dreamer_lists_the_known_ones() {
        let levels = levels::data_root().join("levels");
        let err = load_dreamer("spiders", &levels).expect_err("no such dreamer");
        assert!(err.contains("no dreamer \"spiders\""), "{err}");
        assert!(err.contains("leo") && err.contains("mara"), "{err}");
        let err = load_dreamer("mra", &levels).expect_err("no such dreamer");
        assert!(err.contains("did you mean `mara`?"), "{err}");
        let err = load_dreamer("nowhere/x.dreamer.ron", &levels).expect_err("no such file");
        assert!(err.contains("nowhere/x.dreamer.ron: cannot read"), "{err}");
    }
}
