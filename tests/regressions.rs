//! Bugs an adversarial review found, each pinned by a test that failed
//! before its fix. The C ABI's (a destroy callback calling back in during
//! `tq_free`, oversized batch counts) are in `tests/ffi.rs`.

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;

use tq::{Queue, Timeout, TooManyDone};

/// `put_many` with an iterator that panics when asked for its first item.
fn put_many_panicking(q: &Queue<u32>) {
    let panicking = (0..1u32).map(|_| -> u32 { panic!("the caller's iterator fails") });
    let put = panic::catch_unwind(AssertUnwindSafe(|| q.put_many(panicking, Timeout::NoWait)));
    assert!(put.is_err(), "the iterator's panic reaches the caller");
}

/// A panicking `put_many` iterator used to leave a claimed ring slot with no
/// item (a "hole"): it took the bound's room but was not in `qsize`, so a
/// put on an empty `Queue::new(1)` was refused and a parked putter was never
/// woken. Now the iterator runs before anything is claimed: nothing changes.
#[test]
fn a_panicking_put_many_iterator_leaves_no_trace() {
    for maxsize in [1, 2, 0] {
        let q = Queue::new(maxsize);
        put_many_panicking(&q);
        assert_eq!(
            (q.qsize(), q.is_full(), q.unfinished()),
            (0, false, 0),
            "maxsize {maxsize}"
        );
        assert_eq!(q.put_nowait(1), Ok(()), "maxsize {maxsize}: room for a put at once");
        if maxsize == 1 {
            thread::scope(|s| {
                let blocked = s.spawn(|| q.put(2, Timeout::Forever));
                assert_eq!(q.get(Timeout::Forever), Ok(1));
                assert_eq!(blocked.join().unwrap(), Ok(()), "the parked putter was woken");
            });
        } else {
            q.put_nowait(2).unwrap();
            assert_eq!(q.get_nowait(), Ok(1));
        }
        assert_eq!(q.get_nowait(), Ok(2));
        assert_eq!(q.unfinished(), 2, "only real puts count as tasks");
    }
}

/// While a `put_many` iterator ran, its claimed slot already counted as an
/// unfinished task, so a concurrent `task_done` succeeded for an item that
/// was never put. `task_done` must fail (Python's `ValueError`) unless an
/// item really went in.
#[test]
fn task_done_is_refused_while_a_put_many_iterator_runs() {
    let q = Queue::new(4);
    let (asked_tx, asked_rx) = mpsc::channel();
    let (answered_tx, answered_rx) = mpsc::channel::<Result<(), TooManyDone>>();
    thread::scope(|s| {
        let q = &q;
        let producer = s.spawn(move || {
            let iterator = (0..1u32).map(|_| -> u32 {
                asked_tx.send(()).unwrap();
                let verdict = answered_rx.recv().unwrap();
                panic!("the caller's iterator fails after task_done said {verdict:?}");
            });
            q.put_many(iterator, Timeout::Forever)
        });
        asked_rx.recv().unwrap();
        let verdict = q.task_done();
        answered_tx.send(verdict).unwrap();
        assert!(producer.join().is_err(), "the iterator panicked");
        assert_eq!(verdict, Err(TooManyDone), "no item was put while the iterator ran");
    });
    assert_eq!((q.qsize(), q.unfinished()), (0, 0));
    q.put_nowait(5).unwrap();
    assert_eq!(q.task_done(), Ok(()));
    assert_eq!(q.task_done(), Err(TooManyDone));
}

/// A `qsize` taken while producers and consumers race on the lock-free
/// ring is a consistent snapshot: never above the bound (an inconsistent
/// read of head and tail gives numbers far outside it), and taking it does
/// not stall (it used to retry for as long as the tail kept moving).
#[test]
fn qsize_under_lock_free_traffic_stays_within_the_bound() {
    const ITEMS: u32 = if cfg!(miri) { 100 } else { 50_000 };
    let q = Queue::new(8);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for n in 0..ITEMS {
                    q.put(n, Timeout::Forever).unwrap();
                }
            });
            s.spawn(|| {
                for _ in 0..ITEMS {
                    q.get(Timeout::Forever).unwrap();
                }
            });
        }
        for _ in 0..ITEMS {
            assert!(q.qsize() <= 8);
        }
    });
    assert_eq!(q.qsize(), 0);
}
