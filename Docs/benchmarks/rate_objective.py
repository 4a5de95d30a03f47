"""Rate in the training objective (issue lever): fine-tunes a vqcodec model's encoder and decoder on
MSE + beta * (estimated bits per pixel), against the same run with beta = 0, so that only the rate term differs.

The rate of a latent is, stage by stage, the expected code length of a soft assignment to that stage's codes:
sum_k q_k * -log2 p_k, with q = softmax(-||r - c_k||^2 / T) (T: the batch's mean squared distance to the nearest
code) and p the stage's code frequencies (the model's index prior, then a running average of the codes chosen;
--prior-decay 1 keeps the model's prior).
Its gradient moves each residual towards codes that are cheap to code; the hard codes (straight through) still carry
the picture, so beta = 0 is vqcodec's own straight-through fine-tune. As in `vqcodec train --keep-codebooks`: the
codebooks are the model's, kept fixed here; the commitment term (0.25) and quantizer dropout over 1...S stages per
step are the engine's. The result is written back as safetensors with the index prior re-counted on training crops
(scaled to the source prior's totals), so `vqcodec convert` makes a .vqm that `vqcodec report` measures with real files.

  vqcodec convert Samples/default.vqm default.safetensors
  .venv-torch/bin/python Docs/benchmarks/rate_objective.py default.safetensors --train ../shared/data/train \
      --beta 0.002 --steps 2500 --out rate.safetensors
"""
import argparse
import json
import math
import os
import random
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "PyTorch"))
from capacity_probe import AutoEncoder, batch, load, load_weights, weights  # noqa: E402
from latent_ceiling import distances  # noqa: E402
from vqcodec_torch import load_safetensors, save_safetensors  # noqa: E402


def network(tensors, metadata):
    """capacity_probe's AutoEncoder holding a vqcodec model's weights."""
    model = AutoEncoder(int(metadata["downsampling"]), int(metadata["width"]), int(metadata["residual_blocks"]),
                        int(metadata["residual_hidden"]), int(metadata["latent_dimension"]),
                        gdn=metadata.get("activation", "relu") == "gdn")
    load_weights(model, tensors)
    return model


def quantize(flat, books, code_bits, stages):
    """Straight-through codes of `stages` stages, the soft rate (bits per latent), the commitment term and the codes."""
    quantized, rate, commitment, chosen = torch.zeros_like(flat), 0.0, 0.0, []
    for book, bits in zip(books[:stages], code_bits):
        residual = flat - quantized
        d = distances(residual, book)
        index = d.argmin(1)
        temperature = d.gather(1, index[:, None]).mean().detach().clamp_min(1e-8)
        rate = rate + (torch.softmax(-d / temperature, 1) * bits).sum(1).mean()
        commitment = commitment + ((residual - book[index]) ** 2).mean()
        quantized, chosen = quantized + book[index], chosen + [index]
    return flat + (quantized - flat).detach(), rate, commitment, chosen


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="a straight-through model as safetensors (`vqcodec convert`)")
    parser.add_argument("--train", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--beta", type=float, default=0.0, help="weight of bits per pixel against MSE in [0, 1]^2")
    parser.add_argument("--prior-decay", type=float, default=0.99,
                        help="running average of the code frequencies the rate is counted with (1: the model's prior)")
    parser.add_argument("--steps", type=int, default=2500)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--crop", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    tensors, metadata = load_safetensors(args.model)
    model, f = network(tensors, metadata), int(metadata["downsampling"])
    stages, dim = int(metadata["stages"]), int(metadata["latent_dimension"])
    books = [torch.from_numpy(tensors[f"quantizer.stage{s}.codebook"].copy()) for s in range(stages)]
    prior = torch.from_numpy(tensors["index_prior"].astype(np.float64))
    frequencies = (prior + 1) / (prior + 1).sum(1, keepdim=True)
    train = load(args.train, args.crop)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    for step in range(1, args.steps + 1):
        for group in optimizer.param_groups:  # warm-up over 100 steps, then cosine decay to 0
            group["lr"] = args.lr * min(1, step / 100) * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        x = batch(train, args.batch, args.crop, rng)
        flat = model.encode(x).permute(0, 2, 3, 1).reshape(-1, dim)
        code_bits = [-torch.log2(p).float() for p in frequencies]
        active = rng.randint(1, stages)
        z, rate, commitment, chosen = quantize(flat, books, code_bits, active)
        grid = z.reshape(x.shape[0], x.shape[2] // f, x.shape[3] // f, dim).permute(0, 3, 1, 2)
        mse = torch.mean((model.decode(grid) - x) ** 2)
        bpp = rate / f ** 2
        loss = mse + args.beta * bpp + 0.25 * commitment
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        with torch.no_grad():
            for s, index in enumerate(chosen):
                counts = torch.bincount(index, minlength=len(books[s])).double()
                decay = args.prior_decay
                frequencies[s] = decay * frequencies[s] + (1 - decay) * (counts + 1e-3) / (counts + 1e-3).sum()
        if step % 100 == 0:
            print(f"step {step}  stages {active}  psnr {10 * math.log10(1 / mse.item()):.2f} dB  "
                  f"soft rate {bpp.item():.4f} bpp", file=sys.stderr, flush=True)
    save(model, tensors, metadata, books, train, rng, args)


def save(model, tensors, metadata, books, train, rng, args):
    """The source's tensors with the fine-tuned weights and a re-counted prior, as safetensors (FORMAT.md §9.1)."""
    out = dict(tensors) | {name: t.numpy() for name, t in weights(model).items()}
    counts = torch.zeros(len(books), len(books[0]), dtype=torch.float64)
    with torch.no_grad():
        for _ in range(64):
            x = batch(train, args.batch, args.crop, rng)
            flat = model.encode(x).permute(0, 2, 3, 1).reshape(-1, len(books[0][0]))
            for s, index in enumerate(quantize(flat, books, [torch.zeros(len(b)) for b in books], len(books))[3]):
                counts[s] += torch.bincount(index, minlength=len(books[s])).double()
    totals = torch.from_numpy(tensors["index_prior"].astype(np.float64)).sum(1, keepdim=True)
    out["index_prior"] = torch.round(counts / counts.sum(1, keepdim=True) * totals).numpy().astype(np.uint32)
    notes = {"rate_objective_beta": args.beta, "prior_decay": args.prior_decay, "steps": args.steps, "lr": args.lr,
             "seed": args.seed, "initialized_from": os.path.basename(args.model)}
    save_safetensors(args.out, out, dict(metadata, notes=json.dumps(notes)))


if __name__ == "__main__":
    main()
