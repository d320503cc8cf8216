#!/usr/bin/env bash
# zoom_svg.sh FIXTURE OUTDIR: the flame graph's click-to-zoom script, run by headless Chromium
# on the fixture's SVG: zoom_check.html clicks frames and reports what changed (widths, hidden
# frames, labels, reset), one "ok"/"FAIL" line per check.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
fixture=$1 out=$2
require_chromium
fresh_dir "$out"
"$fixture" "$out"
log=$out/chromium.log
# The check page reads the SVG document inside its <object>: both are file: URLs, which
# Chromium keeps apart unless told otherwise.
if ! chromium_headless "$log" --allow-file-access-from-files --virtual-time-budget=10000 \
    --dump-dom "file://$profile_tests_dir/zoom_check.html?svg=file://$out/profile.svg" \
    >"$out/dom.html"; then
  echo "FAIL: Chromium did not run zoom_check.html (see $log)" >&2
  exit 1
fi
results=$(sed -n '/<pre id="result">/,/<\/pre>/p' "$out/dom.html" | sed -e 's/<[^>]*>//g' \
  -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g')
echo "$results"
passed=$(grep -c '^ok ' <<<"$results" || true)
failed=$(grep -c '^FAIL ' <<<"$results" || true)
echo "$passed passed, $failed failed"
# Eleven checks, all of them run and passed.
[ "$failed" -eq 0 ] && [ "$passed" -eq 11 ]
