#!/usr/bin/env bash
# Load benchmark of `serve`: wrk (Debian package wrk) drives /api/search and /api/products/{id}/similar
# on loopback with 64 connections and reports throughput and p50/p99 latency. Builds a synthetic
# catalogue of N products (random unit vectors of the model's size) once; the model is a full-size
# ViT-B/32 package with random weights (tools/bench.sh exports one), so text queries cost what they
# cost in production. Not part of the tests.
#
#   tools/load-bench.sh [N=20000] [MODEL_DIR=target/bench-model/vit-b-32-random]
#   env: PORT (default 18080), DURATION (default 10s), WARMUP (default 8s: the JIT compiles the HTTP
#        path meanwhile), CONNECTIONS (64)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-20000}"
model="${2:-target/bench-model/vit-b-32-random}"
build=target
port="${PORT:-18080}"
duration="${DURATION:-10s}"
warmup="${WARMUP:-8s}"
connections="${CONNECTIONS:-64}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -f "$model/lookalike-model.json" ] || { echo "no model package at $model: run tools/bench.sh once, or pass one" >&2; exit 1; }
name=$(sed -n 's/^ *"name": *"\([^"]*\)".*/\1/p' "$model/lookalike-model.json" | head -1)
dim=$(sed -n 's/^ *"dim": *\([0-9]*\).*/\1/p' "$model/lookalike-model.json" | head -1)
if [ ! -f "$build/quarkus-app/quarkus-run.jar" ] || [ ! -d "$build/test-classes" ]; then
  mvn -B -q test-compile package -DskipTests
fi
work="$build/load-bench"
mkdir -p "$work"
catalogue="$work/catalogue-$n-$dim.db"
if [ ! -f "$catalogue.ids" ]; then
  rm -f "$catalogue"*
  echo "building a synthetic catalogue of $n products ($dim-d vectors, collection $name)…" >&2
  java -cp "$build/classes:$build/test-classes:$build/quarkus-app/lib/main/*" \
    dev.lookalike.web.SyntheticCatalogue "$catalogue" "$n" "$dim" "$name" >/dev/null
fi

export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$PWD/$build/djl-cache}" DJL_OFFLINE=true
java -Xmx4g --add-modules jdk.incubator.vector -jar "$build/quarkus-app/quarkus-run.jar" serve \
  --port "$port" --catalog "$catalogue" --model "$model" 2>"$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -fsS "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.2
done
# "similar" is measured as served once the lookalike lists are worked out (lookalike.search.lookalikes)
for _ in $(seq 1 600); do
  grep -q "lookalike lists of .* ready" "$work/serve.log" && break
  sleep 0.2
done
grep -o "lookalike lists of .* ready in .*" "$work/serve.log" >&2 || echo "no lookalike lists after 2 minutes" >&2

# wrk scripts: a random product per request; queries from a small set (cached after the first), or
# new word combinations (the text tower runs for almost every request)
cat > "$work/similar.lua" <<LUA
local ids = {}
for line in io.lines("$catalogue.ids") do ids[#ids + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/products/" .. ids[math.random(#ids)] .. "/similar?limit=20")
end
LUA
cat > "$work/search.lua" <<'LUA'
local words = {"red", "gold", "purple", "brushed", "nickel", "faucet", "kitchen", "matte", "black", "chrome",
  "oil", "rubbed", "bronze", "single", "handle", "pull", "down", "wall", "mounted", "white", "brass",
  "modern", "vintage", "tall", "short", "copper", "steel", "glass", "wood", "blue"}
local fixed = {"gold faucet", "red dress", "black kitchen faucet", "brushed nickel", "chrome -gold"}
local mode = os.getenv("SEARCH_MODE") or "repeat"
math.randomseed(os.time())
request = function()
  local q
  if mode == "repeat" then
    q = fixed[math.random(#fixed)]
  else
    q = words[math.random(#words)] .. "+" .. words[math.random(#words)] .. "+" .. words[math.random(#words)]
  end
  return wrk.format("GET", "/api/search?limit=20&q=" .. q:gsub(" ", "+"))
end
LUA

run() { # connections, label, script, [env]
  local c=$1 label=$2 script=$3
  local out threads=$(( c < 2 ? 1 : 2 ))
  env "${@:4}" wrk -t"$threads" -c"$c" -d"$warmup" -s "$script" "http://127.0.0.1:$port" >/dev/null 2>&1 # warm-up (JIT)
  out=$(env "${@:4}" wrk -t"$threads" -c"$c" -d"$duration" --timeout 10s --latency -s "$script" "http://127.0.0.1:$port" 2>&1)
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)
  printf '%-40s %4s conn %10s req/s   p50 %8s   p99 %8s   %s\n' "$label" "$c" "$rps" "$p50" "$p99" \
    "${errors:-no errors}"
}

echo "$n products, model $name ($dim-d), $(nproc) cores, $duration per run after a $warmup warm-up:"
for c in $connections 1; do
  run "$c" "similar (random product)" "$work/similar.lua"
  run "$c" "search (5 repeated queries)" "$work/search.lua" SEARCH_MODE=repeat
  run "$c" "search (new word triples: text tower)" "$work/search.lua" SEARCH_MODE=fresh
done
