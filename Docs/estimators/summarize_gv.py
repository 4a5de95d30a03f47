#!/usr/bin/env python3
"""Tables for Docs/ESTIMATORS.md from `vqcodec gradient-variance` output (JSON lines). usage: summarize_gv.py FILE..."""
import json, sys

def g(x, f="{:.3g}"):
    return "∞ (V = 0)" if x is None else f.format(x)

for path in sys.argv[1:]:
    rows = [json.loads(l) for l in open(path) if l.strip()]
    print(f"\n{path}\n| estimator | model, point | H(q) | same batch: ‖ḡ‖ | V | snr | snr debiased | across batches: ‖ḡ‖ | V | snr | snr debiased |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        s, a = r["same_batch"], r["across_batches"]
        point = r["model"].split("/")[-1] + ", " + r["point"] + (f", T = {r['logit_temperature']:.3g}" if "logit_temperature" in r else "")
        print(f"| {r['estimator']} | {point} | {r['entropy']:.3g} | {g(s['mean_norm'])} | {g(s['total_variance'])} | {g(s['snr'])} | "
              f"{g(s['snr_debiased'])} | {g(a['mean_norm'])} | {g(a['total_variance'])} | {g(a['snr'])} | {g(a['snr_debiased'])} |")
    names = [r["estimator"] for r in rows]
    if len(set(names)) == len(names) > 1:
        print("\ncosine of mean gradients, same batch (upper triangle) / across batches (lower triangle)")
        print("| | " + " | ".join(names) + " |\n|---|" + "---:|" * len(names))
        for i, r in enumerate(rows):
            cells = [f"{r['cosine_same_batch'][n]:.2f}" if j > i else (f"{r['cosine_across_batches'][n]:.2f}" if j < i else "1")
                     for j, n in enumerate(names)]
            print(f"| {r['estimator']} | " + " | ".join(cells) + " |")
