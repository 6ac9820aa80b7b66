#!/usr/bin/env bash
# The benchmark behind the README's performance figures. Exports a randomly initialised, full-size
# ViT-B/32 package once (speed does not depend on the weights; never committed), then runs `bench`
# on real product photos (the Luma shop photos in ../shared when present, else pass a folder).
#
#   tools/bench.sh [PHOTO_DIR] [extra bench options…]
set -euo pipefail
cd "$(dirname "$0")/.."
photos="${1:-../shared/photos/magento-luma/images}"
shift || true
model=target/bench-model/vit-b-32-random
if [ ! -f "$model/lookalike-model.json" ]; then
  tokenizer=()
  [ -f ../shared/clip/bpe_simple_vocab_16e6.txt.gz ] && tokenizer=(--tokenizer ../shared/clip/bpe_simple_vocab_16e6.txt.gz)
  /usr/bin/python3 tools/export_clip.py --random vit-b-32 "${tokenizer[@]}" --out "$model"
fi
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$PWD/target/djl-cache}" DJL_OFFLINE=true
exec java -Xmx6g --add-modules jdk.incubator.vector -jar target/quarkus-app/quarkus-run.jar bench --model "$model" --images "$photos" "$@"
