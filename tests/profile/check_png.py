#!/usr/bin/env python3
"""check_png.py PNG: checks that headless Chromium's screenshot of the fixture's flame graph
shows its frames, by counting pixels of the colours the SVG gives each kind of frame: the grey
root, the lighter grey threads, warm guest frames, blue host frames and red lost samples.
The PNG is decoded here (zlib and the five row filters), so nothing beyond Python is needed.
The expected widths follow from the fixture (profile_format_fixture.cc): 757 samples over
1180 px; e.g. the root spans all of them, 16 px high, and the host frames 110 samples."""
import struct
import sys
import zlib


def decode_png(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit(f'check_png: {path} is not a PNG')
    pos, idat, header = 8, b'', None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
    width, height, depth, colour_type, _, _, interlace = header
    if depth != 8 or colour_type not in (2, 6) or interlace != 0:
        sys.exit(f'check_png: unsupported PNG (depth {depth}, colour type {colour_type})')
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        filter_type = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = row[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if filter_type == 1:
                row[i] = (row[i] + left) & 0xff
            elif filter_type == 2:
                row[i] = (row[i] + up) & 0xff
            elif filter_type == 3:
                row[i] = (row[i] + (left + up) // 2) & 0xff
            elif filter_type == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                row[i] = (row[i] + predictor) & 0xff
        rows.append(row)
        previous = row
    pixels = [tuple(row[x * channels:x * channels + 3]) for row in rows for x in range(width)]
    return width, height, pixels


def near(pixel, colour, tolerance=4):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


def main():
    width, height, pixels = decode_png(sys.argv[1])
    counts = {'root': 0, 'thread': 0, 'guest': 0, 'host': 0, 'lost': 0}
    histogram = {}
    for p in pixels:
        histogram[p] = histogram.get(p, 0) + 1
    for (r, g, b), n in histogram.items():
        if near((r, g, b), (0xb8, 0xb8, 0xb8)):
            counts['root'] += n
        elif near((r, g, b), (0xd4, 0xd4, 0xd4)):
            counts['thread'] += n
        elif near((r, g, b), (0xe0, 0x60, 0x60), 8):
            counts['lost'] += n
        elif r >= 215 and 90 <= g <= 220 and b <= 80:
            counts['guest'] += n
        elif b >= 200 and r <= 120 and 130 <= g <= 190:
            counts['host'] += n
    # At least about half of each kind's area: text and rounded corners take some pixels.
    minimum = {'root': 9000, 'thread': 9000, 'guest': 20000, 'host': 1000, 'lost': 40}
    failed = 0
    print(f'check_png: {width}x{height}, {len(histogram)} distinct colours')
    for kind, n in counts.items():
        ok = n >= minimum[kind]
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {kind} frames: {n} pixels (at least {minimum[kind]})")
    ok = len(histogram) >= 20
    failed += not ok
    print(f"{'ok  ' if ok else 'FAIL'} distinct colours: {len(histogram)} (at least 20)")
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
