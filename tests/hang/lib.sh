# Shared by the tests/hang scripts (sourced): the scratch directory, failure bookkeeping,
# output checks and the verdict.
failed=0

# $work, the scratch directory: the sourcing script's own if it made one (with its own
# cleanup), else a new one removed at exit.
if [ -z "${work:-}" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

fail() {
  echo "FAIL: $*"
  failed=1
}

# expect_match FILE REGEX: FILE must contain a line matching REGEX (grep -E).
expect_match() {
  grep -qE -- "$2" "$1" || fail "$(basename "$1") does not match: $2"
}

# finish CASE: exits 1 after showing the run's output if any check failed, else says ok.
finish() {
  if [ "$failed" -ne 0 ]; then
    echo "--- stdout"; cat "$work/out" 2>/dev/null
    echo "--- stderr"; head -60 "$work/err" 2>/dev/null
    exit 1
  fi
  echo "ok: $1"
}
