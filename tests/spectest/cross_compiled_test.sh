#!/usr/bin/env bash
# The spec suite on code compiled for another machine: HOST_WASMSCOPE (a native build with the
# compiler) compiles every module the scripts load for TARGET (`spectest --cwasm-out`, which
# runs the scripts in its interpreter as well), and OTHER_WASMSCOPE (a cross build without a
# compiler, run through qemu-user) runs the scripts on those .cwasm files
# (`spectest --cwasm-in`): the suite's verdicts on the device's compiled code.
#
#   cross_compiled_test.sh HOST_WASMSCOPE OTHER_WASMSCOPE TARGET [SPECTEST OPTIONS...] SUITE_DIR
set -u
host=$1 other=$2 target=$3
shift 3
work=$(mktemp -d "${TMPDIR:-/tmp}/cross-spectest.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
echo "--- compiling every module for $target"
"$host" spectest --tier interp --cwasm-out "$work" --target "$target" "$@" >"$work/host.log" 2>&1
status=$?
tail -n 1 "$work/host.log"
if [ "$status" -ne 0 ]; then
  echo "FAIL: the host's run (exit $status)"
  grep -E "FAIL|error" "$work/host.log" | head -n 40
  exit 1
fi
modules=$(find "$work" -name '*.cwasm' | wc -l)
echo "$modules .cwasm files"
[ "$modules" -gt 0 ] || { echo "FAIL: no module was compiled"; exit 1; }
echo "--- running them on $target"
"$other" spectest --cwasm-in "$work" "$@"
