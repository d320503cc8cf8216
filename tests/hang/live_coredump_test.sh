#!/usr/bin/env bash
# `wasmscope stack --coredump` on a running `wasmscope run`, the socket's request protocol and
# the removal of stale sockets (see src/tools/run_diag.h).
#
#   live_coredump_test.sh WASMSCOPE EXAMPLES_DIR CASE
#
# CASE is one of:
#   coredump           two coredumps of examples/hang/slow.wasm computing fib: fib frames with
#                      locals, main, memory; the program's output is unchanged
#   coredump_sleeping  a coredump of a guest blocked in a WASI sleep: the sleeping frames
#   bad_request        garbage, an overlong line, nothing at all: error replies within a bounded
#                      time; the server still answers afterwards, the output is unchanged (the
#                      guest waits on its stdin meanwhile, so that no timing matters)
#   stale_socket       a run removes the sockets of dead processes (only those)
#   client_errors      a dead pid, a process that serves no dumps, usage errors, and a reply
#                      cut short (no file, not even a half one)
# Every wait is bounded. Needs python3 (for raw socket clients and servers).
set -u
wasmscope=$1
examples=$2
case_name=$3
work=$(mktemp -d)
sock_dir=/tmp/wasmscope-$(id -u)
cleanup_pids=()
cleanup() {
  for p in ${cleanup_pids[@]+"${cleanup_pids[@]}"}; do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=tests/hang/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# fib(N) runs long enough (2 to 5 s here) for the few requests below to find it running;
# compiled (WASMSCOPE_TIER=compiled, run's default tier) fib(43) does.
fib_n=40
[ "${WASMSCOPE_TIER:-}" = compiled ] && fib_n=43
# Under qemu-user (cross builds set it) fib(40) takes some 35 s; fewer still leave it running
# through the requests, which are slower there too.
[ -n "${STACK_TEST_FIB_N:-}" ] && fib_n=$STACK_TEST_FIB_N


# func_index MODULE NAME: the function index of $NAME in MODULE (from `wasmscope dump`).
func_index() {
  "$wasmscope" dump "$1" | sed -nE "s/^  func\[([0-9]+)\] \\\$$2 .*/\1/p" | head -1
}

# start_run ARGS...: `wasmscope run ARGS` in the background (stdin from $run_stdin), output to
# $work/out and $work/err, status to $work/status; sets pid and waits (at most 5 s) for its
# socket.
run_stdin=/dev/null
start_run() {
  ( "$wasmscope" run "$@" <"$run_stdin" >"$work/out" 2>"$work/err"; echo $? >"$work/status" ) &
  runner=$!
  pid=""
  for _ in $(seq 100); do
    # The subshell's one child, by parent alone: in a cross build it is the emulated/ script
    # exec'ing qemu-user, whose process is named qemu-aarch64-st(atic), not wasmscope.
    pid=$(pgrep -P "$runner" | head -1)
    [ -n "$pid" ] && [ -S "$sock_dir/$pid.sock" ] && return 0
    sleep 0.05
  done
  fail "no socket at $sock_dir/$pid.sock within 5 s"
  return 1
}

# finish_run: waits for the background run, at most 60 s more than three times the reference
# run took (under qemu-user on a loaded machine fib alone can take a minute); then compares it
# with the reference run ($work/ref.*) and checks its socket is gone.
finish_run() {
  local limit=$((60 + 3 * ref_seconds))
  for _ in $(seq $((limit * 10))); do
    [ -s "$work/status" ] && break
    sleep 0.1
  done
  [ -s "$work/status" ] || { fail "the program did not end within $limit s"; kill -KILL "$pid"; }
  wait "$runner" 2>/dev/null
  [ "$(cat "$work/status")" = "$(cat "$work/ref.status")" ] ||
    fail "exit status $(cat "$work/status") differs from the reference's $(cat "$work/ref.status")"
  cmp -s "$work/out" "$work/ref.out" || fail "stdout differs from the run without requests"
  cmp -s "$work/err" "$work/ref.err" || fail "stderr differs from the run without requests"
  [ -e "$sock_dir/$pid.sock" ] && fail "the socket was left behind"
}

# reference ARGS...: the program's output with no requests: what "unchanged" compares with
# (stdin from $ref_stdin).
ref_stdin=/dev/null
ref_seconds=0
reference() {
  local start=$SECONDS
  "$wasmscope" run "$@" <"$ref_stdin" >"$work/ref.out" 2>"$work/ref.err"
  echo $? >"$work/ref.status"
  ref_seconds=$((SECONDS - start))
}

# coredump FILE: `wasmscope stack --coredump FILE $pid`, output in FILE.log; retried (bounded)
# while the module is still being instantiated. Returns the command's status.
coredump() {
  local status
  for _ in $(seq 40); do
    "$wasmscope" stack --coredump "$1" "$pid" >"$1.log" 2>&1
    status=$?
    grep -q "not instantiated yet" "$1.log" || return "$status"
    sleep 0.05
  done
  return "$status"
}

# check_written FILE: the client's report and FILE agree; no FILE.tmp is left.
check_written() {
  [ -s "$1" ] || { fail "no coredump in $1"; return; }
  local size
  size=$(stat -c %s "$1")
  expect_match "$1.log" "^wasmscope stack: coredump of process $pid written to $1 \($size bytes\)$"
  [ -e "$1.tmp" ] && fail "$1.tmp was left behind"
}

# client MODE: a raw client of $pid's socket; MODE garbage, long (an overlong line), silent
# (sends nothing) or close (hangs up at once). Prints the seconds until the server closed,
# then its reply.
client() {
  python3 - "$sock_dir/$pid.sock" "$1" <<'EOF'
import socket, sys, time
path, mode = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(path)
start = time.monotonic()
if mode == "garbage":
    s.sendall(b"\x00\xff\x1b[2Jhello\n")
elif mode == "long":
    s.sendall(b"d" * 200)
elif mode == "close":
    s.close()
    print("0.00")
    sys.exit(0)
reply = b""
try:
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        reply += chunk
except ConnectionResetError:  # it closed with our unread bytes queued
    pass
print("%.2f" % (time.monotonic() - start))
sys.stdout.write(reply.decode("ascii", "replace"))
EOF
}

# A WASI command that sleeps 2 s in poll_oneoff (start -> nap -> sleep -> poll_oneoff), then
# prints "slept".
sleeper_wat() {
  cat >"$work/sleeper.wat" <<'EOF'
(module $sleeper
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 200) "slept\n")
  (func $start (export "_start")
    (drop (call $nap (i64.const 2000000000)))
    (i32.store (i32.const 300) (i32.const 200))
    (i32.store (i32.const 304) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 300) (i32.const 1) (i32.const 308))))
  (func $nap (param $ns i64) (result i32)
    (call $sleep (local.get $ns)))
  ;; One clock subscription (userdata 42, monotonic, relative {ns}) at 0; its event at 48.
  (func $sleep (param $ns i64) (result i32)
    (i64.store (i32.const 0) (i64.const 42))
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (local.get $ns))
    (i64.store (i32.const 32) (i64.const 0))
    (i32.store16 (i32.const 40) (i32.const 0))
    (call $poll (i32.const 0) (i32.const 48) (i32.const 1) (i32.const 80))))
EOF
}

# A WASI command that reads up to 64 bytes from stdin and writes them to stdout.
reader_wat() {
  cat >"$work/reader.wat" <<'EOF'
(module $reader
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $start (export "_start")
    (i32.store (i32.const 0) (i32.const 256))
    (i32.store (i32.const 4) (i32.const 64))
    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16)))
    (i32.store (i32.const 4) (i32.load (i32.const 16)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 20)))))
EOF
}

case "$case_name" in
  coredump)
    slow=$examples/slow.wasm
    fib=$(func_index "$slow" fib)
    main=$(func_index "$slow" main)
    [ -n "$fib" ] && [ -n "$main" ] || fail "no \$fib or \$main in $slow"
    reference "$slow" "$fib_n"
    start_run "$slow" "$fib_n"
    # Twice in a row: the program goes on after a coredump (and its thread is resumed).
    for i in 1 2; do
      coredump "$work/core$i.wasm" ||
        fail "coredump #$i: exit status $?: $(cat "$work/core$i.wasm.log")"
      check_written "$work/core$i.wasm"
    done
    # A FILE that cannot be created: an error, exit 1, and the program goes on.
    "$wasmscope" stack --coredump "$work/no-such-dir/core.wasm" "$pid" >"$work/nodir.log" 2>&1
    status=$?
    [ "$status" -eq 1 ] || fail "a coredump into a missing directory exited $status, expected 1"
    expect_match "$work/nodir.log" "cannot create '.*no-such-dir/core.wasm.tmp'"
    # The program is still running and serving: a thread dump shows it in fib.
    "$wasmscope" stack "$pid" >"$work/dump" 2>&1 ||
      fail "wasmscope stack after the coredumps failed"
    expect_match "$work/dump" "^    at slow!fib\+0x[0-9a-f]+ \(.*slow\.c:7\)$"
    finish_run
    for i in 1 2; do
      "$wasmscope" coredump "$work/core$i.wasm" >"$work/read$i" 2>&1 ||
        fail "wasmscope coredump cannot read core$i.wasm: $(head -3 "$work/read$i")"
      expect_match "$work/read$i" "^process: .*slow\.wasm$"
      expect_match "$work/read$i" "^module 0: .*slow\.wasm$"
      expect_match "$work/read$i" "^instance 0: module 0, 1 memories, [0-9]+ globals$"
      expect_match "$work/read$i" "^thread \"main\":$"
      # Youngest first: fib (with its locals: n, then i64s), more fib, then main below them.
      # Compiled code keeps no locals where a dump can find them: "missing" in the format.
      if [ "${WASMSCOPE_TIER:-}" = compiled ]; then
        expect_match "$work/read$i" "^  #0 instance 0 func $fib \+0x[0-9a-f]+$"
        expect_match "$work/read$i" "^  #1 instance 0 func $fib \+0x[0-9a-f]+$"
        expect_match "$work/read$i" "^  #[0-9]+ instance 0 func $main \+0x[0-9a-f]+$"
      else
        expect_match "$work/read$i" "^  #0 instance 0 func $fib \+0x[0-9a-f]+ locals: i32:[0-9]+ i64:"
        expect_match "$work/read$i" "^  #1 instance 0 func $fib \+0x[0-9a-f]+ locals: i32:[0-9]+ "
        expect_match "$work/read$i" "^  #[0-9]+ instance 0 func $main \+0x[0-9a-f]+ locals: "
      fi
      first_main=$(grep -nE "^  #[0-9]+ instance 0 func $main " "$work/read$i" |
        head -1 | cut -d: -f1)
      last_fib=$(grep -nE "^  #[0-9]+ instance 0 func $fib " "$work/read$i" | tail -1 | cut -d: -f1)
      [ -n "$first_main" ] && [ -n "$last_fib" ] && [ "$last_fib" -lt "$first_main" ] ||
        fail "core$i.wasm: main is not below the fib frames"
      expect_match "$work/read$i" "^memory 0: [1-9][0-9]* bytes, [1-9][0-9]* data segments$"
    done
    ;;
  coredump_sleeping)
    sleeper_wat
    sleeper=$work/sleeper.wat
    reference "$sleeper"
    start_run "$sleeper"
    # Wait (bounded) until it is blocked in the sleep, as a thread dump shows.
    for _ in $(seq 40); do
      "$wasmscope" stack "$pid" >"$work/dump" 2>&1
      grep -qE "^\"main\" #[0-9]+ in_host " "$work/dump" && break
      sleep 0.025
    done
    expect_match "$work/dump" "^\"main\" #[0-9]+ in_host "
    expect_match "$work/dump" "^    at sleeper!sleep\+0x"
    coredump "$work/core.wasm" || fail "coredump: exit status $?: $(cat "$work/core.wasm.log")"
    check_written "$work/core.wasm"
    finish_run
    "$wasmscope" coredump "$work/core.wasm" >"$work/read" 2>&1 ||
      fail "wasmscope coredump cannot read core.wasm: $(head -3 "$work/read")"
    # Functions: poll_oneoff 0 and fd_write 1 (imports), start 2, nap 3, sleep 4. sleep is
    # at its call of poll_oneoff; the parameters are the 2 s.
    expect_match "$work/read" "^module 0: .*sleeper\.wat$"
    # Compiled code keeps no locals where a dump can find them: the format's "missing" then.
    locals=" locals: i64:2000000000"
    [ "${WASMSCOPE_TIER:-}" = compiled ] && locals=""
    expect_match "$work/read" "^  #0 instance 0 func 4 \+0x[0-9a-f]+$locals$"
    expect_match "$work/read" "^  #1 instance 0 func 3 \+0x[0-9a-f]+$locals$"
    expect_match "$work/read" "^  #2 instance 0 func 2 \+0x[0-9a-f]+$"
    grep -qE "^  #3 " "$work/read" && fail "more frames than start, nap and sleep"
    expect_match "$work/read" "^memory 0: 65536 bytes, 1 data segments$"
    # The memory image holds the subscription sleep wrote and the data segment.
    grep -q "slept" "$work/core.wasm" || fail "the data segment's text is not in the dump"
    ;;
  bad_request)
    reader_wat
    echo "a line" >"$work/line"
    ref_stdin=$work/line
    reference "$work/reader.wat"
    # The guest blocks reading this FIFO until the end of the case: held open here (read-write,
    # so that opening it does not block), written to at the end.
    mkfifo "$work/in"
    exec 3<>"$work/in"
    run_stdin=$work/in
    start_run "$work/reader.wat"
    client garbage >"$work/garbage"
    expect_match "$work/garbage" "^error: unknown request \(expected 'dump', 'coredump' or 'profile'\)$"
    client long >"$work/long"
    expect_match "$work/long" "^error: request longer than 64 bytes"
    client close >"$work/close"
    # Nothing sent: an error after the server's 2 s, not a wait without end.
    client silent >"$work/silent"
    expect_match "$work/silent" "^error: no request received within 2000 ms"
    seconds=$(head -1 "$work/silent")
    awk -v s="$seconds" 'BEGIN { exit !(s >= 1.5 && s <= 4.0) }' ||
      fail "a silent client was dropped after ${seconds}s, expected about 2s"
    # The server still answers real requests.
    "$wasmscope" stack "$pid" >"$work/dump" 2>&1 ||
      fail "wasmscope stack after the bad requests failed"
    expect_match "$work/dump" "^wasmscope thread dump \(pid $pid\)$"
    expect_match "$work/dump" "^    at reader!start\+0x"
    coredump "$work/core.wasm" || fail "coredump: exit status $?: $(cat "$work/core.wasm.log")"
    check_written "$work/core.wasm"
    cat "$work/line" >&3
    exec 3>&-
    finish_run
    ;;
  stale_socket)
    [ -d "$sock_dir" ] || mkdir -m 700 "$sock_dir"
    # A socket bound by a process that is gone (it exits without removing it). Its bind
    # succeeding is the check that it existed: looking for it afterwards would race with any
    # other `wasmscope run` that ctest runs beside this case, which removes it just as this
    # one should (CI saw that). If no run removed stale sockets, it would still be there below.
    python3 -c 'import os, socket
s = socket.socket(socket.AF_UNIX)
s.bind("'"$sock_dir"'/%d.sock" % os.getpid())
print(os.getpid())' >"$work/dead_pid" || fail "python3 could not bind a socket"
    dead=$(cat "$work/dead_pid")
    # Left alone: a live process's socket, a dead pid's regular file, a non-pid name.
    python3 -c 'import os, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind("'"$sock_dir"'/%d.sock" % os.getpid())
print(os.getpid(), flush=True)
time.sleep(30)
os.unlink("'"$sock_dir"'/%d.sock" % os.getpid())' >"$work/live_pid" &
    cleanup_pids+=($!)
    for _ in $(seq 100); do [ -s "$work/live_pid" ] && break; sleep 0.05; done
    live=$(cat "$work/live_pid")
    [ -S "$sock_dir/$live.sock" ] || fail "no live socket to start with"
    true & dead_file_pid=$!
    wait "$dead_file_pid"
    echo "not a socket" >"$sock_dir/$dead_file_pid.sock"
    python3 -c 'import socket
socket.socket(socket.AF_UNIX).bind("'"$sock_dir"'/wasmscope-test-'$$'.sock")'
    # A run sweeps the directory when it opens its own socket, once it has run for 20 ms
    # (run_diag.h): one that waits for a file until its socket is there (the sweep before it).
    mkdir "$work/dir"
    start_run --dir "$work/dir::/work" "$examples/wait_file.wasm" /work/ready
    echo "the config" >"$work/dir/ready"
    for _ in $(seq 600); do [ -s "$work/status" ] && break; sleep 0.1; done
    wait "$runner" 2>/dev/null
    [ "$(cat "$work/status")" = 0 ] || fail "the run exited with '$(cat "$work/status")'"
    expect_match "$work/out" "^wait_file: done$"
    [ -e "$sock_dir/$dead.sock" ] && fail "the stale socket of dead process $dead is still there"
    [ -S "$sock_dir/$live.sock" ] || fail "the socket of live process $live was removed"
    [ -f "$sock_dir/$dead_file_pid.sock" ] || fail "a regular file named like a socket was removed"
    [ -S "$sock_dir/wasmscope-test-$$.sock" ] || fail "a socket not named PID.sock was removed"
    kill "${cleanup_pids[@]}" 2>/dev/null
    rm -f "$sock_dir/$dead_file_pid.sock" "$sock_dir/wasmscope-test-$$.sock" "$sock_dir/$live.sock"
    ;;
  client_errors)
    true & dead=$!
    wait "$dead"
    "$wasmscope" stack "$dead" >"$work/dead" 2>&1
    status=$?
    [ "$status" -eq 1 ] || fail "stack of a dead pid exited $status, expected 1"
    expect_match "$work/dead" "^wasmscope stack: no process $dead$"
    # This shell exists but is no `wasmscope run`.
    "$wasmscope" stack $$ >"$work/shell" 2>&1
    status=$?
    [ "$status" -eq 1 ] || fail "stack of a shell exited $status, expected 1"
    expect_match "$work/shell" \
      "^wasmscope stack: cannot reach process $$: it is not serving dumps \(it is not a 'wasmscope run'"
    "$wasmscope" stack --coredump "$work/core.wasm" $$ >"$work/shell2" 2>&1
    [ $? -eq 1 ] || fail "stack --coredump of a shell did not exit 1"
    [ -e "$work/core.wasm" ] && fail "a coredump file was written for a shell"
    # Usage errors.
    for args in "" "--coredump" "--coredump $work/x.wasm" "12 13" "--frob 12" "-5" "abc"; do
      # shellcheck disable=SC2086
      "$wasmscope" stack $args >"$work/usage" 2>&1
      status=$?
      [ "$status" -eq 2 ] || fail "'stack $args' exited $status, expected 2"
      expect_match "$work/usage" "^usage: wasmscope stack \[--coredump FILE\] PID$"
    done
    # A server that announces 1000 bytes and sends 10: an error, and FILE keeps its old
    # contents (no half-written file, no FILE.tmp).
    [ -d "$sock_dir" ] || mkdir -m 700 "$sock_dir"
    echo "old" >"$work/short.wasm"
    python3 -c 'import os, socket
path = "'"$sock_dir"'/%d.sock" % os.getpid()
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(1)
s.settimeout(20)
print(os.getpid(), flush=True)
c, _ = s.accept()
c.settimeout(5)
request = c.recv(64)
c.sendall(b"coredump 1000\n\0asm\1\0\0\0xx")
c.close()
os.unlink(path)
open("'"$work"'/request", "wb").write(request)' >"$work/fake_pid" &
    cleanup_pids+=($!)
    for _ in $(seq 100); do [ -s "$work/fake_pid" ] && break; sleep 0.05; done
    fake=$(cat "$work/fake_pid")
    for _ in $(seq 100); do [ -S "$sock_dir/$fake.sock" ] && break; sleep 0.05; done
    "$wasmscope" stack --coredump "$work/short.wasm" "$fake" >"$work/short.log" 2>&1
    status=$?
    [ "$status" -eq 1 ] || fail "a cut-short coredump exited $status, expected 1"
    expect_match "$work/short.log" "process $fake sent only 10 bytes of a 1000-byte coredump"
    [ "$(cat "$work/short.wasm")" = "old" ] || fail "the existing file was overwritten"
    [ -e "$work/short.wasm.tmp" ] && fail "short.wasm.tmp was left behind"
    for _ in $(seq 100); do [ -s "$work/request" ] && break; sleep 0.05; done
    printf 'coredump\n' | cmp -s - "$work/request" ||
      fail "the client sent '$(cat "$work/request")', expected 'coredump' and a newline"
    ;;
  *)
    echo "live_coredump_test.sh: unknown case $case_name" >&2
    exit 2
    ;;
esac

finish "$case_name"
