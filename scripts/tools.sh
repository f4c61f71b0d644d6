# Shared helpers for the project's scripts; source this file, do not run it.
#
# Defines TQ_ROOT (the repository root) and TQ_TOOLS (the local, gitignored
# tool directory), tq_native_libs (what a static link of libtq.a needs),
# tq_stage_prefix (the build tree laid out as an installed tq, for Go and
# Zig), plus functions that bring missing build tools in from PyPI without root
# and, as root, Debian packages (tq_apt_install).
# Each function is idempotent and quiet on success.

TQ_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TQ_TOOLS="$TQ_ROOT/.tools"
export TQ_ROOT TQ_TOOLS
# The scripts link target/release/libtq.*: cargo builds there, whatever the caller set.
export CARGO_TARGET_DIR="$TQ_ROOT/target"

# Prints an error on stderr and returns non-zero.
tq_die() {
    echo "error: $*" >&2
    return 1
}

# tq_native_libs: sets the array TQ_NATIVE_LIBS to the linker flags for the
# system libraries a static link of libtq.a needs besides libc (-lgcc_s ...),
# read from their one source, cmake/native-static-libs.txt (a name a line,
# # for comments). Fails when the file is missing or names none.
tq_native_libs() {
    local file="$TQ_ROOT/cmake/native-static-libs.txt" line
    TQ_NATIVE_LIBS=()
    [ -r "$file" ] || { tq_die "cannot read $file"; return 1; }
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in '' | '#'*) ;; *) TQ_NATIVE_LIBS+=("-l$line") ;; esac
    done <"$file"
    [ ${#TQ_NATIVE_LIBS[@]} -gt 0 ] || { tq_die "$file names no library"; return 1; }
}

# tq_pip_tool NAME SPEC: pip-installs the PyPI requirement SPEC into
# $TQ_TOOLS/NAME unless that was already done, then prints the directory.
tq_pip_tool() {
    local name=$1 spec=$2
    local dir="$TQ_TOOLS/$name"
    local stamp="$dir/.tq-installed"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$spec" ]; then
        command -v python3 >/dev/null 2>&1 || { tq_die "python3 is needed to install $spec"; return 1; }
        python3 -m pip --version >/dev/null 2>&1 || { tq_die "pip is needed to install $spec (apt-get install python3-pip)"; return 1; }
        rm -rf "$dir"
        mkdir -p "$dir" || { tq_die "cannot create $dir"; return 1; }
        echo "installing $spec from PyPI into $dir ..." >&2
        if ! PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
            --target "$dir" "$spec" >&2; then
            rm -rf "$dir"
            tq_die "pip could not install $spec (is PyPI reachable?)"
            return 1
        fi
        printf '%s' "$spec" >"$stamp"
    fi
    printf '%s\n' "$dir"
}

# Succeeds when the cmake on PATH exists and is at least 3.20.
tq_cmake_ok() {
    local major minor
    read -r major minor < <(cmake --version 2>/dev/null |
        sed -n '1s/^cmake version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p') || return 1
    [ "$major" -gt 3 ] || { [ "$major" -eq 3 ] && [ "$minor" -ge 20 ]; }
}

# Puts a working cmake (>= 3.20) and ctest on PATH: the system's if good
# enough, otherwise the PyPI `cmake` package installed into $TQ_TOOLS/cmake.
tq_need_cmake() {
    if tq_cmake_ok && command -v ctest >/dev/null 2>&1; then
        return 0
    fi
    local dir
    dir=$(tq_pip_tool cmake 'cmake>=3.20,<5') || return 1
    # The wheel's bin/ holds Python wrappers; the real binaries are in cmake/data/bin.
    local bin="$dir/cmake/data/bin"
    [ -x "$bin/cmake" ] || { tq_die "no cmake binary in $bin"; return 1; }
    PATH="$bin:$PATH"
    export PATH
    tq_cmake_ok || { tq_die "$bin/cmake does not run or is older than 3.20"; return 1; }
}

# The PyPI pkgconf used when the machine has no pkg-config.
PKGCONF_VERSION=3.0.7.post0

# Sets PKG_CONFIG (Go and Zig both run it) to a working pkg-config: the one
# PKG_CONFIG names or the one on PATH, otherwise PyPI's pkgconf in .tools/.
tq_need_pkg_config() {
    PKG_CONFIG=${PKG_CONFIG:-pkg-config}
    if ! "$PKG_CONFIG" --version >/dev/null 2>&1; then
        PKG_CONFIG="$(tq_pip_tool pkgconf "pkgconf==$PKGCONF_VERSION")/pkgconf/.bin/pkgconf" || return 1
        "$PKG_CONFIG" --version >/dev/null 2>&1 || { tq_die "$PKG_CONFIG does not run"; return 1; }
    fi
    export PKG_CONFIG
}

# tq_apt_install PACKAGE...: makes sure the Debian packages are installed.
# Nothing to do when dpkg says they are; otherwise, as root with apt-get,
# installs the missing ones quietly (running apt-get update first only when
# the package lists do not have them). Fails when they are missing and
# cannot be installed (no root, no apt-get, not found).
tq_apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" = installed ] || missing+=("$pkg")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; } || return 1
    echo "installing ${missing[*]} with apt-get ..." >&2
    local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}")
    local out
    out=$("${install[@]}" 2>&1) || out=$(apt-get update -qq 2>&1 && "${install[@]}" 2>&1) ||
        { printf '%s\n' "$out" >&2; return 1; }
}

# tq_stage_prefix DIR: lays DIR out like an installed tq made from this
# checkout (include/ -> the repository's headers, lib/libtq.a -> the release
# build's, lib/pkgconfig/tq.pc) and points PKG_CONFIG_PATH at it. Only the
# static library is there, so what links it runs without a runtime path.
tq_stage_prefix() {
    local stage=$1 version
    tq_native_libs || return 1
    version=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$TQ_ROOT/Cargo.toml" | head -n 1)
    mkdir -p "$stage/lib/pkgconfig"
    ln -sfn "$TQ_ROOT/include" "$stage/include"
    ln -sfn "$CARGO_TARGET_DIR/release/libtq.a" "$stage/lib/libtq.a"
    cat >"$stage/lib/pkgconfig/tq.pc.tmp" <<PC
prefix=$stage
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: tq
Description: tq from the build tree $TQ_ROOT (static library only)
Version: $version
Libs: -L\${libdir} -ltq
Libs.private: ${TQ_NATIVE_LIBS[*]}
Cflags: -I\${includedir}
PC
    mv "$stage/lib/pkgconfig/tq.pc.tmp" "$stage/lib/pkgconfig/tq.pc"
    export PKG_CONFIG_PATH="$stage/lib/pkgconfig"
}

# The cargo-fuzz release scripts/fuzz.sh installs.
TQ_CARGO_FUZZ_VERSION=0.13.2

# Puts cargo-fuzz on PATH: the one in $TQ_TOOLS/cargo-fuzz, otherwise built
# from crates.io into it (`cargo install --locked`, once; a debug build, as
# it only drives cargo: half the compile time of a release one). `cargo fuzz`
# itself runs on the nightly toolchain.
tq_need_cargo_fuzz() {
    local root="$TQ_TOOLS/cargo-fuzz"
    PATH="$root/bin:$PATH"
    export PATH
    if [ "$("$root/bin/cargo-fuzz" --version 2>/dev/null)" = "cargo-fuzz $TQ_CARGO_FUZZ_VERSION" ]; then
        return 0
    fi
    echo "installing cargo-fuzz $TQ_CARGO_FUZZ_VERSION from crates.io into $root ..." >&2
    # Without CARGO_TARGET_DIR, cargo install builds in a temporary directory it removes.
    env -u CARGO_TARGET_DIR cargo install --quiet --locked --debug --force cargo-fuzz \
        --version "$TQ_CARGO_FUZZ_VERSION" --root "$root" >&2 ||
        { tq_die "cargo could not install cargo-fuzz (is crates.io reachable?)"; return 1; }
}
