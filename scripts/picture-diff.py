#!/usr/bin/env python3
"""How far pictures moved: docs/ against a git revision's, or one folder against another.

    python3 scripts/picture-diff.py REV [LIMIT]
    python3 scripts/picture-diff.py OLD_DIR NEW_DIR [LIMIT]

For each picture that both sides have, prints the share of pixels whose colour differs
by more than 16 (of 255) in any channel, and the mean absolute difference; exits 1 if a
picture's share passes LIMIT percent (default 2). Standard library only: 8-bit RGB/RGBA
PNGs, not interlaced (what the game's screenshots and previews are).
"""

import struct
import subprocess
import sys
import zlib
from pathlib import Path


def decode(data: bytes):
    """(width, height, channels, rows of bytes) of an 8-bit, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    channels = {2: 3, 6: 4, 0: 1, 4: 2}[colour]
    assert depth == 8 and interlace == 0, "only 8-bit, non-interlaced PNGs"
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def compare(old: bytes, new: bytes):
    w1, h1, c1, r1 = decode(old)
    w2, h2, c2, r2 = decode(new)
    if (w1, h1) != (w2, h2):
        return 100.0, 255.0
    colour = min(c1, c2, 3)
    moved, total = 0, 0
    for a, b in zip(r1, r2):
        for x in range(w1):
            d = max(abs(a[x * c1 + k] - b[x * c2 + k]) for k in range(colour))
            total += d
            moved += d > 16
    pixels = w1 * h1
    return 100.0 * moved / pixels, total / pixels


def pairs(args):
    """(name, old bytes or None, new bytes) for each picture, and what is left of args."""
    if len(args) >= 2 and Path(args[0]).is_dir() and Path(args[1]).is_dir():
        old_dir, new_dir = Path(args[0]), Path(args[1])
        found = [
            (p.name, (old_dir / p.name).read_bytes() if (old_dir / p.name).exists() else None, p.read_bytes())
            for p in sorted(new_dir.glob("*.png"))
        ]
        return found, args[2:]
    rev, found = args[0], []
    for path in sorted(Path("docs").glob("*.png")):
        old = subprocess.run(["git", "show", f"{rev}:{path.as_posix()}"], capture_output=True)
        found.append((str(path), old.stdout if old.returncode == 0 else None, path.read_bytes()))
    return found, args[1:]


def main():
    found, rest = pairs(sys.argv[1:])
    limit = float(rest[0]) if rest else 2.0
    worst = 0.0
    for path, old, new in found:
        if old is None:
            print(f"{path}: new")
            continue
        share, mean = compare(old, new)
        worst = max(worst, share)
        mark = "" if share <= limit else "  <-- over the limit"
        print(f"{path}: {share:6.2f}% of pixels moved, mean difference {mean:5.2f}{mark}")
    print(f"worst: {worst:.2f}% (limit {limit}%)")
    sys.exit(0 if worst <= limit else 1)


if __name__ == "__main__":
    main()
