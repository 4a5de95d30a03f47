#!/usr/bin/env bash
# Paired A/B timing of two vqcodec builds on bench-f4, 2 threads: A and B alternate run by run, and the result is
# the median over pairs of B's time / A's time. On a shared VM whose speed drifts by 20-40% within minutes, a pair
# run seconds apart sees nearly the same machine, where medians of separate rounds do not.
#   usage: Docs/performance/pair.sh MODE PAIRS BIN_A BIN_B     (MODE: train, encode or decode)
# Pause anything else running on the machine first (kill -STOP).
set -u
mode=${1:?usage: pair.sh MODE PAIRS BIN_A BIN_B}; pairs=${2:?}; a=${3:?}; b=${4:?}
key=seconds; args="--repeat 1"
[ "$mode" = train ] && { key=ms_per_step; args="--repeat 1 --steps 4"; }
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)  mode: $mode  A: $a  B: $b"
for _ in $(seq "$pairs"); do
  for bin in "$a" "$b"; do
    "$bin" bench --mode "$mode" --threads 2 $args | tail -1 |
      python3 -c "import sys,json; print(json.loads(sys.stdin.read())['$key'])"
  done | paste -sd' '
done | python3 -c "
import sys, statistics as st
rows = [tuple(map(float, l.split())) for l in sys.stdin if l.strip()]
a, b = [r[0] for r in rows], [r[1] for r in rows]
print('A: median %.4g, min %.4g; B: median %.4g, min %.4g; B/A per pair: median %.3f over %d pairs'
      % (st.median(a), min(a), st.median(b), min(b), st.median([y / x for x, y in rows]), len(rows)))
"
