#!/usr/bin/env bash
# A hang report and a SIGQUIT thread dump of examples/hang/spin.c from two builds of
# wasmscope — the host's (x86-64) and a cross build's, run through qemu-user — must show the
# same frames: function, wasm code offset and source line, innermost first.
#
#   same_frames_test.sh REFERENCE_WASMSCOPE OTHER_WASMSCOPE EXAMPLES_DIR [TARGET]
#
# Both run the same spin.wasm (guests are architecture-independent). With TARGET, the other
# runs compiled code instead: spin.cwasm, which the reference compiles for TARGET
# (`compile --target`, as one compiles on a workstation for a device), against the
# reference's interpreter. File paths are reduced to
# their last component (the builds may sit in different directories). Each list must be
# non-empty and name the spinning loop (spin.c:8), so two empty lists never compare equal.
set -u
reference=$1
other=$2
examples=$3
target=${4:-}
# shellcheck source=tests/hang/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ref_module=$examples/spin.wasm
other_module=$examples/spin.wasm
if [ -n "$target" ]; then
  other_module=$work/spin.cwasm
  "$reference" compile --target "$target" "$ref_module" -o "$other_module" ||
    { fail "the reference cannot compile spin.wasm for $target"; finish same_frames; }
fi

# frames FILE: the "    at" lines of the first report or dump in FILE, paths shortened.
frames() {
  awk '/^wasmscope (hang report #1|thread dump)/ { inside = 1; next }
       inside && /^    at / { print; seen = 1; next }
       inside && seen && !/^    at / { exit }' "$1" |
    sed -E 's#\((.*/)?([^/]+:[0-9]+)\)$#(\2)#'
}

# hang_report WASMSCOPE NAME MODULE: the watchdog's report of spin, then the interrupt.
hang_report() {
  timeout -k 5 120 "$1" run --watchdog 300ms --on-hang interrupt "$3" \
    >"$work/$2.out" 2>"$work/$2.err"
  frames "$work/$2.err" >"$work/$2.report"
}

# sigquit_dump WASMSCOPE NAME MODULE: a thread dump of the spinning program on SIGQUIT.
sigquit_dump() {
  "$1" run "$3" >"$work/$2.out" 2>"$work/$2.err" &
  local pid=$!
  for _ in $(seq 400); do
    [ -S "/tmp/wasmscope-$(id -u)/$pid.sock" ] && grep -q "spin: starting" "$work/$2.out" && break
    sleep 0.05
  done
  for _ in $(seq 100); do
    grep -q "^    at spin!stuck_here" "$work/$2.err" && break
    kill -QUIT "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  frames "$work/$2.err" >"$work/$2.dump"
}

for kind in report dump; do
  if [ "$kind" = report ]; then
    hang_report "$reference" ref "$ref_module"
    hang_report "$other" other "$other_module"
  else
    sigquit_dump "$reference" ref "$ref_module"
    sigquit_dump "$other" other "$other_module"
  fi
  grep -qE "^    at spin!stuck_here\+0x[0-9a-f]+ \(spin\.c:8\)$" "$work/ref.$kind" ||
    fail "the reference's $kind does not show the loop (spin.c:8)"
  if ! cmp -s "$work/ref.$kind" "$work/other.$kind"; then
    fail "the ${kind}s differ"
    diff "$work/ref.$kind" "$work/other.$kind"
  fi
  echo "--- $kind ($(wc -l <"$work/other.$kind") frames, the same in both)"
  cat "$work/other.$kind"
done
[ "$failed" -eq 0 ] || { echo "--- reference stderr"; cat "$work/ref.err"; echo "--- other stderr"; cat "$work/other.err"; }
finish same_frames
