#!/usr/bin/env bash
# Builds the libFuzzer harness for the .vq parser and grid decoders, then fuzzes for SECONDS (default 60),
# starting from the committed seeds in Corpus/. Exits non-zero if the build fails or libFuzzer finds a
# crash, a leak, an out-of-memory or a timeout; a reproducer is left in $WORK/artifacts/.
#   usage: Tests/Fuzz/run.sh [SECONDS]
set -euo pipefail

seconds="${1:-60}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
scratch="${FUZZ_SCRATCH:-$root/.build-fuzz}"
work="$scratch/run"

swift build --package-path "$here" -c release --scratch-path "$scratch" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
binary="$(swift build --package-path "$here" -c release --scratch-path "$scratch" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --show-bin-path)/BitstreamFuzz"

# Fuzz into a scratch corpus seeded from Corpus/, so new inputs never dirty the committed seeds.
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
cp "$here"/Corpus/* "$work/corpus/"

"$binary" "$work/corpus" \
  -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -max_len=4096 \
  -artifact_prefix="$work/artifacts/" -print_final_stats=1
