#!/usr/bin/env bash
# Builds a libFuzzer target with clang-16 (ASan + UBSan) in build-fuzz and runs it for SECONDS
# seconds.
#
#   scripts/fuzz.sh [TARGET] SECONDS
#
# TARGET (default decode_validate_fuzz):
#   decode_validate_fuzz  decode + validate + the DWARF readers + the text parser
#   exec_fuzz             instantiate and call every export, guard pages against explicit checks
#   readers_fuzz          the coredump and .cwasm readers
# The first two are seeded with every module of the spec suite (WASM_TESTSUITE, default
# ../shared/wasm-testsuite beside the checkout), readers_fuzz with fuzz/corpus/readers. New
# inputs accumulate in build-fuzz/corpus-TARGET; crashes are written to build-fuzz/ as crash-*
# (keep each in fuzz/crashes/ with its fix and regression test).
set -euo pipefail
cd "$(dirname "$0")/.."

target=decode_validate_fuzz
if [ $# -eq 2 ]; then
  target=$1
  shift
fi
if [ $# -ne 1 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh [decode_validate_fuzz|exec_fuzz|readers_fuzz] SECONDS" >&2
  exit 2
fi
case $target in
  decode_validate_fuzz | exec_fuzz | readers_fuzz) ;;
  *) echo "fuzz.sh: unknown target $target" >&2; exit 2 ;;
esac
seconds=$1

scripts/install-deps.sh
CC=clang-16 CXX=clang++-16 cmake -G Ninja -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWASMSCOPE_FUZZ=ON -DWASMSCOPE_TESTS=OFF
cmake --build build-fuzz --target "$target"

seeds=$(mktemp -d "${TMPDIR:-/tmp}/wasmscope-seeds.XXXXXX")
trap 'rm -rf "$seeds"' EXIT
if [ "$target" = readers_fuzz ]; then
  cp fuzz/corpus/readers/* "$seeds/"
else
  suite=${WASM_TESTSUITE:-$(pwd)/../shared/wasm-testsuite}
  if [ ! -d "$suite" ]; then
    echo "fuzz.sh: spec suite not found at $suite (set WASM_TESTSUITE)" >&2
    exit 1
  fi
  # Seeds: every module (binary and text) that wast2json writes out of the suite's scripts.
  n=0
  while IFS= read -r -d '' wast; do
    n=$((n + 1))
    wast2json --enable-all "$wast" -o "$seeds/s$n.json" >/dev/null 2>&1 || true
  done < <(find "$suite" -name '*.wast' -print0 | sort -z)
  rm -f "$seeds"/*.json
  # exec_fuzz runs modules: the text ones only slow it down.
  [ "$target" = exec_fuzz ] && rm -f "$seeds"/*.wat
fi
echo "fuzz.sh: $(find "$seeds" -type f | wc -l) seed inputs for $target"

corpus=build-fuzz/corpus-$target
mkdir -p "$corpus"
log=build-fuzz/fuzz-$target.log
set +e
(cd build-fuzz && "./fuzz/$target" "../$corpus" "$seeds" -max_total_time="$seconds" \
  -rss_limit_mb=2048 -timeout=10 -print_final_stats=1) 2>&1 | tee "$log" |
  grep -vE '^#[0-9]+\s+(NEW|REDUCE|pulse)'
status=${PIPESTATUS[0]}
set -e
runs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{print $2}' | tail -n 1)
echo "fuzz.sh: $target: ${runs:-unknown} executions in ${seconds}s, exit status $status"
exit "$status"
