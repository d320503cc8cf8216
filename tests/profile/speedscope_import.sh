#!/usr/bin/env bash
# speedscope_import.sh FIXTURE OUTDIR: loads the fixture's speedscope JSON into the speedscope
# app from the npm package (its own importer, in headless Chromium), the way its command line
# does: a script calling speedscope.loadFileFromBase64(), named in the page's #localProfilePath.
# Checks the page the importer built names the profile and both threads; leaves a screenshot,
# OUTDIR/speedscope.png, for people to look at.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
fixture=$1 out=$2
require_node_modules
require_chromium
fresh_dir "$out"
"$fixture" "$out"
printf 'speedscope.loadFileFromBase64("profile.speedscope.json", "%s")\n' \
  "$(base64 -w0 "$out/profile.speedscope.json")" >"$out/load.js"
app="file://$profile_tests_dir/node_modules/speedscope/dist/release/index.html#localProfilePath=$out/load.js"
log=$out/chromium.log
# A virtual-time budget lets the page finish loading and importing before the DOM is dumped.
if ! chromium_headless "$log" --virtual-time-budget=10000 --window-size=1200,800 --dump-dom \
    "$app" >"$out/dom.html"; then
  echo "FAIL: Chromium did not load speedscope (see $log)" >&2
  exit 1
fi
chromium_headless "$log" --virtual-time-budget=10000 --window-size=1200,800 \
  --screenshot="$out/speedscope.png" "$app" >/dev/null || true

# What the importer shows, written from the fixture's description: the document's name as the
# page title, the first thread selected (1 of 2), and both threads by name in the list.
failed=0
for expected in \
    '<title>fixture.wasm (cpu, 1000 Hz, 7 samples lost) - speedscope</title>' \
    'main (4 samples lost) <span' \
    '(1/2)' \
    'thread 2 (1 sample lost)'; do
  if grep -qF -- "$expected" "$out/dom.html"; then
    echo "ok   speedscope shows: $expected"
  else
    echo "FAIL speedscope does not show: $expected"
    failed=$((failed + 1))
  fi
done
echo "$((4 - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
