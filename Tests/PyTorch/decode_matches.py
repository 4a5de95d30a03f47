"""Decodes a .vq file's index grids with the PyTorch reference module and compares with vqcodec's PNG.

Usage: decode_matches.py MODEL.safetensors INFO.json VQCODEC.png — INFO.json is `vqcodec info X.vq --json --indices`.
Passes when no pixel differs by more than 1 level; prints how many differ at all.
"""
import json
import sys

import numpy as np
from PIL import Image

from vqcodec_torch import VQDecoder

model, info_path, png = sys.argv[1:4]
info = json.load(open(info_path))
h, w = info["latent_grid"]
ours = VQDecoder(model)(info["indices"], h, w, info["height"], info["width"])
theirs = np.asarray(Image.open(png).convert("RGB"))
difference = np.abs(ours.astype(int) - theirs.astype(int))
share = (difference > 0).mean()
print(f"PyTorch decode vs vqcodec: max difference {difference.max()} levels, {100 * share:.4f}% of samples differ")
sys.exit(0 if ours.shape == theirs.shape and difference.max() <= 1 else 1)
