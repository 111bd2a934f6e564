#!/usr/bin/env bash
# Plays the browser build (scripts/web-build.sh, run first) in headless Chromium:
# serves dist/web on 127.0.0.1, waits for the title, dives through the menus, saves
# a screenshot (to $1, default $CARGO_TARGET_DIR/web-dream.png) and fails on a page
# error, a panic, a console error or a blank picture. Installs Debian's chromium and
# playwright-core (npm) if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/lib.sh
tools="${SLEEP_SYNC_WEB_TOOLS:-/var/tmp/sleep-sync-web-tools}"
shot="${1:-$CARGO_TARGET_DIR/web-dream.png}"
need_command chromium chromium
need_command npm npm
[ -d "$tools/node_modules/playwright-core" ] || npm install --no-save --prefix "$tools" playwright-core
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bash scripts/web-serve.sh "$port" > /dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$port/" > /dev/null && break
  sleep 0.1
done
WEB_TOOLS="$tools" node tests/web/smoke.mjs "http://127.0.0.1:$port/" "$shot"
