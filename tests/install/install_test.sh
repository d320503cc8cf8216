#!/usr/bin/env bash
# Installs a build into a fresh temporary prefix and checks what an embedder gets there:
#   - every public header (identical to include/), the CLI, libwasmscope.so with its soname
#     and symlinks, libwasmscope.a, the CMake package and the pkg-config files;
#   - the shared library exports only the public API (nothing of wasmscope::internal);
#   - no installed text file names the source or build directory, and the prefix still works
#     after it is moved elsewhere (every consumer below uses the moved copy);
#   - consumer/ (a copy outside the source tree) built with CMake's find_package against the
#     shared and the static target, and with plain pkg-config and the compilers directly;
#     each program runs and prints what it should;
#   - examples/c (copied out of the source tree too) built with its own CMake project through
#     find_package, and with pkg-config and the C compiler directly; each of the five examples
#     runs, exits 0 and prints its "ok" line and the lines that show it did its job.
# The prefix is removed at the end, whatever happens.
#
#   install_test.sh --build DIR --consumer DIR --examples DIR --source DIR --cmake CMAKE
#     --generator GEN --make-program PROG --cc CC --cxx CXX --soname SONAME --version VERSION
# (CMake passes all of them: tests/install/CMakeLists.txt.)
set -euo pipefail

while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2 ;;
    --consumer) consumer=$2 ;;
    --examples) examples=$2 ;;
    --source) source_dir=$2 ;;
    --cmake) cmake=$2 ;;
    --generator) generator=$2 ;;
    --make-program) make_program=$2 ;;
    --cc) cc=$2 ;;
    --cxx) cxx=$2 ;;
    --soname) soname=$2 ;;
    --version) version=$2 ;;
    *) echo "install_test: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done

# Absolute and free of symlinks, as the paths that may leak into installed files would be.
source_dir=$(cd "$source_dir" && pwd -P)
build=$(cd "$build" && pwd -P)
consumer=$(cd "$consumer" && pwd -P)
examples=$(cd "$examples" && pwd -P)

work=$(mktemp -d "${TMPDIR:-/tmp}/wasmscope-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
staged=$work/staged
prefix=$work/prefix
failures=0

say() { echo "install_test: $*"; }
fail() {
  echo "install_test: FAIL: $*" >&2
  failures=$((failures + 1))
}
# run LOG COMMAND...: runs COMMAND with its output in $work/LOG; on failure shows the log and
# stops the test (nothing after a failed install or build can be checked).
run() {
  local log=$work/$1
  shift
  if ! "$@" >"$log" 2>&1; then
    head -n 60 "$log" >&2
    if [ "$(wc -l <"$log")" -gt 60 ]; then echo "    ... ($(wc -l <"$log") lines)" >&2; fi
    echo "install_test: FAIL: $*" >&2
    exit 1
  fi
}
# expect_output NAME REGEX... -- COMMAND...: runs COMMAND; it must exit 0 and its output must
# match every REGEX (grep -E, a whole line each).
expect_output() {
  local name=$1
  shift
  local res=()
  while [ "$1" != "--" ]; do res+=("$1"); shift; done
  shift
  local output status=0
  output=$("$@" 2>&1) || status=$?
  local ok=1
  [ "$status" -eq 0 ] || { fail "$name exited with status $status"; ok=0; }
  for re in "${res[@]}"; do
    grep -qE -- "^$re\$" <<<"$output" || { fail "$name: no line matching: $re"; ok=0; }
  done
  if [ "$ok" -eq 1 ]; then
    say "$name: ok"
  else
    sed 's/^/    /' <<<"$output" >&2
  fi
}

say "cmake --install $build --prefix $staged"
run install.log "$cmake" --install "$build" --prefix "$staged"

# --- What is installed ---------------------------------------------------------------------
# The library directory is whatever GNUInstallDirs chose (lib, lib64, lib/<multiarch>).
mapfile -t found < <(cd "$staged" && find . -name libwasmscope.so -printf '%h\n')
if [ "${#found[@]}" -ne 1 ]; then
  echo "install_test: FAIL: expected one libwasmscope.so under the prefix, found ${#found[@]}" >&2
  exit 1
fi
libdir_rel=${found[0]#./}
for f in bin/wasmscope "$libdir_rel/libwasmscope.a" "$libdir_rel/cmake/wasmscope/wasmscopeConfig.cmake" \
    "$libdir_rel/cmake/wasmscope/wasmscopeConfigVersion.cmake" \
    "$libdir_rel/cmake/wasmscope/wasmscopeTargets.cmake" \
    "$libdir_rel/pkgconfig/wasmscope.pc" "$libdir_rel/pkgconfig/wasmscope-static.pc"; do
  [ -f "$staged/$f" ] || fail "not installed: $f"
done
headers=0
while IFS= read -r h; do
  headers=$((headers + 1))
  if [ ! -f "$staged/include/$h" ]; then
    fail "header not installed: include/$h"
  elif ! cmp -s "$source_dir/include/$h" "$staged/include/$h"; then
    fail "installed header differs from the source: include/$h"
  fi
done < <(cd "$source_dir/include" && find . \( -name '*.h' -o -name '*.hh' \) | sed 's|^\./||')
say "$headers headers checked"

# --- The shared library: soname, symlinks, exports -----------------------------------------
lib=$staged/$libdir_rel/libwasmscope.so
dynamic=$(readelf -d "$lib")
grep -qF "Library soname: [$soname]" <<<"$dynamic" ||
  fail "soname of libwasmscope.so is not $soname: $(grep -F soname <<<"$dynamic")"
if grep -qE '\((RPATH|RUNPATH)\)' <<<"$dynamic"; then
  fail "the installed libwasmscope.so has an rpath"
fi
[ "$(readlink "$lib")" = "$soname" ] || fail "libwasmscope.so does not link to $soname"
[ "$(readlink "$staged/$libdir_rel/$soname")" = "libwasmscope.so.$version" ] ||
  fail "$soname does not link to libwasmscope.so.$version"
[ -f "$staged/$libdir_rel/libwasmscope.so.$version" ] || fail "libwasmscope.so.$version missing"

# Every defined dynamic symbol (demangled) must be public API: wasmscope_* and wasm_* C
# functions, or in namespace wasmscope but not wasmscope::internal.
symbols=$(nm -D --defined-only -C "$lib" | sed -E 's/^[0-9a-f]+ [A-Za-z] //')
leaks=$(grep -vE '^(wasmscope_|wasm_)[A-Za-z0-9_]*$|^wasmscope::' <<<"$symbols" || true)
internal=$(grep -E '^wasmscope::internal::' <<<"$symbols" || true)
leaks=$(printf '%s\n%s\n' "$leaks" "$internal" | sed '/^$/d')
if [ -n "$leaks" ]; then
  fail "libwasmscope.so exports non-public symbols:"
  sed 's/^/    /' <<<"$leaks" | head -20 >&2
fi
grep -qx wasmscope_copy_callstack <<<"$symbols" || fail "wasmscope_copy_callstack not exported"
grep -q '^wasmscope::Module::compile_text' <<<"$symbols" ||
  fail "wasmscope::Module::compile_text not exported"
say "$(wc -l <<<"$symbols") exported symbols checked"

# --- Relocatable: no text file names the source or build tree; the tree still works moved ---
# (Binaries keep source paths in their debug info, as any -g build does; --strip drops them.)
for dir in "$source_dir" "$build"; do
  if grep -rIlF -- "$dir" "$staged" >"$work/paths.txt"; then
    fail "installed files name $dir:"
    sed 's/^/    /' "$work/paths.txt" >&2
  fi
done
mv "$staged" "$prefix"
libdir=$prefix/$libdir_rel
say "prefix moved to $prefix"

printf '(module (func (export "f") (result i32) (i32.const 7)))\n' >"$work/seven.wat"
expect_output "installed CLI" ".*seven.wat: valid" -- "$prefix/bin/wasmscope" validate "$work/seven.wat"

# The compiler plugin, when the build has the compiled tier: installed in <libdir>/wasmscope/,
# and what the moved CLI opens to compile (not the build tree's copy).
if [ -f "$build/lib/wasmscope/libwasmscope-llvm.so" ]; then
  plugin=$libdir/wasmscope/libwasmscope-llvm.so
  if [ ! -f "$plugin" ]; then
    fail "the compiler plugin is not installed in $libdir/wasmscope"
  else
    out=$(LD_DEBUG=files "$prefix/bin/wasmscope" run --tier compiled "$work/seven.wat" \
      --invoke f 2>"$work/ld.log") || fail "the installed CLI cannot compile: $out"
    [ "$out" = 7 ] || fail "the installed CLI's compiled f() printed '$out', not 7"
    # The dynamic loader's log names every path tried; the one it mapped gets a link map.
    opened=$(grep -oE 'file=[^ ]*libwasmscope-llvm\.so \[0\];  generating link map' \
      "$work/ld.log" | head -1 | sed 's/ \[0\].*//')
    [ -n "$opened" ] && [ "$(readlink -f "${opened#file=}")" = "$(readlink -f "$plugin")" ] ||
      fail "the installed CLI opened '${opened#file=}', not $plugin"
    say "the installed CLI compiles with $plugin"
  fi
fi

# The version file: SameMajorVersion.
cat >"$work/version_check.cmake" <<EOF2
include("$libdir/cmake/wasmscope/wasmscopeConfigVersion.cmake")
message("\${PACKAGE_VERSION_COMPATIBLE}")
EOF2
version_check() {
  "$cmake" -DCMAKE_SIZEOF_VOID_P=8 -DPACKAGE_FIND_VERSION="$1" \
    -DPACKAGE_FIND_VERSION_MAJOR="${1%%.*}" -P "$work/version_check.cmake"
}
[ "$(version_check 0.1 2>&1)" = TRUE ] || fail "the package does not satisfy a request for 0.1"
[ "$(version_check 1.0 2>&1)" = FALSE ] || fail "the package claims to satisfy a request for 1.0"

# --- Consumers -----------------------------------------------------------------------------
# A copy of consumer/ outside the source tree, so nothing can reach the source tree's headers.
cp -r "$consumer" "$work/consumer"
embed_lines=("embed: add\(40, 2\) = 42" "embed: stack: spin inner run"
  "embed: C stack: consumer!spin\+0x[0-9a-f]+ consumer!inner\+0x[0-9a-f]+ consumer!run\+0x[0-9a-f]+"
  "embed: run: interrupted" "embed: ok")
c_api_lines=("c_api: copy_callstack\(NULL\): .+" "c_api: ok")

# check_linkage NAME PROGRAM shared|static: the shared build must load the moved prefix's
# library, the static one no libwasmscope at all.
check_linkage() {
  local needed
  needed=$(readelf -d "$2" | grep -F NEEDED || true)
  if [ "$3" = static ]; then
    if grep -qF libwasmscope <<<"$needed"; then fail "$1 needs libwasmscope.so: $needed"; fi
  else
    local resolved
    resolved=$(LD_LIBRARY_PATH=${4:-} ldd "$2" | grep -F libwasmscope || true)
    grep -qF "=> $libdir/$soname " <<<"$resolved" ||
      fail "$1 does not load $libdir/$soname: ${resolved:-(no libwasmscope)}"
  fi
}

# CMake: find_package(wasmscope CONFIG REQUIRED); its rpath finds the shared library.
say "consumer with CMake find_package"
cbuild=$work/cmake-build
run consumer-configure.log "$cmake" -S "$work/consumer" -B "$cbuild" -G "$generator" \
  -DCMAKE_MAKE_PROGRAM="$make_program" -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
grep -qF "wasmscope $version found in $libdir/cmake/wasmscope" "$work/consumer-configure.log" ||
  fail "find_package did not find wasmscope $version in the prefix: $(grep -F 'wasmscope ' "$work/consumer-configure.log")"
run consumer-build.log "$cmake" --build "$cbuild"
# The dependency records and the objects' debug info name every header the compiler read:
# none may be the source tree's. (Not the programs: a static one holds the archive's debug
# info, which names the sources it was built from.)
find "$cbuild" -type f ! -perm -u+x -print0 |
  xargs -0 grep -laF -- "$source_dir/include" >"$work/read.txt" || true
if [ -s "$work/read.txt" ]; then
  fail "the CMake consumer read headers from the source tree:"
  sed 's/^/    /' "$work/read.txt" >&2
fi
for kind in shared static; do
  expect_output "cmake embed_$kind" "${embed_lines[@]}" -- "$cbuild/embed_$kind"
  expect_output "cmake c_api_$kind" "${c_api_lines[@]}" -- "$cbuild/c_api_$kind"
  check_linkage "cmake embed_$kind" "$cbuild/embed_$kind" "$kind"
  check_linkage "cmake c_api_$kind" "$cbuild/c_api_$kind" "$kind"
done

# pkg-config, with the compilers directly; the shared programs run with LD_LIBRARY_PATH.
say "consumer with pkg-config"
export PKG_CONFIG_PATH=$libdir/pkgconfig
pc_version=$(pkg-config --modversion wasmscope)
[ "$pc_version" = "$version" ] || fail "pkg-config --modversion wasmscope: $pc_version"
pbuild=$work/pkg-config-build
mkdir "$pbuild"
src=$work/consumer
warn=(-Wall -Wextra -Wpedantic -Werror)
for kind in shared static; do
  pc=wasmscope
  if [ "$kind" = static ]; then pc=wasmscope-static; fi
  read -r -a cflags <<<"$(pkg-config --cflags $pc)"
  read -r -a libs <<<"$(pkg-config --libs $pc)"
  run "pc-$kind.log" "$cc" -std=c11 "${warn[@]}" -O2 "${cflags[@]}" -c "$src/c_capture.c" \
    -o "$pbuild/c_capture_$kind.o"
  run "pc-$kind.log" "$cxx" -std=c++20 "${warn[@]}" -O2 "${cflags[@]}" "$src/embed.cc" \
    "$pbuild/c_capture_$kind.o" "${libs[@]}" -o "$pbuild/embed_$kind"
  # A C program linked by the C driver: the .pc file must name the C++ runtime itself.
  run "pc-$kind.log" "$cc" -std=c11 "${warn[@]}" -O2 "${cflags[@]}" "$src/c_api.c" "${libs[@]}" \
    -o "$pbuild/c_api_$kind"
done
if grep -qF -- "$source_dir" <<<"$(pkg-config --cflags --libs wasmscope wasmscope-static)"; then
  fail "the pkg-config flags name the source tree"
fi
for kind in shared static; do
  path=
  if [ "$kind" = shared ]; then path=$libdir; fi
  expect_output "pkg-config embed_$kind" "${embed_lines[@]}" -- \
    env LD_LIBRARY_PATH="$path" "$pbuild/embed_$kind"
  expect_output "pkg-config c_api_$kind" "${c_api_lines[@]}" -- \
    env LD_LIBRARY_PATH="$path" "$pbuild/c_api_$kind"
  check_linkage "pkg-config embed_$kind" "$pbuild/embed_$kind" "$kind" "$path"
  check_linkage "pkg-config c_api_$kind" "$pbuild/c_api_$kind" "$kind" "$path"
done

# --- The C examples ------------------------------------------------------------------------
# examples/c is a standalone project: copied out of the tree, built once by its own
# CMakeLists.txt (find_package; it also builds the guest modules) and once with pkg-config and
# the C compiler directly (running the guests the first build made).
cp -r "$examples" "$work/examples"

# example_lines NAME: what example NAME must print, one grep -E regex (a whole line) per line.
example_lines() {
  case "$1" in
    hello) printf '%s\n' "hello: the guest reported 36" "hello: square_plus_one\(6\) = 37" \
      "hello: ok" ;;
    memory) printf '%s\n' "memory: the guest loads 0x12345678 from address 200" \
      "memory: load\(0x1ffff\) trapped: out of bounds memory access" "memory: ok" ;;
    wasi) printf '%s\n' \
      "wasi: the guest printed: guest: read \"a line the host wrote\", wrote /[a-z]+/output.txt; exiting with status 7" \
      "wasi: the program exited with status 7" \
      "wasi: output.txt: Hello from the host, a line the host wrote" "wasi: ok" ;;
    watchdog) printf '%s\n' \
      "wasmscope hang report #1: thread \"main\" has been in one call for .*" \
      "    at watchdog!spin_forever\+0x[0-9a-f]+" "    at watchdog!wait_for_work\+0x[0-9a-f]+" \
      "watchdog: run\(\) trapped: interrupted" "watchdog: ok" ;;
    thread_dump) printf '%s\n' "\"main\" #[0-9]+ running for .*" \
      "    at thread_dump!crunch\+0x[0-9a-f]+" \
      "thread_dump:   #0 thread_dump!crunch\+0x[0-9a-f]+ .*" \
      "thread_dump:   #1 thread_dump!compute\+0x[0-9a-f]+ .*" \
      "thread_dump:   #2 thread_dump!run\+0x[0-9a-f]+ .*" \
      "thread_dump: run\(\) trapped: interrupted .*" "thread_dump: ok" ;;
  esac
}
# run_examples HOW BIN_DIR GUEST_DIR WASI_DIR_SPEC LD_LIBRARY_PATH [COREDUMP]: runs the five
# programs of BIN_DIR on their guests in GUEST_DIR, the WASI one with WASI_DIR_SPEC
# (HOST::GUEST, or "" for the temporary directory it makes itself), thread_dump with COREDUMP
# (where it keeps its coredump) if given. TMPDIR is a fresh directory, which must be empty
# afterwards, as must the WASI directory: the examples remove what they make.
run_examples() {
  local how=$1 bin=$2 guests=$3 dir_spec=$4 path=$5 core=${6:-}
  local tmp=$work/tmp-$how
  mkdir "$tmp"
  local example guest lines args
  for example in hello memory wasi watchdog thread_dump; do
    guest=$guests/$example.wasm
    args=()
    if [ "$example" = wasi ]; then
      guest=$guests/wasi_guest.wasm
      if [ -n "$dir_spec" ]; then args=("$dir_spec"); fi
    elif [ "$example" = thread_dump ] && [ -n "$core" ]; then
      args=("$core")
    fi
    mapfile -t lines < <(example_lines "$example")
    expect_output "$how $example" "${lines[@]}" -- \
      env TMPDIR="$tmp" LD_LIBRARY_PATH="$path" timeout 60 "$bin/$example" "$guest" "${args[@]}"
  done
  if [ -n "$(ls -A "$tmp")" ]; then fail "$how: the examples left in TMPDIR: $(ls -A "$tmp")"; fi
  if [ -n "$dir_spec" ] && [ -n "$(ls -A "${dir_spec%%::*}")" ]; then
    fail "$how: wasi left in its directory: $(ls -A "${dir_spec%%::*}")"
  fi
}

say "C examples with CMake find_package"
ebuild=$work/examples-cmake-build
run examples-configure.log "$cmake" -S "$work/examples" -B "$ebuild" -G "$generator" \
  -DCMAKE_MAKE_PROGRAM="$make_program" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS=-Werror -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
grep -qF "wasmscope $version found in $libdir/cmake/wasmscope" "$work/examples-configure.log" ||
  fail "the examples' find_package did not find wasmscope $version in the prefix"
run examples-build.log "$cmake" --build "$ebuild"
find "$ebuild" -type f ! -perm -u+x -print0 |
  xargs -0 grep -laF -e "$source_dir/include" -e "$source_dir/examples" >"$work/read.txt" || true
if [ -s "$work/read.txt" ]; then
  fail "the examples' CMake build read files from the source tree:"
  sed 's/^/    /' "$work/read.txt" >&2
fi
for example in hello memory wasi watchdog thread_dump; do
  check_linkage "cmake example $example" "$ebuild/$example" shared
done
run_examples cmake "$ebuild" "$ebuild" "" ""

say "C examples with pkg-config"
ebin=$work/examples-pkg-config-build
mkdir "$ebin"
read -r -a cflags <<<"$(pkg-config --cflags wasmscope)"
read -r -a libs <<<"$(pkg-config --libs wasmscope)"
for example in hello memory wasi watchdog thread_dump; do
  run "examples-pc-$example.log" "$cc" -std=c11 "${warn[@]}" -O2 "${cflags[@]}" \
    "$work/examples/$example.c" "${libs[@]}" -pthread -o "$ebin/$example"
  check_linkage "pkg-config example $example" "$ebin/$example" shared "$libdir"
done
mkdir "$work/wasi-dir"
run_examples pkg-config "$ebin" "$ebuild" "$work/wasi-dir::/data" "$libdir" "$work/thread_dump.core"
# The coredump thread_dump wrote of its spinning guest, read by the installed CLI: the main
# thread in crunch (function 0), called from compute (1) and run (2).
expect_output "coredump of thread_dump" 'thread "main":' \
  "  #0 instance [0-9]+ func 0 \+0x[0-9a-f]+.*" "  #1 instance [0-9]+ func 1 \+0x[0-9a-f]+.*" \
  "  #2 instance [0-9]+ func 2 \+0x[0-9a-f]+.*" "memory 0: 65536 bytes.*" -- \
  "$prefix/bin/wasmscope" coredump "$work/thread_dump.core"

if [ "$failures" -ne 0 ]; then
  say "$failures check(s) failed"
  exit 1
fi
say "all checks passed"
