#!/usr/bin/env bash
# Serves the browser build (scripts/web-build.sh) on http://127.0.0.1:8080 (or $1),
# with the MIME types browsers insist on (application/wasm for .wasm).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${WEB_DIR:-dist/web}"
port="${1:-8080}"
[ -f "$dir/index.html" ] || { echo "no web build in $dir: run bash scripts/web-build.sh" >&2; exit 1; }
echo "Sleep Sync: http://127.0.0.1:$port/ (Ctrl-C stops)"
exec python3 - "$dir" "$port" <<'PY'
import functools, http.server, sys
directory, port = sys.argv[1], int(sys.argv[2])
class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript",
                      ".ron": "text/plain; charset=utf-8"}
http.server.ThreadingHTTPServer(("127.0.0.1", port),
    functools.partial(Handler, directory=directory)).serve_forever()
PY
