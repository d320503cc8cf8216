# Shared by the tests/hang scripts (sourced): failure bookkeeping, output checks and the
# verdict. The sourcing script sets $work (its scratch directory) before calling finish.
failed=0

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
