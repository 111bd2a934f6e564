#!/usr/bin/env bash
# What a frame of the dream costs under Mesa's lavapipe (CPU rendering, no GPU), in one
# run: an empty Bevy 3D scene of the same size (examples/empty_scene.rs), the dream as it
# was before the figures, sky and particles (commit $BEFORE, capsules), and the dream now.
# 60 frames each once the dream has settled (SLEEP_SYNC_FRAME_LOG), Leo's dream from its
# spawn. Prints each median and the ratios. Takes about 10 minutes on two cores.
#
#   bash scripts/frame-cost.sh [DREAM]     (BEFORE=<commit> to compare another)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --test >/dev/null
dream=${1:-leo}
before=${BEFORE:-8a3ad1b}
out=$(mktemp -d)
icd=$(ls /usr/share/vulkan/icd.d/lvp_icd.*.json | head -n 1)
run() {
  xvfb-run -a -s "-screen 0 1280x720x24" \
    env WGPU_BACKEND=vulkan VK_ICD_FILENAMES="$icd" timeout 900 "$@" >/dev/null 2>&1
}
# The dream before: its tree, with today's snapshot.rs (which measures the frames). The
# tree stays until the end: the game reads its levels from the tree it was built in.
git worktree add --detach "$out/before" "$before" >/dev/null
trap 'git worktree remove --force "$out/before"' EXIT
cp src/snapshot.rs "$out/before/src/snapshot.rs"
(cd "$out/before" && cargo build --quiet --features dev --bin sleep-sync)
cp "$CARGO_TARGET_DIR/debug/sleep-sync" "$out/sleep-sync-before"
cargo build --quiet --features dev --bin sleep-sync --example empty_scene
game="$CARGO_TARGET_DIR/debug/sleep-sync"

run "$CARGO_TARGET_DIR/debug/examples/empty_scene" "$out/empty.txt"
# Each game reads the levels of its own tree.
SLEEP_SYNC_FRAME_LOG="$out/before.txt" BEVY_ASSET_ROOT="$out/before" run \
  "$out/sleep-sync-before" --dive "$dream" --screenshot "$out/before.png"
SLEEP_SYNC_FRAME_LOG="$out/after.txt" BEVY_ASSET_ROOT="$PWD" run \
  "$game" --dive "$dream" --screenshot "$out/after.png"

median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
empty=$(median "$out/empty.txt")
old=$(median "$out/before.txt")
new=$(median "$out/after.txt")
echo "median frame, ms (60 frames each, 1280x720, lavapipe):"
echo "  empty Bevy 3D scene      $empty"
echo "  $dream's dream before ($before)  $old"
echo "  $dream's dream now       $new"
awk -v e="$empty" -v o="$old" -v n="$new" 'BEGIN {
  printf "ratios: before / empty %.2f, now / empty %.2f, now / before %.2f\n", o / e, n / e, n / o
}'
echo "frame logs and pictures in $out"
