#!/usr/bin/env bash
# Tests the Zig binding the way users take it in. Builds libtq with cargo,
# lays out the build tree like an installed tq with a tq.pc
# (tq_stage_prefix), brings in the pinned Zig from PyPI into .tools/ when the
# `zig` on PATH is missing or another version, then:
#   1. `zig build test` in bindings/zig, which finds libtq through
#      PKG_CONFIG_PATH alone; prints a "zig: N passed, N failed" line;
#   2. the project tests/outside/zig-package, copied out of the repository,
#      with the binding as a path dependency and -Dtq-prefix passed on to it;
#   3. the same project with the binding added by `zig fetch --save` of a
#      tarball made here (into Zig's global cache), libtq found by pkg-config.
# Steps 2 and 3 build and run its program, which fails unless every item
# arrives once and in order. pkg-config comes from PyPI (`pkgconf`) when the
# machine has none.
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
tq_need_pkg_config
export ZIG_GLOBAL_CACHE_DIR="${ZIG_GLOBAL_CACHE_DIR:-$TQ_TOOLS/zig-cache}"

(cd "$TQ_ROOT" && cargo build --release)
stage="$CARGO_TARGET_DIR/tq-uninstalled"
tq_stage_prefix "$stage"
echo "== PKG_CONFIG_PATH=$PKG_CONFIG_PATH ($PKG_CONFIG --cflags --libs tq: $("$PKG_CONFIG" --cflags --libs tq))"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/test.log"
set +e
(cd "$TQ_ROOT/bindings/zig" && "$ZIG" build test --summary all) 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# "Build Summary: ...; 30/32 tests passed; 1 skipped; 1 failed" -> the closing line.
summary=$(grep '^Build Summary:' "$log" || true)
passed=$(printf '%s' "$summary" | sed -n 's|.* \([0-9]*\)/[0-9]* tests passed.*|\1|p')
failed=$(printf '%s' "$summary" | sed -n 's|.*tests passed.*; \([0-9]*\) failed.*|\1|p')
[ -z "$passed" ] || echo "zig: $passed passed, ${failed:-0} failed"
[ "$status" -eq 0 ] || exit "$status"

# Runs `zig build run` in $1 with the remaining arguments and checks that the
# program got to its end, and that the binding took every option passed on
# to it (Zig only prints an error for one it does not know).
run_outside() {
    local dir=$1
    shift
    (cd "$dir" && "$ZIG" build run --cache-dir "$TQ_TOOLS/zig-outside-cache" "$@") 2>&1 | tee "$dir/run.log"
    grep -qx 'All items processed' "$dir/run.log" || { tq_die "tq-outside in $dir did not process every item"; return 1; }
    ! grep -q '^error: invalid option' "$dir/run.log" || { tq_die "the binding does not take an option passed to it"; return 1; }
}

# 2. A path dependency: the relative path from the copy to bindings/zig.
by_path="$work/by-path"
cp -R "$TQ_ROOT/tests/outside/zig-package" "$by_path"
rel=$(realpath --relative-to="$by_path" "$TQ_ROOT/bindings/zig")
sed -i "s|\.path = \"[^\"]*\"|.path = \"$rel\"|" "$by_path/build.zig.zon"
echo "== outside package, path dependency $rel, -Dtq-prefix=$stage"
run_outside "$by_path" -Dtq-prefix="$stage"

# 3. `zig fetch --save` of a tarball of the binding, as from a release.
by_fetch="$work/by-fetch"
cp -R "$TQ_ROOT/tests/outside/zig-package" "$by_fetch"
# The copy starts without the dependency, which zig fetch then adds.
sed -i '/^    \.dependencies = \.{$/,/^    },$/c\    .dependencies = .{},' "$by_fetch/build.zig.zon"
tar -czf "$work/tq-zig.tar.gz" --exclude=.zig-cache --exclude=zig-out -C "$TQ_ROOT/bindings" zig
(cd "$by_fetch" && "$ZIG" fetch --save=tq "file://$work/tq-zig.tar.gz")
grep -q '\.hash = "tq-' "$by_fetch/build.zig.zon" || { tq_die "zig fetch --save did not record the tarball"; exit 1; }
echo "== outside package, zig fetch --save file://$work/tq-zig.tar.gz, pkg-config"
run_outside "$by_fetch"
