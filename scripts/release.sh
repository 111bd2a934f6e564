#!/usr/bin/env bash
# Builds the packages players download, into dist/release/:
#   sleep-sync-VERSION-linux-x86_64.tar.gz   the optimised game (debug info stripped, its
#                                            symbols kept for crash reports' backtraces)
#   sleep-sync-VERSION-windows-x86_64.zip    sleep-sync.exe, cross-compiled (mingw-w64)
#   sleep-sync-VERSION-web.zip               the browser build (web-release + wasm-opt),
#                                            for any static host
# each with the base levels, an empty mods/ folder, README, START-HERE.txt, the changelog,
# the licences and the third-party notices. The build is stamped into the game
# (`--version`, the title screen, saves, replays, crash reports) as `COMMIT DATE`.
# Installs what it needs itself, only when missing (the Rust targets, mingw-w64, zip; for
# --check wine64, Xvfb and Mesa's lavapipe).
#
# Usage: bash scripts/release.sh [--check] [--only linux|windows|web]
#   --check  then unpack each package into an empty folder and play it from there, as a
#            player would, with no source tree and no environment (Windows under wine64):
#            --version, validate, preview, the shipped replays headless (the same
#            outcome and state hashes on Linux and Windows), a crash report, and the
#            Linux game's first frames in a window. Run it before each release.
# Cold on two cores: about 18 minutes for Linux and 18 for Windows (measured), about 30
# for the web build (its dependencies, the fat-LTO link and wasm-opt); the check adds
# about 10. Not part of CI (.ci/run): CI tests the game, this its packages.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/lib.sh

check=false
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=true ;;
    --only) only="${2:?--only needs linux, windows or web}"; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "release.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
case "$only" in
  ""|linux|windows|web) ;;
  *) echo "release.sh: --only takes linux, windows or web, not $only" >&2; exit 2 ;;
esac
wanted() { [ -z "$only" ] || [ "$only" = "$1" ]; }

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
if ! grep -q "^## $version\b" CHANGELOG.md; then
  echo "release.sh: CHANGELOG.md has no section for $version (a heading '## $version ...')" >&2
  exit 1
fi
# (Short enough that the version label, `0.1.0+3f2a9c1-dirty.2026-12-06`, fits a replay's
# 32 characters.)
commit=$(git rev-parse --short=7 HEAD)
[ -z "$(git status --porcelain --untracked-files=no)" ] || commit="$commit-dirty"
export SLEEP_SYNC_BUILD="$commit $(git log -1 --format=%cd --date=format:%Y-%m-%d)"
echo "release: Sleep Sync $version ($SLEEP_SYNC_BUILD)"

bash scripts/setup.sh
need_packages zip unzip

dist=dist/release
mkdir -p "$dist"
sizes="$dist/sizes.md"
: > "$sizes.new"

# The files every package holds beside the game: levels, an empty mods/ folder that says
# what goes in it, the player's notes, the licences, and what the game is made of.
# $1: the folder, $2: the Rust target (for the notices), $3: desktop|web.
common_files() {
  local into=$1 target=$2 kind=$3
  # (The web build has put its own there already.)
  [ -d "$into/levels" ] || cp -r levels "$into/levels"
  [ -d "$into/assets" ] || cp -r assets "$into/assets"
  cp README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE "$into/"
  mkdir -p "$into/licenses"
  # egui's fonts' licences, from the version of the fonts' crate Cargo.lock holds.
  local fonts
  fonts=$(cargo metadata --locked --format-version 1 | python3 -c '
import json, os, sys
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == "epaint_default_fonts":
        print(os.path.join(os.path.dirname(p["manifest_path"]), "fonts"))' | head -n 1)
  cp "$fonts"/UFL.txt "$fonts"/Hack-Regular.txt "$fonts"/emoji-icon-font-mit-license.txt \
    "$into/licenses/"
  if [ "$kind" = desktop ]; then
    cp "$fonts"/OFL.txt "$into/licenses/"
    mkdir -p "$into/mods"
    cat > "$into/mods/README.txt" <<'EOF'
Mods go here: one folder per mod, with level files (dreamers, dreams, dialogue,
scenes) as MODDING.md describes. The game loads every folder here after its own
levels; `sleep-sync validate` checks them and lists every problem.
EOF
    cp docs/modding.md "$into/MODDING.md"
  fi
  sed -e "s/__VERSION__/$version/" -e "s/__BUILD__/$SLEEP_SYNC_BUILD/" \
    "scripts/release/START-HERE-$kind.txt" > "$into/START-HERE.txt"
  {
    echo "Sleep Sync $version is made with these Rust crates (name, version, licence, source),"
    echo "each under the licence named; the texts of the licences are theirs, at the source."
    echo "It also carries egui's fonts: Ubuntu Light (Ubuntu Font Licence 1.0, licenses/UFL.txt)"
    echo "and Hack (MIT, with the Bitstream Vera licence, licenses/Hack-Regular.txt)"
    if [ "$kind" = desktop ]; then
      echo "and emoji-icon-font (MIT, licenses/emoji-icon-font-mit-license.txt), and Noto Emoji"
      echo "(SIL Open Font Licence 1.1, licenses/OFL.txt)."
    else
      echo "and two symbols of emoji-icon-font (MIT, licenses/emoji-icon-font-mit-license.txt),"
      echo "all three cut down to the characters the game writes; Ubuntu Light's cut is named"
      echo "\"Ubuntu derivative Sleep Sync\", as its licence asks."
    fi
    echo
    cargo tree --locked --quiet --target "$target" --edges normal --prefix none \
      --format '{p} | {l} | {r}' | sed 's/ (\*)$//; s/ (proc-macro)//' | grep -v '^sleep_sync ' | sort -u
  } > "$into/THIRD-PARTY.txt"
}

# $1: the archive; records its size and the unpacked size of $2.
record_size() {
  local archive=$1 folder=$2 what=$3
  local packed unpacked
  packed=$(stat -c %s "$archive")
  unpacked=$(du -sb "$folder" | cut -f1)
  printf '| %s | `%s` | %.2f MB | %.2f MB |\n' "$what" "$(basename "$archive")" \
    "$(awk -v b="$packed" 'BEGIN{print b/1e6}')" "$(awk -v b="$unpacked" 'BEGIN{print b/1e6}')" \
    >> "$sizes.new"
}

linux_name="sleep-sync-$version-linux-x86_64"
windows_name="sleep-sync-$version-windows-x86_64"
web_name="sleep-sync-$version-web"

if wanted linux; then
  echo "release: Linux x86_64"
  cargo build --locked --release --bin sleep-sync
  stage="$dist/$linux_name"
  rm -rf "$stage" && mkdir -p "$stage"
  cp "$CARGO_TARGET_DIR/release/sleep-sync" "$stage/sleep-sync"
  common_files "$stage" x86_64-unknown-linux-gnu desktop
  tar -C "$dist" -czf "$dist/$linux_name.tar.gz" "$linux_name"
  record_size "$dist/$linux_name.tar.gz" "$stage" "Linux x86_64"
fi

if wanted windows; then
  echo "release: Windows x86_64 (x86_64-pc-windows-gnu, cross-compiled)"
  need_target x86_64-pc-windows-gnu
  need_packages gcc-mingw-w64-x86-64
  cargo build --locked --release --target x86_64-pc-windows-gnu --bin sleep-sync
  stage="$dist/$windows_name"
  rm -rf "$stage" && mkdir -p "$stage"
  cp "$CARGO_TARGET_DIR/x86_64-pc-windows-gnu/release/sleep-sync.exe" "$stage/"
  common_files "$stage" x86_64-pc-windows-gnu desktop
  # Windows' own editors and Notepad read CRLF text.
  for f in "$stage"/*.txt "$stage"/*.md "$stage"/LICENSE-* "$stage"/mods/README.txt "$stage"/licenses/*; do
    sed -i 's/\r\{0,1\}$/\r/' "$f"
  done
  rm -f "$dist/$windows_name.zip"
  (cd "$dist" && zip -q -r -9 "$windows_name.zip" "$windows_name")
  record_size "$dist/$windows_name.zip" "$stage" "Windows x86_64"
fi

if wanted web; then
  echo "release: the web bundle"
  stage="$dist/$web_name"
  bash scripts/web-build.sh "$stage"
  common_files "$stage" wasm32-unknown-unknown web
  rm -f "$dist/$web_name.zip"
  (cd "$stage" && zip -q -r -9 "../$web_name.zip" .)
  record_size "$dist/$web_name.zip" "$stage" "Web bundle"
fi

{
  echo "Sleep Sync $version ($SLEEP_SYNC_BUILD), packages built $(date -u +%Y-%m-%d):"
  echo
  echo "| Package | File | Download | Unpacked |"
  echo "|---|---|---|---|"
  cat "$sizes.new"
} > "$sizes"
rm -f "$sizes.new"
cat "$sizes"

if $check; then
  bash scripts/release/check.sh "$version" "$SLEEP_SYNC_BUILD" "${only:-all}"
fi
