#!/usr/bin/env bash
# Benchmarks live stack capture (bench/README.md, "Stack capture"), in one run:
#
#  1. Overhead: the kernels of bench/kernels/ under `wasmscope run`, built with
#     WASMSCOPE_CAPTURE=ON and =OFF, alternating ON/OFF per kernel and repetition; median
#     user+sys CPU time per kernel, the ratio ON/OFF and its geomean, with the spread.
#  2. Latency: bench/capture/latency.cc, built against the ON build's libraries: capture of a
#     guest 100 frames deep (signal and safepoint paths), suspend of a running and of a
#     sleeping guest, terminate of a running guest and of one blocked in a WASI wait.
#
# It configures and builds its own trees, build-bench-capture-on and build-bench-capture-off
# (Release, tests off, target wasmscope), compiles the kernels into bench/build/capture/, and
# writes the tables as markdown to bench/results/capture.md. Figures only: nothing here fails
# on a slow result (the exit status is 1 only if a build fails or ON and OFF disagree on a
# kernel's result).
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
ROOT=$(cd "$BENCH_DIR/.." && pwd)
WORK="$BENCH_DIR/build/capture"
OUT_FILE="$BENCH_DIR/results/capture.md"
BUILD_ON="$ROOT/build-bench-capture-on"
BUILD_OFF="$ROOT/build-bench-capture-off"

RUNS=7
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
    --overhead-only) DO_LATENCY=0; shift ;;
    --latency-only) DO_OVERHEAD=0; shift ;;
    --captures|--cycles|--terminates|--depth) LATENCY_ARGS+=("$1" "${2:?}"); shift 2 ;;
    --out) OUT_FILE=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "capture.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "capture.sh: --runs needs a positive integer" >&2; exit 2; }

log() { echo "$@" >&2; }
die() { echo "capture.sh: $*" >&2; exit 1; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }

LOAD_AT_START=$(loadavg)
mkdir -p "$WORK" "$(dirname "$OUT_FILE")"

# ---------------------------------------------------------------------------------------------
# Builds.

build_tree() {  # build_tree DIR ON|OFF
  local dir=$1 capture=$2
  log "building wasmscope with WASMSCOPE_CAPTURE=$capture in ${dir#"$ROOT/"} ..."
  local -a gen=()
  command -v ninja >/dev/null && [[ ! -f "$dir/CMakeCache.txt" ]] && gen=(-G Ninja)
  cmake -S "$ROOT" -B "$dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DWASMSCOPE_TESTS=OFF \
    "-DWASMSCOPE_CAPTURE=$capture" >"$WORK/cmake-$capture.log" 2>&1 \
    || die "configuring $dir failed; see $WORK/cmake-$capture.log"
  cmake --build "$dir" --target wasmscope -j "$JOBS" >"$WORK/build-$capture.log" 2>&1 \
    || die "building $dir failed; see $WORK/build-$capture.log"
}

build_tree "$BUILD_ON" ON
[[ $DO_OVERHEAD -eq 1 ]] && build_tree "$BUILD_OFF" OFF

# The latency program, against the ON tree's static libraries (dependents before dependencies).
if [[ $DO_LATENCY -eq 1 ]]; then
  log "compiling bench/capture/latency ..."
  LIBS=()
  for lib in wasi/libwasmscope_wasi runtime/libwasmscope_runtime stack/libwasmscope_stack \
             text/libwasmscope_text engine/libwasmscope_engine \
             validate/libwasmscope_validate binary/libwasmscope_binary spec/libwasmscope_spec \
             base/platform/libwasmscope_platform base/libwasmscope_base; do
    [[ -f "$BUILD_ON/src/$lib.a" ]] || die "$BUILD_ON/src/$lib.a is missing"
    LIBS+=("$BUILD_ON/src/$lib.a")
  done
  "$CXX" -std=c++20 -O2 -DNDEBUG -I "$ROOT/include" -I "$ROOT/src" -I "$BENCH_DIR/capture" \
    "$BENCH_DIR/capture/latency.cc" "$BENCH_DIR/capture/wasi_terminate.cc" \
    -o "$WORK/latency" "${LIBS[@]}" -lpthread \
    || die "compiling the latency program failed"
fi

# ---------------------------------------------------------------------------------------------
# Overhead: kernels as bench/run.sh builds them for wasm ("// bench:" line of each file).

declare -A K_SRC=() K_EXPORT=() K_ARGS=() K_FLAGS=() MEDIAN=() SPREAD=() RRANGE=()
declare -A RATIOS=()  # RATIOS[kernel,rep] = ON/OFF of that repetition
KERNELS=()
MISMATCH=""

field() {  # field LINE KEY
  local re="(^| )$2=([^ ]*)"
  [[ "$1" =~ $re ]] && echo "${BASH_REMATCH[2]}"
}

add_kernel() {  # add_kernel NAME SOURCE LINE WASM_FLAGS
  local k=$1
  [[ -n "$ONLY_KERNELS" && ",$ONLY_KERNELS," != *",$k,"* ]] && return
  K_SRC[$k]=$2
  K_EXPORT[$k]=$(field "$3" export)
  K_ARGS[$k]=$(field "$3" args)
  K_FLAGS[$k]=$4
  KERNELS+=("$k")
}

median() {  # median NUMBER...
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.4f", v[(NR + 1) / 2]; else printf "%.4f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# run_kernel BUILD_DIR KERNEL: sets RUN_CPU (user+sys seconds of the process) and RUN_OUT.
RUN_CPU="" RUN_OUT=""
run_kernel() {
  local exe=$1/src/tools/wasmscope k=$2 tfile="$WORK/time.txt" out="$WORK/out.txt" user sys
  local -a vals=()
  IFS=, read -ra vals <<<"${K_ARGS[$k]}"
  local TIMEFORMAT='%3U %3S'
  { time "$exe" run "$WORK/$k.wasm" --invoke "${K_EXPORT[$k]}" "${vals[@]}" >"$out" 2>&1 </dev/null; } 2>"$tfile" \
    || die "$exe failed on $k: $(head -c 300 "$out")"
  read -r user sys <"$tfile"
  RUN_CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
  RUN_OUT=$(grep -a -v '^[[:space:]]*$' "$out" | tail -n1)
}

if [[ $DO_OVERHEAD -eq 1 ]]; then
  command -v "$CLANG" >/dev/null || die "C compiler '$CLANG' not found (set CLANG)"
  for src in "$BENCH_DIR"/kernels/*.c; do
    k=$(basename "$src" .c)
    [[ "$k" == empty ]] && continue  # start-up only: nothing for the bookkeeping to cost
    line=$(grep -m1 '^// bench:' "$src") || die "$src has no '// bench:' line"
    if [[ "$(field "$line" simd)" == both ]]; then
      add_kernel "$k" "$src" "$line" -msimd128
      add_kernel "${k}_scalar" "$src" "$line" -mno-simd128
    else
      add_kernel "$k" "$src" "$line" ""
    fi
  done
  [[ ${#KERNELS[@]} -gt 0 ]] || die "no kernels selected"

  log "building kernels in ${WORK#"$ROOT/"} ..."
  for k in "${KERNELS[@]}"; do
    # shellcheck disable=SC2086  # K_FLAGS is one flag or none
    "$CLANG" --target=wasm32 -O2 -ffreestanding -fno-builtin -nostdlib -Wl,--no-entry \
      ${K_FLAGS[$k]} "-Wl,--export=${K_EXPORT[$k]}" -o "$WORK/$k.wasm" "${K_SRC[$k]}" \
      || die "building $k.wasm failed"
  done

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
      SPREAD[$k,$b]=$(tr ' ' '\n' <<<"$ts" | awk -v m="${MEDIAN[$k,$b]}" 'NF {
        if (n++ == 0 || $1 < lo) lo = $1; if ($1 > hi) hi = $1 } END { printf "%.1f", 100 * (hi - lo) / m }')
    done
    r=""
    for ((rep = 0; rep < RUNS; rep++)); do r+="${RATIOS[$k,$rep]} "; done
    # shellcheck disable=SC2086
    RRANGE[$k]=$(printf '%s\n' $r | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f-%.3f", v[1], v[NR] }')
  done
fi

# ---------------------------------------------------------------------------------------------
# Latency.

LATENCY_TABLE=""
if [[ $DO_LATENCY -eq 1 ]]; then
  log "latency ..."
  LATENCY_TABLE=$("$WORK/latency" ${LATENCY_ARGS[@]+"${LATENCY_ARGS[@]}"}) \
    || die "the latency program failed"
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
    local g reps=""
    g=$(awk 'NF { s += log($1) - log($2); n++ } END { printf "%.3f", exp(s / n) }' <<<"$logs")
    local rep
    for ((rep = 0; rep < RUNS; rep++)); do
      reps+=$(for k in "${KERNELS[@]}"; do echo "${RATIOS[$k,$rep]}"; done |
        awk '{ s += log($1); n++ } END { printf "%.5f", exp(s / n) }')$'\n'
    done
    printf '**geomean**\t\t\t**%s**\t%s\t\t\n' "$g" \
      "$(sort -g <<<"${reps%$'\n'}" | awk '{ v[NR] = $1 } END { printf "%.3f-%.3f", v[1], v[NR] }')"
  } | render_table
}

{
  echo "## wasmscope stack capture benchmark"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src include CMakeLists.txt 2>/dev/null || echo ' (with uncommitted changes in src/include)')"
  echo "- machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'), $(nproc 2>/dev/null) CPUs, $(uname -sr)"
  echo "- compiler: $("$CXX" --version | head -n1); Release builds (WASMSCOPE_TESTS=OFF)"
  echo "- load average at the start: $LOAD_AT_START; at the end: $(loadavg)"
  if [[ $DO_OVERHEAD -eq 1 ]]; then
    echo
    echo "### Overhead of the capture bookkeeping (WASMSCOPE_CAPTURE=ON against OFF)"
    echo
    echo "\`wasmscope run K.wasm --invoke ...\` of each kernel (built as bench/run.sh builds them);"
    echo "user+sys CPU time of the whole process, median of $RUNS runs per build, ON and OFF run"
    echo "back to back per kernel, alternating which goes first. ON / OFF above 1: the"
    echo "bookkeeping costs time. \"per-run\" is the range of the ON / OFF ratios of single"
    echo "repetitions (on the geomean row: of each repetition's geomean); \"spread\" is"
    echo "(max - min) / median of one build's runs: differences smaller than these are noise."
    echo
    overhead_table
    [[ -n "$MISMATCH" ]] && echo && echo "**ON and OFF printed different results for:$MISMATCH**"
  fi
  if [[ $DO_LATENCY -eq 1 ]]; then
    echo
    echo "### Capture, suspend and terminate latency (bench/capture/latency.cc, ON build)"
    echo
    echo "$LATENCY_TABLE"
  fi
} >"$OUT_FILE.tmp"
mv "$OUT_FILE.tmp" "$OUT_FILE"

echo
cat "$OUT_FILE"
echo
echo "(written to ${OUT_FILE#"$ROOT/"})"
[[ -z "$MISMATCH" ]] || exit 1
exit 0
