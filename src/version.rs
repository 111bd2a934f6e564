//! Which Sleep Sync this is: the version (Cargo.toml's), the build, and the platform.
//! Said by `sleep-sync --version`, in the title screen's corner, and written into every
//! replay, save and crash report, so that a file or a bug report says what made it.
//!
//! The build is set by `scripts/release.sh` (`SLEEP_SYNC_BUILD`: the commit and the
//! date); any other build is a developer's, `dev`. It is read when the crate compiles
//! (rustc tracks the variable), so a released binary carries it with no files beside it.

/// The game's version (`Cargo.toml`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The build: `<commit> <date>` for a release package, `dev` otherwise.
pub const BUILD: &str = match option_env!("SLEEP_SYNC_BUILD") {
    Some(build) if !build.is_empty() => build,
    _ => "dev",
};

/// Where this build runs: `linux-x86_64`, `windows-x86_64`, `web-wasm32`, ...
pub fn platform() -> String {
    if cfg!(target_arch = "wasm32") {
        "web-wasm32".to_owned()
    } else {
        format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH)
    }
}

/// The most characters of a [`label`] (what a replay file accepts).
pub const MAX_LABEL: usize = 32;

/// The version and build as replays, saves and crash reports record them, a semantic
/// version with the build as its metadata: `0.1.0+dev`, `0.1.0+3f2a9c1.2026-12-06`.
/// Letters, digits, `.`, `-` and `+` only, at most [`MAX_LABEL`] characters.
pub fn label() -> String {
    label_of(VERSION, BUILD)
}

/// [`label`] of a version and build.
fn label_of(version: &str, build: &str) -> String {
    // Runs of anything else become one `.`, so no identifier is empty.
    let mut clean = String::new();
    for c in build.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            clean.push(c);
        } else if !clean.is_empty() && !clean.ends_with('.') {
            clean.push('.');
        }
    }
    let mut label = format!("{version}+{clean}");
    // ASCII by now, so any length is a character boundary; no identifier left empty.
    label.truncate(MAX_LABEL);
    label.trim_end_matches(['.', '+']).to_owned()
}

/// `sleep-sync --version`: `Sleep Sync 0.1.0+3f2a9c1.2026-12-06 linux-x86_64`.
pub fn describe() -> String {
    format!("Sleep Sync {} {}", label(), platform())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_a_semantic_version_a_replay_accepts() {
        assert_eq!(label_of("0.1.0", "dev"), "0.1.0+dev");
        assert_eq!(
            label_of("0.1.0", "3f2a9c1-dirty 2026-12-06"),
            "0.1.0+3f2a9c1-dirty.2026-12-06"
        );
        // Whatever a build is called, the label stays within what a replay reads.
        let odd = label_of(
            "0.1.0",
            "feature/ünïcode build, from a very long branch name",
        );
        assert!(odd.len() <= MAX_LABEL && odd.is_ascii(), "{odd}");
        assert!(odd.starts_with("0.1.0+feature.n.code.build."), "{odd}");
        // Every identifier of the build metadata is there: none empty.
        let (_, metadata) = odd.split_once('+').expect("a build");
        assert!(metadata.split('.').all(|id| !id.is_empty()), "{odd}");
        assert_eq!(label_of("0.1.0", "  "), "0.1.0");
    }

    #[test]
    fn the_label_holds_the_version_and_the_build() {
        assert_eq!(
            label(),
            format!("{}+{}", env!("CARGO_PKG_VERSION"), BUILD.replace(' ', "."))
        );
        assert!(!BUILD.is_empty() && label().len() <= MAX_LABEL);
        assert!(
            label()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".+-".contains(c))
        );
        let described = describe();
        assert!(described.starts_with("Sleep Sync 0."), "{described}");
        assert!(described.ends_with(&platform()), "{described}");
        assert!(platform().contains('-'), "{}", platform());
    }
}
