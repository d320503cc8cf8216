#!/usr/bin/env bash
# Runs one WASI guest test under `wasmscope run`, in a fresh sandbox directory made for it.
#
#   run_wasi.sh WASMSCOPE GUEST_DIR CASE
#
# GUEST_DIR holds the compiled guests (NAME.wasm). CASE is one of the names in the `case`
# below. Each case builds its fixture files in a new temporary directory (removed on exit, so
# cases can run in parallel), runs its guest with that directory preopened as /sandbox, and
# checks the exit status, stdout/stderr lines and the files left behind. Prints what it
# checked; exits 0 only if every check passed.
set -u

if [ $# -ne 3 ]; then
  echo "usage: run_wasi.sh WASMSCOPE GUEST_DIR CASE" >&2
  exit 2
fi
cli=$1
guests=$2
case_name=$3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wasi-test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
# $tmp/box/sandbox is preopened; $tmp/box is its parent, for the escape checks; $tmp/io holds
# the captured output and other files the guest must never see.
box=$tmp/box
sandbox=$box/sandbox
io=$tmp/io
mkdir "$box" "$sandbox" "$io"
failed=0

fail() {
  echo "FAIL: $*"
  failed=1
}

# run [OPTIONS...] GUEST [ARGS...]: runs wasmscope with the sandbox preopened; stdin from
# $stdin_file (default /dev/null). Sets $status, $out (stdout) and $err (stderr).
stdin_file=/dev/null
run() {
  local opts=()
  while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do
    if [ "$1" = --inherit-env ]; then
      opts+=("$1")
      shift
    else
      opts+=("$1" "$2")
      shift 2
    fi
  done
  local guest=$guests/$1.wasm
  shift
  echo "--- $cli run --dir $sandbox::/sandbox ${opts[*]-} $guest $*"
  "$cli" run --dir "$sandbox::/sandbox" ${opts[@]+"${opts[@]}"} "$guest" "$@" \
    <"$stdin_file" >"$io/stdout" 2>"$io/stderr"
  status=$?
  out=$(cat "$io/stdout")
  err=$(cat "$io/stderr")
}

expect_status() {
  [ "$status" -eq "$1" ] || fail "exit status $status, expected $1"
}

# expect_line STREAM LINE: STREAM (out or err) has a line exactly equal to LINE.
expect_line() {
  local text
  if [ "$1" = out ]; then text=$out; else text=$err; fi
  grep -qxF -- "$2" <<<"$text" || fail "no line '$2' in std$1"
}

# expect_match STREAM REGEX: STREAM has a line matching the extended regex.
expect_match() {
  local text
  if [ "$1" = out ]; then text=$out; else text=$err; fi
  grep -qE -- "$2" <<<"$text" || fail "nothing matches '$2' in std$1"
}

# A check program's report: at least one "ok", no "FAIL", and the "N passed, 0 failed" line.
expect_all_passed() {
  grep -q '^ok ' <<<"$out" || fail "no checks ran"
  if grep -q '^FAIL' <<<"$out"; then
    fail "failed checks:"
    grep '^FAIL' <<<"$out"
  fi
  grep -qE '^[0-9]+ passed, 0 failed$' <<<"$out" || fail "no '0 failed' summary line"
}

# expect_file PATH CONTENT: the file holds exactly CONTENT (printf-style escapes not applied).
expect_file() {
  if [ ! -f "$1" ]; then
    fail "missing file $1"
  elif [ "$(cat "$1"; echo x)" != "$2"x ]; then
    fail "$1 holds '$(cat "$1")', expected '$2'"
  fi
}

case "$case_name" in
  demo)
    printf 'first line\nSecond Line\nthird: 3 words\n' >"$sandbox/input.txt"
    mkdir "$sandbox/subdir"
    run demo
    expect_status 3
    want='read input.txt: 3 lines, 38 bytes
wrote output.txt
/sandbox has 3 entries: input.txt output.txt subdir
slept at least 1s: yes
realtime clock after 2020: yes
exiting with 3'
    [ "$out" = "$want" ] || fail "stdout is not the expected text"
    expect_file "$sandbox/output.txt" '1: FIRST LINE
2: SECOND LINE
3: THIRD: 3 WORDS
-- 3 lines, 38 bytes
'
    expect_file "$sandbox/input.txt" 'first line
Second Line
third: 3 words
'
    ;;

  exit_status_*)
    want=${case_name#exit_status_}
    run exit_status "$want"
    expect_status "$want"
    expect_line out "exiting with $want"
    ;;

  basics)
    # Exactly these variables and arguments: the program checks them.
    run --env FOO=bar --env EMPTY= --env WITH_EQ=a=b --env UNI=ü \
      wasi_basics alpha "two words" "" "ünï" --flag
    expect_status 0
    expect_all_passed
    expect_line err "wasi_basics: a line on stderr"
    ;;

  args_env)
    # Options after the module are the guest's, a "--" right after it is dropped, later ones
    # are kept; --env entries arrive in order, the last of a repeated name counting.
    run --env A=1 --env B= --env A=2 echo_env -- --env X=y "" -- 'sp ace'
    expect_status 0
    expect_line out "argc 6"
    expect_line out "arg 1=[--env]"
    expect_line out "arg 2=[X=y]"
    expect_line out "arg 3=[]"
    expect_line out "arg 4=[--]"
    expect_line out "arg 5=[sp ace]"
    expect_line out "env [B=]"
    grep -q '^env \[A=1\]' <<<"$out" && fail "the first A=1 is still there"
    expect_line out "env [A=2]"
    [ "$(grep -c '^env ' <<<"$out")" -eq 2 ] || fail "expected exactly 2 variables"
    # Many arguments, and a long one.
    long=$(printf 'x%.0s' $(seq 1 5000))
    run echo_env $(seq 1 2000) "$long"
    expect_status 0
    expect_line out "argc 2002"
    expect_line out "arg 1=[1]"
    expect_line out "arg 2000=[2000]"
    expect_line out "arg 2001=[$long]"
    # Nothing of wasmscope's own environment leaks in without --inherit-env.
    export WASI_TEST_HOST_VAR=from-host
    run echo_env
    grep -q 'WASI_TEST_HOST_VAR' <<<"$out" && fail "host variable visible without --inherit-env"
    [ "$(grep -c '^env ' <<<"$out")" -eq 0 ] || fail "expected an empty environment"
    ;;

  inherit_env)
    export WASI_TEST_HOST_VAR=from-host WASI_TEST_OVERRIDDEN=host-value
    run --inherit-env --env WASI_TEST_OVERRIDDEN=cli-value --env WASI_TEST_NEW=new echo_env
    expect_status 0
    expect_line out "env [WASI_TEST_HOST_VAR=from-host]"
    expect_line out "env [WASI_TEST_OVERRIDDEN=cli-value]"
    expect_line out "env [WASI_TEST_NEW=new]"
    grep -q 'WASI_TEST_OVERRIDDEN=host-value' <<<"$out" && fail "--env did not override"
    expect_match out "^env \[PATH="
    ;;

  stdin)
    # 200 KB of varied bytes, NULs and high bytes included, through a pipe.
    for i in $(seq 1 4000); do printf 'line %d \000\377\t%s\n' "$i" "$((i * 7919 % 1000))"; done \
      >"$io/input"
    bytes=$(wc -c <"$io/input")
    sum=$(od -An -v -tu1 "$io/input" | tr -s ' ' '\n' | awk '{ s += $1 } END { printf "%d", s % 4294967296 }')
    echo "--- cat input | $cli run $guests/wasi_stdin.wasm"
    cat "$io/input" | "$cli" run "$guests/wasi_stdin.wasm" >"$io/stdout" 2>"$io/stderr"
    status=$?
    err=$(cat "$io/stderr")
    expect_status 0
    cmp -s "$io/input" "$io/stdout" || fail "stdout differs from stdin"
    expect_line err "bytes $bytes sum $sum"
    # And from a file redirect, then from an empty stdin.
    stdin_file=$io/input
    run wasi_stdin
    expect_status 0
    cmp -s "$io/input" "$io/stdout" || fail "stdout differs from stdin (file redirect)"
    expect_line err "bytes $bytes sum $sum"
    stdin_file=/dev/null
    run wasi_stdin
    expect_status 0
    [ -z "$out" ] || fail "output for empty stdin"
    expect_line err "bytes 0 sum 0"
    ;;

  files)
    printf 'hello, wasi\n' >"$sandbox/existing.txt"
    printf 'to be truncated\n' >"$sandbox/truncate-me.txt"
    run wasi_files
    expect_status 0
    expect_all_passed
    expect_file "$sandbox/existing.txt" 'Hello, wasi
more
end
'
    expect_file "$sandbox/truncate-me.txt" ''
    [ "$(stat -c %s "$sandbox/sized.bin" 2>/dev/null)" = 200 ] || fail "sized.bin is not 200 bytes"
    ;;

  dirs)
    run wasi_dirs
    expect_status 0
    expect_all_passed
    [ "$(cd "$sandbox" && ls -A | tr '\n' ' ')" = "d many sym-raw " ] ||
      fail "sandbox holds: $(cd "$sandbox" && ls -A | tr '\n' ' ')"
    [ "$(readlink "$sandbox/sym-raw")" = d/b.txt ] || fail "sym-raw does not point to d/b.txt"
    [ "$(ls "$sandbox/many" | wc -l)" -eq 300 ] || fail "many/ does not hold 300 files"
    expect_file "$sandbox/d/b.txt" 'buzz
'
    [ "$(stat -c %Y "$sandbox/d/b.txt")" = 1000000000 ] || fail "d/b.txt mtime not 1000000000"
    ;;

  poll)
    printf '0123456789' >"$sandbox/poll.txt"
    printf 'ping\n' >"$io/ping"
    stdin_file=$io/ping
    run wasi_poll
    expect_status 0
    expect_all_passed
    # The same with stdin a pipe that gets its data only after a while, and stdout a pipe.
    echo "--- (sleep 1; echo ping) | $cli run ... wasi_poll.wasm | cat"
    (sleep 1; printf 'ping\n') | "$cli" run --dir "$sandbox::/sandbox" "$guests/wasi_poll.wasm" \
      2>"$io/stderr" | cat >"$io/stdout"
    status=${PIPESTATUS[1]}
    out=$(cat "$io/stdout")
    err=$(cat "$io/stderr")
    expect_status 0
    expect_all_passed
    ;;

  sock)
    run wasi_sock
    expect_status 0
    expect_all_passed
    ;;

  sandbox)
    # outside.txt sits beside the sandbox, in its parent directory $box.
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
    before=$(cd "$box" && ls -A)
    touch -d @1000000000 "$box/outside.txt"
    run wasi_sandbox
    expect_status 0
    expect_all_passed
    [ "$(cd "$box" && ls -A)" = "$before" ] ||
      fail "files appeared beside the sandbox: $(cd "$box" && ls -A | tr '\n' ' ')"
    expect_file "$box/outside.txt" 'outside
'
    [ "$(stat -c %Y "$box/outside.txt")" = 1000000000 ] || fail "outside.txt's mtime changed"
    [ "$(stat -c %h "$box/outside.txt")" = 1 ] || fail "outside.txt got another link"
    ;;

  raise)
    run wasi_raise
    expect_status 143
    expect_line out "raising SIGTERM"
    grep -q '^FAIL' <<<"$out" && fail "$(grep '^FAIL' <<<"$out")"
    [ "$(grep -c '^ok ' <<<"$out")" -eq 3 ] || fail "expected 3 ok lines"
    ;;

  trap)
    run wasi_trap
    expect_status 134
    expect_line out "about to trap"
    grep -q 'not reached' <<<"$out" && fail "ran past the trap"
    expect_line err "trap: unreachable"
    expect_match err '^ +at [^ ]*!detonate_here\+0x[0-9a-f]+$'
    expect_match err '^ +at [^ ]*!light_fuse\+0x[0-9a-f]+$'
    expect_match err '^ +at [^ ]*!main\+0x[0-9a-f]+$'
    # detonate_here is the innermost frame: the first "at" line.
    grep -m1 '^ *at ' <<<"$err" | grep -q 'detonate_here' || fail "detonate_here is not the top frame"
    ;;

  service_threads_deferred)
    # A program that ends before WASMSCOPE_SERVICE_START_MS has only the dump thread beside its
    # own: the socket server and the watchdog were never started (docs/reports.md).
    export WASMSCOPE_SERVICE_START_MS=600000
    run --dir /proc/self/task::/task list_threads
    unset WASMSCOPE_SERVICE_START_MS
    expect_status 0
    # Counted, not named: the dump thread names itself, maybe after the program looked.
    [ "$(wc -l <<<"$out")" -eq 2 ] ||
      fail "threads: $(tr '\n' ' ' <<<"$out"), expected 2 (the program's and the dump thread)"
    ;;

  service_threads_started)
    # One that runs longer than the default 20 ms has them all: the dump thread, the socket
    # server and the watchdog (deadlock detection is on by default).
    run --dir /proc/self/task::/task list_threads 500
    expect_status 0
    main=$(basename "$cli" | cut -c1-15)
    [ "$out" = "$(printf '%s\nwasmscope-dump\nwasmscope-stack\nwasmscope-watch' "$main")" ] ||
      fail "threads: $(tr '\n' ' ' <<<"$out"), expected $main wasmscope-dump wasmscope-stack wasmscope-watch"
    ;;

  service_start_bad)
    export WASMSCOPE_SERVICE_START_MS=soon
    run list_threads
    unset WASMSCOPE_SERVICE_START_MS
    expect_status 2
    expect_match err "WASMSCOPE_SERVICE_START_MS must be milliseconds"
    ;;

  *)
    echo "run_wasi.sh: unknown case '$case_name'" >&2
    exit 2
    ;;
esac

if [ "$failed" -ne 0 ]; then
  echo "--- exit status $status; stdout:"
  printf '%s\n' "${out-}" | head -c 20000
  echo "--- stderr:"
  printf '%s\n' "${err-}" | head -c 20000
  exit 1
fi
echo "PASS $case_name"
exit 0
