#!/usr/bin/env bash
# The fast part of scripts/verify.sh, run by the normal test command: loom
# with at most 3 preemptions, the C-ABI panic boundary test, and the C tests
# and stress program under ThreadSanitizer (the short stress itself also runs
# in ctest as test_stress). A few minutes on 2 cores.
exec "$(dirname "$0")/verify.sh" --fast loom boundary tsan
