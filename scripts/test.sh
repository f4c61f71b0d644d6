#!/usr/bin/env bash
# Runs every test: Rust (unit, integration, doc, property, loom, shuttle; rustdoc
# without warnings), the header
# freshness check, C and C++ through CMake/ctest, the sanitizer smoke run,
# Go (with -race), Zig, and outside projects taking tq in every way the
# README shows, and a short fuzz run of the C API. Missing tools (CMake, Go,
# Zig, cargo-fuzz) are installed without root into .tools/ by the scripts it
# calls.
set -uo pipefail
cd "$(dirname "$0")/.."

stages=(
    "rust:cargo test --all-targets --quiet && cargo test --doc --quiet && RUSTDOCFLAGS='-D warnings' cargo doc --no-deps --quiet"
    "c-cpp:bash scripts/ctest.sh"
    "verify:bash scripts/verify-fast.sh"
    "shuttle:bash scripts/verify.sh --fast shuttle"
    "go:bash scripts/test-go.sh"
    "zig:bash scripts/test-zig.sh"
    "outside:bash scripts/test-outside.sh"
    "fuzz:bash scripts/fuzz.sh 180"
)
passed=0
failed=()
for stage in "${stages[@]}"; do
    name=${stage%%:*}
    printf '\n===== %s: %s\n' "$name" "${stage#*:}"
    start=$SECONDS
    if bash -c "${stage#*:}"; then
        passed=$((passed + 1))
        printf '===== %s passed (%ds)\n' "$name" $((SECONDS - start))
    else
        failed+=("$name")
        printf '===== %s FAILED (%ds)\n' "$name" $((SECONDS - start))
    fi
done
echo
[ ${#failed[@]} -eq 0 ] || echo "failed stages: ${failed[*]}"
echo "stages: ${passed} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
