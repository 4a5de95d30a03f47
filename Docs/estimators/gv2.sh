#!/bin/bash
cd /work/runs/estimators
while [ ! -f gv.done ]; do sleep 5; done
# D: REINFORCE at the common point with 6x the samples, to resolve an SNR far below 1/32
nice -n 5 ./vqcodec gradient-variance /work/shared/data/train --batch 16 --crop 64 --threads 1 --model st.vqm \
  --estimator reinforce,reinforce-no-baseline --samples 192 --batches 192 > gv-common-st-end-192.jsonl 2> gv-common-st-end-192.stderr
echo done > gv2.done
