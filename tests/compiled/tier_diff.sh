#!/usr/bin/env bash
# Runs every C guest program of the repository (except the wasi-threads ones) under both tiers,
# `wasmscope run --tier interp` and `--tier compiled`, with the same arguments, environment,
# stdin and preopened directory, and compares stdout, stderr, the exit status and the files
# the guest left in its sandbox, byte for byte. Any difference is a bug of one tier.
#
#   tier_diff.sh WASMSCOPE BUILD_DIR SOURCE_DIR CLANG [--only CASE] [--inject CASE]
#
# BUILD_DIR is the build tree (the guests the build compiled), SOURCE_DIR the checkout (the
# bench kernels, compiled here with CLANG, clang-16). Workloads are small: the whole run takes
# seconds. --only runs one case; --inject CASE appends a byte to CASE's compiled stdout, so the
# comparison is seen to fail. Exits 0 only if every case agreed.
#
# --cross OTHER TARGET: the compiled side is another machine's. WASMSCOPE compiles each guest
# for TARGET (`compile --target`) and OTHER, a wasmscope built for TARGET (run through
# qemu-user), runs the .cwasm, against WASMSCOPE's interpreter: the same output on the device
# as on the workstation. The .cwasm keeps the guest's file name (run knows it by its magic), so
# that argv[0] is the same.
set -u

if [ $# -lt 4 ]; then
  echo "usage: tier_diff.sh WASMSCOPE BUILD_DIR SOURCE_DIR CLANG [--only CASE] [--inject CASE]" >&2
  exit 2
fi
cli=$1
build=$2
source=$3
clang=$4
shift 4
only=
inject=
cross=
target=
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only=$2; shift 2 ;;
    --cross) cross=$2; target=$3; shift 3 ;;
    --inject) inject=$2; shift 2 ;;
    *) echo "tier_diff.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tier-diff.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
box=$tmp/box          # the sandbox's parent (wasi_sandbox looks outside the preopen)
sandbox=$box/sandbox  # preopened as /sandbox: the same host path for both tiers
failed=0
cases=0

# fixture_NAME (optional) fills $box/$sandbox before each of the two runs of case NAME.
fixture_demo() {
  printf 'first line\nSecond Line\nthird: 3 words\n' >"$sandbox/input.txt"
  mkdir "$sandbox/subdir"
}
fixture_wasi_files() {
  printf 'hello, wasi\n' >"$sandbox/existing.txt"
  printf 'to be truncated\n' >"$sandbox/truncate-me.txt"
}
fixture_wasi_poll() { printf '0123456789' >"$sandbox/poll.txt"; }
fixture_wasi_sandbox() {
  printf 'outside\n' >"$box/outside.txt"
  printf 'inside\n' >"$sandbox/inside.txt"
  mkdir "$sandbox/sub"
  printf 'sub file\n' >"$sandbox/sub/file.txt"
  ln -s /etc "$sandbox/etc-link"
  ln -s .. "$sandbox/up-link"
  ln -s ../outside.txt "$sandbox/out-link"
  ln -s sub/../inside.txt "$sandbox/inside-link"
  ln -s loop-b "$sandbox/loop-a"
  ln -s loop-a "$sandbox/loop-b"
}
fixture_wait_file() { printf 'ready\n' >"$sandbox/ready"; }
fixture_wordcount() { printf 'one two three\nfour five\n\nsix\n' >"$sandbox/words.txt"; }
fixture_wasi_guest() { printf 'some input\n' >"$sandbox/input.txt"; }

# What legitimately differs between the tiers, made equal before comparing: the time a hang
# report shows, where runaway recursion runs out (the interpreter's max_call_depth, the
# native stack for compiled code: docs/compiled-tier.md), so how many frames a trap omits,
# and the instruction a signal caught a spinning loop at.
normalize() {
  # A stack taken by signal (the watchdog's report, and the trap that interrupts the thread
  # there, of spin and dump_guest) names the instruction the thread was at. The interpreter is always caught at its loop's safepoint, the branch back;
  # compiled code at any instruction of the loop. At -O2 spin's loop is three (the add, the
  # store, the branch): the branch almost always, but a simulated CI run caught the store
  # (stuck_here+0x11 against +0x18, the same line). That frame's function and line are
  # compared, not its offset.
  # Which call of a runaway recursion crosses the native stack's limit (recurse.c's call of
  # mix at line 25, or its own call at line 26) depends on the frames' sizes, on where each
  # function compares the stack pointer with the limit (on x86-64 a function that calls
  # nothing there, such as mix, compares it at its entry, before any frame) and on where the
  # thread's stack starts: the innermost frame of that trap is not compared.
  sed -E -e 's/[0-9]+\.[0-9]+s\b/T/g' -e 's/\.\.\. [0-9]+ frames omitted/... N frames omitted/' "$1" |
    sed -E '/^trap: call stack exhausted$/{n;s/^    at .*/    at (innermost frame of the overflow)/}' |
    sed -E '/(\(stack by signal\)|^trap: interrupted)$/{n;s/^(    at [^ ]+)\+0x[0-9a-f]+ /\1+0x? /}'
}

# The sandbox as text: every path, its type and its contents (symlinks: their target).
sandbox_listing() {
  (cd "$box" && find . -mindepth 1 | LC_ALL=C sort | while read -r p; do
    if [ -L "$p" ]; then
      echo "$p -> $(readlink "$p")"
    elif [ -d "$p" ]; then
      echo "$p/"
    else
      echo "$p: $(od -An -c "$p" | tr -s ' ' | tr -d '\n')"
    fi
  done)
}

# check NAME STDIN [RUN_OPTION...] -- GUEST [ARG...]: runs the guest in each tier in a fresh
# sandbox and compares.
check() {
  local name=$1 stdin=$2
  shift 2
  local opts=()
  while [ "$1" != "--" ]; do opts+=("$1"); shift; done
  shift
  [ -n "$only" ] && [ "$only" != "$name" ] && return
  cases=$((cases + 1))
  local tier
  for tier in interp compiled; do
    rm -rf "$box"
    mkdir -p "$sandbox"
    if declare -F "fixture_$name" >/dev/null; then "fixture_$name"; fi
    # Compiled at LLVM's -O2 (the default, named so that a change of default shows): its
    # tight loops stay on the line the interpreter reports (normalize, above, leaves out the
    # instruction). Level 1's code stops anywhere in a loop's body, and may name the
    # function's first line there (docs/compiled-tier.md, "Optimization levels").
    local level=()
    [ "$tier" = compiled ] && level=(--opt-level 2)
    if [ -n "$cross" ] && [ "$tier" = compiled ]; then
      local guest=$1 cwasm
      shift
      mkdir -p "$tmp/cross"
      cwasm=$tmp/cross/$(basename "$guest")
      if ! "$cli" compile --target "$target" "${level[@]}" "$guest" -o "$cwasm" 2>"$tmp/compile.err"; then
        echo "FAIL: $name: cannot compile for $target: $(cat "$tmp/compile.err")"
        failed=1
        return
      fi
      "$cross" run --dir "$sandbox::/sandbox" ${opts[@]+"${opts[@]}"} "$cwasm" "$@" \
        <"$stdin" >"$tmp/$tier.out" 2>"$tmp/$tier.err"
      echo "$?" >"$tmp/$tier.status"
      set -- "$guest" "$@"
    else
      "$cli" run --tier "$tier" "${level[@]}" --dir "$sandbox::/sandbox" ${opts[@]+"${opts[@]}"} "$@" \
        <"$stdin" >"$tmp/$tier.out" 2>"$tmp/$tier.err"
      echo "$?" >"$tmp/$tier.status"
    fi
    normalize "$tmp/$tier.err" >"$tmp/$tier.err.raw" && mv "$tmp/$tier.err.raw" "$tmp/$tier.err"
    sandbox_listing >"$tmp/$tier.files"
  done
  [ "$inject" = "$name" ] && printf 'x' >>"$tmp/compiled.out"
  local what differs=0
  for what in status out err files; do
    if ! cmp -s "$tmp/interp.$what" "$tmp/compiled.$what"; then
      echo "DIFF: $name $what (interp vs compiled)"
      diff -u "$tmp/interp.$what" "$tmp/compiled.$what" | head -n 40
      differs=1
    fi
  done
  if [ "$differs" = 0 ]; then
    echo "same: $name (exit $(cat "$tmp/interp.status"), $(wc -c <"$tmp/interp.out") bytes out, $(wc -c <"$tmp/interp.err") bytes err)"
  else
    failed=1
  fi
}

null=/dev/null
for i in $(seq 1 300); do printf 'line %d \000\377\t%s\n' "$i" "$((i * 7919 % 1000))"; done \
  >"$tmp/binary.txt"
printf 'ping\n' >"$tmp/ping.txt"

w=$build/tests/wasi
check demo $null -- "$w/demo.wasm"
check wasi_basics $null --env FOO=bar --env EMPTY= --env WITH_EQ=a=b --env UNI=ü \
  -- "$w/wasi_basics.wasm" alpha "two words" "" "ünï" --flag
check exit_status $null -- "$w/exit_status.wasm" 42
check echo_env $null --env A=1 --env B= -- "$w/echo_env.wasm" -- --env X=y "" 'sp ace'
check wasi_files $null -- "$w/wasi_files.wasm"
check wasi_dirs $null -- "$w/wasi_dirs.wasm"
check wasi_poll "$tmp/ping.txt" -- "$w/wasi_poll.wasm"
check wasi_stdin "$tmp/binary.txt" -- "$w/wasi_stdin.wasm"
check wasi_sandbox $null -- "$w/wasi_sandbox.wasm"
check wasi_sock $null -- "$w/wasi_sock.wasm"
check wasi_raise $null -- "$w/wasi_raise.wasm"
check wasi_trap $null -- "$w/wasi_trap.wasm"

e=$build/examples
check fib $null --invoke fib -- "$e/fib.wasm" 20
check wordcount $null -- "$e/wordcount.wasm" /sandbox/words.txt /sandbox/missing.txt
# examples/c/ is built against an installed wasmscope (tests/install): its guest is built here.
if "$clang" --target=wasm32-wasi --sysroot=/usr -O2 -c "$source/examples/c/wasi_guest.c" \
     -o "$tmp/wasi_guest.o" &&
   "$clang" --target=wasm32-wasi --sysroot=/usr "$tmp/wasi_guest.o" -o "$tmp/wasi_guest.wasm"; then
  check wasi_guest $null -- "$tmp/wasi_guest.wasm" /sandbox 7
else
  echo "FAIL: cannot compile examples/c/wasi_guest.c"
  failed=1
fi
check slow $null -- "$e/hang/slow.wasm" 20
check recurse $null -- "$e/hang/recurse.wasm" 1
check wait_file $null -- "$e/hang/wait_file.wasm" /sandbox/ready
# spin (examples/hang) and dump_guest (tests/capture) loop forever: stopped by the watchdog.
check spin $null --watchdog 200ms --on-hang interrupt -- "$e/hang/spin.wasm"
check dump_guest $null --watchdog 200ms --on-hang interrupt --invoke run \
  -- "$build/tests/capture/dump_guest.wasm"

# tests/dwarf's programs, in each variant the build makes (optimization, DWARF version).
dwarf=0
for d in "$build"/src/binary/dwarf_inputs/*.wasm; do
  [ -e "$d" ] || continue
  dwarf=$((dwarf + 1))
  check "dwarf_$(basename "$d" .wasm)" $null -- "$d"
done
if [ "$dwarf" = 0 ] && [ -z "$only" ]; then
  echo "FAIL: no tests/dwarf programs in $build/src/binary/dwarf_inputs"
  failed=1
fi

# The bench kernels, built as bench/run.sh builds them, with small arguments.
declare -A kernel_args=(
  [collatz]=20000 [dispatch]=100000 [empty]=7 [fib]=20 [hash]="100000 88172645463325252"
  [mandel]=60 [matmul]=12 [nbody]=2000 [simd_dot]=20 [sort]=6)
for src in "$source"/bench/kernels/*.c; do
  k=$(basename "$src" .c)
  for simd in -msimd128 -mno-simd128; do
    name=kernel_$k
    [ "$simd" = -mno-simd128 ] && name=${name}_scalar
    [ -n "$only" ] && [ "$only" != "$name" ] && continue
    if ! "$clang" --target=wasm32 -O2 -ffreestanding -fno-builtin "$simd" -c "$src" \
          -o "$tmp/$name.o" ||
       ! "$clang" --target=wasm32 -nostdlib -Wl,--no-entry "-Wl,--export=$k" "$tmp/$name.o" \
          -o "$tmp/$name.wasm"; then
      echo "FAIL: cannot compile $src"
      failed=1
      continue
    fi
    # shellcheck disable=SC2086  # the arguments are words
    check "$name" $null --invoke "$k" -- "$tmp/$name.wasm" ${kernel_args[$k]}
  done
done

if [ "$cases" = 0 ]; then
  echo "FAIL: no case ran"
  exit 1
fi
[ "$failed" = 0 ] && echo "PASS: $cases programs, the same output in both tiers"
exit "$failed"
