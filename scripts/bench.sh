#!/usr/bin/env bash
# Runs every benchmark and writes docs/perf/results.md and a chart:
#   1. the C bench (benches/c, built through CMake with -DTQ_BUILD_BENCHES=ON):
#      tq's C ABI against a mutex+condvar ring, GAsyncQueue, moodycamel and
#      TBB (each peer only if its Debian package is installed) and the Rust
#      channels below (benches/c/adapter_rust.rs, built with cargo), all in
#      one process and the same interleaved repeats, plus the timed-wait
#      overshoot;
#   2. the criterion bench (benches/queues.rs): tq::Queue against
#      crossbeam-channel, flume, kanal and std::sync::mpsc, calls inlined;
#   3. Python's queue.Queue (benches/python/bench_queue.py);
#   4. scripts/instructions.sh: instructions per uncontended put+get with
#      callgrind (docs/perf/instructions.md), skipped without valgrind;
#   5. scripts/bench_report.py: the Markdown tables and the chart.
# The hand-off and ping-pong cases run twice everywhere, their two threads
# pinned to one CPU and to two; SPSC unbounded runs so too, and unpinned.
# A wrong checksum anywhere fails the run. A full run takes about 10
# minutes on 2 cores (up to 15 on a busy machine); raw output stays in
# docs/perf/raw/ (not committed).
#
# usage: scripts/bench.sh [--quick] [--repeats N] [--install-peers]
#   --quick          smoke run: 1 repeat, a few items, short criterion runs
#   --repeats N      timed runs per C and Python cell, median taken (default 10;
#                    criterion always takes 10 samples)
#   --install-peers  as root, apt-get install the C/C++ peers and valgrind first:
#                    apt-get install -y libglib2.0-dev libconcurrentqueue-dev \
#                        libreaderwriterqueue-dev libtbb-dev pkg-config valgrind
set -euo pipefail
source "$(dirname "$0")/tools.sh"
cd "$TQ_ROOT"

PEER_PACKAGES=(libglib2.0-dev libconcurrentqueue-dev libreaderwriterqueue-dev libtbb-dev pkg-config)
COUNT_PACKAGES=(valgrind) # for scripts/instructions.sh

usage() {
    sed -n '/^# usage:/,/^set -e/p' "$TQ_ROOT/scripts/bench.sh" | sed '$d; s/^# \{0,1\}//'
}

command="scripts/bench.sh${*:+ $*}"
quick=0
repeats=10
install_peers=0
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1 ;;
        --repeats)
            [ $# -ge 2 ] || { usage >&2; exit 2; }
            repeats=$2
            shift
            ;;
        --install-peers) install_peers=1 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
    shift
done
case $repeats in '' | *[!0-9]* | 0) usage >&2; exit 2 ;; esac

if [ "$install_peers" = 1 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq "${PEER_PACKAGES[@]}" "${COUNT_PACKAGES[@]}" \
            || echo "bench: could not install the peers; the missing ones are skipped" >&2
    else
        echo "bench: --install-peers needs root; run: sudo apt-get install -y ${PEER_PACKAGES[*]} ${COUNT_PACKAGES[*]}" >&2
        echo "bench: going on with the peers that are installed" >&2
    fi
fi

if [ "$quick" = 1 ]; then
    run_args=(--quick)
    count_args=(--quick)
    export TQ_BENCH_QUICK=1
else
    run_args=(--repeats "$repeats")
    count_args=()
fi

out="$TQ_ROOT/docs/perf"
raw="$out/raw"
rm -rf "$raw"
mkdir -p "$raw"

# What the numbers were measured with, for the report.
{
    echo "command: $command"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "rustc: $(rustc --version)"
    echo "cc: $(cc --version | head -n1)"
    echo "python: $(python3 --version 2>&1)"
    echo "peers: $(dpkg-query -W -f '${Package} ${Version}, ' "${PEER_PACKAGES[@]}" 2>/dev/null | sed 's/, $//')"
} >"$raw/env.txt"

echo "== C bench (CMake, Release)" >&2
tq_need_cmake
build="$TQ_ROOT/build-bench"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DTQ_BUILD_BENCHES=ON >"$raw/cmake.log" 2>&1 \
    || { cat "$raw/cmake.log" >&2; tq_die "cmake configure failed"; exit 1; }
grep 'tq_bench: peer' "$raw/cmake.log" | sed 's/^-- /   /' >&2
cmake --build "$build" --target tq_bench >>"$raw/cmake.log" 2>&1 \
    || { tail -n 40 "$raw/cmake.log" >&2; tq_die "building tq_bench failed"; exit 1; }
"$build/tq_bench" "${run_args[@]}" >"$raw/c.csv"

echo "== criterion bench (cargo bench --bench queues; log: $raw/criterion.log)" >&2
CRITERION_HOME="$raw/criterion" cargo bench --bench queues >"$raw/criterion.log" 2>&1 \
    || { tail -n 40 "$raw/criterion.log" >&2; tq_die "the criterion bench failed"; exit 1; }
# criterion prints "group/peer  time: [low median high]", long names on two lines.
awk '/^[a-z0-9_]+\/[a-z_]+/ { name = $1 } / time: / { sub(/^.*time: */, ""); printf "%-34s %s\n", name, $0 }' \
    "$raw/criterion.log" >&2

echo "== Python queue.Queue" >&2
python3 benches/python/bench_queue.py "${run_args[@]}" >"$raw/python.csv"

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$raw/env.txt"

# Counts, not times: after the timed runs, so that it does not load the machine under them.
if command -v valgrind >/dev/null 2>&1; then
    echo "== instruction counts (scripts/instructions.sh)" >&2
    scripts/instructions.sh "${count_args[@]}"
else
    echo "bench: no valgrind: instruction counts skipped (apt-get install valgrind, or --install-peers)" >&2
fi

# The chart wants matplotlib; without it (and without PyPI) the report draws an SVG itself.
if ! python3 -c 'import matplotlib' 2>/dev/null; then
    if mpl=$(tq_pip_tool matplotlib 'matplotlib>=3.5'); then
        export PYTHONPATH="$mpl${PYTHONPATH:+:$PYTHONPATH}"
    else
        echo "bench: matplotlib unavailable: the chart will be an SVG" >&2
    fi
fi
python3 scripts/bench_report.py "$raw" "$out"
