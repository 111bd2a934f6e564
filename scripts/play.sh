#!/usr/bin/env bash
# Builds and starts Sleep Sync. Extra arguments go to the game (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh
cargo run --locked --bin sleep-sync -- "$@"
