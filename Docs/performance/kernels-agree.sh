#!/usr/bin/env bash
# Encodes and decodes every PNG in a folder with each matrix kernel this CPU runs (VQCODEC_GEMM_KERNEL) and with 1
# and 2 threads, and checks that every run writes byte-identical .vq files and decoded PNGs (Docs/FORMAT.md §6.1).
#   usage: Docs/performance/kernels-agree.sh VQCODEC_BIN FOLDER [STAGES]
set -euo pipefail
bin=${1:?usage: kernels-agree.sh VQCODEC_BIN FOLDER [STAGES]}; folder=${2:?usage: kernels-agree.sh VQCODEC_BIN FOLDER [STAGES]}
stages=${3:-3}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
runs=()
for kernel in avx512 avx2 portable; do
  for threads in 1 2; do
    # A kernel the CPU lacks falls back to the default; bench reports which one really ran.
    ran=$(VQCODEC_GEMM_KERNEL=$kernel "$bin" bench --mode gemm --repeat 1 --warmup 0 --threads 1 |
      python3 -c 'import sys,json; print(json.loads(sys.stdin.read())["kernel"])')
    [ "$ran" = "$kernel" ] || { echo "skip $kernel (this CPU runs $ran)"; continue 2; }
    out="$work/$kernel-$threads"; mkdir -p "$out"; runs+=("$out")
    for f in "$folder"/*.png; do
      b=$(basename "$f" .png)
      VQCODEC_GEMM_KERNEL=$kernel "$bin" encode "$f" "$out/$b.vq" --stages "$stages" --threads "$threads" --quiet
      VQCODEC_GEMM_KERNEL=$kernel "$bin" decode "$out/$b.vq" "$out/$b.png" --threads "$threads" --quiet
    done
    echo "$kernel, $threads thread(s): $(ls "$out" | wc -l) files"
  done
done
status=0
for r in "${runs[@]:1}"; do
  if diff -rq "${runs[0]}" "$r" >/dev/null; then echo "$(basename "$r") = $(basename "${runs[0]}")"
  else echo "$(basename "$r") DIFFERS from $(basename "${runs[0]}")"; status=1; fi
done
exit $status
