#!/usr/bin/env bash
# Regenerates the golden .vq files and the CRC-32 of their decoded pixels, on purpose only (after a shipped model
# changes): every stage count of the default model, and all the high-rate model's stages (nearest codes, like the
# default's: what `ImageCodec.encode(_:)` writes). The CRCs come from Pillow + zlib, independently of vqcodec's own
# PNG and CRC code.
set -euo pipefail
cd "$(dirname "$0")"
root=../../../..
swift build -c release --package-path "$root" >/dev/null
bin="$root/.build/release/vqcodec"

# stage_count MODEL.vqm
stage_count() { "$bin" info "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["stages"])'; }

# golden NAME.vq MODEL STAGES: encodes the sample, decodes it and prints "NAME.vq CRC" of the decoded pixels.
golden() {
  "$bin" encode "$root/Samples/Images/parrots.png" "$1" --model "$2" --stages "$3" --quiet
  "$bin" decode "$1" "/tmp/golden-$1.png" --force --quiet
  python3 -c "import sys,zlib; from PIL import Image; print(sys.argv[1], zlib.crc32(Image.open(sys.argv[2]).convert('RGB').tobytes()))" "$1" "/tmp/golden-$1.png"
}

rm -f ./*.vq expected.txt expected-high.txt
for s in $(seq 1 "$(stage_count "$root/Samples/default.vqm")"); do golden "parrots-$s.vq" default "$s" >> expected.txt; done
golden parrots-high.vq high "$(stage_count "$root/Samples/high.vqm")" > expected-high.txt
cat expected.txt expected-high.txt
