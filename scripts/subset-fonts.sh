#!/usr/bin/env bash
# Writes the browser build's two fonts (web/fonts/): egui's text and code faces, Ubuntu
# Light and Hack, cut down to the characters a player can meet in the base game, so the
# download carries 0.15 MB of fonts (gzipped) instead of 0.32. The desktop keeps egui's
# whole fonts. Run it again when the game starts writing a character outside the kept
# ranges: the unit test `the_browser_fonts_draw_every_glyph_the_game_writes`
# (src/third_party/egui.rs) says which one.
#
# Kept: Latin (ASCII, Latin-1, Latin Extended-A), general punctuation, super- and
# subscripts, arrows, mathematical operators, technical symbols, geometric shapes (egui's
# missing-glyph box is one), miscellaneous symbols, the replacement character, Greek and
# Cyrillic capitals (the controls' key labels), and every character in levels/ and src/
# (e.g. π). Hinting and layout features are kept: egui
# hints its glyphs, so the text looks as on the desktop.
#
# The Ubuntu Font Licence asks a cut-down font to be named as a derivative: the subset's
# family is "Ubuntu derivative Sleep Sync" (style Light). Hack's licence asks only that the names
# "Bitstream" and "Vera" are not used, and they are not.
#
# Needs Python 3; installs fontTools (pip) into /var/tmp/sleep-sync-web-tools the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
tools="${SLEEP_SYNC_WEB_TOOLS:-/var/tmp/sleep-sync-web-tools}"
py="$tools/python"
fonttools_version=4.69.1
if ! PYTHONPATH="$py" python3 -c "import fontTools, sys; sys.exit(fontTools.version != '$fonttools_version')" 2>/dev/null; then
  python3 -m pip install --quiet --target "$py" "fonttools==$fonttools_version"
fi

# The fonts egui ships, at the version Cargo.lock holds.
version=$(grep -A1 '^name = "epaint_default_fonts"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
find_fonts() {
  ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"epaint_default_fonts-$version"/fonts 2>/dev/null | head -1
}
[ -n "$(find_fonts)" ] || cargo fetch --locked
source_dir=$(find_fonts)

mkdir -p web/fonts
PYTHONPATH="$py" python3 - "$source_dir" web/fonts <<'EOF'
import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

source, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
ranges = [
    (0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x2070, 0x209F), (0x2190, 0x21FF),
    (0x2200, 0x22FF), (0x2300, 0x23FF), (0x25A0, 0x25FF), (0x2600, 0x26FF),
    (0xFFFD, 0xFFFD),
    # Greek and Cyrillic capitals: the controls' labels are the keys a player's keyboard
    # layout types, upper-cased (src/controls/names.rs).
    (0x391, 0x3A9), (0x400, 0x42F), (0x490, 0x490),
]
# The files the unit test reads too (src/third_party/egui.rs).
written = set()
for root, suffixes in (("levels", (".ron", ".txt")), ("src", (".rs",))):
    for path in sorted(pathlib.Path(root).rglob("*")):
        if path.suffix in suffixes:
            written.update(ord(c) for c in path.read_text(encoding="utf-8") if ord(c) > 0x7E)
kept = {c for low, high in ranges for c in range(low, high + 1)} | written

# The symbols the game writes that neither face has (the control room's ⏸ and ⚠) come
# from egui's icon font, cut down to those alone.
in_faces = set()
for name in ("Ubuntu-Light.ttf", "Hack-Regular.ttf"):
    in_faces |= set(TTFont(source / name).getBestCmap())
icons = written - in_faces

faces = [
    ("Ubuntu-Light.ttf", "Ubuntu-Light.subset.ttf", ("Ubuntu derivative Sleep Sync", "Light"), kept),
    ("Hack-Regular.ttf", "Hack-Regular.subset.ttf", None, kept),
    ("emoji-icon-font.ttf", "emoji-icon-font.subset.ttf", None, icons),
]
for name, subset_name, renamed, codepoints in faces:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(source / name, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    if renamed:
        table = font["name"]
        for record in table.names:
            family, style = renamed
            names = {
                1: f"{family} {style}",  # the family as older programs group it
                3: f"{family} {style}".replace(" ", ""),  # the unique name
                4: f"{family} {style}",  # the full name
                6: f"{family}-{style}".replace(" ", ""),  # the PostScript name
                16: family,  # the typographic family; 17 stays "Light"
            }
            if record.nameID in names:
                table.setName(names[record.nameID], record.nameID, record.platformID,
                              record.platEncID, record.langID)
    font.save(out / subset_name)
    print(f"{subset_name}: {(out / subset_name).stat().st_size / 1e3:.1f} kB, "
          f"{len(font.getBestCmap())} characters (from {name}, "
          f"{(source / name).stat().st_size / 1e3:.1f} kB)")

# Every character the game writes that egui's fonts have must be in the cut: one only the
# emoji font has (which the browser leaves out) has to be written another way.
kept_anywhere = set()
for _, subset_name, _, _ in faces:
    kept_anywhere |= set(TTFont(out / subset_name).getBestCmap())
in_egui = set()
for name in ("Ubuntu-Light.ttf", "Hack-Regular.ttf", "NotoEmoji-Regular.ttf", "emoji-icon-font.ttf"):
    in_egui |= set(TTFont(source / name).getBestCmap())
lost = sorted((written & in_egui) - kept_anywhere)
if lost:
    sys.exit("the game writes characters only egui's emoji font has (the browser has none): "
             + " ".join(f"U+{c:04X} {chr(c)}" for c in lost))
EOF
cp "$source_dir/UFL.txt" web/fonts/Ubuntu-Font-Licence.txt
cp "$source_dir/Hack-Regular.txt" web/fonts/Hack-Licence.txt
cp "$source_dir/emoji-icon-font-mit-license.txt" web/fonts/emoji-icon-font-Licence.txt
