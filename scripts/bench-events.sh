#!/usr/bin/env bash
# What the pollable descriptors (tq_get_fd / tq_put_fd) cost, and whether a
# queue without one is as fast as before they existed; writes
# docs/perf/events.md.
#   1. builds libtq.so (cargo build --release, each in its own target dir)
#      for the base commit, unpacked with git archive into a scratch dir,
#      and for the working tree;
#   2. compiles benches/c/events.c once against the working tree's header:
#      it looks tq_get_fd/tq_put_fd up at run time, so the same binary runs
#      on both libraries (LD_LIBRARY_PATH picks one);
#   3. runs the cells R times, interleaved: in each repeat and cell, base
#      `none`, head `none`, base `none` again (an A/A pair: the noise floor)
#      and head's descriptor modes, in an order that rotates per repeat;
#   4. takes medians and writes the tables and a reading of them.
# The runs go at nice -20 when the script may raise its priority (as
# root), so that other work on the machine disturbs them less. A wrong
# checksum fails the run. Raw output stays in the scratch dir
# ($TQ_BENCH_EVENTS_DIR, default /tmp/tq-bench-events). On 2 cores a repeat
# takes about 4 s, and the two builds about 15 s the first time.
#
# usage: scripts/bench-events.sh [--repeats R] [--items N] [--base COMMIT] [--pin]
#   --repeats R    timed runs per cell and library, median taken (default 7)
#   --items N      items per run (default 2000000)
#   --base COMMIT  what head is compared with (default 67a6fb2, the commit
#                  before the descriptors)
#   --pin          pin each thread to a CPU (producers and consumers alternate)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

usage() {
    sed -n '/^# usage:/,/^set -e/p' "$root/scripts/bench-events.sh" | sed '$d; s/^# \{0,1\}//'
}

invocation="scripts/bench-events.sh $*"
repeats=7
items=2000000
base=67a6fb2
pin=()
while [ $# -gt 0 ]; do
    case $1 in
        --repeats | --items | --base)
            [ $# -ge 2 ] || { usage >&2; exit 2; }
            case $1 in --repeats) repeats=$2 ;; --items) items=$2 ;; --base) base=$2 ;; esac
            shift
            ;;
        --pin) pin=(--pin) ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
    shift
done
for n in "$repeats" "$items"; do
    case $n in '' | *[!0-9]* | 0) usage >&2; exit 2 ;; esac
done
base_commit=$(git rev-parse --short "$base^{commit}" 2>/dev/null) || { echo "bench-events: no commit $base" >&2; exit 2; }
base=$base_commit

work="${TQ_BENCH_EVENTS_DIR:-/tmp/tq-bench-events}"
mkdir -p "$work"

# build_lib NAME SOURCE_DIR: cargo builds SOURCE_DIR's libtq.so into
# $work/NAME-target and copies it to $work/NAME/libtq.so.
build_lib() {
    local name=$1 src=$2
    echo "== building libtq.so: $name" >&2
    (cd "$src" && CARGO_TARGET_DIR="$work/$name-target" cargo build --release --locked --lib --quiet)
    mkdir -p "$work/$name"
    cp "$work/$name-target/release/libtq.so" "$work/$name/libtq.so"
}
rm -rf "$work/base-src"
mkdir -p "$work/base-src"
git archive "$base" | tar x -C "$work/base-src"
build_lib base "$work/base-src"
# Head is the working tree as it is built now.
head_commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml build.rs || echo ' plus uncommitted changes to src/')"
build_lib head "$root"

echo "== compiling benches/c/events.c" >&2
cc -O2 -std=c11 -Wall -Wextra -Werror -pthread -I"$root/include" "$root/benches/c/events.c" \
    -L"$work/head" -ltq -ldl -o "$work/tq_events"
# The base library must lack the descriptors (else the comparison is moot).
probe=$(LD_LIBRARY_PATH="$work/base" "$work/tq_events" spsc_unbounded getfd 10)
if [ "${probe%%,*}" != na ]; then
    echo "bench-events: base $base already has tq_get_fd" >&2
    exit 2
fi

raw="$work/raw.csv"
: >"$raw"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cells=(spsc_unbounded spsc_bounded_1024 mpmc_2x2_bounded_1024)
# Other work on the machine gets less of the CPUs from the runs (root only).
nice=()
if [ "$(nice -n -20 nice 2>/dev/null)" = -20 ]; then nice=(nice -n -20); fi
started=$SECONDS
for ((r = 1; r <= repeats; r++)); do
    echo "== repeat $r/$repeats" >&2
    for cell in "${cells[@]}"; do
        runs=(base:none head:none base2:none head:getfd head:both)
        case $cell in spsc_*) runs+=(head:loop) ;; esac
        k=$(((r - 1) % ${#runs[@]}))
        runs=("${runs[@]:k}" "${runs[@]:0:k}")
        for run in "${runs[@]}"; do
            lib=${run%%:*} mode=${run#*:}
            line=$(LD_LIBRARY_PATH="$work/${lib%2}" "${nice[@]}" "$work/tq_events" "$cell" "$mode" "$items" "${pin[@]}") || {
                echo "bench-events: $cell $mode on $lib failed (status $?)" >&2
                exit 1
            }
            echo "$lib,$r,$line" >>"$raw"
        done
    done
done
elapsed=$((SECONDS - started))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
export invocation base head_commit cpu load_before load_after elapsed repeats items
export pinned=${pin[*]:-no} niceness=${nice[*]:+-20}
python3 - "$raw" >"$root/docs/perf/events.md" <<'EOF'
import collections, datetime, math, os, platform, statistics, sys

env = os.environ
runs = collections.defaultdict(list)  # (lib, cell, mode) -> [(repeat, items/s, cpu ns/item, writes, reads)]
for line in open(sys.argv[1]):
    lib, rep, kind, cell, mode, n, secs, cpu, writes, reads, _ = line.strip().split(",")
    n = int(n)
    runs[lib, cell, mode].append((int(rep), n / float(secs), float(cpu) / n * 1e9,
                                  int(writes) * 1e6 / n, int(reads) * 1e6 / n))

cells = [("spsc_unbounded", "SPSC unbounded"), ("spsc_bounded_1024", "SPSC bounded 1024"),
         ("mpmc_2x2_bounded_1024", "MPMC 2x2 bounded 1024")]
def med(lib, cell, mode, col):
    return statistics.median(r[col] for r in runs[lib, cell, mode]) if runs[lib, cell, mode] else None

class Pairs:
    """The per-repeat ratios a/b of `none` items/s: quartiles and a sign test."""
    def __init__(self, a, b, cell):
        bs = {r[0]: r[1] for r in runs[b, cell, "none"]}
        self.ratios = sorted(r[1] / bs[r[0]] for r in runs[a, cell, "none"])
        q = statistics.quantiles(self.ratios, n=4, method="inclusive") if len(self.ratios) > 1 else self.ratios * 3
        self.lo, self.hi = q[0], q[2]
        self.slower = sum(r < 1 for r in self.ratios)
        n, k = len(self.ratios), min(self.slower, len(self.ratios) - self.slower)
        # Two-sided sign test: how likely a split this lopsided is when neither side is faster.
        self.p = min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n)
    def cell(self):
        return f"{self.lo:.2f}–{self.hi:.2f}; {self.slower}/{len(self.ratios)} (p = {self.p:.2g})"

def rate(x):
    return "n/a" if x is None else f"{x / 1e6:.2f} M/s"
def count(x):
    return "n/a" if x is None else f"{x:,.0f}"

out = []
say = out.append
say("# What the descriptors cost (tq_get_fd / tq_put_fd)\n")
say(f"Generated by `scripts/bench-events.sh` (`{env['invocation'].strip()}`) on "
    f"{datetime.datetime.now():%Y-%m-%d %H:%M}: head is {env['head_commit']}, base is {env['base']} "
    f"(the commit before the descriptors), each built with `cargo build --release`.\n")
say(f"- Machine: {env['cpu']}, {os.cpu_count()} cores, Linux {platform.release()}; load average "
    f"{env['load_before']} before, {env['load_after']} after; the runs took {env['elapsed']} s.")
say(f"- `benches/c/events.c`: {int(env['items']):,} items per run through a FIFO queue, after an untimed "
    f"warm-up of a tenth of that; median of {env['repeats']} interleaved runs per cell (every repeat runs "
    f"every cell on both libraries, in a rotating order); pinned threads: {env['pinned']}; nice "
    f"{env['niceness'] or 0}. Items/s counts from the first thread's start to the last one's end; every "
    "run checks a checksum of what it got.")
say("- Modes: `none` no descriptor; `getfd` `tq_get_fd` made, consumers block in `tq_get` (the "
    "upkeep alone); `both` get and put descriptors made; `loop` (SPSC) the consumer `poll(2)`s the get "
    "descriptor and gets with `TQ_NOWAIT` until `TQ_EMPTY`, as an event loop does.")
say("- Writes and reads: the process's `write(2)`/`read(2)` calls during the run (`syscw`/`syscr` in "
    "`/proc/self/io`); the benchmark makes none, so they are the library raising and lowering the "
    "eventfds.\n")

say("## Without a descriptor: head against base\n")
say("Paired: head's run divided by base's run of the same repeat, as quartiles, then in how many "
    "pairs head was the slower one and the sign test's p (the chance of a split at least this "
    "lopsided if neither were faster). A/A: the same for two base runs of the same repeat, what "
    "noise and the run order alone do. CPU: user plus system time of all threads per item.\n")
say("| cell | base | head | head/base (medians) | paired: quartiles; head slower | A/A: quartiles; second slower | CPU ns/item base → head |")
say("|---|---:|---:|---:|---:|---:|---:|")
verdicts = []
for cell, title in cells:
    b, h = med("base", cell, "none", 1), med("head", cell, "none", 1)
    ab, aa = Pairs("head", "base", cell), Pairs("base2", "base", cell)
    say(f"| {title} | {rate(b)} | {rate(h)} | {h / b:.2f}x | {ab.cell()} | {aa.cell()} | "
        f"{med('base', cell, 'none', 2):.0f} → {med('head', cell, 'none', 2):.0f} |")
    verdicts.append((title, h / b, ab, aa))

say("\n## With descriptors (head)\n")
say("Items/s, and in brackets the ratio to head's `none` in the same run.\n")
say("| cell | none | getfd | both | loop |")
say("|---|---:|---:|---:|---:|")
for cell, title in cells:
    none = med("head", cell, "none", 1)
    row = [rate(none)]
    for mode in ("getfd", "both", "loop"):
        x = med("head", cell, mode, 1)
        row.append("n/a" if x is None else f"{rate(x)} ({x / none:.2f}x)")
    say(f"| {title} | " + " | ".join(row) + " |")

say("\n## Descriptor system calls per 1M items (head)\n")
say("Writes raise a descriptor, reads lower it: the medians, then the most writes of any run. "
    "`none` shows that the benchmark itself makes none.\n")
say("| cell | none | getfd | both | loop |")
say("|---|---:|---:|---:|---:|")
def most_writes(cell, mode):
    return max(r[3] for r in runs["head", cell, mode])
for cell, title in cells:
    row = []
    for mode in ("none", "getfd", "both", "loop"):
        w, r = med("head", cell, mode, 3), med("head", cell, mode, 4)
        row.append("n/a" if w is None else f"{count(w)} w / {count(r)} r; max {count(most_writes(cell, mode))} w")
    say(f"| {title} | " + " | ".join(row) + " |")

say("\n## Reading\n")
# One paragraph, every number in it computed from the runs above.
def verdict(title, ratio, ab, aa):
    if ab.p >= 0.05:
        return (f"{title} {ratio:.2f}x, nothing this run can tell from noise (head slower in {ab.slower} "
                f"of {len(ab.ratios)} pairs, p = {ab.p:.2g})")
    way = "slower" if ab.slower > len(ab.ratios) / 2 else "faster"
    doubt = "; but the A/A pairs are as lopsided, so the run order may be the cause" if aa.p < 0.05 else ""
    return (f"{title} {ratio:.2f}x, **head consistently {way}** (slower in {ab.slower} of "
            f"{len(ab.ratios)} pairs, p = {ab.p:.2g}{doubt})")
def span_of(mode):
    xs = [med("head", c, mode, 1) / med("head", c, "none", 1) for c, _ in cells if med("head", c, mode, 1)]
    return f"{min(xs):.2f}–{max(xs):.2f}x"
def ranks(xs):
    order = sorted(range(len(xs)), key=xs.__getitem__)
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):  # ties share their mean rank
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2
        i = j + 1
    return r
def spearman(cell):
    """Rank correlation of writes and items/s over the cell's getfd and both runs."""
    rs = runs["head", cell, "getfd"] + runs["head", cell, "both"]
    a, b = ranks([r[3] for r in rs]), ranks([r[1] for r in rs])
    try:
        return statistics.correlation(a, b)
    except statistics.StatisticsError:  # every run made as many writes
        return float("nan")
def per(x):
    return f"once per {1e6 / x:,.0f} items" if x else "never"
most = max((most_writes(c, m), t, m) for c, t in cells for m in ("getfd", "both") if runs["head", c, m])
most_loop = max(most_writes(c, "loop") for c, _ in cells if runs["head", c, "loop"])
say("Without a descriptor, head/base is: " + "; ".join(verdict(*v) for v in verdicts) + ". "
    f"With the get descriptor made, throughput is {span_of('getfd')} of `none`, with both "
    f"{span_of('both')}, and an event loop polling it runs at {span_of('loop')}. The most writes "
    f"of one run were {most[0]:,.0f} per 1M items ({per(most[0])}; {most[1]}, `{most[2]}`) with "
    f"consumers blocking in `tq_get`, and {most_loop:,.0f} ({per(most_loop)}) with an event loop. "
    "The rank correlation of writes and items/s over a cell's `getfd` and `both` runs (negative: "
    "the runs that flip the descriptors more are the slower ones) is "
    + ", ".join(f"{spearman(c):.2f} ({t})" for c, t in cells) + ". "
    f"The machine is shared and has 2 cores (load average {env['load_before']} before, "
    f"{env['load_after']} after, with other work running beside the benchmark): one run of a cell "
    "swings by the quartiles of the A/A column, so a difference of a few percent between medians "
    "means nothing here unless the pairs lean one way consistently.")
print("\n".join(out))
EOF
echo "wrote docs/perf/events.md (raw: $raw)" >&2
