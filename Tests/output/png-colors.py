"""Prints WIDTH HEIGHT COLORS HEX… for a PNG (8-bit RGB or RGBA): its size, how many distinct colors a sample of
its pixels has, and which of the colors named on the command line occur. No imaging library: the test machine
has none, and a PNG is zlib and five line filters."""

import struct
import sys
import zlib


def pixels(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat, width, height, kind = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if tag == b"IHDR":
            width, height, depth, kind = struct.unpack(">IIBB", body[:10])
            if depth != 8 or kind not in (2, 6):
                sys.exit(f"{path}: only 8-bit RGB or RGBA")
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    step = 3 if kind == 2 else 4
    stride = width * step
    previous = bytearray(stride)
    rows = []
    offset = 0
    for _ in range(height):
        kind_of_filter, line = raw[offset], bytearray(raw[offset + 1 : offset + 1 + stride])
        offset += 1 + stride
        for x in range(stride):
            left = line[x - step] if x >= step else 0
            up = previous[x]
            corner = previous[x - step] if x >= step else 0
            if kind_of_filter == 1:
                line[x] = (line[x] + left) & 255
            elif kind_of_filter == 2:
                line[x] = (line[x] + up) & 255
            elif kind_of_filter == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind_of_filter == 4:
                guess = left + up - corner
                da, db, dc = abs(guess - left), abs(guess - up), abs(guess - corner)
                line[x] = (line[x] + (left if da <= db and da <= dc else up if db <= dc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, step, rows


def main():
    width, height, step, rows = pixels(sys.argv[1])
    seen = set()
    for line in rows[::2]:
        for x in range(0, len(line), step * 2):
            seen.add(line[x : x + 3].hex().upper())
    wanted = [color.lstrip("#").upper() for color in sys.argv[2:]]
    print(width, height, len(seen), " ".join(c for c in wanted if c in seen))


main()
