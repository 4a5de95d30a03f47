"""Lever 8 (Docs/BENCHMARKS.md): would a learned entropy model conditioned on the previous stage pay?

Reads two folders of .vq files written by the same model (one encoded from training photos, to fit the tables; one
from the test photos, to measure on), their index grids through `vqcodec info --json --indices`, and prints per
stage:
- the bits per latent the file's own coder spent (payload bytes; the coder is adaptive, FORMAT.md §4.3);
- the share of positions no causal neighbour (left, top, top-right, top-left) predicts, which the coder's symbol
  model codes (§4.3.3), and the cross-entropy there of a static table fitted on the training files: P(index) alone,
  and P(index | the previous stage's index at the same position), the neighbours' values excluded as the coder
  excludes them.
The difference of the last two is what conditioning the symbol model on the previous stage could save.

  usage: index_context.py VQCODEC MODEL.vqm TRAIN_VQ_DIR TEST_VQ_DIR
"""
import glob, json, subprocess, sys

import numpy as np


def grids(vqcodec, model, folder):
    out = []
    for path in sorted(glob.glob(f"{folder}/*.vq")):
        info = json.loads(subprocess.run([vqcodec, "info", "--json", "--indices", "--model", model, path],
                                         check=True, capture_output=True, text=True).stdout)
        h, w = info["latent_grid"]
        out.append((np.array(info["indices"]).reshape(-1, h, w), np.array(info["payload_bytes"]) * 8))
    return out


def unpredicted(g, s):
    """Positions whose index no causal neighbour holds, the previous stage's index, the index, the neighbours."""
    v = g[s]
    h, w = v.shape
    pad = np.full((h + 1, w + 2), -1)
    pad[1:, 1:-1] = v
    neighbours = np.stack([pad[1:, :-2], pad[:-1, 1:-1], pad[:-1, 2:], pad[:-1, :-2]], -1).reshape(-1, 4)
    mask = (neighbours != v.reshape(-1, 1)).all(1)
    previous = (g[s - 1] if s > 0 else np.zeros_like(v)).ravel()
    return mask, previous, v.ravel(), neighbours


def main():
    vqcodec, model, train_dir, test_dir = sys.argv[1:5]
    train, test = grids(vqcodec, model, train_dir), grids(vqcodec, model, test_dir)
    k = 1 + max(int(g.max()) for g, _ in train + test)
    latents = sum(g[0].size for g, _ in test)
    coded = sum(bits for _, bits in test) / latents
    print(f"{len(train)} training files, {len(test)} test files, K = {k}")
    for s in range(test[0][0].shape[0]):
        row = [f"stage {s + 1}: coded {coded[s]:.3f} bits/latent"]
        for conditioned in (False, True):
            table = np.full((k, k), 0.5)
            for g, _ in train:
                mask, previous, v, _ = unpredicted(g, s)
                np.add.at(table, ((previous if conditioned else 0 * previous)[mask], v[mask]), 1)
            bits, count = 0.0, 0
            for g, _ in test:
                mask, previous, v, neighbours = unpredicted(g, s)
                for i in np.nonzero(mask)[0]:
                    p = table[previous[i] if conditioned else 0].copy()
                    p[[n for n in set(neighbours[i]) if n >= 0]] = 0
                    bits -= np.log2(p[v[i]] / p.sum())
                count += mask.sum()
            name = "P(index | previous stage)" if conditioned else "P(index)"
            row.append(f"unpredicted {count / latents:.3f}, {name} {bits / latents:.3f} bits/latent")
        print("; ".join(row))


if __name__ == "__main__":
    main()
