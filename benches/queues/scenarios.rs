//! The scenarios of the C bench (benches/c/scenarios.c), in Rust: each run
//! moves the items 1..=n, every consumer checksums what it gets, and a wrong
//! checksum panics, which fails the bench. A run's time goes from the first
//! thread's start to the last thread's end, thread spawning excluded. Every
//! thread of a run is spawned for it, so pinning one (`Pinning`) never pins
//! the thread that runs the bench.

use std::sync::Barrier;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::peers::Peer;
use super::pin::{Pinning, pin};

/// The item that tells a consumer to stop; never a real item.
const PILL: u64 = u64::MAX;

/// Items the task_done/join producer puts between two joins.
const TASK_DONE_BATCH: u64 = 256;

/// What consumers saw: count, sum and sum of squares (wrapping) of the items.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
struct Checksum {
    count: u64,
    sum: u64,
    sumsq: u64,
}

impl Checksum {
    fn add(&mut self, item: u64) {
        self.count += 1;
        self.sum = self.sum.wrapping_add(item);
        self.sumsq = self.sumsq.wrapping_add(item.wrapping_mul(item));
    }

    fn merge(mut self, other: Checksum) -> Checksum {
        self.count += other.count;
        self.sum = self.sum.wrapping_add(other.sum);
        self.sumsq = self.sumsq.wrapping_add(other.sumsq);
        self
    }

    /// Panics unless this is exactly the items 1..=n, each once.
    fn verify(self, n: u64, scenario: &str, queue: &str) {
        let want = (1..=n).fold(Checksum::default(), |mut c, i| {
            c.add(i);
            c
        });
        assert_eq!(self, want, "CHECKSUM MISMATCH in {scenario} on {queue}");
    }
}

/// When one thread of a run started and ended.
struct Span {
    start: Instant,
    end: Instant,
}

/// Pins the calling thread to `cpu` (if any), then runs `work` after every
/// thread of the run reached `start`, timing it.
fn timed<R>(start: &Barrier, cpu: Option<usize>, work: impl FnOnce() -> R) -> (Span, R) {
    if let Some(cpu) = cpu {
        pin(cpu);
    }
    start.wait();
    let t0 = Instant::now();
    let r = work();
    (
        Span {
            start: t0,
            end: Instant::now(),
        },
        r,
    )
}

/// From the first start to the last end.
fn total(spans: &[Span]) -> Duration {
    let start = spans.iter().map(|s| s.start).min().expect("a run has threads");
    let end = spans.iter().map(|s| s.end).max().expect("a run has threads");
    end - start
}

/// `producers` threads put 1..=n (n rounded down to a multiple of them);
/// one consumer thread per receiver in `rxs` gets until its pill. Threads
/// are numbered for `pinning` producers first.
fn stream<P: Peer>(name: &str, tx: P::Tx, rxs: Vec<P::Rx>, producers: u64, n: u64, pinning: Pinning) -> Duration {
    let per = n / producers;
    let consumers = rxs.len();
    let left = AtomicUsize::new(producers as usize);
    let start = Barrier::new(producers as usize + consumers);
    let (spans, sums): (Vec<Span>, Vec<Checksum>) = thread::scope(|s| {
        let put_side = (0..producers).map(|p| {
            let (tx, left, start) = (tx.clone(), &left, &start);
            let cpu = pinning.cpu(p as usize);
            s.spawn(move || {
                timed(start, cpu, || {
                    for item in 1 + p * per..=(p + 1) * per {
                        P::put(&tx, item);
                    }
                    if left.fetch_sub(1, Ordering::AcqRel) == 1 {
                        (0..consumers).for_each(|_| P::put(&tx, PILL));
                    }
                    Checksum::default()
                })
            })
        });
        let get_side = rxs.into_iter().enumerate().map(|(c, rx)| {
            let start = &start;
            let cpu = pinning.cpu(producers as usize + c);
            s.spawn(move || {
                timed(start, cpu, || {
                    let mut got = Checksum::default();
                    loop {
                        match P::get(&rx) {
                            PILL => return got,
                            item => got.add(item),
                        }
                    }
                })
            })
        });
        let handles: Vec<_> = put_side.chain(get_side).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a bench thread panicked"))
            .unzip()
    });
    let got = sums.into_iter().fold(Checksum::default(), Checksum::merge);
    got.verify(per * producers, name, P::NAME);
    total(&spans)
}

/// One producer and one consumer, placed by `pinning`.
pub fn spsc<P: Peer>(name: &str, capacity: usize, n: u64, pinning: Pinning) -> Duration {
    let (tx, rx) = P::channel(capacity);
    stream::<P>(name, tx, vec![rx], 1, n, pinning)
}

/// `producers` producers and `consumers` consumers on one queue.
pub fn mpmc<P: Peer>(name: &str, capacity: usize, producers: u64, consumers: usize, n: u64) -> Duration
where
    P::Rx: Clone,
{
    let (tx, rx) = P::channel(capacity);
    stream::<P>(name, tx, vec![rx; consumers], producers, n, Pinning::Free)
}

/// A pinger thread sends 1..=n one at a time to a partner thread that sends
/// each back on a second queue; the two are placed by `pinning`. Returns the
/// time for all n round trips.
pub fn pingpong<P: Peer>(name: &str, n: u64, pinning: Pinning) -> Duration {
    let (to_tx, to_rx) = P::channel(0);
    let (back_tx, back_rx) = P::channel(0);
    let start = Barrier::new(2);
    let (spans, got) = thread::scope(|s| {
        let start = &start;
        let (pinger_cpu, partner_cpu) = (pinning.cpu(0), pinning.cpu(1));
        let pinger = s.spawn(move || {
            timed(start, pinger_cpu, || {
                let mut got = Checksum::default();
                for item in 1..=n {
                    P::put(&to_tx, item);
                    got.add(P::get(&back_rx));
                }
                P::put(&to_tx, PILL);
                got
            })
        });
        let partner = s.spawn(move || {
            timed(start, partner_cpu, || {
                loop {
                    match P::get(&to_rx) {
                        PILL => break,
                        item => P::put(&back_tx, item),
                    }
                }
            })
        });
        let (mine, got) = pinger.join().expect("the pinger panicked");
        let (theirs, ()) = partner.join().expect("the ping-pong partner panicked");
        ([mine, theirs], got)
    });
    got.verify(n, name, P::NAME);
    total(&spans)
}

/// tq only (the channels have no task_done/join): puts 1..=n on an
/// unbounded queue, joining after every batch, while a consumer gets and
/// task_done()s each item.
pub fn task_done_join(n: u64) -> Duration {
    let q = tq::Queue::new(0);
    let start = Barrier::new(2);
    let (spans, got) = thread::scope(|s| {
        let (q, start) = (&q, &start);
        let consumer = s.spawn(move || {
            timed(start, None, || {
                let mut got = Checksum::default();
                loop {
                    match q.get(tq::Timeout::Forever).expect("tq get") {
                        PILL => return got,
                        item => got.add(item),
                    }
                    q.task_done().expect("tq task_done");
                }
            })
        });
        let (mine, ()) = timed(start, None, || {
            for item in 1..=n {
                q.put(item, tq::Timeout::Forever).expect("tq put");
                if item % TASK_DONE_BATCH == 0 || item == n {
                    q.join(tq::Timeout::Forever).expect("tq join");
                }
            }
            q.put(PILL, tq::Timeout::Forever).expect("tq put");
        });
        let (theirs, got) = consumer.join().expect("the task_done consumer panicked");
        ([mine, theirs], got)
    });
    got.verify(n, "task_done_join", "tq");
    total(&spans)
}
