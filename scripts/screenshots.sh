#!/usr/bin/env bash
# Renders the README's pictures into docs/ with the real game under Xvfb and Mesa's
# lavapipe (no GPU needed): every screen, diving into the campaign's first dream; the
# family's evening dream (the prologue), its talk and morning; each
# campaign dream and the way into its core; each nightmare's hazards, a loop folding
# away, core, cast, confrontation and freed moment; a level file broken during a dive;
# the control room's panels; the preview maps (CPU only) and the contact sheet (Pillow).
# The tour is a dev tool: the game is built with `--features dev`. About 25 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --test
# The game as the tests build it (building one test target builds the game too): the
# same build the test command uses (with the dev tools), where `cargo build` would build
# the dependencies again with other features.
cargo test --locked --no-run --features dev --test rendered_frame
game="$CARGO_TARGET_DIR/debug/sleep-sync"
icd=$(ls /usr/share/vulkan/icd.d/lvp_icd.*.json | head -n 1)
run() {
  xvfb-run -a -s "-screen 0 1280x720x24" \
    env WGPU_BACKEND=vulkan VK_ICD_FILENAMES="$icd" "$game" "$@"
}
# The campaign's dreams, in order, from its file: `dives: ["a", "b"],`.
dives=$(sed -n 's/^[[:space:]]*dives:[[:space:]]*\[\(.*\)\].*/\1/p' levels/main.campaign.ron \
  | head -n 1 | tr -d '" ' | tr ',' ' ')
first=${dives%% *}
if [ -z "$first" ]; then
  echo "no dives found in levels/main.campaign.ron" >&2
  exit 1
fi
tour=$(mktemp -d)
# The tour dives into the campaign's first dream.
run --tour "$tour" --mod docs/example-mod/night-swimmer
cp "$tour/title.png" docs/screenshot-title.png
cp "$tour/free-dive.png" docs/screenshot-free-dive.png
cp "$tour/dream.png" "docs/screenshot-$first.png"
cp "$tour/settings.png" docs/screenshot-settings.png
cp "$tour/controls.png" docs/screenshot-controls.png
cp "$tour/what-was-said.png" docs/screenshot-what-was-said.png
cp "$tour/load.png" docs/screenshot-load.png
for dream in $dives; do
  [ "$dream" = "$first" ] || run --dive "$dream" --screenshot "docs/screenshot-$dream.png"
  run --dive "$dream" --view core --screenshot "docs/screenshot-$dream-core.png"
  "$game" preview --dream "$dream" --out "docs/preview-$dream.png"
done
# Inside each nightmare: every hazard at work, the loop folding away (the pictures
# after it are of loop 2), the veiled core, the cast, the confrontation and the freed
# dreamer (docs/nightmares.md shows them).
for dream in $dives; do
  rm -rf "$tour" && mkdir -p "$tour"
  run --tour "$tour" --nightmare --dive "$dream"
  for shot in "$tour"/*.png; do
    # The dream from its spawn is already docs/screenshot-$dream.png.
    [ "$(basename "$shot")" = dream.png ] && continue
    cp "$shot" "docs/nightmare-$dream-$(basename "$shot")"
  done
done
# The family's evening dream (the campaign's prologue): the family at the spawn, and
# its core, talk and morning (docs/story.md shows them).
prologue=$(sed -n 's/^[[:space:]]*prologue:.*dream:[[:space:]]*Some("\([^"]*\)").*/\1/p' levels/main.campaign.ron | head -n 1)
if [ -n "$prologue" ]; then
  rm -rf "$tour" && mkdir -p "$tour"
  run --tour "$tour" --nightmare --dive "$prologue"
  cp "$tour/dream.png" "docs/screenshot-$prologue.png"
  for shot in confrontation freed core-veiled; do
    cp "$tour/$shot.png" "docs/$prologue-$shot.png"
  done
fi
# The story's waking scenes (the prologue's, the rift's and the others at the desk,
# then each ending's and the credits), each as it opens and where it asks Juno to
# answer (or at its last panel): docs/scene-N.png and docs/scene-N-choice.png.
rm -rf "$tour" && mkdir -p "$tour"
run --tour "$tour" --scenes
cp "$tour"/scene-*.png docs/
# A level file broken during a dive: the tour breaks the dream file of a copy of the
# example mod (never the original) once Ines's dream is in play, and pictures the
# message; the last good version plays on.
# A fixed name: the message in the picture shows the path.
scratch="${TMPDIR:-/tmp}/sleep-sync-mods"
rm -rf "$scratch" "$tour" && mkdir -p "$scratch" "$tour"
cp -r docs/example-mod/night-swimmer "$scratch/"
run --tour "$tour" --level-error --mod "$scratch/night-swimmer" --dive ines
cp "$tour/level-error.png" docs/screenshot-hot-reload-error.png
rm -rf "$scratch"
# The watcher seeing Juno in each palette (docs/controls.md, colour-blind safe).
rm -rf "$tour"
run --tour "$tour" --colours --dive mara
cp "$tour/colours-watcher-standard.png" docs/colour-blind-standard-watcher.png
cp "$tour/colours-watcher-colour-blind-safe.png" docs/colour-blind-safe-watcher.png

# The control room's panels, staged through the story (docs/control-room.md).
rm -rf "$tour" && mkdir -p "$tour"
run --tour "$tour" --control-room
cp "$tour"/control-room-*.png docs/
rm -rf "$tour"
# The contact sheet: the cast in a row and every hazard (needs Python's Pillow).
if python3 -c "import PIL" 2>/dev/null; then
  python3 scripts/contact-sheet.py docs
else
  echo "Pillow missing: docs/contact-sheet.png not remade (pip install pillow)" >&2
fi
echo "screenshots written to docs/"
