#!/usr/bin/env python3
"""Byte-flipped copies of a large WASI module (tests/sqlite): `wasmscope validate` and
`wasmscope run` must end every one with a status and a message, never a signal, a sanitizer
report or a hang.

    mutants.py WASMSCOPE MODULE COUNT WORKDIR [SEED]

Mutant i flips 1 to 8 bytes of MODULE (random.Random(f"{SEED}:{i}")), so a failure is
reproduced by its number: anywhere in every third mutant, inside the code section in the next
(instructions and immediates: mostly invalid, some valid with other behaviour), inside the
data section in the last (valid modules whose program sees other data). validate must answer "valid" (exit 0) or "malformed" /
"invalid" (exit 1). A valid mutant runs under --timeout 10s --max-memory 64M with stdin from
/dev/null and no preopened directory: any exit status is the guest's business (proc_exit,
134 for a trap, 124 for the timeout, 1 when it cannot start), but a signal, a sanitizer's
report or a run past the timeout's own grace is a failure. Prints the counts; exits 1 on any
failure, naming the mutant and keeping it in WORKDIR.
"""
import os
import random
import shutil
import subprocess
import sys

SANITIZER_MARKS = (b"AddressSanitizer", b"LeakSanitizer", b"UndefinedBehaviorSanitizer",
                   b"ThreadSanitizer", b"runtime error:")


def check(what, argv, expect_statuses, work, index, path):
    """Runs {argv}: (None, the completed process) if it ended as it should, else (why, None)."""
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
    except subprocess.TimeoutExpired:
        return f"mutant {index}: {what} hung (no end after 60 s)", None
    problem = None
    if p.returncode < 0:
        problem = f"{what} died of signal {-p.returncode}"
    elif expect_statuses is not None and p.returncode not in expect_statuses:
        problem = f"{what} exited with {p.returncode}, expected one of {sorted(expect_statuses)}"
    elif any(m in p.stderr for m in SANITIZER_MARKS):
        problem = f"{what}: a sanitizer reported"
    if problem is None:
        return None, p
    kept = os.path.join(work, f"mutant-{index}.wasm")
    shutil.copy(path, kept)
    tail = p.stderr.decode(errors="replace")[-1500:]
    return f"mutant {index}: {problem} (kept as {kept})\n{tail}", None


def leb(data, pos):
    value = shift = 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, pos


def section_ranges(data):
    """{id: (start, end)} of the module's sections' contents."""
    ranges, pos = {}, 8
    while pos < len(data):
        sid = data[pos]
        size, pos = leb(data, pos + 1)
        ranges[sid] = (pos, pos + size)
        pos += size
    return ranges


def main():
    cli, module, count, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    seed = sys.argv[5] if len(sys.argv) > 5 else "sqlite"
    original = open(module, "rb").read()
    sections = section_ranges(original)
    regions = [(0, len(original)), sections[10], sections[11]]  # anywhere, code, data
    counts = {"valid": 0, "malformed": 0, "invalid": 0}
    statuses = {}
    failures = []
    path = os.path.join(work, "mutant.wasm")
    for i in range(count):
        rng = random.Random(f"{seed}:{i}")
        data = bytearray(original)
        start, end = regions[i % 3]
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(start, end)] = rng.randrange(256)
        with open(path, "wb") as f:
            f.write(data)
        problem, p = check("validate", [cli, "validate", path], {0, 1}, work, i, path)
        if problem:
            failures.append(problem)
            continue
        v = (p.stdout + p.stderr).decode(errors="replace")
        if ": valid" in v:
            counts["valid"] += 1
        elif ": malformed" in v:
            counts["malformed"] += 1
            continue
        elif ": invalid" in v:
            counts["invalid"] += 1
            continue
        else:
            failures.append(f"mutant {i}: validate said neither valid, malformed nor invalid: {v}")
            continue
        argv = [cli, "run", "--timeout", "10s", "--max-memory", "64M", path, "300"]
        problem, p = check("run", argv, None, work, i, path)
        if problem:
            failures.append(problem)
            continue
        statuses[p.returncode] = statuses.get(p.returncode, 0) + 1
    print(f"{count} mutants (seed {seed}): valid {counts['valid']}, malformed "
          f"{counts['malformed']}, invalid {counts['invalid']}; run exit statuses of the valid: "
          + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    for f in failures:
        print(f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
