"""vqcodec's decoder as a PyTorch module, loaded from `vqcodec convert M.vqm M.safetensors`.

A reference for serving or training vqcodec models with PyTorch: the same network (Docs/ARCHITECTURE.md), the
tensor names and layouts of Docs/FORMAT.md §9.1 (vqcodec stores NHWC-style weights: convolutions [kh, kw, in, out],
transposed convolutions [kh, kw, out, in]; here they are permuted into PyTorch's [out, in, kh, kw] and
[in, out, kh, kw]). Not needed to build or test the Swift package; Tests/PyTorch/run.sh checks it where torch is
installed. Reading safetensors needs only json and numpy (the format is a length, a JSON header and raw tensors).
"""
import json
import struct

import numpy as np
import torch
from torch import nn


def load_safetensors(path):
    """(tensors by name as numpy arrays, metadata) of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    metadata = header.pop("__metadata__", {})
    body = data[8 + length:]
    dtypes = {"F32": np.float32, "U32": np.uint32}
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(body[start:end], dtype=dtypes[info["dtype"]]).reshape(info["shape"])
    return tensors, metadata


def save_safetensors(path, tensors, metadata):
    """Writes tensors (numpy arrays by name: float32, or uint32 for the index prior) and metadata as safetensors."""
    header, body, offset = {"__metadata__": metadata}, [], 0
    for name, array in tensors.items():
        dtype = "U32" if array.dtype == np.uint32 else "F32"
        data = np.ascontiguousarray(array, np.uint32 if dtype == "U32" else np.float32).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        body.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + b"".join(body))


def conv(tensors, name, padding):
    """A Conv2d from vqcodec's [kh, kw, in, out] weight."""
    w = torch.from_numpy(tensors[name + ".weight"].copy()).permute(3, 2, 0, 1).contiguous()
    layer = nn.Conv2d(w.shape[1], w.shape[0], w.shape[2], padding=padding)
    layer.weight.data.copy_(w)
    layer.bias.data.copy_(torch.from_numpy(tensors[name + ".bias"].copy()))
    return layer


def transposed(tensors, name):
    """A stride-2 ConvTranspose2d from vqcodec's [kh, kw, out, in] weight."""
    w = torch.from_numpy(tensors[name + ".weight"].copy()).permute(3, 2, 0, 1).contiguous()
    layer = nn.ConvTranspose2d(w.shape[0], w.shape[1], w.shape[2], stride=2, padding=1)
    layer.weight.data.copy_(w)
    layer.bias.data.copy_(torch.from_numpy(tensors[name + ".bias"].copy()))
    return layer


class ResidualBlock(nn.Module):
    """x + conv1x1(relu(conv3x3(relu(x))))."""

    def __init__(self, tensors, name):
        super().__init__()
        self.conv3x3 = conv(tensors, name + ".conv3x3", 1)
        self.conv1x1 = conv(tensors, name + ".conv1x1", 0)

    def forward(self, x):
        return x + self.conv1x1(torch.relu(self.conv3x3(torch.relu(x))))


class IGDN(nn.Module):
    """x_i * sqrt(beta_i^2 + 1e-6 + sum_j gamma[0, 0, j, i]^2 x_j^2): a GDN model's decoder (FORMAT.md §9)."""

    def __init__(self, tensors, name):
        super().__init__()
        self.beta = torch.from_numpy(tensors[name + ".beta"].copy()) ** 2 + 1e-6
        gamma = torch.from_numpy(tensors[name + ".gamma"][0, 0].copy()) ** 2  # [in j, out i]
        self.gamma = gamma.t().contiguous()[:, :, None, None]

    def forward(self, x):
        return x * torch.sqrt(nn.functional.conv2d(x * x, self.gamma, self.beta))


class Decoder(nn.Module):
    """Latents [N, D, h, w] → image [N, 3, h·f, w·f] in [-0.5, 0.5] (unclamped)."""

    def __init__(self, tensors, metadata):
        super().__init__()
        self.trunk = conv(tensors, "decoder.trunk", 1)
        self.blocks = nn.ModuleList(
            ResidualBlock(tensors, f"decoder.block{i}") for i in range(int(metadata["residual_blocks"])))
        layers = (int(metadata["downsampling"]).bit_length() - 1)
        self.upsampling = nn.ModuleList(transposed(tensors, f"decoder.up{i}") for i in range(layers))
        gdn = metadata.get("activation", "relu") == "gdn"
        self.between = [IGDN(tensors, f"decoder.igdn{i}") if gdn else torch.relu for i in range(layers - 1)]

    def forward(self, z):
        h = self.trunk(z)
        for block in self.blocks:
            h = block(h)
        h = torch.relu(h)
        for i, up in enumerate(self.upsampling):
            h = up(h)
            if i < len(self.upsampling) - 1:
                h = self.between[i](h)
        return h


class VQDecoder(nn.Module):
    """Index grids (one per residual stage) → RGB8 pixels, as `vqcodec decode` computes them."""

    def __init__(self, path):
        super().__init__()
        tensors, metadata = load_safetensors(path)
        if metadata.get("format") != "vqcodec" or metadata.get("estimator") != "straight-through":
            raise ValueError("a straight-through vqcodec model is needed")
        # One zero row after each codebook: index K is a skip, where that stage adds nothing (FORMAT.md §4.4).
        self.codebooks = [torch.from_numpy(np.concatenate([book, np.zeros((1, book.shape[1]), book.dtype)]))
                          for book in (tensors[f"quantizer.stage{s}.codebook"] for s in range(int(metadata["stages"])))]
        self.decoder = Decoder(tensors, metadata)

    @torch.no_grad()
    def forward(self, indices, latent_height, latent_width, image_height, image_width):
        z = sum(book[torch.as_tensor(grid, dtype=torch.long)] for book, grid in zip(self.codebooks, indices))
        z = z.reshape(1, latent_height, latent_width, -1).permute(0, 3, 1, 2)
        x = self.decoder(z).clamp(-0.5, 0.5)[0, :, :image_height, :image_width]
        return torch.round((x + 0.5) * 255).to(torch.uint8).permute(1, 2, 0).numpy()
