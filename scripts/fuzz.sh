#!/usr/bin/env bash
# Builds the libFuzzer target with clang-16 (ASan + UBSan) in build-fuzz and fuzzes decode +
# validate + the text parser for SECONDS seconds, seeded with every module of the spec suite.
#
#   scripts/fuzz.sh SECONDS
#
# New inputs accumulate in build-fuzz/corpus; crashes are written to build-fuzz/ as crash-*.
# WASM_TESTSUITE names the suite (default: ../shared/wasm-testsuite beside the checkout).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 1 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh SECONDS" >&2
  exit 2
fi
seconds=$1
suite=${WASM_TESTSUITE:-$(pwd)/../shared/wasm-testsuite}
if [ ! -d "$suite" ]; then
  echo "fuzz.sh: spec suite not found at $suite (set WASM_TESTSUITE)" >&2
  exit 1
fi

scripts/install-deps.sh
CC=clang-16 CXX=clang++-16 cmake -G Ninja -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWASMSCOPE_FUZZ=ON -DWASMSCOPE_TESTS=OFF
cmake --build build-fuzz --target decode_validate_fuzz

# Seeds: every module (binary and text) that wast2json writes out of the suite's scripts.
seeds=$(mktemp -d "${TMPDIR:-/tmp}/wasmscope-seeds.XXXXXX")
trap 'rm -rf "$seeds"' EXIT
n=0
while IFS= read -r -d '' wast; do
  n=$((n + 1))
  wast2json --enable-all "$wast" -o "$seeds/s$n.json" >/dev/null 2>&1 || true
done < <(find "$suite" -name '*.wast' -print0 | sort -z)
rm -f "$seeds"/*.json
echo "fuzz.sh: $(find "$seeds" -type f | wc -l) seed inputs from $n scripts"

mkdir -p build-fuzz/corpus
log=build-fuzz/fuzz.log
set +e
(cd build-fuzz && ./fuzz/decode_validate_fuzz corpus "$seeds" -max_total_time="$seconds" \
  -rss_limit_mb=2048 -timeout=10 -print_final_stats=1) 2>&1 | tee "$log" |
  grep -vE '^#[0-9]+\s+(NEW|REDUCE|pulse)'
status=${PIPESTATUS[0]}
set -e
runs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{print $2}' | tail -n 1)
echo "fuzz.sh: ${runs:-unknown} executions in ${seconds}s, exit status $status"
exit "$status"
