# Sourced by the scripts (after `set -euo pipefail`): installing what is missing, and
# Wine made ready for the Windows build. Every function is safe to call again.

# Installs the Debian packages named that are not installed yet (apt, with sudo when not
# root). `--lean` first: without the packages they recommend.
need_packages() {
  local lean=()
  if [ "${1:-}" = --lean ]; then
    lean=(--no-install-recommends)
    shift
  fi
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ "${#missing[@]}" -gt 0 ] || return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${lean[@]}" "${missing[@]}" >/dev/null
}

# Installs Debian's package $2 (or $1) when the command $1 is missing. For tools that may come
# from elsewhere: Node's own packages bring npm, which Debian's npm package conflicts with.
need_command() {
  command -v "$1" >/dev/null || need_packages "${2:-$1}"
}

# Adds a Rust target when rustup lacks it.
need_target() {
  rustup target list --installed | grep -qx "$1" || rustup target add "$1"
}

# Wine's program (Debian's wine64 package puts its loader behind the `wine` wrapper).
wine_program() {
  command -v wine64 || command -v wine || echo /usr/lib/wine/wine64
}

# Makes the Wine prefix $1 (if new; $2: the home folder Wine runs with) and gives it the
# one DLL Wine 8 lacks that Rust's standard library needs: bcryptprimitives.dll
# (ProcessPrng), a ten-line stand-in forwarding to RtlGenRandom, in the prefix's own
# system32, never beside the game.
wine_prefix_ready() {
  local prefix=$1 home=${2:-${HOME:-/tmp}}
  need_packages wine64 gcc-mingw-w64-x86-64
  env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="$home" WINEPREFIX="$prefix" \
    WINEDEBUG=-all timeout 300 "$(wine_program)" wineboot -i >/dev/null 2>&1 || true
  local dll="$prefix/drive_c/windows/system32/bcryptprimitives.dll"
  [ -s "$dll" ] && [ "$dll" -nt scripts/wine/bcryptprimitives.c ] && return 0
  x86_64-w64-mingw32-gcc -shared -O2 -o "$dll" scripts/wine/bcryptprimitives.c -ladvapi32
}
