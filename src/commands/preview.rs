//! `sleep-sync preview`: a map of a dream, drawn without a GPU.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use super::{find_dive, load_library, say};
use crate::campaign::strangers::{
    SCRIPTED_OVERLOAD_MINUTE, check_sleeper, scripted_network, stranger_of,
};
use crate::dream::{Dream, GenOptions, MAX_MUTATIONS, MovementLimits, TerrainSize, preview};
use crate::levels::DiveSpec;

pub const PREVIEW_USAGE: &str = "\
Usage: sleep-sync preview --dream ID|PATH --out FILE.png [OPTIONS]
       sleep-sync preview --sleeper N [--minute M] --out FILE.png [OPTIONS]

Draws a shaded relief map of a dream (no GPU needed): spawn (white), memory anchors
(accent dots), the core (ring), props (pale dots) and hazards (red crosses); ground Juno
cannot reach is dimmed.

Options:
  --dream ID|PATH   a dream id (the base game's or a mod's) or a *.dream.ron file
  --sleeper N       the dream of sleeper N of the campaign's network (a stranger): who
                    they are is printed with the map
  --minute M        with --sleeper: the network as the campaign gives it at network
                    minute M (default: the minute the overload begins on the scripted
                    path); the same N and M always give the same stranger and dream
  --out FILE.png    where to write the map
  --mod PATH        also read the mod folder PATH (repeatable)
  --seed N          use this seed instead of the dream's
  --loop K          draw loop K (1 = the first, the default)
  --size S          samples per side: 129, 257, 513 or 1025 (same metres per sample as
                    the dream's, so a bigger size is a bigger dream)
  --pixels P        width and height of the map, 64 to 4096 (default 512)";

/// What `sleep-sync preview` was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewArgs {
    pub what: PreviewOf,
    pub out: PathBuf,
    pub seed: Option<u64>,
    /// 0-based.
    pub loop_index: u32,
    pub samples: Option<usize>,
    pub pixels: usize,
    /// Mod folders to read besides those in `mods/`.
    pub mods: Vec<PathBuf>,
}

/// The latest network minute `--minute` takes: thirty days, a few seconds to simulate
/// (the campaign's whole story takes under two weeks).
const LATEST_MINUTE: u64 = 30 * 1440;

/// Whose dream a preview draws.
#[derive(Debug, Clone, PartialEq)]
pub enum PreviewOf {
    /// A dream of the levels or a mod, by id or file.
    Dream(String),
    /// Sleeper `n`'s dream at network minute `minute` (the scripted overload's if none).
    Sleeper { n: usize, minute: Option<u64> },
}

impl PreviewArgs {
    /// Parses the arguments after `preview`.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut dream = None;
        let mut sleeper = None;
        let mut minute = None;
        let mut out = None;
        let mut seed = None;
        let mut loop_index = 0;
        let mut samples = None;
        let mut pixels = 512;
        let mut mods = Vec::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
            match arg.as_str() {
                "--dream" => dream = Some(value("--dream")?),
                "--sleeper" => {
                    let v = value("--sleeper")?;
                    sleeper = Some(v.parse::<usize>().map_err(|_| {
                        format!("--sleeper expects a sleeper's number (0 and up), found {v:?}")
                    })?);
                }
                "--minute" => {
                    let v = value("--minute")?;
                    minute = Some(
                        v.parse::<u64>()
                            .ok()
                            .filter(|m| *m <= LATEST_MINUTE)
                            .ok_or(format!(
                                "--minute expects a network minute from 0 to {LATEST_MINUTE} (30 days), found {v:?}"
                            ))?,
                    );
                }
                "--mod" => mods.push(PathBuf::from(value("--mod")?)),
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
        let what = match (dream, sleeper) {
            (Some(_), Some(_)) => return Err("preview takes --dream or --sleeper, not both".into()),
            (Some(_), None) if minute.is_some() => {
                return Err(
                    "--minute goes with --sleeper: a dream file has no network minute".into(),
                );
            }
            (Some(dream), None) => PreviewOf::Dream(dream),
            (None, Some(n)) => PreviewOf::Sleeper { n, minute },
            (None, None) => return Err("preview needs --dream ID|PATH or --sleeper N".into()),
        };
        Ok(Self {
            what,
            out: out.ok_or("preview needs --out FILE.png")?,
            seed,
            loop_index,
            samples,
            pixels,
            mods,
        })
    }
}

/// `sleep-sync preview`: exit 1 on a dream that cannot be read or a map that cannot be
/// written.
pub fn run(args: &PreviewArgs) -> ExitCode {
    match preview(args) {
        Ok(summary) => {
            say(summary);
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("sleep-sync preview: {message}");
            ExitCode::from(1)
        }
    }
}

/// Generates the dream `args` describe and writes its map. Returns a one-line summary.
pub fn preview(args: &PreviewArgs) -> Result<String, String> {
    let (mut spec, who) = match &args.what {
        PreviewOf::Dream(dream) => (find_dive(dream, &args.mods)?, None),
        PreviewOf::Sleeper { n, minute } => {
            let (spec, who) = sleeper_dive(*n, *minute, &args.mods)?;
            (spec, Some(who))
        }
    };
    if let Some(seed) = args.seed {
        spec.dream.seed = seed;
    }
    let mut size = spec.dream.terrain;
    if let Some(samples) = args.samples {
        size = TerrainSize {
            samples,
            extent: size.cell() * (samples.max(2) - 1) as f32,
        };
        size.check().map_err(|e| format!("--size: {e}"))?;
    }
    spec.dream.terrain = size;
    let recipe = spec.recipe(args.loop_index);
    let start = Instant::now();
    let dream = Dream::generate_with(
        &recipe,
        spec.dream.anchors.len(),
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
    let who = who.map(|w| format!("{w}\n")).unwrap_or_default();
    Ok(format!(
        "{who}{}'s dream, loop {}, seed {}, {}² samples over {:.0} m: generated in {millis:.0} ms; {:.0}% reachable, {} anchors, {} props, {} hazards, core {:.0} m from the spawn; map written to {}",
        spec.dreamer.name,
        args.loop_index + 1,
        spec.dream.seed,
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

/// Sleeper `n`'s dive as the campaign's network gives it at `minute`, and who they are
/// in a few lines.
fn sleeper_dive(
    n: usize,
    minute: Option<u64>,
    mods: &[PathBuf],
) -> Result<(DiveSpec, String), String> {
    let assembly = load_library(mods);
    let library = &assembly.library;
    let story = &library.story;
    // Refused before the network is simulated.
    check_sleeper(library, story, n).map_err(|e| e.to_string())?;
    let minute = minute.unwrap_or(SCRIPTED_OVERLOAD_MINUTE);
    let sitting_down = u64::from(story.network.warm_up_hours) * 60;
    let network = scripted_network(story, SCRIPTED_OVERLOAD_MINUTE, minute).ok_or(format!(
        "--minute {minute} is before Juno sits down at the desk: the campaign's network starts at minute {sitting_down}"
    ))?;
    let (stranger, dive) = stranger_of(library, story, &network, n).map_err(|e| e.to_string())?;
    let p = &stranger.profile;
    let fears: Vec<String> = stranger
        .fears
        .iter()
        .map(|f| format!("{} {:.2}", f.tag.label(), f.weight))
        .collect();
    let state = if p.home {
        "brought home".to_owned()
    } else if p.looping {
        format!("in a nightmare loop for {} minutes", p.loop_minutes)
    } else {
        "not in a loop (Juno can dive only into a looping sleeper's dream)".to_owned()
    };
    let who = format!(
        "sleeper #{n} at network minute {minute}: {}, {}. {}\n{state}; risk {:.2}, dependence {:.2}, lowest mood {:.2}, shared nights {}; fears: {}",
        stranger.name(),
        stranger.age,
        stranger.life,
        f32::from(p.risk) / 100.0,
        f32::from(p.dependence) / 100.0,
        f32::from(p.low_mood) / 100.0,
        p.shared_nights,
        fears.join(", ")
    );
    Ok((dive, who))
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
            "--dream", "d", "--out", "m.png", "--loop", "3", "--size", "513",
        ])
        .expect("valid");
        assert_eq!(a.loop_index, 2);
        assert_eq!(a.samples, Some(513));
        assert_eq!(a.pixels, 512);
        assert!(parse(&["--out", "m.png"]).is_err());
        assert!(parse(&["--dream", "d"]).is_err());
        assert!(parse(&["--dream", "d", "--out", "m.png", "--loop", "0"]).is_err());
        assert!(parse(&["--dream", "d", "--out", "m.png", "--seed", "-1"]).is_err());
        assert!(parse(&["--dream", "d", "--out", "m.png", "--pixels", "9"]).is_err());
        assert!(parse(&["--dream", "d", "--out", "m.png", "--what"]).is_err());
        let s = parse(&["--sleeper", "4711", "--minute", "4500", "--out", "m.png"]).expect("valid");
        assert_eq!(
            s.what,
            PreviewOf::Sleeper {
                n: 4711,
                minute: Some(4500)
            }
        );
        assert!(parse(&["--sleeper", "-3", "--out", "m.png"]).is_err());
        assert!(parse(&["--sleeper", "1", "--dream", "d", "--out", "m.png"]).is_err());
        assert!(parse(&["--dream", "d", "--minute", "9", "--out", "m.png"]).is_err());
        assert!(parse(&["--sleeper", "5", "--minute", "99999999", "--out", "m.png"]).is_err());
    }

    #[test]
    fn a_sleepers_dream_is_drawn_the_same_every_time_and_refused_outside_the_network() {
        let dir = std::env::temp_dir().join(format!("sleep-sync-sleeper-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let args = |n: usize, out: &str| PreviewArgs {
            what: PreviewOf::Sleeper { n, minute: None },
            out: dir.join(out),
            seed: None,
            loop_index: 0,
            samples: Some(129),
            pixels: 64,
            mods: Vec::new(),
        };
        let said = preview(&args(4711, "a.png")).expect("a stranger's dream");
        assert!(
            said.starts_with("sleeper #4711 at network minute "),
            "{said}"
        );
        assert!(said.contains("fears: "), "{said}");
        preview(&args(4711, "b.png")).expect("again");
        let read = |f: &str| std::fs::read(dir.join(f)).expect("written");
        assert_eq!(read("a.png"), read("b.png"), "the same map");
        let err = preview(&args(1_000_000, "c.png")).expect_err("outside");
        assert!(err.contains("not in the network"), "{err}");
        let err = preview(&args(0, "c.png")).expect_err("family");
        assert!(err.contains("Juno's family"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn unknown_dreams_list_the_known_ones() {
        let library = super::super::load_library(&[]).library;
        let known: Vec<&str> = library.dreams.keys().map(String::as_str).collect();
        let err = find_dive("spiders", &[]).expect_err("no such dream");
        assert!(err.contains("no dream \"spiders\""), "{err}");
        assert!(known.iter().all(|id| err.contains(id)), "{err}");
        // A letter left out of a known id: that id is suggested.
        let longest = known
            .iter()
            .max_by_key(|id| id.chars().count())
            .expect("the base game has dreams");
        let slip: String = longest
            .chars()
            .enumerate()
            .filter(|&(i, _)| i != 1)
            .map(|(_, c)| c)
            .collect();
        let err = find_dive(&slip, &[]).expect_err("no such dream");
        assert!(err.contains(&format!("did you mean `{longest}`?")), "{err}");
        let err = find_dive("nowhere/dreams/x.dream.ron", &[]).expect_err("no such file");
        assert!(
            err.contains("nowhere/dreams/x.dream.ron: cannot read"),
            "{err}"
        );
    }
}
