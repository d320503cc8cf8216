#!/usr/bin/env bash
# Regenerates the ABI baseline abi/libwasmscope.abi (and abi/compiler.txt) from BUILD_DIR's
# libwasmscope.so, for when scripts/check-abi.sh reports an intended change. Use a g++ build
# (CI's is build-ci-gcc); commit the new baseline with the change that caused it.
#
#   scripts/update-abi.sh BUILD_DIR
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: scripts/update-abi.sh BUILD_DIR" >&2
  exit 2
fi
build_dir=$(cd "$1" 2>/dev/null && pwd) || { echo "update-abi: no directory $1" >&2; exit 2; }
cd "$(dirname "$0")/.."
source abi/abi-env.sh

lib=$(abi_library "$build_dir")
compiler=$(abi_compiler "$lib")
if [[ $compiler != GCC:* ]]; then
  echo "update-abi: $lib was built by \"$compiler\"; the baseline is for g++ builds" >&2
  exit 1
fi
abidw "${abidw_options[@]}" --out-file "$abi_baseline" "$lib"
echo "$compiler" >"$abi_compiler_file"
echo "update-abi: wrote $abi_baseline ($(wc -l <"$abi_baseline") lines) from $lib ($compiler)"
