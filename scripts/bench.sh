#!/usr/bin/env bash
# Runs the generator, level-file, network, saved-game, figure and control-room benchmarks
# (criterion) and prints the tables of docs/generator.md; then the store's kill test at
# full size (2,000 kills; CI runs 200), the bounded-generation sweep at full size (50
# seeds at every size; CI runs 12 at 1025 samples), the strangers at full size (1,000; CI
# runs 50) and the browser build playing all four shipped replays (CI plays one), with
# its size by crate; and the desktop's frame pacing (the game in a window through the
# title, the control room and two dives; CI runs the same route headless).
# The figures are ratios within one run; absolute times depend on the machine.
# Uses the dev profile the tests use (dependencies at opt-level 2, the game at 2), so no
# separate optimised build of the engine is needed. With the dev tools, as the tests
# build (the dream benchmark reads the shipped levels with their helpers).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh --test
cargo bench --locked --profile dev --features dev --bench dream --bench levels --bench network --bench saves --bench figures --bench control_room -- --noplot "$@" 2>&1 \
    | tee "$CARGO_TARGET_DIR/bench-output.txt"
KILLS="${KILLS:-2000}" cargo test --locked --features dev --test store -- a_writer_killed --nocapture 2>&1 \
    | tee -a "$CARGO_TARGET_DIR/bench-output.txt"
# Bounded generation at full size (CI sweeps 50 seeds per size and 12 at 1025 samples).
SLEEP_SYNC_BOUNDED_SEEDS=50 SLEEP_SYNC_BOUNDED_LARGEST=50 \
    cargo test --locked --features dev --test game -- bounded_generation:: --nocapture 2>&1 \
    | tee -a "$CARGO_TARGET_DIR/bench-output.txt"
# Strangers at full size (CI checks 50 and plays 50 dives): 1,000 trapped sleepers' dreams
# and talks, and the scripted player diving for 1,000 of them.
SLEEP_SYNC_STRANGERS="${STRANGERS:-1000}" SLEEP_SYNC_STRANGER_DIVES="${STRANGER_DIVES:-1000}" \
    cargo test --locked --features dev --test game -- strangers:: --nocapture --test-threads 1 2>&1 \
    | tee -a "$CARGO_TARGET_DIR/bench-output.txt"
# The players' browser build (web-release and wasm-opt; CI plays the quicker web-test
# build) plays all four shipped replays (CI plays the evening's) against the checkpoints
# recorded on Linux (what must match: tests/web/smoke.mjs), and measures the frames of
# a loop change in the free dive as well as of its first loop (CI: the first loop).
web="$CARGO_TARGET_DIR/web-bench"
bash scripts/web-build.sh "$web" 2>&1 | tee -a "$CARGO_TARGET_DIR/bench-output.txt"
# Where its bytes go, by crate (from the build's name section, before wasm-bindgen).
python3 scripts/wasm-sizes.py "$CARGO_TARGET_DIR/wasm32-unknown-unknown/web-release/sleep-sync.wasm" \
    | tee -a "$CARGO_TARGET_DIR/bench-output.txt"
SLEEP_SYNC_WEB_REPLAYS=bedtime,mara,family,leo SLEEP_SYNC_WEB_LOOP_CHANGE=1 WEB_DIR="$web" \
    bash scripts/web-test.sh "$CARGO_TARGET_DIR/web-dream.png" 2>&1 \
    | tee -a "$CARGO_TARGET_DIR/bench-output.txt"
# The desktop's frame pacing: the game in a window (Xvfb; Mesa's lavapipe draws on the
# CPU) played by a script through the title, the control room with every panel open and
# dives into Leo's and Mara's nightmares with two loop changes each, stepped 1/60 s a
# frame; each frame's game side (First to Last, not the drawing) timed (dev::pacing).
# About 10 minutes (the dives are drawn at 640x360).
cargo build --locked --features dev --bin sleep-sync
pacing="$CARGO_TARGET_DIR/pacing"
icd=$(ls /usr/share/vulkan/icd.d/lvp_icd.*.json | head -n 1)
xvfb-run -a -s "-screen 0 1280x720x24" env WGPU_BACKEND=vulkan VK_ICD_FILENAMES="$icd" \
    "$CARGO_TARGET_DIR/debug/sleep-sync" --tour "$pacing" --pacing >"$pacing.log" 2>&1 \
    || { tail -n 40 "$pacing.log"; exit 1; }
{ echo "Desktop frame pacing (game side of each frame, ms):"; cat "$pacing/pacing.md"; } \
    | tee -a "$CARGO_TARGET_DIR/bench-output.txt"
