#!/usr/bin/env bash
# Writes the inputs of the CLI tests into OUTDIR: broken and odd files the validator must
# reject cleanly (never crash or hang on), and a large valid one.
#
#   make_inputs.sh OUTDIR HELLO_WASM
set -euo pipefail

out=$1
hello=$2
rm -rf "$out"
mkdir -p "$out/a-directory.wasm"

# A real module cut off in the middle of a section.
head -c 40 "$hello" >"$out/truncated.wasm"

# An empty file.
: >"$out/empty.wasm"

# 4096 pseudo-random bytes (a fixed linear congruential sequence, so every run sees the same
# bytes), once bare and once behind a valid preamble so decoding reaches the sections.
seed=12345
bytes=""
for ((i = 0; i < 4096; i++)); do
  seed=$(((seed * 1103515245 + 12345) % 2147483648))
  bytes+=$(printf '\\x%02x' $(((seed >> 16) & 255)))
done
printf "$bytes" >"$out/random.bin"
{ printf '\x00asm\x01\x00\x00\x00'; printf "$bytes"; } >"$out/random-preamble.wasm"

# A type section that claims 2^32-1 entries in five bytes: must be malformed, not a huge
# allocation.
printf '\x00asm\x01\x00\x00\x00\x01\x05\xff\xff\xff\xff\x0f' >"$out/huge-count.wasm"

# A valid 32 MiB module: one custom section "big" of zeros (size 0x2000004 as LEB128).
{
  printf '\x00asm\x01\x00\x00\x00\x00\x84\x80\x80\x10\x03big'
  head -c 33554432 /dev/zero
} >"$out/huge.wasm"

# A module with 300 KiB of code (300 functions of 341 `i32.const 1; i32.add`, 1 KiB each):
# more than `run --tier compiled` compiles at level 2 by default. f0(x) = x + 341.
awk 'BEGIN {
  print "(module"
  for (f = 0; f < 300; f++) {
    printf "  (func (export \"f%d\") (param i32) (result i32)\n    local.get 0\n", f
    for (i = 0; i < 341; i++) print "    i32.const 1\n    i32.add"
    print "  )"
  }
  print ")"
}' >"$out/big-code.wat"

# Text: a valid module, and one with a syntax error on line 3.
printf '(module\n  (func (export "f") (result i32)\n    (i32.const 1)))\n' >"$out/ok.wat"
printf '(module\n  (func (result i32)\n    (i32.const)))\n' >"$out/bad-syntax.wat"
# Text that parses but does not validate.
printf '(module (func (result i32) (i64.const 1)))\n' >"$out/bad-type.wat"
