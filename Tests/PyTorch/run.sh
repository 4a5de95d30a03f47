#!/usr/bin/env bash
# PyTorch interop, checked where torch is installed (skipped with a notice elsewhere; CI has no torch): the default
# model converted to safetensors and loaded by vqcodec_torch.py decodes the sample's index grids to vqcodec's pixels
# within 1 level, and so does the GDN model of Docs/benchmarks.
# Usage: Tests/PyTorch/run.sh [VQCODEC] [PYTHON]   (PYTHON: a python with torch, numpy and pillow)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-.build/debug/vqcodec}")
python=${2:-$( [ -x .venv-torch/bin/python3 ] && echo .venv-torch/bin/python3 || echo python3 )}
if ! "$python" -c "import torch, numpy, PIL" 2>/dev/null; then
  echo "skipped: no torch, numpy and pillow for $python (python3 -m venv .venv-torch; pip install torch numpy pillow)"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" convert Samples/default.vqm "$work/model.safetensors"
"$bin" convert "$work/model.safetensors" "$work/back.vqm"
cmp -s Samples/default.vqm "$work/back.vqm" || { echo "FAIL: .vqm → safetensors → .vqm changed the model"; exit 1; }
# Every stage whole (the default), and a quality whose last stage skips positions (coder 3).
for quality in 100 50; do
  "$bin" encode Samples/Images/parrots.png "$work/p.vq" --quality "$quality" --quiet --force
  "$bin" decode "$work/p.vq" "$work/p.png" --quiet --force
  "$bin" info "$work/p.vq" --json --indices >"$work/info.json"
  PYTHONPATH=Tests/PyTorch "$python" Tests/PyTorch/decode_matches.py "$work/model.safetensors" "$work/info.json" \
    "$work/p.png"
done
# A GDN model (IGDN in the decoder; Docs/BENCHMARKS.md, lever 9).
gdn=Docs/benchmarks/f8-gdn.vqm
"$bin" convert "$gdn" "$work/gdn.safetensors"
"$bin" encode Samples/Images/parrots.png "$work/g.vq" --model "$gdn" --quiet --force
"$bin" decode "$work/g.vq" "$work/g.png" --model "$gdn" --quiet --force
"$bin" info "$work/g.vq" --json --indices --model "$gdn" >"$work/g.json"
PYTHONPATH=Tests/PyTorch "$python" Tests/PyTorch/decode_matches.py "$work/gdn.safetensors" "$work/g.json" "$work/g.png"
# The file as Hugging Face's own library writes it (another header order, no padding) converts back, too.
if "$python" -c "import safetensors" 2>/dev/null; then
  "$python" - "$work/model.safetensors" "$work/resaved.safetensors" <<'PY'
import sys
from safetensors import safe_open
from safetensors.numpy import load_file, save_file
with safe_open(sys.argv[1], "np") as f:
    metadata = f.metadata()
save_file(load_file(sys.argv[1]), sys.argv[2], metadata=metadata)
PY
  "$bin" convert "$work/resaved.safetensors" "$work/resaved.vqm"
  cmp -s Samples/default.vqm "$work/resaved.vqm" || { echo "FAIL: a file saved by safetensors converts to another model"; exit 1; }
  echo "ok: the file as the safetensors library saves it converts back byte for byte"
fi
echo "ok: PyTorch decodes vqcodec's index grids to its pixels within 1 level (the default model and a GDN one);" \
  "the model converts back byte for byte"
