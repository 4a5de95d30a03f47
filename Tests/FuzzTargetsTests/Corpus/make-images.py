"""Writes the PNG and JPEG fuzz seeds beside this script: small images in the variants the shims must handle.

Usage: python3 make-images.py   (needs Pillow)
"""
import os
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
rgb = Image.frombytes("RGB", (7, 5), bytes((i * 37) % 256 for i in range(7 * 5 * 3)))

def png(name, image, **options):
    image.save(os.path.join(here, "png", name + ".png"), **options)

def jpeg(name, image, **options):
    image.save(os.path.join(here, "jpeg", name + ".jpg"), **options)

png("rgb8", rgb)
png("rgba8", rgb.convert("RGBA"))
png("gray8", rgb.convert("L"))
png("gray-alpha", rgb.convert("LA"))
png("palette-trns", rgb.convert("P", palette=Image.ADAPTIVE, colors=5), transparency=0)
png("gray16", rgb.convert("I").point(lambda v: v * 257).convert("I;16"))

jpeg("baseline-420", rgb, quality=80)
jpeg("baseline-444", rgb, quality=90, subsampling=0)
jpeg("progressive", rgb, quality=75, progressive=True)
jpeg("gray", rgb.convert("L"), quality=70)
jpeg("optimized-restart", rgb, quality=60, optimize=True, restart_marker_blocks=1)
