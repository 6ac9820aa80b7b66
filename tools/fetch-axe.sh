#!/usr/bin/env bash
# Fetches axe-core (Deque's accessibility engine, MPL-2.0) from npm into target/axe/ for the browser tests'
# accessibility check (GalleryShopperTest). Nothing is committed: without it those checks skip, saying why.
# Usage: tools/fetch-axe.sh [version]   (default: the version the tests were written against)
set -euo pipefail
version="${1:-4.11.0}"
out="$(dirname "$0")/../target/axe"
mkdir -p "$out"
cd "$out"
tarball="$(npm pack --silent "axe-core@$version")"
tar -xzf "$tarball" package/axe.min.js package/package.json package/LICENSE
rm -f "$tarball"
echo "axe-core $version: $(pwd)/package/axe.min.js"
