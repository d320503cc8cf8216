#!/usr/bin/env bash
# Benchmarks wasmscope's interpreter against other WebAssembly engines, side by side in one run.
#
# Builds the kernels in bench/kernels/ to wasm (and natively, for a baseline), runs every kernel
# on every available engine, checks each engine's checksum against the native one, and prints a
# table of median wall times and ratios. The table is also written as markdown to
# bench/results/latest.md. See bench/README.md.
#
# Engines are found through environment variables (an empty value disables an engine):
#   WASMSCOPE    default: build/src/tools/wasmscope under the repository root
#   WASM3        default: /tmp/wasm3/build/wasm3 if present, else wasm3 on PATH
#   IWASM        default: /tmp/wamr/product-mini/platforms/linux/build/iwasm if present,
#                else iwasm on PATH; runs the iwasm engine (.wasm, WAMR's interpreter) and the
#                iwasm-aot engine (.aot files, so this iwasm needs WAMR_BUILD_AOT=1)
#   WAMRC        default: /tmp/wamr/wamr-compiler/build/wamrc if present, else wamrc on PATH:
#                WAMR's ahead-of-time compiler, for iwasm-aot; each kernel is compiled once,
#                before the timed runs (default options: host CPU and features, -O3), to K.aot
#   WASM_INTERP  default: wasm-interp on PATH
#   NODE         default: node on PATH
#   WASM2C       default: wasm2c on PATH (Debian's wabt): each kernel translated to C and
#                compiled by gcc -O2 with wabt's runtime (WASM2C_RT, default /usr/share/wabt/wasm2c)
#   CLANG        default: clang-16 (must target wasm32 and find wasm-ld)
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
ROOT=$(cd "$BENCH_DIR/.." && pwd)
BUILD_DIR="$BENCH_DIR/build"
RESULTS_DIR="$BENCH_DIR/results"

RUNS=3
TIMEOUT=300
ONLY_KERNELS=""
ONLY_ENGINES=""
METRIC=wall
OUT_FILE="$RESULTS_DIR/latest.md"

ALL_ENGINES=(wasmscope wasmscope-compiled wasmscope-cwasm wasm3 iwasm iwasm-aot wasm-interp node wasm2c)

usage() {
  cat <<EOF
usage: bench/run.sh [options]
  --runs N           runs per kernel and engine; the median is reported (default $RUNS)
  --kernels A,B,...  only these kernels (default: every bench/kernels/*.c)
  --engines A,B,...  only these engines, from: ${ALL_ENGINES[*]} (native always runs)
  --timeout SEC      kill a run after SEC seconds and mark it "timeout" (default $TIMEOUT)
  --metric wall|cpu  what to time: wall clock of the whole process (default), or its user+sys
                     CPU time, which is steadier on a busy machine
  --out FILE         markdown output (default bench/results/latest.md)
  -h, --help         this help
Engines are located through WASMSCOPE, WASM3, IWASM (and WAMRC for iwasm-aot), WASM_INTERP,
NODE, WASM2C (see the top of this script); CLANG names the C compiler (default clang-16).
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS=${2:?}; shift 2 ;;
    --runs=*) RUNS=${1#*=}; shift ;;
    --kernels) ONLY_KERNELS=${2:?}; shift 2 ;;
    --kernels=*) ONLY_KERNELS=${1#*=}; shift ;;
    --engines) ONLY_ENGINES=${2:?}; shift 2 ;;
    --engines=*) ONLY_ENGINES=${1#*=}; shift ;;
    --timeout) TIMEOUT=${2:?}; shift 2 ;;
    --timeout=*) TIMEOUT=${1#*=}; shift ;;
    --metric) METRIC=${2:?}; shift 2 ;;
    --metric=*) METRIC=${1#*=}; shift ;;
    --out) OUT_FILE=${2:?}; shift 2 ;;
    --out=*) OUT_FILE=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
if ! [[ "$RUNS" =~ ^[1-9][0-9]*$ ]]; then echo "run.sh: --runs needs a positive integer" >&2; exit 2; fi
[[ "$METRIC" == wall || "$METRIC" == cpu ]] || { echo "run.sh: --metric is wall or cpu" >&2; exit 2; }
if ! [[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]]; then echo "run.sh: --timeout needs a positive integer" >&2; exit 2; fi

log() { echo "$@" >&2; }
die() { echo "run.sh: $*" >&2; exit 1; }

CLANG=${CLANG:-clang-16}
command -v "$CLANG" >/dev/null || die "C compiler '$CLANG' not found (set CLANG)"
command -v timeout >/dev/null || die "'timeout' (coreutils) not found"

# ---------------------------------------------------------------------------------------------
# Kernels: read the "// bench: export=... params=... args=... result=..." line of each file.

# A line may also say "simd=both": the file is then built twice, as kernel K with -msimd128
# and as K_scalar with -mno-simd128 (same export, arguments and checksum).
declare -A K_EXPORT K_PARAMS K_ARGS K_RESULT K_SRC K_WASM_FLAGS
KERNELS=()

meta_field() {  # meta_field LINE KEY
  local re="(^| )$2=([^ ]*)"
  [[ "$1" =~ $re ]] && echo "${BASH_REMATCH[2]}"
}

add_kernel() {  # add_kernel NAME SOURCE META_LINE EXTRA_WASM_FLAG...
  local k=$1 src=$2 line=$3
  shift 3
  K_SRC[$k]=$src
  K_WASM_FLAGS[$k]="$*"
  K_EXPORT[$k]=$(meta_field "$line" export)
  K_PARAMS[$k]=$(meta_field "$line" params)
  K_ARGS[$k]=$(meta_field "$line" args)
  K_RESULT[$k]=$(meta_field "$line" result)
  [[ -n "${K_EXPORT[$k]}" && -n "${K_RESULT[$k]}" ]] || die "$src: bad '// bench:' line: $line"
  [[ "$k" == empty ]] && return  # measured separately, as the startup row
  if [[ -n "$ONLY_KERNELS" && ",$ONLY_KERNELS," != *",$k,"* ]]; then return; fi
  KERNELS+=("$k")
}

for src in "$BENCH_DIR"/kernels/*.c; do
  k=$(basename "$src" .c)
  line=$(grep -m1 '^// bench:' "$src") || die "$src has no '// bench:' line"
  case "$(meta_field "$line" simd)" in
    "") add_kernel "$k" "$src" "$line" ;;
    both) add_kernel "$k" "$src" "$line" -msimd128
          add_kernel "${k}_scalar" "$src" "$line" -mno-simd128 ;;
    *) die "$src: simd= must be 'both' (or absent): $line" ;;
  esac
done
[[ -f "$BENCH_DIR/kernels/empty.c" ]] || die "bench/kernels/empty.c is missing"
[[ ${#KERNELS[@]} -gt 0 ]] || die "no kernels selected"

ctype() {  # wasm value type -> C type
  case "$1" in i32) echo int ;; i64) echo "long long" ;; f64) echo double ;;
    *) die "unsupported type '$1'" ;; esac
}

# ---------------------------------------------------------------------------------------------
# Build. Every kernel becomes:
#   K.wasm        the kernel, its entry point exported under its own name (arguments passed in)
#   K.fixed.wasm  the kernel plus a zero-argument export bench_fixed() that calls it with the
#                 default arguments read from volatile globals: for wasm-interp, which can only
#                 run all exports without arguments
#   K.native      the kernel linked with native_main.c (the baseline)

# Kernels are compiled with -c, then linked without -O: at an optimizing link clang runs
# binaryen's wasm-opt when one is on the PATH, so the modules would depend on the machine.
WASM_CFLAGS=(--target=wasm32 -O2 -ffreestanding -fno-builtin)
# shellcheck disable=SC2054  # the commas are inside linker flags
WASM_LDFLAGS=(--target=wasm32 -nostdlib -Wl,--no-entry)
NATIVE_CFLAGS=(-O2 -fno-builtin -ffp-contract=off)

build_kernel() {
  local k=$1 src=${K_SRC[$1]} name=${K_EXPORT[$1]} ret
  local -a wflags=()
  read -ra wflags <<<"${K_WASM_FLAGS[$k]}"
  ret=$(ctype "${K_RESULT[$k]}")
  local -a ptypes=() pvals=()
  IFS=, read -ra ptypes <<<"${K_PARAMS[$k]}"
  IFS=, read -ra pvals <<<"${K_ARGS[$k]}"
  [[ ${#ptypes[@]} -eq ${#pvals[@]} ]] || die "$k: params and args differ in length"

  "$CLANG" "${WASM_CFLAGS[@]}" ${wflags[@]+"${wflags[@]}"} -c -o "$BUILD_DIR/$k.o" "$src" \
    && "$CLANG" "${WASM_LDFLAGS[@]}" "-Wl,--export=$name" -o "$BUILD_DIR/$k.wasm" "$BUILD_DIR/$k.o" \
    || die "building $k.wasm failed"

  # The wrapper for wasm-interp.
  local fixed="$BUILD_DIR/$k.fixed.c" cparams="" cargs="" decls="" i t lit
  for i in "${!ptypes[@]}"; do
    t=$(ctype "${ptypes[$i]}")
    lit=${pvals[$i]}
    [[ "${ptypes[$i]}" == i64 ]] && lit="${lit}LL"
    decls+="static volatile $t bench_arg$i = $lit;"$'\n'
    cparams+="${cparams:+, }$t"
    cargs+="${cargs:+, }bench_arg$i"
  done
  printf '/* generated by bench/run.sh */\n%sextern %s %s(%s);\n%s bench_fixed(void) { return %s(%s); }\n' \
    "$decls" "$ret" "$name" "${cparams:-void}" "$ret" "$name" "$cargs" >"$fixed"
  "$CLANG" "${WASM_CFLAGS[@]}" ${wflags[@]+"${wflags[@]}"} -c -o "$BUILD_DIR/$k.fixed.o" "$fixed" \
    && "$CLANG" "${WASM_LDFLAGS[@]}" -Wl,--export=bench_fixed \
      -o "$BUILD_DIR/$k.fixed.wasm" "$BUILD_DIR/$k.fixed.o" "$BUILD_DIR/$k.o" \
    || die "building $k.fixed.wasm failed"

  # The native baseline.
  local nargs="" conv
  for i in "${!ptypes[@]}"; do
    t=$(ctype "${ptypes[$i]}")
    conv=bench_int
    [[ "${ptypes[$i]}" == f64 ]] && conv=bench_f64
    nargs+="${nargs:+, }($t)$conv(argv[$((i + 1))])"
  done
  local fmt=1
  [[ "${K_RESULT[$k]}" == f64 ]] && fmt=2
  "$CLANG" "${NATIVE_CFLAGS[@]}" -o "$BUILD_DIR/$k.native" \
    "-DBENCH_FN=$name" "-DBENCH_RET=$ret" "-DBENCH_PARAMS=${cparams:-void}" \
    "-DBENCH_ARGS=$nargs" "-DBENCH_ARGC=${#ptypes[@]}" "-DBENCH_FMT=$fmt" \
    "$BENCH_DIR/native_main.c" "$src" -lm \
    || die "building $k.native failed"
}

# Wall times are only meaningful on a quiet machine: note the load, and warn when it is high.
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
LOAD_WARNING=""
if awk -v l="${LOAD_AT_START%% *}" -v n="$(nproc 2>/dev/null || echo 1)" 'BEGIN { exit !(l + 0 > n * 0.5) }'; then
  LOAD_WARNING="machine busy: timings are noisy"
  log "WARNING: load average is $LOAD_AT_START on $(nproc) CPUs; timings will be noisy"
fi

mkdir -p "$BUILD_DIR" "$RESULTS_DIR"
log "building kernels in $BUILD_DIR ..."
for k in empty "${KERNELS[@]}"; do build_kernel "$k"; done

# ---------------------------------------------------------------------------------------------
# Engines.

declare -A ENGINE_PATH=() ENGINE_WHY=()  # path of each available engine; why an engine is missing
AVAILABLE=()

first_executable() {  # first_executable CANDIDATE... -> the first that is an executable file
  local c p
  for c in "$@"; do
    [[ -z "$c" ]] && continue
    if [[ "$c" == */* ]]; then [[ -x "$c" && -f "$c" ]] && { echo "$c"; return 0; }
    else p=$(command -v "$c" 2>/dev/null) && { echo "$p"; return 0; }
    fi
  done
  return 1
}

locate() {  # locate ENGINE VAR DEFAULT... : honours VAR when set (empty disables the engine)
  local engine=$1 var=$2
  shift 2
  local path
  if [[ -n "${!var+set}" ]]; then
    if [[ -z "${!var}" ]]; then ENGINE_WHY[$engine]="disabled ($var is empty)"; return; fi
    path=$(first_executable "${!var}") || { ENGINE_WHY[$engine]="$var=${!var} is not an executable"; return; }
  else
    path=$(first_executable "$@") || { ENGINE_WHY[$engine]="not found (tried: $*; set $var)"; return; }
  fi
  ENGINE_PATH[$engine]=$path
}

locate wasmscope WASMSCOPE "$ROOT/build/src/tools/wasmscope"
# The same binary on its compiled tier (LLVM JIT; compile time is part of each run's time),
# and running .cwasm files that `wasmscope compile` wrote before the runs (compile time not
# included); both at the default level (2, LLVM's -O2).
locate wasmscope-compiled WASMSCOPE "$ROOT/build/src/tools/wasmscope"
locate wasmscope-cwasm WASMSCOPE "$ROOT/build/src/tools/wasmscope"
locate wasm3 WASM3 /tmp/wasm3/build/wasm3 wasm3
locate iwasm IWASM /tmp/wamr/product-mini/platforms/linux/build/iwasm iwasm
# The same iwasm running .aot files that WAMR's wamrc compiled before the runs (compile time not
# included), with wamrc's default options. The engine needs both binaries.
locate iwasm-aot IWASM /tmp/wamr/product-mini/platforms/linux/build/iwasm iwasm
WAMRC_PATH=""
locate wamrc WAMRC /tmp/wamr/wamr-compiler/build/wamrc wamrc
if [[ -n "${ENGINE_PATH[wamrc]:-}" ]]; then
  WAMRC_PATH=${ENGINE_PATH[wamrc]}
elif [[ -n "${ENGINE_PATH[iwasm-aot]:-}" ]]; then
  ENGINE_WHY[iwasm-aot]="wamrc ${ENGINE_WHY[wamrc]}"
  unset "ENGINE_PATH[iwasm-aot]"
fi
unset "ENGINE_PATH[wamrc]" "ENGINE_WHY[wamrc]"
locate wasm-interp WASM_INTERP wasm-interp
locate node NODE node
locate wasm2c WASM2C wasm2c
WASM2C_RT=${WASM2C_RT:-/usr/share/wabt/wasm2c}

# build_wasm2c KERNEL: KERNEL.wasm translated by wasm2c (module name "guest") and compiled by
# gcc -O2 with wabt's runtime, behind native_main.c (same arguments and printing as native).
# Logs to K.wasm2c.log; a kernel it cannot translate has no K.wasm2c (its runs then fail).
build_wasm2c() {
  local k=$1 name=${K_EXPORT[$1]} ret params="" args="" cparams="" nargs="" i t conv
  local -a ptypes=()
  IFS=, read -ra ptypes <<<"${K_PARAMS[$k]}"
  ret=$(ctype "${K_RESULT[$k]}")
  # The wrapper's parameters and arguments, and native_main.c's macros (as build_kernel's).
  for i in "${!ptypes[@]}"; do
    t=$(ctype "${ptypes[$i]}")
    params+="${params:+, }$t a$i"
    args+=", a$i"
    cparams+="${cparams:+, }$t"
    conv=bench_int
    [[ "${ptypes[$i]}" == f64 ]] && conv=bench_f64
    nargs+="${nargs:+, }($t)$conv(argv[$((i + 1))])"
  done
  local wrap="$BUILD_DIR/$k.w2c_main.c"
  printf '/* generated by bench/run.sh */\n#include "%s.w2c.h"\n#include "wasm-rt-impl.h"\n%s bench_wasm2c(%s) {\n  static Z_guest_instance_t instance;\n  wasm_rt_init();\n  Z_guest_init_module();\n  Z_guest_instantiate(&instance);\n  if (wasm_rt_impl_try() != 0) __builtin_trap();\n  return (%s)Z_guestZ_%s(&instance%s);\n}\n' \
    "$k" "$ret" "${params:-void}" "$ret" "$name" "$args" >"$wrap"
  local fmt=1
  [[ "${K_RESULT[$k]}" == f64 ]] && fmt=2
  { "${ENGINE_PATH[wasm2c]}" "$BUILD_DIR/$k.wasm" -n guest -o "$BUILD_DIR/$k.w2c.c" \
      && gcc -O2 -w -I"$WASM2C_RT" -I"$BUILD_DIR" -o "$BUILD_DIR/$k.wasm2c" \
        "-DBENCH_FN=bench_wasm2c" "-DBENCH_RET=$ret" "-DBENCH_PARAMS=${cparams:-void}" \
        "-DBENCH_ARGS=$nargs" "-DBENCH_ARGC=${#ptypes[@]}" "-DBENCH_FMT=$fmt" \
        "$BENCH_DIR/native_main.c" "$wrap" "$BUILD_DIR/$k.w2c.c" "$WASM2C_RT/wasm-rt-impl.c" -lm
  } >"$BUILD_DIR/$k.wasm2c.log" 2>&1 || {
    rm -f "$BUILD_DIR/$k.wasm2c"
    log "wasm2c: $k not built: $(grep -m1 -iE 'error' "$BUILD_DIR/$k.wasm2c.log")"
  }
}
if [[ -n "${ENGINE_PATH[wasm2c]:-}" ]] && { [[ -z "$ONLY_ENGINES" ]] || [[ ",$ONLY_ENGINES," == *",wasm2c,"* ]]; }; then
  if [[ -f "$WASM2C_RT/wasm-rt-impl.c" ]] && command -v gcc >/dev/null; then
    log "building the wasm2c engine's kernels ..."
    for k in empty "${KERNELS[@]}"; do build_wasm2c "$k"; done
  else
    ENGINE_WHY[wasm2c]="needs gcc and $WASM2C_RT/wasm-rt-impl.c"
    unset "ENGINE_PATH[wasm2c]"
  fi
fi

if [[ -n "${ENGINE_PATH[wasmscope-cwasm]:-}" ]] && { [[ -z "$ONLY_ENGINES" ]] || [[ ",$ONLY_ENGINES," == *",wasmscope-cwasm,"* ]]; }; then
  log "compiling the kernels ahead of time (wasmscope compile) ..."
  for k in empty "${KERNELS[@]}"; do
    "${ENGINE_PATH[wasmscope-cwasm]}" compile "$BUILD_DIR/$k.wasm" -o "$BUILD_DIR/$k.cwasm" \
      >"$BUILD_DIR/$k.cwasm.log" 2>&1 || log "wasmscope-cwasm: $k not compiled: $(head -c 200 "$BUILD_DIR/$k.cwasm.log")"
  done
fi

if [[ -n "${ENGINE_PATH[iwasm-aot]:-}" ]] && { [[ -z "$ONLY_ENGINES" ]] || [[ ",$ONLY_ENGINES," == *",iwasm-aot,"* ]]; }; then
  log "compiling the kernels ahead of time (wamrc) ..."
  for k in empty "${KERNELS[@]}"; do
    rm -f "$BUILD_DIR/$k.aot"  # never run a stale one
    "$WAMRC_PATH" -o "$BUILD_DIR/$k.aot" "$BUILD_DIR/$k.wasm" >"$BUILD_DIR/$k.aot.log" 2>&1 \
      || log "iwasm-aot: $k not compiled (see $BUILD_DIR/$k.aot.log): $({ grep -a -m1 -iE 'error|fail' "$BUILD_DIR/$k.aot.log" || tail -n1 "$BUILD_DIR/$k.aot.log"; } | head -c 200)"
  done
fi

# engine_cmd ENGINE KERNEL: fills CMD with the command line that runs KERNEL on ENGINE.
engine_cmd() {
  local e=$1 k=$2 wasm="$BUILD_DIR/$2.wasm" name=${K_EXPORT[$2]}
  local -a vals=() types=() typed=()
  IFS=, read -ra vals <<<"${K_ARGS[$k]}"
  IFS=, read -ra types <<<"${K_PARAMS[$k]}"
  local i
  for i in "${!vals[@]}"; do typed+=("${types[$i]}:${vals[$i]}"); done
  case "$e" in
    native) CMD=("$BUILD_DIR/$k.native" "${vals[@]}") ;;
    wasmscope) CMD=("${ENGINE_PATH[$e]}" run "$wasm" --invoke "$name" "${vals[@]}") ;;
    wasmscope-compiled)
      CMD=("${ENGINE_PATH[$e]}" run --tier compiled "$wasm" --invoke "$name" "${vals[@]}") ;;
    wasmscope-cwasm)
      CMD=("${ENGINE_PATH[$e]}" run "$BUILD_DIR/$k.cwasm" --invoke "$name" "${vals[@]}") ;;
    wasm3) CMD=("${ENGINE_PATH[$e]}" --func "$name" "$wasm" "${vals[@]}") ;;
    iwasm) CMD=("${ENGINE_PATH[$e]}" -f "$name" "$wasm" "${vals[@]}") ;;
    iwasm-aot) CMD=("${ENGINE_PATH[$e]}" -f "$name" "$BUILD_DIR/$k.aot" "${vals[@]}") ;;
    wasm-interp) CMD=("${ENGINE_PATH[$e]}" "$BUILD_DIR/$k.fixed.wasm" --run-all-exports) ;;
    node) CMD=("${ENGINE_PATH[$e]}" "$BENCH_DIR/drivers/run.mjs" "$wasm" "$name" "${typed[@]}") ;;
    wasm2c) CMD=("$BUILD_DIR/$k.wasm2c" "${vals[@]}") ;;
  esac
}

# normalize VALUE: strips a type annotation ("i64:5", "0x5:i64") and turns hex into decimal, so
# that every engine's printing of an integer compares equal.
normalize() {
  local v=$1
  v=${v#"${v%%[![:space:]]*}"}
  v=${v%"${v##*[![:space:]]}"}
  v=${v#[if][36][24]:}
  v=${v%:[if][36][24]}
  v=${v#+}
  if [[ "$v" =~ ^0[xX][0-9a-fA-F]+$ ]]; then printf '%d' "$v"; else printf '%s' "$v"; fi
}

# extract_result ENGINE OUTPUT_FILE: prints the engine's result value, normalized.
extract_result() {
  local e=$1 out=$2 line
  case "$e" in
    wasm3) line=$(grep -a 'Result:' "$out" | tail -n1); line=${line##*Result:} ;;
    wasm-interp) line=$(grep -a '^bench_fixed() =>' "$out" | tail -n1); line=${line##*=>} ;;
    *) line=$(grep -a -v '^[[:space:]]*$' "$out" | tail -n1) ;;
  esac
  normalize "$line"
}

# run_once ENGINE KERNEL: runs once; sets RUN_TIME (seconds of the selected --metric), RUN_VALUE
# and RUN_STATUS (ok, timeout, or "exit N"). Bash's `time` keyword measures the whole process
# tree: wall time and the user+sys CPU time of the engine (and of the `timeout` wrapper, which is
# negligible).
RUN_TIME="" RUN_VALUE="" RUN_STATUS=""
run_once() {
  local e=$1 k=$2 out="$BUILD_DIR/last-output.txt" tfile="$BUILD_DIR/last-time.txt" rc
  engine_cmd "$e" "$k"
  local TIMEFORMAT='%3R %3U %3S'
  { time timeout --signal=KILL "$TIMEOUT" "${CMD[@]}" >"$out" 2>&1 </dev/null; } 2>"$tfile"
  rc=$?
  local real user sys
  read -r real user sys <"$tfile"
  if [[ "$METRIC" == cpu ]]; then
    RUN_TIME=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
  else
    RUN_TIME=$real
  fi
  RUN_VALUE=$(extract_result "$e" "$out")
  if [[ $rc -eq 0 ]]; then RUN_STATUS=ok
  elif [[ $rc -eq 137 || $rc -eq 124 ]]; then RUN_STATUS=timeout
  else RUN_STATUS="exit $rc"
  fi
  LAST_OUTPUT=$(head -c 400 "$out")
}

median() {  # median NUMBER...
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.4f", v[(NR + 1) / 2]; else printf "%.4f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -A TIME=() CELL=()  # TIME[engine,kernel] median seconds; CELL[...] text when not a time
declare -A EXPECTED=() INVALID=()

# measure ENGINE KERNEL: RUNS runs, checked against EXPECTED[KERNEL].
measure() {
  local e=$1 k=$2 i
  local -a times=()
  for ((i = 0; i < RUNS; i++)); do
    run_once "$e" "$k"
    if [[ "$RUN_STATUS" != ok ]]; then
      log "  $e on $k: FAILED ($RUN_STATUS) after ${RUN_TIME}s: $(head -c 300 <<<"$LAST_OUTPUT")"
      CELL[$e,$k]=$([[ "$RUN_STATUS" == timeout ]] && echo timeout || echo fail)
      return 1
    fi
    if [[ "$RUN_VALUE" != "${EXPECTED[$k]}" ]]; then
      log ""
      log "!!!!!!!! CHECKSUM MISMATCH: $e on kernel '$k' printed '$RUN_VALUE', native printed '${EXPECTED[$k]}'"
      log "!!!!!!!! output: $(head -c 300 <<<"$LAST_OUTPUT")"
      log "!!!!!!!! kernel '$k' is marked INVALID"
      log ""
      CELL[$e,$k]=WRONG
      INVALID[$k]=1
      return 1
    fi
    times+=("$RUN_TIME")
  done
  TIME[$e,$k]=$(median "${times[@]}")
  log "  $(printf '%-12s %-9s %8ss  (runs: %s)' "$e" "$k" "${TIME[$e,$k]}" "${times[*]}")"
}

# Native first: it defines the expected checksums.
log "native baseline ..."
for k in empty "${KERNELS[@]}"; do
  run_once native "$k"
  [[ "$RUN_STATUS" == ok ]] || die "native $k failed ($RUN_STATUS): $LAST_OUTPUT"
  EXPECTED[$k]=$RUN_VALUE
  measure native "$k" || die "native $k is not deterministic"
done

# Probe each located engine with the empty kernel; an engine that cannot run it is unavailable.
for e in "${ALL_ENGINES[@]}"; do
  if [[ -n "$ONLY_ENGINES" && ",$ONLY_ENGINES," != *",$e,"* ]]; then
    ENGINE_WHY[$e]="${ENGINE_WHY[$e]:-not selected (--engines)}"
    unset "ENGINE_PATH[$e]"
    continue
  fi
  [[ -n "${ENGINE_PATH[$e]:-}" ]] || continue
  run_once "$e" empty
  if [[ "$RUN_STATUS" != ok || "$RUN_VALUE" != "${EXPECTED[empty]}" ]]; then
    ENGINE_WHY[$e]="${ENGINE_PATH[$e]} cannot run the empty kernel (status: $RUN_STATUS; expected ${EXPECTED[empty]}, got '$RUN_VALUE'; output: '$(head -c 120 <<<"$LAST_OUTPUT" | tr '\n' ' ')')"
    unset "ENGINE_PATH[$e]"
    continue
  fi
  AVAILABLE+=("$e")
done

log ""
log "engines:"
log "  native       $BUILD_DIR/*.native ($CLANG ${NATIVE_CFLAGS[*]})"
for e in "${ALL_ENGINES[@]}"; do
  if [[ -n "${ENGINE_PATH[$e]:-}" ]]; then log "  $(printf '%-12s' "$e") ${ENGINE_PATH[$e]}"
  else log "  $(printf '%-12s' "$e") NOT AVAILABLE: ${ENGINE_WHY[$e]}"
  fi
done
log ""

for e in "${AVAILABLE[@]}"; do
  log "$e ..."
  for k in empty "${KERNELS[@]}"; do measure "$e" "$k"; done
done

# ---------------------------------------------------------------------------------------------
# Report.

ratio() {  # ratio A B -> A/B with two decimals, or n/a
  if [[ -z "$1" || -z "$2" ]]; then echo "n/a"; return; fi
  awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "n/a"; else printf "%.2f", a / b }'
}

cell_time() {  # cell_time ENGINE KERNEL
  if [[ -n "${TIME[$1,$2]:-}" ]]; then printf '%.3f' "${TIME[$1,$2]}"
  elif [[ -n "${CELL[$1,$2]:-}" ]]; then echo "${CELL[$1,$2]}"
  else echo "n/a"
  fi
}

# Columns: wasmscope always (it is what the table is about), plus every available peer.
COLS=(wasmscope)
for e in "${AVAILABLE[@]}"; do [[ "$e" != wasmscope ]] && COLS+=("$e"); done

declare -a ROWS=()
add_row() { local IFS=$'\t'; ROWS+=("$*"); }

header=("kernel" "native s")
for e in "${COLS[@]}"; do
  header+=("$e s")
  [[ "$e" != wasmscope ]] && header+=("$e / wasmscope")
  header+=("$e / native")
done
add_row "${header[@]}"

for k in "${KERNELS[@]}"; do
  label=$k
  [[ -n "${INVALID[$k]:-}" ]] && label="$k (INVALID)"
  row=("$label" "$(cell_time native "$k")")
  for e in "${COLS[@]}"; do
    row+=("$(cell_time "$e" "$k")")
    [[ "$e" != wasmscope ]] && row+=("$(ratio "${TIME[$e,$k]:-}" "${TIME[wasmscope,$k]:-}")")
    row+=("$(ratio "${TIME[$e,$k]:-}" "${TIME[native,$k]:-}")")
  done
  add_row "${row[@]}"
done

# Geometric means over the valid kernels where both times exist.
geomean() {  # geomean ENGINE REFERENCE -> "G (n/m)" or n/a
  local e=$1 ref=$2 k n=0 logs=""
  for k in "${KERNELS[@]}"; do
    [[ -n "${INVALID[$k]:-}" ]] && continue
    [[ -n "${TIME[$e,$k]:-}" && -n "${TIME[$ref,$k]:-}" ]] || continue
    logs+="${TIME[$e,$k]} ${TIME[$ref,$k]}"$'\n'
    n=$((n + 1))
  done
  if [[ $n -eq 0 ]]; then echo "n/a"; return; fi
  local g
  g=$(awk '{ s += log($1) - log($2) } END { printf "%.2f", exp(s / NR) }' <<<"${logs%$'\n'}")
  if [[ $n -eq ${#KERNELS[@]} ]]; then echo "$g"; else echo "$g ($n/${#KERNELS[@]})"; fi
}

row=("**geomean**" "")
for e in "${COLS[@]}"; do
  row+=("")
  [[ "$e" != wasmscope ]] && row+=("**$(geomean "$e" wasmscope)**")
  row+=("**$(geomean "$e" native)**")
done
add_row "${row[@]}"

row=("startup (empty)" "$(cell_time native empty)")
for e in "${COLS[@]}"; do
  row+=("$(cell_time "$e" empty)")
  [[ "$e" != wasmscope ]] && row+=("")
  row+=("")
done
add_row "${row[@]}"


version_of() {
  local v=""
  case "$1" in
    wasm3) v=$("${ENGINE_PATH[$1]}" --version 2>&1 | head -n1) ;;
    iwasm) v=$("${ENGINE_PATH[$1]}" --version 2>&1 | head -n1) ;;
    iwasm-aot) v="$("${ENGINE_PATH[$1]}" --version 2>&1 | head -n1); compiled by $WAMRC_PATH ($("$WAMRC_PATH" --version 2>&1 | head -n1), default options)" ;;
    wasm-interp) v="wabt $("${ENGINE_PATH[$1]}" --version 2>&1 | head -n1)" ;;
    node) v="node $("${ENGINE_PATH[$1]}" --version 2>&1 | head -n1)" ;;
    wasmscope | wasmscope-compiled | wasmscope-cwasm)
      v=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || true); v="commit ${v:-?}" ;;
  esac
  echo "$v"
}

{
  echo "## wasmscope benchmark results"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'), $(nproc 2>/dev/null) CPUs, $(uname -sr)"
  if [[ "$METRIC" == cpu ]]; then
    echo "- median of $RUNS runs, user+sys CPU time of the whole process (startup included) in seconds"
  else
    echo "- median of $RUNS runs, wall time of the whole process (startup included) in seconds"
  fi
  echo "- load average when the run started: $LOAD_AT_START${LOAD_WARNING:+ ($LOAD_WARNING)}"
  echo "- kernels built with $("$CLANG" --version | head -n1): wasm32 \`${WASM_CFLAGS[*]} -c\` linked with \`${WASM_LDFLAGS[*]}\`, native \`${NATIVE_CFLAGS[*]}\`"
  for k in "${KERNELS[@]}"; do
    [[ -n "${K_WASM_FLAGS[$k]}" ]] && echo "- kernel $k: wasm32 also \`${K_WASM_FLAGS[$k]}\`"
  done
  for e in "${ALL_ENGINES[@]}"; do
    if [[ -n "${ENGINE_PATH[$e]:-}" ]]; then echo "- $e: ${ENGINE_PATH[$e]} ($(version_of "$e"))"
    else echo "- $e: **not available**: ${ENGINE_WHY[$e]}"
    fi
  done
  invalid=""
  for k in "${KERNELS[@]}"; do [[ -n "${INVALID[$k]:-}" ]] && invalid+=" $k"; done
  [[ -n "$invalid" ]] && echo "- **INVALID kernels (an engine printed a wrong checksum):$invalid**"
  echo
  echo "\"X / wasmscope\" is X's time divided by wasmscope's (above 1: X is slower than wasmscope);"
  echo "\"X / native\" is X's time divided by the native build's. Geometric means cover the valid"
  echo "kernels where both times exist (a count is shown when some are missing). The startup row"
  echo "is an empty kernel: process start, module load and instantiation."
  echo
  printf '%s\n' "${ROWS[@]}" | render_table
} >"$OUT_FILE.tmp"
publish_report
if [[ ${#INVALID[@]} -gt 0 ]]; then
  echo "WARNING: checksum mismatches in: ${!INVALID[*]}" >&2
  exit 1
fi
exit 0
