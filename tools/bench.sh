#!/usr/bin/env bash
# The benchmark behind the README's performance figures. Exports a randomly initialised, full-size
# ViT-B/32 once (speed does not depend on the weights; never committed) in two forms holding the same
# weights: a TorchScript model package and an open_clip Hub repository (what `hf:` names load, run by
# the Java towers). Then runs `bench` on real product photos (the Luma shop photos in ../shared when
# present, else pass a folder) with each, in one run of this script, and prints the Java/TorchScript
# ratios. Set ENGINES=java (or torchscript) to run one only.
#
#   tools/bench.sh [PHOTO_DIR] [extra bench options…]
#
#   tools/bench.sh --scan [N[,N…]=20000] [extra bench options…]
# times only the search scan (`bench --no-model`: the int8 scan with exact re-scoring, and from
# lookalike.search.scan-threshold photos on the binary first pass, on a clustered synthetic catalogue in a
# derived vector file, and at sizes up to --float-scan-max the float32 scan it replaces), with the first
# pass's recall@10 against the exact scan, and, in the same run, numpy's brute force (Debian's
# python3-numpy: one matrix-vector product on every vector, then argpartition) on the same shape as the
# peer figure. The README's figures: tools/bench.sh --scan 20000,1000000 --float-scan-max 20000
# SCAN_HEAP (default 3g) sets its heap, SCAN_JAVA_OPTS adds JVM options (e.g. -XX:+UseTransparentHugePages).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--scan" ]; then
  shift
  sizes="${1:-20000}"
  shift || true
  [ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
  mkdir -p target/bench-model
  machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1 /proc/loadavg)"
  echo "machine: $machine" >&2
  # the JVM flags of Dockerfile.jvm's serve, with a heap that fits a million products' int8 copy
  java -Xmx"${SCAN_HEAP:-3g}" -XX:+UseSerialGC ${SCAN_JAVA_OPTS:-} --add-modules jdk.incubator.vector \
    -jar target/quarkus-app/quarkus-run.jar bench --no-model --vectors "$sizes" --lookalikes 0 "$@" \
    > target/bench-model/bench-scan.json
  /usr/bin/python3 - "$sizes" target/bench-model/bench-scan.json "$machine" <<'PY'
import json, sys, time
import numpy as np
sizes = [int(s) for s in sys.argv[1].split(",")]
report = json.load(open(sys.argv[2]))
print(f"search scan, one run ({sys.argv[3]}); ms p50 / p99, 20 results:")
for n, scan in zip(sizes, report["scan"]):
    d = scan["dim"]
    rng = np.random.default_rng(n)
    m = np.empty((n, d), dtype=np.float32)
    for at in range(0, n, 65536):
        block = rng.standard_normal((min(65536, n - at), d), dtype=np.float32)
        m[at:at + len(block)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    prices = rng.integers(1, 501, n)
    band = (prices >= 100) & (prices <= 200)
    def brute(q, mask=None):
        s = m @ q
        if mask is not None:
            s = np.where(mask, s, -np.inf)
        top = np.argpartition(-s, 20)[:20]
        return top[np.argsort(-s[top])]
    def timed(mask):
        for i in range(20):
            brute(m[i], mask)
        ns = []
        for i in range(200):
            q = m[rng.integers(n)]
            t = time.perf_counter_ns()
            brute(q, mask)
            ns.append(time.perf_counter_ns() - t)
        ns.sort()
        return ns[100] / 1e6, ns[198] / 1e6
    peer, peer_band = timed(None), timed(band)
    def row(name, java, numpy):
        print(f"  {n:>9,} {name:28s} java {java['p50']:7.2f} / {java['p99']:7.2f}   numpy {numpy[0]:7.2f} / {numpy[1]:7.2f}")
    row("similar", scan["similar_ms"], peer)
    row("similar, price band", scan["similar_price_band_ms"], peer_band)
    row("text-shaped", scan["text_ms"], peer)
    row("text-shaped, price band", scan["text_price_band_ms"], peer_band)
    heap = scan.get("floats_on_heap")
    if heap:
        row("similar, floats on heap", heap["similar_ms"], peer)
        row("float32 scan (before)", heap["float32_scan_similar_ms"], peer)
    floor = scan.get("memory_floor_ms")
    recall = scan["recall_vs_exact"]
    print(f"  {n:>9,} first pass: {scan['first_pass']}; recall@10 vs the exact scan: similar "
          f"{recall['similar_at10']} ({recall['similar_price_band_at10']} with the band), text-shaped "
          f"{recall['text_at10']} ({recall['text_price_band_at10']}); @100: {recall['similar_at100']}, "
          f"{recall['text_at100']}")
    print(f"  {n:>9,} ready on the warm vector file {scan['ready_on_warm_file_s']} s, RSS after loading "
          f"{scan['rss_mib_after_load']} MiB, after the queries {scan['rss_mib_after_queries']} MiB"
          + (f", merely reading the int8 copy's bytes now: {floor} ms" if floor else ""))
PY
  exit 0
fi
photos="${1:-../shared/photos/magento-luma/images}"
shift || true
package=target/bench-model/vit-b-32-random
repo=target/bench-model/vit-b-32-random-hub
if [ ! -f "$package/lookalike-model.json" ] || [ ! -f "$repo/open_clip_config.json" ]; then
  tokenizer=()
  [ -f ../shared/clip/bpe_simple_vocab_16e6.txt.gz ] && tokenizer=(--tokenizer ../shared/clip/bpe_simple_vocab_16e6.txt.gz)
  rm -rf "$package" "$repo"
  /usr/bin/python3 tools/export_clip.py --random vit-b-32 "${tokenizer[@]}" --out "$package" --checkpoint-out "$repo"
fi
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$PWD/target/djl-cache}" DJL_OFFLINE=true
out=target/bench-model
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "machine: $machine" >&2
for engine in ${ENGINES:-torchscript java}; do
  model=$package
  [ "$engine" = java ] && model=$repo
  echo "bench: $engine ($model) …" >&2
  java -Xmx6g --add-modules jdk.incubator.vector -jar target/quarkus-app/quarkus-run.jar bench --model "$model" \
    --images "$photos" "$@" > "$out/bench-$engine.json"
  cat "$out/bench-$engine.json"
done
if [ -f "$out/bench-java.json" ] && [ -f "$out/bench-torchscript.json" ] && [ -z "${ENGINES:-}" ]; then
  /usr/bin/python3 - "$out/bench-java.json" "$out/bench-torchscript.json" "$machine" <<'PY'
import json, sys
j, t = (json.load(open(p)) for p in sys.argv[1:3])
def get(r, *path):
    for k in path:
        r = r.get(k, {}) if isinstance(r, dict) else {}
    return r if isinstance(r, (int, float)) else None
rows = [("end-to-end images/s", ("embedding", "end_to_end_images_per_s"), "higher"),
        ("model-only images/s", ("embedding", "model_only_images_per_s"), "higher"),
        ("text query p50 ms", ("text_query_ms", "p50"), "lower"),
        ("model load s", ("model_load_seconds",), "lower")]
print(f"Java towers / TorchScript, same weights, one run ({sys.argv[3]}):")
for name, path, better in rows:
    a, b = get(j, *path), get(t, *path)
    if a is not None and b:
        print(f"  {name:22s} java {a:9.2f}  torchscript {b:9.2f}  ratio {a / b:5.2f} ({better} is better)")
PY
fi
