# shellcheck shell=bash
# Shared by the benchmark scripts (sourced): markdown tables, logging, statistics, the Release
# build of wasmscope, the kernels of bench/kernels/ and timing of a command.
# Functions "return" through the global variables they document (KERNELS, RUN_CPU, ...).
# shellcheck disable=SC2034

# Renders tab-separated rows from stdin, the first one the header, as a markdown table with
# aligned columns (the first column left-aligned, the others right-aligned).
render_table() {
  awk -F'\t' '
    { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) }
      if (NF > nf) nf = NF; rows = NR }
    END {
      for (r = 1; r <= rows; r++) {
        line = "|"
        for (i = 1; i <= nf; i++) {
          c = cell[r, i]
          line = line " " (i == 1 ? sprintf("%-" w[i] "s", c) : sprintf("%" w[i] "s", c)) " |"
        }
        print line
        if (r == 1) {
          line = "|"
          for (i = 1; i <= nf; i++) {
            d = ""; for (j = 0; j < w[i]; j++) d = d "-"
            line = line (i == 1 ? " " d " |" : " " substr(d, 2) ": |")
          }
          print line
        }
      }
    }'
}

# ---------------------------------------------------------------------------------------------
# Progress, errors, load. BENCH_NAME (the script's name) prefixes error messages.

log() { echo "$@" >&2; }
die() { echo "${BENCH_NAME:-bench}: $*" >&2; exit 1; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }

# report_provenance: the date/commit and machine lines that open every report (markdown list
# items). Needs ROOT.
report_provenance() {
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src include CMakeLists.txt 2>/dev/null || echo ' (with uncommitted changes in src/include)')"
  echo "- machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'), $(nproc 2>/dev/null) CPUs, $(uname -sr)"
}

# ---------------------------------------------------------------------------------------------
# Statistics over numbers given as arguments.

median() {  # median NUMBER...
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.4f", v[(NR + 1) / 2]; else printf "%.4f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
range() {  # range NUMBER... -> "min-max"
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f-%.3f", v[1], v[NR] }'
}
spread_pct() {  # spread_pct NUMBER... -> (max - min) / median, in percent
  local m
  m=$(median "$@")
  printf '%s\n' "$@" | awk -v m="$m" '{ if (NR == 1 || $1 < lo) lo = $1; if ($1 > hi) hi = $1 }
    END { printf "%.1f", (m > 0 ? 100 * (hi - lo) / m : 0) }'
}
geomean() {  # geomean NUMBER... (all positive)
  printf '%s\n' "$@" | awk '{ s += log($1); n++ } END { printf "%.5f", exp(s / n) }'
}

# ---------------------------------------------------------------------------------------------
# Builds. Need ROOT (the checkout), WORK (for the logs) and JOBS.

# build_wasmscope DIR TAG [CMAKE_OPTION...]: configures DIR as a Release tree, without tests
# when DIR is new (with Ninja when there is one), and builds its target `wasmscope`; the logs
# are WORK/cmake-TAG.log and WORK/build-TAG.log. An existing tree keeps its tests: turning them
# off would leave a developer's build/ running ctest against stale test binaries.
build_wasmscope() {
  local dir=$1 tag=$2
  shift 2
  local -a gen=()
  if [[ ! -f "$dir/CMakeCache.txt" ]]; then
    gen=(-DWASMSCOPE_TESTS=OFF)
    command -v ninja >/dev/null && gen+=(-G Ninja)
  fi
  cmake -S "$ROOT" -B "$dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release \
    "$@" >"$WORK/cmake-$tag.log" 2>&1 \
    || die "configuring $dir failed; see $WORK/cmake-$tag.log"
  cmake --build "$dir" --target wasmscope -j "$JOBS" >"$WORK/build-$tag.log" 2>&1 \
    || die "building $dir failed; see $WORK/build-$tag.log"
}

# ---------------------------------------------------------------------------------------------
# The kernels of bench/kernels/, as bench/run.sh builds them for wasm (the "// bench:" line of
# each file). Need BENCH_DIR and CLANG.

declare -A K_SRC=() K_EXPORT=() K_ARGS=() K_FLAGS=()
KERNELS=()

kernel_field() {  # kernel_field LINE KEY: KEY's value in a "// bench:" line
  local re="(^| )$2=([^ ]*)"
  [[ "$1" =~ $re ]] && echo "${BASH_REMATCH[2]}"
}

# find_kernels ONLY: every kernel but `empty` (start-up only, nothing for a per-run cost to
# cost), or, if ONLY (comma-separated) is not empty, only those. Sets KERNELS (in file order)
# and, per kernel, K_SRC, K_EXPORT, K_ARGS (comma-separated) and K_FLAGS (extra wasm flags): a
# `simd=both` file gives K (-msimd128) and K_scalar (-mno-simd128).
find_kernels() {
  local only=$1 src k line
  for src in "$BENCH_DIR"/kernels/*.c; do
    k=$(basename "$src" .c)
    [[ "$k" == empty ]] && continue
    line=$(grep -m1 '^// bench:' "$src") || die "$src has no '// bench:' line"
    if [[ "$(kernel_field "$line" simd)" == both ]]; then
      add_kernel "$only" "$k" "$src" "$line" -msimd128
      add_kernel "$only" "${k}_scalar" "$src" "$line" -mno-simd128
    else
      add_kernel "$only" "$k" "$src" "$line" ""
    fi
  done
  [[ ${#KERNELS[@]} -gt 0 ]] || die "no kernels selected"
}

add_kernel() {  # add_kernel ONLY NAME SOURCE LINE WASM_FLAGS (for find_kernels)
  [[ -n "$1" && ",$1," != *",$2,"* ]] && return
  K_SRC[$2]=$3
  K_EXPORT[$2]=$(kernel_field "$4" export)
  K_ARGS[$2]=$(kernel_field "$4" args)
  K_FLAGS[$2]=$5
  KERNELS+=("$2")
}

# build_kernels DIR: compiles each of KERNELS to DIR/K.wasm.
build_kernels() {
  local dir=$1 k
  command -v "$CLANG" >/dev/null || die "C compiler '$CLANG' not found (set CLANG)"
  log "building kernels in ${dir#"$ROOT/"} ..."
  for k in "${KERNELS[@]}"; do
    # Compiled with -c, then linked without -O: at an optimizing link clang runs binaryen's
    # wasm-opt when one is on the PATH, so the module would depend on the machine.
    # shellcheck disable=SC2086  # K_FLAGS is one flag or none
    "$CLANG" --target=wasm32 -O2 -ffreestanding -fno-builtin ${K_FLAGS[$k]} -c \
      -o "$dir/$k.o" "${K_SRC[$k]}" \
      && "$CLANG" --target=wasm32 -nostdlib -Wl,--no-entry "-Wl,--export=${K_EXPORT[$k]}" \
        -o "$dir/$k.wasm" "$dir/$k.o" \
      || die "building $k.wasm failed"
  done
}

# kernel_run_args DIR K: sets KERNEL_ARGV to the arguments of `wasmscope run` that invoke
# kernel K of DIR with its default arguments.
KERNEL_ARGV=()
kernel_run_args() {
  local -a vals=()
  IFS=, read -ra vals <<<"${K_ARGS[$2]}"
  KERNEL_ARGV=("$1/$2.wasm" --invoke "${K_EXPORT[$2]}" "${vals[@]}")
}

# ---------------------------------------------------------------------------------------------
# Timing.

# time_command OUT ERR CMD...: runs CMD, stdin from RUN_STDIN (default /dev/null), stdout to
# OUT and stderr to ERR (ERR the same as OUT: both into one file). Sets RUN_RC, RUN_WALL
# (elapsed seconds) and RUN_CPU (user+sys seconds of the process, threads included). Needs WORK.
RUN_RC="" RUN_WALL="" RUN_CPU=""
time_command() {
  local out=$1 err=$2 tfile="$WORK/time.txt" wall user sys
  shift 2
  local TIMEFORMAT='%3R %3U %3S'
  if [[ "$err" == "$out" ]]; then
    { time "$@" >"$out" 2>&1 <"${RUN_STDIN:-/dev/null}"; } 2>"$tfile"
  else
    { time "$@" >"$out" 2>"$err" <"${RUN_STDIN:-/dev/null}"; } 2>"$tfile"
  fi
  RUN_RC=$?
  read -r wall user sys <"$tfile"
  RUN_WALL=$wall
  RUN_CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
}

# failures_section: inside a report's { ... } >FILE block, the "### FAILURES" list of the
# FAILURES array, if it has any entries.
failures_section() {
  if [[ ${#FAILURES[@]} -gt 0 ]]; then
    echo
    echo "### FAILURES"
    echo
    printf -- '- %s\n' "${FAILURES[@]}"
  fi
}

# publish_report: moves the report written to $OUT_FILE.tmp into $OUT_FILE and prints it, with
# where it went (relative to $ROOT).
publish_report() {
  mv "$OUT_FILE.tmp" "$OUT_FILE"
  echo
  cat "$OUT_FILE"
  echo
  echo "(written to ${OUT_FILE#"$ROOT/"})"
}
