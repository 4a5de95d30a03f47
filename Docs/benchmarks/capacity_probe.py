"""Capacity probe (Docs/BENCHMARKS.md, issue "levers"): vqcodec's encoder and decoder trained with NO quantizer,
MSE only, on the same data and crops as `vqcodec train`, then measured on full images. What it reaches bounds what
any quantizer and entropy coder can get from this architecture at the same training budget.

The network is vqcodec's (Docs/ARCHITECTURE.md, `NetworkPlan`): f/2-stride convolutions 4x4 s2 p1 with ReLU
(3 -> width/2 -> width -> ... -> width), a 3x3 trunk, residual blocks x + conv1x1(relu(conv3x3(relu(x)))), ReLU,
a 1x1 projection to D; the decoder mirrors it with 4x4 s2 p1 transposed convolutions. PyTorch, for speed of writing:
the probe measures the architecture, not the engine.

  usage: capacity_probe.py --train DIR --eval DIR --f 8 --minutes 20 [--width 128 --blocks 2 --hidden 64 --dim 32]
                           [--scale-blocks N] [--gdn] [--subpixel] [--steps N]

--scale-blocks N adds N residual blocks (hidden = half the channels) at every resolution between the image's and the
latents', after each inner stride-2 layer of the encoder and each inner transposed one of the decoder: capacity where
the pictures' detail is, which the shipped architecture lacks. --steps N trains a fixed number of steps (the schedule
then follows steps, not wall time), so a run can be paused and compared step for step with another. --gdn puts
GDN (Balle et al. 2016) after each stride-2 convolution of the encoder and its inverse after each inner transposed
one of the decoder, instead of ReLU. --subpixel upsamples in the decoder by sub-pixel convolution (Shi et al. 2016: a
3x3 convolution to 4x the channels, then a pixel shuffle) instead of 4x4 stride-2 transposed convolutions.
"""
import argparse, glob, json, math, os, random, sys, time

import numpy as np
import torch
from PIL import Image
from torch import nn


class Block(nn.Module):
    def __init__(self, width, hidden):
        super().__init__()
        self.conv3x3, self.conv1x1 = nn.Conv2d(width, hidden, 3, padding=1), nn.Conv2d(hidden, width, 1)

    def forward(self, x):
        return x + self.conv1x1(torch.relu(self.conv3x3(torch.relu(x))))


class GDN(nn.Module):
    """Generalized divisive normalization (Balle et al. 2016): x / sqrt(beta + gamma x^2) over channels, or its
    inverse x * sqrt(...) in the decoder. beta and gamma are kept positive as squares of the parameters."""

    def __init__(self, channels, inverse):
        super().__init__()
        self.inverse = inverse
        self.beta = nn.Parameter(torch.ones(channels))
        self.gamma = nn.Parameter(math.sqrt(0.1) * torch.eye(channels))

    def forward(self, x):
        c = x.shape[1]
        norm = torch.sqrt(nn.functional.conv2d(x * x, (self.gamma ** 2).view(c, c, 1, 1), self.beta ** 2 + 1e-6))
        return x * norm if self.inverse else x / norm


def channels(f, width):
    layers = f.bit_length() - 1
    return [(3 if i == 0 else (width // 2 if i == 1 else width), width // 2 if i == 0 else width) for i in range(layers)]


class AutoEncoder(nn.Module):
    def __init__(self, f, width, blocks, hidden, dim, scale_blocks=0, gdn=False, subpixel=False):
        super().__init__()
        down = channels(f, width)
        # --gdn: GDN after each stride-2 convolution, IGDN after each inner transposed one, instead of ReLU
        self.down_act = nn.ModuleList(GDN(o, False) if gdn else nn.ReLU() for _, o in down)
        self.down = nn.ModuleList(nn.Conv2d(i, o, 4, 2, 1) for i, o in down)
        self.down_blocks = nn.ModuleList(
            nn.Sequential(*(Block(o, o // 2) for _ in range(scale_blocks if k < len(down) - 1 else 0)))
            for k, (_, o) in enumerate(down))
        self.enc_trunk = nn.Conv2d(down[-1][1], width, 3, padding=1)
        self.enc_blocks = nn.ModuleList(Block(width, hidden) for _ in range(blocks))
        self.projection = nn.Conv2d(width, dim, 1)
        self.dec_trunk = nn.Conv2d(dim, width, 3, padding=1)
        self.dec_blocks = nn.ModuleList(Block(width, hidden) for _ in range(blocks))
        up = [(o, i) for i, o in reversed(down)]
        up[0] = (width, up[0][1])
        self.up = nn.ModuleList(
            nn.Sequential(nn.Conv2d(i, 4 * o, 3, padding=1), nn.PixelShuffle(2)) if subpixel else
            nn.ConvTranspose2d(i, o, 4, 2, 1) for i, o in up)
        self.up_blocks = nn.ModuleList(
            nn.Sequential(*(Block(o, o // 2) for _ in range(scale_blocks if k < len(up) - 1 else 0)))
            for k, (_, o) in enumerate(up))
        self.up_act = nn.ModuleList(GDN(o, True) if gdn else nn.ReLU() for _, o in up[:-1])

    def forward(self, x):
        return self.decode(self.encode(x))

    def encode(self, x):
        for conv, extra, act in zip(self.down, self.down_blocks, self.down_act):
            x = torch.relu(extra(act(conv(x)))) if len(extra) else act(conv(x))
        x = self.enc_trunk(x)
        for b in self.enc_blocks:
            x = b(x)
        return self.projection(torch.relu(x))

    def decode(self, z):
        h = self.dec_trunk(z)
        for b in self.dec_blocks:
            h = b(h)
        h = torch.relu(h)
        for i, (up, extra) in enumerate(zip(self.up, self.up_blocks)):
            h = up(h)
            if i < len(self.up) - 1:
                h = torch.relu(extra(self.up_act[i](h))) if len(extra) else self.up_act[i](h)
        return h


def load(folder, crop=0):
    images = []
    for p in sorted(glob.glob(os.path.join(folder, "**", "*"), recursive=True)):
        if p.lower().endswith((".png", ".jpg", ".jpeg")):
            a = np.asarray(Image.open(p).convert("RGB"))
            if a.shape[0] >= crop and a.shape[1] >= crop:
                images.append(a)
    return images


def batch(images, n, crop, rng):
    out = np.empty((n, crop, crop, 3), np.uint8)
    for b in range(n):
        a = images[rng.randrange(len(images))]
        y, x = rng.randrange(a.shape[0] - crop + 1), rng.randrange(a.shape[1] - crop + 1)
        c = a[y:y + crop, x:x + crop]
        out[b] = c[:, ::-1] if rng.random() < 0.5 else c
    return torch.from_numpy(out).permute(0, 3, 1, 2).float() / 255 - 0.5


def evaluate(model, images, f):
    psnrs = []
    with torch.no_grad():
        for a in images:
            h, w = a.shape[0] // f * f, a.shape[1] // f * f
            x = torch.from_numpy(a[:h, :w].copy()).permute(2, 0, 1)[None].float() / 255 - 0.5
            y = torch.round((model(x).clamp(-0.5, 0.5) + 0.5) * 255)[0].permute(1, 2, 0).numpy()
            psnrs.append(10 * math.log10(255 ** 2 / np.mean((y - a[:h, :w].astype(np.float32)) ** 2)))
    return psnrs


def layers(model):
    """(vqcodec name, torch layer) of every convolution, in the names of Docs/FORMAT.md §9.1."""
    named = [(f"encoder.down{i}", conv) for i, conv in enumerate(model.down)]
    named += [("encoder.trunk", model.enc_trunk), ("encoder.projection", model.projection)]
    named += [("decoder.trunk", model.dec_trunk)] + [(f"decoder.up{i}", up) for i, up in enumerate(model.up)]
    for part, blocks in (("encoder", model.enc_blocks), ("decoder", model.dec_blocks)):
        for i, block in enumerate(blocks):
            named += [(f"{part}.block{i}.conv3x3", block.conv3x3), (f"{part}.block{i}.conv1x1", block.conv1x1)]
    return named


def normalizations(model):
    """(vqcodec name, GDN) of the encoder's GDN and the decoder's IGDN layers (none with ReLU)."""
    acts = [(f"encoder.gdn{i}", a) for i, a in enumerate(a for a in model.down_act if isinstance(a, GDN))]
    return acts + [(f"decoder.igdn{i}", a) for i, a in enumerate(a for a in model.up_act if isinstance(a, GDN))]


def weights(model):
    """The network's weights as vqcodec stores them: torch [out, in, kh, kw] (transposed: [in, out, kh, kw]) ->
    [kh, kw, in|out, out|in]; GDN's gamma as [1, 1, in j, out i]."""
    tensors = {}
    for name, layer in layers(model):
        tensors[name + ".weight"] = layer.weight.detach().permute(2, 3, 1, 0).contiguous()
        tensors[name + ".bias"] = layer.bias.detach()
    for name, act in normalizations(model):
        tensors[name + ".beta"] = act.beta.detach()
        tensors[name + ".gamma"] = act.gamma.detach().t().contiguous()[None, None]
    return tensors


def load_weights(model, tensors):
    """The inverse of `weights`: a vqcodec model's tensors (numpy, by name) into the network."""
    with torch.no_grad():
        for name, layer in layers(model):
            layer.weight.copy_(torch.from_numpy(tensors[name + ".weight"].copy()).permute(3, 2, 0, 1))
            layer.bias.copy_(torch.from_numpy(tensors[name + ".bias"].copy()))
        for name, act in normalizations(model):
            act.beta.copy_(torch.from_numpy(tensors[name + ".beta"].copy()))
            act.gamma.copy_(torch.from_numpy(tensors[name + ".gamma"][0, 0].copy()).t())


def save(model, args, train, rng):
    """The network in vqcodec's safetensors layout, so `vqcodec convert` makes it a .vqm that `vqcodec report` codes
    and `vqcodec train --init-from` fine-tunes with its quantizer. Only the shipped architecture (no --scale-blocks)."""
    assert args.scale_blocks == 0 and not args.subpixel, "--save needs the shipped architecture"
    sys.path.insert(0, os.path.dirname(__file__))
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "PyTorch"))
    from latent_ceiling import Encoder, kmeans, nearest
    from vqcodec_torch import save_safetensors
    tensors = weights(model)
    metadata = {"format": "vqcodec", "estimator": "straight-through",
                "layout": "NHWC; convolution weights [kh, kw, in, out]; transposed convolution weights [kh, kw, out, in]",
                "downsampling": str(args.f), "width": str(args.width), "residual_blocks": str(args.blocks),
                "residual_hidden": str(args.hidden), "latent_dimension": str(args.dim),
                "codebook_size": str(args.codebook_size), "stages": str(args.stages),
                "activation": "gdn" if args.gdn else "relu"}
    # Codebooks: residual k-means, stage by stage, on the latents of 64 training batches, computed by the encoder as
    # the saved file defines it.
    encoder = Encoder({name: t.numpy() for name, t in tensors.items()}, metadata)
    with torch.no_grad():
        latents = torch.cat([encoder(batch(train, args.batch, args.crop, rng)).permute(0, 2, 3, 1).reshape(-1, args.dim)
                             for _ in range(64)])
        for s in range(args.stages):
            book = kmeans(latents, args.codebook_size, seed=s)
            tensors[f"quantizer.stage{s}.codebook"] = book
            latents = latents - nearest(latents, book)
    save_safetensors(args.save, {name: t.numpy() for name, t in tensors.items()}, metadata)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--eval", required=True)
    ap.add_argument("--f", type=int, default=8)
    ap.add_argument("--width", type=int, default=128)
    ap.add_argument("--blocks", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--dim", type=int, default=32)
    ap.add_argument("--scale-blocks", type=int, default=0)
    ap.add_argument("--gdn", action="store_true")
    ap.add_argument("--subpixel", action="store_true")
    ap.add_argument("--minutes", type=float, default=20)
    ap.add_argument("--steps", type=int, default=0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--crop", type=int, default=128)
    ap.add_argument("--lr", type=float, default=4e-4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--save", help="write the trained network as a vqcodec model (safetensors, FORMAT.md §9.1), with "
                    "--stages codebooks of --codebook-size fitted by k-means on training latents")
    ap.add_argument("--stages", type=int, default=6)
    ap.add_argument("--codebook-size", type=int, default=64)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng = random.Random(0)
    train = load(args.train, args.crop)
    model = AutoEncoder(args.f, args.width, args.blocks, args.hidden, args.dim, args.scale_blocks, args.gdn,
                        args.subpixel)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    start, step, budget = time.time(), 0, args.minutes * 60
    while (step < args.steps) if args.steps else (time.time() - start < budget):
        # warm-up over the first 2%, then cosine decay by wall time (or by steps with --steps)
        progress = step / args.steps if args.steps else (time.time() - start) / budget
        for g in opt.param_groups:
            g["lr"] = args.lr * min(1, progress / 0.02) * 0.5 * (1 + math.cos(math.pi * progress))
        x = batch(train, args.batch, args.crop, rng)
        loss = torch.mean((model(x) - x) ** 2)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if step % 100 == 0:
            print(f"step {step}  train psnr {10 * math.log10(1 / loss.item()):.2f} dB  {time.time() - start:.0f} s",
                  file=sys.stderr)
    psnrs = evaluate(model.eval(), load(args.eval), args.f)
    print(json.dumps({"f": args.f, "width": args.width, "blocks": args.blocks, "hidden": args.hidden, "dim": args.dim,
                      "scale_blocks": args.scale_blocks, "gdn": args.gdn, "subpixel": args.subpixel, "parameters": sum(p.numel() for p in model.parameters()),
                      "minutes": round((time.time() - start) / 60, 1), "steps": step, "batch": args.batch, "crop": args.crop,
                      "eval_psnr_mean": round(float(np.mean(psnrs)), 3), "eval_images": len(psnrs)}))
    if args.save:
        save(model, args, train, rng)


if __name__ == "__main__":
    main()
