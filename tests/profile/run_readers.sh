#!/usr/bin/env bash
# run_readers.sh FIXTURE OUTDIR: the fixture writes its profile in every format to OUTDIR, then
# check_formats.mjs reads them with pprof-format, speedscope's schema (ajv), a folded-stacks
# parser and node's JavaScript compiler (the SVG's script).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
fixture=$1 out=$2
require_node_modules
fresh_dir "$out"
"$fixture" "$out"
node "$profile_tests_dir/check_formats.mjs" "$out"
