//! The real game, rendering real frames: started under Xvfb with Mesa's lavapipe Vulkan
//! driver, it dives into each dream, saves a screenshot and exits. The pictures must not
//! be blank, and Leo's and Mara's dreams must look different. The tour of every screen
//! is taken without anti-aliasing and glow (`--settings`), Mara's dream with every
//! default.
//!
//! Needs `xvfb-run` and lavapipe (`scripts/test.sh` installs them). Without them the test
//! skips, unless `SLEEP_SYNC_REQUIRE_RENDER=1` (set by `scripts/test.sh`) makes it fail.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod render;

use render::{GAME, can_render, out_dir, run_game, settings_file};

struct FrameStats {
    width: usize,
    height: usize,
    pixels: Vec<[u8; 3]>,
    mean: [f64; 3],
    luminance_variance: f64,
    distinct_colours: usize,
}

fn frame_stats(path: &Path) -> FrameStats {
    let img = image::open(path).expect("a readable PNG").to_rgb8();
    let n = (img.width() * img.height()) as f64;
    let mut sum = [0f64; 3];
    let (mut lum_sum, mut lum_sq) = (0f64, 0f64);
    let mut colours = std::collections::HashSet::new();
    let pixels: Vec<[u8; 3]> = img.pixels().map(|p| p.0).collect();
    for p in img.pixels() {
        let [r, g, b] = p.0.map(|c| c as f64);
        sum[0] += r;
        sum[1] += g;
        sum[2] += b;
        let lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        lum_sum += lum;
        lum_sq += lum * lum;
        colours.insert(p.0);
    }
    let mean_lum = lum_sum / n;
    FrameStats {
        width: img.width() as usize,
        height: img.height() as usize,
        pixels,
        mean: sum.map(|s| s / n),
        luminance_variance: lum_sq / n - mean_lum * mean_lum,
        distinct_colours: colours.len(),
    }
}

fn check_frame(name: &str, png: &Path) -> FrameStats {
    let s = frame_stats(png);
    println!(
        "{name}: {}: {}×{}, mean rgb {:.0?}, luminance variance {:.1}, {} colours",
        png.display(),
        s.width,
        s.height,
        s.mean,
        s.luminance_variance,
        s.distinct_colours
    );
    assert!(
        s.luminance_variance > 40.0,
        "{name}: frame is nearly uniform"
    );
    assert!(s.distinct_colours > 200, "{name}: frame has few colours");
    s
}

/// Juno's figure is in the picture: the middle of the frame, where the camera keeps her,
/// changes when she is hidden (the same view otherwise), and the rest of it hardly does.
fn juno_is_drawn(with: &FrameStats, without: &FrameStats) {
    let (width, height) = (with.width, with.height);
    assert_eq!(
        (without.width, without.height),
        (width, height),
        "the same size"
    );
    // Where she stands at 1280×720 (x 560 to 720, y 330 to 600), at any size.
    let middle = |i: usize| {
        let (x, y) = ((i % width) * 1280 / width, (i / width) * 720 / height);
        (560..720).contains(&x) && (330..600).contains(&y)
    };
    let share = |inside: bool| {
        let (mut changed, mut all) = (0usize, 0usize);
        for (i, (p, q)) in with.pixels.iter().zip(&without.pixels).enumerate() {
            if middle(i) != inside {
                continue;
            }
            all += 1;
            if (0..3).map(|c| p[c].abs_diff(q[c]) as u32).sum::<u32>() > 30 {
                changed += 1;
            }
        }
        changed as f64 / all as f64
    };
    let (figure, elsewhere) = (share(true), share(false));
    println!(
        "Juno's figure: {:.1}% of the middle changes without her, {:.2}% of the rest",
        figure * 100.0,
        elsewhere * 100.0
    );
    assert!(figure > 0.12, "Juno's figure is not drawn ({figure:.3})");
    assert!(
        elsewhere < figure / 4.0,
        "the whole picture changed, not her figure ({elsewhere:.3})"
    );
}

/// Share of pixels that differ clearly between two frames of the same size.
fn changed_share(a: &FrameStats, b: &FrameStats) -> f64 {
    let changed = a
        .pixels
        .iter()
        .zip(&b.pixels)
        .filter(|(p, q)| (0..3).map(|i| p[i].abs_diff(q[i]) as u32).sum::<u32>() > 30)
        .count();
    changed as f64 / a.pixels.len().max(1) as f64
}

fn luminance(s: &FrameStats) -> f64 {
    0.2126 * s.mean[0] + 0.7152 * s.mean[1] + 0.0722 * s.mean[2]
}

#[test]
fn every_screen_renders_and_the_dreams_differ() {
    if !can_render() {
        return;
    }
    let dir = out_dir();

    // Every screen, diving into Leo's dream on the way.
    let tour = dir.join("tour");
    let _ = std::fs::remove_dir_all(&tour);
    std::fs::create_dir_all(&tour).expect("tour folder");
    let start = Instant::now();
    // Without anti-aliasing and glow, and in a quarter of the pixels (`--half-size`,
    // laid out as at full size): what costs lavapipe most of a frame. Mara's dream below
    // has every default, at full size.
    let settings = settings_file("without-anti-aliasing-or-glow.toml");
    let status = run_game(
        &[
            "--tour",
            tour.to_str().unwrap(),
            "--dive",
            "leo",
            "--settings",
            &settings,
            "--half-size",
        ],
        Duration::from_secs(600),
    );
    assert!(status.success(), "tour: the game exited with {status}");
    // ...taken with the file's settings (the tour writes down those it began with).
    let began_with =
        std::fs::read_to_string(tour.join("settings.toml")).expect("the tour's settings");
    assert!(
        began_with.contains("anti_aliasing = false") && began_with.contains("glow = false"),
        "{began_with}"
    );
    println!(
        "tour of every screen took {:.1} s",
        start.elapsed().as_secs_f32()
    );
    let mut shots = Vec::new();
    for screen in [
        "title",
        "free-dive",
        "control-room",
        "dream",
        "dream-empty",
        "pause",
        "settings",
        "load",
        "controls",
        "what-was-said",
    ] {
        shots.push(check_frame(screen, &tour.join(format!("{screen}.png"))));
    }
    for shot in &shots {
        assert_eq!((shot.width, shot.height), (640, 360), "--half-size");
    }
    // Each screen shows something of its own, not the one before it again (the load
    // screen, with the game the tour saved, against the title without it; the controls
    // menu against the settings it is opened from; the lines said against the pause
    // menu).
    for (a, b) in [
        (0, 1),
        (1, 2),
        (2, 3),
        (3, 5),
        (5, 6),
        (0, 7),
        (6, 8),
        (5, 9),
    ] {
        let changed = changed_share(&shots[a], &shots[b]);
        println!(
            "screens {a} → {b}: {:.1}% of pixels differ",
            changed * 100.0
        );
        assert!(changed > 0.02, "screens {a} and {b} look the same");
    }
    // The pause menu dims the dream behind it.
    assert!(
        luminance(&shots[5]) < luminance(&shots[3]) * 0.9,
        "pause does not dim"
    );
    juno_is_drawn(&shots[3], &shots[4]);
    let leo = &shots[3];
    autosave_frames(&tour.join("saves-frames.csv"));

    // Mara's dream, straight from the command line, into a folder not made yet, with
    // every default setting (edges drawn smooth, glow).
    let _ = std::fs::remove_dir_all(dir.join("straight"));
    let mara_png = dir.join("straight/in/mara.png");
    let start = Instant::now();
    let status = run_game(
        &["--dive", "mara", "--screenshot", mara_png.to_str().unwrap()],
        Duration::from_secs(600),
    );
    assert!(status.success(), "mara: the game exited with {status}");
    println!("mara's dream took {:.1} s", start.elapsed().as_secs_f32());
    let mara = check_frame("mara", &mara_png);
    assert_eq!(
        (mara.width, mara.height),
        (1280, 720),
        "full size unless asked"
    );

    let colour_distance: f64 = (0..3)
        .map(|i| (leo.mean[i] - mara.mean[i]).powi(2))
        .sum::<f64>()
        .sqrt();
    println!("mean colour distance between Leo's and Mara's dreams: {colour_distance:.1}");
    assert!(colour_distance > 12.0, "Leo's and Mara's dreams look alike");
}

/// The game run with `args` and no display: its exit code and what it said on stderr.
fn run_without_a_display(
    args: impl IntoIterator<Item = impl AsRef<std::ffi::OsStr>>,
) -> (Option<i32>, String) {
    let output = Command::new(GAME)
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run the game");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stderr)
}

#[test]
fn without_a_display_the_game_explains_itself() {
    let (code, stderr) = run_without_a_display([""; 0]);
    assert_eq!(code, Some(1));
    assert_eq!(stderr.trim().lines().count(), 1, "one line, got: {stderr}");
    assert!(
        stderr.contains("no display") && stderr.contains("xvfb-run"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn a_picture_that_cannot_be_saved_fails_the_command_before_a_window_opens() {
    for args in [
        ["--dive", "leo", "--screenshot", "/dev/null/leo.png"],
        ["--tour", "/dev/null/tour", "--dive", "leo"],
    ] {
        let (code, stderr) = run_without_a_display(args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot make /dev/null") && !stderr.contains("no display"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn pictures_settings_that_cannot_be_read_fail_the_command_before_a_window_opens() {
    let broken = out_dir().join("broken-settings.toml");
    std::fs::write(&broken, "[picture]\nglow = false\nanti_aliasing = on\n").unwrap();
    let (code, stderr) = run_without_a_display(
        ["--dive", "leo", "--screenshot", "leo.png", "--settings"]
            .map(std::ffi::OsStr::new)
            .into_iter()
            .chain([broken.as_os_str()]),
    );
    assert_eq!(code, Some(1), "{stderr}");
    let said = format!("--settings {}:3:17: ", broken.display());
    assert!(
        stderr.contains(&said) && !stderr.contains("no display"),
        "{stderr}"
    );
}

/// What the tour's autosaves cost the rendered frame. Only autosaves in a steady stretch
/// count (the same screen for five frames before and three after: the frames around a
/// screen change are long for their own reasons): the worst of the two frames after each
/// against the median frame of that screen. Printed as figures (ratios of this run), not
/// asserted: the frames' lengths are the machine's.
fn autosave_frames(csv: &Path) {
    let text = std::fs::read_to_string(csv)
        .unwrap_or_else(|e| panic!("{}: the tour logs its frames: {e}", csv.display()));
    let frames: Vec<(f64, u64, &str)> = text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split(',');
            let ms = fields.next()?.parse().ok()?;
            let saves = fields.next()?.parse().ok()?;
            Some((ms, saves, fields.next()?))
        })
        .collect();
    let autosaved: Vec<usize> = (1..frames.len())
        .filter(|&i| frames[i].1 > frames[i - 1].1)
        .collect();
    assert!(!autosaved.is_empty(), "the tour's game never autosaved");
    let steady: Vec<usize> = autosaved
        .iter()
        .copied()
        .filter(|&i| {
            i >= 5 && i + 3 < frames.len() && (i - 5..=i + 3).all(|j| frames[j].2 == frames[i].2)
        })
        .collect();
    let median_of = |screen: &str| {
        let mut lengths: Vec<f64> = frames
            .iter()
            .filter(|f| f.2 == screen)
            .map(|f| f.0)
            .collect();
        lengths.sort_by(f64::total_cmp);
        lengths[lengths.len() / 2]
    };
    // An autosave begun in frame i shows in the length of frame i + 1 (a frame's length
    // is measured at its start).
    let ratios: Vec<(f64, f64, &str)> = steady
        .iter()
        .map(|&i| {
            let worst = frames[i + 1].0.max(frames[i + 2].0);
            (worst, median_of(frames[i].2), frames[i].2)
        })
        .collect();
    for (worst, median, screen) in &ratios {
        println!(
            "autosave on {screen}: next frames' worst {worst:.1} ms against that screen's \
             median {median:.1} ms ({:.2}×)",
            worst / median
        );
    }
    let highest = ratios.iter().map(|r| r.0 / r.1).fold(0.0, f64::max);
    println!(
        "autosaves in the rendered tour: {} over {} frames, {} in steady stretches; the \
         worst frame after one is {highest:.2}× its screen's median",
        autosaved.len(),
        frames.len(),
        steady.len()
    );
}
