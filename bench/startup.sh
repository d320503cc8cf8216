#!/usr/bin/env bash
# Start-up of a tiny WASI program (tests/aot/hello.wat) three ways: the .wasm interpreted, the
# .wasm JIT-compiled (--tier compiled) and the .cwasm from `wasmscope compile` — the whole
# process, from exec to exit, median of N runs each — beside an empty process (/bin/true),
# timed the same way: what any process costs on this host, to compare hosts by. Given two
# builds, it times both side by side and prints their ratio (after / before).
#
# The empty process, the interpreter and the .cwasm runs (of every build, the builds taking
# turns going first) are interleaved, so that load changes hit them alike; the JIT runs afterwards, on their own: each JIT run (75 ms
# on both cores) slowed the process after it by 2 ms on a VM where a page fault costs 10-15 us.
# Each program's output is checked once; the timed runs are started with posix_spawn and write
# to /dev/null (a pipe that Python reads added 2-3 ms a run there). Prints a markdown table.
#
#   bench/startup.sh [-n RUNS] [-m MODULE.wasm [-a 'ARGS']] [WASMSCOPE [AFTER]]
#       (default: 51 runs, build/src/tools/wasmscope; with AFTER, WASMSCOPE is the "before")
#
# -m times another program instead (a large one: what loading its .cwasm costs), run with the
# guest arguments ARGS; its output is not checked, only its exit status, and the JIT is left
# out (compiling a large module at every run measures the compiler, not start-up).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
RUNS=51
MODULE=
GUEST_ARGS=
while [ $# -gt 0 ]; do
  case $1 in
    -n) RUNS=$2; shift 2 ;;
    -m) MODULE=$2; shift 2 ;;
    -a) GUEST_ARGS=$2; shift 2 ;;
    *) break ;;
  esac
done
CLIS=("${1:-$ROOT/build/src/tools/wasmscope}")
[ $# -ge 2 ] && CLIS+=("$2")
for cli in "${CLIS[@]}"; do
  [ -x "$cli" ] || { echo "startup.sh: no wasmscope at $cli (build it, or pass its path)" >&2; exit 1; }
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/startup.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The .wasm (through wat2wasm when there is one: text parsing is not what is measured).
if [ -n "$MODULE" ]; then
  [ -f "$MODULE" ] || { echo "startup.sh: no module at $MODULE" >&2; exit 1; }
  cp "$MODULE" "$WORK/hello.wasm"
elif command -v wat2wasm >/dev/null; then
  wat2wasm "$ROOT/tests/aot/hello.wat" -o "$WORK/hello.wasm"
else
  "${CLIS[0]}" compile "$ROOT/tests/aot/hello.wat" -o "$WORK/unused.cwasm"  # checks it compiles
  echo "startup.sh: no wat2wasm; timing the .wat (text parsing included)" >&2
  cp "$ROOT/tests/aot/hello.wat" "$WORK/hello.wasm.wat"
fi
WASM=$WORK/hello.wasm
[ -f "$WASM" ] || WASM=$WORK/hello.wasm.wat
# A .cwasm runs only under the build that compiled it: one per build.
for i in "${!CLIS[@]}"; do
  "${CLIS[$i]}" compile "$WASM" -o "$WORK/hello$i.cwasm"
done

python3 - "$RUNS" "$WASM" "$WORK" "$MODULE" "$GUEST_ARGS" "${CLIS[@]}" <<'PY'
import os, shlex, statistics, subprocess, sys, time
runs, wasm, work, module, guest_args = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], \
    shlex.split(sys.argv[5])
clis = sys.argv[6:]
true = "/bin/true" if os.path.exists("/bin/true") else "/usr/bin/true"
# Rows: (how, [argv per build]); the empty process is one command for every build.
rows = [
    ("empty process (%s)" % true, [[true]] * len(clis)),
    ("interpreter (.wasm)", [[c, "run", "--tier", "interp", wasm] + guest_args for c in clis]),
    ("AOT (.cwasm)", [[c, "run", "%s/hello%d.cwasm" % (work, i)] + guest_args
                      for i, c in enumerate(clis)]),
]
if not module:
    rows.append(("JIT (.wasm, --tier compiled)",
                 [[c, "run", "--tier", "compiled", wasm] for c in clis]))
for name, argvs in rows[1:]:
    for argv in argvs:
        out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if out.returncode != 0 or (not module and b"hello from a .cwasm" not in out.stdout):
            sys.exit("startup.sh: %s (%s) failed: %s" % (name, argv[0], out.stderr.decode()))
quiet = [(os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
         (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0)]
times = {(name, b): [] for name, _ in rows for b in range(len(clis))}
def timed(name, b, argv):
    start = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=quiet)
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter_ns() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("startup.sh: %s (%s) failed (status %d)" % (name, argv[0], status))
    times[(name, b)].append(elapsed / 1e6)
# The builds take turns going first: the second run of the same command right after the first
# was 4-6 % faster here (the empty process's "after / before" showed it).
for group in (rows[:3], rows[3:]):  # the JIT on its own, after the rest
    for run in range(runs):
        for name, argvs in group:
            order = list(enumerate(argvs))
            if run % 2:
                order.reverse()
            for b, argv in order:
                timed(name, b, argv)
load = open("/proc/loadavg").read().split()[:3]
what = "%s %s" % (module, " ".join(guest_args)) if module else "tests/aot/hello.wat"
print("start-up of %s, %d runs each, load average %s, %d CPUs" %
      (what.strip(), runs, " ".join(load), os.cpu_count()))
for i, c in enumerate(clis):
    print("%s: %s" % (("before", "after")[i] if len(clis) > 1 else "wasmscope", c))
print()
med = {k: statistics.median(v) for k, v in times.items()}
empty = rows[0][0]
if len(clis) == 1:
    print("| how | median ms | min ms | max ms | median over the empty process's |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, _ in rows:
        t = times[(name, 0)]
        print("| %s | %.2f | %.2f | %.2f | +%.2f ms |" %
              (name, med[(name, 0)], min(t), max(t), med[(name, 0)] - med[(empty, 0)]))
else:
    print("| how | before, median ms | after, median ms | after / before | after - before |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, _ in rows:
        a, b = med[(name, 0)], med[(name, 1)]
        print("| %s | %.2f | %.2f | %.3f | %+.2f ms |" % (name, a, b, b / a, b - a))
PY
