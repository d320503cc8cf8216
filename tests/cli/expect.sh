#!/usr/bin/env bash
# Runs a command and checks its exit status and output (stdout and stderr together).
#
#   expect.sh STATUS [-e REGEX]... [-n REGEX]... [-x FILE] -- COMMAND [ARGS...]
#
# STATUS is the exit status the command must end with; each -e REGEX (grep -E) must match the
# output, each -n REGEX must not; with -x the output must be FILE's contents exactly. Prints
# the command's output when a check fails.
set -u

if [ $# -lt 3 ]; then
  echo "usage: expect.sh STATUS [-e REGEX]... [-n REGEX]... [-x FILE] -- COMMAND [ARGS...]" >&2
  exit 2
fi
want_status=$1
shift
must=()
must_not=()
exact=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case "$1" in
    -e) must+=("$2"); shift 2 ;;
    -n) must_not+=("$2"); shift 2 ;;
    -x) exact=$2; shift 2 ;;
    *) echo "expect.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "${1:-}" = "--" ] && shift

output=$("$@" 2>&1)
status=$?
failed=0
if [ "$status" -ne "$want_status" ]; then
  echo "FAIL: exit status $status, expected $want_status"
  failed=1
fi
for re in ${must[@]+"${must[@]}"}; do
  if ! grep -qE -- "$re" <<<"$output"; then
    echo "FAIL: output does not match: $re"
    failed=1
  fi
done
for re in ${must_not[@]+"${must_not[@]}"}; do
  if grep -qE -- "$re" <<<"$output"; then
    echo "FAIL: output matches, but must not: $re"
    failed=1
  fi
done
if [ -n "$exact" ] && ! diff -u "$exact" <(printf '%s\n' "$output"); then
  echo "FAIL: output differs from $exact"
  failed=1
fi
echo "--- $* (exit $status)"
if [ "$failed" -ne 0 ] || [ -n "${VERBOSE:-}" ]; then
  printf '%s\n' "$output" | head -c 20000
fi
exit "$failed"
