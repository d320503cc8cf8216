#!/usr/bin/env python3
"""Makes damaged and foreign variants of a .cwasm file, for the tests that check they are
refused. Reads the format of docs/compiled-tier.md ("The .cwasm format") independently of the
C++ reader, so that a change to either shows up here.

    cwasm_edit.py IN OUT KIND

KIND: empty | random | magic-random | truncate:N (keep N bytes; negative: drop -N) |
flip-header | flip-wasm | flip-object | flip-checksum | other-build | other-cpu |
other-version | other-arch | other-target | other-layout | forged-layout-count |
forged-layout-line | forged-layout-frame

    cwasm_edit.py - OUT synthetic:TRIPLE

writes a file from scratch (no input needed, so builds without the compiled tier can have
one): whole and checksummed, naming TRIPLE, from no build of this source (its fingerprint is
zeros), with an empty module and no code.
"""
import hashlib
import os
import random
import struct
import sys

MAGIC = b"\0wscwasm"
FORMAT_VERSION = 3  # docs/compiled-tier.md, "The .cwasm format"


def parse(data):
    """Offsets of the fields: {name: (start, end)}, in the order they appear."""
    if data[:8] != MAGIC:
        raise SystemExit("cwasm_edit: not a .cwasm file")
    fields = {}
    pos = 8
    fields["format"] = (pos, pos + 4)
    pos += 4
    fields["size"] = (pos, pos + 8)
    pos += 8
    for name in ("version", "fingerprint", "triple", "cpu", "cpu_features"):
        (length,) = struct.unpack_from("<I", data, pos)
        fields[name] = (pos + 4, pos + 4 + length)
        pos += 4 + length
    fields["settings"] = (pos, pos + 12)  # opt level, bounds, features
    pos += 12
    fields["wasm_hash"] = (pos, pos + 32)
    pos += 32
    (wasm_size,) = struct.unpack_from("<Q", data, pos)
    fields["wasm"] = (pos + 8, pos + 8 + wasm_size)
    pos += 8 + wasm_size
    (count,) = struct.unpack_from("<I", data, pos)
    pos += 4
    for i in range(count):
        (size,) = struct.unpack_from("<Q", data, pos)
        fields["object%d" % i] = (pos + 8, pos + 8 + size)
        pos += 8 + size
    (size,) = struct.unpack_from("<Q", data, pos)
    fields["layout"] = (pos + 8, pos + 8 + size)
    pos += 8 + size
    fields["checksum"] = (pos, pos + 32)
    if pos + 32 != len(data):
        raise SystemExit("cwasm_edit: the parts do not add up (%d != %d)" % (pos + 32, len(data)))
    return fields


def replace_field(data, fields, name, value):
    """{data} with string field {name} replaced by {value}, its size and checksum rewritten."""
    start, end = fields[name]
    out = bytearray(data[: start - 4] + struct.pack("<I", len(value)) + value + data[end:])
    struct.pack_into("<Q", out, 12, len(out))
    out[-32:] = hashlib.sha256(bytes(out[:-32])).digest()
    return bytes(out)


def synthetic(triple):
    def string(b):
        return struct.pack("<I", len(b)) + b

    body = b"".join(string(f) for f in (b"0.0.0", b"0" * 64, triple, b"", b""))
    body += struct.pack("<III", 0, 0, 0) + bytes(32)  # settings, the module's hash
    body += struct.pack("<Q", 0) + struct.pack("<I", 0) + struct.pack("<Q", 0)  # no wasm, objects, layout
    out = MAGIC + struct.pack("<I", FORMAT_VERSION) + struct.pack("<Q", 0) + body + bytes(32)
    out = bytearray(out)
    struct.pack_into("<Q", out, 12, len(out))
    out[-32:] = hashlib.sha256(bytes(out[:-32])).digest()
    return bytes(out)


def flip(data, at):
    out = bytearray(data)
    out[at] ^= 0x10
    return bytes(out)


def main():
    src, dst, kind = sys.argv[1:4]
    if kind.startswith("synthetic:"):
        with open(dst, "wb") as f:
            f.write(synthetic(kind.split(":", 1)[1].encode()))
        return
    data = open(src, "rb").read()
    fields = parse(data)
    middle = lambda name: (fields[name][0] + fields[name][1]) // 2
    rng = random.Random(kind)
    if kind == "empty":
        out = b""
    elif kind == "random":
        out = bytes(rng.getrandbits(8) for _ in range(4096))
    elif kind == "magic-random":
        out = MAGIC + bytes(rng.getrandbits(8) for _ in range(4096))
    elif kind.startswith("truncate:"):
        n = int(kind.split(":")[1])
        out = data[:n] if n >= 0 else data[:n]
    elif kind == "flip-header":
        out = flip(data, middle("triple"))
    elif kind == "flip-wasm":
        out = flip(data, middle("wasm"))
    elif kind == "flip-object":
        out = flip(data, middle("object0"))
    elif kind == "flip-checksum":
        out = flip(data, len(data) - 1)
    elif kind == "other-build":
        old = data[fields["fingerprint"][0] : fields["fingerprint"][1]]
        out = replace_field(data, fields, "fingerprint", bytes(b"0" * len(old)))
    elif kind in ("other-arch", "other-target"):
        # Another machine's file: another architecture (and so another build), or this
        # architecture with another system.
        triple = data[fields["triple"][0] : fields["triple"][1]]
        arch = triple.split(b"-")[0]
        if kind == "other-arch":
            other = b"x86_64-linux-gnu" if arch == b"aarch64" else b"aarch64-linux-gnu"
            out = replace_field(data, fields, "triple", other)
            fields = parse(out)
            old = out[fields["fingerprint"][0] : fields["fingerprint"][1]]
            out = replace_field(out, fields, "fingerprint", bytes(b"1" * len(old)))
        else:
            out = replace_field(data, fields, "triple", arch + b"-linux-musl")
    elif kind == "other-layout":
        # The same build's hash, another data layout (what a 32-bit build's offsets would be).
        old = data[fields["fingerprint"][0] : fields["fingerprint"][1]]
        build = old.split(b" layout:")[0]
        out = replace_field(data, fields, "fingerprint", build + b" layout:p4 s8 v0,4,8,16 m0,8 t0 g0")
    elif kind == "other-cpu":
        out = replace_field(data, fields, "cpu", b"some-other-cpu")
    elif kind in ("forged-layout-count", "forged-layout-line", "forged-layout-frame"):
        # A file whose checksum is right but whose code layout is not (made by hand, not by
        # damage): one function more than the module has, a line past its function's end, or
        # a stretch of code without a frame (x86-64) that ends past its function's end.
        out = bytearray(data)
        start = fields["layout"][0]
        (functions,) = struct.unpack_from("<I", data, start)
        lines_at = start + 4 + 8 * functions
        (lines,) = struct.unpack_from("<Q", data, lines_at)
        if kind == "forged-layout-count":
            struct.pack_into("<I", out, start, functions + 1)
        elif kind == "forged-layout-line":
            if lines == 0:
                raise SystemExit("cwasm_edit: the layout has no line to move")
            struct.pack_into("<I", out, lines_at + 8 + 4, 0x7FFFFFF0)  # the first line's offset
        else:
            frames_at = lines_at + 8 + 12 * lines
            (frames,) = struct.unpack_from("<Q", data, frames_at)
            if frames == 0:
                raise SystemExit("cwasm_edit: the layout has no frame stretch to move")
            # The first stretch's end (function, begin, end, CFA offset, frame pointer offset).
            struct.pack_into("<I", out, frames_at + 8 + 8, 0x7FFFFFF0)
        out[-32:] = hashlib.sha256(bytes(out[:-32])).digest()
        out = bytes(out)
    elif kind == "other-version":
        out = replace_field(data, fields, "version", b"0.0.0-other")
    else:
        raise SystemExit("cwasm_edit: unknown kind " + kind)
    with open(dst, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
