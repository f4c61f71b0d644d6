#!/usr/bin/env bash
# Counts the instructions of one uncontended round (a put and a get, one
# thread) on tq and its Rust peers with callgrind, prints the table and
# writes docs/perf/instructions.md:
#   1. builds benches/c/instructions.c (tq's C ABI; CMake, Release, in
#      build-bench/ as scripts/bench.sh does) and benches/instructions.rs
#      (tq's Rust API, kanal, crossbeam-channel, flume, std mpsc; cargo's
#      bench profile);
#   2. runs every queue and path under callgrind twice, for BASE and for
#      BASE + ROUNDS rounds: the difference in instructions divided by
#      ROUNDS is one round, with start-up and teardown cancelled out;
#   3. scripts/bench_report.py --instructions makes the table.
# Counts hardly vary from run to run (the machine's load does not enter
# them); they depend on the compilers and on the CPU only through the
# library routines glibc picks for it. Raw output (callgrind.out files, for
# callgrind_annotate, and instructions.csv) stays in
# docs/perf/raw/instructions/ (not committed). Once built, a run takes some
# 10 seconds (the first build a few minutes).
#
# usage: scripts/instructions.sh [--quick] [--rounds N]
#   --quick     fewer rounds (10000): the same counts, give or take one
#   --rounds N  rounds counted, after the first 5000 (default 100000)
set -euo pipefail
source "$(dirname "$0")/tools.sh"
cd "$TQ_ROOT"

usage() {
    sed -n '/^# usage:/,/^set -e/p' "$TQ_ROOT/scripts/instructions.sh" | sed '$d; s/^# \{0,1\}//'
}

command="scripts/instructions.sh${*:+ $*}"
base=5000 # past every queue's start-up transient (tq's backlog leaves the ring within 1024 rounds)
rounds=100000
while [ $# -gt 0 ]; do
    case $1 in
        --quick) rounds=10000 ;;
        --rounds)
            [ $# -ge 2 ] || { usage >&2; exit 2; }
            rounds=$2
            shift
            ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
    shift
done
case $rounds in '' | *[!0-9]* | 0) usage >&2; exit 2 ;; esac
command -v valgrind >/dev/null 2>&1 || { tq_die "valgrind is needed (apt-get install valgrind)"; exit 1; }

raw="$TQ_ROOT/docs/perf/raw/instructions"
rm -rf "$raw"
mkdir -p "$raw"

echo "== building benches/c/instructions.c (CMake, Release) and benches/instructions.rs (cargo bench profile)" >&2
tq_need_cmake
build="$TQ_ROOT/build-bench"
{
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DTQ_BUILD_BENCHES=ON &&
        cmake --build "$build" --target tq_instructions
} >"$raw/build.log" 2>&1 || { tail -n 40 "$raw/build.log" >&2; tq_die "building tq_instructions failed"; exit 1; }
c_bin="$build/tq_instructions"
rust_bin=$(cargo bench --bench instructions --no-run --message-format=json 2>>"$raw/build.log" |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "instructions" and m.get("executable"):
        print(m["executable"])') || true
[ -x "$rust_bin" ] || { tail -n 40 "$raw/build.log" >&2; tq_die "building benches/instructions.rs failed"; exit 1; }

# instructions_of OUT BINARY ARGS...: runs BINARY ARGS under callgrind into
# OUT and prints the instructions it counted.
instructions_of() {
    local out=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file="$out" "$@" 2>>"$raw/valgrind.log" ||
        { tail -n 20 "$raw/valgrind.log" >&2; tq_die "failed under callgrind: $*"; return 1; }
    awk '$1 == "totals:" || $1 == "summary:" { print $2; exit }' "$out"
}

csv="$raw/instructions.csv"
{
    echo "# command: $command"
    echo "# date: $(date '+%Y-%m-%d %H:%M')"
    echo "# commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "# rounds: $base and $((base + rounds))"
    echo "# valgrind: $(valgrind --version)"
    echo "# rustc: $(rustc --version)"
    echo "# cc: $(cc --version | head -n1)"
} >"$csv"
# API QUEUE PATH: tq's C ABI paths, then the Rust API's and the peers'.
cells=()
for path in bounded backlog lifo priority task_done; do cells+=("c tq $path" "rust tq $path"); done
for queue in kanal crossbeam flume std_mpsc; do cells+=("rust $queue bounded" "rust $queue backlog"); done
for cell in "${cells[@]}"; do
    read -r api queue path <<<"$cell"
    if [ "$api" = c ]; then run=("$c_bin" "$path"); else run=("$rust_bin" "$queue" "$path"); fi
    short=$(instructions_of "$raw/callgrind.out.$api.$queue.$path.$base" "${run[@]}" "$base")
    long=$(instructions_of "$raw/callgrind.out.$api.$queue.$path.$((base + rounds))" "${run[@]}" "$((base + rounds))")
    echo "instructions,$api,$queue,$path,$base,$short,$((base + rounds)),$long" >>"$csv"
    awk -v a="$api" -v q="$queue" -v p="$path" -v d=$((long - short)) -v n="$rounds" \
        'BEGIN { printf "%-5s %-10s %-10s %8.1f instructions a round\n", a, q, p, d / n }' >&2
done

python3 scripts/bench_report.py --instructions "$csv" "$TQ_ROOT/docs/perf/instructions.md"
