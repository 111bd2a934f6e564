#!/usr/bin/env bash
# Cross-builds the game for Windows (x86_64-pc-windows-gnu, the dev profile the tests
# use) and plays the shipped replays headless under Wine: each must play out as recorded
# on Linux, every state-hash checkpoint the same. Installs the Rust target, mingw-w64 and
# wine64 when missing. About 20 minutes cold on two cores (the engine for a new target),
# a minute warm. Not part of CI (.ci/run): run it when the simulation or the engine changes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh

rustup target list --installed | grep -q '^x86_64-pc-windows-gnu$' || rustup target add x86_64-pc-windows-gnu
missing=()
for p in gcc-mingw-w64-x86-64 wine64; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

target=x86_64-pc-windows-gnu
cargo build --locked --target "$target" --bin sleep-sync
out="$CARGO_TARGET_DIR/$target/debug"
# Wine 8 has no bcryptprimitives.dll, which Rust's standard library needs: a stand-in
# beside the program, for this check only.
x86_64-w64-mingw32-gcc -shared -O2 -o "$out/bcryptprimitives.dll" scripts/wine/bcryptprimitives.c -ladvapi32

export WINEDEBUG=-all WINEPREFIX="${WINEPREFIX:-$CARGO_TARGET_DIR/wine}"
# Debian's wine64 package puts its loader behind the `wine` wrapper.
wine=$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)
"$wine" "$out/sleep-sync.exe" --help >/dev/null 2>&1 || true   # the prefix, made once
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
