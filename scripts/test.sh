#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests (headless gameplay,
# the generator, and real frames rendered under Xvfb), and the WebAssembly build check.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --test

step() { printf '\n== %s\n' "$*"; }
started=$(date +%s)

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo test"
log="$CARGO_TARGET_DIR/test-output.txt"
SLEEP_SYNC_REQUIRE_RENDER=1 cargo test --locked --all-targets -- --show-output 2>&1 | tee "$log"

step "cargo clippy -D warnings"
cargo clippy --locked --all-targets -- -D warnings

step "cargo check --target wasm32-unknown-unknown"
cargo check --locked --target wasm32-unknown-unknown

passed=$(grep -hoE '^test result: ok\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
echo
echo "all checks passed in $(( $(date +%s) - started )) s"
echo "tests: $passed passed, 0 failed"
