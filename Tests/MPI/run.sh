#!/usr/bin/env bash
# Data-parallel training over Open MPI, checked end to end (CI runs it after `swift test`):
#  - one process, 2 ranks and 3 ranks train byte-identical models, for each estimator;
#  - a 2-rank run stopped by Ctrl-C (SIGINT to mpirun) and resumed with 3 ranks equals an uninterrupted run;
#  - a rank that dies, a rank that cannot read its images and a diverging run each end the whole job within
#    seconds, with one `error:` line where there is a message to give, and leave the last checkpoint loadable.
# Usage: Tests/MPI/run.sh [VQCODEC]   (an MPI build: swift build --traits MPI --scratch-path .build-mpi)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-.build-mpi/debug/vqcodec}")
mpirun=(mpirun --allow-run-as-root --oversubscribe)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
images=$(realpath Samples/Images)
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
common=(--preset tiny --batch 6 --shards 6 --crop 32 --warmup 2 --checkpoint-every 10 --log-every 5)

# 1. The same model from one process and from 2 and 3 ranks, for every estimator.
for estimator in straight-through gumbel reinforce; do
  "$bin" train "$images" --out "$work/one.vqm" --force "${common[@]}" --steps 30 --estimator "$estimator" 2>/dev/null
  for ranks in 2 3; do
    "${mpirun[@]}" -np $ranks "$bin" train "$images" --out "$work/n.vqm" --force "${common[@]}" --steps 30 \
      --estimator "$estimator" 2>/dev/null
    cmp -s "$work/one.vqm" "$work/n.vqm" || fail "$estimator: $ranks ranks trained another model than one process"
    pass "$estimator: 1 process and $ranks ranks train byte-identical models"
  done
done

# 2. Ctrl-C to mpirun stops every rank at the same step with a checkpoint; resuming with 3 ranks finishes the run
#    exactly as one uninterrupted process does.
steps=400
"$bin" train "$images" --out "$work/straight.vqm" "${common[@]}" --steps $steps 2>/dev/null
"${mpirun[@]}" -np 2 "$bin" train "$images" --out "$work/cut.vqm" "${common[@]}" --steps $steps \
  >"$work/cut.out" 2>&1 &
job=$!
for _ in $(seq 100); do [ -s "$work/cut.vqm.log.jsonl" ] && break; sleep 0.1; done
kill -INT $job
wait $job || true
grep -q "interrupted: checkpoint written" "$work/cut.out" || fail "no checkpoint after Ctrl-C: $(cat "$work/cut.out")"
stopped=$(grep -o 'saved .* at step [0-9]*' "$work/cut.out" | tail -1 | grep -o '[0-9]*$')
"${mpirun[@]}" -np 3 "$bin" train "$images" --out "$work/cut.vqm" "${common[@]}" --steps $steps \
  --resume "$work/cut.vqm.ckpt" 2>/dev/null
cmp -s "$work/straight.vqm" "$work/cut.vqm" || fail "interrupted at step $stopped and resumed: another model"
pass "2 ranks stopped by Ctrl-C at step $stopped, resumed with 3 ranks: the uninterrupted model, byte for byte"

# 3a. A rank killed mid-run ends the job within seconds; the last checkpoint stays whole.
"${mpirun[@]}" -np 2 "$bin" train "$images" --out "$work/killed.vqm" "${common[@]}" --steps 100000 \
  >"$work/killed.out" 2>&1 &
job=$!
for _ in $(seq 200); do [ -s "$work/killed.vqm.ckpt" ] && break; sleep 0.1; done
[ -s "$work/killed.vqm.ckpt" ] || fail "no checkpoint to protect"
victim=$(pgrep -f "vqcodec train $images --out $work/killed.vqm" | tail -1)
start=$(date +%s)
kill -KILL "$victim"
wait $job && fail "mpirun exited 0 after a rank was killed"
elapsed=$(($(date +%s) - start))
[ $elapsed -le 10 ] || fail "the job took $elapsed s to end after a rank died"
"$bin" info "$work/killed.vqm" >/dev/null || fail "the model left behind does not load"
ls -A "$work" | grep -q '\.tmp-' && fail "a temporary file was left behind"
pass "a killed rank ended the job in ${elapsed} s; the last model and checkpoint load"

# 3b. A rank that cannot read its images: its one error line, and the whole job ends.
cat >"$work/rank1-elsewhere.sh" <<SCRIPT
#!/bin/sh
if [ "\$OMPI_COMM_WORLD_RANK" = 1 ]; then exec "$bin" train "$work/missing" "\$@"; fi
exec "$bin" train "$images" "\$@"
SCRIPT
chmod +x "$work/rank1-elsewhere.sh"
start=$(date +%s)
if timeout 60 "${mpirun[@]}" -np 2 "$work/rank1-elsewhere.sh" --out "$work/bad.vqm" "${common[@]}" --steps 20 \
  >"$work/bad.out" 2>&1; then fail "a rank without images did not fail the job"; fi
elapsed=$(($(date +%s) - start))
[ "$(grep -c '^error:' "$work/bad.out")" = 1 ] || fail "expected one error line: $(cat "$work/bad.out")"
grep -q "^error: .*missing" "$work/bad.out" || fail "the error does not name the folder: $(cat "$work/bad.out")"
[ -e "$work/bad.vqm" ] && fail "a model was written"
pass "a rank without its images: one error line, the job ended in ${elapsed} s, no model"

# 3c. Divergence: every rank stops at the same step, rank 0 says so once, nothing is written.
if "${mpirun[@]}" -np 2 "$bin" train "$images" --out "$work/diverged.vqm" "${common[@]}" --steps 20 --lr 1e6 \
  --warmup 1 >"$work/diverged.out" 2>&1; then fail "a diverging run succeeded"; fi
[ "$(grep -c '^error:' "$work/diverged.out")" = 1 ] || fail "expected one error line: $(cat "$work/diverged.out")"
grep -q "^error: training diverged" "$work/diverged.out" || fail "$(cat "$work/diverged.out")"
[ -e "$work/diverged.vqm" ] && fail "a diverged model was written"
pass "a diverging 2-rank run: one error line, no model"

# 3d. More ranks than shards is refused before training. Ten times: rank 0's line once raced the other ranks'
#     exits (mpirun ended rank 0 before it printed, about one run in ten).
for _ in $(seq 10); do
  if "${mpirun[@]}" -np 3 "$bin" train "$images" --out "$work/x.vqm" --preset tiny --batch 2 --crop 32 --steps 2 \
    >"$work/x.out" 2>&1; then fail "3 ranks for 2 shards were accepted"; fi
  [ "$(grep -c "^error: 3 ranks but only 2 shards" "$work/x.out")" = 1 ] || fail "$(cat "$work/x.out")"
done
pass "3 ranks for 2 shards: refused with one error line, 10 times out of 10"
echo "all MPI checks passed"
