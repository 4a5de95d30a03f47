"""Keeps the first N stages of a straight-through model: its encoder, decoder and first N codebooks are unchanged,
so the smaller model encodes and decodes exactly as the larger one does at N stages. Works on the safetensors form
(Docs/FORMAT.md section 9.1); wrap it in `vqcodec convert` both ways:

  vqcodec convert big.vqm /tmp/big.safetensors
  python3 Docs/benchmarks/keep_stages.py /tmp/big.safetensors 3 /tmp/small.safetensors
  vqcodec convert /tmp/small.safetensors small.vqm

Used to measure a six-stage run's first stages as a model of their own (Docs/BENCHMARKS.md, "Levers").
Standard library only."""
import json, struct, sys

source, kept, target = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(source, "rb") as f:
    data = f.read()
(length,) = struct.unpack("<Q", data[:8])
header = json.loads(data[8:8 + length])
body = data[8 + length:]
meta = header.pop("__metadata__")
stages = int(meta["stages"])
if not 1 <= kept <= stages:
    sys.exit(f"error: the model has {stages} stages; keep 1...{stages}")

tensors = []  # (name, dtype, shape, bytes) in the file's order
for name, entry in sorted(header.items(), key=lambda item: item[1]["data_offsets"][0]):
    start, end = entry["data_offsets"]
    shape, raw = entry["shape"], body[start:end]
    if name.startswith("quantizer.stage") and int(name.split(".")[1][len("stage"):]) >= kept:
        continue
    if name == "index_prior":  # [S, K] counts, one row per stage
        shape = [kept, shape[1]]
        raw = raw[:kept * shape[1] * 4]
    tensors.append((name, entry["dtype"], shape, raw))

meta["stages"] = str(kept)
out_header, offset = {"__metadata__": meta}, 0
for name, dtype, shape, raw in tensors:
    out_header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
    offset += len(raw)
text = json.dumps(out_header, separators=(",", ":")).encode()
text += b" " * (-len(text) % 8)
with open(target, "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(raw for _, _, _, raw in tensors))
print(f"{target}: {kept} of {stages} stages, {len(tensors)} tensors")
