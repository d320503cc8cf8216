#!/usr/bin/env bash
# Benchmarks live stack capture (bench/README.md, "Stack capture"), in one run:
#
#  1. Overhead: the kernels of bench/kernels/ under `wasmscope run`, built with
#     WASMSCOPE_CAPTURE=ON and =OFF, alternating ON/OFF per kernel and repetition; median
#     user+sys CPU time per kernel, the ratio ON/OFF and its geomean, with the spread.
#  2. Latency: bench/capture/latency.cc, built in the ON tree (target capture_latency), on
#     each tier: capture of a guest 100 frames deep (signal and, interpreted, safepoint
#     paths), suspend of a running and of a sleeping guest, terminate of a running guest and
#     of one blocked in a WASI wait.
#
# It configures and builds its own trees, build-bench-capture-on and build-bench-capture-off
# (Release, tests off, target wasmscope), compiles the kernels into bench/build/capture/, and
# writes the tables as markdown to bench/results/capture.md. Figures only: nothing here fails
# on a slow result (the exit status is 1 only if a build fails or ON and OFF disagree on a
# kernel's result).
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_NAME=capture.sh
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
ROOT=$(cd "$BENCH_DIR/.." && pwd)
WORK="$BENCH_DIR/build/capture"
OUT_FILE="$BENCH_DIR/results/capture.md"
BUILD_ON="$ROOT/build-bench-capture-on"
BUILD_OFF="$ROOT/build-bench-capture-off"

RUNS=7
TIER=interp
INSTRUCTIONS=0
ONLY_KERNELS=""
DO_OVERHEAD=1
DO_LATENCY=1
LATENCY_ARGS=()
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
CLANG=${CLANG:-clang-16}
CXX=${CXX:-c++}

usage() {
  cat <<EOF
usage: bench/capture.sh [options]
  --runs N             repetitions per kernel and build; the median is reported (default $RUNS)
  --kernels A,B,...    only these kernels (default: every bench/kernels/*.c but empty)
  --tier interp|compiled
                       the tier of the overhead part (default interp). compiled: each tree
                       compiles every kernel to a .cwasm once (WASMSCOPE_CAPTURE=OFF compiles
                       without frame pointers and lets LLVM inline), and the .cwasm runs
                       and the report gives each .cwasm's native code size (bench/cwasm_size.py),
                       plus CoreMark's when bench/build/coremark/coremark.wasm exists
  --instructions       also count each kernel's instructions once per build, with
                       valgrind --tool=cachegrind --cache-sim=no (deterministic)
  --overhead-only      skip the latency part
  --latency-only       skip the overhead part (builds only the ON tree)
  --captures N         captures per path (default 10000)       } passed to
  --cycles N           suspend/resume cycles (default 200)      } bench/capture/latency
  --terminates N       terminate runs per case (default 100)    }
  --depth N            guest frames (default 100)               }
  --out FILE           markdown output (default bench/results/capture.md)
Environment: JOBS (build parallelism, default nproc), CLANG (default clang-16), CXX (default c++).
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS=${2:?}; shift 2 ;;
    --kernels) ONLY_KERNELS=${2:?}; shift 2 ;;
    --tier) TIER=${2:?}; shift 2 ;;
    --instructions) INSTRUCTIONS=1; shift ;;
    --overhead-only) DO_LATENCY=0; shift ;;
    --latency-only) DO_OVERHEAD=0; shift ;;
    --captures|--cycles|--terminates|--depth) LATENCY_ARGS+=("$1" "${2:?}"); shift 2 ;;
    --out) OUT_FILE=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "capture.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "capture.sh: --runs needs a positive integer" >&2; exit 2; }
[[ "$TIER" == interp || "$TIER" == compiled ]] \
  || { echo "capture.sh: --tier is interp or compiled" >&2; exit 2; }

LOAD_AT_START=$(loadavg)
mkdir -p "$WORK" "$(dirname "$OUT_FILE")"

# ---------------------------------------------------------------------------------------------
# Builds.

build_tree() {  # build_tree DIR ON|OFF
  log "building wasmscope with WASMSCOPE_CAPTURE=$2 in ${1#"$ROOT/"} ..."
  build_wasmscope "$1" "$2" "-DWASMSCOPE_CAPTURE=$2"
}

build_tree "$BUILD_ON" ON
[[ $DO_OVERHEAD -eq 1 ]] && build_tree "$BUILD_OFF" OFF

# The latency program (bench/capture/CMakeLists.txt), in the ON tree.
LATENCY_EXE="$BUILD_ON/bench/capture/capture_latency"
if [[ $DO_LATENCY -eq 1 ]]; then
  log "building bench/capture/latency (target capture_latency) ..."
  cmake --build "$BUILD_ON" --target capture_latency -j "$JOBS" >"$WORK/build-latency.log" 2>&1 \
    || die "building the latency program failed; see $WORK/build-latency.log"
fi

# ---------------------------------------------------------------------------------------------
# Overhead: kernels as bench/run.sh builds them for wasm ("// bench:" line of each file).

declare -A MEDIAN=() SPREAD=() RRANGE=()
declare -A RATIOS=()  # RATIOS[kernel,rep] = ON/OFF of that repetition
MISMATCH=""

# run_kernel BUILD_DIR KERNEL: sets RUN_CPU (user+sys seconds of the process) and RUN_OUT.
RUN_OUT=""
run_kernel() {
  local exe=$1/src/tools/wasmscope k=$2 out="$WORK/out.txt"
  kernel_run_args "$WORK" "$k"
  # Compiled: the .cwasm this tree wrote (compile_kernels), not the .wasm.
  [[ $TIER == compiled ]] && KERNEL_ARGV[0]="$WORK/$k.$(basename "$1").cwasm"
  time_command "$out" "$out" "$exe" run "${KERNEL_ARGV[@]}"
  [[ $RUN_RC -eq 0 ]] || die "$exe failed on $k: $(head -c 300 "$out")"
  RUN_OUT=$(grep -a -v '^[[:space:]]*$' "$out" | tail -n1)
}

# compile_kernels: with --tier compiled, each tree compiles each kernel to its own .cwasm.
compile_kernels() {
  [[ $TIER == compiled ]] || return 0
  local b k
  for b in "$BUILD_ON" "$BUILD_OFF"; do
    for k in "${KERNELS[@]}"; do
      "$b/src/tools/wasmscope" compile "$WORK/$k.wasm" -o "$WORK/$k.$(basename "$b").cwasm" \
        >"$WORK/compile.txt" 2>&1 || die "compiling $k in ${b#"$ROOT/"} failed: $(head -c 300 "$WORK/compile.txt")"
    done
  done
}

# code_sizes: with --tier compiled, the native code size of each kernel's .cwasm in each tree
# (and of CoreMark's, when bench/coremark.sh has built its .wasm), in CODE_ON / CODE_OFF.
declare -A CODE_ON=() CODE_OFF=()
SIZE_NAMES=()
code_sizes() {
  [[ $TIER == compiled ]] || return 0
  SIZE_NAMES=("${KERNELS[@]}")
  local coremark="$BENCH_DIR/build/coremark/coremark.wasm" b k
  if [[ -f "$coremark" ]]; then
    cp "$coremark" "$WORK/coremark.wasm"
    for b in "$BUILD_ON" "$BUILD_OFF"; do
      "$b/src/tools/wasmscope" compile "$WORK/coremark.wasm" \
        -o "$WORK/coremark.$(basename "$b").cwasm" >"$WORK/compile.txt" 2>&1 \
        || die "compiling CoreMark in ${b#"$ROOT/"} failed: $(head -c 300 "$WORK/compile.txt")"
    done
    SIZE_NAMES+=(coremark)
  fi
  for k in "${SIZE_NAMES[@]}"; do
    CODE_ON[$k]=$(python3 "$BENCH_DIR/cwasm_size.py" "$WORK/$k.$(basename "$BUILD_ON").cwasm" | awk '{ print $2 }')
    CODE_OFF[$k]=$(python3 "$BENCH_DIR/cwasm_size.py" "$WORK/$k.$(basename "$BUILD_OFF").cwasm" | awk '{ print $2 }')
    [[ -n "${CODE_ON[$k]}" && -n "${CODE_OFF[$k]}" ]] || die "no code size for $k"
  done
}

# count_instructions BUILD_DIR KERNEL: instructions of one run under cachegrind (no cache
# simulation), in INSTR. Compiled: the .cwasm is compiled under valgrind too (valgrind's
# virtual CPU lacks some of this one's features, so a .cwasm for this CPU is refused there).
INSTR=""
count_instructions() {
  local exe=$1/src/tools/wasmscope k=$2 out="$WORK/cg.txt"
  kernel_run_args "$WORK" "$k"
  if [[ $TIER == compiled ]]; then
    KERNEL_ARGV[0]="$WORK/$k.$(basename "$1").vg.cwasm"
    valgrind --tool=none -q "$exe" compile "$WORK/$k.wasm" -o "${KERNEL_ARGV[0]}" >"$out" 2>&1 \
      || die "compiling $k under valgrind failed: $(tail -c 300 "$out")"
  fi
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$exe" run "${KERNEL_ARGV[@]}" >"$out" 2>&1 </dev/null || die "cachegrind failed on $k: $(tail -c 300 "$out")"
  INSTR=$(sed -nE 's/^==[0-9]+== I +refs: +([0-9,]+).*/\1/p' "$out" | tr -d ,)
  [[ -n "$INSTR" ]] || die "no instruction count for $k in $out"
}

declare -A INSTR_ON=() INSTR_OFF=()
if [[ $DO_OVERHEAD -eq 1 ]]; then
  find_kernels "$ONLY_KERNELS"
  # For instructions, the empty kernel too: its count (start-up and exit) is subtracted.
  if [[ $INSTRUCTIONS -eq 1 ]]; then
    add_kernel "" empty "$BENCH_DIR/kernels/empty.c" \
      "$(grep -m1 '^// bench:' "$BENCH_DIR/kernels/empty.c")" ""
  fi
  build_kernels "$WORK"
  [[ $INSTRUCTIONS -eq 1 ]] && unset 'KERNELS[${#KERNELS[@]}-1]'
  compile_kernels
  code_sizes

  log "overhead: $RUNS repetitions of ${#KERNELS[@]} kernels, ON and OFF alternating ..."
  declare -A TIMES_ON=() TIMES_OFF=()
  for ((rep = 0; rep < RUNS; rep++)); do
    for k in "${KERNELS[@]}"; do
      # Alternate which build goes first, so drift and order effects fall on both.
      if ((rep % 2 == 0)); then order=(on off); else order=(off on); fi
      for b in "${order[@]}"; do
        if [[ $b == on ]]; then run_kernel "$BUILD_ON" "$k"; t_on=$RUN_CPU; out_on=$RUN_OUT
        else run_kernel "$BUILD_OFF" "$k"; t_off=$RUN_CPU; out_off=$RUN_OUT
        fi
      done
      if [[ "$out_on" != "$out_off" ]]; then
        log "!!!! $k: ON printed '$out_on', OFF printed '$out_off'"
        MISMATCH+=" $k"
      fi
      TIMES_ON[$k]+="$t_on "
      TIMES_OFF[$k]+="$t_off "
      RATIOS[$k,$rep]=$(awk -v a="$t_on" -v b="$t_off" 'BEGIN { printf "%.5f", a / b }')
      log "  rep $((rep + 1))/$RUNS $(printf '%-16s' "$k") on ${t_on}s off ${t_off}s  load $(loadavg)"
    done
  done

  for k in "${KERNELS[@]}"; do
    # shellcheck disable=SC2086
    MEDIAN[$k,on]=$(median ${TIMES_ON[$k]})
    # shellcheck disable=SC2086
    MEDIAN[$k,off]=$(median ${TIMES_OFF[$k]})
    # Spread: (max - min) / median of each build's runs, in percent.
    for b in on off; do
      if [[ $b == on ]]; then ts=${TIMES_ON[$k]}; else ts=${TIMES_OFF[$k]}; fi
      # shellcheck disable=SC2086
      SPREAD[$k,$b]=$(spread_pct $ts)
    done
    r=""
    for ((rep = 0; rep < RUNS; rep++)); do r+="${RATIOS[$k,$rep]} "; done
    # shellcheck disable=SC2086
    RRANGE[$k]=$(range $r)
  done
  if [[ $INSTRUCTIONS -eq 1 ]]; then
    log "instructions (cachegrind, one run per kernel and build) ..."
    for k in empty "${KERNELS[@]}"; do
      count_instructions "$BUILD_ON" "$k"; INSTR_ON[$k]=$INSTR
      count_instructions "$BUILD_OFF" "$k"; INSTR_OFF[$k]=$INSTR
      log "  $(printf '%-16s' "$k") on ${INSTR_ON[$k]} off ${INSTR_OFF[$k]}"
    done
  fi
fi

# ---------------------------------------------------------------------------------------------
# Latency.

LATENCY_TABLE=""
if [[ $DO_LATENCY -eq 1 ]]; then
  log "latency, interpreter ..."
  LATENCY_TABLE=$("$LATENCY_EXE" --tier interp ${LATENCY_ARGS[@]+"${LATENCY_ARGS[@]}"}) \
    || die "the latency program failed (interpreter)"
  log "latency, compiled tier ..."
  LATENCY_TABLE+=$'\n\n'$("$LATENCY_EXE" --tier compiled ${LATENCY_ARGS[@]+"${LATENCY_ARGS[@]}"}) \
    || die "the latency program failed (compiled tier)"
fi

# ---------------------------------------------------------------------------------------------
# Report.


overhead_table() {
  {
    printf 'kernel\tON s\tOFF s\tON / OFF\tper-run ON / OFF (min-max)\tspread ON %%\tspread OFF %%\n'
    local k logs=""
    for k in "${KERNELS[@]}"; do
      printf '%s\t%.3f\t%.3f\t%s\t%s\t%s\t%s\n' "$k" "${MEDIAN[$k,on]}" "${MEDIAN[$k,off]}" \
        "$(awk -v a="${MEDIAN[$k,on]}" -v b="${MEDIAN[$k,off]}" 'BEGIN { printf "%.3f", a / b }')" \
        "${RRANGE[$k]}" "${SPREAD[$k,on]}" "${SPREAD[$k,off]}"
      logs+="${MEDIAN[$k,on]} ${MEDIAN[$k,off]}"$'\n'
    done
    # The geomean of the per-kernel median ratios, and the range of per-repetition geomeans.
    local g rep reps=() per_rep=()
    g=$(awk 'NF { s += log($1) - log($2); n++ } END { printf "%.3f", exp(s / n) }' <<<"$logs")
    for ((rep = 0; rep < RUNS; rep++)); do
      per_rep=()
      for k in "${KERNELS[@]}"; do per_rep+=("${RATIOS[$k,$rep]}"); done
      reps+=("$(geomean "${per_rep[@]}")")
    done
    printf '**geomean**\t\t\t**%s**\t%s\t\t\n' "$g" "$(range "${reps[@]}")"
  } | render_table
}

code_size_table() {
  {
    printf 'module\tON code bytes\tOFF code bytes\tON / OFF\n'
    local k ratios=()
    for k in "${SIZE_NAMES[@]}"; do
      local r
      r=$(awk -v a="${CODE_ON[$k]}" -v b="${CODE_OFF[$k]}" 'BEGIN { printf "%.3f", a / b }')
      ratios+=("$r")
      printf '%s\t%s\t%s\t%s\n' "$k" "${CODE_ON[$k]}" "${CODE_OFF[$k]}" "$r"
    done
    printf '**geomean**\t\t\t**%s**\n' "$(geomean "${ratios[@]}")"
  } | render_table
}

instructions_table() {
  {
    printf 'kernel\tON instructions\tOFF instructions\tON / OFF\tnet ON / OFF\n'
    local k ratios=() nets=()
    printf '%s\t%s\t%s\t\t\n' "empty (start-up)" "${INSTR_ON[empty]}" "${INSTR_OFF[empty]}"
    for k in "${KERNELS[@]}"; do
      local r n
      r=$(awk -v a="${INSTR_ON[$k]}" -v b="${INSTR_OFF[$k]}" 'BEGIN { printf "%.4f", a / b }')
      n=$(awk -v a="${INSTR_ON[$k]}" -v b="${INSTR_OFF[$k]}" -v ea="${INSTR_ON[empty]}" \
            -v eb="${INSTR_OFF[empty]}" 'BEGIN { printf "%.4f", (a - ea) / (b - eb) }')
      ratios+=("$r")
      nets+=("$n")
      printf '%s\t%s\t%s\t%s\t%s\n' "$k" "${INSTR_ON[$k]}" "${INSTR_OFF[$k]}" "$r" "$n"
    done
    printf '**geomean**\t\t\t**%s**\t**%s**\n' "$(geomean "${ratios[@]}")" "$(geomean "${nets[@]}")"
  } | render_table
}

{
  echo "## wasmscope stack capture benchmark"
  echo
  report_provenance
  echo "- compiler: $("$CXX" --version | head -n1); Release builds (WASMSCOPE_TESTS=OFF)"
  echo "- load average at the start: $LOAD_AT_START; at the end: $(loadavg)"
  if [[ $DO_OVERHEAD -eq 1 ]]; then
    echo
    echo "### Overhead of the capture bookkeeping (WASMSCOPE_CAPTURE=ON against OFF)"
    echo
    if [[ $TIER == compiled ]]; then
      echo "Compiled tier: each build compiled each kernel to a .cwasm (\`wasmscope compile\`, default"
      echo "opt level; OFF: no frame pointers, inlining allowed), then \`wasmscope run K.cwasm --invoke ...\`;"
    else
      echo "Interpreter: \`wasmscope run K.wasm --invoke ...\` of each kernel (built as bench/run.sh builds them);"
    fi
    echo "user+sys CPU time of the whole process, median of $RUNS runs per build, ON and OFF run"
    echo "back to back per kernel, alternating which goes first. ON / OFF above 1: the"
    echo "bookkeeping costs time. \"per-run\" is the range of the ON / OFF ratios of single"
    echo "repetitions (on the geomean row: of each repetition's geomean); \"spread\" is"
    echo "(max - min) / median of one build's runs: differences smaller than these are noise."
    echo
    overhead_table
    [[ -n "$MISMATCH" ]] && echo && echo "**ON and OFF printed different results for:$MISMATCH**"
    if [[ $TIER == compiled ]]; then
      echo
      echo "Native code size of each .cwasm (bytes of executable sections in its objects,"
      echo "bench/cwasm_size.py; OFF: no frame pointers, inlining allowed):"
      echo
      code_size_table
    fi
    if [[ $INSTRUCTIONS -eq 1 ]]; then
      echo
      echo "Instructions of one run per kernel and build (\`valgrind --tool=cachegrind --cache-sim=no\`,"
      echo "deterministic; the whole process, start-up included; \"net\" subtracts each build's count"
      echo "for the empty kernel, leaving the kernel's own work):"
      echo
      instructions_table
    fi
  fi
  if [[ $DO_LATENCY -eq 1 ]]; then
    echo
    echo "### Capture, suspend and terminate latency (bench/capture/latency.cc, ON build, both tiers)"
    echo
    echo "$LATENCY_TABLE"
  fi
} >"$OUT_FILE.tmp"
publish_report
[[ -z "$MISMATCH" ]] || exit 1
exit 0
