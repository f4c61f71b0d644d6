#!/usr/bin/env bash
# Runs the C tests (c-tests/test_*.c, test_*.cpp) and the stress program
# (c-tests/stress.c) under ThreadSanitizer, AddressSanitizer (with
# LeakSanitizer) and valgrind memcheck. Any report fails the run.
#
#   scripts/sanitize.sh [thread] [address] [valgrind]     (default: all three)
#
# TQ_SAN_TESTS="test_stress test_shutdown" limits the C tests to those names.
#
# How the sanitizer builds are put together: nightly rustc builds the library
# with -Zsanitizer=<kind> and -Zbuild-std (so std and parking_lot are
# instrumented too); gcc/g++ -fsanitize=<kind> instruments the C side; the
# executables link rustc's own sanitizer runtime (librustc-nightly_rt.*.a).
# The runtime must match rustc's newer LLVM instrumentation (gcc 12's libtsan
# lacks __tsan_memcpy & co.), and gcc's instrumentation only uses the stable
# part of the runtime ABI. No clang needed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
tq_native_libs # TQ_NATIVE_LIBS: what libtq.a needs besides libc

TARGET=$(rustc -vV | sed -n "s/^host: //p")
CFLAGS=(-O1 -g -fno-omit-frame-pointer -Wall -Wextra -Werror -Iinclude -Ic-tests)
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export ASAN_OPTIONS="halt_on_error=1 exitcode=66 detect_leaks=1 detect_stack_use_after_return=1 ${ASAN_OPTIONS:-}"
VALGRIND=(valgrind -q --fair-sched=yes --error-exitcode=66 --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible)

# Stress configurations every build runs besides the C tests (kept small:
# sanitizers slow things down 5-20x, valgrind far more).
STRESS_RUNS=("-p 8 -c 8 -q 1 -n 20000 -s immediate" "-p 3 -c 5 -q 0 -n 50000 -s drain -o lifo"
    "-p 4 -c 4 -q 4 -n 50000 -o priority" "-p 2 -c 2 -q 1024 -t 1 -n 10000000"
    "-p 4 -c 2 -q 0 -n 50000 -s drain")

# The pkg-config module a C test needs besides libtq (the event-loop tests);
# such a test is left out when pkg-config does not find its module.
declare -A PKG_MODULE=([test_libuv]=libuv [test_glib]=glib-2.0)

# rustc's name for each sanitizer runtime.
declare -A RUNTIME=([thread]=tsan [address]=asan)

failures=()

# The C tests to run, as source paths.
c_tests() {
    local src name module
    for src in c-tests/test_*.c c-tests/test_*.cpp; do
        [ -e "$src" ] || continue
        name=$(basename "${src%.*}")
        module=${PKG_MODULE[$name]:-}
        if [ -n "$module" ] && ! pkg-config --exists "$module" 2>/dev/null; then
            echo "sanitize: $name skipped: pkg-config finds no $module" >&2
            continue
        fi
        if [ -z "${TQ_SAN_TESTS:-}" ] || [[ " $TQ_SAN_TESTS " == *" $name "* ]]; then
            echo "$src"
        fi
    done
}

# compile OUT_DIR SRC EXTRA_FLAGS...: one test program, linked with the LINK
# array. The link step gets no -fsanitize: gcc would add its own runtime,
# and two sanitizer runtimes in one process refuse to start.
compile() {
    local out=$1 src=$2
    shift 2
    local cc=gcc std=-std=gnu11 exe module pkg_cflags=() pkg_libs=()
    if [[ "$src" == *.cpp ]]; then cc=g++ std=-std=gnu++17; fi
    exe="$out/$(basename "${src%.*}")"
    module=${PKG_MODULE[$(basename "$exe")]:-}
    if [ -n "$module" ]; then
        read -ra pkg_cflags < <(pkg-config --cflags "$module")
        read -ra pkg_libs < <(pkg-config --libs "$module")
    fi
    "$cc" "$std" "${CFLAGS[@]}" "${pkg_cflags[@]}" "$@" -c "$src" -o "$exe.o"
    "$cc" "$exe.o" "${LINK[@]}" "${pkg_libs[@]}" -o "$exe"
}

# run LABEL COMMAND...: runs one program, records a failure.
run() {
    local label=$1
    shift
    local start=$SECONDS
    if timeout 900 "$@" >"$log" 2>&1; then
        printf '  ok    %-55s %3ds\n' "$label" $((SECONDS - start))
    else
        printf '  FAIL  %-55s %3ds (exit %s), log:\n' "$label" $((SECONDS - start)) "$?"
        tail -n 60 "$log" | sed 's/^/      /'
        failures+=("$label")
    fi
}

# run_all KIND OUT_DIR PREFIX...: runs every C test and stress configuration.
run_all() {
    local kind=$1 out=$2
    shift 2
    local src cfg
    log="$out/last.log"
    for src in $(c_tests); do
        run "$kind: $(basename "${src%.*}")" "$@" "$out/$(basename "${src%.*}")"
    done
    for cfg in "${STRESS_RUNS[@]}"; do
        # shellcheck disable=SC2086 # the configuration is a list of arguments
        run "$kind: stress $cfg" "$@" "$out/stress" $cfg -w 600
    done
}

# sanitizer KIND: builds the instrumented library and programs, runs them.
sanitizer() {
    local kind=$1
    local target_dir="target/san-$kind"
    local out="$target_dir/c"
    local rt
    echo "== $kind sanitizer: building libtq.a with nightly -Zsanitizer=$kind -Zbuild-std"
    if ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'; then
        rustup component add rust-src --toolchain nightly
    fi
    RUSTFLAGS="-Zsanitizer=$kind" CARGO_TARGET_DIR="$target_dir" \
        cargo +nightly build --quiet --locked -Zbuild-std --target "$TARGET" --release --lib
    rt="$(rustc +nightly --print sysroot)/lib/rustlib/$TARGET/lib/librustc-nightly_rt.${RUNTIME[$kind]}.a"
    [ -f "$rt" ] || { echo "missing sanitizer runtime $rt"; exit 1; }
    mkdir -p "$out"
    LINK=("$target_dir/$TARGET/release/libtq.a" -Wl,--whole-archive "$rt" -Wl,--no-whole-archive "${TQ_NATIVE_LIBS[@]}")
    echo "== $kind sanitizer: compiling the C tests and the stress program with gcc -fsanitize=$kind"
    for src in $(c_tests) c-tests/stress.c; do
        compile "$out" "$src" "-fsanitize=$kind"
    done
    echo "== $kind sanitizer: running"
    run_all "$kind" "$out"
}

memcheck() {
    local out=target/valgrind-c
    command -v valgrind >/dev/null || { echo "valgrind is not installed"; exit 1; }
    echo "== valgrind memcheck: building libtq.a (release) and the C programs"
    CARGO_TARGET_DIR=target cargo build --quiet --locked --release --lib
    mkdir -p "$out"
    LINK=(target/release/libtq.a "${TQ_NATIVE_LIBS[@]}")
    for src in $(c_tests) c-tests/stress.c; do
        compile "$out" "$src"
    done
    echo "== valgrind memcheck: running"
    run_all memcheck "$out" "${VALGRIND[@]}"
}

kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(thread address valgrind)
for kind in "${kinds[@]}"; do
    case "$kind" in
    thread | address) sanitizer "$kind" ;;
    valgrind) memcheck ;;
    *) echo "usage: $0 [thread] [address] [valgrind]" >&2; exit 64 ;;
    esac
done

if [ ${#failures[@]} -gt 0 ]; then
    echo "sanitize: ${#failures[@]} FAILED: ${failures[*]}"
    exit 1
fi
echo "sanitize: all passed (${kinds[*]})"
