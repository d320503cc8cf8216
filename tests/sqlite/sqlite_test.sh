#!/usr/bin/env bash
# SQLite as a guest (tests/sqlite/CMakeLists.txt).
#
#   sqlite_test.sh WASMSCOPE SQLITE_DEMO.wasm NATIVE_DEMO CASE
#
# CASE: interp or compiled (as a .cwasm; the answers of a native build, in memory and in a file database in
# a preopened directory), max_memory (out of memory under --max-memory: SQLite's own error and
# exit status 1, no trap, no signal), sigquit_storm (1,000 thread dumps on demand while it
# runs: the same output), max_memory_min (a limit below the module's declared memory:
# refused before it starts), mutants (byte-flipped copies of the module: validate and run end
# with a status and a message, never a signal or a hang; SQLITE_MUTANTS of them, default 150).
set -u
wasmscope=$1
wasm=$2
native=$3
case_name=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*"
  for f in "$work"/out "$work"/err; do
    [ -s "$f" ] && { echo "--- $(basename "$f"):"; head -c 4000 "$f"; }
  done
  exit 1
}

# same_answers MODULE: the guest's output equals the native build's, in memory and on a file.
same_answers() {
  local module=$1
  "$native" 3000 >"$work/expected" || fail "the native build failed"
  timeout -k 5 300 "$wasmscope" run "$module" 3000 >"$work/out" 2>"$work/err" ||
    fail "exit status $? in memory"
  cmp -s "$work/expected" "$work/out" || { diff "$work/expected" "$work/out"; fail "in memory"; }
  mkdir "$work/db" "$work/native-db"
  (cd "$work/native-db" && "$native" 3000 test.db >"$work/expected") || fail "native, on a file"
  timeout -k 5 300 "$wasmscope" run --dir "$work/db::/db" "$module" 3000 /db/test.db \
    >"$work/out" 2>"$work/err" || fail "exit status $? on a file"
  cmp -s "$work/expected" "$work/out" || { diff "$work/expected" "$work/out"; fail "on a file"; }
  # The database file itself is SQLite's format, readable natively: the guest wrote it right.
  [ "$(head -c 15 "$work/db/test.db")" = "SQLite format 3" ] || fail "no database file written"
  (cd "$work/db" && "$native" 0 test.db >"$work/reread" 2>&1)
  grep -q "already exists" "$work/reread" || fail "the native build could not read the guest's file"
}

case $case_name in
  interp)
    same_answers "$wasm"
    ;;
  compiled)
    # Compiled once ahead of time at the default level (the JIT's very pipeline), run twice.
    timeout -k 5 300 "$wasmscope" compile "$wasm" -o "$work/sqlite.cwasm" >"$work/out" 2>"$work/err" ||
      fail "compile: exit status $?"
    same_answers "$work/sqlite.cwasm"
    ;;
  max_memory)
    # 50,000 rows need more than 2 MiB: memory.grow fails, SQLite reports SQLITE_NOMEM.
    timeout -k 5 300 "$wasmscope" run --max-memory 2M "$wasm" 50000 >"$work/out" 2>"$work/err"
    status=$?
    [ "$status" -eq 1 ] || fail "exit status $status, expected 1"
    grep -q "^sqlite error 7: out of memory$" "$work/out" || fail "no out-of-memory error"
    grep -q "trap" "$work/err" && fail "a trap, not SQLite's own error"
    ;;
  max_memory_min)
    timeout -k 5 60 "$wasmscope" run --max-memory 64K "$wasm" >"$work/out" 2>"$work/err"
    status=$?
    [ "$status" -eq 1 ] || fail "exit status $status, expected 1"
    grep -qE "unlinkable at 0x0: memory of [0-9]+ pages \(.*\) exceeds the store's limit of 64 KiB per memory$" \
      "$work/err" || fail "no message naming the limit"
    [ -s "$work/out" ] && fail "the program ran"
    ;;
  sigquit_storm)
    # 1,000 SIGQUITs, each after the previous dump came out, while SQLite works in the
    # interpreter (about 9 s at 200,000 rows; the dumps need 2 to 5): the same output.
    "$native" 200000 >"$work/expected" || fail "the native build failed"
    python3 "$(dirname "$0")/storm.py" 1000 "$work/expected" "$wasmscope" run --tier interp \
      "$wasm" 200000 >"$work/out" 2>&1 || fail "the storm changed something (see above)"
    cat "$work/out"
    ;;
  mutants)
    python3 "$(dirname "$0")/mutants.py" "$wasmscope" "$wasm" "${SQLITE_MUTANTS:-150}" \
      "$work" >"$work/out" 2>&1 || fail "a mutant crashed or hung (see above)"
    cat "$work/out"
    ;;
  *)
    echo "sqlite_test.sh: unknown case $case_name" >&2
    exit 2
    ;;
esac
echo "ok: $case_name"
