//! Running the real game under Xvfb with Mesa's lavapipe Vulkan driver, for the tests
//! that look at its rendered pictures (`rendered_frame.rs`, `colour_blind.rs`).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const ICD_DIR: &str = "/usr/share/vulkan/icd.d";
pub const GAME: &str = env!("CARGO_BIN_EXE_sleep-sync");

/// Mesa lavapipe's Vulkan driver manifest, for whatever architecture this is.
pub fn lavapipe_icd() -> Option<PathBuf> {
    std::fs::read_dir(ICD_DIR)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("lvp_icd") && n.ends_with(".json"))
        })
}

pub fn renderer_available() -> bool {
    let xvfb = Command::new("sh")
        .args(["-c", "command -v xvfb-run"])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    xvfb && lavapipe_icd().is_some()
}

/// One of the pictures' settings files in this folder (`--settings`): what it turns off
/// costs lavapipe most of a frame, and is pictured with every default elsewhere.
pub fn settings_file(name: &str) -> String {
    format!("{}/tests/render/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn out_dir() -> PathBuf {
    let dir = std::env::var_os("SLEEP_SYNC_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("sleep-sync-frames"));
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// Runs the game under Xvfb until it exits, at most `limit`; returns its exit status.
pub fn run_game(args: &[&str], limit: Duration) -> std::process::ExitStatus {
    // winit and Mesa complain (harmlessly, but loudly) without a runtime folder.
    let runtime = std::env::temp_dir().join("sleep-sync-xdg-runtime");
    std::fs::create_dir_all(&runtime).expect("runtime folder");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700));
    }
    let mut command = Command::new("xvfb-run");
    command
        .args(["-a", "-s", "-screen 0 1280x720x24", GAME])
        .args(args)
        .env("WGPU_BACKEND", "vulkan")
        .env("VK_ICD_FILENAMES", lavapipe_icd().expect("lavapipe"))
        .env("XDG_RUNTIME_DIR", &runtime);
    // Its own process group, so a timeout can stop Xvfb and the game with it.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().expect("start xvfb-run");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for the game") {
            return status;
        }
        if start.elapsed() > limit {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            panic!("the game did not exit within {limit:?} (args {args:?})");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Whether the pictures can be rendered here. Without xvfb-run and lavapipe a test
/// skips, unless `SLEEP_SYNC_REQUIRE_RENDER` (set by `scripts/test.sh`) makes it fail.
pub fn can_render() -> bool {
    if renderer_available() {
        return true;
    }
    assert!(
        std::env::var_os("SLEEP_SYNC_REQUIRE_RENDER").is_none(),
        "xvfb-run or lavapipe (in {ICD_DIR}) missing but SLEEP_SYNC_REQUIRE_RENDER is set"
    );
    eprintln!("skipping: xvfb-run or lavapipe not installed (run scripts/test.sh)");
    false
}
