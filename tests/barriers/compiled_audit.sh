#!/usr/bin/env bash
# The barrier audit of the compiled tier's generated code for a cross build's target: the host
# wasmscope compiles each guest for TARGET at levels 0 and 2 (`compile --target`), and
# scripts/audit-barriers.sh reads every instruction of their entries and bodies, with the
# interpreter's handlers and the runtime's transition functions of BUILD_DIR. Fails on any
# barrier-class instruction, or if a guest does not compile. A guest may be a .wat file
# (assembled with wat2wasm, the threads proposal enabled).
#
#   compiled_audit.sh HOST_CLI TARGET BUILD_DIR GUEST.wasm|GUEST.wat...
set -uo pipefail
if [ $# -lt 4 ]; then
  echo "usage: compiled_audit.sh HOST_CLI TARGET BUILD_DIR GUEST.wasm..." >&2
  exit 2
fi
host=$1 target=$2 build=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/compiled-audit.XXXXXX")
trap 'rm -rf "$work"' EXIT
args=()
for guest in "$@"; do
  name=$(basename "${guest%.*}")
  if [ "${guest##*.}" = wat ]; then
    wat2wasm --enable-threads "$guest" -o "$work/$name.wasm" || exit 1
    guest=$work/$name.wasm
  fi
  for level in 0 2; do
    out=$work/$name-O$level.cwasm
    if ! "$host" compile --target "$target" --opt-level "$level" "$guest" -o "$out"; then
      echo "compiled_audit: $host could not compile $guest for $target at level $level" >&2
      exit 1
    fi
    args+=(--cwasm "$out")
  done
done
exec bash "$here/../../scripts/audit-barriers.sh" "${args[@]}" "$build"
