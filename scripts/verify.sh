#!/usr/bin/env bash
# The deep checks of tq's concurrency and memory safety, beyond `cargo test`:
#
#   loom      tests/loom.rs: every interleaving of the queue's synchronisation
#             (at most 6 preemptions per run; with --fast at most 3)
#   boundary  tests/boundary.rs: a panic in the core is TQ_INTERNAL in C
#   shuttle   tests/shuttle.rs: the real queue and lock-free ring under
#             shuttle's random and PCT schedulers, 100000 schedules each per
#             test; with --fast 3000 (TQ_SHUTTLE_ITERATIONS to change)
#   lin       tests/linearizability.rs in release mode: 30000 histories per
#             kind of queue from a fresh seed (TQ_LIN_HISTORIES, TQ_LIN_SEED)
#   miri      the lib's unit tests and the integration tests listed in
#             MIRI_TESTS under miri (UB, leaks, data races in Rust)
#   tsan      C tests + stress under ThreadSanitizer    (scripts/sanitize.sh)
#   asan      C tests + stress under AddressSanitizer   (scripts/sanitize.sh)
#   valgrind  C tests + stress under valgrind memcheck  (scripts/sanitize.sh)
#   stress    the long C stress: >= 10^8 items (TQ_LONG_ITEMS to change)
#   fuzz      cargo fuzz over C-API call sequences, 15 minutes (scripts/fuzz.sh;
#             TQ_FUZZ_SECONDS to change)
#
#   scripts/verify.sh [--fast] [stage...]        (default: every stage)
#
# scripts/verify-fast.sh is `verify.sh --fast loom boundary tsan`, the part
# the normal test command runs; the short stress runs in ctest (test_stress).
# Needs the nightly toolchain for miri and the sanitizers; the components
# (miri, rust-src) are added with rustup when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Integration tests that miri runs, and why the others are left out:
#   loom      compiles to nothing without --cfg loom (its own stage)
#   shuttle   compiles to nothing without --cfg shuttle (its own stage)
#   boundary  needs the fault-injection feature; panics are its own stage
#   model     proptest: hundreds of random cases (and its failure files) under miri
#   linearizability  thousands of threaded runs with millisecond timeouts (its own stage)
#   alloc_failure  every scenario once per allocation it makes: a single test takes over a minute
# (about 18 minutes in all on the 2-core VM, 2026-12-03: alloc takes ~14, the
# lib's unit tests ~3).
MIRI_TESTS=(ffi queue orders_batch alloc stress)
LONG_ITEMS=${TQ_LONG_ITEMS:-100000000}

fast=0
if [ "${1:-}" = "--fast" ]; then
    fast=1
    shift
fi

nightly_component() {
    rustup component list --toolchain nightly --installed 2>/dev/null | grep -q "^$1" ||
        rustup component add "$1" --toolchain nightly
}

stage_loom() {
    # 3 preemptions take about a minute and catch every injected fault so
    # far; 6 take far longer (6 of the then 19 models in 8 minutes on 2 cores).
    if [ $fast = 1 ]; then
        export LOOM_MAX_PREEMPTIONS=${LOOM_MAX_PREEMPTIONS:-3}
    else
        export LOOM_MAX_PREEMPTIONS=${LOOM_MAX_PREEMPTIONS:-6}
    fi
    echo "LOOM_MAX_PREEMPTIONS=$LOOM_MAX_PREEMPTIONS"
    RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --quiet --locked --release --test loom
}

stage_shuttle() {
    if [ $fast = 1 ]; then
        export TQ_SHUTTLE_ITERATIONS=${TQ_SHUTTLE_ITERATIONS:-3000}
    else
        export TQ_SHUTTLE_ITERATIONS=${TQ_SHUTTLE_ITERATIONS:-100000}
    fi
    echo "TQ_SHUTTLE_ITERATIONS=$TQ_SHUTTLE_ITERATIONS"
    # tests/shuttle.rs says what shuttle cannot model (weak orderings); its
    # warning about them would only repeat that.
    SHUTTLE_SILENCE_WARNINGS=1 RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle \
        cargo test --quiet --locked --release --test shuttle
}

stage_boundary() {
    cargo test --quiet --locked --features fault-injection --test boundary
}

stage_lin() {
    # A fresh first seed each run, printed; a failure prints its own seed too.
    local seed=${TQ_LIN_SEED:-$RANDOM$RANDOM}
    local histories=${TQ_LIN_HISTORIES:-30000}
    echo "TQ_LIN_SEED=$seed TQ_LIN_HISTORIES=$histories"
    TQ_LIN_SEED=$seed TQ_LIN_HISTORIES=$histories cargo test --quiet --locked --release --test linearizability
}

stage_miri() {
    nightly_component miri
    nightly_component rust-src
    local tests=()
    for t in "${MIRI_TESTS[@]}"; do tests+=(--test "$t"); done
    CARGO_TARGET_DIR=target/miri cargo +nightly miri test --quiet --locked --lib "${tests[@]}"
}

stage_tsan() { scripts/sanitize.sh thread; }
stage_asan() { scripts/sanitize.sh address; }
stage_valgrind() { scripts/sanitize.sh valgrind; }

stage_stress() {
    local out=target/stress-long
    # Stages run as `if` conditions, where `set -e` is off: each step checks itself.
    # (Each stage runs in a subshell: what tools.sh sets stays in this one.)
    source scripts/tools.sh && tq_native_libs || return 1
    CARGO_TARGET_DIR=target cargo build --quiet --locked --release --lib || return 1
    mkdir -p "$out"
    gcc -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude c-tests/stress.c target/release/libtq.a \
        "${TQ_NATIVE_LIBS[@]}" -o "$out/stress" || return 1
    local runs=(
        "-p 4 -c 4 -q 1024 -n $LONG_ITEMS"
        "-p 16 -c 16 -q 1 -n $((LONG_ITEMS / 20)) -s immediate"
        "-p 8 -c 2 -q 0 -n $((LONG_ITEMS / 10)) -s drain -o priority"
        "-p 2 -c 8 -q 2 -n $((LONG_ITEMS / 20)) -o lifo"
        "-p 8 -c 2 -q 0 -n $((LONG_ITEMS / 10)) -s drain"
        "-p 3 -c 3 -q 3000 -n $((LONG_ITEMS / 10)) -s immediate"
    )
    for cfg in "${runs[@]}"; do
        # shellcheck disable=SC2086 # the configuration is a list of arguments
        "$out/stress" $cfg -w 7200 || return 1
    done
}

stage_fuzz() { scripts/fuzz.sh "${TQ_FUZZ_SECONDS:-900}"; }

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(loom shuttle boundary lin miri tsan asan valgrind stress fuzz)
failed=()
for stage in "${stages[@]}"; do
    declare -F "stage_$stage" >/dev/null || { echo "unknown stage: $stage" >&2; exit 64; }
    printf '\n--- verify %s\n' "$stage"
    start=$SECONDS
    if ("stage_$stage"); then
        printf -- '--- verify %s passed (%ds)\n' "$stage" $((SECONDS - start))
    else
        printf -- '--- verify %s FAILED (%ds)\n' "$stage" $((SECONDS - start))
        failed+=("$stage")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "verify: FAILED: ${failed[*]}"
    exit 1
fi
echo "verify: all passed (${stages[*]})"
