"""Hue and chroma of saturated pixels after coding: vqcodec at given qualities, JPEG (libjpeg via Pillow, 4:2:0) at
the quality whose mean bpp is nearest. Pixels whose CIELAB chroma C* in the original is above 40. Reports the mean
absolute hue-angle error (degrees, weighted by nothing) and the mean chroma ratio decoded/original.
  usage: hue.py VQCODEC FOLDER QUALITIES [EFFORT [MODEL]]  (encode --effort, default 0; --model, default default)"""
import io, glob, os, subprocess, sys
import numpy as np
from PIL import Image
B, folder, qualities = sys.argv[1], sys.argv[2], [float(q) for q in sys.argv[3].split(',')]
effort = sys.argv[4] if len(sys.argv) > 4 else '0'
model = sys.argv[5] if len(sys.argv) > 5 else 'default'
def lab(rgb):
    c = rgb / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)
def stats(orig, dec):
    a, b = lab(orig), lab(dec)
    ca, cb = np.hypot(a[..., 1], a[..., 2]), np.hypot(b[..., 1], b[..., 2])
    mask = ca > 40
    if not mask.any(): return None
    ha, hb = np.arctan2(a[..., 2], a[..., 1]), np.arctan2(b[..., 2], b[..., 1])
    dh = np.degrees(np.abs(np.angle(np.exp(1j * (hb - ha)))))
    return dh[mask].mean(), (cb[mask] / ca[mask]).mean(), mask.mean()
files = sorted(glob.glob(os.path.join(folder, '*.png')))
rows = {}
for q in qualities:
    acc = []
    for f in files:
        subprocess.run([B, 'encode', f, '/tmp/hue/x.vq', '--quality', str(q), '--effort', effort, '--model', model,
                        '--force', '--quiet'], check=True)
        subprocess.run([B, 'decode', '/tmp/hue/x.vq', '/tmp/hue/x.png', '--force', '--quiet'], check=True)
        o = np.asarray(Image.open(f).convert('RGB'), dtype=np.float64)
        d = np.asarray(Image.open('/tmp/hue/x.png').convert('RGB'), dtype=np.float64)
        s = stats(o, d)
        if s: acc.append(s + (os.path.getsize('/tmp/hue/x.vq') * 8 / (o.shape[0] * o.shape[1]),))
    acc = np.array(acc)
    print(f'vqcodec q{q:g}: bpp {acc[:, 3].mean():.4f}  hue error {acc[:, 0].mean():.1f} deg  chroma ratio '
          f'{acc[:, 1].mean():.3f}  ({len(acc)} images with saturated pixels, {100 * acc[:, 2].mean():.1f}% of pixels)', flush=True)
    # JPEG at the nearest mean rate
    best = None
    for jq in range(1, 60):
        jacc = []
        for f in files:
            im = Image.open(f).convert('RGB'); buf = io.BytesIO(); im.save(buf, 'JPEG', quality=jq, optimize=True)
            o = np.asarray(im, dtype=np.float64); d = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert('RGB'), dtype=np.float64)
            s = stats(o, d)
            if s: jacc.append(s + (len(buf.getvalue()) * 8 / (o.shape[0] * o.shape[1]),))
        jacc = np.array(jacc)
        if best is None or abs(jacc[:, 3].mean() - acc[:, 3].mean()) < abs(best[:, 3].mean() - acc[:, 3].mean()):
            best, bq = jacc, jq
        if jacc[:, 3].mean() > acc[:, 3].mean(): break
    print(f'   JPEG q{bq}: bpp {best[:, 3].mean():.4f}  hue error {best[:, 0].mean():.1f} deg  chroma ratio {best[:, 1].mean():.3f}', flush=True)
