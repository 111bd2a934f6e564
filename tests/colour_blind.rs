//! The colour-blind safe palette, checked on the real game's rendered pictures: each
//! hazard of Leo's and Mara's nightmares is pictured reaching Juno in each palette and,
//! at the same instant, without it (nothing flashing) (`--tour DIR --colours`); the pixels where it shows
//! are compared with what is behind them as players with protanopia, deuteranopia and
//! tritanopia see them (`sleep_sync::dev::vision`).
//!
//! `SLEEP_SYNC_COLOUR_PICTURES=DIR` measures pictures a tour already took into
//! `DIR/colours-<dream>` instead of rendering them again.

mod render;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sleep_sync::dev::vision::{Contrast, Deficiency};
use sleep_sync::settings::Palette;

/// The dreams pictured: between them every hazard kind but rising water (no shipped
/// dream has it).
const DREAMS: [&str; 2] = ["leo", "mara"];

/// The palettes, as the tour names their pictures.
const STANDARD: &str = Palette::Standard.name();
const SAFE: &str = Palette::ColourBlindSafe.name();

/// The safe palette's hazards must differ from their ground by at least this much
/// (mean CIEDE2000 over the hazard's pixels) with each deficiency …
const SAFE_MEAN: f64 = 15.0;
/// … and lose no more than this share of their pixels into the ground with any.
const SAFE_LOST: f64 = 0.2;
/// Hazards no palette colours (the rising fog is grey in both: `HazardColours` has no
/// colour of it). They must stand out in the safe palette all the same, but they are
/// not what the palette changed, so they do not count in comparing the two palettes'
/// worst cases.
const UNCOLOURED: [&str; 1] = ["rising-fog"];

/// A hazard's picture shows at least this many of its pixels.
const MIN_PIXELS: usize = 300;

/// The pictures' size: the colour tour draws a quarter of the pixels of 1280×720.
const PICTURE: (u32, u32) = (640, 360);

fn pixels(path: &Path) -> Vec<[u8; 3]> {
    let picture = image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgb8();
    assert_eq!(picture.dimensions(), PICTURE, "{}", path.display());
    picture.pixels().map(|p| p.0).collect()
}

/// The tour's pictures of `dream`: taken now, or found where a tour left them.
fn pictures_of(dream: &str) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SLEEP_SYNC_COLOUR_PICTURES") {
        return Some(PathBuf::from(dir).join(format!("colours-{dream}")));
    }
    if !render::can_render() {
        return None;
    }
    let dir = render::out_dir().join(format!("colours-{dream}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("pictures' folder");
    let start = Instant::now();
    let settings = render::settings_file("without-anti-aliasing.toml");
    let status = render::run_game(
        &[
            "--tour",
            dir.to_str().unwrap(),
            "--colours",
            "--dive",
            dream,
            "--settings",
            &settings,
        ],
        Duration::from_secs(600),
    );
    assert!(status.success(), "{dream}: the game exited with {status}");
    let began_with = std::fs::read_to_string(dir.join("settings.toml")).expect("its settings");
    assert!(began_with.contains("anti_aliasing = false"), "{began_with}");
    println!(
        "{dream}: the colour tour took {:.1} s",
        start.elapsed().as_secs_f32()
    );
    Some(dir)
}

/// The hazards pictured in `dir`, by the names of their pictures.
fn hazards_in(dir: &Path) -> Vec<String> {
    let mut kinds: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let kind = name
                .strip_prefix("colours-")?
                .strip_suffix(&format!("-{SAFE}-bare.png"))?;
            Some(kind.to_owned())
        })
        .collect();
    kinds.sort();
    kinds
}

#[test]
fn hazards_stand_out_from_their_ground_with_each_colour_blindness() {
    let mut rows: Vec<(String, String, Contrast)> = Vec::new();
    for dream in DREAMS {
        let Some(dir) = pictures_of(dream) else {
            return;
        };
        let kinds = hazards_in(&dir);
        assert!(
            kinds.len() >= 3,
            "{dream}: pictures of {kinds:?} only, in {}",
            dir.display()
        );
        for kind in kinds {
            for palette in [STANDARD, SAFE] {
                let shown = pixels(&dir.join(format!("colours-{kind}-{palette}.png")));
                let bare = pixels(&dir.join(format!("colours-{kind}-{palette}-bare.png")));
                let contrast = Contrast::measure(&shown, &bare);
                rows.push((format!("{dream} {kind}"), palette.to_owned(), contrast));
            }
        }
    }
    println!(
        "hazard against its ground, mean CIEDE2000 over its pixels (share of them lost \
         below {}):",
        sleep_sync::dev::vision::SEEN
    );
    println!(
        "{:<28} {:<18} {:>7} {:>7} {:>16} {:>16} {:>16}",
        "hazard",
        "palette",
        "pixels",
        "normal",
        Deficiency::ALL[0].name(),
        Deficiency::ALL[1].name(),
        Deficiency::ALL[2].name()
    );
    for (hazard, palette, c) in &rows {
        let cells: Vec<String> = c
            .deficient
            .iter()
            .map(|(mean, lost)| format!("{mean:.1} ({:.0}%)", lost * 100.0))
            .collect();
        println!(
            "{hazard:<28} {palette:<18} {:>7} {:>7.1} {:>16} {:>16} {:>16}",
            c.pixels, c.normal, cells[0], cells[1], cells[2]
        );
    }
    for u in UNCOLOURED {
        assert!(
            rows.iter().any(|r| r.0.ends_with(u)),
            "{u} was not pictured"
        );
    }
    let coloured = |hazard: &str| !UNCOLOURED.iter().any(|u| hazard.ends_with(u));
    let worst = |palette: &str| {
        rows.iter()
            .filter(|r| r.1 == palette && coloured(&r.0))
            .map(|r| r.2.worst())
            .fold(f64::INFINITY, f64::min)
    };
    println!(
        "worst hazard the palette colours, with any deficiency: standard {:.1}, colour-blind safe {:.1} ({:.2}×)",
        worst(STANDARD),
        worst(SAFE),
        worst(SAFE) / worst(STANDARD)
    );
    // The palette changed the pictures: its worst case is well above the standard's
    // (every hazard, the uncoloured too, is held to SAFE_MEAN and SAFE_LOST below).
    assert!(
        worst(SAFE) > worst(STANDARD) * 1.3,
        "the safe palette's worst {:.1} against the standard's {:.1}",
        worst(SAFE),
        worst(STANDARD)
    );
    for (hazard, palette, c) in &rows {
        assert!(
            c.pixels >= MIN_PIXELS,
            "{hazard} ({palette}): {} pixels: not in the picture",
            c.pixels
        );
        if palette != SAFE {
            continue;
        }
        for (d, (mean, lost)) in Deficiency::ALL.iter().zip(c.deficient) {
            assert!(
                mean >= SAFE_MEAN,
                "{hazard}: {mean:.1} from its ground with {}",
                d.name()
            );
            assert!(
                lost <= SAFE_LOST,
                "{hazard}: {:.0}% lost with {}",
                lost * 100.0,
                d.name()
            );
        }
    }
}
