#!/usr/bin/env bash
# Ahead-of-time compiled modules (.cwasm files): `wasmscope compile`, then `wasmscope run` of
# the file, which must behave exactly as the JIT does, and refuse every damaged or foreign
# file with its reason before running any of it.
#
#   aot_test.sh CLI SOURCE_DIR EXAMPLES_DIR WASI_DIR CASE
#
# Each CASE works in a fresh temporary directory.
set -u
cli=$1 src=$2 examples=$3 wasi=$4 case=$5
work=$(mktemp -d "${TMPDIR:-/tmp}/aot-test.XXXXXX")
pid=""  # a program left running in the background (mapped_and_replaced): killed on exit
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$work"' EXIT
edit() { python3 "$src/cwasm_edit.py" "$@"; }

fail() {
  echo "FAIL: $*"
  exit 1
}

# same_output NAME WASM [RUN ARGS...]: the .cwasm of WASM prints and exits exactly as the JIT
# does on WASM, and as the interpreter does unless COMPARE_INTERP=no.
same_output() {
  local name=$1 wasm=$2
  shift 2
  "$cli" compile "$wasm" -o "$work/$name.cwasm" || fail "compile $wasm"
  local aot jit interp s1 s2 s3
  "$cli" run "$work/$name.cwasm" "$@" >"$work/aot.out" 2>&1; s1=$?
  "$cli" run --tier compiled "$wasm" "$@" >"$work/jit.out" 2>&1; s2=$?
  "$cli" run --tier interp "$wasm" "$@" >"$work/interp.out" 2>&1; s3=$?
  aot=$(sed "s|$work/$name.cwasm|FILE|g" "$work/aot.out")
  jit=$(sed "s|$wasm|FILE|g" "$work/jit.out")
  interp=$(sed "s|$wasm|FILE|g" "$work/interp.out")
  echo "--- .cwasm (exit $s1):"; echo "$aot"
  echo "--- JIT (exit $s2):"; echo "$jit"
  echo "--- interpreter (exit $s3):"; echo "$interp"
  [ "$aot" = "$jit" ] && [ "$s1" = "$s2" ] || fail ".cwasm and JIT differ"
  if [ "${COMPARE_INTERP:-yes}" = yes ]; then
    [ "$aot" = "$interp" ] && [ "$s1" = "$s3" ] || fail ".cwasm and the interpreter differ"
  fi
}

# refused KIND REGEX: a variant KIND of a good .cwasm is refused with REGEX, exit status 1,
# and nothing of it runs (the program would print its argument).
refused() {
  local kind=$1 regex=$2
  "$cli" compile "$wasi/echo_env.wasm" -o "$work/good.cwasm" || fail "compile"
  "$cli" run "$work/good.cwasm" EXECUTED | grep -q 'EXECUTED' || fail "the good file does not run"
  edit "$work/good.cwasm" "$work/bad.cwasm" "$kind" || fail "cwasm_edit $kind"
  local out status
  out=$("$cli" run "$work/bad.cwasm" EXECUTED 2>&1); status=$?
  echo "$out"
  [ "$status" = 1 ] || fail "exit status $status, expected 1"
  grep -qE -- "$regex" <<<"$out" || fail "output does not match: $regex"
  if grep -q EXECUTED <<<"$out"; then fail "the refused file ran"; fi
}

case $case in
  same_hello) same_output hello "$src/hello.wat" ;;
  same_fib) same_output fib "$examples/fib.wasm" --invoke fib 20 ;;
  same_wasi) same_output echo_env "$wasi/echo_env.wasm" one "two words" --env KEY=value ;;
  same_call_indirect) same_output indirect "$src/indirect.wat" --invoke apply 1 10 3 ;;
  same_call_indirect_mismatch)
    # The trap, not the code: compiled frames of a trap in call_indirect's signature check
    # name the function's first instruction, not the call_indirect, as the interpreter does
    # (a known difference of the compiled tier, JIT and .cwasm alike).
    COMPARE_INTERP=no same_output indirect "$src/indirect.wat" --invoke apply 2 10 3
    grep -q "^trap: indirect call type mismatch$" "$work/aot.out" || fail "no trap" ;;
  same_trap_stack)
    # The trap's stack comes from the code map read back from the file's objects.
    same_output trap "$src/../cli/trap.wat" --invoke divide 0 ;;
  same_trap_stack_partitioned)
    # Eight partitions (one function each, but for the last): calls and the trap's stack
    # cross the file's objects.
    WASMSCOPE_COMPILE_THREADS=8 same_output trap "$src/../cli/trap.wat" --invoke divide 0
    [ "$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import cwasm_edit as c; \
print(sum(k.startswith("object") for k in c.parse(open(sys.argv[2], "rb").read())))' \
      "$src" "$work/trap.cwasm")" = 8 ] && [ "$(grep -c '(func' "$src/../cli/trap.wat")" -ge 8 ] ||
      fail "not eight objects" ;;
  explicit_bounds)
    "$cli" compile --explicit-bounds --opt-level 0 "$src/../cli/trap.wat" -o "$work/t.cwasm" ||
      fail compile
    out=$("$cli" run "$work/t.cwasm" --invoke peek 0xfffffffc 2>&1); status=$?
    echo "$out"
    [ "$status" = 134 ] && grep -q "out of bounds memory access" <<<"$out" || fail "no trap" ;;
  compile_refuses_unsupported)
    # A module that cannot be compiled (malformed): the error, and the old file left as it was.
    echo old >"$work/out.cwasm"
    printf '\0asm\1\0\0\0\1\5' >"$work/bad.wasm"
    out=$("$cli" compile "$work/bad.wasm" -o "$work/out.cwasm" 2>&1); status=$?
    rm -f "$work/bad.wasm"
    echo "$out"
    [ "$status" = 1 ] || fail "exit status $status"
    grep -qiE "malformed|unexpected end" <<<"$out" || fail "no reason given"
    [ "$(cat "$work/out.cwasm")" = old ] || fail "the old file was replaced"
    [ -z "$(ls "$work" | grep -v '^out.cwasm$')" ] || fail "a temporary file was left" ;;
  cwasm_runs_without_llvm)
    # Running a .cwasm opens neither the compiler plugin nor LLVM (the dynamic loader's own
    # log of every object it opens), and needs no plugin at all.
    "$cli" compile "$wasi/echo_env.wasm" -o "$work/e.cwasm" || fail compile
    LD_DEBUG=files "$cli" run "$work/e.cwasm" hi >"$work/out" 2>"$work/ld.log" || fail run
    grep -qF 'arg 1=[hi]' "$work/out" || fail "wrong output"
    grep -q 'libc\.so' "$work/ld.log" || fail "LD_DEBUG logged nothing"
    if grep -E 'libLLVM|libwasmscope-llvm' "$work/ld.log"; then fail "LLVM was loaded"; fi
    WASMSCOPE_COMPILER_PLUGIN=/nonexistent "$cli" run "$work/e.cwasm" hi | grep -qF 'arg 1=[hi]' ||
      fail "a .cwasm needs the plugin"
    # The JIT does open it.
    LD_DEBUG=files "$cli" run --tier compiled "$wasi/echo_env.wasm" hi 2>"$work/ld.log" |
      grep -qF 'arg 1=[hi]' || fail "JIT run"
    grep -q 'libwasmscope-llvm' "$work/ld.log" || fail "the JIT did not open the plugin" ;;
  run_not_a_file)
    # What `run` maps must be a regular file: a directory or a FIFO named .cwasm is refused
    # (a FIFO at once: opening it must not wait for a writer), as is a missing one.
    mkdir "$work/dir.cwasm" && mkfifo "$work/fifo.cwasm" || fail "setup"
    for file_want in "dir.cwasm:is a directory" "fifo.cwasm:not a regular file" \
                     "missing.cwasm:No such file"; do
      file=${file_want%%:*} want=${file_want#*:}
      out=$(timeout 20 "$cli" run "$work/$file" 2>&1); status=$?
      echo "$out"
      [ "$status" = 1 ] || fail "$file: exit status $status, expected 1"
      grep -qF "$work/$file: cannot read file: $want" <<<"$out" || fail "$file: not why"
    done ;;
  run_by_magic)
    # A .cwasm under another name is known by its magic; a .wasm named .cwasm is refused as
    # one (the name decides too), not run as a module.
    "$cli" compile "$src/hello.wat" -o "$work/h.cwasm" || fail compile
    cp "$work/h.cwasm" "$work/hello.module"
    "$cli" run "$work/hello.module" | grep -q "hello from a .cwasm" || fail "not run by its magic"
    cp "$examples/hello.wasm" "$work/plain.cwasm" || fail "no examples/hello.wasm"
    out=$("$cli" run "$work/plain.cwasm" 2>&1); status=$?
    echo "$out"
    [ "$status" = 1 ] && grep -q "does not start with the .cwasm magic" <<<"$out" ||
      fail "a .wasm named .cwasm: exit status $status" ;;
  mapped_and_replaced)
    # A running .cwasm is mapped from its file, not copied (/proc/PID/maps names the file),
    # and replacing the file as `compile -o` does (a new file renamed over it) leaves the run
    # as it was: it ends as a run of the untouched file does.
    "$cli" compile "$examples/hang/wait_file.wasm" -o "$work/w.cwasm" || fail compile
    mkdir "$work/dir"
    ( "$cli" run --dir "$work/dir::/work" "$work/w.cwasm" /work/ready >"$work/out" 2>&1
      echo $? >"$work/status" ) &
    runner=$!
    for _ in $(seq 200); do
      pid=$(pgrep -P "$runner" | head -1)
      [ -n "$pid" ] && grep -q "waiting for" "$work/out" 2>/dev/null && break
      sleep 0.05
    done
    grep -q "waiting for" "$work/out" || fail "the program did not start"
    mapped=$(grep -c "$work/w.cwasm" "/proc/$pid/maps")
    echo "mappings of w.cwasm: $mapped"
    [ "$mapped" -ge 1 ] || fail "the .cwasm is not mapped"
    "$cli" compile "$src/hello.wat" -o "$work/w.cwasm" || fail "compile over it"
    grep -q "(deleted)" <(grep "$work/w.cwasm" "/proc/$pid/maps") || fail "not the old file"
    echo fine >"$work/dir/ready"
    for _ in $(seq 200); do [ -s "$work/status" ] && break; sleep 0.05; done
    wait "$runner"
    pid=""
    cat "$work/out"
    [ "$(cat "$work/status")" = 0 ] || fail "exit status $(cat "$work/status")"
    [ "$(tail -2 "$work/out")" = "$(printf 'fine\nwait_file: done')" ] || fail "wrong output"
    "$cli" run "$work/w.cwasm" | grep -q "hello from a .cwasm" || fail "the new file" ;;
  plugin_missing|plugin_not_a_plugin)
    # Compiling without a usable plugin: an error naming what was tried, exit status 1.
    plugin=/nonexistent/libwasmscope-llvm.so want="cannot open shared object file"
    if [ "$case" = plugin_not_a_plugin ]; then
      plugin=$(ldd "$cli" | awk '/libz\.so/ {print $3}') want="not a wasmscope compiler plugin"
      [ -n "$plugin" ] || fail "no libz to stand in for a plugin"
    fi
    for command in "run --tier compiled" "compile -o $work/x.cwasm"; do
      out=$(WASMSCOPE_COMPILER_PLUGIN=$plugin "$cli" $command "$wasi/echo_env.wasm" 2>&1); status=$?
      echo "$out"
      [ "$status" = 1 ] || fail "$command: exit status $status, expected 1"
      grep -q "no usable compiler plugin" <<<"$out" || fail "$command: no reason given"
      grep -qF -- "$plugin: " <<<"$out" && grep -q "$want" <<<"$out" || fail "$command: not why"
    done
    [ ! -e "$work/x.cwasm" ] || fail "a .cwasm was written" ;;
  refuse_empty) refused empty "the file is empty" ;;
  refuse_random) refused random "does not start with the .cwasm magic" ;;
  refuse_magic_random) refused magic-random "not a usable .cwasm file|refusing the .cwasm file" ;;
  refuse_truncated_magic) refused truncate:5 "truncated: 5 bytes" ;;
  refuse_truncated_preamble) refused truncate:15 "truncated: 15 bytes" ;;
  refuse_truncated_header) refused truncate:100 "truncated: 100 of [0-9]+ bytes" ;;
  refuse_truncated_half) refused truncate:-3000 "truncated: [0-9]+ of [0-9]+ bytes" ;;
  refuse_truncated_last_byte) refused truncate:-1 "truncated: [0-9]+ of [0-9]+ bytes" ;;
  refuse_flipped_header) refused flip-header "corrupt: its checksum does not match" ;;
  refuse_flipped_wasm) refused flip-wasm "corrupt: its checksum does not match" ;;
  refuse_flipped_object) refused flip-object "corrupt: its checksum does not match" ;;
  refuse_flipped_checksum) refused flip-checksum "corrupt: its checksum does not match" ;;
  refuse_other_build) refused other-build "compiled by another wasmscope build" ;;
  refuse_other_version) refused other-version "compiled by another wasmscope build" ;;
  refuse_forged_layout_count) refused forged-layout-count "code layout has [0-9]+ functions, its module" ;;
  refuse_forged_layout_line) refused forged-layout-line "code map has a line outside its function" ;;
  refuse_forged_layout_frame) refused forged-layout-frame "code map has a call frame stretch outside its function" ;;
  refuse_other_arch)
    arch=$(uname -m)
    other=aarch64; [ "$arch" = aarch64 ] && other=x86_64
    refused other-arch "holds code for $other \\($other-linux-gnu\\), and this wasmscope runs on $arch \\($arch-linux-gnu\\)" ;;
  refuse_other_target) refused other-target "compiled for another target \\(file: [a-z0-9_]+-linux-musl, this: [a-z0-9_]+-linux-gnu\\)" ;;
  refuse_other_cpu) refused other-cpu "compiled for another CPU \\(file: some-other-cpu" ;;
  refuse_other_layout)
    refused other-layout "assumes another data layout of the runtime \\(file: p4 s8 v0,4,8,16 m0,8 t0 g0, this: p8 " ;;
  target_baseline_runs)
    # compile --target of this very architecture: code for its baseline CPU, which runs here
    # as on any CPU of it, with the interpreter's output.
    arch=$(uname -m)
    "$cli" compile --target "$arch-linux-gnu" "$wasi/echo_env.wasm" -o "$work/base.cwasm" || fail compile
    grep -qa "baseline" "$work/base.cwasm" || fail "the file does not name the baseline CPU"
    "$cli" run "$work/base.cwasm" one "two words" >"$work/aot.out" 2>&1 || fail "run"
    "$cli" run --tier interp "$wasi/echo_env.wasm" one "two words" >"$work/interp.out" 2>&1
    sed -i "s|$work/base.cwasm|FILE|g" "$work/aot.out"
    sed -i "s|$wasi/echo_env.wasm|FILE|g" "$work/interp.out"
    cmp -s "$work/aot.out" "$work/interp.out" || { diff "$work/interp.out" "$work/aot.out"; fail "outputs differ"; } ;;
  target_foreign_refused)
    # A file compiled here for the other 64-bit architecture is refused here, naming both.
    arch=$(uname -m)
    other=aarch64; [ "$arch" = aarch64 ] && other=x86_64
    "$cli" compile --target "$other-linux-gnu" "$wasi/echo_env.wasm" -o "$work/other.cwasm" ||
      fail compile
    out=$("$cli" run "$work/other.cwasm" EXECUTED 2>&1); status=$?
    echo "$out"
    [ "$status" = 1 ] || fail "exit status $status, expected 1"
    grep -qE "holds code for $other \\($other-linux-gnu\\), and this wasmscope runs on $arch" <<<"$out" ||
      fail "not refused by architecture"
    if grep -q EXECUTED <<<"$out"; then fail "the foreign file ran"; fi ;;
  target_not_supported)
    # 32-bit ARM and unknown targets: refused with the reason, and no file written.
    for t in armv7-linux-gnueabihf riscv64-linux-gnu; do
      out=$("$cli" compile --target "$t" "$wasi/echo_env.wasm" -o "$work/t.cwasm" 2>&1); status=$?
      echo "$out"
      [ "$status" = 1 ] || fail "$t: exit status $status, expected 1"
      [ ! -e "$work/t.cwasm" ] || fail "$t: a file was written"
    done
    out=$("$cli" compile --target armv7-linux-gnueabihf "$wasi/echo_env.wasm" -o "$work/t.cwasm" 2>&1)
    grep -q "does not target 32-bit ARM yet" <<<"$out" || fail "armv7: not why"
    out=$("$cli" compile --target riscv64-linux-gnu "$wasi/echo_env.wasm" -o "$work/t.cwasm" 2>&1)
    grep -q "unknown target 'riscv64-linux-gnu'" <<<"$out" || fail "riscv64: not why" ;;
  *) fail "unknown case $case" ;;
esac
echo PASS
