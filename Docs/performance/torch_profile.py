"""PyTorch's own profile of the bench-f4 training step that `../shared/tools/torch_ref.py --mode train` times
(batch 32, 64x64, 2 threads): self CPU time per aten op over 6 steps after 3 warm-up steps. Docs/PERFORMANCE.md
splits it into convolution forward (mkldnn_convolution + _convolution), backward (convolution_backward) and the rest.
  usage: .venv-torch/bin/python Docs/performance/torch_profile.py"""
import os, sys
import torch
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../shared/tools"))
import torch_ref as T  # noqa: E402

torch.set_num_threads(2)
torch.manual_seed(0)
model = T.VQVAE()
model.train()
opt = torch.optim.Adam(model.parameters(), lr=T.LR)
pool = [torch.rand(32, 3, 64, 64) - 0.5 for _ in range(4)]


def step(i):
    loss, _, _ = model(pool[i % len(pool)])
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


for i in range(3):
    step(i)
with profile(activities=[ProfilerActivity.CPU]) as prof:
    for i in range(6):
        step(i)
print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=20))
