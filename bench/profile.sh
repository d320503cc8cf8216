#!/usr/bin/env bash
# Measures what the sampling profiler costs a program (bench/README.md, "The sampling
# profiler"; issue 16 asks for at most 2 % at 1 kHz and 0.2 % at 100 Hz), in one run:
#
#  1. Times: every workload under several configurations of the same wasmscope binary,
#     `wasmscope run`, `wasmscope profile --hz 100 -o X.folded` and `--hz 1000` (--rates),
#     back to back per workload and repetition, their order rotated per repetition (so drift
#     falls on all of them). Medians of user+sys CPU time and of wall time of the whole process;
#     the ratios profile / plain, their range over single repetitions, and their geomean.
#  2. Checks: every run exits 0; every output equals the workload's reference (for CoreMark
#     its checksum lines); every profile of a timed run holds samples. Samples and lost samples
#     are counted per run (under valgrind too, where a run without samples is repeated).
#  3. Instructions (a cost of 0.2 % is below this kind of machine's timing noise): `valgrind
#     --tool=cachegrind --cache-sim=no` of the kernels (--cg) under the same configurations.
#     Under valgrind the CPU-time timers fire on valgrind's much slower CPU time, so a run
#     takes more signals than natively, and its collector (waking every 10 ms) wakes more
#     often: the extra instructions under valgrind bound the native ones from above.
#  4. The machine: bench/profile/timer_probe.c measures how many signals a second a CPU-time
#     timer can deliver (Linux checks them at the scheduler tick: above CONFIG_HZ a signal
#     stands for several periods and the profiler weights its sample) and what delivering one
#     signal costs in the kernel (not in valgrind's counts); the estimates add that cost.
#
# The workloads:
#  - the kernels of bench/kernels/ (not `empty`), built as bench/run.sh builds them, run with
#    `--invoke` and their default arguments;
#  - parallel_matmul: tests/threads/parallel_matmul.c (4 threads) with -DSIZE=512 (--matmul-size),
#    compiled for wasm32-wasip1-threads as tests/threads/CMakeLists.txt does (-c, then linked
#    without -O); its output must equal the native build's;
#  - coremark, if COREMARK_WASM is set: a CoreMark build for wasm32-wasi (EEMBC's posix port,
#    not part of this repository: see bench/README.md), run with `0x0 0x0 0x66 N` (the
#    performance run's seeds, N = --coremark-iterations) unless COREMARK_ARGS is set;
#  - pigz, if PIGZ_WASM is set (bench/pigz.sh says how to build it): `pigz -p 2 -c` of
#    --pigz-size MiB of bench/pigz/gentext.c's text; the output must decompress to the input.
#
# It configures and builds its own tree, build-bench-profile (Release, tests off, target
# wasmscope), compiles into bench/build/profile/ and writes the tables as markdown to
# bench/results/profile.md. Exit status 1 if a build or a run fails, an output differs or a
# timed run's profile holds no samples; a slow result fails nothing.
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_NAME=profile.sh
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
ROOT=$(cd "$BENCH_DIR/.." && pwd)
WORK="$BENCH_DIR/build/profile"
OUT_FILE="$BENCH_DIR/results/profile.md"
BUILD="$ROOT/build-bench-profile"

RUNS=7
RATES=100,1000
ONLY_KERNELS=""
CG_LIST=kernels
MATMUL_SIZE=512
COREMARK_ITERATIONS=4000
PIGZ_SIZE_MIB=16
TIMEOUT=600
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
CLANG=${CLANG:-clang-16}
CC=${CC:-cc}
CXX=${CXX:-c++}
THREADS_CC=${THREADS_CC:-$ROOT/../shared/wasi-threads/wasm32-wasip1-threads-clang}
COREMARK_WASM=${COREMARK_WASM:-}
COREMARK_ARGS=${COREMARK_ARGS:-}
PIGZ_WASM=${PIGZ_WASM:-}

usage() {
  cat <<EOF
usage: bench/profile.sh [options]
  --runs N                  repetitions of every workload and configuration (default $RUNS)
  --rates A,B,...           the sampling rates to run, in Hz (default $RATES); a higher one
                            (10000) magnifies the cost per sample above the timing noise
  --kernels A,B,...         only these kernels (default: every bench/kernels/*.c but empty)
  --cg LIST                 workloads to count instructions of: kernels (default), all, none,
                            or names (fib,coremark,...)
  --matmul-size N           parallel_matmul's matrix size (default $MATMUL_SIZE)
  --coremark-iterations N   CoreMark's iterations (default $COREMARK_ITERATIONS)
  --pigz-size MIB           pigz's input in MiB (default $PIGZ_SIZE_MIB)
  --timeout SEC             per timed run (default $TIMEOUT; 20 times that under valgrind)
  --out FILE                markdown output (default bench/results/profile.md)
Environment: COREMARK_WASM, COREMARK_ARGS, PIGZ_WASM (optional workloads), JOBS (build
parallelism, default nproc), CLANG (kernels, default clang-16), CC (native references, default
cc), CXX (reported only), THREADS_CC (default ../shared/wasi-threads/wasm32-wasip1-threads-clang).
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS=${2:?}; shift 2 ;;
    --rates) RATES=${2:?}; shift 2 ;;
    --kernels) ONLY_KERNELS=${2:?}; shift 2 ;;
    --cg) CG_LIST=${2:?}; shift 2 ;;
    --matmul-size) MATMUL_SIZE=${2:?}; shift 2 ;;
    --coremark-iterations) COREMARK_ITERATIONS=${2:?}; shift 2 ;;
    --pigz-size) PIGZ_SIZE_MIB=${2:?}; shift 2 ;;
    --timeout) TIMEOUT=${2:?}; shift 2 ;;
    --out) OUT_FILE=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "profile.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
for v in RUNS MATMUL_SIZE COREMARK_ITERATIONS PIGZ_SIZE_MIB TIMEOUT; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "profile.sh: $v needs a positive integer" >&2; exit 2; }
done
[[ "$RATES" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || { echo "profile.sh: --rates needs rates in Hz, comma-separated" >&2; exit 2; }
if [[ $CG_LIST != none ]] && ! command -v valgrind >/dev/null; then
  log "valgrind not found: skipping the instruction counts"
  CG_LIST=none
fi

LOAD_AT_START=$(loadavg)
mkdir -p "$WORK" "$(dirname "$OUT_FILE")"
FAILURES=()  # what went wrong, for the report and the exit status
NOTES=()     # workloads skipped, and why
fail() { log "!!!! $*"; FAILURES+=("$*"); }

# ---------------------------------------------------------------------------------------------
# The wasmscope tree.

log "building wasmscope in ${BUILD#"$ROOT/"} ..."
build_wasmscope "$BUILD" profile
WS="$BUILD/src/tools/wasmscope"

log "measuring CPU-time timers and signal delivery (bench/profile/timer_probe.c) ..."
"$CC" -O2 -o "$WORK/timer_probe" "$BENCH_DIR/profile/timer_probe.c" || die "compiling timer_probe.c failed"
"$WORK/timer_probe" >"$WORK/timer_probe.txt" || die "timer_probe failed"
probe_value() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/timer_probe.txt"; }
TIMER_MAX_HZ=$(probe_value cpu_timer_max_hz)
SIGNAL_NS=$(probe_value signal_ns)
SYSCALL_NS=$(probe_value syscall_ns)
log "  CPU-time timers deliver at most $TIMER_MAX_HZ signals per CPU second; a signal costs $SIGNAL_NS ns (a system call $SYSCALL_NS ns)"
# signals R SAMPLES: the signals behind SAMPLES (weighted) at R Hz: one per sample up to the
# timers' maximum rate, fewer above it.
signals() { awk -v r="$1" -v s="$2" -v m="$TIMER_MAX_HZ" 'BEGIN { printf "%.0f", (r > m ? s * m / r : s) }'; }

# ---------------------------------------------------------------------------------------------
# The workloads. W_RUN holds the arguments after `wasmscope run` (word-split: no paths with
# spaces here), W_STDIN the run's stdin, W_CHECK how its output is checked (exact: equal to
# W_REF, or to the first output when there is none; coremark: the checksum lines; gzip: equal
# to the first output, which must decompress to the input), W_THREADS its guest threads (for
# the report), W_DESC what it runs.

WORKLOADS=()
declare -A W_RUN=() W_STDIN=() W_CHECK=() W_REF=() W_THREADS=() W_DESC=()

find_kernels "$ONLY_KERNELS"
build_kernels "$WORK"
for k in "${KERNELS[@]}"; do
  kernel_run_args "$WORK" "$k"
  WORKLOADS+=("$k")
  W_RUN[$k]="${KERNEL_ARGV[*]}"
  W_STDIN[$k]=/dev/null
  W_CHECK[$k]=exact
  W_THREADS[$k]=1
  W_DESC[$k]="\`${K_EXPORT[$k]}(${K_ARGS[$k]})\`"
done

# parallel_matmul, as tests/threads/CMakeLists.txt compiles it, larger.
[[ -x "$THREADS_CC" ]] || die "$THREADS_CC not found (set THREADS_CC; see tests/threads/CMakeLists.txt)"
log "building parallel_matmul (SIZE $MATMUL_SIZE) for wasm32-wasip1-threads and natively ..."
MATMUL_SRC="$ROOT/tests/threads/parallel_matmul.c"
"$THREADS_CC" -O1 -g -Wall -Wextra -Werror "-DSIZE=$MATMUL_SIZE" -c "$MATMUL_SRC" \
  -o "$WORK/parallel_matmul.o" || die "compiling parallel_matmul.c failed"
"$THREADS_CC" -g "$WORK/parallel_matmul.o" -o "$WORK/parallel_matmul.wasm" \
  -Wl,--max-memory=67108864 || die "linking parallel_matmul.wasm failed"
"$CC" -O2 -pthread "-DSIZE=$MATMUL_SIZE" "$MATMUL_SRC" -o "$WORK/parallel_matmul.native" \
  || die "compiling parallel_matmul.c natively failed"
"$WORK/parallel_matmul.native" >"$WORK/parallel_matmul.expected" \
  || die "the native parallel_matmul failed"
WORKLOADS+=(parallel_matmul)
W_RUN[parallel_matmul]="$WORK/parallel_matmul.wasm"
W_STDIN[parallel_matmul]=/dev/null
W_CHECK[parallel_matmul]=exact
W_REF[parallel_matmul]="$WORK/parallel_matmul.expected"
W_THREADS[parallel_matmul]="main + 4"
W_DESC[parallel_matmul]="tests/threads/parallel_matmul.c, SIZE $MATMUL_SIZE, 4 threads"

if [[ -n "$COREMARK_WASM" ]]; then
  [[ -f "$COREMARK_WASM" ]] || die "COREMARK_WASM=$COREMARK_WASM: no such file"
  WORKLOADS+=(coremark)
  W_RUN[coremark]="$COREMARK_WASM ${COREMARK_ARGS:-0x0 0x0 0x66 $COREMARK_ITERATIONS}"
  W_STDIN[coremark]=/dev/null
  W_CHECK[coremark]=coremark
  W_THREADS[coremark]=1
  W_DESC[coremark]="\`${COREMARK_WASM##*/} ${COREMARK_ARGS:-0x0 0x0 0x66 $COREMARK_ITERATIONS}\`"
else
  NOTES+=("coremark skipped: COREMARK_WASM is not set")
fi

if [[ -n "$PIGZ_WASM" ]]; then
  [[ -f "$PIGZ_WASM" ]] || die "PIGZ_WASM=$PIGZ_WASM: no such file"
  log "generating ${PIGZ_SIZE_MIB} MiB of text for pigz ..."
  "$CC" -O2 -o "$WORK/gentext" "$BENCH_DIR/pigz/gentext.c" || die "compiling bench/pigz/gentext.c failed"
  PIGZ_INPUT="$WORK/input-${PIGZ_SIZE_MIB}M.txt"
  "$WORK/gentext" $((PIGZ_SIZE_MIB * 1048576)) >"$PIGZ_INPUT" || die "generating the input failed"
  WORKLOADS+=(pigz)
  W_RUN[pigz]="$PIGZ_WASM -p 2 -c"
  W_STDIN[pigz]=$PIGZ_INPUT
  W_CHECK[pigz]=gzip
  W_THREADS[pigz]="main + 3 (-p 2)"
  W_DESC[pigz]="\`pigz -p 2 -c\` of ${PIGZ_SIZE_MIB} MiB of text"
else
  NOTES+=("pigz skipped: PIGZ_WASM is not set")
fi
for n in ${NOTES[@]+"${NOTES[@]}"}; do log "note: $n"; done

# ---------------------------------------------------------------------------------------------
# Running and checking one run.

# CONFIGS: plain, then pR for each rate R (ascending); PROFILED: those but plain.
CONFIGS=(plain)
declare -A HZ=() CONFIG_LABEL=([plain]=plain)
for r in $(tr , '\n' <<<"$RATES" | sort -nu); do
  CONFIGS+=("p$r")
  HZ[p$r]=$r
  if ((r % 1000 == 0)); then CONFIG_LABEL[p$r]="$((r / 1000)) kHz"; else CONFIG_LABEL[p$r]="$r Hz"; fi
done
PROFILED=("${CONFIGS[@]:1}")

# config_command W C PROFILE: sets CMD to the command line of workload W under configuration C,
# the profile (if any) written to PROFILE.
CMD=()
config_command() {
  # shellcheck disable=SC2206  # W_RUN is an argument list
  local -a args=(${W_RUN[$1]})
  if [[ $2 == plain ]]; then CMD=("$WS" run "${args[@]}")
  else CMD=("$WS" profile --hz "${HZ[$2]}" -o "$3" "${args[@]}"); fi
}

# checked_output W FILE: what of W's output FILE must be the same in every run.
checked_output() {
  if [[ ${W_CHECK[$1]} == coremark ]]; then grep -a -E 'crc|^Iterations ' "$2"; else cat "$2"; fi
}

# check_run W WHAT OUT ERR: the run's exit status (RUN_RC) and output; failures are recorded.
declare -A REF=()  # REF[w]: the file W's outputs are compared with
check_run() {
  local w=$1 what=$2 out=$3 err=$4
  if [[ $RUN_RC -ne 0 ]]; then
    fail "$what: exit status $RUN_RC$([[ $RUN_RC -eq 124 ]] && echo ' (timeout)'); stderr: $(head -c 300 "$err")"
    return
  fi
  if [[ ${W_CHECK[$w]} == coremark ]]; then
    # CoreMark checks its own list, matrix and state checksums ("ERROR! ..." when wrong); a
    # run under 10 s is reported as an error too, which is not one here.
    if grep -a '^ERROR' "$out" | grep -qv 'at least 10 secs'; then
      fail "$what: CoreMark reports an error: $(grep -a '^ERROR' "$out" | grep -v 'at least 10 secs' | head -n1)"
    fi
  fi
  if [[ -z "${REF[$w]:-}" ]]; then
    REF[$w]="$WORK/ref-$w.txt"
    if [[ -n "${W_REF[$w]:-}" ]]; then
      cp "${W_REF[$w]}" "${REF[$w]}"
    else
      checked_output "$w" "$out" >"${REF[$w]}"
      if [[ ${W_CHECK[$w]} == gzip ]] && ! gzip -dc "${REF[$w]}" | cmp -s - "$PIGZ_INPUT"; then
        fail "$what: gzip -dc does not restore the input"
      fi
    fi
  fi
  if ! checked_output "$w" "$out" | cmp -s - "${REF[$w]}"; then
    cp "$out" "$WORK/differs-$w.txt"
    fail "$what: output differs from the reference ${REF[$w]#"$ROOT/"} (kept as ${WORK#"$ROOT/"}/differs-$w.txt)"
  fi
}

# profile_counts PROFILE ERR: sets SAMPLES (the sum of the folded stacks' counts) and LOST (from
# wasmscope profile's summary line on stderr, "...; N lost").
SAMPLES="" LOST=""
profile_counts() {
  SAMPLES=0
  [[ -f "$1" ]] && SAMPLES=$(awk '{ s += $NF } END { printf "%d", s }' "$1")
  LOST=$(sed -n 's/^wasmscope profile: .*; \([0-9]*\) lost$/\1/p' "$2" | tail -n1)
}

# ---------------------------------------------------------------------------------------------
# The timed runs.

declare -A CPU=() WALL=() NSAMPLES=() NLOST=()  # [w,c,rep]
log "timing: $RUNS repetitions of ${#WORKLOADS[@]} workloads x ${#CONFIGS[@]} configurations, order rotated per repetition ..."
# shellcheck disable=SC2034  # WALL, NSAMPLES, NLOST are read through namerefs
for ((rep = 0; rep < RUNS; rep++)); do
  for w in "${WORKLOADS[@]}"; do
    line=""
    for ((i = 0; i < ${#CONFIGS[@]}; i++)); do
      c=${CONFIGS[$(((i + rep) % ${#CONFIGS[@]}))]}
      out="$WORK/out.txt" err="$WORK/err.txt" prof="$WORK/$w-$c.folded"
      rm -f "$prof"
      config_command "$w" "$c" "$prof"
      RUN_STDIN=${W_STDIN[$w]} time_command "$out" "$err" timeout "$TIMEOUT" "${CMD[@]}"
      CPU[$w,$c,$rep]=$RUN_CPU
      WALL[$w,$c,$rep]=$RUN_WALL
      check_run "$w" "$w, ${CONFIG_LABEL[$c]}, repetition $((rep + 1))" "$out" "$err"
      line+="  $c ${RUN_CPU}s"
      if [[ $c != plain ]]; then
        profile_counts "$prof" "$err"
        NSAMPLES[$w,$c,$rep]=$SAMPLES
        NLOST[$w,$c,$rep]=${LOST:-?}
        [[ $SAMPLES -gt 0 ]] || fail "$w, ${CONFIG_LABEL[$c]}, repetition $((rep + 1)): the profile holds no samples"
        line+=" ($SAMPLES samples)"
      fi
    done
    log "  rep $((rep + 1))/$RUNS $(printf '%-16s' "$w")$line  load $(loadavg)"
  done
done

# ---------------------------------------------------------------------------------------------
# Instructions.

CG_WORKLOADS=()
case $CG_LIST in
  none) ;;
  all) CG_WORKLOADS=("${WORKLOADS[@]}") ;;
  kernels) CG_WORKLOADS=("${KERNELS[@]}") ;;
  *) IFS=, read -ra CG_WORKLOADS <<<"$CG_LIST"
     for w in "${CG_WORKLOADS[@]}"; do
       [[ -n "${W_RUN[$w]:-}" ]] || die "--cg: no workload '$w' in this run"
     done ;;
esac

# Under valgrind the timers' signals are not dependable: a profiled run sometimes takes no
# sample at all, and samples get lost. Such a run says nothing about sampling's cost, so it is
# repeated, up to CG_TRIES times; every empty try and every lost sample is reported.
CG_TRIES=3
declare -A IR=() CG_SAMPLES=() CG_LOST=()  # [w,c]
CG_PROFILED_RUNS=0 CG_EMPTY_RUNS=0 CG_EMPTY_FINAL=()
for w in ${CG_WORKLOADS[@]+"${CG_WORKLOADS[@]}"}; do
  line=""
  for c in "${CONFIGS[@]}"; do
    out="$WORK/out.txt" err="$WORK/err.txt" prof="$WORK/$w-$c-cg.folded" cg="$WORK/cachegrind-$w-$c.out"
    for ((try = 1; try <= CG_TRIES; try++)); do
      rm -f "$prof" "$cg"
      config_command "$w" "$c" "$prof"
      RUN_STDIN=${W_STDIN[$w]} time_command "$out" "$err" timeout $((TIMEOUT * 20)) \
        valgrind --tool=cachegrind --cache-sim=no "--cachegrind-out-file=$cg" "${CMD[@]}"
      check_run "$w" "$w, ${CONFIG_LABEL[$c]}, under cachegrind" "$out" "$err"
      IR[$w,$c]=$(awk '/^summary:/ { print $2 }' "$cg" 2>/dev/null)
      [[ -n "${IR[$w,$c]}" ]] || fail "$w, ${CONFIG_LABEL[$c]}: no cachegrind summary"
      [[ $c == plain ]] && break
      profile_counts "$prof" "$err"
      CG_SAMPLES[$w,$c]=$SAMPLES
      CG_LOST[$w,$c]=${LOST:-?}
      CG_PROFILED_RUNS=$((CG_PROFILED_RUNS + 1))
      [[ $SAMPLES -gt 0 ]] && break
      CG_EMPTY_RUNS=$((CG_EMPTY_RUNS + 1))
      log "  cachegrind $w, ${CONFIG_LABEL[$c]}: no samples (try $try of $CG_TRIES)"
      [[ $try -eq $CG_TRIES ]] && CG_EMPTY_FINAL+=("$w at ${CONFIG_LABEL[$c]}")
    done
    line+="  $c ${IR[$w,$c]:-?} Ir"
    [[ $c != plain ]] && line+=" (${CG_SAMPLES[$w,$c]} samples, ${CG_LOST[$w,$c]} lost)"
  done
  log "  cachegrind $(printf '%-16s' "$w")$line  load $(loadavg)"
done

# ---------------------------------------------------------------------------------------------
# Report.

pct() { awk -v r="$1" 'BEGIN { printf "%+.2f %%", (r - 1) * 100 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.5f", (b > 0 ? a / b : 0) }'; }

# values W C TABLE: TABLE's (CPU, WALL, NSAMPLES, NLOST) values of W and C over the repetitions.
values() {
  local -n t=$3
  local rep
  for ((rep = 0; rep < RUNS; rep++)); do echo "${t[$1,$2,$rep]}"; done
}
# rep_ratios W C TABLE: the ratios C / plain of single repetitions.
rep_ratios() {
  local -n t=$3
  local rep
  for ((rep = 0; rep < RUNS; rep++)); do ratio "${t[$1,$2,$rep]}" "${t[$1,plain,$rep]}"; echo; done
}

declare -A MED=() MED_RATIO=()  # MED[metric,w,c] (metric CPU, WALL, SAMPLES), MED_RATIO[metric,w,c]
declare -A ALL_LOST=()           # ALL_LOST[w]: lost samples over all timed runs
for w in "${WORKLOADS[@]}"; do
  ALL_LOST[$w]=0
  for c in "${PROFILED[@]}"; do
    mapfile -t v < <(values "$w" "$c" NSAMPLES)
    MED[SAMPLES,$w,$c]=$(median "${v[@]}")
    mapfile -t v < <(values "$w" "$c" NLOST)
    ALL_LOST[$w]=$(printf '%s\n' "${v[@]}" "${ALL_LOST[$w]}" | awk '{ s += $1 } END { print s }')
  done
done
for metric in CPU WALL; do
  for w in "${WORKLOADS[@]}"; do
    for c in "${CONFIGS[@]}"; do
      mapfile -t v < <(values "$w" "$c" "$metric")
      MED[$metric,$w,$c]=$(median "${v[@]}")
    done
    for c in "${PROFILED[@]}"; do MED_RATIO[$metric,$w,$c]=$(ratio "${MED[$metric,$w,$c]}" "${MED[$metric,$w,plain]}"); done
  done
done

# overhead_table METRIC: per workload the medians, the ratios and their per-repetition ranges;
# the geomean row: the geomean of the median ratios and the range of per-repetition geomeans.
overhead_table() {
  local metric=$1 w c rep
  local -a plain_times=() r=()
  local -n t=$metric
  {
    printf 'workload'
    for c in "${CONFIGS[@]}"; do printf '\t%s s' "${CONFIG_LABEL[$c]}"; done
    for c in "${PROFILED[@]}"; do printf '\t%s / plain\tper-rep %s' "${CONFIG_LABEL[$c]}" "${CONFIG_LABEL[$c]}"; done
    printf '\tspread plain %%\n'
    for w in "${WORKLOADS[@]}"; do
      mapfile -t plain_times < <(values "$w" plain "$metric")
      printf '%s' "$w"
      for c in "${CONFIGS[@]}"; do printf '\t%.3f' "${MED[$metric,$w,$c]}"; done
      for c in "${PROFILED[@]}"; do
        mapfile -t r < <(rep_ratios "$w" "$c" "$metric")
        printf '\t%s\t%s' "$(pct "${MED_RATIO[$metric,$w,$c]}")" "$(range "${r[@]}")"
      done
      printf '\t%s\n' "$(spread_pct "${plain_times[@]}")"
    done
    printf '**geomean**'
    for c in "${CONFIGS[@]}"; do printf '\t'; done
    for c in "${PROFILED[@]}"; do
      local -a meds=() reps=() per=()
      for w in "${WORKLOADS[@]}"; do meds+=("${MED_RATIO[$metric,$w,$c]}"); done
      for ((rep = 0; rep < RUNS; rep++)); do
        per=()
        for w in "${WORKLOADS[@]}"; do
          per+=("$(ratio "${t[$w,$c,$rep]}" "${t[$w,plain,$rep]}")")
        done
        reps+=("$(geomean "${per[@]}")")
      done
      printf '\t**%s**\t%s' "$(pct "$(geomean "${meds[@]}")")" "$(range "${reps[@]}")"
    done
    printf '\t\n'
  } | render_table
}

samples_table() {
  local w c
  {
    printf 'workload\tguest threads'
    for c in "${PROFILED[@]}"; do printf '\tsamples %s (per CPU s)' "${CONFIG_LABEL[$c]}"; done
    printf '\tlost (all runs)\n'
    for w in "${WORKLOADS[@]}"; do
      printf '%s\t%s' "$w" "${W_THREADS[$w]}"
      for c in "${PROFILED[@]}"; do
        awk -v s="${MED[SAMPLES,$w,$c]}" -v t="${MED[CPU,$w,$c]}" 'BEGIN { printf "\t%.0f (%.0f)", s, (t > 0 ? s / t : 0) }'
      done
      printf '\t%s\n' "${ALL_LOST[$w]}"
    done
  } | render_table
}

# The instructions: per workload, Ir of every configuration, the samples taken under valgrind and
# the signals behind them (signals()). Under valgrind the profiler does at least the native work
# for the same guest work, and more: more signals (its CPU clock runs slower than the guest's
# native one), more wakeups of the collector (every 10 ms of a longer run). So for N native
# signals, with D the extra instructions under valgrind over G signals there, max(D, D / G x N)
# bounds the native extra instructions from above (D / G charges the fixed part to each signal
# too). The bound at each rate: that / plain Ir (user space, in brackets), plus the kernel's
# delivery, N x SIGNAL_NS / plain CPU time. The last column: the same at the highest rate if
# every period were a signal (a kernel whose timers keep up with that rate).
cachegrind_table() {
  local w c hi=${PROFILED[-1]}
  {
    printf 'workload\tIr plain'
    for c in "${PROFILED[@]}"; do printf '\tIr %s (samples / signals)' "${CONFIG_LABEL[$c]}"; done
    printf '\tIr per signal at %s (at most)' "${CONFIG_LABEL[$hi]}"
    for c in "${PROFILED[@]}"; do printf '\tbound %s (user space)' "${CONFIG_LABEL[$c]}"; done
    printf '\tbound %s, a signal per period\n' "${CONFIG_LABEL[$hi]}"
    for w in "${CG_WORKLOADS[@]}"; do
      local ok=1
      for c in "${CONFIGS[@]}"; do [[ -n "${IR[$w,$c]:-}" ]] || ok=0; done
      if [[ $ok -eq 0 ]]; then printf '%s\tfailed\n' "$w"; continue; fi
      local ir="" cg_samples="" cg_signals="" signals_now="" samples_now=""
      for c in "${PROFILED[@]}"; do
        ir+="${IR[$w,$c]} "
        cg_samples+="${CG_SAMPLES[$w,$c]} "
        cg_signals+="$(signals "${HZ[$c]}" "${CG_SAMPLES[$w,$c]}") "
        samples_now+="${MED[SAMPLES,$w,$c]} "
        signals_now+="$(signals "${HZ[$c]}" "${MED[SAMPLES,$w,$c]}") "
      done
      awk -v name="$w" -v i0="${IR[$w,plain]}" -v ir="$ir" -v cs="$cg_samples" -v cg="$cg_signals" \
        -v ns="$samples_now" -v nsig="$signals_now" -v cpu="${MED[CPU,$w,plain]}" -v sig_ns="$SIGNAL_NS" '
        function commas(x,   s, neg) { neg = x < 0; x = sprintf("%.0f", neg ? -x : x)
          while (length(x) > 3) { s = "," substr(x, length(x) - 2) s; x = substr(x, 1, length(x) - 3) }
          return (neg ? "-" : "") x s }
        function bound(k, signals,   d, user) {
          if (s[k] == 0) return "no samples"
          d = i[k] - i0
          if (g[k] > 0 && d / g[k] * signals > d) d = d / g[k] * signals
          user = d / i0 * 100
          return sprintf("%+.3f %% (%+.3f %%)", user + signals * sig_ns / (cpu * 1e9) * 100, user) }
        BEGIN {
          n = split(ir, i, " "); split(cs, s, " "); split(cg, g, " "); split(ns, m, " "); split(nsig, q, " ")
          line = name "\t" commas(i0)
          for (k = 1; k <= n; k++) line = line "\t" commas(i[k]) " (" s[k] " / " g[k] ")"
          line = line sprintf("\t%.0f", g[n] > 0 ? (i[n] - i0) / g[n] : 0)
          for (k = 1; k <= n; k++) line = line "\t" bound(k, q[k])
          print line "\t" bound(n, m[n])
        }'
    done
  } | render_table
}

{
  echo "## The sampling profiler's overhead"
  echo
  report_provenance
  echo "- wasmscope: $("$CXX" --version | head -n1); Release build (WASMSCOPE_TESTS=OFF) in ${BUILD#"$ROOT/"}"
  echo "- load average at the start: $LOAD_AT_START; at the end: $(loadavg)"
  echo "- workloads:"
  for w in "${WORKLOADS[@]}"; do echo "  - $w: ${W_DESC[$w]}"; done
  for n in ${NOTES[@]+"${NOTES[@]}"}; do echo "- $n"; done
  echo
  echo "### CPU time (user+sys of the process), median of $RUNS"
  echo
  echo "\`wasmscope run\` (plain) against \`wasmscope profile --hz R\` at $(for c in "${PROFILED[@]}"; do printf '%s, ' "${CONFIG_LABEL[$c]}"; done | sed 's/, $//')"
  echo "(CPU-time sampling, folded output), back to back per workload and repetition, their order"
  echo "rotated. Percentages: how much longer than plain. \"per-rep\": the range of the same ratio in"
  echo "single repetitions (on the geomean row: of each repetition's geomean); \"spread\": (max -"
  echo "min) / median of the plain runs. A median ratio inside these is not resolved from noise."
  echo
  overhead_table CPU
  echo
  echo "### Wall time, median of $RUNS"
  echo
  overhead_table WALL
  echo
  echo "### Samples (medians per run)"
  echo
  samples_table
  if [[ ${#CG_WORKLOADS[@]} -gt 0 ]]; then
    echo
    echo "### Instructions (valgrind --tool=cachegrind --cache-sim=no)"
    echo
    echo "Under valgrind the CPU-time timers run on valgrind's CPU time, many times the native"
    echo "one, so a run takes many more samples (in brackets, with the signals behind them: at most"
    echo "$TIMER_MAX_HZ a CPU second, see below) than natively, and its collector, waking every 10 ms,"
    echo "wakes more often: the extra instructions under valgrind bound the native ones from above."
    echo "\"bound\": those extra instructions / plain Ir (in brackets), scaled up by the signals of the"
    echo "timed runs over valgrind's when they are more (charging the whole extra to each signal),"
    echo "plus the kernel's delivery of the timed runs' signals (${SIGNAL_NS} ns each, below) against"
    echo "the plain run's CPU time. The last column assumes a signal for every period at"
    echo "${CONFIG_LABEL[${PROFILED[-1]}]} (a kernel whose CPU-time timers keep up with that rate)."
    echo
    echo "Sampling under valgrind: $CG_EMPTY_RUNS of $CG_PROFILED_RUNS profiled runs took no sample at all"
    echo "(each repeated, up to $CG_TRIES tries)$([[ ${#CG_EMPTY_FINAL[@]} -gt 0 ]] && printf '; never any samples: %s' "${CG_EMPTY_FINAL[*]}"); samples lost under valgrind: $(for w in "${CG_WORKLOADS[@]}"; do for c in "${PROFILED[@]}"; do echo "${CG_LOST[$w,$c]:-0}"; done; done | awk '{ s += $1 } END { print s + 0 }')"
    echo "(in the timed runs: $(for w in "${WORKLOADS[@]}"; do echo "${ALL_LOST[$w]}"; done | awk '{ s += $1 } END { print s + 0 }'))."
    echo
    cachegrind_table
  fi
  echo
  echo "### The machine's timers and signals (bench/profile/timer_probe.c)"
  echo
  echo "- a timer on a thread's CPU clock, asked for 10 kHz, delivered $TIMER_MAX_HZ signals per CPU second:"
  echo "  Linux checks CPU-time timers at the scheduler tick, so above that rate one signal stands"
  echo "  for several periods and the profiler weights its sample (the sample counts above are"
  echo "  weighted: they follow the rate asked for, the signals do not)"
  echo "- delivering a signal to an empty handler costs $SIGNAL_NS ns of the thread's CPU time (a"
  echo "  system call: $SYSCALL_NS ns)"
  echo
  echo "### Checks"
  echo
  echo "- every run (timed and under cachegrind) exited 0, its output equalled the reference (the"
  echo "  native build's for parallel_matmul, the checksum lines for coremark, the first run's"
  echo "  otherwise), and every profile of a timed run held samples: $([[ ${#FAILURES[@]} -eq 0 ]] && echo yes || echo "NO, see the failures")"
  failures_section
} >"$OUT_FILE.tmp"
publish_report
[[ ${#FAILURES[@]} -eq 0 ]] || exit 1
exit 0
