#!/usr/bin/env bash
# Builds the library, the demo and the C/C++ tests with CMake (installing
# CMake from PyPI into .tools/ when the machine has none) and runs ctest.
# Extra arguments go to ctest (e.g. -R header). The libuv and GLib tests
# need their Debian packages, installed here when it runs as root; without
# them CMake skips those tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
tq_need_cmake
tq_apt_install libuv1-dev libglib2.0-dev pkg-config ||
    echo "ctest.sh: cannot install libuv1-dev libglib2.0-dev pkg-config (needs root and apt-get):" \
        "test_libuv and test_glib are skipped unless pkg-config finds libuv and glib-2.0" >&2
cd "$TQ_ROOT"
# cargo builds into build/cargo: this build gives libtq.so a SONAME (TQ_VERSIONED_SONAME=1),
# so sharing target/ with plain `cargo build --release` would rebuild the crate each time.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2
ctest --test-dir build --output-on-failure "$@"
