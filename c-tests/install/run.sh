#!/usr/bin/env bash
# The install test (ctest "install"): installs the current build into a
# scratch prefix, checks the installed layout, then builds and runs the
# outside project in this folder three ways: find_package + tq::tq (shared),
# find_package + tq::tq_static, and plain `cc` with pkg-config's flags.
# Usage: run.sh BUILD_DIR CMAKE CC   (ctest passes them)
set -euo pipefail

build=$1 cmake=$2 cc=$3
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$build/install-test"
prefix="$work/prefix"
rm -rf "$work"
mkdir -p "$work"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Runs a command with its output in a log, shown only when it fails.
quiet() {
    local log="$work/last.log"
    "$@" >"$log" 2>&1 || { cat "$log" >&2; fail "$*"; }
}

quiet "$cmake" --install "$build" --prefix "$prefix"
static_lib=$(find "$prefix" -name libtq.a -print -quit)
[ -n "$static_lib" ] || fail "no libtq.a under $prefix"
libdir=$(dirname "$static_lib")
version=$(sed -n 's/^Version: *//p' "$libdir/pkgconfig/tq.pc")
major=${version%%.*}

# The layout: the real library, the SONAME and development symlinks, the headers, the packages.
[ -f "$libdir/libtq.so.$version" ] && [ ! -L "$libdir/libtq.so.$version" ] || fail "libtq.so.$version is not a file"
[ "$(readlink "$libdir/libtq.so.$major")" = "libtq.so.$version" ] || fail "libtq.so.$major does not link to libtq.so.$version"
[ "$(readlink "$libdir/libtq.so")" = "libtq.so.$major" ] || fail "libtq.so does not link to libtq.so.$major"
readelf -d "$libdir/libtq.so.$version" | grep -q "Library soname: \[libtq.so.$major\]" || fail "SONAME is not libtq.so.$major"
for f in "$prefix/include/tq.h" "$libdir/cmake/tq/tqConfig.cmake" "$libdir/cmake/tq/tqConfigVersion.cmake"; do
    [ -f "$f" ] || fail "$f is not installed"
done
echo "ok: installed layout (libtq.so.$version -> SONAME libtq.so.$major)"

# Whether the executable $1 needs libtq.so dynamically.
needs_libtq() {
    readelf -d "$1" | grep -q "NEEDED.*\[libtq\.so\.$major\]"
}

# find_package(tq CONFIG): once with the shared library, once with the static one.
for kind in shared static; do
    dir="$work/cmake-$kind"
    static=OFF
    [ "$kind" = static ] && static=ON
    quiet "$cmake" -S "$here" -B "$dir" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
        -DTQ_STATIC=$static -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_BUILD_TYPE=Release
    grep -q "^tq_DIR:PATH=$libdir/cmake/tq$" "$dir/CMakeCache.txt" || fail "find_package did not pick the scratch prefix"
    quiet "$cmake" --build "$dir"
    if [ $kind = shared ]; then needs_libtq "$dir/outside" || fail "the shared build does not need libtq.so.$major"; fi
    if [ $kind = static ]; then ! needs_libtq "$dir/outside" || fail "the static build needs libtq.so"; fi
    "$dir/outside" || fail "outside project ($kind) failed"
    echo "ok: find_package(tq) with tq::tq$([ $kind = static ] && echo _static)"
done

# pkg-config-style flags from tq.pc when no pkg-config is installed: the
# variables (with ${pcfiledir}) expanded into the Cflags and Libs fields.
pc_flags() {
    local pc="$1/tq.pc" line key value out=""
    declare -A var=([pcfiledir]="$1")
    while IFS= read -r line; do
        if [[ $line =~ ^([A-Za-z0-9_.]+)=(.*)$ ]]; then
            key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
        elif [[ $line =~ ^(Cflags|Libs):[[:space:]]*(.*)$ ]]; then
            key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
        else
            continue
        fi
        while [[ $value =~ \$\{([A-Za-z0-9_.]+)\} ]]; do
            value=${value//"${BASH_REMATCH[0]}"/"${var[${BASH_REMATCH[1]}]}"}
        done
        var[$key]=$value
    done <"$pc"
    printf '%s %s\n' "${var[Cflags]}" "${var[Libs]}"
}

# Plain cc with the flags tq.pc gives.
pkg_config=${PKG_CONFIG:-pkg-config}
if command -v "$pkg_config" >/dev/null 2>&1; then
    flags=$(PKG_CONFIG_PATH="$libdir/pkgconfig" "$pkg_config" --cflags --libs tq) || fail "pkg-config cannot read tq.pc"
    how="$pkg_config"
else
    flags=$(pc_flags "$libdir/pkgconfig")
    how="tq.pc read by run.sh ($pkg_config is not installed)"
fi
# shellcheck disable=SC2086 # the flags are words
quiet "$cc" -Wall -Wextra -Werror -o "$work/outside-pc" "$here/main.c" $flags -lpthread
needs_libtq "$work/outside-pc" || fail "the pkg-config build does not need libtq.so.$major"
LD_LIBRARY_PATH="$libdir" "$work/outside-pc" || fail "outside project (pkg-config) failed"
echo "ok: cc \$(pkg-config --cflags --libs tq), via $how: $flags"
