//! Model checks of the queue's synchronisation with loom.
//!
//! Under `--cfg loom`, `src/sync.rs` maps the queue's mutex and condition
//! variables onto loom's, so these models explore the interleavings of the
//! real `Queue` code (up to `LOOM_MAX_PREEMPTIONS` preemptions per run).
//! Every model runs twice: on a FIFO queue's lock-free ring and on the locked
//! store (see `Backing`). Under loom the ring's operations are atomic (see
//! `src/ring.rs`), so these models check the protocol around it: parking,
//! wake-ups, shutdown, bound changes and task counts.
//! Each model asserts that no item is lost or duplicated, and relies on loom
//! for the rest: a lost wake-up leaves a thread blocked with nobody left to
//! wake it, which loom reports as a deadlock and fails the test.
//!
//! loom has no clock, so a timed wait is modelled as an untimed one (see
//! `Condvar::wait_until` in `src/sync.rs`): the models use `Timeout::Forever`
//! and `Timeout::NoWait`; real timeouts are covered by the ordinary tests and
//! the C stress test.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom LOOM_MAX_PREEMPTIONS=2 cargo test --release --test loom`

#![cfg(loom)]

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread::{self, JoinHandle};
use tq::{GetError, Order, PutError, Queue, Timeout};

#[path = "common/poll.rs"]
mod poll;
use poll::readable;

const FOREVER: Timeout = Timeout::Forever;

/// Runs `f` on another model thread with its own handle on `q`.
fn spawn<R: Send + 'static>(q: &Arc<Queue<u32>>, f: impl FnOnce(&Queue<u32>) -> R + Send + 'static) -> JoinHandle<R> {
    let q = Arc::clone(q);
    thread::spawn(move || f(&q))
}

/// Where a model's queue keeps its items.
#[derive(Clone, Copy, Debug)]
enum Backing {
    /// A FIFO queue's lock-free items: a ring when bounded, a segment list
    /// (blocks of 3 slots under loom) when unbounded.
    Ring,
    /// The locked store, here of a priority queue whose items all have the
    /// same priority: it hands them out in FIFO order too.
    Locked,
}

/// Runs `model` once per backing.
fn model_both(model: impl Fn(Backing) + Send + Sync + 'static) {
    let model = std::sync::Arc::new(model);
    for backing in [Backing::Ring, Backing::Locked] {
        let model = std::sync::Arc::clone(&model);
        loom::model(move || model(backing));
    }
}

/// A queue of `maxsize` already holding `items`.
fn queue_with(backing: Backing, maxsize: usize, items: &[u32]) -> Arc<Queue<u32>> {
    let q = match backing {
        Backing::Ring => Queue::new(maxsize),
        Backing::Locked => Queue::with_order(Order::Priority, maxsize),
    };
    for &n in items {
        q.put(n, Timeout::NoWait).unwrap();
    }
    Arc::new(q)
}

/// Gets until the queue reports it is shut down and drained.
fn drain(q: &Queue<u32>) -> Vec<u32> {
    std::iter::from_fn(|| q.get(FOREVER).ok()).collect()
}

fn sorted(mut v: Vec<u32>) -> Vec<u32> {
    v.sort_unstable();
    v
}

#[test]
fn handoff_through_capacity_one_keeps_every_item_in_order() {
    model_both(|backing| {
        let q = queue_with(backing, 1, &[]);
        let producer = spawn(&q, |q| {
            for n in 1..=2 {
                q.put(n, FOREVER).unwrap();
            }
        });
        let got = [q.get(FOREVER).unwrap(), q.get(FOREVER).unwrap()];
        producer.join().unwrap();
        assert_eq!(got, [1, 2]);
        assert_eq!(q.unfinished(), 2);
        assert!(q.is_empty());
    });
}

/// An unbounded queue's segment list holding two items (a 3-slot block
/// under loom): the producer's puts fill the block and link the next one
/// while the consumer's gets, blocking when they overtake, empty the first
/// block (recycling it) and move into the next.
#[test]
fn puts_and_gets_across_a_segment_block_boundary_keep_fifo_order() {
    loom::model(|| {
        let q = queue_with(Backing::Ring, 0, &[1, 2]);
        let producer = spawn(&q, |q| {
            for n in 3..=4 {
                q.put(n, FOREVER).unwrap();
            }
        });
        let got: Vec<u32> = (0..4).map(|_| q.get(FOREVER).unwrap()).collect();
        producer.join().unwrap();
        assert_eq!(got, [1, 2, 3, 4]);
        assert!(q.is_empty());
        assert_eq!(q.unfinished(), 4);
    });
}

#[test]
fn each_put_wakes_a_blocked_getter() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[]);
        let getters = [spawn(&q, |q| q.get(FOREVER)), spawn(&q, |q| q.get(FOREVER))];
        q.put(1, FOREVER).unwrap();
        q.put(2, FOREVER).unwrap();
        let got = getters.map(|g| g.join().unwrap().unwrap());
        assert_eq!(sorted(got.to_vec()), [1, 2]);
    });
}

#[test]
fn each_get_wakes_a_blocked_putter() {
    model_both(|backing| {
        let q = queue_with(backing, 1, &[1]);
        let putters = [spawn(&q, |q| q.put(2, FOREVER)), spawn(&q, |q| q.put(3, FOREVER))];
        let got: Vec<u32> = (0..3).map(|_| q.get(FOREVER).unwrap()).collect();
        for p in putters {
            p.join().unwrap().unwrap();
        }
        assert_eq!(got[0], 1);
        assert_eq!(sorted(got), [1, 2, 3]);
    });
}

/// A put on a full ring that a get ends (by making room, or by moving the
/// item in while the putter yields: see `src/queue/pending.rs`) returns
/// only once its item is queued and counted, never while it is pending.
#[test]
fn a_blocked_put_returns_only_once_its_item_is_queued() {
    model_both(|backing| {
        let q = queue_with(backing, 1, &[1]);
        let putter = spawn(&q, |q| {
            q.put(2, FOREVER).unwrap();
            q.unfinished()
        });
        assert_eq!(q.get(FOREVER), Ok(1));
        assert_eq!(putter.join().unwrap(), 2, "both items counted when the put returns");
        assert_eq!(drain_nowait(&q), [2]);
    });
}

/// A get on an empty, bounded ring that a lock-free put ends (by handing
/// its item over to the getter's want, or by the getter's own try: see
/// `src/queue/wanting.rs`) gets the item exactly once, and frees its slot
/// for the next put.
#[test]
fn a_blocked_get_gets_a_put_item_exactly_once() {
    model_both(|backing| {
        let q = queue_with(backing, 1, &[]);
        let getter = spawn(&q, |q| q.get(FOREVER));
        q.put(1, FOREVER).unwrap();
        q.put(2, FOREVER).unwrap();
        assert_eq!(getter.join().unwrap(), Ok(1));
        assert_eq!((q.unfinished(), drain_nowait(&q)), (2, vec![2]));
    });
}

#[test]
fn put_many_wakes_every_getter_it_feeds() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[]);
        let getters = [spawn(&q, |q| q.get(FOREVER)), spawn(&q, |q| q.get(FOREVER))];
        assert_eq!(q.put_many([1, 2], FOREVER).unwrap(), 2);
        let got = getters.map(|g| g.join().unwrap().unwrap());
        assert_eq!(sorted(got.to_vec()), [1, 2]);
    });
}

#[test]
fn get_many_wakes_every_putter_it_makes_room_for() {
    model_both(|backing| {
        let q = queue_with(backing, 2, &[1, 2]);
        let putters = [spawn(&q, |q| q.put(3, FOREVER)), spawn(&q, |q| q.put(4, FOREVER))];
        let mut got = Vec::new();
        assert_eq!(q.get_many(&mut got, 2, FOREVER), Ok(2));
        for p in putters {
            p.join().unwrap().unwrap();
        }
        got.extend(drain_nowait(&q));
        assert_eq!(got[..2], [1, 2]);
        assert_eq!(sorted(got), [1, 2, 3, 4]);
    });
}

#[test]
fn growing_maxsize_wakes_every_putter_that_now_fits() {
    model_both(|backing| {
        let q = queue_with(backing, 1, &[1]);
        let putters = [spawn(&q, |q| q.put(2, FOREVER)), spawn(&q, |q| q.put(3, FOREVER))];
        q.set_maxsize(3);
        for p in putters {
            p.join().unwrap().unwrap();
        }
        q.shutdown(false);
        assert_eq!(drain(&q)[0], 1);
        assert_eq!(q.unfinished(), 3);
    });
}

#[test]
fn nowait_calls_never_block_and_never_lose_items() {
    model_both(|backing| {
        let q = queue_with(backing, 1, &[]);
        let producer = spawn(&q, |q| {
            (1..=2)
                .filter(|&n| match q.put_nowait(n) {
                    Ok(()) => true,
                    Err(PutError::Full(m)) => {
                        assert_eq!(m, n, "a rejected put hands its own item back");
                        false
                    }
                    Err(e) => panic!("unexpected {e:?}"),
                })
                .collect::<Vec<_>>()
        });
        let mut got: Vec<u32> = (0..2).filter_map(|_| q.get_nowait().ok()).collect();
        let put = producer.join().unwrap();
        got.extend(drain_nowait(&q));
        assert_eq!(got, put, "every item put is got exactly once, in order");
    });
}

/// Gets without blocking until the queue is empty.
fn drain_nowait(q: &Queue<u32>) -> Vec<u32> {
    std::iter::from_fn(|| match q.get_nowait() {
        Ok(n) => Some(n),
        Err(GetError::Empty) => None,
        Err(e) => panic!("unexpected {e:?}"),
    })
    .collect()
}

#[test]
fn join_returns_to_every_joiner_only_after_every_task_is_done() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[1, 2]);
        let processed = Arc::new(AtomicUsize::new(0));
        let consumer = {
            let processed = Arc::clone(&processed);
            spawn(&q, move |q| {
                for _ in 0..2 {
                    q.get(FOREVER).unwrap();
                    processed.fetch_add(1, Ordering::Relaxed);
                    q.task_done().unwrap();
                }
            })
        };
        let joiner = {
            let processed = Arc::clone(&processed);
            spawn(&q, move |q| {
                q.join(FOREVER).unwrap();
                processed.load(Ordering::Relaxed)
            })
        };
        q.join(FOREVER).unwrap();
        assert_eq!(processed.load(Ordering::Relaxed), 2);
        assert_eq!(joiner.join().unwrap(), 2);
        consumer.join().unwrap();
        assert_eq!(q.task_done(), Err(tq::TooManyDone));
    });
}

#[test]
fn task_done_all_releases_every_joiner() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[1, 2]);
        let joiners = [spawn(&q, |q| q.join(FOREVER)), spawn(&q, |q| q.join(FOREVER))];
        let taken = q.get(FOREVER).unwrap();
        assert_eq!(taken, 1);
        assert_eq!(q.task_done_all(), 2);
        for joiner in joiners {
            assert_eq!(joiner.join().unwrap(), Ok(()));
        }
        assert_eq!(q.unfinished(), 0);
    });
}

/// `task_done_all` counts each task once, racing a `task_done` and a put:
/// a version that read the count and then finished that many would fail
/// (or finish nothing) when the `task_done` slips in between.
#[test]
fn task_done_all_racing_task_done_and_a_put_counts_each_task_once() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[1, 2]);
        let worker = spawn(&q, |q| usize::from(q.task_done().is_ok()));
        let putter = spawn(&q, |q| q.put(3, Timeout::NoWait).unwrap());
        let all = q.task_done_all();
        let one = worker.join().unwrap();
        putter.join().unwrap();
        assert_eq!(all + one + q.unfinished(), 3);
        assert!(all + one >= 2, "the tasks put before task_done_all are done");
    });
}

#[test]
fn shutdown_wakes_every_blocked_getter() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[]);
        let getters = [spawn(&q, |q| q.get(FOREVER)), spawn(&q, |q| q.get(FOREVER))];
        q.shutdown(false);
        for g in getters {
            assert_eq!(g.join().unwrap(), Err(GetError::ShutDown));
        }
    });
}

#[test]
fn getters_racing_shutdown_drain_each_item_exactly_once() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[]);
        let getters = [spawn(&q, drain), spawn(&q, drain)];
        q.put(1, FOREVER).unwrap();
        q.shutdown(false);
        let got: Vec<u32> = getters.into_iter().flat_map(|g| g.join().unwrap()).collect();
        assert_eq!(got, [1]);
    });
}

#[test]
fn shutdown_wakes_every_blocked_putter_and_keeps_every_item() {
    model_both(|backing| {
        let q = queue_with(backing, 1, &[1]);
        let put = |n| move |q: &Queue<u32>| q.put(n, FOREVER).map(|()| n).map_err(|e| e.into_inner());
        let putters = [spawn(&q, put(2)), spawn(&q, put(3))];
        assert_eq!(q.get(FOREVER), Ok(1));
        q.shutdown(false);
        let queued = drain(&q);
        let (mut accepted, mut refused) = (Vec::new(), Vec::new());
        for p in putters {
            match p.join().unwrap() {
                Ok(n) => accepted.push(n),
                Err(n) => refused.push(n),
            }
        }
        assert!(accepted.len() <= 1, "room for one more item only");
        assert_eq!(sorted(queued), sorted(accepted.clone()), "accepted items stay queued");
        assert_eq!(
            sorted([accepted, refused].concat()),
            [2, 3],
            "refused items are handed back"
        );
    });
}

#[test]
fn joiners_return_after_a_graceful_shutdown_once_the_drained_items_are_done() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[1]);
        let joiner = spawn(&q, |q| q.join(FOREVER));
        let consumer = spawn(&q, |q| {
            let got = drain(q);
            q.task_done_n(got.len()).unwrap();
            got
        });
        q.shutdown(false);
        assert_eq!(joiner.join().unwrap(), Ok(()));
        assert_eq!(consumer.join().unwrap(), [1]);
    });
}

#[test]
fn immediate_shutdown_releases_joiners_and_discards_each_item_once() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[1, 2]);
        let joiner = spawn(&q, |q| q.join(FOREVER));
        let getter = spawn(&q, |q| {
            let got = q.get(FOREVER).ok();
            if got.is_some() {
                q.task_done().unwrap();
            }
            got
        });
        let discarded = q.shutdown(true);
        assert_eq!(joiner.join().unwrap(), Ok(()));
        let got = getter.join().unwrap();
        assert_eq!(sorted([discarded, got.into_iter().collect()].concat()), [1, 2]);
        assert_eq!(q.unfinished(), 0);
    });
}

#[test]
fn shutdown_racing_producer_and_consumer_loses_nothing() {
    model_both(|backing| {
        let q = queue_with(backing, 1, &[]);
        let producer = spawn(&q, |q| {
            (1..=2).take_while(|&n| q.put(n, FOREVER).is_ok()).count() as u32
        });
        let consumer = spawn(&q, |q| {
            let got = drain(q);
            q.task_done_n(got.len()).unwrap();
            got
        });
        let discarded = q.shutdown(true);
        let put = producer.join().unwrap();
        let got = consumer.join().unwrap();
        assert_eq!(sorted([got, discarded].concat()), (1..=put).collect::<Vec<_>>());
        assert_eq!(q.join(Timeout::NoWait), Ok(()));
    });
}

/// A ring of one slot under an unbounded queue: the second item overflows
/// into the store, and the get that empties the store opens the ring again
/// while a put races it.
#[test]
fn an_overflowing_ring_keeps_fifo_order_through_the_store_and_back() {
    loom::model(|| {
        let q = queue_with(Backing::Ring, 1, &[1]);
        q.set_maxsize(0);
        q.put(2, FOREVER).unwrap();
        let getter = spawn(&q, |q| {
            [
                q.get(FOREVER).unwrap(),
                q.get(FOREVER).unwrap(),
                q.get(FOREVER).unwrap(),
            ]
        });
        q.put(3, FOREVER).unwrap();
        assert_eq!(getter.join().unwrap(), [1, 2, 3]);
        assert!(q.is_empty());
        assert_eq!(q.unfinished(), 3);
    });
}

#[test]
fn growing_past_the_ring_moves_its_items_and_wakes_a_blocked_getter() {
    model_both(|backing| {
        let q = queue_with(backing, 1, &[1]);
        let getter = spawn(&q, |q| [q.get(FOREVER).unwrap(), q.get(FOREVER).unwrap()]);
        q.set_maxsize(0);
        q.put(2, FOREVER).unwrap();
        q.put(3, FOREVER).unwrap();
        assert_eq!(getter.join().unwrap(), [1, 2]);
        assert_eq!(drain_nowait(&q), [3]);
    });
}

#[test]
fn a_shrunk_ring_admits_a_blocked_putter_only_below_the_new_bound() {
    model_both(|backing| {
        let q = queue_with(backing, 2, &[1, 2]);
        q.set_maxsize(1);
        let putter = spawn(&q, |q| {
            q.put(3, FOREVER).unwrap();
        });
        assert_eq!(q.get(FOREVER), Ok(1));
        assert_eq!(q.get(FOREVER), Ok(2));
        putter.join().unwrap();
        assert_eq!(
            q.qsize(),
            1,
            "the putter got in only once the queue was under the bound"
        );
        assert_eq!(drain_nowait(&q), [3]);
    });
}

// ---- Waiting beside other work: get_any, async futures, descriptors ----

/// Two queues of the backing's kind, empty and unbounded.
fn two_queues(backing: Backing) -> Arc<[Queue<u32>; 2]> {
    let make = || match backing {
        Backing::Ring => Queue::new(0),
        Backing::Locked => Queue::with_order(Order::Priority, 0),
    };
    Arc::new([make(), make()])
}

fn get_any_of_both(queues: &Arc<[Queue<u32>; 2]>) -> JoinHandle<Result<(usize, u32), GetError>> {
    let queues = Arc::clone(queues);
    thread::spawn(move || tq::get_any(&[&queues[0], &queues[1]], FOREVER))
}

#[test]
fn get_any_wakes_on_a_put_to_either_queue() {
    model_both(|backing| {
        let queues = two_queues(backing);
        let waiter = get_any_of_both(&queues);
        queues[1].put(7, FOREVER).unwrap();
        assert_eq!(waiter.join().unwrap(), Ok((1, 7)));
    });
}

/// Two `get_any` waiters on two queues, and a put to each of `targets`.
/// Puts to two queues: a waiter woken by both takes one item and must hand
/// the other wake-up on. Two puts to one queue: a waiter whose last look
/// took the first item may have been woken by the second put, whose
/// wake-up it must hand on to the waiter the first put woke for nothing.
fn two_get_any_waiters_and_puts_to(targets: [usize; 2]) {
    model_both(move |backing| {
        let queues = two_queues(backing);
        let waiters = [get_any_of_both(&queues), get_any_of_both(&queues)];
        queues[targets[0]].put(1, FOREVER).unwrap();
        queues[targets[1]].put(2, FOREVER).unwrap();
        let got = waiters.map(|w| w.join().unwrap().unwrap().1);
        assert_eq!(sorted(got.to_vec()), [1, 2]);
    });
}

#[test]
fn two_get_any_waiters_and_two_puts_to_different_queues_both_return() {
    two_get_any_waiters_and_puts_to([0, 1]);
}

#[test]
fn two_get_any_waiters_and_two_puts_to_one_queue_both_return() {
    two_get_any_waiters_and_puts_to([0, 0]);
}

/// The same for async getters on one queue.
#[test]
fn two_async_getters_and_two_puts_both_return() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[]);
        let getters = [
            spawn(&q, |q| loom::future::block_on(q.get_async())),
            spawn(&q, |q| loom::future::block_on(q.get_async())),
        ];
        q.put(1, FOREVER).unwrap();
        q.put(2, FOREVER).unwrap();
        let got = getters.map(|g| g.join().unwrap().unwrap());
        assert_eq!(sorted(got.to_vec()), [1, 2]);
    });
}

#[test]
fn get_any_wakes_when_the_last_open_queue_shuts_down() {
    model_both(|backing| {
        let queues = two_queues(backing);
        let waiter = get_any_of_both(&queues);
        let other = {
            let queues = Arc::clone(&queues);
            thread::spawn(move || queues[0].shutdown(false))
        };
        queues[1].shutdown(false);
        other.join().unwrap();
        assert_eq!(waiter.join().unwrap(), Err(GetError::ShutDown));
    });
}

#[test]
fn an_async_getter_is_woken_by_a_put() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[]);
        let getter = spawn(&q, |q| loom::future::block_on(q.get_async()));
        q.put(1, FOREVER).unwrap();
        assert_eq!(getter.join().unwrap(), Ok(1));
    });
}

#[test]
fn an_async_putter_is_woken_by_a_get_or_a_shutdown() {
    model_both(|backing| {
        let q = queue_with(backing, 1, &[1]);
        let putter = spawn(&q, |q| loom::future::block_on(q.put_async(2)));
        assert_eq!(q.get(FOREVER), Ok(1));
        q.shutdown(false);
        match putter.join().unwrap() {
            Ok(()) => assert_eq!(q.get(FOREVER), Ok(2)),
            Err(e) => assert_eq!(e, PutError::ShutDown(2)),
        }
    });
}

#[test]
fn async_getters_racing_shutdown_end_with_the_item_or_shut_down() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[]);
        let getters = [
            spawn(&q, |q| loom::future::block_on(q.get_async())),
            spawn(&q, |q| loom::future::block_on(q.get_async())),
        ];
        q.put(1, FOREVER).unwrap();
        q.shutdown(false);
        let got = getters.map(|g| g.join().unwrap());
        assert_eq!(got.iter().filter(|r| **r == Ok(1)).count(), 1, "{got:?}");
        assert!(
            got.iter().all(|r| matches!(r, Ok(1) | Err(GetError::ShutDown))),
            "{got:?}"
        );
    });
}

#[test]
fn join_async_resolves_after_the_last_task_done() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[1]);
        let joiner = spawn(&q, |q| loom::future::block_on(q.join_async()));
        q.get(FOREVER).unwrap();
        q.task_done().unwrap();
        joiner.join().unwrap();
        assert_eq!(q.unfinished(), 0);
    });
}

/// However a put, a get and the descriptor's making interleave, the
/// descriptor ends readable exactly when an item is left.
#[test]
fn the_get_descriptor_ends_readable_exactly_when_an_item_is_left() {
    use std::os::fd::AsRawFd;
    model_both(|backing| {
        let q = queue_with(backing, 0, &[]);
        let putter = spawn(&q, |q| q.put(1, FOREVER).unwrap());
        let getter = spawn(&q, |q| q.get(Timeout::NoWait).is_ok());
        let fd = q.get_fd().unwrap().as_raw_fd();
        putter.join().unwrap();
        let got = getter.join().unwrap();
        assert_eq!(readable(fd), !got, "readable iff the item is still queued");
        assert_eq!(q.qsize(), usize::from(!got));
    });
}

/// Two putters and a getter on a queue that has its descriptor already.
#[test]
fn the_get_descriptor_follows_racing_puts_and_gets() {
    use std::os::fd::AsRawFd;
    model_both(|backing| {
        let q = queue_with(backing, 0, &[]);
        let fd = q.get_fd().unwrap().as_raw_fd();
        let putter = spawn(&q, |q| q.put(1, FOREVER).unwrap());
        let getter = spawn(&q, |q| q.get(Timeout::NoWait).is_ok());
        q.put(2, FOREVER).unwrap();
        putter.join().unwrap();
        let got = getter.join().unwrap();
        assert_eq!(readable(fd), true, "at least one item is left");
        assert_eq!(q.qsize(), 2 - usize::from(got));
    });
}

/// A full bounded queue: the put descriptor ends readable exactly when a
/// get made room that no racing put took.
#[test]
fn the_put_descriptor_follows_racing_puts_and_gets() {
    use std::os::fd::AsRawFd;
    model_both(|backing| {
        let q = queue_with(backing, 1, &[1]);
        let fd = q.put_fd().unwrap().as_raw_fd();
        let getter = spawn(&q, |q| q.get(Timeout::NoWait).is_ok());
        let put = q.put(2, Timeout::NoWait).is_ok();
        let got = getter.join().unwrap();
        assert_eq!(
            readable(fd),
            q.qsize() == 0,
            "readable iff there is room (got {got}, put {put})"
        );
    });
}

/// A get future polled once and dropped, a wake-up perhaps on its way to
/// it: the waiting future still gets an item.
#[test]
fn a_get_future_dropped_after_one_poll_hands_its_wake_up_on() {
    use std::future::Future;
    use std::task::{Context, Waker};
    model_both(|backing| {
        let q = queue_with(backing, 0, &[]);
        let dropper = spawn(&q, |q| {
            let mut f = Box::pin(q.get_async());
            let polled = f.as_mut().poll(&mut Context::from_waker(Waker::noop()));
            drop(f);
            match polled {
                std::task::Poll::Ready(r) => Some(r.unwrap()),
                std::task::Poll::Pending => None,
            }
        });
        let waiter = spawn(&q, |q| loom::future::block_on(q.get_async()).unwrap());
        q.put(1, FOREVER).unwrap();
        if dropper.join().unwrap().is_some() {
            q.put(2, FOREVER).unwrap();
        }
        waiter.join().unwrap();
    });
}

/// The same queue twice in one `get_any`, beside a blocking getter.
#[test]
fn get_any_on_one_queue_twice_and_a_blocking_getter() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[]);
        let any = spawn(&q, |q| tq::get_any(&[q, q], FOREVER).unwrap().1);
        let getter = spawn(&q, |q| q.get(FOREVER).unwrap());
        q.put(1, FOREVER).unwrap();
        q.put(2, FOREVER).unwrap();
        let got = [any.join().unwrap(), getter.join().unwrap()];
        assert_eq!(sorted(got.to_vec()), [1, 2]);
    });
}

/// `task_done_all` and an immediate shutdown wake an async joiner too.
#[test]
fn join_async_returns_after_task_done_all() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[1]);
        let joiner = spawn(&q, |q| loom::future::block_on(q.join_async()));
        assert_eq!(q.task_done_all(), 1);
        joiner.join().unwrap();
    });
}

#[test]
fn join_async_returns_after_an_immediate_shutdown() {
    model_both(|backing| {
        let q = queue_with(backing, 0, &[1]);
        let joiner = spawn(&q, |q| loom::future::block_on(q.join_async()));
        assert_eq!(q.shutdown(true), [1]);
        joiner.join().unwrap();
    });
}

/// An async putter and an async getter through one slot.
#[test]
fn async_putter_and_async_getter_through_one_slot() {
    model_both(|backing| {
        let q = queue_with(backing, 1, &[1]);
        let putter = spawn(&q, |q| loom::future::block_on(q.put_async(2)).unwrap());
        let getter = spawn(&q, |q| {
            loom::future::block_on(async { (q.get_async().await.unwrap(), q.get_async().await.unwrap()) })
        });
        putter.join().unwrap();
        assert_eq!(getter.join().unwrap(), (1, 2));
    });
}

/// Shrinking with the put descriptor made, racing a get.
#[test]
fn the_put_descriptor_follows_a_shrink_racing_a_get() {
    use std::os::fd::AsRawFd;
    model_both(|backing| {
        let q = queue_with(backing, 2, &[1]);
        let fd = q.put_fd().unwrap().as_raw_fd();
        let getter = spawn(&q, |q| q.get(Timeout::NoWait).is_ok());
        q.set_maxsize(1);
        getter.join().unwrap();
        assert_eq!(readable(fd), q.qsize() < 1, "readable iff there is room");
    });
}
