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

expect_no_match() {
  ! grep -qE -- "$2" "$1" || fail "$(basename "$1") matches: $2"
}

# expect_report_within FILE N: the deadlock report in FILE says the threads had waited less
# than N grace periods when it was written (the grace it names).
expect_report_within() {
  awk -v n="$2" '/^wasmscope deadlock report:/ {
      match($0, /for [0-9.]+s \(grace [0-9.]+s\)/)
      split(substr($0, RSTART, RLENGTH), f, /[ s(]+/)
      found = 1; ok = (f[2] + 0 < n * f[4])
    } END { exit !(found && ok) }' "$1" || fail "no deadlock report within $2 grace periods"
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
  spawn_instances_3)
    # The main instance and three threads' make four: the fourth spawn fails with EAGAIN.
    run --max-instances 4 "$src/spawn_limit.wat"
    expect_status 3
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
  spinners)
    # Never ends by itself and is no deadlock (the threads run): the watchdog's hang report
    # names where main spins, and interrupting main ends the program.
    run --watchdog 2s --on-hang interrupt "$guests/spinners.wasm"
    expect_status 134
    expect_match "$work/err" '^wasmscope hang report #1'
    expect_match "$work/err" '^trap: interrupted'
    expect_match "$work/err" 'spin_main'
    expect_no_match "$work/err" 'deadlock'
    ;;
  abba_deadlock | lost_wakeup | join_deadlock)
    # Deadlocked: every thread waits with no timeout. The deadlock report names each thread's
    # blocking frame (and, from DWARF, the mutex it waits on); interrupting ends the program.
    run --deadlock-grace 1s --on-hang interrupt "$guests/$case_name.wasm"
    expect_status 134
    expect_match "$work/err" '^wasmscope deadlock report: all [0-9]+ guest threads have been waiting'
    expect_match "$work/err" 'interrupting every thread of the deadlocked program'
    expect_match "$work/err" '^trap: interrupted'
    expect_no_match "$work/err" 'hang report'
    expect_report_within "$work/err" 2  # two grace periods
    case "$case_name" in
      abba_deadlock)
        expect_match "$work/err" '^wasmscope deadlock report: all 2 guest threads'
        expect_match "$work/err" 'at abba_deadlock.wasm!lock_a_then_b\+0x[0-9a-f]+ \(.*abba_deadlock.c:14\)'
        expect_match "$work/err" 'at abba_deadlock.wasm!lock_b_then_a\+0x[0-9a-f]+ \(.*abba_deadlock.c:23\)'
        # Each thread waits on the lock word of the mutex the other holds.
        expect_match "$work/err" 'waiting in memory.atomic.wait on address 0x[0-9a-f]+ \(a\+4\) \(no timeout\)'
        expect_match "$work/err" 'waiting in memory.atomic.wait on address 0x[0-9a-f]+ \(b\+4\) \(no timeout\)'
        ;;
      lost_wakeup)
        expect_match "$work/err" '^wasmscope deadlock report: all 1 guest threads'
        expect_match "$work/err" 'lost_wakeup.wasm!wait_for_signal'
        ;;
      join_deadlock)
        expect_match "$work/err" '^wasmscope deadlock report: all 2 guest threads'
        expect_match "$work/err" 'join_deadlock.wasm!join_worker'
        expect_match "$work/err" 'join_deadlock.wasm!wait_for_main'
        ;;
    esac
    ;;
  deadlock_watchdog)
    # With --watchdog (and no --deadlock-grace) the grace is the watchdog's deadline, and a
    # deadlock is reported as one, not as hang reports of its threads.
    run --watchdog 1s --on-hang interrupt "$guests/abba_deadlock.wasm"
    expect_status 134
    expect_match "$work/err" '^wasmscope deadlock report: all 2 guest threads .*\(grace 1.000s\)'
    expect_no_match "$work/err" 'hang report'
    expect_report_within "$work/err" 2
    ;;
  deadlock_json)
    run --deadlock-grace 1s --on-hang interrupt --hang-report "$work/report.json" \
      --hang-report-format json "$guests/abba_deadlock.wasm"
    expect_status 134
    expect_match "$work/report.json" '^\{"kind":"deadlock","title":"wasmscope deadlock report: all 2 guest threads'
    expect_match "$work/report.json" '"state":"waiting",.*"wait":\{"address":[0-9]+,"symbol":"a\+4","timeout_s":null\}'
    expect_match "$work/report.json" '"wait":\{"address":[0-9]+,"symbol":"b\+4","timeout_s":null\}'
    expect_match "$work/report.json" '"function":"lock_b_then_a"'
    ;;
  deadlock_reported_once)
    # --on-hang report: one report, then the program stays deadlocked, as natively.
    timeout 4 "$wasmscope" run --deadlock-grace 300ms "$guests/abba_deadlock.wasm" \
      >"$work/out" 2>"$work/err"
    status=$?
    expect_status 124
    [ "$(grep -c '^wasmscope deadlock report' "$work/err")" -eq 1 ] ||
      fail "expected exactly one deadlock report"
    ;;
  no_deadlock_timed_wait | no_deadlock_prodcons)
    # Waits with a timeout, or waits another thread ends, are no deadlock, however short the
    # grace.
    program=${case_name#no_deadlock_}
    run --deadlock-grace 50ms --on-hang interrupt "$guests/$program.wasm"
    expect_status 0
    expect_no_match "$work/err" 'deadlock'
    ;;
  *)
    echo "unknown case '$case_name'"
    exit 2
    ;;
esac
finish "$case_name"
