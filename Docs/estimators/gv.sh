#!/bin/bash
cd /work/runs/estimators
while ! grep -q exit reinforce-nb.stdout 2>/dev/null; do sleep 5; done
GV="nice -n 5 ./vqcodec gradient-variance /work/shared/data/train --batch 16 --crop 64 --threads 1"
# A: all four estimators at one point: the straight-through model after its run (transplanted into gumbel/reinforce)
$GV --model st.vqm --estimator all --samples 32 --batches 32 > gv-common-st-end.jsonl 2> gv-common-st-end.stderr
# C: each at the end of its own run (REINFORCE models measured with and without the baseline)
$GV --model gumbel.vqm --estimator gumbel --samples 16 --batches 16 > gv-own-end.jsonl 2> gv-own-end.stderr
$GV --model reinforce.vqm --estimator reinforce,reinforce-no-baseline --samples 16 --batches 16 >> gv-own-end.jsonl 2>> gv-own-end.stderr
$GV --model reinforce-nb.vqm --estimator reinforce,reinforce-no-baseline --samples 16 --batches 16 >> gv-own-end.jsonl 2>> gv-own-end.stderr
# B: all four at initialisation (fresh bench-f4, same seed: same encoder and decoder weights)
$GV --preset bench-f4 --estimator all --samples 16 --batches 16 > gv-init.jsonl 2> gv-init.stderr
echo done > gv.done
