#!/usr/bin/env python3
"""Turns the raw output of scripts/bench.sh into docs/perf/results.md and a chart,
and that of scripts/instructions.sh into docs/perf/instructions.md.

usage: bench_report.py RAW_DIR OUT_DIR
       bench_report.py --instructions CSV OUT_MD

RAW_DIR holds c.csv (benches/c's tq_bench), python.csv
(benches/python/bench_queue.py), criterion/ (CRITERION_HOME of
benches/queues.rs), env.txt (what bench.sh recorded) and, when
scripts/instructions.sh ran, instructions/instructions.csv. Writes
OUT_DIR/results.md and OUT_DIR/throughput.png (matplotlib), or
OUT_DIR/throughput.svg drawn by hand when matplotlib cannot be imported.
With --instructions, prints the table of CSV (scripts/instructions.sh's)
and writes it with its context to OUT_MD.
"""

import csv
import datetime
import html
import json
import math
import os
import platform
import statistics
import sys
from pathlib import Path

# The scenarios, in table order, with what their numbers count. SPSC unbounded
# runs unpinned and pinned; the hand-off and ping-pong threads only pinned, to
# one CPU or to two.
SCENARIOS = [
    ("spsc_unbounded", "SPSC unbounded"),
    ("spsc_unbounded_same_cpu", "SPSC unbounded, same CPU"),
    ("spsc_unbounded_two_cpus", "SPSC unbounded, two CPUs"),
    ("spsc_bounded_1024", "SPSC bounded 1024"),
    ("spsc_bounded_1_same_cpu", "hand-off (bounded 1), same CPU"),
    ("spsc_bounded_1_two_cpus", "hand-off (bounded 1), two CPUs"),
    ("mpmc_2x2_bounded_1024", "MPMC 2x2 bounded 1024"),
    ("mpmc_4x4_bounded_1024", "MPMC 4x4 bounded 1024"),
    ("pingpong_same_cpu", "ping-pong (round trips), same CPU"),
    ("pingpong_two_cpus", "ping-pong (round trips), two CPUs"),
    ("task_done_join", "task_done/join"),
]
PINGPONG = [("pingpong_same_cpu", "same CPU"), ("pingpong_two_cpus", "two CPUs")]

# Every queue, in table order: (source, name in the raw data, label).
QUEUES = [
    ("c", "ring", "C: mutex+condvar ring (reference)"),
    ("c", "tq", "C: tq (C ABI)"),
    ("c", "glib", "C: GLib GAsyncQueue"),
    ("c", "moodycamel", "C++: moodycamel BlockingConcurrentQueue"),
    ("c", "moodycamel_rwcb", "C++: moodycamel BlockingReaderWriterCircularBuffer"),
    ("c", "tbb", "C++: oneTBB concurrent_bounded_queue"),
    ("c", "crossbeam", "Rust: crossbeam-channel (in tq_bench)"),
    ("c", "flume", "Rust: flume (in tq_bench)"),
    ("c", "kanal", "Rust: kanal (in tq_bench)"),
    ("c", "std_mpsc", "Rust: std::sync::mpsc (in tq_bench)"),
    ("rust", "tq", "Rust: tq::Queue (criterion)"),
    ("rust", "crossbeam", "Rust: crossbeam-channel (criterion)"),
    ("rust", "flume", "Rust: flume (criterion)"),
    ("rust", "kanal", "Rust: kanal (criterion)"),
    ("rust", "std_mpsc", "Rust: std::sync::mpsc (criterion)"),
    ("python", "python", "Python: queue.Queue"),
]
REFERENCE = ("c", "ring")
PYTHON = ("python", "python")
TQ = [("c", "tq"), ("rust", "tq")]
# The Rust channels tq_bench drives through benches/c/adapter_rust.rs: Rust queues, in the C run.
RUST_IN_C = [("c", "crossbeam"), ("c", "flume"), ("c", "kanal"), ("c", "std_mpsc")]
PYTHON_TARGET = 50.0  # tq should be at least this many times faster than queue.Queue

# Why a queue has no number in a scenario.
NA_REASONS = {
    "glib": "GAsyncQueue is unbounded only (no blocking put) and has no task_done/join",
    "moodycamel": "BlockingConcurrentQueue has no blocking put (so no bounded mode) and no task_done/join",
    "moodycamel_rwcb": "the circular buffer is bounded, single-producer single-consumer only, no task_done/join",
    "tbb": "concurrent_bounded_queue has no task_done/join and no timed pop",
    "std_mpsc": "std's mpsc has a single consumer (no MPMC) and no task_done/join",
    "crossbeam": "channels have no task_done/join",
    "flume": "channels have no task_done/join",
    "kanal": "channels have no task_done/join",
}

# The paths scripts/instructions.sh counts (benches/c/instructions.c,
# benches/instructions.rs), in table order, and the queues it counts them on.
INSTRUCTION_PATHS = [
    ("bounded", "FIFO bounded 1024, empty: put+get (tq: the lock-free ring)"),
    ("backlog", "FIFO unbounded, 4096 items queued: put+get (tq: past the ring)"),
    ("lifo", "LIFO bounded 1024, empty: put+get"),
    ("priority", "priority bounded 1024, empty: put_priority+get"),
    ("task_done", "FIFO bounded 1024, empty: put+get+task_done"),
]
INSTRUCTION_QUEUES = [("c", "tq"), ("rust", "tq"), ("rust", "kanal"), ("rust", "crossbeam"), ("rust", "flume"), ("rust", "std_mpsc")]


def instruction_label(key):
    """A counted queue's label: its throughput label, less the bench it ran in."""
    label = next(label for source, name, label in QUEUES if (source, name) == key)
    return label.removesuffix(" (criterion)")


def read_runs(path, source):
    """{(source, queue): {scenario: [ops/s per repeat]}}, plus the n/a and overshoot lines of a tq_bench-style CSV."""
    ops, na, overshoot = {}, set(), []
    if not path.exists():
        return ops, na, overshoot
    with open(path, newline="") as f:
        for row in csv.reader(line for line in f if not line.startswith("#")):
            if row[0] == "run":
                _, scenario, queue, _repeat, items, seconds = row
                ops.setdefault((source, queue), {}).setdefault(scenario, []).append(int(items) / float(seconds))
            elif row[0] == "na":
                na.add((source, row[2], row[1]))
            elif row[0] == "overshoot":
                queue, timeout_ms, samples, lo, p50, p99 = row[1:]
                overshoot.append((queue, int(timeout_ms), int(samples), float(lo), float(p50), float(p99)))
    return ops, na, overshoot


def read_criterion(root):
    """({("rust", peer): {scenario: [ops/s]}}, {same keys: {scenario: spread}}) from criterion's
    median time per iteration; the spread is half its 95% confidence interval, relative."""
    ops, spread = {}, {}
    for bench in sorted(root.glob("*/*/new/benchmark.json")):
        meta = json.loads(bench.read_text())
        median = json.loads((bench.parent / "estimates.json").read_text())["median"]
        key, scenario = ("rust", meta["function_id"]), meta["group_id"]
        point, ci = median["point_estimate"], median["confidence_interval"]
        ops.setdefault(key, {})[scenario] = [meta["throughput"]["Elements"] / (point * 1e-9)]
        spread.setdefault(key, {})[scenario] = (ci["upper_bound"] - ci["lower_bound"]) / 2 / point
    return ops, spread


def read_instructions(path):
    """({key: value} from the "# key: value" lines, {(api, queue, path): instructions per round})
    of scripts/instructions.sh's CSV; both empty when there is no such file."""
    meta, counts = {}, {}
    if not path.exists():
        return meta, counts
    with open(path, newline="") as f:
        for line in f:
            if line.startswith("# "):
                key, _, value = line[2:].rstrip("\n").partition(": ")
                meta[key] = value
            elif line.startswith("instructions,"):
                _, api, queue, name, short_rounds, short, long_rounds, long = line.strip().split(",")
                counts[(api, queue, name)] = (int(long) - int(short)) / (int(long_rounds) - int(short_rounds))
    return meta, counts


def repeat_spread(runs):
    """{key: {scenario: half the range of the repeats, relative to their median}}."""
    return {
        key: {s: (max(v) - min(v)) / 2 / statistics.median(v) for s, v in by.items() if len(v) > 1}
        for key, by in runs.items()
    }


def human(x):
    """12345678 -> '12.3 M'."""
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= scale:
            return f"{x / scale:.3g} {unit}"
    return f"{x:.3g}"


def machine_info():
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{model}, {cores} cores available (nproc), Linux {platform.release()}"


def markdown(medians, spread, na, overshoot, env, repeats_note, chart, counts):
    ref = medians.get(REFERENCE, {})
    present = [q for q in QUEUES if q[:2] in medians or any(n[:2] == q[:2] for n in na)]
    missing = [q for q in QUEUES if q not in present and q[0] == "c" and q[:2] not in RUST_IN_C]
    lines = [
        "# tq benchmark results",
        "",
        f"Generated by `scripts/bench.sh` (`{env.get('command', 'scripts/bench.sh')}`) on "
        f"{datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}, commit {env.get('commit', 'unknown')}.",
        "",
        f"- Machine: {machine_info()}; load average {env.get('load average before', '?')} before, "
        f"{env.get('load average after', '?')} after the run.",
        f"- Toolchain: {env.get('rustc', '?')}; {env.get('cc', '?')}; {env.get('python', '?')}.",
        f"- Peers: {env.get('peers') or 'none installed'}.",
        f"- {repeats_note}",
        "- One op is one item through the queue (its put and its get); ping-pong counts round trips.",
        "  A run's time goes from the first thread's start to the last thread's end (spawning excluded).",
        "  C and Rust runs move the same number of items per run (short runs are slower: start-up weighs more);",
        "  Python runs move fewer.",
        "  Every consumer checksums the items it gets (count, sum, sum of squares); a mismatch fails the run.",
        "- The hand-off and ping-pong runs pin their two threads (`sched_setaffinity`): both to the same CPU,",
        "  or to two different CPUs. Unpinned, each run was one case or the other as the scheduler chose, and",
        "  the median of such runs fell on either side. SPSC unbounded runs unpinned and in both pinnings.",
        "- Ratio: ops/s divided by the C mutex+condvar ring's ops/s in the same scenario (higher is better).",
        "  The criterion and Python rows are divided by the same C ring, measured in another run.",
        "",
        "## Throughput (median ops/s, ratio to the ring)",
        "",
        f"![throughput per scenario, and instructions per round]({chart})",
        "",
        "| queue | " + " | ".join(label for _, label in SCENARIOS) + " |",
        "|---|" + "---:|" * len(SCENARIOS),
    ]
    for source, name, label in present:
        cells = []
        for scenario, _ in SCENARIOS:
            value = medians.get((source, name), {}).get(scenario)
            if value is None:
                cells.append("n/a")
            elif scenario in ref:
                cells.append(f"{human(value)} ({value / ref[scenario]:.2f}x)")
            else:
                cells.append(human(value))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Run-to-run spread",
        "",
        "Half the range of the repeats (C, Python) or half the 95% confidence interval of criterion's median",
        "(criterion), as a share of the median: differences smaller than this are noise.",
        "",
        "| queue | " + " | ".join(label for _, label in SCENARIOS) + " |",
        "|---|" + "---:|" * len(SCENARIOS),
    ]
    for source, name, label in present:
        by = spread.get((source, name), {})
        cells = [f"±{by[s] * 100:.0f}%" if s in by else "" for s, _ in SCENARIOS]
        if any(cells):
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "## Ping-pong latency (median ns per round trip between two threads, two queues)", ""]
    lines += ["| queue | " + " | ".join(title for _, title in PINGPONG) + " |", "|---|" + "---:|" * len(PINGPONG)]
    for source, name, label in present:
        by = medians.get((source, name), {})
        if any(s in by for s, _ in PINGPONG):
            lines.append(f"| {label} | " + " | ".join(f"{1e9 / by[s]:,.0f}" if s in by else "" for s, _ in PINGPONG) + " |")
    if counts:
        lines += [
            "",
            "## Instructions per uncontended round (callgrind; lower is better)",
            "",
            "One thread, nothing waits; how they were counted: [instructions.md](instructions.md).",
            "",
        ]
        lines += instructions_table(counts)
    lines += python_section(medians)
    lines += [
        "",
        "## Timed-wait overshoot (a timed get on an empty queue: elapsed minus timeout, µs)",
        "",
        "| queue | timeout | samples | min | p50 | p99 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    labels = {name: label for source, name, label in QUEUES if source == "c"}
    for queue, timeout_ms, samples, lo, p50, p99 in overshoot:
        lines.append(f"| {labels.get(queue, queue)} | {timeout_ms} ms | {samples} | {lo:.0f} | {p50:.0f} | {p99:.0f} |")
    lines += ["", "A negative min would mean a wait returned early (a bug). TBB has no timed pop.", ""]
    lines += ["## Notes on fairness", ""]
    reasons = sorted({name for _, name, _ in na if name in NA_REASONS})
    lines += [f"- n/a for {name}: {NA_REASONS[name]}." for name in reasons]
    lines += [f"- {label}: not built (its Debian package is not installed)." for _, _, label in missing]
    lines += [
        "- All queues carry machine-word items (`uintptr_t` in C, `u64` in Rust); tq_bench's adapters are called",
        "  through one function-pointer table each, so every queue of the C run pays the same indirect call per",
        "  operation. The Rust channels run twice: in tq_bench (\"in tq_bench\": benches/c/adapter_rust.rs, the",
        "  same process and interleaved repeats as tq's C ABI, release build), and in the criterion bench",
        "  (\"criterion\": a separate run, calls inlined, beside tq::Queue). Compare within one of the two.",
        "- The ring and tq do the same bookkeeping per item (the unfinished-task count of Python's `queue.Queue`);",
        "  the lock-free peers do not keep one.",
        "- moodycamel runs without explicit producer/consumer tokens (its plain API); tokens would make it faster.",
        "- The MPMC 4x4 scenario puts 8 threads on 2 cores on purpose: spinning queues (TBB) suffer there.",
        "- Stop signals are in-band pills for every queue (no queue's close/shutdown is used), one per consumer.",
        "- The machine is shared: compare ratios taken in the same run, not absolute numbers across runs.",
        "  The C, Rust and Python sections run one after the other; if the load changed in between (see the",
        "  load averages above), rows of one section compare more fairly with each other than across sections.",
        "",
        "Raw data: `docs/perf/raw/` (c.csv, python.csv, criterion/, instructions/, logs), not committed.",
        "",
    ]
    return "\n".join(lines)


def instructions_table(counts):
    """The Markdown table of instructions per round (read_instructions' counts)."""
    peers = [key for key in INSTRUCTION_QUEUES if key[1] != "tq"]
    lines = [
        "| path | " + " | ".join(instruction_label(key) for key in INSTRUCTION_QUEUES)
        + " | C ABI minus Rust API | C ABI / cheapest peer |",
        "|---|" + "---:|" * (len(INSTRUCTION_QUEUES) + 2),
    ]
    for path, title in INSTRUCTION_PATHS:
        by = {key: counts.get((*key, path)) for key in INSTRUCTION_QUEUES}
        cells = ["" if v is None else f"{v:.0f}" for v in by.values()]
        c_abi, rust = by[("c", "tq")], by[("rust", "tq")]
        cells.append(f"{c_abi - rust:+.0f}" if c_abi is not None and rust is not None else "")
        cheapest = min((by[key] for key in peers if by[key] is not None), default=None)
        cells.append(f"{c_abi / cheapest:.2f}x" if c_abi is not None and cheapest else "")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    return lines


def instructions_markdown(meta, counts):
    """docs/perf/instructions.md: the table, where and how it was counted."""
    done = [
        f"{label}: {counts[(api, 'tq', 'task_done')] - counts[(api, 'tq', 'bounded')]:.0f}"
        for api, label in (("c", "C ABI"), ("rust", "Rust API"))
        if (api, "tq", "task_done") in counts and (api, "tq", "bounded") in counts
    ]
    lines = [
        "# Instructions per uncontended round",
        "",
        f"Generated by `scripts/instructions.sh` (`{meta.get('command', 'scripts/instructions.sh')}`) on "
        f"{meta.get('date', '?')}, commit {meta.get('commit', 'unknown')}.",
        "",
        f"- Machine: {machine_info()}.",
        f"- Toolchain: {meta.get('valgrind', '?')}; {meta.get('rustc', '?')}; {meta.get('cc', '?')}.",
        "- One thread puts an item and gets it back, round after round, on a queue nobody else uses, so",
        "  nothing ever waits: the count is the work of the paths themselves. tq's C ABI is driven by",
        "  `benches/c/instructions.c` (Release), its Rust API and the Rust peers by `benches/instructions.rs`",
        "  (cargo's bench profile); the peers go through benches/queues/peers.rs, as in the criterion bench.",
        "- callgrind counts every instruction of a run of N rounds (`valgrind --tool=callgrind`). Each cell",
        "  is (instructions of a run of N2 rounds - instructions of a run of N1 rounds) / (N2 - N1), so",
        f"  start-up and teardown cancel out (N1 and N2 here: {meta.get('rounds', '?')}). A round also holds",
        "  its loop, the calls' arguments and the checks of the results and of the item got: some 15-20",
        "  instructions in the driving loop itself (`main` in C, `run` in Rust), per `callgrind_annotate`.",
        "  Unlike times, the counts do not move with the machine's load; they change with the compilers and,",
        "  through the routines glibc picks for the CPU (memcpy), a little with the CPU.",
        "",
    ]
    lines += instructions_table(counts)
    lines += [
        "",
        f"- task_done alone (the put+get+task_done round minus the put+get round): {'; '.join(done) or '?'}.",
        "- The peers are channels: no LIFO or priority order, no task_done; nor do they keep the",
        "  unfinished-task count of Python's `queue.Queue`, which every tq put and task_done updates.",
        "- Where they go: `callgrind_annotate docs/perf/raw/instructions/callgrind.out.API.QUEUE.PATH.ROUNDS`",
        "  (the raw files, not committed) lists the instructions per function.",
        "",
    ]
    return "\n".join(lines)


def python_section(medians):
    py = medians.get(PYTHON, {})
    lines = [
        "",
        f"## tq against Python's queue.Queue (target: at least {PYTHON_TARGET:.0f}x)",
        "",
        "| scenario | " + " | ".join(f"{label} / Python" for s, n, label in QUEUES if (s, n) in TQ) + " |",
        "|---|" + "---:|" * len(TQ),
    ]
    met = total = 0
    for scenario, title in SCENARIOS:
        if scenario not in py:
            continue
        cells = []
        for key in TQ:
            value = medians.get(key, {}).get(scenario)
            if value is None:
                cells.append("n/a")
                continue
            ratio = value / py[scenario]
            total += 1
            met += ratio >= PYTHON_TARGET
            cells.append(f"{ratio:.1f}x {'(met)' if ratio >= PYTHON_TARGET else '(NOT met)'}")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    lines += ["", f"Target met in {met} of {total} comparisons."]
    return lines


def chart_rows(medians, counts):
    """[(panel title, [(label, value, kind)], unit)] for the chart: a panel of ops/s per scenario,
    then one of instructions per round per counted path; kind picks the colour, unit the axis."""
    rows = []
    for scenario, title in SCENARIOS:
        bars = []
        for source, name, label in QUEUES:
            value = medians.get((source, name), {}).get(scenario)
            if value:
                key = (source, name)
                kind = "tq" if key in TQ else "ref" if key == REFERENCE else "rust" if key in RUST_IN_C else source
                bars.append((label, value, kind))
        rows.append((title, bars, "ops"))
    for path, title in INSTRUCTION_PATHS:
        bars = [
            (instruction_label(key), counts[(*key, path)], "tq" if key in TQ else key[0])
            for key in INSTRUCTION_QUEUES
            if (*key, path) in counts
        ]
        if bars:
            rows.append((f"instructions: {title}", bars, "instructions"))
    return rows


COLOURS = {"tq": "#e4572e", "ref": "#555555", "c": "#4c78a8", "rust": "#72b7b2", "python": "#54a24b"}
# Per unit: a log axis or not, its caption, and how a bar's value is written.
UNITS = {
    "ops": (True, "ops/s (log scale; higher is better)", human),
    "instructions": (False, "instructions per round (callgrind; lower is better)", lambda v: f"{v:.0f}"),
}


def unit_range(rows, unit):
    """(low, high) of the axis every panel of `unit` shares, so that bars compare across panels."""
    every = [v for _, bars, u in rows if u == unit for _, v, _ in bars]
    return (min(every) / 2, max(every) * 4) if UNITS[unit][0] else (0, max(every) * 1.15)


def axis_fraction(value, lo, hi, log):
    """Where `value` sits on an axis from lo to hi: 0 at lo, 1 at hi."""
    if log:
        return (math.log10(value) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    return (value - lo) / (hi - lo)


def chart_matplotlib(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [row for row in rows if row[1]]
    bars_total = sum(len(bars) for _, bars, _ in rows)
    fig, axes = plt.subplots(
        len(rows), 1, figsize=(11, 2.2 + 0.32 * bars_total), height_ratios=[len(bars) + 2 for _, bars, _ in rows]
    )
    for i, (ax, (title, bars, unit)) in enumerate(zip(axes, rows, strict=True)):
        log, caption, text = UNITS[unit]
        labels = [b[0] for b in bars][::-1]
        values = [b[1] for b in bars][::-1]
        ax.barh(labels, values, color=[COLOURS[b[2]] for b in bars][::-1])
        if log:
            ax.set_xscale("log")
        ax.set_xlim(*unit_range(rows, unit))
        ax.set_title(title, fontsize=10, loc="left")
        ax.tick_params(axis="y", labelsize=8)
        for y, v in enumerate(values):
            ax.text(v, y, f" {text(v)}", va="center", fontsize=7)
        if i + 1 == len(rows) or rows[i + 1][2] != unit:
            ax.set_xlabel(caption)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def chart_svg(rows, path):
    """The same chart as chart_matplotlib, drawn as plain SVG."""
    label_w, bar_w, row_h, title_h = 330, 520, 16, 24
    rows = [row for row in rows if row[1]]
    parts, y = [], 10
    for i, (title, bars, unit) in enumerate(rows):
        log, caption, text = UNITS[unit]
        lo, hi = unit_range(rows, unit)
        if log:
            lo = 10 ** math.floor(math.log10(lo))
        parts.append(f'<text x="5" y="{y + 16}" font-weight="bold">{html.escape(title)}</text>')
        y += title_h
        for label, value, kind in bars:
            w = max(1, bar_w * axis_fraction(value, lo, hi, log))
            parts.append(f'<text x="{label_w - 5}" y="{y + 12}" text-anchor="end">{html.escape(label)}</text>')
            parts.append(
                f'<rect x="{label_w}" y="{y + 2}" width="{w:.0f}" height="{row_h - 4}" fill="{COLOURS[kind]}"/>'
            )
            parts.append(f'<text x="{label_w + w + 4:.0f}" y="{y + 12}">{text(value)}</text>')
            y += row_h
        y += 6
        if i + 1 == len(rows) or rows[i + 1][2] != unit:
            start = f", from {text(lo)}" if log else ""
            parts.append(f'<text x="{label_w}" y="{y + 14}">{html.escape(caption)}{start}</text>')
            y += 24
    width, height = label_w + bar_w + 80, y + 10
    path.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="white"/>'
        + "".join(parts)
        + "</svg>\n"
    )


def main_instructions(csv_path, md_path):
    """--instructions: prints the table of csv_path and writes md_path."""
    meta, counts = read_instructions(csv_path)
    if not counts:
        sys.exit(f"bench_report: no instruction counts in {csv_path}")
    print("\n".join(instructions_table(counts)))
    md_path.write_text(instructions_markdown(meta, counts))
    print(f"wrote {md_path}")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--instructions":
        main_instructions(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip())
    raw, out = Path(sys.argv[1]), Path(sys.argv[2])
    env = {}
    if (raw / "env.txt").exists():
        for line in (raw / "env.txt").read_text().splitlines():
            key, _, value = line.partition(": ")
            env[key] = value
    c_ops, na, overshoot = read_runs(raw / "c.csv", "c")
    py_ops, _, _ = read_runs(raw / "python.csv", "python")
    rust_ops, rust_spread = read_criterion(raw / "criterion")
    _, counts = read_instructions(raw / "instructions" / "instructions.csv")
    runs = {**c_ops, **py_ops, **rust_ops}
    spread = {**repeat_spread({**c_ops, **py_ops}), **rust_spread}
    if not runs:
        sys.exit(f"bench_report: no results in {raw}")
    medians = {key: {s: statistics.median(v) for s, v in by.items()} for key, by in runs.items()}
    repeats = max(len(v) for key, by in c_ops.items() for v in by.values()) if c_ops else 0
    repeats_note = (
        f"C and Python: median of {repeats} timed run(s) per cell, after one untimed warm-up run; "
        "Rust: criterion's median over 10 samples."
    )
    # Rust rows are n/a where the criterion bench has no such benchmark.
    for source, name, _ in QUEUES:
        if source == "rust" and (source, name) in medians:
            na |= {(source, name, s) for s, _ in SCENARIOS if s not in medians[(source, name)]}
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("throughput.*"):
        old.unlink()
    rows = chart_rows(medians, counts)
    try:
        chart = out / "throughput.png"
        chart_matplotlib(rows, chart)
    except ImportError:
        chart = out / "throughput.svg"
        chart_svg(rows, chart)
    (out / "results.md").write_text(markdown(medians, spread, na, overshoot, env, repeats_note, chart.name, counts))
    print(f"wrote {out / 'results.md'} and {chart}")


if __name__ == "__main__":
    main()
