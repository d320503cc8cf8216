#!/usr/bin/env bash
# Compares two builds of wasmscope on the kernels of bench/kernels/, side by side in one run:
# "did this change make 2.0 code slower?" (issue 18 asks it of every WebAssembly 3.0 feature).
#
#   bench/builds.sh --before OLD/wasmscope --after NEW/wasmscope [--tier interp|compiled]
#                   [--runs N] [--kernels A,B,...] [--out FILE]
#
# Builds nothing but the kernels (bench/build/builds/): point --before at a tree of the old
# commit (e.g. a `git worktree` built with the same options). Per kernel it reports the
# instructions of one run of each build by `valgrind --tool=cachegrind --cache-sim=no`
# (deterministic), net of the empty kernel's start-up, and the median user+sys CPU time of
# --runs runs, the builds alternating which goes first. With --tier compiled each build
# compiles each kernel to a .cwasm first (under valgrind for the counted run: valgrind's
# virtual CPU lacks features of this one, and a .cwasm for this CPU is rightly refused there),
# so compile time is not measured. Writes markdown to bench/results/builds.md. Figures only:
# the exit status is 1 only when something fails to run or the builds disagree on a result.
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_NAME=builds.sh
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
ROOT=$(cd "$BENCH_DIR/.." && pwd)
WORK="$BENCH_DIR/build/builds"
OUT_FILE="$BENCH_DIR/results/builds.md"
CLANG=${CLANG:-clang-16}
BEFORE=""
AFTER=""
TIER=interp
RUNS=5
ONLY_KERNELS=""

usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --before) BEFORE=${2:?}; shift 2 ;;
    --after) AFTER=${2:?}; shift 2 ;;
    --tier) TIER=${2:?}; shift 2 ;;
    --runs) RUNS=${2:?}; shift 2 ;;
    --kernels) ONLY_KERNELS=${2:?}; shift 2 ;;
    --out) OUT_FILE=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ -x "$BEFORE" && -x "$AFTER" ]] || { usage >&2; die "--before and --after must name wasmscope executables"; }
[[ $TIER == interp || $TIER == compiled ]] || die "--tier is interp or compiled"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs needs a positive number"
command -v valgrind >/dev/null || die "valgrind not found (scripts/install-deps.sh installs it)"
mkdir -p "$WORK" "$(dirname "$OUT_FILE")"

find_kernels "$ONLY_KERNELS"
# Compiled kernels are made by this run's two builds: a .cwasm from an earlier run's (other
# builds, other fingerprints) would be refused, or measure the wrong code.
rm -f "$WORK"/*.cwasm
add_kernel "" empty "$BENCH_DIR/kernels/empty.c" "$(grep -m1 '^// bench:' "$BENCH_DIR/kernels/empty.c")" ""
build_kernels "$WORK"
unset 'KERNELS[${#KERNELS[@]}-1]'

FAILURES=()
# argv B K COUNTED: sets KERNEL_ARGV for build B (before|after) running kernel K; with
# --tier compiled, compiles its .cwasm first (under valgrind when COUNTED is 1).
argv() {
  local b=$1 k=$2 counted=$3 exe cw out="$WORK/compile.txt"
  if [[ $b == before ]]; then exe=$BEFORE; else exe=$AFTER; fi
  kernel_run_args "$WORK" "$k"
  [[ $TIER == compiled ]] || return 0
  cw="$WORK/$k.$b$([[ $counted == 1 ]] && echo .vg).cwasm"
  if [[ ! -f "$cw" ]]; then
    if [[ $counted == 1 ]]; then
      valgrind --tool=none -q "$exe" compile "$WORK/$k.wasm" -o "$cw" >"$out" 2>&1
    else
      "$exe" compile "$WORK/$k.wasm" -o "$cw" >"$out" 2>&1
    fi || die "compiling $k with the $b build failed: $(tail -c 300 "$out")"
  fi
  KERNEL_ARGV[0]=$cw
}

declare -A INSTR=() TIMES=() RESULT=()
log "instructions (cachegrind, one run per kernel and build) ..."
for k in empty "${KERNELS[@]}"; do
  for b in before after; do
    if [[ $b == before ]]; then exe=$BEFORE; else exe=$AFTER; fi
    argv "$b" "$k" 1
    out="$WORK/cg.txt"
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
      "$exe" run "${KERNEL_ARGV[@]}" >"$out" 2>&1 </dev/null \
      || die "cachegrind failed on $k ($b): $(tail -c 300 "$out")"
    INSTR[$k,$b]=$(sed -nE 's/^==[0-9]+== I +refs: +([0-9,]+).*/\1/p' "$out" | tr -d ,)
    [[ -n "${INSTR[$k,$b]}" ]] || die "no instruction count for $k ($b)"
  done
  log "  $(printf '%-16s' "$k") before ${INSTR[$k,before]} after ${INSTR[$k,after]}"
done

log "CPU time: $RUNS runs per kernel and build, alternating ..."
for ((rep = 0; rep < RUNS; rep++)); do
  for k in "${KERNELS[@]}"; do
    if ((rep % 2 == 0)); then order=(before after); else order=(after before); fi
    for b in "${order[@]}"; do
      if [[ $b == before ]]; then exe=$BEFORE; else exe=$AFTER; fi
      argv "$b" "$k" 0
      time_command "$WORK/out.txt" "$WORK/err.txt" "$exe" run "${KERNEL_ARGV[@]}"
      [[ $RUN_RC -eq 0 ]] || FAILURES+=("$k ($b): exit status $RUN_RC: $(head -c 200 "$WORK/err.txt")")
      TIMES[$k,$b]+="$RUN_CPU "
      res=$(tr -d '\n' <"$WORK/out.txt")
      if [[ -n "${RESULT[$k]:-}" && "${RESULT[$k]}" != "$res" ]]; then
        FAILURES+=("$k: the builds disagree: '${RESULT[$k]}' and '$res'")
      fi
      RESULT[$k]=$res
    done
  done
  log "  repetition $((rep + 1))/$RUNS done, load $(loadavg)"
done

ratios_i=() ratios_t=()
{
  echo "## Two builds side by side ($TIER)"
  echo
  report_provenance
  echo "- before: \`$BEFORE\`"
  echo "- after: \`$AFTER\`"
  echo "- instructions: one run each under cachegrind, net of the empty kernel (before ${INSTR[empty,before]}, after ${INSTR[empty,after]}); CPU time: median of $RUNS"
  echo "- load average at the end: $(loadavg)"
  echo
  echo "| kernel | instructions before | after | after / before | CPU s before | after | after / before |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for k in "${KERNELS[@]}"; do
    nb=$((INSTR[$k,before] - INSTR[empty,before]))
    na=$((INSTR[$k,after] - INSTR[empty,after]))
    ri=$(awk -v a="$na" -v b="$nb" 'BEGIN { printf "%.4f", a / b }')
    # shellcheck disable=SC2086
    tb=$(median ${TIMES[$k,before]})
    # shellcheck disable=SC2086
    ta=$(median ${TIMES[$k,after]})
    rt=$(awk -v a="$ta" -v b="$tb" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 1) }')
    ratios_i+=("$ri")
    ratios_t+=("$rt")
    echo "| $k | $nb | $na | $ri | $tb | $ta | $rt |"
  done
  echo "| **geomean** | | | **$(geomean "${ratios_i[@]}")** | | | **$(geomean "${ratios_t[@]}")** |"
  failures_section
} >"$OUT_FILE.tmp"
publish_report
[[ ${#FAILURES[@]} -eq 0 ]]
