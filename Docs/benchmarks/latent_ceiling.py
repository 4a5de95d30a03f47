"""How much a model's quantizer holds back: its decoder fed the encoder's latents unquantized, then after 1…S of its
residual stages (nearest codes), then after more stages fitted on training latents (k-means), and, with
--scalar-steps, after the model's own stages plus a uniform scalar quantization of what they leave (one integer per
latent channel: a finer code than a stage of K codes). Mean PSNR over a folder's images, as `vqcodec report` computes
it (pixels rounded to 8 bits), the fraction of the latents' energy each stage leaves, and the rate each needs: the
order-0 entropy of every image's own codes (per stage, per scalar channel), in bits per pixel, cumulative. That rate
is an estimate for comparing codes with each other, not a file size (`vqcodec report` measures files). PyTorch; the
network is Tests/PyTorch/vqcodec_torch.py's, plus the encoder.

  vqcodec convert M.vqm M.safetensors
  .venv-torch/bin/python Docs/benchmarks/latent_ceiling.py M.safetensors ../shared/data/kodak \
      --train ../shared/data/train --extra-stages 4 --scalar-steps 0.12,0.08,0.05
"""
import argparse
import glob
import json
import math
import os
import sys

import numpy as np
import torch
from PIL import Image
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "PyTorch"))
from vqcodec_torch import Decoder, ResidualBlock, conv, load_safetensors  # noqa: E402


class GDN(nn.Module):
    """x_i / sqrt(beta_i^2 + 1e-6 + sum_j gamma[0, 0, j, i]^2 x_j^2) (FORMAT.md §9)."""

    def __init__(self, tensors, name):
        super().__init__()
        self.beta = torch.from_numpy(tensors[name + ".beta"].copy()) ** 2 + 1e-6
        self.gamma = (torch.from_numpy(tensors[name + ".gamma"][0, 0].copy()) ** 2).t().contiguous()[:, :, None, None]

    def forward(self, x):
        return x / torch.sqrt(nn.functional.conv2d(x * x, self.gamma, self.beta))


class Encoder(nn.Module):
    """Image [N, 3, H, W] in [-0.5, 0.5] → latents [N, D, H/f, W/f] (Sources/Codec/Encoder.swift)."""

    def __init__(self, tensors, metadata):
        super().__init__()
        layers = int(metadata["downsampling"]).bit_length() - 1
        self.down = nn.ModuleList(conv_strided(tensors, f"encoder.down{i}") for i in range(layers))
        gdn = metadata.get("activation", "relu") == "gdn"
        self.after = [GDN(tensors, f"encoder.gdn{i}") if gdn else torch.relu for i in range(layers)]
        self.trunk = conv(tensors, "encoder.trunk", 1)
        self.blocks = nn.ModuleList(
            ResidualBlock(tensors, f"encoder.block{i}") for i in range(int(metadata["residual_blocks"])))
        self.projection = conv(tensors, "encoder.projection", 0)

    def forward(self, x):
        for down, after in zip(self.down, self.after):
            x = after(down(x))
        x = self.trunk(x)
        for block in self.blocks:
            x = block(x)
        return self.projection(torch.relu(x))


def conv_strided(tensors, name):
    layer = conv(tensors, name, 1)
    layer.stride = (2, 2)
    return layer


def load(path, multiple=1):
    """[1, 3, H, W] in [-0.5, 0.5], cropped to a multiple of `multiple` (the engine pads instead; Kodak needs
    neither at f = 8)."""
    pixels = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255 - 0.5
    height, width = pixels.shape[0] // multiple * multiple, pixels.shape[1] // multiple * multiple
    return torch.from_numpy(pixels[:height, :width]).permute(2, 0, 1)[None]


def image_paths(folder):
    """The PNG files under folder, sorted, then the JPEG files (the order the extra stages' k-means sample from)."""
    pngs = sorted(glob.glob(os.path.join(folder, "**", "*.png"), recursive=True))
    return pngs + sorted(glob.glob(os.path.join(folder, "**", "*.jp*g"), recursive=True))


def psnr(x, original):
    decoded = torch.round((x.clamp(-0.5, 0.5) + 0.5) * 255)
    reference = torch.round((original + 0.5) * 255)
    mse = torch.mean((decoded - reference) ** 2).item()
    return 10 * math.log10(255 ** 2 / max(mse, 1e-10))


def distances(points, book):
    """[M, K] squared distances from points [M, D] to the rows of book [K, D]."""
    return (points ** 2).sum(1, keepdim=True) - 2 * points @ book.t() + (book ** 2).sum(1)[None]


def nearest_index(residual, book):
    """[M] the index of the nearest row of book [K, D] for each residual [M, D]."""
    return distances(residual, book).argmin(1)


def nearest(residual, book):
    """[M, D] residuals → the nearest rows of book [K, D]."""
    return book[nearest_index(residual, book)]


def kmeans(points, k, iterations=25, seed=0):
    generator = torch.Generator().manual_seed(seed)
    centres = points[torch.randperm(len(points), generator=generator)[:k]].clone()
    for _ in range(iterations):
        assignment = nearest_index(points, centres)
        for j in range(k):
            members = points[assignment == j]
            if len(members):
                centres[j] = members.mean(0)
    return centres


def entropy_bits(symbols):
    """Order-0 entropy of a 1-D integer tensor, times its length: what an ideal coder for this image alone needs."""
    _, counts = torch.unique(symbols, return_counts=True)
    counts = counts.double()
    return float(-(counts * torch.log2(counts / counts.sum())).sum())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="a straight-through model as safetensors (`vqcodec convert`)")
    parser.add_argument("images", help="folder of PNG or JPEG images to measure on")
    parser.add_argument("--train", help="training folder: latents for the extra stages' k-means")
    parser.add_argument("--train-images", type=int, default=60)
    parser.add_argument("--extra-stages", type=int, default=0)
    parser.add_argument("--extra-size", type=int, default=64, help="K of each extra stage")
    parser.add_argument("--scalar-steps", default="", help="comma-separated step sizes of the scalar refinement")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    torch.set_num_threads(2)
    tensors, metadata = load_safetensors(args.model)
    encoder, decoder = Encoder(tensors, metadata).eval(), Decoder(tensors, metadata).eval()
    books = [torch.from_numpy(tensors[f"quantizer.stage{s}.codebook"].copy()) for s in range(int(metadata["stages"]))]
    own_stages = len(books)
    scalar_steps = [float(step) for step in args.scalar_steps.split(",") if step]
    dim = books[0].shape[1]

    with torch.no_grad():
        if args.extra_stages:
            paths = image_paths(args.train)
            step = max(1, len(paths) // args.train_images)
            latents = []
            for path in paths[::step][:args.train_images]:
                image = load(path)[:, :, :256, :256]
                latents.append(encoder(image).permute(0, 2, 3, 1).reshape(-1, dim))
            residual = torch.cat(latents)
            for book in books:
                residual = residual - nearest(residual, book)
            for s in range(args.extra_stages):
                book = kmeans(residual, args.extra_size, seed=s)
                books.append(book)
                residual = residual - nearest(residual, book)
                print(f"extra stage {s}: fitted on {len(residual)} training latents", file=sys.stderr)

        rows = {"unquantized": []} | {f"{n} stages": [] for n in range(1, len(books) + 1)}
        rows |= {f"{own_stages} stages + scalar step {step}": [] for step in scalar_steps}
        rates = {name: [] for name in rows if name != "unquantized"}
        latent_energy = {n: 0.0 for n in range(len(books) + 1)}
        for path in image_paths(args.images):
            image = load(path, int(metadata["downsampling"]))
            z = encoder(image)
            flat = z.permute(0, 2, 3, 1).reshape(-1, dim)
            rows["unquantized"].append(psnr(decoder(z), image))
            pixels = image.shape[2] * image.shape[3]
            quantized, residual, bits = torch.zeros_like(flat), flat, 0.0
            latent_energy[0] += (flat ** 2).sum().item()

            def grid(latents):
                return latents.reshape(1, z.shape[2], z.shape[3], dim).permute(0, 3, 1, 2)

            for n, book in enumerate(books, 1):
                index = nearest_index(residual, book)
                quantized, residual = quantized + book[index], residual - book[index]
                bits += entropy_bits(index)
                latent_energy[n] += (residual ** 2).sum().item()
                rows[f"{n} stages"].append(psnr(decoder(grid(quantized)), image))
                rates[f"{n} stages"].append(bits / pixels)
                if n == own_stages:
                    own = (quantized, residual, bits)
            for step in scalar_steps:
                integers = torch.round(own[1] / step)
                name = f"{own_stages} stages + scalar step {step}"
                rows[name].append(psnr(decoder(grid(own[0] + integers * step)), image))
                scalar_bits = sum(entropy_bits(integers[:, channel].long()) for channel in range(dim))
                rates[name].append((own[2] + scalar_bits) / pixels)
            print(f"{os.path.basename(path)}: unquantized {rows['unquantized'][-1]:.2f} dB", file=sys.stderr)

    results = {name: float(np.mean(values)) for name, values in rows.items()}
    results["order-0 rate (bpp)"] = {name: float(np.mean(values)) for name, values in rates.items()}
    results["latent residual energy, fraction left after n stages"] = [
        latent_energy[n] / latent_energy[0] for n in range(len(books) + 1)]
    print(json.dumps(results, indent=1))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
