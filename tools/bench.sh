#!/usr/bin/env bash
# The benchmark behind the README's performance figures. Exports a randomly initialised, full-size
# ViT-B/32 once (speed does not depend on the weights; never committed) in two forms holding the same
# weights: a TorchScript model package and an open_clip Hub repository (what `hf:` names load, run by
# the Java towers). Then runs `bench` on real product photos (the Luma shop photos in ../shared when
# present, else pass a folder) with each, in one run of this script, and prints the Java/TorchScript
# ratios. Set ENGINES=java (or torchscript) to run one only.
#
#   tools/bench.sh [PHOTO_DIR] [extra bench options…]
set -euo pipefail
cd "$(dirname "$0")/.."
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
