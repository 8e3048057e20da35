#!/usr/bin/python3
"""app_icons.py: the phone app's PNG icons (icon-192.png, icon-512.png), drawn from the
same shapes as web/app/icon.svg, for launchers that want a bitmap.  Standard library
only (zlib), so the build needs nothing new; 2x2 supersampling for smooth edges.

usage: app_icons.py OUTDIR
"""
import math
import struct
import sys
import zlib

BG, FRAME, CHECK = (0x0B, 0x3D, 0x2E), (0xFF, 0xD2, 0x3F), (0xFF, 0xFF, 0xFF)
# In the SVG's 512-unit square: three outlined squares and a check mark.
SQUARES = [(112, 112), (280, 112), (112, 280)]
SQUARE, STROKE = 120, 36
CHECK_PATH = [(296, 344), (336, 384), (416, 288)]
CHECK_WIDTH = 40
RADIUS = 96


def in_round_rect(x, y):
    cx = min(max(x, RADIUS), 512 - RADIUS)
    cy = min(max(y, RADIUS), 512 - RADIUS)
    return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS ** 2


def in_frame(x, y):
    h = STROKE / 2
    for sx, sy in SQUARES:
        outer = sx - h <= x <= sx + SQUARE + h and sy - h <= y <= sy + SQUARE + h
        inner = sx + h < x < sx + SQUARE - h and sy + h < y < sy + SQUARE - h
        if outer and not inner:
            return True
    return False


def near_check(x, y):
    for (ax, ay), (bx, by) in zip(CHECK_PATH, CHECK_PATH[1:]):
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
        if math.hypot(x - ax - t * dx, y - ay - t * dy) <= CHECK_WIDTH / 2:
            return True
    return False


def colour(x, y):
    if not in_round_rect(x, y):
        return None
    if near_check(x, y):
        return CHECK
    if in_frame(x, y):
        return FRAME
    return BG


def pixel(px, py, scale):
    acc, alpha = [0, 0, 0], 0
    for ox in (0.25, 0.75):
        for oy in (0.25, 0.75):
            c = colour((px + ox) * scale, (py + oy) * scale)
            if c:
                alpha += 1
                for i in range(3):
                    acc[i] += c[i]
    if not alpha:
        return b"\0\0\0\0"
    return bytes([acc[0] // alpha, acc[1] // alpha, acc[2] // alpha, 255 * alpha // 4])


def png(size):
    scale = 512 / size
    rows = b"".join(b"\0" + b"".join(pixel(x, y, scale) for x in range(size))
                    for y in range(size))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: app_icons.py OUTDIR")
    for size in (192, 512):
        with open(f"{sys.argv[1]}/icon-{size}.png", "wb") as f:
            f.write(png(size))


if __name__ == "__main__":
    main()
