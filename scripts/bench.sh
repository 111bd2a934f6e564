#!/usr/bin/env bash
# Runs the generator and level-file benchmarks (criterion) and prints the tables of docs/generator.md.
# The figures are ratios within one run; absolute times depend on the machine.
# Uses the dev profile the tests use (dependencies at opt-level 2, the game at 2), so no
# separate optimised build of the engine is needed. With the dev tools, as the tests
# build (the dream benchmark reads the shipped levels with their helpers).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
cargo bench --locked --profile dev --features dev --bench dream --bench levels --bench network -- --noplot "$@" 2>&1 \
    | tee "$CARGO_TARGET_DIR/bench-output.txt"
