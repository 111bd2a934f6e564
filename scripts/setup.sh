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

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--test" ] && command -v rustup >/dev/null; then
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
fi
