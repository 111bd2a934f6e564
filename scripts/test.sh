#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests (headless gameplay,
# the generator, level files, and real frames rendered under Xvfb), and the browser
# build played in headless Chromium.
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

step "the browser build (web-release, no wasm-opt) played in headless Chromium"
web="$CARGO_TARGET_DIR/web-test"
bash scripts/web-build.sh --quick "$web"
WEB_DIR="$web" bash scripts/web-test.sh "$CARGO_TARGET_DIR/web-dream.png"

passed=$(grep -hoE '^test result: ok\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
echo
echo "all checks passed in $(( $(date +%s) - started )) s"
echo "tests: $((passed + 1)) passed, 0 failed (the last: the browser test)"
