# Sourced by the test scripts here: where the pinned npm packages are, and headless Chromium.

profile_tests_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Fails (never skips) when `npm ci` has not installed package-lock.json's packages.
require_node_modules() {
  local package
  for package in pprof-format speedscope ajv; do
    if [ ! -f "$profile_tests_dir/node_modules/$package/package.json" ]; then
      echo "error: $profile_tests_dir/node_modules/$package is missing: run scripts/install-deps.sh" \
        "(or: npm ci --prefix tests/profile)" >&2
      exit 1
    fi
  done
}

require_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    echo "error: chromium is not installed: run scripts/install-deps.sh" >&2
    exit 1
  fi
}

# chromium_headless LOG ARGS...: headless Chromium with a throwaway profile and no background
# network services, at most 90 s; its chatter (D-Bus, GPU) goes to LOG.
chromium_headless() {
  local log=$1
  shift
  local user_data status=0
  user_data=$(mktemp -d)
  timeout -k 5 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$user_data" "$@" 2>>"$log" || status=$?
  rm -rf "$user_data"
  return "$status"
}

# fresh_dir DIR: DIR, emptied.
fresh_dir() {
  rm -rf "$1"
  mkdir -p "$1"
}
