#!/usr/bin/env bash
# Checks the ABI of BUILD_DIR's libwasmscope.so against the checked-in baseline
# (abi/libwasmscope.abi) with libabigail's abidiff, and fails on any difference: incompatible
# changes (a removed function, a public class whose layout changed) and compatible ones (an
# added function) alike, so every change to the public ABI is a deliberate baseline update
# reviewed with the code.
#
#   scripts/check-abi.sh BUILD_DIR
#
# The baseline is written from a g++ build (abi/compiler.txt says which); BUILD_DIR should be
# one too (CI: build-ci-gcc), since clang describes the same types differently.
# Types behind the public API's pointers (wasmscope::internal) may change freely:
# abi/suppressions.abignore.
set -uo pipefail
if [ $# -ne 1 ]; then
  echo "usage: scripts/check-abi.sh BUILD_DIR" >&2
  exit 2
fi
build_dir=$(cd "$1" 2>/dev/null && pwd) || { echo "check-abi: no directory $1" >&2; exit 2; }
cd "$(dirname "$0")/.."
source abi/abi-env.sh

lib=$(abi_library "$build_dir") || exit 1
compiler=$(abi_compiler "$lib")
expected=$(cat "$abi_compiler_file")
if [ "$compiler" != "$expected" ]; then
  echo "check-abi: note: the baseline is from \"$expected\", $lib from \"$compiler\";"
  echo "check-abi: differences may come from the compiler rather than the code"
fi

echo "check-abi: abidiff $abi_baseline $lib"
report=$(abidiff --no-default-suppression --fail-no-debug-info \
  --suppressions "$abi_suppressions" "$abi_baseline" "$lib" 2>&1)
status=$?
echo "$report"
# abidiff's status is a bit set: 1 error, 2 usage error, 4 ABI change, 8 incompatible change.
if [ "$status" -eq 0 ]; then
  echo "check-abi: OK: the ABI of libwasmscope.so matches $abi_baseline"
  exit 0
fi
if (( status & 3 )); then
  echo "check-abi: FAILED: abidiff could not compare (status $status)" >&2
  exit 1
fi
if (( status & 8 )); then
  echo "check-abi: FAILED: INCOMPATIBLE ABI change in libwasmscope.so (see above)." >&2
else
  echo "check-abi: FAILED: the ABI of libwasmscope.so changed (see above)." >&2
fi
echo "check-abi: if the change is intended, update the baseline and commit it with the change:" >&2
echo "check-abi:   scripts/update-abi.sh $1" >&2
echo "check-abi: (an incompatible change also needs the SONAME's major version raised)" >&2
exit 1
