#!/usr/bin/env bash
# Runs the generator, level-file, network, saved-game and figure benchmarks (criterion) and prints
# the tables of docs/generator.md; then the store's kill test at full size (2,000 kills;
# CI runs 200).
# The figures are ratios within one run; absolute times depend on the machine.
# Uses the dev profile the tests use (dependencies at opt-level 2, the game at 2), so no
# separate optimised build of the engine is needed. With the dev tools, as the tests
# build (the dream benchmark reads the shipped levels with their helpers).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
cargo bench --locked --profile dev --features dev --bench dream --bench levels --bench network --bench saves --bench figures -- --noplot "$@" 2>&1 \
    | tee "$CARGO_TARGET_DIR/bench-output.txt"
KILLS="${KILLS:-2000}" cargo test --locked --features dev --test store -- a_writer_killed --nocapture 2>&1 \
    | tee -a "$CARGO_TARGET_DIR/bench-output.txt"
