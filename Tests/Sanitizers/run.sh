#!/usr/bin/env bash
# Runs the whole test suite under a sanitizer: address (AddressSanitizer: out-of-bounds and use-after-free, in Swift and
# the C shims) or thread (ThreadSanitizer: the parallel kernels, the training loop, the Ctrl-C flag). Each builds
# into its own scratch folder (.build-asan, .build-tsan), so the normal build is untouched.
#   usage: Tests/Sanitizers/run.sh address|thread [extra swift test arguments]
# The peak-memory test is skipped: a sanitizer's shadow memory and quarantine are not the program's.
set -euo pipefail
cd "$(dirname "$0")/../.."
sanitizer="${1:?usage: Tests/Sanitizers/run.sh address|thread}"
shift
case "$sanitizer" in
  address) scratch=.build-asan ;;
  thread) scratch=.build-tsan ;;
  *) echo "error: unknown sanitizer $sanitizer (address or thread)" >&2; exit 2 ;;
esac
# Reports go to stderr; halt_on_error makes the first finding fail the run instead of scrolling past.
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=0}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1}"
swift test --sanitize="$sanitizer" --scratch-path "$scratch" --skip decodingHoldsOneBandNotTheImage "$@"
