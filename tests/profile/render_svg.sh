#!/usr/bin/env bash
# render_svg.sh FIXTURE OUTDIR: the fixture's SVG flame graph must be well-formed XML (Python's
# parser), and headless Chromium must render it to a PNG that shows its frames (check_png.py);
# OUTDIR/flame.png stays for people to look at.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
fixture=$1 out=$2
require_chromium
fresh_dir "$out"
"$fixture" "$out"
python3 -c 'import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1])' "$out/profile.svg"
echo "ok   the SVG is well-formed XML"
log=$out/chromium.log
if ! chromium_headless "$log" --window-size=1200,800 --screenshot="$out/flame.png" \
    "file://$out/profile.svg" >/dev/null || [ ! -s "$out/flame.png" ]; then
  echo "FAIL: Chromium wrote no screenshot (see $log)" >&2
  exit 1
fi
python3 "$profile_tests_dir/check_png.py" "$out/flame.png"
