#!/usr/bin/env bash
# wasi-threads programs through `wasmscope run`: WAT modules that spawn threads over a shared
# memory without atomics, and C programs built with pthreads for wasm32-wasip1-threads.
#
#   threads_test.sh WASMSCOPE SOURCE_DIR GUEST_DIR MATMUL_NATIVE CASE
#
# Each case checks the exit status and the output; every run is bounded by `timeout`, so a
# program that fails to end fails the test instead of hanging it. The programs that never end
# (deadlocks, spinners) run under the watchdog with --on-hang interrupt, which must stop them
# and name the function main is stuck in. MATMUL_NATIVE is parallel_matmul.c built by the
# host compiler: its output is the reference.
set -u
wasmscope=$1
src=$2
guests=$3
matmul_native=$4
case_name=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/hang/lib.sh
source "$src/../hang/lib.sh"

limit=60

# run [OPTIONS...] MODULE [ARGS...]: runs wasmscope run under the time limit; stdout, stderr
# and the status land in $work/out, $work/err and $status.
run() {
  timeout "$limit" "$wasmscope" run "$@" >"$work/out" 2>"$work/err"
  status=$?
  [ "$status" -ne 124 ] || fail "did not end within ${limit}s: $*"
}

expect_status() {
  [ "$status" -eq "$1" ] || fail "exit status $status, expected $1"
}

# expect_same_output FILE: the run's stdout is exactly FILE's contents.
expect_same_output() {
  diff -u "$1" "$work/out" >"$work/diff" || { fail "stdout differs from $(basename "$1")"; cat "$work/diff"; }
}

case "$case_name" in
  spawn_imported | spawn_defined | spawn_main_returns)
    run "$src/$case_name.wat"
    expect_status 0
    ;;
  spawn_exit)
    run "$src/spawn_exit.wat"
    expect_status 7
    ;;
  spawn_trap)
    run "$src/spawn_trap.wat"
    expect_status 134
    expect_match "$work/err" '^trap: unreachable.*\(in thread [0-9]+\)$'
    expect_match "$work/err" 'thread_crashes'
    ;;
  spawn_unshared | spawn_no_start)
    run "$src/$case_name.wat"
    expect_status 28  # EINVAL, negated by the program
    ;;
  spawn_limit_3)
    run --max-threads 3 "$src/spawn_limit.wat"
    expect_status 3
    ;;
  spawn_limit_0)
    run --max-threads 0 "$src/spawn_limit.wat"
    expect_status 0
    ;;
  prodcons | prodcons_imported)
    run "$guests/$case_name.wasm"
    expect_status 0
    # 2 producers push 1..2000 each: 4000 items summing to 2 * 2000 * 2001 / 2.
    printf 'items 4000\ntotal 4002000\n' >"$work/expected"
    expect_same_output "$work/expected"
    ;;
  parallel_matmul | parallel_matmul_imported)
    "$matmul_native" >"$work/expected" || fail "the native build failed"
    run "$guests/$case_name.wasm"
    expect_status 0
    expect_same_output "$work/expected"
    ;;
  timed_wait)
    run "$guests/timed_wait.wasm"
    expect_status 0
    printf 'timedwait: timed out\n' >"$work/expected"
    expect_same_output "$work/expected"
    ;;
  thread_exit)
    run "$guests/thread_exit.wasm"
    expect_status 7
    ;;
  thread_trap)
    run "$guests/thread_trap.wasm"
    expect_status 134
    expect_match "$work/err" '^trap: .*\(in thread [0-9]+\)$'
    expect_match "$work/err" 'crash_in_thread'
    ;;
  blocked_read)
    # stdin: a pipe that stays open and empty for longer than the limit.
    exec 3< <(sleep $((limit + 30)))
    sleeper=$!
    timeout "$limit" "$wasmscope" run "$guests/blocked_read.wasm" >"$work/out" 2>"$work/err" <&3
    status=$?
    exec 3<&-
    kill "$sleeper" 2>/dev/null
    [ "$status" -ne 124 ] || fail "did not end within ${limit}s"
    expect_status 0
    printf 'main wrote while the reader was blocked\n' >"$work/expected"
    expect_same_output "$work/expected"
    ;;
  abba_deadlock | lost_wakeup | join_deadlock | spinners)
    # Never ends by itself: the watchdog interrupts main, which ends the program.
    run --watchdog 2s --on-hang interrupt "$guests/$case_name.wasm"
    expect_status 134
    expect_match "$work/err" '^wasmscope hang report #1'
    expect_match "$work/err" '^trap: interrupted'
    case "$case_name" in
      abba_deadlock) expect_match "$work/err" 'lock_a_then_b' ;;
      lost_wakeup) expect_match "$work/err" 'wait_for_signal' ;;
      join_deadlock) expect_match "$work/err" 'join_worker' ;;
      spinners) expect_match "$work/err" 'spin_main' ;;
    esac
    ;;
  *)
    echo "unknown case '$case_name'"
    exit 2
    ;;
esac
finish "$case_name"
