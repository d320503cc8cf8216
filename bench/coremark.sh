#!/usr/bin/env bash
# CoreMark on every engine at hand, side by side in one run: native clang -O2, wasmscope's
# interpreter, its compiled tier (JIT, and from a .cwasm when `wasmscope compile` exists),
# node (V8, through node:wasi), wasm2c (Debian's wabt) compiled by gcc -O2, and WAMR's AOT when
# IWASM and WAMRC are set.
#
#   bench/coremark.sh [--runs N] [--iterations N] [--engines A,B,...] [--out FILE]
#
# CoreMark is not part of this repository: COREMARK_SRC (default /tmp/coremark) must hold a
# checkout of https://github.com/eembc/coremark (bench/README.md). The script builds, in
# bench/build/coremark/ (git-ignored):
#   native     clang-16 -O2, EEMBC's posix port;
#   wasm       clang-16 --target=wasm32-wasi --sysroot=/usr -O2 -c, linked without -O (an
#              optimizing link would run binaryen's wasm-opt where installed), posix port;
#   wasm2c     wasm2c of that module, gcc -O2 with wabt's runtime and bench/drivers/wasm2c_wasi.c.
# Every engine runs the performance run's seeds (0x0 0x0 0x66) for --iterations iterations.
# Each run's CRC lines must equal the native run's (a mismatch is reported and fails the
# script). Two figures per engine, medians of --runs runs: CoreMark's own score (iterations per
# second of its timed loop: start-up and compilation excluded) and the process's CPU time
# (user+sys: start-up and compilation included); each with its ratio to native (score: native
# / engine, so 1.30 means 30 % slower). CoreMark's complaint that a run under 10 s is not a
# valid score is ignored. The table goes to bench/results/coremark.md.
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_NAME=coremark.sh
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
ROOT=$(cd "$BENCH_DIR/.." && pwd)
RESULTS_DIR="$BENCH_DIR/results"
WORK="$BENCH_DIR/build/coremark"

RUNS=3
ITERATIONS=30000
ONLY_ENGINES=""
OUT_FILE="$RESULTS_DIR/coremark.md"
ALL_ENGINES=(wasmscope wasmscope-compiled wasmscope-cwasm node wasm2c iwasm-aot)

usage() {
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
  echo "engines: ${ALL_ENGINES[*]} (native always runs)"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS=${2:?}; shift 2 ;;
    --iterations) ITERATIONS=${2:?}; shift 2 ;;
    --engines) ONLY_ENGINES=${2:?}; shift 2 ;;
    --out) OUT_FILE=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "coremark.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs needs a positive integer"
[[ "$ITERATIONS" =~ ^[1-9][0-9]*$ ]] || die "--iterations needs a positive integer"

COREMARK_SRC=${COREMARK_SRC:-/tmp/coremark}
[[ -f "$COREMARK_SRC/core_main.c" && -d "$COREMARK_SRC/posix" ]] \
  || die "no CoreMark checkout at $COREMARK_SRC (set COREMARK_SRC; see bench/README.md)"
CLANG=${CLANG:-clang-16}
WASMSCOPE=${WASMSCOPE:-$ROOT/build/src/tools/wasmscope}
NODE=${NODE-$(command -v node || true)}
WASM2C=${WASM2C-$(command -v wasm2c || true)}
WASM2C_RT=${WASM2C_RT:-/usr/share/wabt/wasm2c}
IWASM=${IWASM:-}
WAMRC=${WAMRC:-}
JOBS=${JOBS:-$(nproc)}

wanted() { [[ -z "$ONLY_ENGINES" || ",$ONLY_ENGINES," == *",$1,"* ]]; }

mkdir -p "$WORK" "$RESULTS_DIR"
if [[ "$WASMSCOPE" == "$ROOT/build/src/tools/wasmscope" ]]; then
  log "building wasmscope (Release) in build/ ..."
  build_wasmscope "$ROOT/build" release
fi
[[ -x "$WASMSCOPE" ]] || die "no wasmscope at $WASMSCOPE"

SOURCES=(core_list_join.c core_main.c core_matrix.c core_state.c core_util.c posix/core_portme.c)
log "building CoreMark from $COREMARK_SRC ..."
(
  cd "$COREMARK_SRC" || exit 1
  "$CLANG" -O2 -Iposix -I. '-DFLAGS_STR="-O2"' "${SOURCES[@]}" -o "$WORK/coremark-native" || exit 1
  objs=()
  for s in "${SOURCES[@]}"; do
    o="$WORK/$(basename "$s" .c).o"
    "$CLANG" --target=wasm32-wasi --sysroot=/usr -O2 -Iposix -I. '-DFLAGS_STR="-O2"' -c "$s" -o "$o" \
      || exit 1
    objs+=("$o")
  done
  "$CLANG" --target=wasm32-wasi --sysroot=/usr "${objs[@]}" -o "$WORK/coremark.wasm" || exit 1
) >"$WORK/build.log" 2>&1 || die "building CoreMark failed; see $WORK/build.log"

ENGINES=(native)
declare -A CMD=()
CMD[native]="$WORK/coremark-native"
if wanted wasmscope; then ENGINES+=(wasmscope); CMD[wasmscope]="$WASMSCOPE run --tier interp $WORK/coremark.wasm"; fi
if wanted wasmscope-compiled; then
  ENGINES+=(wasmscope-compiled)
  CMD[wasmscope-compiled]="$WASMSCOPE run --tier compiled $WORK/coremark.wasm"
fi
if wanted wasmscope-cwasm; then
  if "$WASMSCOPE" compile "$WORK/coremark.wasm" -o "$WORK/coremark.cwasm" >"$WORK/cwasm.log" 2>&1; then
    ENGINES+=(wasmscope-cwasm)
    CMD[wasmscope-cwasm]="$WASMSCOPE run $WORK/coremark.cwasm"
  else
    log "wasmscope-cwasm: skipped ('wasmscope compile' failed: $(head -n 1 "$WORK/cwasm.log"))"
  fi
fi
if wanted node; then
  if [[ -n "$NODE" ]]; then
    ENGINES+=(node)
    CMD[node]="$NODE --no-warnings $BENCH_DIR/drivers/wasi.mjs $WORK/coremark.wasm"
  else
    log "node: skipped (not found)"
  fi
fi
if wanted wasm2c; then
  if [[ -n "$WASM2C" && -f "$WASM2C_RT/wasm-rt-impl.c" ]] && command -v gcc >/dev/null; then
    if "$WASM2C" "$WORK/coremark.wasm" -n guest -o "$WORK/guest.c" >"$WORK/wasm2c.log" 2>&1 \
        && gcc -O2 -I"$WASM2C_RT" -I"$WORK" "$WORK/guest.c" "$WASM2C_RT/wasm-rt-impl.c" \
          "$BENCH_DIR/drivers/wasm2c_wasi.c" -lm -o "$WORK/coremark-wasm2c" >>"$WORK/wasm2c.log" 2>&1; then
      ENGINES+=(wasm2c)
      CMD[wasm2c]="$WORK/coremark-wasm2c"
    else
      die "building the wasm2c engine failed; see $WORK/wasm2c.log"
    fi
  else
    log "wasm2c: skipped (wasm2c, gcc or $WASM2C_RT/wasm-rt-impl.c missing)"
  fi
fi
if wanted iwasm-aot; then
  if [[ -n "$IWASM" && -n "$WAMRC" ]]; then
    "$WAMRC" -o "$WORK/coremark.aot" "$WORK/coremark.wasm" >"$WORK/wamrc.log" 2>&1 \
      || die "wamrc failed; see $WORK/wamrc.log"
    ENGINES+=(iwasm-aot)
    CMD[iwasm-aot]="$IWASM $WORK/coremark.aot"
  else
    log "iwasm-aot: skipped (set IWASM and WAMRC to a WAMR build)"
  fi
fi

ARGS="0x0 0x0 0x66 $ITERATIONS"
declare -A SCORES=() CPUS=()
FAILURES=()
REF_CRC=""
for ((r = 1; r <= RUNS; r++)); do
  for e in "${ENGINES[@]}"; do  # interleaved: every engine once per round, so drift hits all
    log "round $r/$RUNS: $e (load $(loadavg))"
    # shellcheck disable=SC2086  # CMD holds a command line
    time_command "$WORK/out.txt" "$WORK/err.txt" ${CMD[$e]} $ARGS
    if [[ "$RUN_RC" != 0 && "$RUN_RC" != 1 ]]; then  # CoreMark's too-short complaint exits 1
      FAILURES+=("$e: exit status $RUN_RC: $(head -c 300 "$WORK/err.txt")")
      continue
    fi
    crc=$(grep -E '^(seedcrc|\[0\]crc)' "$WORK/out.txt" | tr -s ' ')
    if [[ -z "$crc" ]]; then FAILURES+=("$e: no CRC lines in its output"); continue; fi
    if [[ -z "$REF_CRC" ]]; then REF_CRC=$crc; fi
    if [[ "$crc" != "$REF_CRC" ]]; then FAILURES+=("$e: CRC lines differ from native's"); continue; fi
    score=$(sed -nE 's/^Iterations\/Sec *: *([0-9.]+).*/\1/p' "$WORK/out.txt")
    [[ -n "$score" ]] || { FAILURES+=("$e: no score in its output"); continue; }
    SCORES[$e]+="$score "
    CPUS[$e]+="$RUN_CPU "
  done
done

{
  echo "## CoreMark, $ITERATIONS iterations"
  echo
  report_provenance
  echo "- median of $RUNS interleaved runs; load average at the end: $(loadavg)"
  echo "- score: CoreMark's iterations/s (its timed loop only); cpu: the process's user+sys"
  echo "  seconds (start-up and compilation included); x native: native's / the engine's"
  echo
  native_score=$(median ${SCORES[native]})
  native_cpu=$(median ${CPUS[native]})
  {
    printf 'engine\tscore\tx native (score)\tcpu s\tx native (cpu)\n'
    for e in "${ENGINES[@]}"; do
      [[ -n "${SCORES[$e]:-}" ]] || { printf '%s\tfailed\t\t\t\n' "$e"; continue; }
      # shellcheck disable=SC2086
      s=$(median ${SCORES[$e]}); c=$(median ${CPUS[$e]})
      printf '%s\t%.0f\t%.2f\t%.3f\t%.2f\n' "$e" "$s" \
        "$(awk -v a="$native_score" -v b="$s" 'BEGIN { print a / b }')" "$c" \
        "$(awk -v a="$c" -v b="$native_cpu" 'BEGIN { print a / b }')"
    done
  } | render_table
  failures_section
} >"$OUT_FILE.tmp"
publish_report
[[ ${#FAILURES[@]} -eq 0 ]]
