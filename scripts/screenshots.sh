#!/usr/bin/env bash
# Renders the README's pictures into docs/ with the real game under Xvfb and Mesa's
# lavapipe (no GPU needed): every screen diving into Leo's dream, Mara's dream, the way
# into each dream's core, each nightmare's hazards, core, confrontation and freed
# moment, and the preview maps (CPU only).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --test
# The game as the tests build it (building one test target builds the game too): the
# same build the test command uses, where `cargo build` would build the dependencies
# again with other features.
cargo test --locked --no-run --test rendered_frame
game="$CARGO_TARGET_DIR/debug/sleep-sync"
icd=$(ls /usr/share/vulkan/icd.d/lvp_icd.*.json | head -n 1)
run() {
  xvfb-run -a -s "-screen 0 1280x720x24" \
    env WGPU_BACKEND=vulkan VK_ICD_FILENAMES="$icd" "$game" "$@"
}
tour=$(mktemp -d)
run --tour "$tour" --dive leo --mod docs/example-mod/night-swimmer
cp "$tour/title.png" docs/screenshot-title.png
cp "$tour/free-dive.png" docs/screenshot-free-dive.png
cp "$tour/dream.png" docs/screenshot-leo.png
cp "$tour/settings.png" docs/screenshot-settings.png
run --dive mara --screenshot docs/screenshot-mara.png
run --dive leo --view core --screenshot docs/screenshot-leo-core.png
run --dive mara --view core --screenshot docs/screenshot-mara-core.png
"$game" preview --dream leo --out docs/preview-leo.png
"$game" preview --dream mara --out docs/preview-mara.png
# Inside each nightmare: every hazard at work, the veiled core, the confrontation and
# the freed dreamer (docs/nightmares.md shows them).
for dream in leo mara; do
  rm -rf "$tour" && mkdir -p "$tour"
  run --tour "$tour" --nightmare --dive "$dream"
  for shot in "$tour"/*.png; do
    # The dream from its spawn is already docs/screenshot-$dream.png.
    [ "$(basename "$shot")" = dream.png ] && continue
    cp "$shot" "docs/nightmare-$dream-$(basename "$shot")"
  done
done
# The control room's panels, staged through the story (docs/control-room.md).
rm -rf "$tour" && mkdir -p "$tour"
run --tour "$tour" --control-room
cp "$tour"/control-room-*.png docs/
rm -rf "$tour"
echo "screenshots written to docs/"
