#!/usr/bin/env python3
"""Native code size of .cwasm files: for each FILE, the bytes of the sections its objects load
(SHF_ALLOC) and of those that are code (SHF_EXECINSTR), summed over its objects. Debug and
relocation sections, which are not loaded, are left out. Reads the format with
tests/aot/cwasm_edit.py and ELF64 section headers directly.

    cwasm_size.py FILE...      prints "FILE code_bytes loaded_bytes" per file
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "aot"))
import cwasm_edit  # noqa: E402

SHF_ALLOC, SHF_EXECINSTR, SHT_NOBITS = 0x2, 0x4, 8


def object_sizes(obj):
    if obj[:4] != b"\x7fELF" or obj[4] != 2:
        raise SystemExit("cwasm_size: an object is not ELF64")
    (shoff,) = struct.unpack_from("<Q", obj, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", obj, 0x3A)
    code = loaded = 0
    for i in range(shnum):
        _, sh_type, flags, _, _, size = struct.unpack_from("<IIQQQQ", obj, shoff + i * shentsize)
        if flags & SHF_ALLOC:
            loaded += size
            if flags & SHF_EXECINSTR:
                code += size
    return code, loaded


def main():
    for path in sys.argv[1:]:
        data = open(path, "rb").read()
        fields = cwasm_edit.parse(data)
        code = loaded = 0
        for name, (start, end) in fields.items():
            if name.startswith("object"):
                c, l = object_sizes(data[start:end])
                code += c
                loaded += l
        print(path, code, loaded)


if __name__ == "__main__":
    main()
