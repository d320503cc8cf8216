#!/usr/bin/env bash
# Benchmarks a real threaded program, pigz (parallel gzip) compiled for wasi-threads, on
# wasmscope and on WAMR's fast interpreter (bench/README.md, "Threads: pigz"), in one run:
#
#  1. Times, side by side: `pigz -p 2 -c` under wasmscope built with WASMSCOPE_CAPTURE=ON and
#     =OFF and under WAMR `iwasm`; `pigz -p 1 -c` under wasmscope ON (scaling from 1 to 2
#     threads); and `pigz -p 2 -c` under wasmscope ON while a thread dump is taken every 100 ms:
#     by SIGQUIT (the default; the dumps go to the run's stderr, and the dumper is a loop of
#     bash builtins that starts no process), or with --dumps socket by another process
#     (`wasmscope stack PID`, one per dump; its start-up costs CPU the run may be short of). Each repetition runs every case once, the order
#     rotated per repetition; medians of wall and user+sys CPU time, and their ratios.
#  2. Checks: every output is byte-identical to the first one, and host `gzip -dc` restores the
#     input byte for byte from it; every thread dump that was served shows at least 2 threads
#     with frames.
#  3. Instructions (the bookkeeping's cost is below this kind of machine's timing noise):
#     `valgrind --tool=cachegrind --cache-sim=no` of `pigz -p 2 -c` on a smaller input under
#     the ON and the OFF build; Ir totals and their ratio.
#
# The input is deterministic, compressible text from bench/pigz/gentext.c (built with the host
# `cc`), generated into bench/build/pigz/. The wasmscope trees are bench/capture.sh's,
# build-bench-capture-on and build-bench-capture-off (Release, tests off, target wasmscope),
# configured and built here the same way if needed. The tables are written as markdown to
# bench/results/pigz.md. Exit status 1 if a build or a run fails, an output differs or does not
# decompress to the input, or a thread dump shows fewer than 2 threads with frames; a slow
# result fails nothing.
#
# The peers are NOT part of this repository; build them from their public sources following
# their own documentation, and point the script at them:
#
#   PIGZ_WASM    pigz compiled to a wasm32-wasip1-threads module (required). Sources:
#                https://github.com/madler/pigz (pigz.c, yarn.c, try.c; its Makefile lists
#                them) and https://github.com/madler/zlib (the library sources its Makefile
#                builds), compiled with a wasi-threads C toolchain: wasi-sdk's clang with
#                --target=wasm32-wasip1-threads -pthread, or this machine's
#                /work/shared/wasi-threads/wasm32-wasip1-threads-clang wrapper (README beside
#                it). wasi-libc has no setjmp/longjmp without the exception-handling proposal
#                and no chown; pigz's try.h uses the former only on its error path, so a
#                build needs a stand-in that aborts there. Link with a shared memory large
#                enough for the threads' buffers (e.g. -Wl,--max-memory=1073741824) and
#                enough initial memory. The published figures: pigz 2.8, zlib 1.3.1.
#   WAMR_IWASM   WAMR's iwasm (optional; empty or unset: that column is skipped). Build the
#                Linux product-mini (https://github.com/bytecodealliance/wasm-micro-runtime,
#                product-mini/README.md, doc/build_wamr.md) with CMake, Release, the fast
#                interpreter (WAMR_BUILD_INTERP=1, WAMR_BUILD_FAST_INTERP=1), AOT and JITs off,
#                WAMR_BUILD_SIMD=0, and wasi-threads: WAMR_BUILD_LIB_WASI_THREADS=1,
#                WAMR_BUILD_SHARED_MEMORY=1. It is run as `iwasm --max-threads=8 pigz.wasm`.
#
#   PIGZ_WASM=/path/pigz.wasm WAMR_IWASM=/path/iwasm bench/pigz.sh [--runs 3]
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
ROOT=$(cd "$BENCH_DIR/.." && pwd)
WORK="$BENCH_DIR/build/pigz"
OUT_FILE="$BENCH_DIR/results/pigz.md"
BUILD_ON="$ROOT/build-bench-capture-on"
BUILD_OFF="$ROOT/build-bench-capture-off"

RUNS=3
SIZE_MIB=64
CG_SIZE_MIB=4
DO_CACHEGRIND=1
INTERVAL_MS=100
DUMPS=signal
TIMEOUT=900
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
CC=${CC:-cc}
CXX=${CXX:-c++}
PIGZ_WASM=${PIGZ_WASM:-}
WAMR_IWASM=${WAMR_IWASM:-}

usage() {
  cat <<EOF
usage: PIGZ_WASM=pigz.wasm [WAMR_IWASM=iwasm] bench/pigz.sh [options]
  --runs N           repetitions of every case; the median is reported (default $RUNS)
  --size MIB         input size in MiB (default $SIZE_MIB)
  --cg-size MIB      input size for the cachegrind part (default $CG_SIZE_MIB)
  --no-cachegrind    skip the instruction counts
  --interval MS      time between thread dumps (default $INTERVAL_MS)
  --dumps HOW        signal: kill -QUIT, dumps on the run's stderr; socket: \`wasmscope stack
                     PID\` from a new process each time (default $DUMPS)
  --timeout SEC      a run taking longer is killed and counts as failed (default $TIMEOUT)
  --out FILE         markdown output (default bench/results/pigz.md)
Environment: PIGZ_WASM (required), WAMR_IWASM, JOBS (build parallelism, default nproc),
CC (for the input generator, default cc), CXX (reported only, default c++).
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS=${2:?}; shift 2 ;;
    --size) SIZE_MIB=${2:?}; shift 2 ;;
    --cg-size) CG_SIZE_MIB=${2:?}; shift 2 ;;
    --no-cachegrind) DO_CACHEGRIND=0; shift ;;
    --interval) INTERVAL_MS=${2:?}; shift 2 ;;
    --dumps) DUMPS=${2:?}; shift 2 ;;
    --timeout) TIMEOUT=${2:?}; shift 2 ;;
    --out) OUT_FILE=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "pigz.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ $DUMPS == signal || $DUMPS == socket ]] || { echo "pigz.sh: --dumps takes signal or socket" >&2; exit 2; }
for v in RUNS SIZE_MIB CG_SIZE_MIB INTERVAL_MS TIMEOUT; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "pigz.sh: $v needs a positive integer" >&2; exit 2; }
done

log() { echo "$@" >&2; }
die() { echo "pigz.sh: $*" >&2; exit 1; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }

[[ -n "$PIGZ_WASM" ]] || { usage >&2; die "set PIGZ_WASM to pigz compiled for wasm32-wasip1-threads"; }
[[ -f "$PIGZ_WASM" ]] || die "PIGZ_WASM=$PIGZ_WASM: no such file"
if [[ -n "$WAMR_IWASM" && ! -x "$WAMR_IWASM" ]]; then die "WAMR_IWASM=$WAMR_IWASM is not executable"; fi
if [[ $DO_CACHEGRIND -eq 1 ]] && ! command -v valgrind >/dev/null; then
  log "valgrind not found: skipping the instruction counts"
  DO_CACHEGRIND=0
fi
command -v gzip >/dev/null || die "gzip not found (needed to check the outputs)"

LOAD_AT_START=$(loadavg)
mkdir -p "$WORK" "$(dirname "$OUT_FILE")"
FAILURES=()  # what went wrong, for the report and the exit status
fail() { log "!!!! $*"; FAILURES+=("$*"); }

# ---------------------------------------------------------------------------------------------
# Builds (as bench/capture.sh builds them, so the trees are shared).

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
build_tree "$BUILD_OFF" OFF
WS_ON="$BUILD_ON/src/tools/wasmscope"
WS_OFF="$BUILD_OFF/src/tools/wasmscope"

# ---------------------------------------------------------------------------------------------
# Input: the generator's output is a prefix of any longer output, so the cachegrind input is
# the first CG_SIZE_MIB of the same text.

log "generating ${SIZE_MIB} MiB of text in ${WORK#"$ROOT/"} ..."
"$CC" -O2 -o "$WORK/gentext" "$BENCH_DIR/pigz/gentext.c" || die "compiling bench/pigz/gentext.c failed"
INPUT="$WORK/input-${SIZE_MIB}M.txt"
"$WORK/gentext" $((SIZE_MIB * 1048576)) >"$INPUT" || die "generating the input failed"
INPUT_MD5=$(md5sum <"$INPUT" | cut -d' ' -f1)

# ---------------------------------------------------------------------------------------------
# The cases. CASE_CMD holds each command line (word-split; no paths with spaces here).

CASES=(on off)
declare -A CASE_CMD=() CASE_LABEL=()
CASE_CMD[on]="$WS_ON run $PIGZ_WASM -p 2 -c"
CASE_LABEL[on]="wasmscope ON, -p 2"
CASE_CMD[off]="$WS_OFF run $PIGZ_WASM -p 2 -c"
CASE_LABEL[off]="wasmscope OFF, -p 2"
if [[ -n "$WAMR_IWASM" ]]; then
  CASES+=(wamr)
  CASE_CMD[wamr]="$WAMR_IWASM --max-threads=8 $PIGZ_WASM -p 2 -c"
  CASE_LABEL[wamr]="WAMR iwasm, -p 2"
fi
CASES+=(p1 dumps)
CASE_CMD[p1]="$WS_ON run $PIGZ_WASM -p 1 -c"
CASE_LABEL[p1]="wasmscope ON, -p 1"
CASE_CMD[dumps]="$WS_ON run $PIGZ_WASM -p 2 -c"
CASE_LABEL[dumps]="wasmscope ON, -p 2, dumps every ${INTERVAL_MS} ms ($([[ $DUMPS == signal ]] && echo SIGQUIT || echo "wasmscope stack"))"

to_seconds() {  # bash's `times` output "XmY.ZZZs" -> seconds
  awk -v t="$1" 'BEGIN { split(t, a, "m"); sub("s", "", a[2]); printf "%.3f", a[1] * 60 + a[2] }'
}

# dumper PID DIR: takes a dump of PID every INTERVAL_MS (on a fixed schedule from its start)
# while PID lives. Socket: each into DIR/N.txt, its exit status appended to DIR/status.txt.
# Signal: `kill -QUIT`, the count of signals sent in DIR/sent.txt (the dumps are on the run's
# stderr), and the CPU time of the run's dump thread ("wasmscope-dump"), read from /proc after
# each signal (the last reading before the run ends), in clock ticks in DIR/dump_ticks.txt.
# It waits with `read -t` on a pipe nobody writes, and forks nothing per dump.
# Finally its own children's CPU time (the `wasmscope stack` clients) into DIR/times.txt.
dumper() {
  local pid=$1 dir=$2 n=0 now wait_us quiet secs stat_file="" t comm line
  local -a fields
  local next=${EPOCHREALTIME/./} step=$((INTERVAL_MS * 1000))
  exec {quiet}<> <(:)
  while kill -0 "$pid" 2>/dev/null; do
    next=$((next + step))
    now=${EPOCHREALTIME/./}
    wait_us=$((next - now))
    if ((wait_us > 0)); then
      printf -v secs '%d.%06d' $((wait_us / 1000000)) $((wait_us % 1000000))
      read -r -t "$secs" -u "$quiet"
    fi
    kill -0 "$pid" 2>/dev/null || break
    n=$((n + 1))
    if [[ $DUMPS == signal ]]; then
      kill -QUIT "$pid" 2>/dev/null && echo "$n" >"$dir/sent.txt"
      if [[ -z "$stat_file" ]]; then
        for t in /proc/"$pid"/task/*; do
          read -r comm 2>/dev/null <"$t/comm" && [[ $comm == wasmscope-dump ]] && stat_file=$t/stat
        done
      fi
      # Fields 14 and 15 of stat (after the parenthesized name): utime, stime.
      if [[ -n "$stat_file" ]] && read -r line 2>/dev/null <"$stat_file"; then
        read -ra fields <<<"${line##*) }"
        echo "$((fields[11] + fields[12]))" >"$dir/dump_ticks.txt"
      fi
    else
      timeout 10 "$WS_ON" stack "$pid" >"$dir/$n.txt" 2>&1
      echo "$n $?" >>"$dir/status.txt"
    fi
  done
  exec {quiet}<&-
  # `times` must run in this shell (a $(...) would be a fresh process with no children).
  local u s
  times >"$dir/times.raw"
  { read -r _; read -r u s; } <"$dir/times.raw"
  echo "$(to_seconds "$u") $(to_seconds "$s")" >"$dir/times.txt"
}

# run_case CASE REP: runs the case once on INPUT; sets RUN_WALL, RUN_CPU (user+sys of the
# runtime's process), RUN_RC; the output is $WORK/out-CASE-REP.gz.
RUN_WALL="" RUN_CPU="" RUN_RC=""
run_case() {
  local c=$1 rep=$2 out="$WORK/out-$1-$2.gz" err="$WORK/err-$1-$2.txt"
  local pidf="$WORK/run.pid" resf="$WORK/run.result"
  rm -f "$pidf" "$resf"
  # The subshell starts the runtime, records its pid, waits for it (or kills it after
  # TIMEOUT), and leaves the exit status, wall time and the children's CPU time in resf;
  # bash's `times` covers only the subshell's children, i.e. the runtime.
  (
    # shellcheck disable=SC2086  # CASE_CMD is a command line
    start=${EPOCHREALTIME/./}
    ${CASE_CMD[$c]} <"$INPUT" >"$out" 2>"$err" &
    pid=$!
    echo "$pid" >"$pidf.tmp" && mv "$pidf.tmp" "$pidf"
    sleep "$TIMEOUT" &
    sleeper=$!
    wait -n -p finished "$pid" "$sleeper"
    rc=$?
    end=${EPOCHREALTIME/./}
    if [[ "$finished" == "$sleeper" ]]; then
      kill -KILL "$pid" 2>/dev/null; wait "$pid"; rc=124
    else
      kill "$sleeper" 2>/dev/null; wait "$sleeper" 2>/dev/null
    fi
    times >"$resf.times"
    { read -r _; read -r u s; } <"$resf.times"
    echo "$rc $(((end - start) / 1000)) $(to_seconds "$u") $(to_seconds "$s")" >"$resf"
  ) &
  local sub=$! dpid=""
  if [[ $c == dumps ]]; then
    local dir="$WORK/dumps-$rep"
    rm -rf "$dir"; mkdir -p "$dir"
    while [[ ! -s "$pidf" ]] && kill -0 "$sub" 2>/dev/null; do sleep 0.01; done
    [[ -s "$pidf" ]] && { dumper "$(<"$pidf")" "$dir" & dpid=$!; }
  fi
  wait "$sub"
  [[ -n "$dpid" ]] && wait "$dpid"
  local wall_ms u s
  read -r RUN_RC wall_ms u s <"$resf" || { RUN_RC=999; wall_ms=0; u=0; s=0; }
  RUN_WALL=$(awk -v m="$wall_ms" 'BEGIN { printf "%.3f", m / 1000 }')
  RUN_CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')
}

# check_output FILE WHAT: FILE must equal the reference output and decompress to the input.
REF_OUT=""
check_output() {
  local f=$1 what=$2
  if [[ -z "$REF_OUT" ]]; then
    REF_OUT="$WORK/reference.gz"
    cp "$f" "$REF_OUT"
    if gzip -dc "$REF_OUT" | cmp -s - "$INPUT"; then
      log "  gzip -dc restores the ${SIZE_MIB} MiB input byte for byte from $what's output"
      GZIP_OK="yes: gzip -dc of $what's output ($(stat -c %s "$REF_OUT") bytes) is byte-identical to the ${SIZE_MIB} MiB input"
    else
      fail "$what: gzip -dc does not restore the input (output kept as ${REF_OUT#"$ROOT/"})"
      GZIP_OK="NO"
    fi
  elif ! cmp -s "$f" "$REF_OUT"; then
    fail "$what: output differs from the first output ($(cmp "$f" "$REF_OUT" 2>&1 | head -n1)); kept as ${f#"$ROOT/"}"
    return
  fi
  rm -f "$f"
}

# threads_with_frames FILE: per thread dump in FILE (each opens with a "wasmscope thread
# dump" line, or the file is one dump), the number of its threads with frames, one per line,
# or "idle" when every thread of it was idle (no guest code running: the program had not
# started or had ended). A thread is a '"name" #id STATE ...' line; it has frames if
# '    at ' lines follow it.
threads_with_frames() {
  awk 'function done() {
         if (cur) t += fr
         if (open) print (threads > 0 && idle == threads ? "idle" : t + 0)
         t = 0; cur = 0; fr = 0; threads = 0; idle = 0
       }
       /^wasmscope thread dump/ { done(); open = 1; next }
       /^"[^"]*" #[0-9]+ / {
         open = 1; if (cur) t += fr; cur = 1; fr = 0; threads++
         if ($0 ~ /" #[0-9]+ idle /) idle++
         next
       }
       cur && /^    at / { fr = 1 }
       END { done() }' "$1"
}

# check_dumps DIR REP: counts the dumps served and their threads with frames.
declare -A DUMPS_OK=() DUMPS_FAILED=() DUMPS_MIN=() DUMPS_MAX=() DUMPS_CLIENT_CPU=() DUMP_TICKS=()
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
check_dumps() {
  local dir=$1 rep=$2 n rc ok=0 failed=0 min="" max="" threads f
  if [[ $DUMPS == signal ]]; then
    # Every signal sent while the run lived must have produced a dump on its stderr; the
    # last may have met a run already exiting.
    local sent
    sent=$(cat "$dir/sent.txt" 2>/dev/null || echo 0)
    f="$WORK/err-dumps-$rep.txt"
    local -a counts=()
    mapfile -t counts < <(threads_with_frames "$f")
    local k
    for ((k = 0; k < ${#counts[@]}; k++)); do
      threads=${counts[$k]}
      # Before the program starts or after it ends nothing runs: only the first or the last
      # dump may find that.
      if [[ $threads == idle ]]; then
        ((k == 0 || k == ${#counts[@]} - 1)) || fail "dump $((k + 1)) of repetition $((rep + 1)) found every thread idle mid-run"
        continue
      fi
      ok=$((ok + 1))
      [[ -z "$min" || $threads -lt $min ]] && min=$threads
      [[ -z "$max" || $threads -gt $max ]] && max=$threads
      [[ $threads -ge 2 ]] || fail "dump $((k + 1)) of repetition $((rep + 1)) shows $threads thread(s) with frames (in ${f#"$ROOT/"})"
    done
    # A SIGQUIT that arrives while one is still pending merges with it (POSIX), so a dump
    # that waits for a CPU answers several: fewer dumps than signals is not a failure.
    failed=$((sent > ok ? sent - ok : 0))
    DUMP_TICKS[$rep]=$(cat "$dir/dump_ticks.txt" 2>/dev/null || echo "")
  else
    while read -r n rc; do
      f="$dir/$n.txt"
      if [[ $rc -ne 0 ]]; then
        failed=$((failed + 1))
        log "  dump $n failed (exit $rc): $(head -c 200 "$f")"
        continue
      fi
      ok=$((ok + 1))
      threads=$(threads_with_frames "$f")
      [[ -z "$min" || $threads -lt $min ]] && min=$threads
      [[ -z "$max" || $threads -gt $max ]] && max=$threads
      if [[ $threads -lt 2 ]]; then
        fail "dump $n of repetition $((rep + 1)) shows $threads thread(s) with frames (kept in ${f#"$ROOT/"})"
      fi
    done <"$dir/status.txt"
  fi
  DUMPS_OK[$rep]=$ok
  DUMPS_FAILED[$rep]=$failed
  DUMPS_MIN[$rep]=${min:-0}
  DUMPS_MAX[$rep]=${max:-0}
  DUMPS_CLIENT_CPU[$rep]=$(awk '{ printf "%.3f", $1 + $2 }' "$dir/times.txt" 2>/dev/null)
  [[ $ok -gt 0 ]] || fail "repetition $((rep + 1)): no thread dump was served"
}

# ---------------------------------------------------------------------------------------------
# The timed runs.

median() {  # median NUMBER...
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.4f", v[(NR + 1) / 2]; else printf "%.4f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
range() {  # range NUMBER... -> "min-max"
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f-%.3f", v[1], v[NR] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }'; }

declare -A WALL=() CPU=()  # WALL[case,rep]
GZIP_OK="not checked"
log "timing: $RUNS repetitions of ${#CASES[@]} cases on ${SIZE_MIB} MiB, order rotated per repetition ..."
for ((rep = 0; rep < RUNS; rep++)); do
  n=${#CASES[@]}
  for ((i = 0; i < n; i++)); do
    c=${CASES[$(((i + rep) % n))]}
    run_case "$c" "$rep"
    WALL[$c,$rep]=$RUN_WALL
    CPU[$c,$rep]=$RUN_CPU
    extra=""
    if [[ $c == dumps ]]; then
      check_dumps "$WORK/dumps-$rep" "$rep"
      extra="  dumps ${DUMPS_OK[$rep]} (failed ${DUMPS_FAILED[$rep]}), threads with frames ${DUMPS_MIN[$rep]}-${DUMPS_MAX[$rep]}"
    fi
    log "  rep $((rep + 1))/$RUNS $(printf '%-6s' "$c") wall ${RUN_WALL}s cpu ${RUN_CPU}s exit $RUN_RC  load $(loadavg)$extra"
    if [[ $RUN_RC -ne 0 ]]; then
      fail "${CASE_LABEL[$c]}, repetition $((rep + 1)): exit status $RUN_RC; stderr: $(head -c 300 "$WORK/err-$c-$rep.txt")"
    else
      check_output "$WORK/out-$c-$rep.gz" "${CASE_LABEL[$c]} (repetition $((rep + 1)))"
    fi
  done
done

declare -A MED_WALL=() MED_CPU=() RANGE_WALL=() RANGE_CPU=()
for c in "${CASES[@]}"; do
  w=() p=()
  for ((rep = 0; rep < RUNS; rep++)); do w+=("${WALL[$c,$rep]}"); p+=("${CPU[$c,$rep]}"); done
  MED_WALL[$c]=$(median "${w[@]}")
  MED_CPU[$c]=$(median "${p[@]}")
  RANGE_WALL[$c]=$(range "${w[@]}")
  RANGE_CPU[$c]=$(range "${p[@]}")
done

# rep_ratios A B METRIC: the range of A/B over the repetitions (each repetition's runs are
# close in time, so this shows how much of a median ratio is noise).
rep_ratios() {
  local a=$1 b=$2 m=$3 rep r=()
  for ((rep = 0; rep < RUNS; rep++)); do
    if [[ $m == wall ]]; then r+=("$(ratio "${WALL[$a,$rep]}" "${WALL[$b,$rep]}")")
    else r+=("$(ratio "${CPU[$a,$rep]}" "${CPU[$b,$rep]}")"); fi
  done
  range "${r[@]}"
}

# ---------------------------------------------------------------------------------------------
# Instructions: cachegrind, ON against OFF.

declare -A IR=()
if [[ $DO_CACHEGRIND -eq 1 ]]; then
  CG_INPUT="$WORK/input-${CG_SIZE_MIB}M.txt"
  head -c $((CG_SIZE_MIB * 1048576)) "$INPUT" >"$CG_INPUT"
  CG_REF=""
  for b in on off; do
    if [[ $b == on ]]; then exe=$WS_ON; else exe=$WS_OFF; fi
    log "cachegrind: wasmscope $b, pigz -p 2 on ${CG_SIZE_MIB} MiB (valgrind runs the threads one at a time) ..."
    cg_out="$WORK/cachegrind-$b.out"
    rm -f "$cg_out"
    timeout $((TIMEOUT * 4)) valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$cg_out" \
      "$exe" run "$PIGZ_WASM" -p 2 -c <"$CG_INPUT" >"$WORK/cg-$b.gz" 2>"$WORK/cg-$b.err"
    rc=$?
    IR[$b]=$(awk '/^summary:/ { print $2 }' "$cg_out" 2>/dev/null)
    if [[ $rc -ne 0 || -z "${IR[$b]}" ]]; then
      fail "cachegrind of wasmscope $b: exit $rc; $(tail -c 300 "$WORK/cg-$b.err")"
      IR[$b]=""
      continue
    fi
    log "  Ir ${IR[$b]}"
    if [[ -z "$CG_REF" ]]; then
      CG_REF="$WORK/cg-$b.gz"
      gzip -dc "$CG_REF" | cmp -s - "$CG_INPUT" || fail "cachegrind run ($b): gzip -dc does not restore the input"
    elif ! cmp -s "$WORK/cg-$b.gz" "$CG_REF"; then
      fail "cachegrind runs: ON and OFF outputs differ"
    fi
  done
fi

# ---------------------------------------------------------------------------------------------
# Report.

pct() { awk -v r="$1" 'BEGIN { printf "%+.1f %%", (r - 1) * 100 }'; }
met() { awk -v v="$1" -v lim="$2" -v op="$3" 'BEGIN {
  ok = (op == "<=") ? (v <= lim) : (v > lim); print ok ? "met" : "not met" }'; }

times_table() {
  {
    printf 'case\twall s\tCPU s (user+sys)\twall min-max\tCPU min-max\n'
    local c
    for c in "${CASES[@]}"; do
      printf '%s\t%.3f\t%.3f\t%s\t%s\n' "${CASE_LABEL[$c]}" "${MED_WALL[$c]}" "${MED_CPU[$c]}" \
        "${RANGE_WALL[$c]}" "${RANGE_CPU[$c]}"
    done
  } | render_table
}

ratios_table() {
  {
    printf 'comparison\twall\tCPU\tper-repetition wall\tper-repetition CPU\tgoal\tmet (wall / CPU)\n'
    local rw rc
    if [[ -n "$WAMR_IWASM" ]]; then
      rw=$(ratio "${MED_WALL[wamr]}" "${MED_WALL[on]}")
      rc=$(ratio "${MED_CPU[wamr]}" "${MED_CPU[on]}")
      printf 'WAMR / wasmscope ON (above 1: wasmscope faster)\t%.3f\t%.3f\t%s\t%s\t> 1\t%s / %s\n' \
        "$rw" "$rc" "$(rep_ratios wamr on wall)" "$(rep_ratios wamr on cpu)" \
        "$(met "$rw" 1 ">")" "$(met "$rc" 1 ">")"
    fi
    rw=$(ratio "${MED_WALL[on]}" "${MED_WALL[off]}")
    rc=$(ratio "${MED_CPU[on]}" "${MED_CPU[off]}")
    printf 'bookkeeping: ON / OFF\t%s\t%s\t%s\t%s\t<= +1 %%\t%s / %s\n' \
      "$(pct "$rw")" "$(pct "$rc")" "$(rep_ratios on off wall)" "$(rep_ratios on off cpu)" \
      "$(met "$rw" 1.01 "<=")" "$(met "$rc" 1.01 "<=")"
    rw=$(ratio "${MED_WALL[dumps]}" "${MED_WALL[on]}")
    rc=$(ratio "${MED_CPU[dumps]}" "${MED_CPU[on]}")
    printf 'dumps every %s ms: dumps / ON\t%s\t%s\t%s\t%s\t<= +1 %%\t%s / %s\n' "$INTERVAL_MS" \
      "$(pct "$rw")" "$(pct "$rc")" "$(rep_ratios dumps on wall)" "$(rep_ratios dumps on cpu)" \
      "$(met "$rw" 1.01 "<=")" "$(met "$rc" 1.01 "<=")"
    printf 'threads: -p 1 / -p 2 (wall: the speedup)\t%.3f\t%.3f\t%s\t%s\t\t\n' \
      "$(ratio "${MED_WALL[p1]}" "${MED_WALL[on]}")" "$(ratio "${MED_CPU[p1]}" "${MED_CPU[on]}")" \
      "$(rep_ratios p1 on wall)" "$(rep_ratios p1 on cpu)"
  } | render_table
}

dumps_table() {
  {
    local rep dump_cpu per_dump share
    if [[ $DUMPS == signal ]]; then
      printf 'repetition\tdumps written\tsignals merged\tthreads with frames (min-max)\tdump thread CPU s\tper dump ms\tof the run CPU\n'
    else
      printf 'repetition\tdumps served\tdumps failed\tthreads with frames (min-max)\tclient CPU s\n'
    fi
    for ((rep = 0; rep < RUNS; rep++)); do
      printf '%d\t%s\t%s\t%s-%s' $((rep + 1)) "${DUMPS_OK[$rep]:-0}" "${DUMPS_FAILED[$rep]:-0}" \
        "${DUMPS_MIN[$rep]:-0}" "${DUMPS_MAX[$rep]:-0}"
      if [[ $DUMPS == signal ]]; then
        dump_cpu=$(awk -v t="${DUMP_TICKS[$rep]:-}" -v hz="$CLK_TCK" 'BEGIN { if (t == "") print "?"; else printf "%.2f", t / hz }')
        per_dump=$(awk -v c="$dump_cpu" -v n="${DUMPS_OK[$rep]:-0}" 'BEGIN { if (c == "?" || n == 0) print "?"; else printf "%.2f", c * 1000 / n }')
        share=$(awk -v c="$dump_cpu" -v r="${CPU[dumps,$rep]:-0}" 'BEGIN { if (c == "?" || r == 0) print "?"; else printf "%.2f %%", c * 100 / r }')
        printf '\t%s\t%s\t%s\n' "$dump_cpu" "$per_dump" "$share"
      else
        printf '\t%s\n' "${DUMPS_CLIENT_CPU[$rep]:-?}"
      fi
    done
  } | render_table
}

cachegrind_table() {
  {
    printf 'build\tIr (instructions executed)\n'
    printf 'wasmscope ON\t%s\n' "${IR[on]:-failed}"
    printf 'wasmscope OFF\t%s\n' "${IR[off]:-failed}"
    if [[ -n "${IR[on]:-}" && -n "${IR[off]:-}" ]]; then
      local r
      r=$(ratio "${IR[on]}" "${IR[off]}")
      printf '**ON / OFF**\t**%.5f (%s)**\n' "$r" "$(awk -v r="$r" 'BEGIN { printf "%+.2f %%", (r - 1) * 100 }')"
    fi
  } | render_table
}

PIGZ_VERSION=$("$WS_ON" run "$PIGZ_WASM" -V 2>&1 </dev/null | head -n1)
{
  echo "## pigz on wasi-threads: wasmscope against WAMR, capture bookkeeping, thread dumps"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src include CMakeLists.txt 2>/dev/null || echo ' (with uncommitted changes in src/include)')"
  echo "- machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'), $(nproc 2>/dev/null) CPUs, $(uname -sr)"
  echo "- wasmscope: $("$CXX" --version | head -n1); Release builds (WASMSCOPE_TESTS=OFF), ${BUILD_ON#"$ROOT/"} and ${BUILD_OFF#"$ROOT/"}"
  [[ -n "$WAMR_IWASM" ]] && echo "- WAMR: $("$WAMR_IWASM" --version 2>&1 | head -n1) ($WAMR_IWASM), run with --max-threads=8"
  echo "- pigz: ${PIGZ_VERSION:-?} ($PIGZ_WASM, $(stat -c %s "$PIGZ_WASM") bytes)"
  echo "- input: ${SIZE_MIB} MiB of text from bench/pigz/gentext.c (md5 $INPUT_MD5), \`pigz -c\` from stdin to stdout"
  echo "- load average at the start: $LOAD_AT_START; at the end: $(loadavg)"
  echo
  echo "### Times (median of $RUNS, every case once per repetition, order rotated)"
  echo
  times_table
  echo
  echo "### Ratios of the medians"
  echo
  echo "Percentages: how much longer than the reference. \"per-repetition\": the range of the"
  echo "same ratio within single repetitions (a median ratio inside that range is not resolved"
  echo "from noise). Wall time counts waiting (for a CPU on a loaded machine, for other threads);"
  echo "CPU time is the runtime process's user+sys, steadier when the machine is busy."
  echo
  ratios_table
  echo
  if [[ $DUMPS == signal ]]; then
    echo "### Thread dumps (SIGQUIT every ${INTERVAL_MS} ms, dumps on the run's stderr)"
  else
    echo "### Thread dumps (\`wasmscope stack PID\` every ${INTERVAL_MS} ms from another process)"
  fi
  echo
  dumps_table
  echo
  if [[ $DUMPS == signal ]]; then
    echo "Signals sent while one is still pending merge with it (POSIX): under load a dump can"
    echo "answer several. \"dump thread CPU\" is the run's own dump thread (wasmscope-dump) as"
    echo "/proc counts it in clock ticks of 1/$CLK_TCK s, read after each signal: the dumps' cost"
    echo "in the run's CPU, measured directly rather than as a difference of two noisy runs."
    echo "Captures answered in the guest threads' signal handlers are not in it (microseconds)."
  else
    echo "A failed dump is one asked for before the run served dumps or after it stopped."
    echo "\"client CPU\" is the \`wasmscope stack\` processes' own time, not in the run's CPU time."
  fi
  echo
  echo "### Outputs"
  echo
  echo "- every output compared with the first: $([[ ${#FAILURES[@]} -eq 0 ]] && echo "all byte-identical" || echo "see failures")"
  echo "- gzip -dc restores the input: $GZIP_OK"
  if [[ $DO_CACHEGRIND -eq 1 ]]; then
    echo
    echo "### Instructions (cachegrind --cache-sim=no, pigz -p 2 on ${CG_SIZE_MIB} MiB)"
    echo
    cachegrind_table
  fi
  failures_section
} >"$OUT_FILE.tmp"
publish_report
[[ ${#FAILURES[@]} -eq 0 ]] || exit 1
exit 0
