#!/bin/bash
# Runs one training (the command after LABEL, to which `--out` is added) and prints the median images/s and
# exchange seconds of its metrics log over steps 3 and later, and the bytes rank 0 receives per step.
# Usage: Docs/training/measure.sh LABEL COMMAND...   (Docs/TRAINING.md shows the commands behind each table)
set -euo pipefail
label=$1
shift
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
"$@" --out "$d/m.vqm" >"$d/out" 2>&1
python3 - "$label" "$d/m.vqm.log.jsonl" "$d/out" <<'PY'
import json, re, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[2]) if '"loss"' in l]
rows = [r for r in rows if r["step"] >= 3]
speed = statistics.median(r["images_per_s"] for r in rows)
exchange = [r["exchange_s"] for r in rows if "exchange_s" in r]
received = re.findall(r"receives ([0-9.]+ MB)", open(sys.argv[3]).read())
print(f"{sys.argv[1]:40s} images/s {speed:7.2f}  exchange_s {statistics.median(exchange) if exchange else 0:.4f}"
      f"  {received[0] if received else ''}")
PY
