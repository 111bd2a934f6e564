#!/usr/bin/env bash
# Cross-builds the game for Windows (x86_64-pc-windows-gnu, the dev profile the tests
# use) and plays the shipped replays headless under Wine: each must play out as recorded
# on Linux, every state-hash checkpoint the same. Installs the Rust target, mingw-w64 and
# wine64 when missing. About 20 minutes cold on two cores (the engine for a new target),
# a minute warm. Not part of CI (.ci/run): run it when the simulation or the engine changes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/lib.sh
bash scripts/setup.sh

need_target x86_64-pc-windows-gnu
need_packages gcc-mingw-w64-x86-64 wine64

target=x86_64-pc-windows-gnu
cargo build --locked --target "$target" --bin sleep-sync
out="$CARGO_TARGET_DIR/$target/debug"
# A Wine prefix of its own (never the user's WINEPREFIX), holding the stand-in for the
# DLL Wine 8 lacks; none beside the program, where an older version of this script put
# one (Windows would load that first).
export WINEDEBUG=-all WINEPREFIX="$CARGO_TARGET_DIR/wine"
rm -f "$out/bcryptprimitives.dll"
wine_prefix_ready "$WINEPREFIX"
wine=$(wine_program)
failed=0
for replay in tests/replays/*.replay.ron; do
  started=$(date +%s)
  if said=$("$wine" "$out/sleep-sync.exe" replay --headless "$replay" 2>&1 | tr -d '\r'); then
    echo "windows: $(tail -n 1 <<<"$said") ($(( $(date +%s) - started )) s)"
  else
    echo "windows: $replay did not play out as recorded: $said" >&2
    failed=1
  fi
done
exit "$failed"
