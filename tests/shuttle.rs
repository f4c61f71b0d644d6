//! Randomized schedules of the real queue, lock-free ring included, with shuttle.
//!
//! Under `--cfg shuttle`, `src/sync.rs` maps the queue's atomics, mutex and
//! condition variables onto shuttle's, and its spin loops yield to shuttle's
//! scheduler. Unlike under loom (where each ring operation runs alone), the
//! ring's own claims, stamps and back-offs interleave here, one atomic
//! access at a time. Each test runs its body under shuttle's random
//! scheduler and under its PCT scheduler (see [`check`]).
//!
//! Every test asserts that each item put is got exactly once (and in each
//! producer's order where FIFO promises it) and that the task counts add up;
//! a lost wake-up leaves threads blocked with nobody to wake them, which
//! shuttle reports as a deadlock, failing the test. A failure prints the
//! schedule; `shuttle::replay(body, "schedule")` runs it again.
//!
//! Shuttle runs every atomic access as sequentially consistent, so it cannot
//! see a too-weak memory ordering (Miri, TSan and loom's models cover those);
//! it has no clock either, so the tests use `Timeout::Forever` and
//! `Timeout::NoWait` only.
//!
//! `TQ_SHUTTLE_ITERATIONS` (default 1000) sets how many schedules each
//! scheduler runs per test. Run with:
//! `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test --release --test shuttle`

#![cfg(shuttle)]

use shuttle::sync::Arc;
use shuttle::sync::atomic::{AtomicUsize, Ordering};
use shuttle::thread::{self, JoinHandle};
use tq::{GetError, PutError, Queue, Timeout};

#[path = "common/poll.rs"]
mod poll;
use poll::readable;

#[path = "common/ring.rs"]
mod ring;
use ring::RING_CAPACITY;

const FOREVER: Timeout = Timeout::Forever;

/// The PCT scheduler's bug depth: schedules with up to two forced preemptions.
const PCT_DEPTH: usize = 3;

/// Item `p * PER + i` is producer `p`'s `i`th (producer 0: what a test
/// queues before its threads start).
const PER: u32 = 100_000;

/// Schedules per scheduler per test (`TQ_SHUTTLE_ITERATIONS`, default 1000).
fn iterations() -> usize {
    std::env::var("TQ_SHUTTLE_ITERATIONS").map_or(1000, |v| v.parse().expect("TQ_SHUTTLE_ITERATIONS is a number"))
}

/// Runs `body` under the random scheduler, then under PCT, `iterations()` each.
fn check(body: impl Fn() + Send + Sync + Clone + 'static) {
    shuttle::check_random(body.clone(), iterations());
    shuttle::check_pct(body, iterations(), PCT_DEPTH);
}

/// Runs `f` on another shuttle thread with its own handle on `q`.
fn spawn<R: Send + 'static>(q: &Arc<Queue<u32>>, f: impl FnOnce(&Queue<u32>) -> R + Send + 'static) -> JoinHandle<R> {
    let q = Arc::clone(q);
    thread::spawn(move || f(&q))
}

/// A FIFO queue of `maxsize` already holding `items`.
fn queue_with(maxsize: usize, items: &[u32]) -> Arc<Queue<u32>> {
    let q = Queue::new(maxsize);
    for &n in items {
        q.put_nowait(n).unwrap();
    }
    Arc::new(q)
}

/// Producer `p`'s `n` items, in the order it puts them.
fn items_of(p: u32, n: u32) -> Vec<u32> {
    (0..n).map(|i| p * PER + i).collect()
}

/// Gets until the queue reports it is shut down and drained.
fn drain(q: &Queue<u32>) -> Vec<u32> {
    std::iter::from_fn(|| q.get(FOREVER).ok()).collect()
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

fn sorted(mut v: Vec<u32>) -> Vec<u32> {
    v.sort_unstable();
    v
}

/// Asserts that the consumers got exactly the items put, each once, and
/// that each consumer got each producer's items in the order they were put.
fn assert_fifo_exactly_once(put: &[u32], got: &[Vec<u32>]) {
    assert_eq!(
        sorted(got.concat()),
        sorted(put.to_vec()),
        "every item put is got exactly once: got {got:?}"
    );
    for seq in got {
        for pair in seq.windows(2) {
            let [a, b] = [pair[0], pair[1]];
            assert!(a / PER != b / PER || a < b, "a producer's items out of order: {seq:?}");
        }
    }
}

/// Two producers put two items each and two consumers get two each, over a
/// queue of `maxsize`, each item with `put` and `get`; every item comes out
/// once, in each producer's order.
fn handoff(maxsize: usize, put: fn(&Queue<u32>, u32), get: fn(&Queue<u32>) -> u32) {
    check(move || {
        let q = queue_with(maxsize, &[]);
        let producers = [1, 2].map(|p| {
            spawn(&q, move |q| {
                for n in items_of(p, 2) {
                    put(q, n);
                }
            })
        });
        let consumers = [0, 1].map(|_| spawn(&q, move |q| vec![get(q), get(q)]));
        for p in producers {
            p.join().unwrap();
        }
        let got = consumers.map(|c| c.join().unwrap());
        assert_fifo_exactly_once(&[items_of(1, 2), items_of(2, 2)].concat(), &got);
        assert!(q.is_empty());
        assert_eq!(q.unfinished(), 4);
    });
}

/// [`handoff`], blocking as it must.
fn blocking_handoff(maxsize: usize) {
    handoff(maxsize, |q, n| q.put(n, FOREVER).unwrap(), |q| q.get(FOREVER).unwrap());
}

#[test]
fn blocking_handoff_through_one_slot_keeps_every_item() {
    blocking_handoff(1);
}

#[test]
fn blocking_handoff_through_two_slots_keeps_every_item() {
    blocking_handoff(2);
}

/// [`handoff`] with `put_nowait` / `get_nowait` retried (after a yield)
/// until they succeed: the lock-free paths alone.
fn nowait_handoff(maxsize: usize) {
    let put = |q: &Queue<u32>, n| {
        let mut item = n;
        while let Err(e) = q.put_nowait(item) {
            assert!(
                matches!(e, PutError::Full(m) if m == n),
                "a full queue hands the item back"
            );
            item = e.into_inner();
            thread::yield_now();
        }
    };
    let get = |q: &Queue<u32>| loop {
        match q.get_nowait() {
            Ok(n) => break n,
            Err(e) => assert_eq!(e, GetError::Empty),
        }
        thread::yield_now();
    };
    handoff(maxsize, put, get);
}

#[test]
fn nowait_handoff_through_one_slot_keeps_every_item() {
    nowait_handoff(1);
}

#[test]
fn nowait_handoff_through_two_slots_keeps_every_item() {
    nowait_handoff(2);
}

/// A 4-slot ring whose bound is raised fills (closing it) and overflows two
/// items into the store; all but the ring's last item are got before the
/// race. Then two producers put (into the store, or into the ring once the
/// get that empties the store opens it again) while two consumers get: the
/// queue stays FIFO through the store and back into the ring.
#[test]
fn overflow_into_the_store_and_back_keeps_fifo_order() {
    check(|| {
        let before: Vec<u32> = (0..6).collect();
        let q = queue_with(4, &before[..4]);
        q.set_maxsize(0);
        for &n in &before[4..] {
            q.put_nowait(n).unwrap();
        }
        let first: Vec<u32> = (0..3).map(|_| q.get_nowait().unwrap()).collect();
        assert_eq!(first, before[..3]);
        let producers = [1, 2].map(|p| {
            spawn(&q, move |q| {
                for n in items_of(p, 2) {
                    q.put(n, FOREVER).unwrap();
                }
            })
        });
        let consumers = [0, 1].map(|_| spawn(&q, |q| (0..3).map(|_| q.get(FOREVER).unwrap()).collect::<Vec<_>>()));
        for p in producers {
            p.join().unwrap();
        }
        let mut got = consumers.map(|c| c.join().unwrap()).to_vec();
        got.push(drain_nowait(&q));
        assert_fifo_exactly_once(&[&before[3..], &items_of(1, 2), &items_of(2, 2)].concat(), &got);
        assert_eq!(q.unfinished(), before.len() + 4);
        // The queue still works after the round trip.
        q.put_nowait(7).unwrap();
        assert_eq!(q.get_nowait(), Ok(7));
    });
}

/// How many items fill a block of an unbounded queue's segment list but
/// its last two slots (`BLOCK_SLOTS` in `src/list.rs`, less two), so that
/// the racing puts after them link the next block.
const BLOCK_BUT_TWO: u32 = 29;

/// An unbounded queue (a segment list) two slots short of a full block:
/// two producers put three items each (one of them links the next block)
/// while two consumers get three each (one of them moves the head into it).
#[test]
fn racing_puts_and_gets_across_a_block_boundary_keep_fifo_order() {
    check(|| {
        let before: Vec<u32> = (0..BLOCK_BUT_TWO).collect();
        let q = queue_with(0, &before);
        let first: Vec<u32> = (0..BLOCK_BUT_TWO - 2).map(|_| q.get_nowait().unwrap()).collect();
        assert_eq!(first, before[..first.len()]);
        let producers = [1, 2].map(|p| {
            spawn(&q, move |q| {
                for n in items_of(p, 3) {
                    q.put(n, FOREVER).unwrap();
                }
            })
        });
        let consumers = [0, 1].map(|_| spawn(&q, |q| (0..3).map(|_| q.get(FOREVER).unwrap()).collect::<Vec<_>>()));
        for p in producers {
            p.join().unwrap();
        }
        let mut got = consumers.map(|c| c.join().unwrap()).to_vec();
        got.push(drain_nowait(&q));
        assert_fifo_exactly_once(
            &[&before[first.len()..], &items_of(1, 3), &items_of(2, 3)].concat(),
            &got,
        );
        assert_eq!(q.unfinished(), before.len() + 6);
        assert_eq!(q.qsize(), 0);
    });
}

/// A segment list bounded at a block's worth: a producer blocks at the
/// bound while a consumer and a batch getter make room across the block
/// boundary; the bound holds throughout.
#[test]
fn a_bounded_segment_list_holds_its_bound_across_a_block_boundary() {
    check(|| {
        let before: Vec<u32> = (0..BLOCK_BUT_TWO).collect();
        let q = queue_with(RING_CAPACITY + 1, &before);
        q.set_maxsize(BLOCK_BUT_TWO as usize);
        let producer = spawn(&q, |q| {
            for n in items_of(1, 4) {
                q.put(n, FOREVER).unwrap();
                assert!(q.qsize() <= BLOCK_BUT_TWO as usize, "the bound holds");
            }
        });
        let getter = spawn(&q, |q| (0..2).map(|_| q.get(FOREVER).unwrap()).collect::<Vec<_>>());
        let batch = spawn(&q, |q| {
            let mut got = Vec::new();
            q.get_many(&mut got, 2, FOREVER).unwrap();
            got
        });
        producer.join().unwrap();
        let mut got = vec![getter.join().unwrap(), batch.join().unwrap()];
        got.push(drain_nowait(&q));
        assert_fifo_exactly_once(&[&before[..], &items_of(1, 4)].concat(), &got);
    });
}

/// An immediate shutdown takes a segment list's items at once while two
/// consumers get across a block boundary: every item is got or discarded
/// exactly once, and no get takes one from after the discarded ones.
#[test]
fn an_immediate_shutdown_racing_gets_on_a_segment_list_takes_nothing_twice() {
    check(|| {
        let before: Vec<u32> = (0..BLOCK_BUT_TWO + 4).collect();
        let q = queue_with(0, &before);
        for _ in 0..BLOCK_BUT_TWO - 3 {
            q.get_nowait().unwrap();
        }
        let consumers = [0, 1].map(|_| spawn(&q, drain));
        let discarded = q.shutdown(true);
        let discarded_len = discarded.len();
        let got: Vec<Vec<u32>> = consumers.map(|c| c.join().unwrap()).to_vec();
        let first_discarded = discarded.first().copied().unwrap_or(u32::MAX);
        assert!(
            got.concat().iter().all(|&n| n < first_discarded),
            "a get took an item after a discarded one"
        );
        assert_fifo_exactly_once(&before[BLOCK_BUT_TWO as usize - 3..], &[got, vec![discarded]].concat());
        assert_eq!(
            q.unfinished(),
            before.len() - discarded_len,
            "discarded items are finished tasks"
        );
    });
}

/// A full queue with a blocked putter, two draining getters and a joiner:
/// a graceful shutdown wakes them all; the getters drain what was accepted,
/// the putter's item either went in or is handed back, and once the getters
/// have marked their items done, the join returns.
#[test]
fn graceful_shutdown_wakes_every_blocked_thread_and_drains_each_item_once() {
    check(|| {
        let q = queue_with(1, &[1]);
        let putter = spawn(&q, |q| q.put(2, FOREVER).map_err(|e| e.into_inner()));
        let getter = |q: &Queue<u32>| {
            let got = drain(q);
            q.task_done_n(got.len()).unwrap();
            got
        };
        let getters = [spawn(&q, getter), spawn(&q, getter)];
        let joiner = spawn(&q, join_returns);
        q.shutdown(false);
        let put = match putter.join().unwrap() {
            Ok(()) => vec![1, 2],
            Err(n) => {
                assert_eq!(n, 2, "the refused item is handed back");
                vec![1]
            }
        };
        let got = getters.map(|g| g.join().unwrap());
        assert_fifo_exactly_once(&put, &got);
        joiner.join().unwrap();
        assert_eq!(q.join(Timeout::NoWait), Ok(()));
        assert_eq!(q.put_nowait(3), Err(PutError::ShutDown(3)));
    });
}

/// A queue of three holding two items, one putter that finds room (its
/// put racing the shutdown on the lock-free path), one that may have to
/// wait, two getters and a joiner: an immediate shutdown wakes them all and
/// discards what is queued, counting it done, so the join returns once the
/// getters mark theirs done.
#[test]
fn immediate_shutdown_releases_every_blocked_thread_and_discards_each_item_once() {
    check(|| {
        let q = queue_with(3, &[1, 2]);
        let put = |n| move |q: &Queue<u32>| q.put(n, FOREVER).map(|()| n).map_err(|e| e.into_inner());
        let putters = [spawn(&q, put(PER)), spawn(&q, put(2 * PER))];
        let getter = |q: &Queue<u32>| {
            let got = q.get(FOREVER).ok();
            if got.is_some() {
                q.task_done().unwrap();
            }
            got
        };
        let getters = [spawn(&q, getter), spawn(&q, getter)];
        let joiner = spawn(&q, join_returns);
        let discarded = q.shutdown(true);
        let mut accepted = vec![1, 2];
        for (p, n) in putters.into_iter().zip([PER, 2 * PER]) {
            match p.join().unwrap() {
                Ok(m) => accepted.push(m),
                Err(m) => assert_eq!(m, n, "the refused item is handed back"),
            }
        }
        let mut got: Vec<Vec<u32>> = getters.map(|g| g.join().unwrap().into_iter().collect()).to_vec();
        got.push(discarded);
        assert_fifo_exactly_once(&accepted, &got);
        assert_eq!(
            q.get_nowait(),
            Err(GetError::ShutDown),
            "nothing slipped in after the shutdown"
        );
        joiner.join().unwrap();
        assert_eq!(q.join(Timeout::NoWait), Ok(()));
    });
}

/// A `join(Forever)`: it must return (a lost wake-up is a deadlock), and
/// with `Ok`.
fn join_returns(q: &Queue<u32>) {
    assert_eq!(q.join(FOREVER), Ok(()), "join(Forever) timed out");
}

/// A producer puts while a consumer gets and marks each item done and two
/// threads join: a join returns only once every item put before it started
/// is done, and the task count ends at zero.
#[test]
fn join_waits_for_every_task_put_before_it_while_puts_and_gets_race() {
    check(|| {
        let q = queue_with(1, &[]);
        let put = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicUsize::new(0));
        let producer = {
            let put = Arc::clone(&put);
            spawn(&q, move |q| {
                for n in items_of(1, 3) {
                    q.put(n, FOREVER).unwrap();
                    put.fetch_add(1, Ordering::SeqCst);
                }
            })
        };
        let consumer = {
            let done = Arc::clone(&done);
            spawn(&q, move |q| {
                (0..3)
                    .map(|_| {
                        let n = q.get(FOREVER).unwrap();
                        done.fetch_add(1, Ordering::SeqCst);
                        q.task_done().unwrap();
                        n
                    })
                    .collect::<Vec<_>>()
            })
        };
        let joiners = [0, 1].map(|_| {
            let (put, done) = (Arc::clone(&put), Arc::clone(&done));
            spawn(&q, move |q| {
                let put_before = put.load(Ordering::SeqCst);
                join_returns(q);
                let done_after = done.load(Ordering::SeqCst);
                assert!(
                    done_after >= put_before,
                    "join returned with tasks left: {put_before} put, {done_after} done"
                );
            })
        });
        producer.join().unwrap();
        let got = consumer.join().unwrap();
        for j in joiners {
            j.join().unwrap();
        }
        assert_fifo_exactly_once(&items_of(1, 3), &[got]);
        assert_eq!(q.join(Timeout::NoWait), Ok(()));
        assert_eq!(q.task_done(), Err(tq::TooManyDone));
    });
}

/// A put (with its get and `task_done`) racing a `join(Forever)`: the join
/// returns `Ok`, whether it saw the count at zero before the put or after
/// the `task_done`. (A join that saw zero used to report `JoinTimeout` when
/// a put followed at once.)
#[test]
fn join_forever_never_times_out_while_a_put_races_it() {
    check(|| {
        let q = queue_with(0, &[]);
        let worker = spawn(&q, |q| {
            q.put(1, FOREVER).unwrap();
            let n = q.get(FOREVER).unwrap();
            q.task_done().unwrap();
            n
        });
        assert_eq!(q.join(FOREVER), Ok(()), "join(Forever) timed out");
        assert_eq!(worker.join().unwrap(), 1);
    });
}

/// Two putters blocked on a full queue of one: growing the bound to three
/// wakes both, and both items go in behind the first.
#[test]
fn growing_maxsize_wakes_every_blocked_putter_that_now_fits() {
    check(|| {
        let q = queue_with(1, &[1]);
        let putters = [2, 3].map(|n| spawn(&q, move |q| q.put(n, FOREVER).unwrap()));
        q.set_maxsize(3);
        for p in putters {
            p.join().unwrap();
        }
        let got = drain_nowait(&q);
        assert_eq!(got[0], 1);
        assert_eq!(sorted(got), [1, 2, 3]);
    });
}

/// A queue of two, full, shrunk to one while a putter waits and a getter
/// takes both items: the putter gets in (once there is room under one
/// bound or the other), and the queue ends at its new bound.
#[test]
fn a_shrunk_queue_admits_a_blocked_putter_and_holds_to_the_new_bound() {
    check(|| {
        let q = queue_with(2, &[1, 2]);
        let putter = spawn(&q, |q| q.put(3, FOREVER).unwrap());
        let shrinker = spawn(&q, |q| q.set_maxsize(1));
        let getter = spawn(&q, |q| [q.get(FOREVER).unwrap(), q.get(FOREVER).unwrap()]);
        shrinker.join().unwrap();
        assert_eq!(getter.join().unwrap(), [1, 2]);
        putter.join().unwrap();
        assert_eq!(q.qsize(), 1);
        assert_eq!(
            q.put_nowait(4),
            Err(PutError::Full(4)),
            "a put past the shrunk bound got in"
        );
        assert_eq!(drain_nowait(&q), [3]);
    });
}

/// A queue of three holding one item: thread A shrinks it to one and then
/// looks at its size; thread B puts without waiting. If A's look did not see
/// B's item, B's put comes after the shrink and must have found the queue
/// full.
#[test]
fn a_put_racing_a_shrink_either_precedes_it_or_finds_the_queue_full() {
    check(|| {
        let q = queue_with(3, &[1]);
        let shrinker = spawn(&q, |q| {
            q.set_maxsize(1);
            q.qsize()
        });
        let putter = spawn(&q, |q| q.put_nowait(7));
        let n = shrinker.join().unwrap();
        let r = putter.join().unwrap();
        assert!(
            !(n == 1 && r.is_ok()),
            "the put missed the shrink (qsize after it was {n}) yet went in"
        );
    });
}

/// `put_many` racing a single `put`, and `get_many` racing a single `get`,
/// on a queue of two (so `put_many` waits and goes in part by part): every
/// item arrives once, each producer's in order.
#[test]
fn batches_racing_single_puts_and_gets_keep_every_item_in_order() {
    check(|| {
        let q = queue_with(2, &[]);
        let batch_producer = spawn(&q, |q| {
            let mut items = items_of(1, 3).into_iter();
            while items.len() > 0 {
                let before = items.len();
                let n = q.put_many(&mut items, FOREVER).unwrap();
                assert_eq!(before - items.len(), n, "put_many takes exactly the items it puts");
            }
        });
        let producer = spawn(&q, |q| {
            for n in items_of(2, 2) {
                q.put(n, FOREVER).unwrap();
            }
        });
        let batch_consumer = spawn(&q, |q| {
            let mut got = Vec::new();
            loop {
                let before = got.len();
                match q.get_many(&mut got, 2, FOREVER) {
                    Ok(n) => assert!((1..=2).contains(&n) && got.len() == before + n),
                    Err(e) => {
                        assert_eq!(e, GetError::ShutDown);
                        return got;
                    }
                }
            }
        });
        let consumer = spawn(&q, drain);
        batch_producer.join().unwrap();
        producer.join().unwrap();
        q.shutdown(false);
        let got = [batch_consumer.join().unwrap(), consumer.join().unwrap()];
        assert_fifo_exactly_once(&[items_of(1, 3), items_of(2, 2)].concat(), &got);
        assert_eq!(q.unfinished(), 5);
    });
}

/// Lock-free puts and gets racing on a ring of two slots with both
/// descriptors made: each ends readable exactly when a get (a put) would
/// not block, and no item is lost.
#[test]
fn descriptors_follow_racing_lock_free_puts_and_gets() {
    use std::os::fd::AsRawFd;
    check(|| {
        let q = queue_with(2, &[]);
        let (get_fd, put_fd) = (q.get_fd().unwrap().as_raw_fd(), q.put_fd().unwrap().as_raw_fd());
        let putters: Vec<_> = (1..=2)
            .map(|p| {
                spawn(&q, move |q| {
                    items_of(p, 2)
                        .into_iter()
                        .filter(|&n| q.put_nowait(n).is_ok())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let getter = spawn(&q, |q| (0..3).filter_map(|_| q.get_nowait().ok()).collect::<Vec<_>>());
        let put: Vec<u32> = putters.into_iter().flat_map(|p| p.join().unwrap()).collect();
        let mut got = getter.join().unwrap();
        let left = q.qsize();
        assert_eq!(readable(get_fd), left > 0, "get descriptor, {left} left");
        assert_eq!(readable(put_fd), left < 2, "put descriptor, {left} left");
        got.extend(drain_nowait(&q));
        assert_eq!(sorted(got), sorted(put), "every item put is got once");
    });
}

/// Two `get_any` consumers on two rings, fed by a producer each: every
/// item is got exactly once, each queue's in its producer's order.
#[test]
fn get_any_consumers_on_two_rings_get_every_item_once() {
    check(|| {
        let queues = Arc::new([Queue::new(1), Queue::new(1)]);
        let producers: Vec<_> = (0..2)
            .map(|i| {
                let queues = Arc::clone(&queues);
                thread::spawn(move || {
                    for n in items_of(i as u32 + 1, 2) {
                        queues[i].put(n, FOREVER).unwrap();
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..2)
            .map(|_| {
                let queues = Arc::clone(&queues);
                thread::spawn(move || {
                    (0..2)
                        .map(|_| tq::get_any(&[&queues[0], &queues[1]], FOREVER).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        producers.into_iter().for_each(|p| p.join().unwrap());
        let got: Vec<Vec<(usize, u32)>> = consumers.into_iter().map(|c| c.join().unwrap()).collect();
        for (i, n) in got.iter().flatten() {
            assert_eq!(*n / PER, *i as u32 + 1, "item {n} came from its own queue");
        }
        let per_consumer: Vec<Vec<u32>> = got.iter().map(|g| g.iter().map(|&(_, n)| n).collect()).collect();
        assert_fifo_exactly_once(&[items_of(1, 2), items_of(2, 2)].concat(), &per_consumer);
    });
}

/// An async consumer and a blocking one on one ring, fed by a blocking
/// producer and an async one.
#[test]
fn async_and_blocking_calls_on_one_ring_move_every_item_once() {
    check(|| {
        let q = queue_with(1, &[]);
        let async_putter = spawn(&q, |q| {
            shuttle::future::block_on(async {
                for n in items_of(1, 2) {
                    q.put_async(n).await.unwrap();
                }
            })
        });
        let async_getter = spawn(&q, |q| {
            shuttle::future::block_on(async { vec![q.get_async().await.unwrap(), q.get_async().await.unwrap()] })
        });
        let getter = spawn(&q, |q| vec![q.get(FOREVER).unwrap(), q.get(FOREVER).unwrap()]);
        for n in items_of(2, 2) {
            q.put(n, FOREVER).unwrap();
        }
        async_putter.join().unwrap();
        let got = [async_getter.join().unwrap(), getter.join().unwrap()];
        assert_fifo_exactly_once(&[items_of(1, 2), items_of(2, 2)].concat(), &got);
    });
}

/// Both descriptors of `q`.
fn descriptors_of(q: &Queue<u32>) -> (std::os::fd::RawFd, std::os::fd::RawFd) {
    use std::os::fd::AsRawFd;
    (q.get_fd().unwrap().as_raw_fd(), q.put_fd().unwrap().as_raw_fd())
}

/// Asserts that `q`'s descriptors show what a get and a put would do now.
fn assert_descriptors_follow(q: &Queue<u32>, fds: (std::os::fd::RawFd, std::os::fd::RawFd)) {
    let (left, max, shut) = (q.qsize(), q.maxsize(), q.is_shutdown());
    assert_eq!(
        readable(fds.0),
        shut || left > 0,
        "get fd: {left} left, max {max}, shut {shut}"
    );
    assert_eq!(
        readable(fds.1),
        shut || max == 0 || left < max,
        "put fd: {left} left, max {max}, shut {shut}"
    );
}

#[test]
fn descriptors_follow_two_getters_and_two_putters() {
    check(|| {
        let q = queue_with(2, &[1]);
        let fds = descriptors_of(&q);
        let putters = [1, 2].map(|p| spawn(&q, move |q| q.put_nowait(p * PER).is_ok()));
        let getters = [0, 1].map(|_| spawn(&q, |q| q.get_nowait().ok()));
        let put = putters.into_iter().map(|p| p.join().unwrap()).filter(|&ok| ok).count();
        let got = getters.into_iter().filter_map(|g| g.join().unwrap()).count();
        assert_descriptors_follow(&q, fds);
        assert_eq!(q.qsize(), 1 + put - got, "every item put is got or left");
    });
}

#[test]
fn descriptors_follow_a_shrink_racing_puts_and_gets() {
    check(|| {
        let q = queue_with(3, &[1, 2]);
        let fds = descriptors_of(&q);
        let shrinker = spawn(&q, |q| q.set_maxsize(1));
        let putter = spawn(&q, |q| q.put_nowait(3).is_ok());
        let getter = spawn(&q, |q| (q.get_nowait().ok(), q.get_nowait().ok()));
        shrinker.join().unwrap();
        putter.join().unwrap();
        getter.join().unwrap();
        assert_descriptors_follow(&q, fds);
        // And after more traffic at the new bound.
        let _ = q.put_nowait(4);
        assert_descriptors_follow(&q, fds);
        let _ = q.get_nowait();
        assert_descriptors_follow(&q, fds);
    });
}

#[test]
fn descriptors_follow_a_shutdown_racing_puts_and_gets() {
    check(|| {
        let q = queue_with(1, &[]);
        let fds = descriptors_of(&q);
        let putter = spawn(&q, |q| q.put_nowait(1).is_ok());
        let getter = spawn(&q, |q| q.get_nowait().ok());
        let shut = spawn(&q, |q| q.shutdown(false));
        putter.join().unwrap();
        getter.join().unwrap();
        shut.join().unwrap();
        assert_descriptors_follow(&q, fds);
    });
}

/// A 4-slot ring whose bound is raised to 5: the ring fills, one item overflows.
#[test]
fn descriptors_follow_puts_and_gets_across_the_overflow() {
    let body = || {
        let before: Vec<u32> = (0..3).collect();
        let q = queue_with(4, &before);
        q.set_maxsize(5);
        let fds = descriptors_of(&q);
        let putter = spawn(&q, |q| {
            (
                q.put_nowait(PER).is_ok(),
                q.put_nowait(PER + 1).is_ok(),
                q.put_nowait(PER + 2).is_ok(),
            )
        });
        let getter = spawn(&q, |q| (q.get_nowait().ok(), q.get_nowait().ok()));
        putter.join().unwrap();
        getter.join().unwrap();
        assert_descriptors_follow(&q, fds);
        while q.get_nowait().is_ok() {}
        assert_descriptors_follow(&q, fds);
    };
    check(body);
}

#[test]
fn get_any_on_the_same_queue_twice_beside_a_blocking_getter() {
    check(|| {
        let q = queue_with(0, &[]);
        let any = |q: &Queue<u32>| tq::get_any(&[q, q], FOREVER).unwrap().1;
        let waiters = [spawn(&q, any), spawn(&q, any), spawn(&q, |q| q.get(FOREVER).unwrap())];
        for n in 1..=3 {
            q.put(n, FOREVER).unwrap();
        }
        let got = waiters.map(|w| w.join().unwrap());
        assert_eq!(sorted(got.to_vec()), [1, 2, 3]);
    });
}

/// A future polled once and dropped, a wake-up possibly already on its way:
/// the other waiter still gets the item.
#[test]
fn a_get_future_dropped_after_one_poll_loses_no_wake_up() {
    use std::future::Future;
    use std::task::{Context, Waker};
    check(|| {
        let q = queue_with(0, &[]);
        let dropper = spawn(&q, |q| {
            let mut f = Box::pin(q.get_async());
            let polled = f.as_mut().poll(&mut Context::from_waker(Waker::noop()));
            drop(f);
            polled.is_ready()
        });
        let waiter = spawn(&q, |q| shuttle::future::block_on(q.get_async()).unwrap());
        let blocking = spawn(&q, |q| q.get(FOREVER).unwrap());
        q.put(1, FOREVER).unwrap();
        q.put(2, FOREVER).unwrap();
        let took = dropper.join().unwrap();
        if took {
            // The dropped future took one: put a third for the two waiters.
            q.put(3, FOREVER).unwrap();
        }
        let mut got = vec![waiter.join().unwrap(), blocking.join().unwrap()];
        got.extend(drain_nowait(&q));
        assert_eq!(got.len(), 2);
    });
}

#[test]
fn a_put_future_dropped_after_one_poll_loses_no_wake_up() {
    use std::future::Future;
    use std::task::{Context, Waker};
    check(|| {
        let q = queue_with(1, &[1]);
        let dropper = spawn(&q, |q| {
            let mut f = Box::pin(q.put_async(2));
            let polled = f.as_mut().poll(&mut Context::from_waker(Waker::noop()));
            drop(f);
            polled.is_ready()
        });
        let waiter = spawn(&q, |q| shuttle::future::block_on(q.put_async(3)).unwrap());
        assert_eq!(q.get(FOREVER), Ok(1));
        let took = dropper.join().unwrap();
        if took {
            assert_eq!(q.get(FOREVER), Ok(2));
        }
        waiter.join().unwrap();
        assert_eq!(drain_nowait(&q), [3]);
    });
}
