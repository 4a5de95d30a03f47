#!/usr/bin/env python3
"""Tables for Docs/ESTIMATORS.md from `vqcodec train` logs (NAME.vqm.log.jsonl).

usage: summarize.py LOG...   (the run's name is the file name up to the first '.')
Prints, per run, validation PSNR and codebook usage against time, then one summary row per run.
"""
import json, os, sys

def load(path):
    steps, vals = [], []
    for line in open(path):
        r = json.loads(line)
        (vals if "val_psnr" in r else steps).append(r)
    return steps, vals

rows = []
for path in sys.argv[1:]:
    name = os.path.basename(path).split(".")[0]
    steps, vals = load(path)
    # training seconds at a validation's step: interpolated between the step lines (logged every 50 steps),
    # extrapolated at the mean rate past the last one (the final validation runs after the last step)
    def seconds(step):
        pts = [(0, 0.0)] + [(s["step"], s["seconds"]) for s in steps]
        for (a, ta), (b, tb) in zip(pts, pts[1:]):
            if a <= step <= b:
                return ta + (tb - ta) * (step - a) / (b - a)
        return pts[-1][1] * step / pts[-1][0]
    print(f"\n{name}\n| step | s (approx.) | val PSNR dB | val perplexity | val codes used | train PSNR dB (batch) | H(q) nats |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for v in vals:
        near = [s for s in steps if s["step"] <= v["step"]]
        t = near[-1] if near else {}
        print(f"| {v['step']} | {seconds(v['step']):.0f} | {v['val_psnr']:.2f} | {v['val_perplexity']:.1f} | {v['val_used_codes']} | "
              f"{t.get('psnr', float('nan')):.2f} | {t.get('entropy', float('nan')):.3g} |")
    last, final = steps[-1], vals[-1]
    ips = [s["images_per_s"] for s in steps]
    throughput = 16 * last["step"] / last["seconds"]  # batch 16; wall time including validations
    rows.append((name, final["step"], last["seconds"], final["val_psnr"], final["val_perplexity"], final["val_used_codes"],
                 sum(ips) / len(ips), throughput, last["log_likelihood"], last["entropy"]))
print("\n| run | steps | logged s | final val PSNR dB | val perplexity | val codes used | images/s (mean of logged steps) | images/s (overall) | last log p(x|z) | last H(q) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r[0]} | {r[1]} | {r[2]:.0f} | {r[3]:.2f} | {r[4]:.1f} | {r[5]} | {r[6]:.1f} | {r[7]:.1f} | {r[8]:.4g} | {r[9]:.3g} |")
