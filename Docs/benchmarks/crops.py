"""Side-by-side crops at matched rate (Docs/BENCHMARKS.md): for each crop, the original, vqcodec at one quality, and
JPEG, WebP and AVIF each at the largest setting whose whole file is no larger than vqcodec's (so none gets more
bits), 2x enlarged without smoothing; each panel is labelled with its codec, the whole file's bits per pixel and the
whole image's PSNR. JPEG through Pillow (libjpeg-turbo, 4:2:0), WebP through `cwebp -m 6 -q Q`, AVIF through
`avifenc -s 4 --min Q --max Q`, as `vqcodec report` runs them.

  usage: crops.py VQCODEC OUT.png --quality Q IMAGE:X:Y [IMAGE:X:Y ...]     (128x128 crops at X, Y)
"""
import argparse, io, math, os, subprocess, tempfile

import numpy as np
from PIL import Image, ImageDraw

SIZE, ZOOM, LABEL = 128, 2, 30


def psnr(a, b):
    return 10 * math.log10(255 ** 2 / np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))


def run(*args):
    subprocess.run(args, check=True, capture_output=True)


def ours(vqcodec, path, quality, tmp):
    run(vqcodec, "encode", path, f"{tmp}/x.vq", "--quality", str(quality), "--force", "--quiet")
    run(vqcodec, "decode", f"{tmp}/x.vq", f"{tmp}/x.png", "--force", "--quiet")
    return os.path.getsize(f"{tmp}/x.vq"), np.asarray(Image.open(f"{tmp}/x.png").convert("RGB"))


def jpeg(path, q, tmp):
    buf = io.BytesIO()
    Image.open(path).convert("RGB").save(buf, "JPEG", quality=q)
    return len(buf.getvalue()), np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def webp(path, q, tmp):
    run("cwebp", "-quiet", "-m", "6", "-q", str(q), path, "-o", f"{tmp}/x.webp")
    run("dwebp", "-quiet", f"{tmp}/x.webp", "-o", f"{tmp}/w.png")
    return os.path.getsize(f"{tmp}/x.webp"), np.asarray(Image.open(f"{tmp}/w.png").convert("RGB"))


def avif(path, q, tmp):
    run("avifenc", "-s", "4", "--min", str(q), "--max", str(q), path, f"{tmp}/x.avif")
    run("avifdec", f"{tmp}/x.avif", f"{tmp}/a.png")
    return os.path.getsize(f"{tmp}/x.avif"), np.asarray(Image.open(f"{tmp}/a.png").convert("RGB"))


def matched(codec, settings, path, budget, tmp):
    """The best-quality setting (settings run from worst to best) whose file fits the budget, or the worst one."""
    best = None
    for q in settings:
        size, pixels = codec(path, q, tmp)
        if best is not None and size > budget:
            break
        best = (size, pixels)
        if size > budget:
            break
    return best


def panel(pixels, x, y, text):
    crop = Image.fromarray(np.ascontiguousarray(pixels[y:y + SIZE, x:x + SIZE])).resize((SIZE * ZOOM,) * 2, Image.NEAREST)
    out = Image.new("RGB", (SIZE * ZOOM, SIZE * ZOOM + LABEL), "white")
    out.paste(crop, (0, LABEL))
    ImageDraw.Draw(out).multiline_text((4, 2), text, fill="black", spacing=1)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vqcodec")
    ap.add_argument("out")
    ap.add_argument("--quality", type=float, required=True)
    ap.add_argument("crops", nargs="+")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in args.crops:
            path, x, y = spec.rsplit(":", 2)
            x, y = int(x), int(y)
            original = np.asarray(Image.open(path).convert("RGB"))
            pixels = original.shape[0] * original.shape[1]
            size, decoded = ours(args.vqcodec, path, args.quality, tmp)
            row = [panel(original, x, y, f"{os.path.basename(path)} original\n({x}, {y})"),
                   panel(decoded, x, y, f"vqcodec q{args.quality:g}\n{size * 8 / pixels:.3f} bpp {psnr(original, decoded):.2f} dB")]
            for name, codec, settings in [("JPEG", jpeg, range(1, 96)), ("WebP", webp, range(0, 101)),
                                          ("AVIF", avif, range(63, -1, -1))]:
                s, p = matched(codec, settings, path, size, tmp)
                row.append(panel(p, x, y, f"{name}\n{s * 8 / pixels:.3f} bpp {psnr(original, p):.2f} dB"))
            rows.append(row)
            print(spec, "done", flush=True)
    w, h = rows[0][0].size
    sheet = Image.new("RGB", (w * len(rows[0]) + 4 * (len(rows[0]) - 1), h * len(rows) + 4 * (len(rows) - 1)), "white")
    for r, row in enumerate(rows):
        for c, p in enumerate(row):
            sheet.paste(p, (c * (w + 4), r * (h + 4)))
    sheet.save(args.out, optimize=True)


if __name__ == "__main__":
    main()
