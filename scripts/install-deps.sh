#!/usr/bin/env bash
# Installs the Debian 12 packages wasmscope needs to build and test, if any is missing.
# Runs apt-get only when something is missing; works as root or through sudo.
set -euo pipefail

packages=(
  g++ cmake ninja-build            # build
  libgtest-dev nlohmann-json3-dev  # unit tests, the CLI's JSON parsing
  wabt                             # wast2json for the spec runner, wat2wasm for the examples
  clang-16 lld-16                  # the clang CI build, libFuzzer, the C example (wasm-ld)
  llvm-16                          # llvm-dwarfdump-16: expected values for the DWARF tests
  libclang-rt-16-dev libclang-rt-16-dev-wasm32 wasi-libc
  clang-19 lld-19 libclang-rt-19-dev-wasm32  # pthread guests (tests/threads) for wasm32-wasip1-threads
  abigail-tools                    # abidiff, for the public ABI baseline
  nodejs                           # the WASI differential test runs guests under node too
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages are installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
