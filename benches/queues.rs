//! Criterion benches: `tq::Queue` against crossbeam-channel, flume, kanal
//! and std::sync::mpsc, in the scenarios of the C bench (benches/c): SPSC
//! unbounded, bounded 1024 and bounded 1 (hand-off), MPMC 2x2 and 4x4
//! bounded 1024, ping-pong over two queues, and task_done/join (tq only).
//! SPSC unbounded, the hand-off and ping-pong also run with their two threads
//! pinned to one CPU (`_same_cpu`) and to two (`_two_cpus`).
//!
//! Each criterion iteration is one whole run of a scenario (threads, items
//! 1..=n, checksums) with the same item counts as the C bench, since short
//! runs are slower (the threads' start-up weighs more); its throughput is in
//! items (round trips for ping-pong). `scripts/bench.sh` runs this and turns
//! criterion's medians into docs/perf/results.md. `TQ_BENCH_QUICK=1` makes a
//! fast smoke run, and so does `cargo test`, which runs every benchmark once.

#[path = "queues/peers.rs"]
mod peers;
#[path = "queues/pin.rs"]
mod pin;
#[path = "queues/scenarios.rs"]
mod scenarios;
#[path = "queues/tq_peer.rs"]
mod tq_peer;

use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

use peers::{Crossbeam, Flume, Kanal, Peer, StdMpsc};
use pin::Pinning;
use tq_peer::Tq;

/// A smoke run: TQ_BENCH_QUICK=1, or not run by `cargo bench` (which passes `--bench`).
fn quick() -> bool {
    std::env::var_os("TQ_BENCH_QUICK").is_some_and(|v| v == "1") || !std::env::args().any(|a| a == "--bench")
}

/// Items per run: `full`, or a twentieth of it in a smoke run (as `tq_bench --quick`).
fn items(full: u64) -> u64 {
    if quick() { full / 20 } else { full }
}

/// A group for one scenario whose every run moves `n` items.
fn group<'a>(c: &'a mut Criterion, name: &str, n: u64) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(n));
    // One run takes milliseconds: sample every iteration count alike.
    g.sampling_mode(SamplingMode::Flat);
    g
}

/// Benchmarks `run` (one timed scenario run) as `name` in `g`.
fn runs(g: &mut BenchmarkGroup<'_, WallTime>, name: &str, run: impl Fn() -> Duration) {
    g.bench_function(name, |b| b.iter_custom(|iters| (0..iters).map(|_| run()).sum()));
}

/// Runs `$run` once per peer type, with `$p` naming the peer in it.
macro_rules! for_peers {
    ($g:expr, [$($peer:ty),+], |$p:ident| $run:expr) => {
        $({
            type $p = $peer;
            runs(&mut $g, <$peer as Peer>::NAME, || $run);
        })+
    };
}

fn spsc(c: &mut Criterion, name: &str, capacity: usize, n: u64, pinning: Pinning) {
    let mut g = group(c, name, n);
    for_peers!(g, [Tq, Crossbeam, Flume, Kanal, StdMpsc], |P| scenarios::spsc::<P>(
        name, capacity, n, pinning
    ));
    g.finish();
}

fn pingpong(c: &mut Criterion, name: &str, n: u64, pinning: Pinning) {
    let mut g = group(c, name, n);
    for_peers!(g, [Tq, Crossbeam, Flume, Kanal, StdMpsc], |P| scenarios::pingpong::<P>(
        name, n, pinning
    ));
    g.finish();
}

/// std's mpsc has one consumer: it sits the MPMC scenarios out.
fn mpmc(c: &mut Criterion, name: &str, threads: u64, n: u64) {
    let mut g = group(c, name, n);
    for_peers!(g, [Tq, Crossbeam, Flume, Kanal], |P| scenarios::mpmc::<P>(
        name,
        1024,
        threads,
        threads as usize,
        n
    ));
    g.finish();
}

fn all(c: &mut Criterion) {
    // The counts of benches/c/scenarios.c.
    spsc(c, "spsc_unbounded", 0, items(1_000_000), Pinning::Free);
    for (pinning, suffix) in Pinning::PINNED.into_iter().filter(|(p, _)| p.possible()) {
        spsc(c, &format!("spsc_unbounded_{suffix}"), 0, items(1_000_000), pinning);
    }
    spsc(c, "spsc_bounded_1024", 1024, items(1_000_000), Pinning::Free);
    for (pinning, suffix) in Pinning::PINNED.into_iter().filter(|(p, _)| p.possible()) {
        spsc(c, &format!("spsc_bounded_1_{suffix}"), 1, items(100_000), pinning);
    }
    mpmc(c, "mpmc_2x2_bounded_1024", 2, items(500_000));
    mpmc(c, "mpmc_4x4_bounded_1024", 4, items(500_000));
    for (pinning, suffix) in Pinning::PINNED.into_iter().filter(|(p, _)| p.possible()) {
        pingpong(c, &format!("pingpong_{suffix}"), items(50_000), pinning);
    }

    let n = items(500_000);
    let mut g = group(c, "task_done_join", n);
    runs(&mut g, Tq::NAME, || scenarios::task_done_join(n));
    g.finish();
}

fn config() -> Criterion {
    let (warm_up, measure) = if quick() { (100, 300) } else { (1000, 3000) };
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(warm_up))
        .measurement_time(Duration::from_millis(measure))
        .without_plots()
}

criterion_group! {
    name = benches;
    config = config();
    targets = all
}
criterion_main!(benches);
