#!/usr/bin/env bash
# Checks the packages in dist/release/ as a player gets them (`scripts/release.sh --check`
# builds them, then runs this): each is unpacked into an empty folder and run from
# another one, with an empty environment (no source tree, no cargo variables, no
# SLEEP_SYNC_DATA, a home folder of its own). The Windows package runs under wine64, with
# Wine's missing bcryptprimitives.dll stood in for inside Wine's own folder, never the
# package's.
#
# Each desktop package: --version says this version and build; `validate` passes;
# `preview` draws a dream; the shipped replays play headless as recorded (every state
# hash the same as the checkpoints recorded in them); `crash-test` writes a crash report
# into the player's folder, naming the function that panicked; `save where` names that
# folder; `new-dream` makes a mod in the package's own mods/ folder, which `validate`
# then finds and `preview` draws. Then: the Linux and Windows replays' verdicts are the
# same, line for line; the Windows program is a windowed one (no console window); the
# Linux game draws a dream in a window (Xvfb and lavapipe) and its frames are timed. The
# web bundle is played in headless Chromium by scripts/web-test.sh, with the four
# shipped replays, whose verdicts must be Linux's.
#
# Usage: scripts/release/check.sh VERSION BUILD [all|linux|windows|web]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
source scripts/lib.sh
version=$1
build=$2
label="$version+${build// /.}"
which=${3:-all}
wanted() { [ "$which" = all ] || [ "$which" = "$1" ]; }
dist=dist/release
work=$(mktemp -d /tmp/sleep-sync-release-check.XXXXXX)
failures=0
fail() {
  echo "release check: FAILED: $*" >&2
  failures=$((failures + 1))
}
ok() { echo "release check: ok: $*"; }
# Whether the file $1 is a PNG picture (its signature).
is_png() { [ "$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }

# The checks every desktop package passes. $1: the platform's name; the function `run`
# runs the unpacked game with its arguments, from the folder $runner, in an empty
# environment; $home is the player's home there, $data a folder holding the player's
# folder, and $reports the `find -path` pattern of the reports there (not the
# temporary folder's, where a report goes when the player's folder cannot be had).
desktop_checks() {
  local platform=$1
  local said
  said=$(run --version 2>&1) || true
  if [ "$said" = "Sleep Sync $label $platform" ]; then
    ok "$platform: --version: $said"
  else
    fail "$platform: --version said \"$said\", not \"Sleep Sync $label $platform\""
  fi

  if said=$(run validate 2>&1); then
    ok "$platform: validate: $(tail -n 1 <<<"$said")"
  else
    fail "$platform: validate: $said"
  fi

  rm -f "$runner/leo.png"
  if run preview --dream leo --out leo.png >/dev/null 2>&1 && is_png "$runner/leo.png"; then
    ok "$platform: preview: leo.png, $(stat -c %s "$runner/leo.png") bytes"
  else
    fail "$platform: preview drew no PNG"
  fi

  : > "$work/$platform-replays.txt"
  for replay in "$runner"/replays/*.replay.ron; do
    local name started
    name="replays/$(basename "$replay")"
    started=$(date +%s)
    if said=$(run replay --headless "$name" 2>&1); then
      echo "$said" | tail -n 1 >> "$work/$platform-replays.txt"
      ok "$platform: $(tail -n 1 <<<"$said") ($(($(date +%s) - started)) s)"
    else
      echo "$said" | tail -n 1 >> "$work/$platform-replays.txt"
      fail "$platform: $name did not play out as recorded: $said"
    fi
  done

  local crashed=0
  said=$(run crash-test 2>&1) || crashed=$?
  local report
  report=$(find "$data" -path "$reports" 2>/dev/null | head -n 1 || true)
  if [ "$crashed" -eq 0 ]; then
    fail "$platform: crash-test did not crash"
  elif [ -z "$report" ]; then
    fail "$platform: crash-test wrote no report under $data: $said"
  elif ! grep -q "A report was written to" <<<"$said"; then
    fail "$platform: crash-test did not say where the report is: $said"
  elif ! grep -qxF "version: $label" "$report"; then
    fail "$platform: the crash report does not say this version: $(head -n 3 "$report")"
  elif ! grep -q "panic_on_purpose" "$report"; then
    fail "$platform: the crash report's backtrace names no function: $(sed -n '/^backtrace:/,/^$/p' "$report" | head -n 12)"
  else
    ok "$platform: crash-test (exit $crashed): $(wc -c <"$report") bytes at ${report#"$home"/}; its backtrace names panic_on_purpose"
  fi

  said=$(run save where 2>&1 || true)
  if grep -q "studio.sleepsync.SleepSync" <<<"$said"; then
    ok "$platform: save where: $(head -n 1 <<<"$said")"
  else
    fail "$platform: save where: $said"
  fi

  # Its mods folder: the one beside the game, wherever it is unpacked. A new mod made
  # there must be found, validate and draw (last: the replays ran without it).
  if ! said=$(run new-dream release_check 2>&1); then
    fail "$platform: new-dream: $said"
  elif [ ! -f "$package/mods/release_check/mod.ron" ]; then
    fail "$platform: new-dream wrote its mod elsewhere than the package's mods/: $said"
  elif ! said=$(run validate 2>&1) || ! grep -q ", 1 mod: " <<<"$said"; then
    fail "$platform: validate did not find the new mod in the package's mods/: $(tail -n 2 <<<"$said")"
  elif ! run preview --dream release_check --out mod.png >/dev/null 2>&1 || ! is_png "$runner/mod.png"; then
    fail "$platform: preview did not draw the new mod's dream"
  else
    ok "$platform: a mod made in the package's mods/ is found, validates and draws: $(tail -n 1 <<<"$said")"
  fi
}

# A player's folder to run from: the shipped replays in it, nothing else.
new_runner() {
  runner="$work/$1-run"
  home="$work/$1-home"
  mkdir -p "$runner/replays" "$home"
  cp tests/replays/*.replay.ron "$runner/replays/"
}

linux_name="sleep-sync-$version-linux-x86_64"
windows_name="sleep-sync-$version-windows-x86_64"
web_name="sleep-sync-$version-web"
clean_path=/usr/local/bin:/usr/bin:/bin

if wanted linux; then
  mkdir -p "$work/linux"
  tar -xzf "$dist/$linux_name.tar.gz" -C "$work/linux"
  package="$work/linux/$linux_name"
  exe="$package/sleep-sync"
  new_runner linux
  data="$home/.config"
  reports="$data/studio.sleepsync.SleepSync/crash-reports/crash-*.txt"
  run() { (cd "$runner" && env -i PATH="$clean_path" HOME="$home" LANG=C.UTF-8 timeout 900 "$exe" "$@"); }
  desktop_checks linux-x86_64

  # The game itself, in a window: a dream drawn from the package, its frames timed.
  scripts/setup.sh --test >/dev/null
  icd=$(ls /usr/share/vulkan/icd.d/lvp_icd.*.json | head -n 1)
  # (xvfb-run gives the display and its key; the game gets nothing else.)
  if (cd "$runner" && xvfb-run -a -s "-screen 0 1280x720x24" bash -c \
    'exec env -i PATH="$1" HOME="$2" LANG=C.UTF-8 DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" \
      WGPU_BACKEND=vulkan VK_ICD_FILENAMES="$3" SLEEP_SYNC_FRAME_LOG="$4" \
      timeout 600 "$5" --dive leo --screenshot leo-dream.png' \
    _ "$clean_path" "$home" "$icd" "$work/linux-frames.txt" "$exe" \
    >"$work/linux-window.log" 2>&1) && [ -s "$runner/leo-dream.png" ]; then
    median() { awk -v c="$2" '{ print $c }' "$1" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
    ok "linux-x86_64: the game drew Leo's dream in a window ($(stat -c %s "$runner/leo-dream.png") bytes); median of 60 frames: whole $(median "$work/linux-frames.txt" 1) ms, the game's side $(median "$work/linux-frames.txt" 2) ms"
  else
    fail "linux-x86_64: the game did not draw a dream in a window: $(tail -n 5 "$work/linux-window.log")"
  fi
fi

if wanted windows; then
  need_packages wine64 gcc-mingw-w64-x86-64
  # (grep reads all of the listing: with -q it could stop early and unzip's SIGPIPE
  # would fail the pipe, hiding a match.)
  if unzip -l "$dist/$windows_name.zip" | grep -i 'bcryptprimitives' >/dev/null; then
    fail "windows: the zip holds Wine's stand-in DLL"
  fi
  mkdir -p "$work/windows"
  unzip -q "$dist/$windows_name.zip" -d "$work/windows"
  package="$work/windows/$windows_name"
  exe="$package/sleep-sync.exe"
  subsystem=$(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^Subsystem[[:space:]]*//p')
  if grep -q "Windows GUI" <<<"$subsystem"; then
    ok "windows: sleep-sync.exe is a windowed program (subsystem $subsystem): no console window"
  else
    fail "windows: sleep-sync.exe's subsystem is $subsystem, not Windows GUI"
  fi
  new_runner windows
  wine=$(wine_program)
  prefix="$home/wine"
  # Wine's own folder gets the stand-in; the package stays as a player unpacks it.
  wine_prefix_ready "$prefix" "$home"
  data="$prefix/drive_c/users"
  reports="*/AppData/Local/studio.sleepsync.SleepSync/crash-reports/crash-*.txt"
  # (A hang, such as a message box waiting for a click, fails the step, not the check.)
  run() {
    (cd "$runner" && env -i PATH="$clean_path" HOME="$home" WINEPREFIX="$prefix" WINEDEBUG=-all \
      timeout 900 "$wine" "$exe" "$@" | tr -d '\r')
  }
  desktop_checks windows-x86_64
  if wanted linux; then
    if diff "$work/linux-x86_64-replays.txt" "$work/windows-x86_64-replays.txt" >"$work/replays.diff"; then
      ok "the shipped replays play out the same on Linux and Windows ($(wc -l <"$work/linux-x86_64-replays.txt") replays, every checkpoint's state hash as recorded)"
    else
      fail "the replays differ between Linux and Windows: $(cat "$work/replays.diff")"
    fi
  fi
fi

if wanted web; then
  mkdir -p "$work/web"
  unzip -q "$dist/$web_name.zip" -d "$work/web"
  for f in index.html sleep_sync.js sleep_sync_bg.wasm levels START-HERE.txt LICENSE-MIT THIRD-PARTY.txt; do
    [ -e "$work/web/$f" ] || fail "web: the bundle lacks $f"
  done
  # All four shipped replays, as bench.sh plays them (CI plays the evening's).
  if SLEEP_SYNC_WEB_REPLAYS=bedtime,family,leo,mara WEB_DIR="$work/web" \
    bash scripts/web-test.sh "$work/web-dream.png" >"$work/web-test.log" 2>&1; then
    ok "web: the bundle played in headless Chromium (log $work/web-test.log)"
    { grep "^browser replay: done:" "$work/web-test.log" || true; } \
      | while read -r line; do ok "web: ${line#browser replay: done: }"; done
  else
    fail "web: the browser test failed: $(tail -n 5 "$work/web-test.log")"
  fi
  if wanted linux; then
    # The verdicts, by replay: "NAME.replay.ron: 2 loops, ... (as recorded; N of N
    # checkpoints matched)" from each.
    sed 's#^replays/##' "$work/linux-x86_64-replays.txt" | sort >"$work/linux-verdicts.txt"
    sed -n 's/^browser replay: done: \(.*)\) ([0-9.]* s at .*$/\1/p' "$work/web-test.log" \
      | sort >"$work/web-verdicts.txt"
    if [ ! -s "$work/web-verdicts.txt" ]; then
      fail "the browser played no replay to the end"
    elif diff "$work/linux-verdicts.txt" "$work/web-verdicts.txt" >"$work/web-replays.diff"; then
      ok "the shipped replays play out the same in the browser as on Linux ($(wc -l <"$work/web-verdicts.txt") replays)"
    else
      fail "the replays differ between Linux and the browser: $(cat "$work/web-replays.diff")"
    fi
  fi
fi

echo "release check: what ran is in $work"
if [ "$failures" -gt 0 ]; then
  echo "release check: $failures FAILED" >&2
  exit 1
fi
echo "release check: every check passed"
