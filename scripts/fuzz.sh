#!/usr/bin/env bash
# Fuzzes the C API with cargo fuzz (libFuzzer, AddressSanitizer): the target
# fuzz/fuzz_targets/c_api.rs makes sequences of C calls on up to three queues
# and checks each against a sequential model of Python's queue semantics.
#
#   scripts/fuzz.sh [seconds]     (default 60)
#
# `seconds` is the budget of the whole run: the fuzzer gets what installing
# cargo-fuzz (into .tools/, once) and building leave of it, and at least
# $MIN_FUZZ seconds. It starts from the checked-in seeds (fuzz/corpus/c_api)
# plus what earlier runs on this machine found (fuzz/target/corpus, not
# checked in). Needs the nightly toolchain. Exits non-zero on a crash or a
# failed check; the input is saved in fuzz/artifacts/c_api/, and
# `cargo +nightly fuzz run c_api FILE` (in fuzz/) replays it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

budget=${1:-60}
MIN_FUZZ=20

tq_need_cargo_fuzz
cd "$TQ_ROOT/fuzz"
# cargo fuzz builds in fuzz/target, whatever tools.sh set.
unset CARGO_TARGET_DIR
cargo +nightly fuzz build c_api
seconds=$((budget - SECONDS))
[ "$seconds" -ge "$MIN_FUZZ" ] || seconds=$MIN_FUZZ
found=target/corpus/c_api
mkdir -p "$found"
echo "fuzzing for ${seconds}s"
# New inputs go to the first directory; the seeds stay as checked in. The
# log leaves out the line libFuzzer prints for each input it keeps (its
# progress shows in the "pulse" lines); a crash prints in full.
cargo +nightly fuzz run c_api "$found" corpus/c_api -- \
    -max_total_time="$seconds" -max_len=1024 -timeout=10 -print_final_stats=1 2>&1 |
    grep --line-buffered -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE) '
