#!/usr/bin/env bash
# The barrier audit: no barrier-class instruction (dmb, dsb, isb, ldar/stlr, exclusives,
# atomics; mfence and locked instructions on x86-64) on the interpreter's guest call, return
# and loop back-edge paths, where the frame-record bookkeeping that stack capture reads is
# kept, nor on the compiled tier's transitions: the runtime's functions that enter and leave
# compiled code, and with --cwasm the generated code itself (docs/stack-capture.md,
# "Barriers").
#
#   scripts/audit-barriers.sh [--cwasm FILE]... BUILD_DIR...
#
# For each CMake build directory (a cross build for ARM: cmake/toolchains/; or a native one)
# it builds nothing: it needs tests/barriers/interp_handler_map built there. It runs that
# program (through qemu-user in a cross build: BUILD_DIR/emulated/), which prints the
# handlers' addresses from the interpreter's dispatch tables, and hands them with the
# executable to scripts/audit_barriers.py, which disassembles the interpreter with the
# build's own objdump (CMAKE_OBJDUMP) and follows each handler's code (see there), then the
# transition functions, then every instruction of each --cwasm file's objects (compiled for
# the build's target: `wasmscope compile --target`). Prints a table per build (instruction
# counts per handler and function, barriers found); exits 1 if any build has a barrier on
# those paths or cannot be audited.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cwasm=()
while [ $# -gt 0 ] && [ "$1" = --cwasm ]; do
  if [ $# -lt 2 ] || [ ! -f "$2" ]; then
    echo "audit: --cwasm needs an existing file" >&2
    exit 2
  fi
  cwasm+=(--cwasm "$2")
  shift 2
done
if [ $# -eq 0 ]; then
  echo "usage: scripts/audit-barriers.sh [--cwasm FILE]... BUILD_DIR..." >&2
  exit 2
fi

# cache_value DIR VAR: VAR's value in DIR's CMakeCache.txt.
cache_value() {
  sed -nE "s/^$2:[A-Z]+=(.*)$/\\1/p" "$1/CMakeCache.txt" | head -n 1
}

status=0
for dir in "$@"; do
  echo "=== barrier audit: $dir"
  exe=$dir/tests/barriers/interp_handler_map
  runner=$exe
  [ -x "$dir/emulated/interp_handler_map" ] && runner=$dir/emulated/interp_handler_map
  objdump=$(cache_value "$dir" CMAKE_OBJDUMP)
  nm=$(cache_value "$dir" CMAKE_NM)
  if [ ! -x "$exe" ] || [ -z "$objdump" ] || [ -z "$nm" ]; then
    echo "audit: $dir has no interp_handler_map, or no CMAKE_OBJDUMP/CMAKE_NM in its cache" >&2
    status=1
    continue
  fi
  map=$(mktemp "${TMPDIR:-/tmp}/handler-map.XXXXXX")
  if ! "$runner" >"$map"; then
    echo "audit: $runner failed" >&2
    status=1
  elif ! python3 "$here/audit_barriers.py" --exe "$exe" --map "$map" --objdump "$objdump" \
      --nm "$nm" "${cwasm[@]}"; then
    status=1
  fi
  rm -f "$map"
done
exit "$status"
