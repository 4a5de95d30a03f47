#!/usr/bin/env bash
# Same-window speed comparison on bench-f4, 2 threads: one or more vqcodec binaries against PyTorch
# (../shared/tools/torch_ref.py), interleaved round by round; prints each one's median and its ratio to PyTorch.
#   usage: Docs/performance/compare.sh ROUNDS BIN [BIN...]
#   env:   TORCH_PY (a python with torch; default .venv-torch/bin/python), EXTRA_ENV (e.g. VQCODEC_GEMM_KERNEL=avx2),
#          BACKGROUND=N (N busy loops at nice 19 for the whole window: how each engine fares beside other work)
# Pause anything else running on the machine first (kill -STOP); only ratios from one window mean anything.
set -u
rounds=${1:?usage: compare.sh ROUNDS BIN [BIN...]}; shift
bins=("$@"); [ ${#bins[@]} -gt 0 ] || { echo "usage: compare.sh ROUNDS BIN [BIN...]"; exit 64; }
root=$(cd "$(dirname "$0")/../.." && pwd)
py=${TORCH_PY:-$root/.venv-torch/bin/python}
torch_ref=$root/../shared/tools/torch_ref.py
"$py" -c "import torch" 2>/dev/null || { echo "no torch in $py (set TORCH_PY)"; exit 1; }
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
busy=()
for _ in $(seq "${BACKGROUND:-0}"); do nice -n 19 bash -c 'while :; do :; done' & busy+=($!); done
[ ${#busy[@]} -gt 0 ] && { trap 'kill "${busy[@]}" 2>/dev/null' EXIT; echo "background: ${#busy[@]} busy loops at nice 19"; }
for b in "${bins[@]}"; do echo "$b: kernel $(env ${EXTRA_ENV:-} "$b" bench --mode gemm --threads 2 --repeat 1 | python3 -c "import sys,json; print(json.loads(sys.stdin.read()).get('kernel', '(not reported)'))")"; done
declare -A args=([train]="--batch 32 --size 64x64 --steps 10 --repeat 3" [encode]="--size 512x768 --repeat 5" [decode]="--size 512x768 --repeat 5")
declare -A key=([train]=images_per_s [encode]=megapixels_per_s [decode]=megapixels_per_s)
pick() { python3 -c "import sys,json; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['$1'])"; }
for mode in train encode decode; do
  declare -A got=()
  for r in $(seq "$rounds"); do
    for i in "${!bins[@]}"; do
      got[$i]+=" $(env ${EXTRA_ENV:-} "${bins[$i]}" bench --mode "$mode" --threads 2 ${args[$mode]} | pick "${key[$mode]}")"
    done
    got[torch]+=" $("$py" "$torch_ref" --mode "$mode" --threads 2 ${args[$mode]} 2>/dev/null | pick "${key[$mode]}")"
  done
  for i in "${!bins[@]}"; do
    python3 - "$mode" "${key[$mode]}" "${bins[$i]}" "${got[$i]}" "${got[torch]}" <<'PY'
import sys, statistics as st
mode, key, name, ours, torch = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(), sys.argv[5].split()
ours, torch = [float(x) for x in ours], [float(x) for x in torch]
print(f"{mode:6s} {key:16s} {name}: {st.median(ours):.3f} {ours}  pytorch {st.median(torch):.3f} {torch}  ratio {st.median(ours) / st.median(torch):.2f}")
PY
  done
  unset got
done
