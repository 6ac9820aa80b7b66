#!/usr/bin/env bash
# Lighthouse scores of the gallery's pages (home, results, product, error) on the desktop and mobile presets,
# with Debian's chromium, against `serve` on a catalogue of your choice. Lighthouse comes from npm
# (installed into target/lighthouse/ on first use); nothing leaves this machine but the npm install.
#
#   tools/lighthouse.sh CATALOGUE.db MODEL_DIR [PRODUCT_ID]
# e.g. the web tests' shop: java -cp ... TestShop (see src/test/java/dev/lookalike/web/TestShop.java) with
# src/test/resources/models/colour-clip. Prints one line per page and preset: performance, accessibility,
# best practices, SEO.
set -euo pipefail
cd "$(dirname "$0")/.."
catalogue="$1"; model="$2"; product="${3:-}"
port="${PORT:-18090}"
lh=target/lighthouse
if [ ! -x "$lh/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$lh" && (cd "$lh" && npm install --silent --no-audit --no-fund lighthouse@12 >/dev/null)
fi
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q -o package -DskipTests
java -jar target/quarkus-app/quarkus-run.jar serve --port "$port" --catalog "$catalogue" --model "$model" \
  >"$lh/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && break
  sleep 1
done
if [ -z "$product" ]; then
  product=$(curl -fs "http://127.0.0.1:$port/api/search?q=red&limit=1" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' | head -1)
fi
# (an error page is left out: Lighthouse refuses to score a page answered with a 4xx status)
pages=("/" "/?q=red" "/products/$product")
for preset in desktop mobile; do
  for page in "${pages[@]}"; do
    flags=(--quiet --chrome-path=/usr/bin/chromium --output=json --output-path="$lh/report.json"
      --only-categories=performance,accessibility,best-practices,seo
      "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage")
    [ "$preset" = desktop ] && flags+=(--preset=desktop)
    "$lh/node_modules/.bin/lighthouse" "http://127.0.0.1:$port$page" "${flags[@]}" >/dev/null 2>&1 || true
    node -e '
      const r = require(process.argv[1]);
      const c = r.categories, s = k => c[k] && c[k].score !== null ? Math.round(c[k].score * 100) : "n/a";
      console.log(process.argv[2].padEnd(8), process.argv[3].padEnd(40), "perf", s("performance"), "a11y", s("accessibility"),
        "best", s("best-practices"), "seo", s("seo"));
      for (const [k, cat] of Object.entries(c)) for (const ref of cat.auditRefs) {
        const a = r.audits[ref.id]; if (ref.weight > 0 && a.score !== null && a.score < 1) console.log("    ", k, ref.id, a.score);
      }' "$(pwd)/$lh/report.json" "$preset" "$page"
  done
done
