# Shared by scripts/check-abi.sh and scripts/update-abi.sh (sourced, from the repository root):
# where the baseline lives, how it is written, and how a build's libwasmscope.so is found.

abi_baseline=abi/libwasmscope.abi
abi_compiler_file=abi/compiler.txt
abi_suppressions=abi/suppressions.abignore
# Only the exported functions and the types they reach (without it the baseline also describes
# every internal type in the DWARF, six times the size); no build or source paths; type ids
# derived from the types rather than numbered in order (an update then touches only what
# changed); file names without directories in locations.
abidw_options=(--exported-interfaces-only --no-corpus-path --no-comp-dir-path --short-locs
  --type-id-style hash)

# abi_library BUILD_DIR: prints the path of BUILD_DIR's libwasmscope.so, or explains and fails.
abi_library() {
  local lib=$1/src/shared/libwasmscope.so
  if [ ! -e "$lib" ]; then
    echo "abi: $lib not found; build it first: cmake --build $1 --target wasmscope_shared" >&2
    return 1
  fi
  # Read the whole listing first: "readelf | grep -q" can fail under pipefail when grep stops
  # early and readelf gets SIGPIPE.
  local sections
  sections=$(readelf -S "$lib")
  if ! grep -q '\.debug_info' <<<"$sections"; then
    echo "abi: $lib has no debug info; abidiff needs it (the libraries build with -g)" >&2
    return 1
  fi
  echo "$lib"
}

# abi_compiler LIB: the compiler that built LIB, from its .comment section ("GCC: (Debian
# 12.2.0-14+deb12u1) 12.2.0", or the clang line when clang built it).
abi_compiler() {
  local comments
  comments=$(readelf -p .comment "$1" | sed -nE 's/^ *\[ *[0-9a-f]+\] *//p')
  if grep -q 'clang version' <<<"$comments"; then
    grep -m1 'clang version' <<<"$comments"
  else
    grep -m1 '^GCC:' <<<"$comments"
  fi
}
