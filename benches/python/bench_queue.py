#!/usr/bin/env python3
"""Python's queue.Queue in the scenarios of the C bench (benches/c).

The same scenarios, stop pills and checksums as tq_bench, with fewer items
(Python is slower, and throughput hardly depends on the count). Prints
`run,SCENARIO,python,REPEAT,ITEMS,SECONDS` lines like tq_bench does, so that
scripts/bench_report.py can put Python's queue.Queue in the same table. The
hand-off and ping-pong threads are pinned, to one CPU and to two, and SPSC
unbounded runs unpinned and pinned, as in tq_bench. A wrong checksum exits
with status 1.
"""

import argparse
import os
import queue
import sys
import threading
import time

PILL = None  # the stop signal; never a real item
TASK_DONE_BATCH = 256  # as in benches/c/scenarios.h

# name, kind, producers, consumers, maxsize, items per run, pinning (None: free,
# "same": every thread on the first usable CPU, "two": alternately on the first two)
SCENARIOS = [
    ("spsc_unbounded", "stream", 1, 1, 0, 100_000, None),
    ("spsc_unbounded_same_cpu", "stream", 1, 1, 0, 100_000, "same"),
    ("spsc_unbounded_two_cpus", "stream", 1, 1, 0, 100_000, "two"),
    ("spsc_bounded_1024", "stream", 1, 1, 1024, 100_000, None),
    ("spsc_bounded_1_same_cpu", "stream", 1, 1, 1, 20_000, "same"),
    ("spsc_bounded_1_two_cpus", "stream", 1, 1, 1, 20_000, "two"),
    ("mpmc_2x2_bounded_1024", "stream", 2, 2, 1024, 50_000, None),
    ("mpmc_4x4_bounded_1024", "stream", 4, 4, 1024, 50_000, None),
    ("pingpong_same_cpu", "pingpong", 1, 1, 0, 5_000, "same"),
    ("pingpong_two_cpus", "pingpong", 1, 1, 0, 5_000, "two"),
    ("task_done_join", "task_done", 1, 1, 0, 50_000, None),
]
CPUS = sorted(os.sched_getaffinity(0))[:2]  # read before any thread is pinned


def thread_cpu(pinning, i):
    """The CPU thread number i of a run goes to, or None."""
    if pinning is None:
        return None
    return CPUS[0] if pinning == "same" else CPUS[i % 2]


class Checksum:
    """Count, sum and sum of squares of the items a thread got."""

    def __init__(self):
        self.count = self.total = self.squares = 0

    def add(self, item):
        self.count += 1
        self.total += item
        self.squares += item * item

    def merge(self, other):
        self.count += other.count
        self.total += other.total
        self.squares += other.squares

    def verify(self, n, scenario):
        want = (n, n * (n + 1) // 2, n * (n + 1) * (2 * n + 1) // 6)
        got = (self.count, self.total, self.squares)
        if got != want:
            sys.exit(f"CHECKSUM MISMATCH in {scenario} on python: got {got}, want {want}")


class Worker(threading.Thread):
    """A thread of a run, pinned to cpu unless it is None, that times itself
    from the common start to its end."""

    def __init__(self, start_barrier, body, cpu):
        super().__init__(daemon=True)
        self.start_barrier, self.body, self.cpu = start_barrier, body, cpu
        self.got = Checksum()
        self.t_start = self.t_end = 0.0

    def run(self):
        if self.cpu is not None:
            os.sched_setaffinity(0, {self.cpu})  # 0: the calling thread
        self.start_barrier.wait()
        self.t_start = time.perf_counter()
        self.body(self.got)
        self.t_end = time.perf_counter()


def run_workers(bodies, pinning):
    """Runs one Worker per body, placed by pinning; returns (seconds from first
    start to last end, merged checksum)."""
    barrier = threading.Barrier(len(bodies))
    workers = [Worker(barrier, body, thread_cpu(pinning, i)) for i, body in enumerate(bodies)]
    for w in workers:
        w.start()
    total = Checksum()
    for w in workers:
        w.join()
        total.merge(w.got)
    return max(w.t_end for w in workers) - min(w.t_start for w in workers), total


def stream(producers, consumers, maxsize, n, pinning):
    q = queue.Queue(maxsize)
    per = n // producers
    left = [producers]
    lock = threading.Lock()

    def producer(first):
        def body(_got):
            for item in range(first, first + per):
                q.put(item)
            with lock:
                left[0] -= 1
                last = left[0] == 0
            if last:
                for _ in range(consumers):
                    q.put(PILL)

        return body

    def consumer(got):
        while (item := q.get()) is not PILL:
            got.add(item)

    bodies = [producer(1 + p * per) for p in range(producers)] + [consumer] * consumers
    return per * producers, run_workers(bodies, pinning)


def pingpong(n, pinning):
    there, back = queue.Queue(), queue.Queue()

    def pinger(got):
        for item in range(1, n + 1):
            there.put(item)
            got.add(back.get())
        there.put(PILL)

    def ponger(_got):
        while (item := there.get()) is not PILL:
            back.put(item)

    return n, run_workers([pinger, ponger], pinning)


def task_done(n):
    q = queue.Queue()

    def batcher(_got):
        for item in range(1, n + 1):
            q.put(item)
            if item % TASK_DONE_BATCH == 0 or item == n:
                q.join()
        q.put(PILL)

    def finisher(got):
        while (item := q.get()) is not PILL:
            got.add(item)
            q.task_done()

    return n, run_workers([batcher, finisher], None)


def run(name, kind, producers, consumers, maxsize, items, pinning):
    """One timed run; returns (items moved, seconds)."""
    if kind == "stream":
        n, (secs, got) = stream(producers, consumers, maxsize, items, pinning)
    elif kind == "pingpong":
        n, (secs, got) = pingpong(items, pinning)
    else:
        n, (secs, got) = task_done(items)
    got.verify(n, name)
    return n, secs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every item count")
    ap.add_argument("--quick", action="store_true", help="smoke run: --repeats 1 --scale 0.05")
    args = ap.parse_args()
    if args.quick:
        args.repeats, args.scale = 1, 0.05
    print(f"# python queue.Queue bench: python {sys.version.split()[0]} repeats={args.repeats} scale={args.scale}")
    for name, kind, producers, consumers, maxsize, items, pinning in SCENARIOS:
        if pinning == "two" and len(CPUS) < 2:
            print(f"{name}: skipped (needs two usable CPUs)", file=sys.stderr)
            continue
        items = max(producers, int(items * args.scale))
        cell = (name, kind, producers, consumers, maxsize)
        run(*cell, max(producers, items // 10), pinning)  # warm-up
        for r in range(args.repeats):
            n, secs = run(*cell, items, pinning)
            print(f"run,{name},python,{r},{n},{secs:.9f}", flush=True)
            print(f"{name:<22} python repeat {r}: {n / secs:10.0f} ops/s", file=sys.stderr)


if __name__ == "__main__":
    main()
