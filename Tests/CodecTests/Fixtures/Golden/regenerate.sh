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
stages=$("$bin" info "$root/Samples/default.vqm" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["stages"])')
rm -f ./*.vq expected.txt expected-high.txt
for s in $(seq 1 "$stages"); do
  "$bin" encode "$root/Samples/Images/parrots.png" "parrots-$s.vq" --stages "$s" --quiet
  "$bin" decode "parrots-$s.vq" "/tmp/golden-$s.png" --force --quiet
  python3 -c "import sys,zlib; from PIL import Image; print('parrots-$s.vq', zlib.crc32(Image.open('/tmp/golden-$s.png').convert('RGB').tobytes()))" >> expected.txt
done
high_stages=$("$bin" info "$root/Samples/high.vqm" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["stages"])')
"$bin" encode "$root/Samples/Images/parrots.png" parrots-high.vq --model high --stages "$high_stages" --quiet
"$bin" decode parrots-high.vq /tmp/golden-high.png --force --quiet
python3 -c "import zlib; from PIL import Image; print('parrots-high.vq', zlib.crc32(Image.open('/tmp/golden-high.png').convert('RGB').tobytes()))" > expected-high.txt
cat expected.txt expected-high.txt
