#!/usr/bin/env bash
# Builds the libFuzzer harness once, then fuzzes each parser (FuzzTarget: vq, model, archive, checkpoint, png, jpeg)
# for SECONDS (default 25) from its committed seeds in Tests/FuzzTargetsTests/Corpus/<target>/. Exits non-zero if
# the build fails or libFuzzer finds a crash, a leak, an out-of-memory or a timeout; the reproducer is left in
# $WORK/<target>/artifacts/ and named in the output.
#   usage: Tests/Fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail

seconds="${1:-25}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(vq model safetensors archive checkpoint png jpeg)
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
scratch="${FUZZ_SCRATCH:-$root/.build-fuzz}"
work="$scratch/run"
flags=(--package-path "$here" -c release --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address
  -Xswiftc -parse-as-library)

swift build "${flags[@]}"
binary="$(swift build "${flags[@]}" --show-bin-path)/ParserFuzz"

for target in "${targets[@]}"; do
  # Models (.vqm and safetensors) and checkpoints of the seeds' architecture are a few KB; the other formats' seeds are under 1 KB.
  case "$target" in model | checkpoint | safetensors) max_len=32768 ;; *) max_len=4096 ;; esac
  # Fuzz into a scratch corpus seeded from the committed one, so new inputs never dirty the seeds.
  rm -rf "${work:?}/$target"
  mkdir -p "$work/$target/corpus" "$work/$target/artifacts"
  cp "$root/Tests/FuzzTargetsTests/Corpus/$target"/* "$work/$target/corpus/"
  echo "== fuzzing $target for ${seconds}s"
  if VQCODEC_FUZZ_TARGET="$target" "$binary" "$work/$target/corpus" \
    -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -max_len="$max_len" \
    -artifact_prefix="$work/$target/artifacts/" -print_final_stats=1 >"$work/$target/log" 2>&1; then
    tail -n 12 "$work/$target/log"
  else
    tail -n 80 "$work/$target/log"
    echo "fuzzing $target failed; reproducer in $work/$target/artifacts/ (rerun it: VQCODEC_FUZZ_TARGET=$target $binary FILE)"
    exit 1
  fi
done
