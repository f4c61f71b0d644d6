//! The core `tq::Queue<T>` against CPython 3.13's `queue.Queue`: bounds,
//! timeouts, wake-ups, task accounting, join, shutdown and item ownership.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::{GENEROUS, assert_blocked, eventually, join_all};
use tq::{GetError, JoinTimeout, Order, PutError, Queue, Timeout, TooManyDone};

const SHORT: Duration = Duration::from_millis(40);

/// Runs `f` and returns its result with how long it took.
fn timed<R>(f: impl FnOnce() -> R) -> (R, Duration) {
    let start = Instant::now();
    let r = f();
    (r, start.elapsed())
}

/// Asserts that a timed-out call waited at least its timeout, and not absurdly long.
fn assert_waited(elapsed: Duration, timeout: Duration) {
    assert!(
        elapsed >= timeout,
        "returned after {elapsed:?}, before the {timeout:?} timeout"
    );
    assert!(elapsed < GENEROUS, "returned after {elapsed:?}");
}

/// Spawns `n` threads running `f(i)` on a shared queue.
fn spawn_n<T, R>(q: &Arc<Queue<T>>, n: usize, f: fn(&Queue<T>, usize) -> R) -> Vec<thread::JoinHandle<R>>
where
    T: Send + 'static,
    R: Send + 'static,
{
    (0..n)
        .map(|i| {
            let q = Arc::clone(q);
            thread::spawn(move || f(&q, i))
        })
        .collect()
}

/// A queue holding `items`, put without blocking.
fn filled<T>(maxsize: usize, items: impl IntoIterator<Item = T>) -> Queue<T> {
    let q = Queue::new(maxsize);
    for x in items {
        q.put_nowait(x).unwrap_or_else(|_| panic!("room for every item"));
    }
    q
}

#[test]
fn maxsize_zero_is_unbounded() {
    let q = filled(0, 0..10_000);
    assert_eq!(q.qsize(), 10_000);
    assert_eq!(q.len(), 10_000, "len is qsize");
    assert!(!q.is_full());
    assert_eq!(q.maxsize(), 0);
    assert_eq!(q.put(10_000, Timeout::Forever), Ok(()));
    assert_eq!(q.unfinished(), 10_001);
}

#[test]
fn fifo_gets_in_put_order() {
    let q = filled(0, 0..100);
    assert_eq!(q.order(), Order::Fifo);
    let got: Vec<i32> = (0..100).map(|_| q.get_nowait().unwrap()).collect();
    assert_eq!(got, (0..100).collect::<Vec<_>>());
    assert_eq!(q.get_nowait(), Err(GetError::Empty));
}

#[test]
fn full_hands_the_item_back() {
    let q = filled(2, [String::from("a"), String::from("b")]);
    assert!(q.is_full());
    let err = q.put_nowait(String::from("c")).unwrap_err();
    assert!(matches!(err, PutError::Full(_)));
    assert_eq!(err.into_inner(), "c");
    assert_eq!(q.qsize(), 2);
    assert_eq!(q.unfinished(), 2);
}

#[test]
fn timed_put_on_a_full_queue_fails_after_the_timeout() {
    let q = filled(1, [1]);
    let (r, elapsed) = timed(|| q.put(2, Timeout::After(SHORT)));
    assert_eq!(r, Err(PutError::Full(2)));
    assert_waited(elapsed, SHORT);
    assert_eq!(q.qsize(), 1);
}

#[test]
fn get_on_an_empty_queue() {
    let q: Queue<u8> = Queue::new(0);
    assert_eq!(q.get_nowait(), Err(GetError::Empty));
    assert_eq!(q.get(Timeout::NoWait), Err(GetError::Empty));
    let (r, elapsed) = timed(|| q.get(Timeout::After(SHORT)));
    assert_eq!(r, Err(GetError::Empty));
    assert_waited(elapsed, SHORT);
}

#[test]
fn a_blocked_putter_wakes_when_a_get_makes_room() {
    for timeout in [Timeout::Forever, Timeout::After(GENEROUS)] {
        let q = Arc::new(filled(1, [1]));
        let putter = {
            let q = Arc::clone(&q);
            thread::spawn(move || q.put(2, timeout))
        };
        assert_blocked(std::slice::from_ref(&putter));
        assert_eq!(q.get_nowait(), Ok(1));
        let (r, elapsed) = timed(|| putter.join().unwrap());
        assert_eq!(r, Ok(()));
        assert!(elapsed < GENEROUS);
        assert_eq!(q.get_nowait(), Ok(2));
    }
}

#[test]
fn a_blocked_getter_wakes_when_an_item_arrives() {
    for timeout in [Timeout::Forever, Timeout::After(GENEROUS)] {
        let q = Arc::new(Queue::new(0));
        let getter = {
            let q = Arc::clone(&q);
            thread::spawn(move || q.get(timeout))
        };
        assert_blocked(std::slice::from_ref(&getter));
        q.put_nowait(7).unwrap();
        let (r, elapsed) = timed(|| getter.join().unwrap());
        assert_eq!(r, Ok(7));
        assert!(elapsed < GENEROUS);
        assert!(q.is_empty());
    }
}

#[test]
fn task_done_too_often_changes_nothing() {
    let q = Queue::new(0);
    assert_eq!(q.task_done(), Err(TooManyDone));
    assert_eq!(q.unfinished(), 0);
    q.put_nowait(1).unwrap();
    assert_eq!(q.unfinished(), 1);
    // As in Python, the count is of puts: done may come before the get.
    assert_eq!(q.task_done(), Ok(()));
    assert_eq!(q.task_done(), Err(TooManyDone));
    assert_eq!(q.unfinished(), 0);
    assert_eq!(q.get_nowait(), Ok(1));
    assert_eq!(q.task_done(), Err(TooManyDone));
    assert_eq!(q.unfinished(), 0);
}

#[test]
fn task_done_n_is_all_or_nothing() {
    let q = filled(0, 0..3);
    assert_eq!(q.task_done_n(4), Err(TooManyDone));
    assert_eq!(q.unfinished(), 3);
    assert_eq!(q.task_done_n(0), Ok(()));
    assert_eq!(q.unfinished(), 3);
    assert_eq!(q.task_done_n(2), Ok(()));
    assert_eq!(q.unfinished(), 1);
    assert_eq!(q.task_done_n(2), Err(TooManyDone));
    assert_eq!(q.task_done_n(1), Ok(()));
    assert_eq!(q.unfinished(), 0);
    assert_eq!(q.task_done_n(0), Ok(()));
    assert_eq!(q.join(Timeout::NoWait), Ok(()));
}

#[test]
fn join_times_out_while_tasks_remain() {
    let q = Queue::new(0);
    assert_eq!(q.join(Timeout::NoWait), Ok(()));
    assert_eq!(q.join(Timeout::Forever), Ok(()));
    q.put_nowait(1).unwrap();
    assert_eq!(q.join(Timeout::NoWait), Err(JoinTimeout));
    let (r, elapsed) = timed(|| q.join(Timeout::After(SHORT)));
    assert_eq!(r, Err(JoinTimeout));
    assert_waited(elapsed, SHORT);
    q.get_nowait().unwrap();
    assert_eq!(
        q.join(Timeout::NoWait),
        Err(JoinTimeout),
        "a get alone finishes no task"
    );
    q.task_done().unwrap();
    assert_eq!(q.join(Timeout::NoWait), Ok(()));
}

#[test]
fn the_last_task_done_wakes_every_joiner() {
    let q = Arc::new(filled(0, [1, 2]));
    let joiners = spawn_n(&q, 4, |q, _| q.join(Timeout::Forever));
    assert_blocked(&joiners);
    q.task_done().unwrap();
    assert_blocked(&joiners);
    q.task_done().unwrap();
    assert_eq!(join_all(joiners), [Ok(()); 4]);
}

#[test]
fn graceful_shutdown_rejects_puts_and_drains_gets() {
    let q = filled(0, [1, 2]);
    assert!(q.shutdown(false).is_empty());
    assert!(q.is_shutdown());
    assert_eq!(q.put_nowait(3), Err(PutError::ShutDown(3)));
    assert_eq!(q.put(3, Timeout::Forever), Err(PutError::ShutDown(3)));
    assert_eq!(q.get(Timeout::Forever), Ok(1));
    assert_eq!(q.get_nowait(), Ok(2));
    assert_eq!(q.get(Timeout::Forever), Err(GetError::ShutDown));
    assert_eq!(q.get(Timeout::After(GENEROUS)), Err(GetError::ShutDown));
    assert_eq!(q.get_nowait(), Err(GetError::ShutDown));
    // As in Python, a graceful shutdown finishes no task.
    assert_eq!(q.unfinished(), 2);
    assert_eq!(q.join(Timeout::NoWait), Err(JoinTimeout));
    q.task_done_n(2).unwrap();
    assert_eq!(q.join(Timeout::NoWait), Ok(()));
    assert!(q.shutdown(false).is_empty(), "shutdown is idempotent");
    assert!(q.is_shutdown());
}

#[test]
fn shutdown_rejects_a_put_on_a_full_queue_without_blocking() {
    let q = filled(1, [1]);
    q.shutdown(false);
    assert_eq!(q.put(2, Timeout::Forever), Err(PutError::ShutDown(2)));
}

#[test]
fn shutdown_wakes_every_blocked_getter() {
    let q: Arc<Queue<u32>> = Arc::new(Queue::new(0));
    let getters = spawn_n(&q, 4, |q, _| q.get(Timeout::Forever));
    assert_blocked(&getters);
    q.shutdown(false);
    assert_eq!(join_all(getters), [Err(GetError::ShutDown); 4]);
}

#[test]
fn shutdown_wakes_every_blocked_putter_with_its_item() {
    let q = Arc::new(filled(1, [usize::MAX]));
    let putters = spawn_n(&q, 4, |q, i| q.put(i, Timeout::Forever));
    assert_blocked(&putters);
    q.shutdown(false);
    let results = join_all(putters);
    assert_eq!(results, (0..4).map(PutError::ShutDown).map(Err).collect::<Vec<_>>());
    assert_eq!(q.qsize(), 1);
    assert_eq!(q.unfinished(), 1);
}

#[test]
fn immediate_shutdown_returns_the_items_in_queue_order_and_finishes_them() {
    // Items 1..=5 with priorities 3, 1, 2, 1, 0 (ignored by FIFO and LIFO).
    for (order, first, rest) in [
        (Order::Fifo, 1, [2, 3, 4, 5]),
        (Order::Lifo, 5, [4, 3, 2, 1]),
        (Order::Priority, 5, [2, 4, 3, 1]),
    ] {
        let q = Queue::with_order(order, 0);
        for (x, priority) in (1..=5).zip([3, 1, 2, 1, 0]) {
            match order {
                Order::Priority => q.put_priority(x, priority, Timeout::NoWait).unwrap(),
                _ => q.put_nowait(x).unwrap(),
            }
        }
        assert_eq!(q.get_nowait(), Ok(first), "{order:?}");
        assert_eq!(q.shutdown(true), rest, "{order:?}");
        assert!(q.is_empty());
        assert!(q.is_shutdown());
        assert_eq!(
            q.unfinished(),
            1,
            "the discarded items count as done, the one got does not"
        );
        assert_eq!(q.get_nowait(), Err(GetError::ShutDown));
        assert_eq!(q.put_nowait(9), Err(PutError::ShutDown(9)));
        assert_eq!(q.join(Timeout::NoWait), Err(JoinTimeout));
        q.task_done().unwrap();
        assert_eq!(q.join(Timeout::NoWait), Ok(()));
    }
}

#[test]
fn immediate_shutdown_never_drives_unfinished_below_zero() {
    let q = filled(0, [1, 2, 3]);
    q.task_done_n(3).unwrap();
    assert_eq!(q.shutdown(true), [1, 2, 3]);
    assert_eq!(q.unfinished(), 0);
    assert_eq!(q.task_done(), Err(TooManyDone));
}

#[test]
fn immediate_shutdown_after_a_graceful_one_discards_the_rest() {
    let q = filled(0, [1, 2, 3]);
    assert!(q.shutdown(false).is_empty());
    assert_eq!(q.get_nowait(), Ok(1));
    assert_eq!(q.shutdown(true), [2, 3]);
    assert_eq!(q.get_nowait(), Err(GetError::ShutDown));
    assert!(q.shutdown(true).is_empty());
}

#[test]
fn immediate_shutdown_releases_a_blocked_join() {
    let q = Arc::new(filled(0, [1, 2, 3]));
    let joiners = spawn_n(&q, 3, |q, _| q.join(Timeout::Forever));
    assert_blocked(&joiners);
    assert_eq!(q.shutdown(true), [1, 2, 3]);
    assert_eq!(join_all(joiners), [Ok(()); 3]);
}

#[test]
fn immediate_shutdown_wakes_blocked_getters_and_putters() {
    let empty: Arc<Queue<usize>> = Arc::new(Queue::new(0));
    let getters = spawn_n(&empty, 3, |q, _| q.get(Timeout::Forever));
    let full = Arc::new(filled(1, [usize::MAX]));
    let putters = spawn_n(&full, 3, |q, i| q.put(i, Timeout::Forever));
    assert_blocked(&getters);
    assert_blocked(&putters);
    assert!(empty.shutdown(true).is_empty());
    assert_eq!(full.shutdown(true), [usize::MAX]);
    assert_eq!(join_all(getters), [Err(GetError::ShutDown); 3]);
    assert_eq!(
        join_all(putters),
        (0..3).map(|i| Err(PutError::ShutDown(i))).collect::<Vec<_>>()
    );
}

#[test]
fn growing_maxsize_wakes_the_putters_that_now_fit() {
    let q = Arc::new(filled(1, [100]));
    let putters = spawn_n(&q, 3, |q, i| q.put(i, Timeout::Forever));
    assert_blocked(&putters);
    q.set_maxsize(4);
    assert_eq!(join_all(putters), [Ok(()); 3]);
    assert_eq!(q.qsize(), 4);
    assert!(q.is_full());

    let putters = spawn_n(&q, 3, |q, i| q.put(i, Timeout::Forever));
    assert_blocked(&putters);
    q.set_maxsize(0);
    assert_eq!(join_all(putters), [Ok(()); 3]);
    assert_eq!(q.qsize(), 7);
    assert!(!q.is_full());
}

#[test]
fn growing_maxsize_wakes_only_as_many_putters_as_fit() {
    let q = Arc::new(filled(1, [100]));
    let putters = spawn_n(&q, 3, |q, i| q.put(i, Timeout::Forever));
    assert_blocked(&putters);
    q.set_maxsize(2);
    eventually(|| q.qsize() == 2);
    thread::sleep(common::SETTLE);
    assert_eq!(q.qsize(), 2, "only one putter fits");
    q.shutdown(false);
    let results = join_all(putters);
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert_eq!(
        results
            .iter()
            .filter(|r| matches!(r, Err(PutError::ShutDown(_))))
            .count(),
        2
    );
}

/// A FIFO queue holds more than a ring's capacity, in order, and the counts
/// show it: in a segment list (unbounded, or bounded above the capacity), or
/// in a ring whose bound was raised, whose rest overflows into the locked
/// store and which goes back to the ring once gets have emptied it.
#[test]
fn a_fifo_queue_holds_more_than_a_ring_in_order() {
    let rc = common::RING_CAPACITY;
    for (created, raised) in [(0, None), (3 * rc, None), (rc, Some(3 * rc))] {
        let q = Queue::new(created);
        let maxsize = raised.unwrap_or(created);
        q.set_maxsize(maxsize);
        for round in 0..2 {
            let n = 2 * rc + 7;
            for x in 0..n {
                q.put_nowait(x).unwrap_or_else(|_| panic!("room for {x}"));
            }
            assert_eq!(q.qsize(), n);
            let got: Vec<usize> = std::iter::from_fn(|| q.get_nowait().ok()).collect();
            assert_eq!(
                got,
                (0..n).collect::<Vec<_>>(),
                "round {round}, maxsize {created} -> {maxsize}"
            );
            assert!(q.is_empty());
            assert_eq!(q.unfinished(), (round + 1) * n);
        }
        if maxsize > 0 {
            for x in 0..maxsize {
                q.put_nowait(x).unwrap();
            }
            assert!(q.is_full());
            assert!(
                matches!(q.put_nowait(0), Err(PutError::Full(0))),
                "the bound holds past the ring"
            );
        }
    }
}

#[test]
fn shrinking_maxsize_keeps_every_item() {
    let q = filled(5, 0..5);
    q.set_maxsize(2);
    assert_eq!(q.maxsize(), 2);
    assert_eq!(q.qsize(), 5);
    assert!(q.is_full());
    assert_eq!(q.put_nowait(5), Err(PutError::Full(5)));
    for x in 0..3 {
        assert_eq!(q.get_nowait(), Ok(x));
        assert!(q.is_full());
    }
    assert_eq!(q.get_nowait(), Ok(3));
    assert!(!q.is_full());
    assert_eq!(q.put_nowait(5), Ok(()));
    assert!(q.is_full());
}

#[test]
fn queries_follow_the_state() {
    let q = Queue::new(2);
    assert_eq!((q.qsize(), q.is_empty(), q.is_full(), q.maxsize()), (0, true, false, 2));
    assert_eq!((q.unfinished(), q.is_shutdown()), (0, false));
    q.put_nowait('a').unwrap();
    assert_eq!(
        (q.qsize(), q.is_empty(), q.is_full(), q.unfinished()),
        (1, false, false, 1)
    );
    q.put_nowait('b').unwrap();
    assert_eq!(
        (q.qsize(), q.is_empty(), q.is_full(), q.unfinished()),
        (2, false, true, 2)
    );
    q.get_nowait().unwrap();
    assert_eq!(
        (q.qsize(), q.is_empty(), q.is_full(), q.unfinished()),
        (1, false, false, 2)
    );
    q.shutdown(false);
    assert_eq!((q.qsize(), q.is_shutdown(), q.maxsize()), (1, true, 2));
}

/// An item that counts its drops.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn dropping_the_queue_drops_the_remaining_items_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let q = filled(5, (0..5).map(|_| Counted(Arc::clone(&drops))));
    let rejected = q.put_nowait(Counted(Arc::clone(&drops))).unwrap_err().into_inner();
    assert_eq!(
        drops.load(Ordering::SeqCst),
        0,
        "a rejected item is handed back, not dropped"
    );
    drop(rejected);
    drop(q.get_nowait().unwrap());
    drop(q.get_nowait().unwrap());
    assert_eq!(drops.load(Ordering::SeqCst), 3);
    drop(q);
    assert_eq!(drops.load(Ordering::SeqCst), 6);
}

#[test]
fn immediate_shutdown_hands_items_over_instead_of_dropping_them() {
    let drops = Arc::new(AtomicUsize::new(0));
    let q = filled(0, (0..4).map(|_| Counted(Arc::clone(&drops))));
    let discarded = q.shutdown(true);
    assert_eq!(discarded.len(), 4);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(q);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(discarded);
    assert_eq!(drops.load(Ordering::SeqCst), 4);
}

#[test]
fn into_items_returns_the_rest_in_queue_order() {
    let q = Queue::with_order(Order::Lifo, 0);
    for x in 1..=4 {
        q.put_nowait(x).unwrap();
    }
    q.get_nowait().unwrap();
    assert_eq!(q.into_items(), [3, 2, 1]);
    assert!(filled(0, 0..0u8).into_items().is_empty());
}

#[test]
fn queue_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Queue<u32>>();
    assert_send_sync::<Queue<String>>();
    assert_send_sync::<Queue<Box<dyn std::any::Any + Send>>>();
    assert_send_sync::<PutError<String>>();
}

#[test]
fn debug_and_display_describe_without_needing_the_item() {
    let q = filled(3, [1, 2]);
    q.get_nowait().unwrap();
    assert_eq!(
        format!("{q:?}"),
        "Queue { order: Fifo, qsize: 1, maxsize: 3, unfinished: 2, shutdown: false }"
    );
    /// Neither Debug nor Display.
    struct Opaque;
    assert_eq!(format!("{:?}", PutError::Full(Opaque)), "Full(..)");
    assert_eq!(format!("{:?}", PutError::ShutDown(Opaque)), "ShutDown(..)");
    assert_eq!(PutError::Full(Opaque).to_string(), "queue full");
    assert_eq!(PutError::ShutDown(Opaque).to_string(), "queue shut down");
    assert_eq!(PutError::Full(1).map(|x| x + 1), PutError::Full(2));
    assert_eq!(GetError::Empty.to_string(), "queue empty");
    assert_eq!(GetError::ShutDown.to_string(), "queue shut down");
    assert!(!TooManyDone.to_string().is_empty());
    assert!(!JoinTimeout.to_string().is_empty());
}

#[test]
fn mpmc_hands_every_item_out_exactly_once() {
    const PRODUCERS: usize = 3;
    const CONSUMERS: usize = 3;
    const PER_PRODUCER: usize = 2_000;
    let q = Arc::new(Queue::new(8));
    let producers = spawn_n(&q, PRODUCERS, |q, p| {
        for i in 0..PER_PRODUCER {
            q.put(p * PER_PRODUCER + i, Timeout::Forever).unwrap();
        }
    });
    let consumers = spawn_n(&q, CONSUMERS, |q, _| {
        let mut got = Vec::new();
        while let Ok(x) = q.get(Timeout::Forever) {
            got.push(x);
            q.task_done().unwrap();
        }
        got
    });
    join_all(producers);
    assert_eq!(q.join(Timeout::After(GENEROUS)), Ok(()));
    q.shutdown(false);
    let mut all: Vec<usize> = join_all(consumers).into_iter().flatten().collect();
    let total = PRODUCERS * PER_PRODUCER;
    assert_eq!(all.iter().sum::<usize>(), total * (total - 1) / 2);
    all.sort_unstable();
    assert_eq!(all, (0..total).collect::<Vec<_>>());
    assert_eq!(q.unfinished(), 0);
}

/// A panic in the caller's iterator leaves every item already put counted
/// as a task and announced to blocked getters, on the locked store
/// (unbounded) and on the lock-free ring (bounded).
#[test]
fn put_many_stays_consistent_when_the_iterator_panics() {
    for maxsize in [0, 4] {
        put_many_with_a_panicking_iterator(maxsize);
    }
}

fn put_many_with_a_panicking_iterator(maxsize: usize) {
    let q = Arc::new(Queue::new(maxsize));
    let getter = {
        let q = Arc::clone(&q);
        thread::spawn(move || q.get(Timeout::After(Duration::from_secs(10))))
    };
    thread::sleep(Duration::from_millis(50));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        q.put_many(
            [1, 2, 3]
                .into_iter()
                .map(|x| if x == 3 { panic!("iterator fails") } else { x }),
            Timeout::NoWait,
        )
    }));
    assert!(result.is_err());
    assert_eq!(getter.join().unwrap(), Ok(1), "the blocked getter was woken");
    assert_eq!(q.qsize(), 1);
    assert_eq!(q.unfinished(), 2, "both items put count as tasks");
    assert_eq!(q.join(Timeout::NoWait), Err(JoinTimeout));
    assert_eq!(q.get_nowait(), Ok(2));
    assert_eq!(
        q.get_nowait(),
        Err(GetError::Empty),
        "nothing stands for the failed item"
    );
    assert!(q.is_empty());
}
