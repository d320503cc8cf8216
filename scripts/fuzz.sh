#!/usr/bin/env bash
# Builds libFuzzer targets with clang-16 (ASan + UBSan) and runs them.
#
#   scripts/fuzz.sh [TARGET] SECONDS       build TARGET in build-fuzz, run it for SECONDS
#   scripts/fuzz.sh --ci BUILD_DIR SECONDS  build every target in BUILD_DIR, run each for SECONDS
#   scripts/fuzz.sh --build-only BUILD_DIR  only build every target in BUILD_DIR
#   scripts/fuzz.sh --minimize-exec-seeds BUILD_DIR
#                                           remake fuzz/exec_seeds.txt: the spec suite's binary
#                                           modules that add exec_fuzz coverage (-merge=1)
#
# TARGET (default decode_validate_fuzz):
#   decode_validate_fuzz  decode + validate + the DWARF readers + the text parser
#   exec_fuzz             instantiate and call every export, guard pages against explicit checks
#   readers_fuzz          the coredump and .cwasm readers
#   wasi_paths_fuzz       the WASI path sandbox and the path_* functions against a scratch tree
#   capi_fuzz             sequences of C API calls (wasm.h, wasmscope.h)
# The first is seeded with every module of the spec suite (WASM_TESTSUITE, default
# ../shared/wasm-testsuite beside the checkout), exec_fuzz with the suite's modules that
# fuzz/exec_seeds.txt names (remade by --minimize-exec-seeds), the others with
# fuzz/corpus/TARGET. New
# inputs accumulate in BUILD_DIR/corpus-TARGET; crashes are written to BUILD_DIR as crash-*
# (keep each as fuzz/crashes/NAME-WHAT, NAME the target without _fuzz, with its fix and
# regression test; every run replays them). A report of any sanitizer,
# UBSan's included, ends the run as a failure.
#
# --ci is CI's fuzzing step (scripts/test.sh): one build, then every target, two at a time,
# each printing "fuzz.sh: result TARGET passed|failed"; the exit status is non-zero if the
# build or any target failed. A BUILD_DIR not yet configured gets the fuzzing configuration
# below; one already configured with -DWASMSCOPE_FUZZ=ON (CI's ASan+UBSan build, which builds
# the targets beside its tests) is built as it is; any other is refused, not reconfigured.
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(decode_validate_fuzz exec_fuzz readers_fuzz wasi_paths_fuzz capi_fuzz)
usage="usage: scripts/fuzz.sh [$(IFS='|'; echo "${all_targets[*]}")] SECONDS
       scripts/fuzz.sh --ci BUILD_DIR SECONDS
       scripts/fuzz.sh --build-only BUILD_DIR
       scripts/fuzz.sh --minimize-exec-seeds BUILD_DIR"

# configure_and_build DIR TARGET...: the clang-16 fuzzing configuration, built for TARGETs.
# Without the compiler plugin: no target generates code (the .cwasm reader, which
# readers_fuzz checks, is in every build).
configure_and_build() {
  CC=clang-16 CXX=clang++-16 cmake -G Ninja -S . -B "$1" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DWASMSCOPE_FUZZ=ON -DWASMSCOPE_TESTS=OFF -DWASMSCOPE_COMPILER=OFF &&
    build "$@"
}

# build DIR TARGET...: builds TARGETs in the configured DIR.
build() {
  local dir=$1
  shift
  local -a targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build "$dir" "${targets[@]}"
}

# suite_seeds DIR: every module (binary and text) that wast2json writes out of the spec suite's
# scripts, into DIR, named after the script's path in the suite ("core/simd_lane.wast"'s
# modules are core__simd_lane.0.wasm, core__simd_lane.1.wasm, ...).
suite_seeds() {
  local out=$1 suite=${WASM_TESTSUITE:-$(pwd)/../shared/wasm-testsuite}
  if [ ! -d "$suite" ]; then
    echo "fuzz.sh: spec suite not found at $suite (set WASM_TESTSUITE)" >&2
    return 1
  fi
  local rel
  while IFS= read -r -d '' wast; do
    rel=${wast#"$suite"/}
    rel=${rel%.wast}
    wast2json --enable-all "$wast" -o "$out/${rel//\//__}.json" >/dev/null 2>&1 || true
  done < <(find "$suite" -name '*.wast' -print0 | sort -z)
  rm -f "$out"/*.json
}

# seed_target TARGET SEEDS SUITE: fills the empty directory SEEDS with TARGET's seed inputs;
# SUITE is a directory of suite_seeds output (made on first use if empty).
seed_target() {
  local target=$1 seeds=$2 suite=$3
  case $target in
    decode_validate_fuzz)
      if [ -z "$(ls -A "$suite")" ]; then suite_seeds "$suite" || return 1; fi
      cp "$suite"/* "$seeds/"
      ;;
    # exec_fuzz: the suite's binary modules that libFuzzer's merge keeps for their coverage,
    # named in fuzz/exec_seeds.txt (--minimize-exec-seeds; the modules stay in the suite):
    # running all ~6,400 took 57 s, so a one-minute run ended before its first mutation.
    exec_fuzz)
      if [ -z "$(ls -A "$suite")" ]; then suite_seeds "$suite" || return 1; fi
      local name listed=0 found=0
      while IFS= read -r name; do
        case $name in '' | '#'*) continue ;; esac
        listed=$((listed + 1))
        if [ -f "$suite/$name" ]; then
          cp "$suite/$name" "$seeds/"
          found=$((found + 1))
        fi
      done <fuzz/exec_seeds.txt
      echo "fuzz.sh: $found of fuzz/exec_seeds.txt's $listed modules are in the suite"
      if [ "$found" -eq 0 ]; then
        echo "fuzz.sh: seeding exec_fuzz with every binary module of the suite instead" >&2
        cp "$suite"/*.wasm "$seeds/"
      fi
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
if [ "${1:-}" = --build-only ]; then
  if [ $# -ne 2 ]; then echo "$usage" >&2; exit 2; fi
  scripts/install-deps.sh
  configure_and_build "$2" "${all_targets[@]}"
  exit $?
fi
if [ "${1:-}" = --minimize-exec-seeds ]; then
  if [ $# -ne 2 ]; then echo "$usage" >&2; exit 2; fi
  dir=$2
  scripts/install-deps.sh
  configure_and_build "$dir" exec_fuzz
  work=$(mktemp -d "${TMPDIR:-/tmp}/wasmscope-exec-seeds.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  mkdir "$work/suite" "$work/merged"
  suite_seeds "$work/suite"
  rm -f "$work/suite"/*.wat  # exec_fuzz runs binary modules: text ones only slow it down
  (cd "$dir" && ./fuzz/exec_fuzz -merge=1 -rss_limit_mb=2048 -timeout=10 \
    "$work/merged" "$work/suite") >"$dir/exec-merge.log" 2>&1 ||
    { tail -n 20 "$dir/exec-merge.log" >&2; exit 1; }
  # libFuzzer names each kept input by its content's SHA-1: the list names one suite module
  # of that content.
  (cd "$work/suite" && sha1sum -- *) | sort -k1,1 -k2,2 | sort -u -k1,1 >"$work/suite.sha1"
  {
    echo "# The spec suite's modules (scripts/fuzz.sh suite_seeds names) that seed exec_fuzz:"
    echo "# those libFuzzer's -merge=1 keeps for their coverage. Remade by"
    echo "# scripts/fuzz.sh --minimize-exec-seeds BUILD_DIR."
    ls "$work/merged" | sort | join -o 2.2 - "$work/suite.sha1" | sort -u
  } >fuzz/exec_seeds.txt
  echo "fuzz.sh: fuzz/exec_seeds.txt: $(grep -vc '^#' fuzz/exec_seeds.txt) of" \
    "$(find "$work/suite" -type f | wc -l) suite modules"
  exit 0
fi
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

if [ -f "$dir/CMakeCache.txt" ]; then
  if ! grep -qE '^WASMSCOPE_FUZZ:BOOL=(ON|TRUE|1)$' "$dir/CMakeCache.txt"; then
    echo "fuzz.sh: $dir is a build configured without -DWASMSCOPE_FUZZ=ON" >&2
    exit 1
  fi
  build "$dir" "${all_targets[@]}" || build_failed=1
else
  configure_and_build "$dir" "${all_targets[@]}" || build_failed=1
fi
if [ -n "${build_failed:-}" ]; then
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
