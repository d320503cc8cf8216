#!/usr/bin/env bash
# Watchdog and thread-dump tests on the examples/hang guests, through `wasmscope run`.
#
#   hang_test.sh WASMSCOPE EXAMPLES_DIR CASE
#
# CASE is one of: interrupt, report, json, abort, sigquit, stack, stack_other_user (the last
# needs root, to run the client as user nobody; CMake registers it only then). Each checks exit status and output;
# "report" and "sigquit" also check the program's own output is what it is without them.
set -u
wasmscope=$1
examples=$2
case_name=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

fail() {
  echo "FAIL: $*"
  failed=1
}

# expect_match FILE REGEX: FILE must contain a line matching REGEX (grep -E).
expect_match() {
  grep -qE -- "$2" "$1" || fail "$(basename "$1") does not match: $2"
}

# The program's output with no diagnostics attached: the reference for "unchanged".
reference() {
  "$wasmscope" run "$examples/slow.wasm" 37 >"$work/ref.out" 2>"$work/ref.err"
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
    # Frames with source lines from the module's DWARF (spin.c is built with -g): the calls
    # in level3, level2, level1 and main are on lines 10, 11, 12 and 17 of spin.c.
    expect_match "$work/err" "^    at spin!stuck_here\+0x[0-9a-f]+ \(.*spin\.c:[78]\)$"
    expect_match "$work/err" "^    at spin!level3\+0x[0-9a-f]+ \(.*spin\.c:10\)$"
    expect_match "$work/err" "^    at spin!level2\+0x[0-9a-f]+ \(.*spin\.c:11\)$"
    expect_match "$work/err" "^    at spin!level1\+0x[0-9a-f]+ \(.*spin\.c:12\)$"
    expect_match "$work/err" "^    at spin!__original_main\+0x[0-9a-f]+ \(.*spin\.c:17\)$"
    expect_match "$work/err" "^trap: interrupted$"
    ;;
  report)
    reference
    "$wasmscope" run --watchdog 300ms "$examples/slow.wasm" 37 >"$work/out" 2>"$work/err"
    status=$?
    [ "$status" -eq "$(cat "$work/ref.status")" ] || fail "exit status $status differs"
    cmp -s "$work/out" "$work/ref.out" || fail "stdout differs from the run without watchdog"
    expect_match "$work/err" "^wasmscope hang report #1: "
    expect_match "$work/err" "^    at slow!fib\+0x"
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
    "$wasmscope" run "$examples/slow.wasm" 37 >"$work/out" 2>"$work/err" &
    pid=$!
    sleep 0.2
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
    "$wasmscope" run "$examples/slow.wasm" 37 >"$work/out" 2>"$work/err" &
    pid=$!
    # Give it time to start (and open its socket), then ask from "another shell".
    for _ in $(seq 50); do
      [ -S "/tmp/wasmscope-$(id -u)/$pid.sock" ] && break
      sleep 0.05
    done
    if [ "$case_name" = stack ]; then
      "$wasmscope" stack "$pid" >"$work/dump" 2>&1
      [ $? -eq 0 ] || fail "wasmscope stack exited non-zero"
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
  *)
    echo "hang_test.sh: unknown case $case_name" >&2
    exit 2
    ;;
esac

if [ "$failed" -ne 0 ]; then
  echo "--- stdout"; cat "$work/out" 2>/dev/null
  echo "--- stderr"; head -60 "$work/err" 2>/dev/null
  exit 1
fi
echo "ok: $case_name"
