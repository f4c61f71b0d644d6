#!/usr/bin/env bash
# Runs the Zig binding's tests (bindings/zig): builds libtq with cargo,
# brings in the pinned Zig from PyPI into .tools/ when the `zig` on PATH is
# missing or another version, then runs `zig build test` against the
# repository's include/ and the release library. Ends with a
# "zig: N passed, N failed" line.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

# The Zig release bindings/zig is written for (build.zig.zon pins the same).
ZIG_VERSION=0.15.2

# Sets ZIG to a zig binary of exactly $ZIG_VERSION, installing it if needed.
tq_need_zig() {
    if [ "$(zig version 2>/dev/null)" = "$ZIG_VERSION" ]; then
        ZIG=zig
        return 0
    fi
    local dir
    dir=$(tq_pip_tool ziglang "ziglang==$ZIG_VERSION") || return 1
    # The wheel ships the real compiler (with its lib/) inside the package.
    ZIG="$dir/ziglang/zig"
    [ "$("$ZIG" version 2>/dev/null)" = "$ZIG_VERSION" ] ||
        { tq_die "$ZIG does not run or is not Zig $ZIG_VERSION"; return 1; }
}

tq_need_zig
export ZIG_GLOBAL_CACHE_DIR="${ZIG_GLOBAL_CACHE_DIR:-$TQ_TOOLS/zig-cache}"

(cd "$TQ_ROOT" && cargo build --release)
lib_dir="${CARGO_TARGET_DIR:-$TQ_ROOT/target}/release"
case "$lib_dir" in /*) ;; *) lib_dir="$TQ_ROOT/$lib_dir" ;; esac

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
(cd "$TQ_ROOT/bindings/zig" &&
    "$ZIG" build test --summary all -Dtq-include="$TQ_ROOT/include" -Dtq-lib="$lib_dir") 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# "Build Summary: ...; 30/32 tests passed; 1 skipped; 1 failed" -> the closing line.
summary=$(grep '^Build Summary:' "$log" || true)
passed=$(printf '%s' "$summary" | sed -n 's|.* \([0-9]*\)/[0-9]* tests passed.*|\1|p')
failed=$(printf '%s' "$summary" | sed -n 's|.*tests passed.*; \([0-9]*\) failed.*|\1|p')
[ -z "$passed" ] || echo "zig: $passed passed, ${failed:-0} failed"
exit "$status"
