#!/usr/bin/env bash
# Screenshots of the editor in the browser for docs/cms.md, taken in Debian's Chromium
# by the same script as the browser test (tests/cms/editor.mjs), on a copy of the example
# site with the editor turned on and decap-cms served from node_modules.
#
#   npm ci && tests/cms/screenshots.sh            # writes docs/screenshots/cms/*.png
#
# RAPPORT names the rapport binary (default: `cargo run --quiet --`).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
rapport=${RAPPORT:-"cargo run --quiet --manifest-path $root/Cargo.toml --"}
dist=node_modules/decap-cms/dist
test -f "$dist/decap-cms.js" || { echo "run npm ci first: $dist/decap-cms.js is missing" >&2; exit 1; }

work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
site=$work/site
mkdir -p "$site/static/decap"
cp -r site.yaml content themes "$site/"
cp "$dist"/*decap-cms.js "$dist"/*.wasm "$site/static/decap/"
printf '\ncms:\n  backend: github\n  repo: example/safer-communities\n  script: /static/decap/decap-cms.js\n' >> "$site/site.yaml"

(cd "$site" && exec $rapport serve --port 0 --cms --cms-port 0 > "$work/serve.log" 2>/dev/null) &
server=$!
for _ in $(seq 1 600); do
  grep -q '^editing at' "$work/serve.log" 2>/dev/null && break
  sleep 0.5
done
admin=$(sed -n 's/^editing at \(http[^,]*\),.*/\1/p' "$work/serve.log")
test -n "$admin" || { echo "rapport serve --cms did not start" >&2; exit 1; }

rm -rf docs/screenshots/cms
node tests/cms/editor.mjs "$admin" docs/screenshots/cms | tail -1
rm -f docs/screenshots/cms/cms-failed.png
ls docs/screenshots/cms
