#!/usr/bin/env python3
"""The contact sheet of docs/: the cast in a row, then every hazard at work, each
picture labelled. Made from the pictures scripts/screenshots.sh renders:
docs/nightmare-<dream>-cast.png and docs/nightmare-<dream>-hazard-*.png.

    python3 scripts/contact-sheet.py [docs]   (needs Pillow)
"""
import glob
import os
import sys

from PIL import Image, ImageDraw, ImageFont

docs = sys.argv[1] if len(sys.argv) > 1 else "docs"
casts = sorted(glob.glob(os.path.join(docs, "nightmare-*-cast.png")))
hazards = sorted(glob.glob(os.path.join(docs, "nightmare-*-hazard-*.png")))
if not casts or not hazards:
    sys.exit("no cast or hazard pictures in docs/: run scripts/screenshots.sh first")

WIDTH = 1280
THUMB = (420, 236)
LABEL = 26
try:
    font = ImageFont.truetype("DejaVuSans.ttf", 18)
except OSError:
    font = ImageFont.load_default()

# The cast: the lower part of the frame, where the row stands (the HUD is above it).
cast = Image.open(casts[0]).convert("RGB").crop((0, 300, 1280, 700))
columns = 3
rows = (len(hazards) + columns - 1) // columns
height = LABEL + cast.height + rows * (THUMB[1] + LABEL) + 10
sheet = Image.new("RGB", (WIDTH, height), (12, 12, 20))
draw = ImageDraw.Draw(sheet)
draw.text(
    (10, 4),
    "The cast: Juno, the dreamers in campaign order, Father",
    fill=(220, 220, 235),
    font=font,
)
sheet.paste(cast, (0, LABEL))
top = LABEL + cast.height + 10
for k, path in enumerate(hazards):
    name = os.path.basename(path)[len("nightmare-"):-len(".png")]
    dream, _, hazard = name.partition("-hazard-")
    x = (k % columns) * (THUMB[0] + 10) + 5
    y = top + (k // columns) * (THUMB[1] + LABEL)
    draw.text((x, y), f"{hazard.replace('-', ' ')} ({dream})", fill=(220, 220, 235), font=font)
    picture = Image.open(path).convert("RGB").resize(THUMB, Image.LANCZOS)
    sheet.paste(picture, (x, y + LABEL - 4))
out = os.path.join(docs, "contact-sheet.png")
sheet.save(out, optimize=True)
print(f"{out}: the cast and {len(hazards)} hazards")
