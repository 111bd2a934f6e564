#!/usr/bin/env bash
# Builds the browser version of the game into dist/web/ (or $1), ready to serve with
# scripts/web-serve.sh. Installs what it needs itself, once: the wasm32 target,
# wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock, and binaryen's
# wasm-opt (from npm: Debian's binaryen is older than the features rustc emits).
# Prints the size of the game's .wasm raw, after wasm-opt, and gzipped.
#
# Usage: web-build.sh [--quick] [OUT]
#   --quick  the test suite's build: profile web-quick (no whole-program optimisation,
#            whose link takes minutes) and no wasm-opt (about 7 minutes on one core). It
#            plays the same game, only bigger; scripts/bench.sh plays the players' build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/lib.sh
quick=false
if [ "${1:-}" = "--quick" ]; then
  quick=true
  shift
fi
out="${1:-dist/web}"
tools="${SLEEP_SYNC_WEB_TOOLS:-/var/tmp/sleep-sync-web-tools}"
mkdir -p "$tools"

# Tools, each only when missing.
need_target wasm32-unknown-unknown
bindgen_version=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
if ! "$tools/bin/wasm-bindgen" --version 2>/dev/null | grep -q " $bindgen_version\$"; then
  # Not --locked: a dependency version it locks is missing from the registry here.
  CARGO_TARGET_DIR="$tools/cargo-target" \
    cargo install wasm-bindgen-cli --version "=$bindgen_version" --root "$tools"
fi
if ! $quick && [ ! -x "$tools/node_modules/.bin/wasm-opt" ]; then
  need_command npm npm
  npm install --no-save --prefix "$tools" binaryen@132
fi

# The game, size-tuned (profile web-release in Cargo.toml), or quickly built (web-quick).
profile=web-release
$quick && profile=web-quick
cargo build --locked --profile "$profile" --target wasm32-unknown-unknown --bin sleep-sync
wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$profile/sleep-sync.wasm"

rm -rf "$out"
mkdir -p "$out"
"$tools/bin/wasm-bindgen" --target web --no-typescript --remove-name-section \
  --remove-producers-section --out-dir "$out" --out-name sleep_sync "$wasm"
raw=$(stat -c %s "$out/sleep_sync_bg.wasm")
if ! $quick; then
  "$tools/node_modules/.bin/wasm-opt" -Oz --strip-debug \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/sleep_sync_bg.wasm" -o "$out/sleep_sync_bg.opt.wasm"
  mv "$out/sleep_sync_bg.opt.wasm" "$out/sleep_sync_bg.wasm"
fi
optimised=$(stat -c %s "$out/sleep_sync_bg.wasm")
gzipped=$(gzip -9 -c "$out/sleep_sync_bg.wasm" | wc -c)

# The page, and the base game's levels beside it.
sed "s/__WASM_BYTES__/$optimised/" web/index.html > "$out/index.html"
cp -r levels "$out/levels"
cp -r assets "$out/assets"

mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
if $quick; then
  echo "sleep_sync_bg.wasm: $(mb "$raw") raw (after wasm-bindgen; profile web-quick, no wasm-opt: --quick), $(mb "$gzipped") gzipped"
else
  echo "sleep_sync_bg.wasm: $(mb "$raw") raw (after wasm-bindgen), $(mb "$optimised") after wasm-opt -Oz, $(mb "$gzipped") gzipped"
fi
echo "web build written to $out/; serve it with: bash scripts/web-serve.sh"
