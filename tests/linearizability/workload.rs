//! Small concurrent runs on a real `tq::Queue<u32>`: a seeded random choice
//! of queue and operations, the threads started together, every call stamped
//! and recorded.

use std::ops::Range;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::thread;

use tq::{Order, Queue};

use crate::history::{Event, Op, PutFail, Query, Ret, Wait};
use crate::model::Model;

/// SplitMix64: a tiny seeded generator, so a seed names its operations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `range` (not empty).
    pub fn below(&mut self, range: Range<u64>) -> u64 {
        range.start + self.next() % (range.end - range.start)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(0..100) < percent
    }

    /// One of `items`, chosen uniformly.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(0..items.len() as u64) as usize]
    }
}

/// The kinds of queue the runs use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// FIFO with a bound of 1 to 3 (a ring of that many slots; 1 is the
    /// smallest). Its `set_maxsize` calls raise the bound past the ring now
    /// and then, so that the ring closes and the locked store holds the
    /// overflow (and the ring reopens once the store is drained).
    FifoSmall,
    /// FIFO, unbounded: a segment list.
    FifoUnbounded,
    /// FIFO around the ring's capacity, all in a segment list: a backlog of
    /// more than 1024 items (crossing block boundaries), or a bound above
    /// 1024, nearly reached.
    FifoOverflow,
    Lifo,
    Priority,
}

/// The queue a run starts from.
#[derive(Debug)]
pub struct Setup {
    pub order: Order,
    pub maxsize: usize,
    /// Items `0..put` are put, then `got` of them got, before the run.
    pub put: u32,
    pub got: u32,
    /// Tasks marked done before the run (at most `put`).
    pub done: usize,
}

impl Setup {
    /// A random setup of `kind`.
    pub fn random(kind: Kind, rng: &mut Rng) -> Self {
        let small = |rng: &mut Rng, order| Setup {
            order,
            maxsize: rng.below(0..4) as usize,
            put: 0,
            got: 0,
            done: 0,
        };
        match kind {
            Kind::FifoSmall => Setup {
                maxsize: rng.below(1..4) as usize,
                ..small(rng, Order::Fifo)
            },
            Kind::FifoUnbounded => Setup {
                maxsize: 0,
                ..small(rng, Order::Fifo)
            },
            Kind::Lifo => small(rng, Order::Lifo),
            Kind::Priority => small(rng, Order::Priority),
            Kind::FifoOverflow => {
                let (maxsize, put, got) = match rng.below(0..3) {
                    // Unbounded, a backlog about to cross a block boundary
                    // (every 31 items: at 1023).
                    0 => (0, rng.below(1020..1025) as u32, 0),
                    // A long backlog, all but the last few got: the run's gets
                    // and puts meet in the last blocks.
                    1 => {
                        let put = rng.below(1025..1030) as u32;
                        (0, put, put - rng.below(0..5) as u32)
                    }
                    // A bound above the ring's capacity, nearly reached.
                    _ => {
                        let maxsize = rng.below(1025..1030) as usize;
                        (maxsize, maxsize as u32 - rng.below(0..4) as u32, 0)
                    }
                };
                // A few unfinished tasks, so that task_done can fail and join succeed.
                let done = put as usize - rng.below(0..4) as usize;
                Setup {
                    order: Order::Fifo,
                    maxsize,
                    put,
                    got,
                    done,
                }
            }
        }
    }

    /// Makes the queue, puts and gets the backlog (checking each step), and
    /// returns it with the model of its state.
    fn build(&self) -> (Queue<u32>, Model) {
        let q = Queue::with_order(self.order, self.maxsize);
        for x in 0..self.put {
            q.put_nowait(x).expect("the backlog fits");
        }
        for x in 0..self.got {
            assert_eq!(q.get_nowait(), Ok(x), "the backlog comes out in order");
        }
        q.task_done_n(self.done).expect("no more tasks done than put");
        let model = Model::new(
            self.order,
            self.maxsize,
            self.got..self.put,
            self.put as usize - self.done,
        );
        (q, model)
    }
}

/// Random operations for one thread; its items are `first_item..`.
fn operations(rng: &mut Rng, setup: &Setup, first_item: u32, count: usize) -> Vec<Op> {
    // Around the ring's capacity: bounds and batches to match.
    let big = setup.put > 0 || setup.maxsize > crate::ring::RING_CAPACITY;
    let mut item = first_item;
    let mut fresh = || {
        item += 1;
        item
    };
    let mut ops = Vec::new();
    while ops.len() < count {
        let wait = if rng.chance(60) {
            Wait::NoWait
        } else {
            Wait::Ms(rng.below(1..4))
        };
        let op = match rng.below(0..100) {
            0..22 => {
                // put_priority on other orders too, now and then (NotPriority).
                let priority = (setup.order == Order::Priority && rng.chance(60) || rng.chance(3))
                    .then(|| rng.below(0..3) as i64 - 1);
                Op::Put {
                    item: fresh(),
                    priority,
                    wait,
                }
            }
            22..30 => Op::PutMany {
                items: (0..rng.below(0..5)).map(|_| fresh()).collect(),
                wait,
            },
            30..52 => Op::Get { wait },
            52..60 => {
                // Now and then a batch big enough to drain a backlog.
                let max = if big && rng.chance(30) {
                    2000
                } else {
                    rng.below(0..5) as usize
                };
                Op::GetMany { max, wait }
            }
            60..70 => Op::TaskDone {
                n: rng.chance(50).then(|| rng.below(0..4) as usize),
            },
            70..75 => Op::Join { wait },
            75..79 => {
                let maxsize = if big {
                    rng.pick(&[0, 1020, 1026, 1030, 2000])
                } else {
                    rng.below(0..5) as usize
                };
                Op::SetMaxsize(maxsize)
            }
            79..98 => Op::Query(rng.pick(&[
                Query::Qsize,
                Query::IsEmpty,
                Query::IsFull,
                Query::Unfinished,
                Query::Maxsize,
                Query::IsShutdown,
            ])),
            _ => Op::Shutdown {
                immediate: rng.chance(50),
            },
        };
        ops.push(op);
    }
    ops
}

/// Calls `op` on `q` and records what it returned.
fn call(q: &Queue<u32>, op: &Op) -> Ret {
    let put = |r: Result<(), tq::PutError<u32>>| Ret::Put(r.map_err(|e| (PutFail::from(&e), e.into_inner())));
    match *op {
        Op::Put {
            item,
            priority: None,
            wait: Wait::NoWait,
        } => put(q.put_nowait(item)),
        Op::Put {
            item,
            priority: None,
            wait,
        } => put(q.put(item, wait.timeout())),
        Op::Put {
            item,
            priority: Some(p),
            wait,
        } => put(q.put_priority(item, p, wait.timeout())),
        Op::PutMany { ref items, wait } => {
            Ret::PutMany(q.put_many(items.clone(), wait.timeout()).map_err(|e| PutFail::from(&e)))
        }
        Op::Get { wait: Wait::NoWait } => Ret::Get(q.get_nowait()),
        Op::Get { wait } => Ret::Get(q.get(wait.timeout())),
        Op::GetMany { max, wait } => {
            let mut out = Vec::new();
            Ret::GetMany(q.get_many(&mut out, max, wait.timeout()).map(|n| (n, out)))
        }
        Op::TaskDone { n: None } => Ret::TaskDone(q.task_done()),
        Op::TaskDone { n: Some(n) } => Ret::TaskDone(q.task_done_n(n)),
        Op::Join { wait } => Ret::Join(q.join(wait.timeout())),
        Op::SetMaxsize(n) => {
            q.set_maxsize(n);
            Ret::Unit
        }
        Op::Query(query) => match query {
            Query::Qsize => Ret::Count(q.qsize()),
            Query::IsEmpty => Ret::Flag(q.is_empty()),
            Query::IsFull => Ret::Flag(q.is_full()),
            Query::Unfinished => Ret::Count(q.unfinished()),
            Query::Maxsize => Ret::Count(q.maxsize()),
            Query::IsShutdown => Ret::Flag(q.is_shutdown()),
        },
        Op::Shutdown { immediate } => Ret::Shutdown(q.shutdown(immediate)),
    }
}

/// A recorded run: where it started and what happened.
pub struct Run {
    pub setup: Setup,
    pub init: Model,
    pub history: Vec<Event>,
}

/// Runs the history that `seed` names for a queue of `kind`.
pub fn run(kind: Kind, seed: u64) -> Run {
    let mut rng = Rng::new(seed);
    let setup = Setup::random(kind, &mut rng);
    let threads = rng.below(3..5) as usize;
    let plans: Vec<(Vec<Op>, Vec<u64>)> = (0..threads)
        .map(|t| {
            let count = rng.below(5..9) as usize;
            let ops = operations(&mut rng, &setup, 10_000 * (t as u32 + 1), count);
            // A short random pause before each call varies the interleavings.
            let pauses = ops
                .iter()
                .map(|_| if rng.chance(50) { 0 } else { rng.below(0..300) })
                .collect();
            (ops, pauses)
        })
        .collect();
    let (q, init) = setup.build();
    let clock = AtomicU64::new(0);
    let ready = AtomicUsize::new(0);
    let history = thread::scope(|s| {
        let workers: Vec<_> = plans
            .iter()
            .enumerate()
            .map(|(thread, (ops, pauses))| {
                let (q, clock, ready) = (&q, &clock, &ready);
                s.spawn(move || {
                    // Start together: each waits until every thread is here.
                    ready.fetch_add(1, SeqCst);
                    while ready.load(SeqCst) < threads {
                        thread::yield_now();
                    }
                    let mut events = Vec::new();
                    for (op, &pause) in ops.iter().zip(pauses) {
                        (0..pause).for_each(|_| std::hint::spin_loop());
                        let call = clock.fetch_add(1, SeqCst);
                        let ret = self::call(q, op);
                        let done = clock.fetch_add(1, SeqCst);
                        events.push(Event {
                            thread,
                            op: op.clone(),
                            ret,
                            call,
                            done,
                        });
                    }
                    events
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a worker panicked"))
            .collect()
    });
    Run { setup, init, history }
}
