#!/usr/bin/env bash
# Start-up of a tiny WASI program (tests/aot/hello.wat) three ways: the .wasm interpreted, the
# .wasm JIT-compiled (--tier compiled) and the .cwasm from `wasmscope compile` — the whole
# process, from exec to exit, median of N runs each, interleaved so that load changes hit all
# three alike. Prints a markdown table.
#
#   bench/startup.sh [-n RUNS] [WASMSCOPE]     (default: 51 runs, build/src/tools/wasmscope)
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
RUNS=51
if [ "${1:-}" = "-n" ]; then RUNS=$2; shift 2; fi
CLI=${1:-$ROOT/build/src/tools/wasmscope}
[ -x "$CLI" ] || { echo "startup.sh: no wasmscope at $CLI (build it, or pass its path)" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/startup.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The .wasm (through wat2wasm when there is one: text parsing is not what is measured).
if command -v wat2wasm >/dev/null; then
  wat2wasm "$ROOT/tests/aot/hello.wat" -o "$WORK/hello.wasm"
else
  "$CLI" compile "$ROOT/tests/aot/hello.wat" -o "$WORK/unused.cwasm"  # checks it compiles
  echo "startup.sh: no wat2wasm; timing the .wat (text parsing included)" >&2
  cp "$ROOT/tests/aot/hello.wat" "$WORK/hello.wasm.wat"
fi
WASM=$WORK/hello.wasm
[ -f "$WASM" ] || WASM=$WORK/hello.wasm.wat
"$CLI" compile "$WASM" -o "$WORK/hello.cwasm"

python3 - "$RUNS" "$CLI" "$WASM" "$WORK/hello.cwasm" <<'PY'
import os, statistics, subprocess, sys, time
runs, cli, wasm, cwasm = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
modes = [
    ("interpreter (.wasm)", [cli, "run", "--tier", "interp", wasm]),
    ("JIT (.wasm, --tier compiled)", [cli, "run", "--tier", "compiled", wasm]),
    ("AOT (.cwasm)", [cli, "run", cwasm]),
]
times = {name: [] for name, _ in modes}
for _ in range(runs):
    for name, argv in modes:
        start = time.perf_counter_ns()
        out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        elapsed = time.perf_counter_ns() - start
        if out.returncode != 0 or b"hello from a .cwasm" not in out.stdout:
            sys.exit("startup.sh: %s failed: %s" % (name, out.stderr.decode()))
        times[name].append(elapsed / 1e6)
load = open("/proc/loadavg").read().split()[:3]
print("start-up of tests/aot/hello.wat, %d runs each, load average %s, %d CPUs" %
      (runs, " ".join(load), os.cpu_count()))
print()
print("| how | median ms | min ms | max ms |")
print("| --- | ---: | ---: | ---: |")
for name, _ in modes:
    t = times[name]
    print("| %s | %.2f | %.2f | %.2f |" % (name, statistics.median(t), min(t), max(t)))
PY
