#!/usr/bin/env bash
# Installs what Sleep Sync needs to build, play and test on Debian or Ubuntu, only what
# is missing (safe to run again). `setup.sh` for playing; `setup.sh --test` adds the
# headless renderer (Xvfb + Mesa lavapipe) and the WebAssembly target the tests use.
set -euo pipefail

# alsa: gilrs and winit link it on Linux even without game audio.
packages=(pkg-config libasound2-dev libudev-dev libwayland-dev libxkbcommon-dev)
if [ "${1:-}" = "--test" ]; then
  packages+=(xvfb xauth mesa-vulkan-drivers libvulkan1)
fi

source "$(dirname "$0")/lib.sh"
need_packages --lean "${packages[@]}"

if [ "${1:-}" = "--test" ] && command -v rustup >/dev/null; then
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  need_target wasm32-unknown-unknown
fi
