#!/usr/bin/env bash
# Measures what fly.toml is sized from: time from start to /q/health/ready and resident memory (RSS)
# of `serve` at ready, then after a text query, a similar query and a photo search (which loads the
# image tower) once the lookalike lists are worked out, on the JVM build as the Docker image runs it: production profile, a read-only copy of
# a baked 20,000-product catalogue, a full-size ViT-B/32 (random weights; tools/bench.sh exports one as
# an open_clip Hub repo, which the Java towers run, the default here, and as a TorchScript package), no
# network. Then starts it once more, on the derived vector and start files the first start wrote, for the
# warm start time and its RSS (at ready, after a text and a similar query, once the words and same-item groups
# or the lookalike lists are worked out). Writes the figures to tools/measured-serve.json (FlyTomlTest reads it), or to $MEASURE_OUT.
# SERVE_JAVA_OPTS replaces Dockerfile.jvm's heap flag (-XX:MaxRAMPercentage=40), e.g. -Xmx1g, and
# SERVE_JAVA_OPTS_WARM that of the warm start only (which finds the same-item groups worked out); any
# LOOKALIKE_* variable set is passed on to serve.
#
#   tools/measure-serve.sh [N=20000] [MODEL_DIR=target/bench-model/vit-b-32-random-hub]
#   MEASURE_OUT=target/measured-serve-1m.json SERVE_JAVA_OPTS=-Xmx1g tools/measure-serve.sh 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-20000}"
model="${2:-target/bench-model/vit-b-32-random-hub}"
port="${PORT:-18081}"
if [ -f "$model/lookalike-model.json" ]; then
  name=$(sed -n 's/^ *"name": *"\([^"]*\)".*/\1/p' "$model/lookalike-model.json" | head -1)
  dim=$(sed -n 's/^ *"dim": *\([0-9]*\).*/\1/p' "$model/lookalike-model.json" | head -1)
  kind="TorchScript package"
elif [ -f "$model/open_clip_config.json" ]; then
  name=$(basename "$model")   # a checkpoint folder's collection is named after the folder
  dim=$(sed -n 's/^ *"embed_dim": *\([0-9]*\).*/\1/p' "$model/open_clip_config.json" | head -1)
  kind="open_clip checkpoint on the Java towers"
else
  echo "no model at $model: run tools/bench.sh once, or pass a package or checkpoint folder" >&2; exit 1
fi
[ -f target/quarkus-app/quarkus-run.jar ] && [ -d target/test-classes ] || mvn -B -q test-compile package -DskipTests
work=target/measure-serve
mkdir -p "$work"
live="$work/live-$n-$dim.db"
if [ ! -f "$live" ]; then
  java -cp "target/classes:target/test-classes:target/quarkus-app/lib/main/*" \
    dev.lookalike.web.SyntheticCatalogue "$live" "$n" "$dim" "$name" >/dev/null
fi
baked="$work/baked/catalogue.db"
rm -rf "$work/baked" && mkdir -p "$work/baked"
java -jar target/quarkus-app/quarkus-run.jar bake --catalog "$live" --out "$baked" >/dev/null
chmod 444 "$baked" && chmod 555 "$work/baked"

out="${MEASURE_OUT:-tools/measured-serve.json}"
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$PWD/target/djl-cache}" DJL_OFFLINE=true LOOKALIKE_READ_ONLY=true
# the derived vector file of a read-only catalogue goes to java.io.tmpdir: a fresh one, so that the first
# start is a cold one
tmp="$PWD/$work/tmp"
rm -rf "$tmp" && mkdir -p "$tmp"
pid=
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; chmod 755 "$work/baked"' EXIT
# starts serve with the JVM flags of Dockerfile.jvm; sets pid and ready (seconds to /q/health/ready)
start_serve() {
  local start
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  java ${1:-${SERVE_JAVA_OPTS:--XX:MaxRAMPercentage=40}} -XX:+UseSerialGC --add-modules=jdk.incubator.vector -Djava.io.tmpdir="$tmp" \
    -jar target/quarkus-app/quarkus-run.jar serve --port "$port" --catalog "$baked" --model "$model" 2>"$work/serve.log" &
  pid=$!
  until curl -fsS "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1; do
    kill -0 $pid 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.1
  done
  ready=$(echo "$(date +%s.%N) - $start" | bc)
}
start_serve
rss() { awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status; }
rss_ready=$(rss)
curl -fsS "http://127.0.0.1:$port/api/search?q=gold+purple" >/dev/null
id=$(head -1 "$live.ids")
curl -fsS "http://127.0.0.1:$port/api/products/$id/similar" >/dev/null
rss_queries=$(rss)
/usr/bin/python3 - "$work/photo.png" <<'PY'
import sys
from PIL import Image
Image.new("RGB", (640, 480), (200, 40, 40)).save(sys.argv[1])
PY
curl -fsS -F "image=@$work/photo.png;type=image/png" "http://127.0.0.1:$port/api/search/image" >/dev/null
# the lookalike lists (worked out in the background after ready) are part of the steady state; above
# lookalike.search.lookalikes-max-photos (50,000) there are none, and the words and same-item groups are
lists="lookalike lists of .* ready"
[ "$n" -gt "${LOOKALIKE_SEARCH_LOOKALIKES_MAX_PHOTOS:-50000}" ] && lists="products ready: words"
for _ in $(seq 1 600); do
  grep -q "$lists" "$work/serve.log" && break
  sleep 0.2
done
rss_photo=$(rss)
kill $pid; wait $pid 2>/dev/null || true
cold=$ready
start_serve "${SERVE_JAVA_OPTS_WARM:-}"
warm=$ready
ready=$cold
rss_warm_ready=$(rss)
curl -fsS "http://127.0.0.1:$port/api/search?q=gold+purple" >/dev/null
curl -fsS "http://127.0.0.1:$port/api/products/$id/similar" >/dev/null
rss_warm_queries=$(rss)
for _ in $(seq 1 600); do
  grep -q "$lists" "$work/serve.log" && break
  sleep 0.2
done
rss_warm_settled=$(rss)
cat > "$out" <<JSON
{
  "machine": "$(nproc) cores, $(awk '/MemTotal/ {print int($2/1048576)}' /proc/meminfo) GiB, $(java -version 2>&1 | head -1 | tr -d '"')",
  "model": "full-size ViT-B/32, $kind ($dim-d), random weights",
  "products": $n,
  "seconds_to_ready": $(printf '%.1f' "$ready"),
  "seconds_to_ready_warm": $(printf '%.1f' "$warm"),
  "java_options": "${SERVE_JAVA_OPTS:--XX:MaxRAMPercentage=40} -XX:+UseSerialGC",
  "java_options_warm": "${SERVE_JAVA_OPTS_WARM:-${SERVE_JAVA_OPTS:--XX:MaxRAMPercentage=40}} -XX:+UseSerialGC",
  "rss_mib_at_ready": $rss_ready,
  "rss_mib_after_text_and_similar": $rss_queries,
  "rss_mib_after_photo_search": $rss_photo,
  "rss_mib_warm_at_ready": $rss_warm_ready,
  "rss_mib_warm_after_text_and_similar": $rss_warm_queries,
  "rss_mib_warm_settled": $rss_warm_settled
}
JSON
cat "$out"
