#!/usr/bin/env bash
# A .cwasm file of another architecture is refused by name: the file's architecture and this
# wasmscope's, in every build (also one without the compiled tier, as the ARM builds are).
# The file is made from scratch for riscv64, which no build of this project targets.
#
#   foreign_cwasm_test.sh CLI SOURCE_DIR THIS_ARCH
set -u
cli=$1 src=$2 arch=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/foreign-cwasm.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$src/cwasm_edit.py" - "$work/riscv.cwasm" synthetic:riscv64-linux-gnu || exit 1
out=$("$cli" run "$work/riscv.cwasm" 2>&1); status=$?
echo "$out"
[ "$status" = 1 ] || { echo "FAIL: exit status $status, expected 1"; exit 1; }
want="holds code for riscv64 \\(riscv64-linux-gnu\\), and this wasmscope runs on $arch \\($arch-linux-gnu"
grep -qE -- "$want" <<<"$out" || { echo "FAIL: output does not match: $want"; exit 1; }
echo PASS
