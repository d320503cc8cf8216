#!/usr/bin/env bash
# Watchdog and thread-dump tests on the examples/hang guests, through `wasmscope run`.
#
#   hang_test.sh WASMSCOPE EXAMPLES_DIR CASE
#
# CASE is one of: interrupt, slow_interrupt, report, json, abort, sigquit, stack,
# stack_other_user (it needs root, to run the client as user nobody; CMake registers it only
# then), early_requests, timeout, timeout_wait, wait_interrupt, wait_report, recurse_interrupt, recurse_report, loop_line. Each checks exit status and output; "report",
# "sigquit", "wait_report" and "recurse_report" also check the program's own output is what it
# is without them. The recurse cases also require the text report to cap a deep stack (the
# innermost 48 and outermost 16 frames, the rest counted in one line).
set -u
wasmscope=$1
examples=$2
case_name=$3
# shellcheck source=tests/hang/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Every run of the wait_* and recurse_* cases is bounded, so a broken build fails, not hangs.
limit=60

# slow.wasm's argument: fib(37) takes 0.6 to 3 s in the interpreter (by machine), a few
# hundred milliseconds compiled (WASMSCOPE_TIER=compiled), where fib(43) takes 1.5 to 5 s.
# Compiling it first takes about a second: signals sent meanwhile find no guest running yet.
fib_n=37
# recurse.wasm's work per level: the report at 300 ms must find hundreds of frames, but not
# more than a capture holds (65,536), which compiled code, limited by the native stack, passes.
recurse_rounds=1000
if [ "${WASMSCOPE_TIER:-}" = compiled ]; then
  fib_n=43
  recurse_rounds=20000
fi

# wait_socket PID: waits up to 20 s for run PID's dump socket (opened after compiling: seconds
# under load with WASMSCOPE_TIER=compiled), or until PID ends; fails if none appeared.
wait_socket() {
  for _ in $(seq 400); do
    [ -S "/tmp/wasmscope-$(id -u)/$1.sock" ] && return 0
    kill -0 "$1" 2>/dev/null || break
    sleep 0.05
  done
  [ -S "/tmp/wasmscope-$(id -u)/$1.sock" ] || fail "run opened no dump socket within 20 s"
}

# report_block N FILE: report #N of the text reports in FILE, from its title line to the blank
# line after its frames (so a trap's own stack that follows is not taken for the report's).
report_block() {
  awk -v n="$1" '
    /^wasmscope hang report #/ {
      inside = index($0, "wasmscope hang report #" n ":") == 1
      thread = 0
    }
    inside && /^"/ { thread = 1 }
    inside { print }
    inside && thread && /^$/ { inside = 0 }
  ' "$2"
}

# expect_prompt_report FILE: report #1 in FILE came within a few seconds of its deadline, by
# its own title ("has been in one call for 0.301s (deadline 0.300s)").
expect_prompt_report() {
  local times
  local title='^wasmscope hang report #1: .* in one call for ([0-9.]+)s \(deadline ([0-9.]+)s\).*'
  times=$(sed -nE "s/$title/\\1 \\2/p" "$1")
  [ -n "$times" ] || { fail "no report #1 title with its time in $(basename "$1")"; return; }
  awk -v t="$times" 'BEGIN { split(t, x, " "); exit !(x[1] + 0 < x[2] + 5) }' ||
    fail "report #1 came late: in the call for ${times% *}s, deadline ${times#* }s"
}

# expect_recursion REPORT: a text report of recurse.wasm: the innermost frame is in the work or
# the recursion, many frames are the recursive call on line 26 of recurse.c, and main's call on
# line 34 is there. The stack (always deeper than 64 frames here) is capped: one
# "... N frames omitted ..." line, at most 48 + 16 frames, main among the outermost.
expect_recursion() {
  local report=$1
  grep -m1 "^    at " "$report" | grep -qE "^    at recurse!(mix|path_hash)\+0x" ||
    fail "the innermost frame is not in mix or path_hash"
  local recursive
  recursive=$(grep -cE "^    at recurse!path_hash\+0x[0-9a-f]+ \(.*recurse\.c:26\)$" "$report")
  [ "$recursive" -ge 10 ] ||
    fail "$recursive frames of the recursive call (recurse.c:26), expected many"
  expect_match "$report" "^    at recurse!main\+0x[0-9a-f]+ \(.*recurse\.c:34\)$"
  expect_match "$report" "^    \.\.\. [0-9]+ frames omitted \.\.\.$"
  local frames
  frames=$(grep -c "^    at " "$report")
  [ "$frames" -le 64 ] || fail "$frames frames printed in one report, expected at most 64"
  sed -n '/^    \.\.\. [0-9]* frames omitted \.\.\.$/,$p' "$report" |
    grep -qE "^    at recurse!main\+0x[0-9a-f]+ \(.*recurse\.c:34\)$" ||
    fail "main is not among the outermost frames after the omitted ones"
}

# The program's output with no diagnostics attached: the reference for "unchanged".
reference() {
  "$wasmscope" run "$examples/slow.wasm" "$fib_n" >"$work/ref.out" 2>"$work/ref.err"
  echo $? >"$work/ref.status"
}

case "$case_name" in
  interrupt)
    "$wasmscope" run --watchdog 300ms --on-hang interrupt "$examples/spin.wasm" \
      >"$work/out" 2>"$work/err"
    status=$?
    [ "$status" -eq 134 ] || fail "exit status $status, expected 134 (the interrupted trap)"
    expect_match "$work/out" "^spin: starting$"
    expect_match "$work/err" "^wasmscope hang report #1: thread \"main\" has been in one call for"
    expect_prompt_report "$work/err"
    # Frames with source lines from the module's DWARF (spin.c is built with -g): the calls
    # in level3, level2, level1 and main are on lines 10, 11, 12 and 17 of spin.c.
    # The loop is on line 8: a spinning loop is named at its back-edge branch, in its body.
    expect_match "$work/err" "^    at spin!stuck_here\+0x[0-9a-f]+ \(.*spin\.c:8\)$"
    expect_match "$work/err" "^    at spin!level3\+0x[0-9a-f]+ \(.*spin\.c:10\)$"
    expect_match "$work/err" "^    at spin!level2\+0x[0-9a-f]+ \(.*spin\.c:11\)$"
    expect_match "$work/err" "^    at spin!level1\+0x[0-9a-f]+ \(.*spin\.c:12\)$"
    expect_match "$work/err" "^    at spin!__original_main\+0x[0-9a-f]+ \(.*spin\.c:17\)$"
    expect_match "$work/err" "^trap: interrupted$"
    ;;
  loop_line)
    # Thirty live captures (`wasmscope stack PID`, each by signal, wherever in the loop it
    # lands) of the spinning loop: every one names the loop's line, 8. (Compiled at levels 0
    # and 1, the loop starts with reloads that have no line of their own.)
    "$wasmscope" run "$examples/spin.wasm" >"$work/out" 2>"$work/err" &
    pid=$!
    for _ in $(seq 100); do grep -q "spin: starting" "$work/out" && break; sleep 0.1; done
    grep -q "spin: starting" "$work/out" || { kill -9 "$pid"; fail "spin did not start"; }
    bad=0
    for i in $(seq 30); do
      "$wasmscope" stack "$pid" >"$work/stack" 2>&1 || { bad=1; echo "stack $i failed"; break; }
      if ! grep -qE "^    at spin!stuck_here\+0x[0-9a-f]+ \(.*spin\.c:8\)$" "$work/stack"; then
        bad=1
        echo "capture $i:"; grep -m1 "stuck_here" "$work/stack"
      fi
    done
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
    [ "$bad" -eq 0 ] || fail "a capture did not name the loop's line"
    ;;
  slow_interrupt)
    # The long computation, interrupted at the deadline: its report names fib at its source
    # line (slow.c:7) and main's call (slow.c:12), then the call traps.
    timeout -k 5 "$limit" "$wasmscope" run --watchdog 300ms --on-hang interrupt \
      "$examples/slow.wasm" "$fib_n" >"$work/out" 2>"$work/err"
    status=$?
    [ "$status" -eq 134 ] || fail "exit status $status, expected 134 (the interrupted trap)"
    expect_prompt_report "$work/err"
    report_block 1 "$work/err" >"$work/report1"
    expect_match "$work/report1" "^    at slow!fib\+0x[0-9a-f]+ \(.*slow\.c:7\)$"
    expect_match "$work/report1" "^    at slow!(__original_)?main\+0x[0-9a-f]+ \(.*slow\.c:12\)$"
    expect_match "$work/err" "^trap: interrupted$"
    grep -q "^fib(" "$work/out" && fail "the interrupted computation printed its result"
    ;;
  report)
    reference
    # 100 ms, so that report #2 (at 200 ms) comes well before fib(37) ends: on a fast CPU
    # (AMD EPYC, 2026-12-03) the interpreter computes it in 0.6 s, and with 300 ms report #2
    # was due just as the program ended, and was once missed.
    "$wasmscope" run --watchdog 100ms "$examples/slow.wasm" "$fib_n" >"$work/out" 2>"$work/err"
    status=$?
    [ "$status" -eq "$(cat "$work/ref.status")" ] || fail "exit status $status differs"
    cmp -s "$work/out" "$work/ref.out" || fail "stdout differs from the run without watchdog"
    expect_match "$work/err" "^wasmscope hang report #1: "
    expect_match "$work/err" "^    at slow!fib\+0x"
    expect_prompt_report "$work/err"
    expect_match "$work/err" "^    at slow!main\+0x|^    at slow!__original_main\+0x"
    # Reported again at 2x the deadline, saying whether the stack moved.
    expect_match "$work/err" "^wasmscope hang report #2: .*(moved|has not moved)"
    ;;
  json)
    "$wasmscope" run --watchdog 300ms --on-hang interrupt --hang-report "$work/report.json" \
      --hang-report-format json "$examples/spin.wasm" >"$work/out" 2>"$work/err"
    status=$?
    [ "$status" -eq 134 ] || fail "exit status $status, expected 134"
    [ -s "$work/report.json" ] || fail "no report written to the --hang-report file"
    grep -q "hang report" "$work/err" && fail "the report went to stderr, not the file"
    node -e '
      const fs = require("fs");
      const lines = fs.readFileSync(process.argv[1], "utf8").trim().split("\n");
      const r = JSON.parse(lines[0]);
      const t = r.threads[0];
      const names = t.frames.map(f => f.function);
      const ok = r.kind === "hang_report" && t.name === "main" && t.state === "running" &&
        names[0] === "stuck_here" && names[1] === "level3" && names[2] === "level2" &&
        names[3] === "level1" && t.frames[0].module === "spin" && t.seconds_in_call >= 0.3 &&
        t.seconds_in_call < 5.3 && t.frames[0].line === 8 &&
        t.frames[1].file.endsWith("spin.c") && t.frames[1].line === 10;
      if (!ok) { console.log("unexpected report: " + lines[0]); process.exit(1); }
    ' "$work/report.json" || fail "the JSON report is not as expected"
    ;;
  abort)
    ulimit -c 0  # no core file from the deliberate abort
    "$wasmscope" run --watchdog 300ms --on-hang abort "$examples/spin.wasm" \
      >"$work/out" 2>"$work/err"
    status=$?
    [ "$status" -eq 134 ] || fail "exit status $status, expected 134 (SIGABRT)"
    expect_match "$work/err" "^wasmscope hang report #1: "
    expect_match "$work/err" "aborting on hang"
    ;;
  sigquit)
    reference
    "$wasmscope" run "$examples/slow.wasm" "$fib_n" >"$work/out" 2>"$work/err" &
    pid=$!
    # SIGQUIT is handled from when run opens its dump socket, after compiling (seconds under
    # load with WASMSCOPE_TIER=compiled); before, it would kill the program. Not a fixed
    # delay: on a fast machine the compiled fib(43) is over within 2 s.
    wait_socket "$pid"
    # Until a dump shows the guest running.
    for _ in $(seq 200); do
      grep -q "^    at slow!fib" "$work/err" && break
      kill -QUIT "$pid" 2>/dev/null || break
      sleep 0.05
    done
    for _ in $(seq 20); do
      kill -QUIT "$pid" 2>/dev/null
      sleep 0.03
    done
    wait "$pid"
    status=$?
    [ "$status" -eq "$(cat "$work/ref.status")" ] || fail "exit status $status differs"
    cmp -s "$work/out" "$work/ref.out" || fail "stdout differs from the run without SIGQUIT"
    expect_match "$work/err" "^wasmscope thread dump \(SIGQUIT\); the program continues$"
    expect_match "$work/err" "^\"main\" #[0-9]+ (running|in_host) for "
    expect_match "$work/err" "^    at slow!fib\+0x"
    ;;
  stack | stack_other_user)
    reference
    "$wasmscope" run "$examples/slow.wasm" "$fib_n" >"$work/out" 2>"$work/err" &
    pid=$!
    # Give it time to start (and open its socket), then ask from "another shell": up to 10 s,
    # as compiling first (WASMSCOPE_TIER=compiled) takes seconds under a sanitizer.
    for _ in $(seq 200); do
      [ -S "/tmp/wasmscope-$(id -u)/$pid.sock" ] && break
      sleep 0.05
    done
    if [ "$case_name" = stack ]; then
      # The socket is up before the guest reaches fib: under qemu-user (slow to start) a dump
      # asked for at once can find "main" idle or in a WASI call of its startup. Ask again,
      # for at most 5 s, until it is running.
      for _ in $(seq 50); do
        "$wasmscope" stack "$pid" >"$work/dump" 2>&1
        status=$?
        [ "$status" -ne 0 ] && break
        grep -qE '^"main" #[0-9]+ running for ' "$work/dump" && break
        sleep 0.1
      done
      [ "$status" -eq 0 ] || fail "wasmscope stack exited non-zero"
      expect_match "$work/dump" "^wasmscope thread dump \(pid $pid\)$"
      expect_match "$work/dump" "^\"main\" #[0-9]+ running for "
      expect_match "$work/dump" "^    at slow!fib\+0x[0-9a-f]+ \(.*slow\.c:7\)$"
    else
      setpriv --reuid=65534 --regid=65534 --clear-groups "$wasmscope" stack "$pid" \
        >"$work/dump" 2>&1
      status=$?
      [ "$status" -eq 1 ] || fail "another user's stack request exited $status, expected 1"
      expect_match "$work/dump" "cannot reach process $pid"
      grep -q "at slow!" "$work/dump" && fail "another user got the dump"
    fi
    wait "$pid"
    status=$?
    [ "$status" -eq "$(cat "$work/ref.status")" ] || fail "exit status $status differs"
    cmp -s "$work/out" "$work/ref.out" || fail "stdout differs from the run without a dump"
    [ -e "/tmp/wasmscope-$(id -u)/$pid.sock" ] && fail "the socket was left behind"
    ;;
  timeout)
    # --timeout ends a spinning program: every thread's stack first, then exit status 124.
    timeout -k 5 "$limit" "$wasmscope" run --timeout 500ms "$examples/spin.wasm" \
      >"$work/out" 2>"$work/err"
    status=$?
    [ "$status" -eq 124 ] || fail "exit status $status, expected 124 (--timeout)"
    expect_match "$work/out" "^spin: starting$"
    expect_match "$work/err" "^wasmscope: timeout: the program ran longer than 500ms \(--timeout\)$"
    expect_match "$work/err" "^\"main\" #[0-9]+ running for "
    expect_match "$work/err" "^    at spin!stuck_here\+0x[0-9a-f]+ \(.*spin\.c:8\)$"
    expect_match "$work/err" "^    at spin!__original_main\+0x[0-9a-f]+ \(.*spin\.c:17\)$"
    grep -q "did not stop" "$work/err" && fail "the main thread had to be abandoned"
    grep -q "^trap:" "$work/err" && fail "a timeout is not reported as a trap"
    ;;
  timeout_wait)
    # The same for a program asleep in WASI between tries: the sleep is cut short.
    mkdir "$work/dir"
    timeout -k 5 "$limit" "$wasmscope" run --timeout 500ms --dir "$work/dir::/work" \
      "$examples/wait_file.wasm" /work/ready >"$work/out" 2>"$work/err"
    status=$?
    [ "$status" -eq 124 ] || fail "exit status $status, expected 124 (--timeout)"
    expect_match "$work/err" "^wasmscope: timeout: the program ran longer than 500ms \(--timeout\)$"
    expect_match "$work/err" "^    at wait_file!read_config\+0x[0-9a-f]+ \(.*wait_file\.c:25\)$"
    grep -q "did not stop" "$work/err" && fail "the main thread had to be abandoned"
    ;;
  early_requests)
    # `run` opens its socket and starts its server only WASMSCOPE_SERVICE_START_MS after the
    # start (here 3 s): until then there is no socket, a SIGQUIT waits, and a `wasmscope stack`
    # client waits for the socket. Both are answered once it is there, and the program's
    # output is unchanged.
    mkdir "$work/dir"
    WASMSCOPE_SERVICE_START_MS=3000 "$wasmscope" run --dir "$work/dir::/work" \
      "$examples/wait_file.wasm" /work/ready >"$work/out" 2>"$work/err" &
    pid=$!
    # The guest's first line (it flushes it): SIGQUIT is blocked by then (after compiling, if
    # compiled). Well within the 3 s, unless the machine stalls for seconds.
    for _ in $(seq 200); do
      grep -q "^wait_file: waiting" "$work/out" 2>/dev/null && break
      sleep 0.1
    done
    grep -q "^wait_file: waiting" "$work/out" || fail "the program printed nothing within 20 s"
    [ -e "/tmp/wasmscope-$(id -u)/$pid.sock" ] && fail "the socket exists before the service start"
    kill -QUIT "$pid"
    # Started seconds before the socket exists: it waits for it.
    timeout -k 5 "$limit" "$wasmscope" stack "$pid" >"$work/dump" 2>&1 ||
      fail "wasmscope stack exited non-zero: $(cat "$work/dump")"
    echo "the config" >"$work/dir/ready"
    wait "$pid"
    status=$?
    [ "$status" -eq 0 ] || fail "exit status $status, expected 0"
    [ "$(cat "$work/out")" = "$(printf 'wait_file: waiting for /work/ready\nthe config\nwait_file: done')" ] ||
      fail "stdout is not the program's own: $(cat "$work/out")"
    expect_match "$work/dump" "^wasmscope thread dump \(pid $pid\)$"
    expect_match "$work/dump" "^    at wait_file!wait_for_file\+0x"
    expect_match "$work/err" "^wasmscope thread dump \(SIGQUIT\); the program continues$"
    expect_match "$work/err" "^    at wait_file!wait_for_file\+0x"
    ;;
  wait_interrupt)
    mkdir "$work/dir"  # the file the program waits for never appears in it
    timeout -k 5 "$limit" "$wasmscope" run --watchdog 300ms --on-hang interrupt \
      --dir "$work/dir::/work" "$examples/wait_file.wasm" /work/ready >"$work/out" 2>"$work/err"
    status=$?
    [ "$status" -eq 134 ] || fail "exit status $status, expected 134 (the interrupted trap)"
    expect_match "$work/out" "^wait_file: waiting for /work/ready$"
    grep -q "done" "$work/out" && fail "the program finished, though the file never appeared"
    expect_match "$work/err" "^trap: interrupted$"
    expect_prompt_report "$work/err"
    report_block 1 "$work/err" >"$work/report1"
    # Asleep in WASI's poll_oneoff between tries, the thread is in a host call: it sleeps 80 ms
    # a try, so 300 ms is 60 ms into its fourth sleep (a deadline that is a multiple of the
    # sleep would catch it waking). The frames with source lines (wait_file.c is built with -g):
    # the loop in wait_for_file sleeps on line 19 (line 18 is its fopen, where it is for a
    # moment each try), read_config calls it on line 25 and main calls read_config on line 35.
    expect_match "$work/report1" "^\"main\" #[0-9]+ in_host for "
    expect_match "$work/report1" "^    - in a host call$"
    expect_match "$work/report1" \
      "^    at wait_file!wait_for_file\+0x[0-9a-f]+ \(.*wait_file\.c:1[89]\)$"
    expect_match "$work/report1" "^    at wait_file!read_config\+0x[0-9a-f]+ \(.*wait_file\.c:25\)$"
    expect_match "$work/report1" "^    at wait_file!main\+0x[0-9a-f]+ \(.*wait_file\.c:35\)$"
    ;;
  wait_report)
    mkdir "$work/dir" "$work/ref_dir"
    printf 'listen = 8080\n' >"$work/ref_dir/ready"
    timeout -k 5 "$limit" "$wasmscope" run --dir "$work/ref_dir::/work" \
      "$examples/wait_file.wasm" /work/ready >"$work/ref.out" 2>"$work/ref.err"
    echo $? >"$work/ref.status"
    [ "$(cat "$work/ref.status")" -eq 0 ] ||
      fail "the reference run exited $(cat "$work/ref.status")"
    timeout -k 5 "$limit" "$wasmscope" run --watchdog 300ms --dir "$work/dir::/work" \
      "$examples/wait_file.wasm" /work/ready >"$work/out" 2>"$work/err" &
    pid=$!
    # The file appears only once the watchdog has reported the wait (or after 20 s, failing).
    for _ in $(seq 200); do
      grep -q "^wasmscope hang report #1: " "$work/err" && break
      sleep 0.1
    done
    grep -q "^wasmscope hang report #1: " "$work/err" || fail "no hang report within 20s"
    printf 'listen = 8080\n' >"$work/dir/ready.tmp"
    mv "$work/dir/ready.tmp" "$work/dir/ready"  # appears whole, never half written
    wait "$pid"
    status=$?
    [ "$status" -eq "$(cat "$work/ref.status")" ] || fail "exit status $status differs"
    cmp -s "$work/out" "$work/ref.out" ||
      fail "stdout differs from the run where the file was there"
    expect_prompt_report "$work/err"
    report_block 1 "$work/err" >"$work/report1"
    # The same frames and lines as in wait_interrupt.
    expect_match "$work/report1" "^\"main\" #[0-9]+ in_host for "
    expect_match "$work/report1" \
      "^    at wait_file!wait_for_file\+0x[0-9a-f]+ \(.*wait_file\.c:1[89]\)$"
    expect_match "$work/report1" "^    at wait_file!read_config\+0x[0-9a-f]+ \(.*wait_file\.c:25\)$"
    expect_match "$work/report1" "^    at wait_file!main\+0x[0-9a-f]+ \(.*wait_file\.c:35\)$"
    grep -q "^trap:" "$work/err" && fail "the program trapped"
    ;;
  recurse_interrupt)
    # The default work per level: the recursion would take many seconds to exhaust the stack.
    timeout -k 5 "$limit" "$wasmscope" run --watchdog 500ms --on-hang interrupt \
      "$examples/recurse.wasm" >"$work/out" 2>"$work/err"
    status=$?
    [ "$status" -eq 134 ] || fail "exit status $status, expected 134 (the interrupted trap)"
    expect_match "$work/out" "^recurse: hashing /usr/share/doc$"
    expect_match "$work/err" "^trap: interrupted$"
    grep -q "^trap: call stack exhausted$" "$work/err" &&
      fail "the stack ran out before the deadline"
    expect_prompt_report "$work/err"
    report_block 1 "$work/err" >"$work/report1"
    expect_match "$work/report1" "^\"main\" #[0-9]+ running for "
    expect_recursion "$work/report1"
    ;;
  recurse_report)
    # Little work per level, so the stack runs out (in a second or two) after the first reports;
    # the program must trap as it does without the watchdog. The reports go to a file as JSON,
    # which keeps every frame.
    timeout -k 5 "$limit" "$wasmscope" run "$examples/recurse.wasm" "$recurse_rounds" \
      >"$work/ref.out" 2>"$work/ref.err"
    echo $? >"$work/ref.status"
    expect_match "$work/ref.err" "^trap: call stack exhausted$"
    # The trap's stack is capped like a dump: the limit is 65,536 frames (Config's
    # max_call_depth), so 65,536 - 48 - 16 are counted, not printed. The innermost frame is the
    # call that found no room: in the interpreter the call to mix (line 25).
    # The interpreter runs out of frame records (65536); compiled code out of native stack,
    # where it may be either call of path_hash (line 25 or 26: tests/compiled/tier_diff.sh).
    if [ "${WASMSCOPE_TIER:-}" = compiled ]; then
      expect_match "$work/ref.err" "^    \.\.\. [0-9]+ frames omitted \.\.\.$"
      innermost_line='2[56]'
    else
      expect_match "$work/ref.err" "^    \.\.\. 65472 frames omitted \.\.\.$"
      innermost_line=25
    fi
    [ "$(grep -c "^    at " "$work/ref.err")" -eq 64 ] || fail "the trap printed more than 64 frames"
    grep -m1 "^    at " "$work/ref.err" |
      grep -qE "^    at recurse!path_hash\+0x[0-9a-f]+ \(.*recurse\.c:$innermost_line\)$" ||
      fail "the trap's innermost frame is not a call in path_hash (recurse.c:$innermost_line)"
    timeout -k 5 "$limit" "$wasmscope" run --watchdog 300ms --hang-report "$work/report.json" \
      --hang-report-format json "$examples/recurse.wasm" "$recurse_rounds" >"$work/out" 2>"$work/err"
    status=$?
    [ "$status" -eq "$(cat "$work/ref.status")" ] || fail "exit status $status differs"
    cmp -s "$work/out" "$work/ref.out" || fail "stdout differs from the run without watchdog"
    expect_match "$work/err" "^trap: call stack exhausted$"
    grep -q "hang report" "$work/err" && fail "a report went to stderr, not the file"
    # Report #1: within a few seconds of the deadline; the innermost frame in the work (mix) or
    # the recursion, then hundreds of path_hash frames, all but the innermost at the recursive
    # call on line 26 of recurse.c, then main's call on line 34; every frame kept.
    node -e '
      const fs = require("fs");
      const lines = fs.readFileSync(process.argv[1], "utf8").trim().split("\n");
      const r = JSON.parse(lines[0]);
      const t = r.threads[0];
      const f = t.frames;
      const i = f[0].function === "mix" ? 1 : 0;
      const main = f.findIndex(x => x.function === "main");
      const recursive = f.slice(i + 1, main);
      const ok = r.kind === "hang_report" && r.title.startsWith("wasmscope hang report #1: ") &&
        t.state === "running" && t.seconds_in_call >= 0.3 && t.seconds_in_call < 5.3 &&
        t.depth >= 200 && !t.truncated && f.length === t.depth &&
        f[i].function === "path_hash" && (i === 0 || f[i].line === 25) &&
        recursive.length >= 200 &&
        recursive.every(x => x.function === "path_hash" && x.file.endsWith("recurse.c") &&
                             x.line === 26) &&
        main > i && f[main].file.endsWith("recurse.c") && f[main].line === 34;
      if (!ok) { console.log("unexpected report: " + lines[0].slice(0, 2000)); process.exit(1); }
    ' "$work/report.json" || fail "the JSON report is not as expected"
    ;;
  *)
    echo "hang_test.sh: unknown case $case_name" >&2
    exit 2
    ;;
esac

finish "$case_name"
