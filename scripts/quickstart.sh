#!/usr/bin/env bash
# From a fresh checkout: installs what is missing, builds wasmscope (Release, Ninja, in build/)
# and runs it on the bundled examples.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build

wasmscope=build/src/tools/wasmscope
echo
echo "== $wasmscope validate build/examples/hello.wasm build/examples/fib.wasm examples/hello.wat"
"$wasmscope" validate build/examples/hello.wasm build/examples/fib.wasm examples/hello.wat
echo
echo "== $wasmscope dump build/examples/hello.wasm"
"$wasmscope" dump build/examples/hello.wasm
echo
echo "== $wasmscope dump build/examples/fib.wasm"
"$wasmscope" dump build/examples/fib.wasm
echo
echo "== $wasmscope run build/examples/fib.wasm --invoke fib 30"
"$wasmscope" run build/examples/fib.wasm --invoke fib 30
echo
echo "== $wasmscope run --dir examples/text::/text build/examples/wordcount.wasm /text/rivers.txt /text/harbour.txt"
echo "   (examples/wordcount.c, a C program compiled for WASI, reading files from a preopened directory)"
"$wasmscope" run --dir examples/text::/text build/examples/wordcount.wasm /text/rivers.txt /text/harbour.txt
echo
echo "== $wasmscope run --watchdog 1s --on-hang interrupt build/examples/hang/spin.wasm"
echo "   (examples/hang/spin.c loops forever four calls deep: the watchdog reports where, with"
echo "   source lines, then interrupts it; exit status 134 is the expected 'interrupted' trap)"
status=0
"$wasmscope" run --watchdog 1s --on-hang interrupt build/examples/hang/spin.wasm || status=$?
echo "(exit status $status)"
echo
echo "Built $wasmscope. Try '$wasmscope --help'; run the tests with scripts/test.sh."
