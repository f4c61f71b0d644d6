#!/usr/bin/env bash
# The outside-project tests: tq taken in by a user's project in each way the
# README shows, from a fresh copy of this repository (the files a commit
# would hold: tracked, and untracked but not ignored). The projects are in
# tests/outside/; each route builds one and runs it:
#   install       cmake --install of a build without tests: layout, SONAME
#   find_package  tq::tq and tq::tq_static from the installed CMake package
#   pkg-config    cc with tq.pc's flags: shared with an rpath, static
#   subdirectory  add_subdirectory(tq): both targets; tq's tests stay out
#   FetchContent  FetchContent_MakeAvailable(tq) from a tarball: the same
#   cargo         cargo build --release, then cc -ltq with an rpath, and libtq.a
#   rust          a crate with a path dependency on tq: no cbindgen in its graph
#   package       cargo package: only what a build needs, and it builds alone
# The static links must carry the libraries rustc names for libtq.a
# (--print native-static-libs), and their list (cmake/native-static-libs.txt,
# copied in bindings/zig/build.zig) must be rustc's. The cargo target
# directories persist in target/outside-cargo/, so a rerun compiles tq but
# not its dependencies.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
tq_need_cmake

work="$TQ_ROOT/target/outside"
cache="$TQ_ROOT/target/outside-cargo"
cc=${CC:-cc}
tq="$work/tq"
prefix="$work/prefix"
rm -rf "$work"
mkdir -p "$work" "$cache"/{cmake,plain,native,rust,package}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Runs a command with its output in a log, shown only when it fails.
quiet() {
    local log="$work/last.log"
    "$@" >"$log" 2>&1 || { cat "$log" >&2; fail "$*"; }
}

# The fresh copy: a tarball of what a commit would hold (a file deleted but
# not yet committed is left out), unpacked at $tq; the projects beside it.
# Its files are dated now, so cargo never takes a cached build for current.
cd "$TQ_ROOT"
git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do if [ -e "$f" ]; then printf '%s\0' "$f"; fi; done |
    tar --null -T - --transform 's,^,tq/,S' --mtime="@$(date +%s)" -czf "$work/tq.tar.gz"
tar -xzf "$work/tq.tar.gz" -C "$work"
cp -r "$tq/tests/outside/main.c" "$tq/tests/outside/find-package" "$tq/tests/outside/subproject" \
    "$tq/tests/outside/rust-dependent" "$work/"
# A user's `cargo build` writes target/ in the checkout: here that is the persistent cache.
# (The dependent gets its own: as a dependency, tq's libraries have the same file names.)
ln -s "$cache/plain" "$tq/target"
ln -s "$cache/rust" "$work/rust-dependent/target"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$tq/Cargo.toml" | head -n 1)
major=${version%%.*}

# The libraries libtq.a needs, as rustc reports them (less -lc, which every link has).
quiet env -C "$tq" CARGO_TARGET_DIR="$cache/native" cargo rustc --locked --release --lib \
    --crate-type staticlib -- --print native-static-libs
native=$(sed -n 's/^note: native-static-libs: //p' "$work/last.log")
# shellcheck disable=SC2086 # one library a word
native=$(printf '%s\n' $native | grep -vx -- -lc | tr '\n' ' ')
[ -n "$native" ] || fail "rustc printed no native-static-libs"
# Their one source, cmake/native-static-libs.txt, and the Zig package's copy
# (build.zig reads nothing outside bindings/zig) name exactly these, in order.
tq_native_libs || fail "cannot read the list of libraries libtq.a needs"
[ "${TQ_NATIVE_LIBS[*]}" = "${native% }" ] ||
    fail "cmake/native-static-libs.txt names ${TQ_NATIVE_LIBS[*]}, rustc ${native% }: make it rustc's list (one name a line, less -lc)"
zig_libs=$(sed -n 's/^const native_libs = \[_\]\[\]const u8{\(.*\)};$/\1/p' "$TQ_ROOT/bindings/zig/build.zig" | tr -d '",')
[ -n "$zig_libs" ] || fail "bindings/zig/build.zig has no line 'const native_libs = [_][]const u8{ ... };'"
# shellcheck disable=SC2086 # one library a word
zig_libs=$(printf -- '-l%s ' $zig_libs)
[ "${zig_libs% }" = "${native% }" ] ||
    fail "bindings/zig/build.zig's native_libs names ${zig_libs% }, rustc ${native% }: make it cmake/native-static-libs.txt's list"
echo "ok: libtq.a needs $native(rustc --print native-static-libs), as cmake/native-static-libs.txt and bindings/zig/build.zig say"

# has_native_libs WHAT TEXT: TEXT names every library libtq.a needs.
has_native_libs() {
    local lib
    for lib in $native; do
        [[ " $2 " == *" $lib "* ]] || fail "$1 lacks $lib: $2"
    done
}

# Whether the executable $1 needs libtq.so dynamically (by the name $2).
needs() {
    readelf -d "$1" | grep -q "NEEDED.*\[$2\]"
}

# How a CMake route configures: Makefiles (link.txt shows each link line), the shared cargo build.
cmake_args=(-G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$cc"
    -DTQ_CARGO_TARGET_DIR="$cache/cmake")

# --- install: a build as a packager makes it, then the installed layout -------
quiet cmake -S "$tq" -B "$work/build-tq" "${cmake_args[@]}" -DTQ_BUILD_TESTS=OFF
quiet cmake --build "$work/build-tq" -j2
! ctest --test-dir "$work/build-tq" -N | grep -q "Test *#" || fail "TQ_BUILD_TESTS=OFF still registers tests"
quiet cmake --install "$work/build-tq" --prefix "$prefix"
libdir=$(dirname "$(find "$prefix" -name libtq.a -print -quit)")
[ -f "$libdir/libtq.so.$version" ] && [ ! -L "$libdir/libtq.so.$version" ] || fail "libtq.so.$version is not a file"
[ "$(readlink "$libdir/libtq.so.$major")" = "libtq.so.$version" ] || fail "libtq.so.$major does not link to libtq.so.$version"
[ "$(readlink "$libdir/libtq.so")" = "libtq.so.$major" ] || fail "libtq.so does not link to libtq.so.$major"
readelf -d "$libdir/libtq.so.$version" | grep -q "Library soname: \[libtq.so.$major\]" || fail "SONAME is not libtq.so.$major"
for f in "$prefix/include/tq.h" "$prefix/include/tq.hpp" "$libdir/cmake/tq/tqConfig.cmake" \
    "$libdir/cmake/tq/tqConfigVersion.cmake" "$libdir/pkgconfig/tq.pc"; do
    [ -f "$f" ] || fail "$f is not installed"
done
echo "ok: install: libtq.so.$version (SONAME libtq.so.$major) and its links, headers, CMake package, tq.pc"

# --- find_package: once with the shared library, once with the static one -----
for kind in shared static; do
    dir="$work/build-find-package-$kind"
    static=OFF
    [ "$kind" = static ] && static=ON
    quiet cmake -S "$work/find-package" -B "$dir" "${cmake_args[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
        -DTQ_STATIC=$static -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    grep -q "^tq_DIR:PATH=$libdir/cmake/tq$" "$dir/CMakeCache.txt" || fail "find_package did not pick the scratch prefix"
    quiet cmake --build "$dir"
    if [ $kind = shared ]; then
        needs "$dir/outside" "libtq.so.$major" || fail "the shared build does not need libtq.so.$major"
    else
        ! needs "$dir/outside" "libtq.so.*" || fail "the static build needs libtq.so"
        has_native_libs "tq::tq_static's link line" "$(cat "$dir/CMakeFiles/outside.dir/link.txt")"
    fi
    quiet "$dir/outside"
    echo "ok: find_package(tq) with tq::tq$([ $kind = static ] && echo _static)"
done

# --- pkg-config ---------------------------------------------------------------
# pc_flags ARGS...: pkg-config's answer for tq; without pkg-config, tq.pc's
# Cflags, Libs and (for --static) Libs.private with its variables expanded.
pc_flags() {
    if command -v pkg-config >/dev/null 2>&1; then
        PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config "$@" tq
        return
    fi
    local line key value arg cflags="" libs="" private=""
    declare -A var=([pcfiledir]="$libdir/pkgconfig")
    while IFS= read -r line; do
        [[ $line =~ ^([A-Za-z0-9_.]+)(=|:[[:space:]]*)(.*)$ ]] || continue
        key=${BASH_REMATCH[1]} value=${BASH_REMATCH[3]}
        while [[ $value =~ \$\{([A-Za-z0-9_.]+)\} ]]; do
            value=${value//"${BASH_REMATCH[0]}"/"${var[${BASH_REMATCH[1]}]}"}
        done
        var[$key]=$value
    done <"$libdir/pkgconfig/tq.pc"
    for arg in "$@"; do
        case $arg in
        --cflags) cflags=${var[Cflags]} ;;
        --libs) libs=${var[Libs]} ;;
        --static) private=${var[Libs.private]} ;;
        esac
    done
    [ -n "$libs" ] || private=""
    echo "$cflags $libs $private"
}
has_native_libs "pkg-config --static --libs tq" "$(pc_flags --static --libs)"
# Shared, found at run time through the rpath the README shows.
# shellcheck disable=SC2046 # the flags are words
quiet "$cc" -Wall -Wextra -Werror -o "$work/pc-shared" "$work/main.c" $(pc_flags --cflags --libs) \
    -Wl,-rpath,"$libdir"
needs "$work/pc-shared" "libtq.so.$major" || fail "the pkg-config build does not need libtq.so.$major"
quiet env -u LD_LIBRARY_PATH "$work/pc-shared"
echo "ok: pkg-config, shared: cc app.c \$(pkg-config --cflags --libs tq) -Wl,-rpath,$libdir"
# Static: the archive, then what it needs; --as-needed drops the unused libtq.so.
# shellcheck disable=SC2046
quiet "$cc" -Wall -Wextra -Werror -o "$work/pc-static" "$work/main.c" $(pc_flags --cflags) \
    "$libdir/libtq.a" -Wl,--as-needed $(pc_flags --static --libs)
! needs "$work/pc-static" "libtq.so.*" || fail "the static pkg-config build needs libtq.so"
quiet "$work/pc-static"
echo "ok: pkg-config, static: cc app.c \$(pkg-config --cflags tq) libtq.a -Wl,--as-needed \$(pkg-config --static --libs tq)"

# --- add_subdirectory and FetchContent: tq built inside a parent project -----
# subproject NAME CMAKE_ARGS...: builds tests/outside/subproject and runs its ctest.
subproject() {
    local name=$1 dir="$work/build-$1"
    shift
    quiet cmake -S "$work/subproject" -B "$dir" "${cmake_args[@]}" "$@"
    quiet cmake --build "$dir" -j2
    local tests
    tests=$(ctest --test-dir "$dir" -N | sed -n 's/^ *Test *#[0-9]*: //p' | tr '\n' ' ') || fail "$name: ctest -N"
    [ "$tests" = "app_tq app_tq_static " ] || fail "$name: the parent's ctest lists [$tests], not its own two tests"
    [ -z "$(find "$dir" -path "$dir/_deps/*-src" -prune -o -type f -name 'test_*' -executable -print)" ] ||
        fail "$name: tq's tests were built"
    needs "$dir/app_tq" "libtq.so.$major" || fail "$name: app_tq does not need libtq.so.$major"
    ! needs "$dir/app_tq_static" "libtq.so.*" || fail "$name: app_tq_static needs libtq.so"
    has_native_libs "$name: tq::tq_static's link line" "$(cat "$dir/CMakeFiles/app_tq_static.dir/link.txt")"
    quiet ctest --test-dir "$dir" --output-on-failure
    echo "ok: $name: tq::tq and tq::tq_static; the parent's ctest runs only its own tests"
}
subproject add_subdirectory
subproject FetchContent -DTQ_URL="file://$work/tq.tar.gz"

# --- plain cargo: the library straight from target/release -------------------
cd "$tq"
quiet env -u CARGO_TARGET_DIR cargo build --release --locked
! readelf -d target/release/libtq.so | grep -q SONAME || fail "a plain cargo build sets a SONAME (nothing provides it)"
quiet "$cc" -Wall -Wextra -Werror -o "$work/cargo-shared" ../main.c -Iinclude -Ltarget/release -ltq \
    -Wl,-rpath,"$PWD/target/release"
needs "$work/cargo-shared" libtq.so || fail "the cargo build's program does not need libtq.so"
quiet env -u LD_LIBRARY_PATH "$work/cargo-shared"
echo "ok: cargo build --release; cc app.c -Iinclude -Ltarget/release -ltq -Wl,-rpath,\$PWD/target/release"
# shellcheck disable=SC2086 # the libraries are words
quiet "$cc" -Wall -Wextra -Werror -o "$work/cargo-static" ../main.c -Iinclude target/release/libtq.a $native
! needs "$work/cargo-static" "libtq.so.*" || fail "the static cargo build needs libtq.so"
quiet "$work/cargo-static"
echo "ok: cargo build --release; cc app.c -Iinclude target/release/libtq.a ${native% }"

# --- a Rust dependent --------------------------------------------------------
cd "$work/rust-dependent"
cp "$tq/Cargo.lock" . # the versions tq is tested with
quiet env -u CARGO_TARGET_DIR cargo run --release
env -u CARGO_TARGET_DIR cargo tree --quiet -e all --prefix none >"$work/rust-tree.txt" || fail "cargo tree"
grep -q '^tq v' "$work/rust-tree.txt" || fail "tq is not in the dependent's graph"
! grep -q '^cbindgen v' "$work/rust-tree.txt" || fail "cbindgen is in the dependent's graph"
! compgen -G "target/release/deps/libcbindgen*" >/dev/null || fail "cbindgen was built"
echo "ok: a crate with tq = { path = ... } runs a round trip; cbindgen is not in its graph"

# --- the crates.io package: what a build needs, and it builds on its own ----
cd "$tq"
quiet env CARGO_TARGET_DIR="$cache/package" cargo package --locked
files=$(env CARGO_TARGET_DIR="$cache/package" cargo package --locked --list 2>/dev/null) || fail "cargo package --list"
for f in Cargo.toml build.rs src/lib.rs src/ffi/mod.rs include/tq.h include/tq.hpp README.md LICENSE-MIT LICENSE-APACHE; do
    grep -qx "$f" <<<"$files" || fail "the package lacks $f"
done
! grep -qE '^(tests|benches|bindings|c-tests|scripts|fuzz)/' <<<"$files" || fail "the package holds more than the build needs"
echo "ok: cargo package: $(wc -l <<<"$files") files, and the packaged crate builds"

echo "outside: every route passed"
