#!/bin/bash
# usage: run.sh NAME ESTIMATOR [extra flags]
name=$1; est=$2; shift 2
cd /work/runs/estimators
nice -n 5 ./vqcodec train /work/shared/data/train --out $name.vqm --preset bench-f4 --estimator $est \
  --minutes 5 --batch 16 --crop 64 --warmup 20 --val /work/shared/data/kodak --val-images 4 --validate-every 60 \
  --checkpoint-every 100000 --threads 1 "$@" > $name.stdout 2> $name.stderr
echo "exit $?" >> $name.stdout
