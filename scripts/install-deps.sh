#!/usr/bin/env bash
# Installs the Debian 12 packages wasmscope needs to build and test, if any is missing, then the
# npm packages pinned in tests/profile/package-lock.json (the profile formats' own readers) and
# tests/sqlite/package-lock.json (SQLite's sources), if they are missing or older than the lock
# file. Runs apt-get and npm only when something is
# missing; apt works as root or through sudo. Quiet: one line per phase; the tools' own output
# goes to a log that is printed in full only if a step fails.
# Every program any script or test runs is listed here (scripts/fresh-check.sh proves it on a
# minbase Debian 12).
set -euo pipefail

packages=(
  g++ cmake ninja-build            # build
  libgtest-dev nlohmann-json3-dev  # unit tests, the CLI's JSON parsing
  wabt                             # wast2json for the spec runner, wat2wasm for the examples
  clang-16 lld-16                  # the clang CI build, libFuzzer, the C example (wasm-ld)
  llvm-16                          # llvm-dwarfdump-16: expected values for the DWARF tests
  llvm-19-dev                      # the compiled tier (src/compiler/): LLVM 19 libraries and headers
  libclang-rt-16-dev libclang-rt-16-dev-wasm32 wasi-libc
  clang-19 lld-19 libclang-rt-19-dev-wasm32  # pthread guests (tests/threads) for wasm32-wasip1-threads
  abigail-tools                    # abidiff, for the public ABI baseline
  binaryen                         # wasm-opt: generates and runs the modules of the differential
                                   # test (tests/diff). clang runs it at optimizing wasm links too,
                                   # so guests are compiled with -c and linked without -O
  nodejs                           # the WASI differential test runs guests under node too
                                   # (and tests/profile runs the formats' npm readers)
  zlib1g-dev                       # zlib: diag gzips pprof profiles (src/diag/profile_pprof.cc)
  chromium                         # headless: renders SVG flame graphs, runs speedscope (tests/profile)
  python3                          # raw socket clients and servers in tests/hang
  procps                           # pgrep in tests/hang
  pkgconf                          # pkg-config, for the installed-package test (tests/install)
  # The ARM cross builds (cmake/toolchains/, docs/testing.md "ARM"): cross compilers, qemu-user
  # to run their programs, and zlib for each target from Debian's multiarch archive (the
  # foreign architectures are added below).
  g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user-static
  zlib1g-dev:arm64 zlib1g-dev:armhf
)
# Architectures whose multiarch packages are listed above ("name:arch").
foreign_architectures=(arm64 armhf)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
# npm, for `npm ci` below: Debian's nodejs leaves it to the npm package, while node builds that
# bundle it (NodeSource's) conflict with that package, so it is asked for only when missing.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

log=$(mktemp /tmp/install-deps.XXXXXX.log)

# step DESCRIPTION COMMAND...: one line for the phase; the whole log if it fails.
step() {
  local description=$1
  shift
  echo "install-deps: $description"
  if ! "$@" >>"$log" 2>&1; then
    echo "install-deps: FAILED: $*" >&2
    cat "$log" >&2
    exit 1
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages are installed"
else
  if [ "$(id -u)" -eq 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  for arch in "${foreign_architectures[@]}"; do
    if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
      step "adding the package architecture $arch" "${sudo[@]}" dpkg --add-architecture "$arch"
    fi
  done
  # A mirror in the middle of a sync can fail one index ("File has unexpected size") while the
  # rest update: try three times, then go on with the lists there are; the install below fails
  # with apt's own message if a package really cannot be found.
  echo "install-deps: updating the package lists"
  updated=0
  for attempt in 1 2 3; do
    if "${sudo[@]}" apt-get update -q >>"$log" 2>&1; then
      updated=1
      break
    fi
    [ "$attempt" -lt 3 ] && sleep 15
  done
  if [ "$updated" -eq 0 ]; then
    echo "install-deps: warning: apt-get update failed 3 times; going on with the lists it got:" >&2
    grep -E '^(E|W|Err):' "$log" | tail -n 5 >&2
  fi
  # The foreign architectures' packages go in a second install: only the ARM cross builds need
  # them, and a mirror whose foreign index is broken (a Multi-Arch: same package then has no
  # version matching the native one) must not keep the native toolchain, and with it the
  # quickstart, from being installed. If they fail, the ARM stages of scripts/test.sh fail,
  # saying which library is missing; this says so first.
  native=() foreign=()
  for package in "${missing[@]}"; do
    case $package in
      *:*) foreign+=("$package") ;;
      *) native+=("$package") ;;
    esac
  done
  if [ ${#native[@]} -gt 0 ]; then
    step "installing ${#native[@]} packages: ${native[*]}" \
      "${sudo[@]}" apt-get install -y -q --no-install-recommends "${native[@]}"
  fi
  if [ ${#foreign[@]} -gt 0 ]; then
    echo "install-deps: installing ${#foreign[@]} packages of other architectures: ${foreign[*]}"
    if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${foreign[@]}" \
        >>"$log" 2>&1; then
      echo "install-deps: warning: could not install ${foreign[*]}; the ARM cross builds" \
        "(scripts/test.sh's aarch64 and armv7 stages) will fail until they are installed:" >&2
      grep -E '^(E|W|Err):| : Depends:' "$log" | tail -n 8 >&2
    fi
  fi
fi

# The profile formats' readers (tests/profile), exactly as package-lock.json pins them. npm ci
# records what it installed in node_modules/.package-lock.json: a newer lock file means the
# pins changed.
profile_tests=$(cd "$(dirname "$0")/../tests/profile" && pwd)
if [ ! -f "$profile_tests/node_modules/.package-lock.json" ] ||
    [ "$profile_tests/package-lock.json" -nt "$profile_tests/node_modules/.package-lock.json" ]; then
  step "installing the npm packages of tests/profile (npm ci)" \
    npm ci --prefix "$profile_tests" --no-audit --no-fund --loglevel=error
else
  echo "install-deps: the npm packages of tests/profile are installed"
fi
# SQLite's C sources for tests/sqlite (a large real program for the runtime's tests), from the
# npm package better-sqlite3 as tests/sqlite/package-lock.json pins it. --ignore-scripts: its
# install script would build a node addon; only deps/sqlite3/sqlite3.c and .h are used.
sqlite_tests=$(cd "$(dirname "$0")/../tests/sqlite" && pwd)
if [ ! -f "$sqlite_tests/node_modules/.package-lock.json" ] ||
    [ "$sqlite_tests/package-lock.json" -nt "$sqlite_tests/node_modules/.package-lock.json" ]; then
  step "installing SQLite's sources for tests/sqlite (npm ci --ignore-scripts)" \
    npm ci --prefix "$sqlite_tests" --ignore-scripts --no-audit --no-fund --loglevel=error
else
  echo "install-deps: SQLite's sources for tests/sqlite are installed"
fi
rm -f "$log"
echo "install-deps: done"
