#!/usr/bin/env bash
# Builds libFuzzer targets with clang-16 (ASan + UBSan) and runs them.
#
#   scripts/fuzz.sh [TARGET] SECONDS       build TARGET in build-fuzz, run it for SECONDS
#   scripts/fuzz.sh --ci BUILD_DIR SECONDS  build every target in BUILD_DIR, run each for SECONDS
#
# TARGET (default decode_validate_fuzz):
#   decode_validate_fuzz  decode + validate + the DWARF readers + the text parser
#   exec_fuzz             instantiate and call every export, guard pages against explicit checks
#   readers_fuzz          the coredump and .cwasm readers
#   wasi_paths_fuzz       the WASI path sandbox and the path_* functions against a scratch tree
#   capi_fuzz             sequences of C API calls (wasm.h, wasmscope.h)
# The first two are seeded with every module of the spec suite (WASM_TESTSUITE, default
# ../shared/wasm-testsuite beside the checkout), the others with fuzz/corpus/TARGET. New
# inputs accumulate in BUILD_DIR/corpus-TARGET; crashes are written to BUILD_DIR as crash-*
# (keep each as fuzz/crashes/NAME-WHAT, NAME the target without _fuzz, with its fix and
# regression test; every run replays them). A report of any sanitizer,
# UBSan's included, ends the run as a failure.
#
# --ci is CI's fuzzing step (scripts/test.sh): one configuration, then every target, two at
# a time, each printing "fuzz.sh: result TARGET passed|failed"; the exit status is non-zero if the
# build or any target failed.
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(decode_validate_fuzz exec_fuzz readers_fuzz wasi_paths_fuzz capi_fuzz)
usage="usage: scripts/fuzz.sh [$(IFS='|'; echo "${all_targets[*]}")] SECONDS
       scripts/fuzz.sh --ci BUILD_DIR SECONDS"

# configure_and_build DIR TARGET...: the clang-16 fuzzing configuration, built for TARGETs.
# Without the compiler plugin: no target generates code (the .cwasm reader, which
# readers_fuzz checks, is in every build).
configure_and_build() {
  local dir=$1
  shift
  local -a targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  CC=clang-16 CXX=clang++-16 cmake -G Ninja -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DWASMSCOPE_FUZZ=ON -DWASMSCOPE_TESTS=OFF -DWASMSCOPE_COMPILER=OFF &&
    cmake --build "$dir" "${targets[@]}"
}

# suite_seeds DIR: every module (binary and text) that wast2json writes out of the spec suite's
# scripts, into DIR.
suite_seeds() {
  local out=$1 suite=${WASM_TESTSUITE:-$(pwd)/../shared/wasm-testsuite}
  if [ ! -d "$suite" ]; then
    echo "fuzz.sh: spec suite not found at $suite (set WASM_TESTSUITE)" >&2
    return 1
  fi
  local n=0
  while IFS= read -r -d '' wast; do
    n=$((n + 1))
    wast2json --enable-all "$wast" -o "$out/s$n.json" >/dev/null 2>&1 || true
  done < <(find "$suite" -name '*.wast' -print0 | sort -z)
  rm -f "$out"/*.json
}

# seed_target TARGET SEEDS SUITE: fills the empty directory SEEDS with TARGET's seed inputs;
# SUITE is a directory of suite_seeds output (made on first use if empty).
seed_target() {
  local target=$1 seeds=$2 suite=$3
  case $target in
    decode_validate_fuzz | exec_fuzz)
      if [ -z "$(ls -A "$suite")" ]; then suite_seeds "$suite" || return 1; fi
      cp "$suite"/* "$seeds/"
      # exec_fuzz runs modules: the text ones only slow it down.
      if [ "$target" = exec_fuzz ]; then rm -f "$seeds"/*.wat; fi
      ;;
    *) cp "fuzz/corpus/${target%_fuzz}"/* "$seeds/" ;;
  esac
  # Every kept crash input of the target (fuzz/crashes/NAME-*, NAME the target without _fuzz)
  # runs first in every run, CI's included: a regression fails the step at once.
  local kept
  for kept in "fuzz/crashes/${target%_fuzz}"-*; do
    if [ -f "$kept" ]; then cp "$kept" "$seeds/"; fi
  done
}

# run_target DIR TARGET SECONDS SUITE: seeds and runs DIR/fuzz/TARGET for SECONDS; its log is
# DIR/fuzz-TARGET.log. Returns libFuzzer's exit status.
run_target() {
  local dir=$1 target=$2 seconds=$3 suite=$4
  local seeds
  seeds=$(mktemp -d "${TMPDIR:-/tmp}/wasmscope-seeds.XXXXXX")
  if ! seed_target "$target" "$seeds" "$suite"; then
    rm -rf "$seeds"
    return 1
  fi
  echo "fuzz.sh: $(find "$seeds" -type f | wc -l) seed inputs for $target"
  mkdir -p "$dir/corpus-$target"
  local log=$dir/fuzz-$target.log status
  # wasi_paths_fuzz rebuilds its scratch tree under $TMPDIR after most inputs: on tmpfs that
  # runs ten times as many inputs as on /tmp's ext4 (whose inode allocation dominates).
  local tmp=${TMPDIR:-/tmp}
  if [ "$target" = wasi_paths_fuzz ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then tmp=/dev/shm; fi
  set +e
  (cd "$dir" && TMPDIR=$tmp UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
    "./fuzz/$target" "corpus-$target" "$seeds" -max_total_time="$seconds" \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1) 2>&1 | tee "$log" |
    grep -vE '^(#[0-9]+\s+(NEW|REDUCE|pulse)|\s+NEW_FUNC)'
  status=${PIPESTATUS[0]}
  set -e
  rm -rf "$seeds"
  local runs
  runs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{print $2}' | tail -n 1)
  echo "fuzz.sh: $target: ${runs:-unknown} executions in ${seconds}s, exit status $status"
  return "$status"
}

ci=false
dir=build-fuzz
target=decode_validate_fuzz
if [ "${1:-}" = --ci ]; then
  if [ $# -ne 3 ]; then echo "$usage" >&2; exit 2; fi
  ci=true
  dir=$2
  shift 2
elif [ $# -eq 2 ]; then
  target=$1
  shift
fi
if [ $# -ne 1 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
  echo "$usage" >&2
  exit 2
fi
seconds=$1
if ! $ci && ! [[ " ${all_targets[*]} " == *" $target "* ]]; then
  echo "fuzz.sh: unknown target $target" >&2
  exit 2
fi

scripts/install-deps.sh
suite=$(mktemp -d "${TMPDIR:-/tmp}/wasmscope-suite-seeds.XXXXXX")
trap 'rm -rf "$suite"' EXIT

if ! $ci; then
  configure_and_build "$dir" "$target"
  run_target "$dir" "$target" "$seconds" "$suite"
  exit $?
fi

if ! configure_and_build "$dir" "${all_targets[@]}"; then
  echo "fuzz.sh: the fuzzing build FAILED"
  exit 1
fi
# Two targets at a time (each libFuzzer process uses one core; CI has two), each printing
# into a file of its own that is shown whole when it ends, so outputs do not interleave.
# The spec suite's seeds are made once, before, so that no two targets make them together.
suite_seeds "$suite" || exit 1
status=0
run_one() {
  local t=$1
  if run_target "$dir" "$t" "$seconds" "$suite"; then
    echo "fuzz.sh: result $t passed"
  else
    echo "fuzz.sh: result $t failed"
  fi
}
for ((i = 0; i < ${#all_targets[@]}; i += 2)); do
  pair=("${all_targets[@]:i:2}")
  for t in "${pair[@]}"; do run_one "$t" >"$dir/fuzz-$t.out" 2>&1 & done
  wait
  for t in "${pair[@]}"; do
    cat "$dir/fuzz-$t.out"
    if ! grep -qE "^fuzz.sh: result $t passed$" "$dir/fuzz-$t.out"; then status=1; fi
  done
done
exit "$status"
