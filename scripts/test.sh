#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests (headless gameplay,
# the generator, level files, and real frames rendered under Xvfb), and the browser
# build played in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --test

started=$(date +%s)
# Each step says when it began (seconds into the run): where CI's time goes.
step() { printf '\n== %s (at %d s)\n' "$*" $(( $(date +%s) - started )); }

step "cargo fmt --check"
cargo fmt --all -- --check

# The tests use the dev tools (the helpers in src/dev/, the tour): Cargo.toml makes
# those tests require the `dev` feature, and cargo skips such a test without a word
# when the feature is off. So: `--features dev`, then a check that every test file ran.
step "cargo test --features dev"
log="$CARGO_TARGET_DIR/test-output.txt"
SLEEP_SYNC_REQUIRE_RENDER=1 cargo test --locked --all-targets --features dev -- --show-output 2>&1 | tee "$log"

step "every test and benchmark file ran"
missing=()
for file in src/lib.rs src/main.rs tests/*.rs tests/*/main.rs benches/*.rs; do
  case "$file" in
    src/*) pattern="Running unittests $file " ;;
    *) pattern="Running $file " ;;
  esac
  grep -qF "$pattern" "$log" || missing+=("$file")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "these did not run (a target skipped, e.g. for a missing required feature?): ${missing[*]}" >&2
  exit 1
fi
# ...and each test file (and the library's unit tests) ran at least one test.
empty=$(awk '
  /^ *Running / { file = ($2 == "unittests") ? $3 : $2; next }
  /^test result: / {
    if ((file ~ /^tests\// || file == "src/lib.rs") && $4 + 0 == 0) print file
    file = ""
  }
' "$log")
if [ -n "$empty" ]; then
  echo "these ran no tests: $empty" >&2
  exit 1
fi
# ...and in a test binary of modules (tests/game/), every file is a module of it and ran
# a test (a file not named in main.rs would not even be compiled).
for main in tests/*/main.rs; do
  dir=$(dirname "$main")
  for file in "$dir"/*.rs; do
    module=$(basename "$file" .rs)
    [ "$module" = main ] && continue
    grep -qE "^mod $module;" "$main" || missing+=("$file (not a module of $main)")
    grep -qE "^test $module::.* \.\.\. ok$" "$log" || missing+=("$file (no test passed)")
  done
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "these did not run: ${missing[*]}" >&2
  exit 1
fi
modules=$(for main in tests/*/main.rs; do ls "$(dirname "$main")"/*.rs; done | grep -vc '/main.rs$')
echo "all $(( $(ls tests/*.rs benches/*.rs | wc -l) + modules )) test and benchmark files ran, and the unit tests"

step "cargo clippy -D warnings (with the dev tools, and the game as released without)"
cargo clippy --locked --all-targets --features dev -- -D warnings
cargo clippy --locked --lib --bins -- -D warnings

step "the browser build (profile web-quick, no wasm-opt)"
web="$CARGO_TARGET_DIR/web-test"
bash scripts/web-build.sh --quick "$web"
# (The size-by-crate reader bench.sh runs on the players' build, checked on a module of
# its own: a second of work, where reading this build would take a quarter of a minute.)
python3 scripts/wasm-sizes.py --self-test

step "the browser build played in headless Chromium"
WEB_DIR="$web" bash scripts/web-test.sh "$CARGO_TARGET_DIR/web-dream.png"

passed=$(grep -hoE '^test result: ok\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
echo
echo "all checks passed in $(( $(date +%s) - started )) s"
echo "tests: $((passed + 1)) passed, 0 failed (the last: the browser test)"
