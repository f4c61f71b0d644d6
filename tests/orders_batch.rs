//! LIFO and stable priority orders, and the batch calls `put_many` /
//! `get_many` with their wake-ups.

mod common;

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::{GENEROUS, assert_blocked, join_all};
use tq::{DEFAULT_PRIORITY, GetError, Order, PutError, Queue, Timeout};

/// Takes every queued item without blocking.
fn drain<T>(q: &Queue<T>) -> Vec<T> {
    std::iter::from_fn(|| q.get_nowait().ok()).collect()
}

/// A queue of the given order holding `items` (put at the default priority).
fn filled<T>(order: Order, maxsize: usize, items: impl IntoIterator<Item = T>) -> Queue<T> {
    let q = Queue::with_order(order, maxsize);
    for x in items {
        q.put_nowait(x).unwrap_or_else(|_| panic!("room for every item"));
    }
    q
}

#[test]
fn lifo_interleaved() {
    let q = filled(Order::Lifo, 0, [1, 2, 3]);
    assert_eq!(q.order(), Order::Lifo);
    assert_eq!(q.get_nowait(), Ok(3));
    q.put_nowait(4).unwrap();
    assert_eq!(q.get_nowait(), Ok(4));
    assert_eq!(q.get_nowait(), Ok(2));
    q.put_nowait(5).unwrap();
    q.put_nowait(6).unwrap();
    assert_eq!(drain(&q), [6, 5, 1]);
    assert_eq!(q.get_nowait(), Err(GetError::Empty));
}

#[test]
fn priority_interleaved() {
    let q = Queue::with_order(Order::Priority, 0);
    let put = |x: &'static str, p: i64| q.put_priority(x, p, Timeout::NoWait).unwrap();
    put("e5", 5);
    put("b1", 1);
    put("c3", 3);
    assert_eq!(q.get_nowait(), Ok("b1"));
    put("z0", 0);
    put("m-1", -1);
    assert_eq!(q.get_nowait(), Ok("m-1"));
    // A plain put is DEFAULT_PRIORITY (0), after the 0 already there.
    q.put_nowait("d0").unwrap();
    put("a1", 1);
    assert_eq!(drain(&q), ["z0", "d0", "a1", "c3", "e5"]);
    assert_eq!(DEFAULT_PRIORITY, 0);
}

#[test]
fn priority_extremes_and_ties() {
    let q = Queue::with_order(Order::Priority, 0);
    for (x, p) in [(1, i64::MAX), (2, i64::MIN), (3, 0), (4, i64::MIN), (5, i64::MAX)] {
        q.put_priority(x, p, Timeout::NoWait).unwrap();
    }
    assert_eq!(drain(&q), [2, 4, 3, 1, 5]);
}

#[test]
fn put_priority_needs_a_priority_queue() {
    for order in [Order::Fifo, Order::Lifo] {
        let q = Queue::with_order(order, 0);
        let err = q.put_priority(String::from("x"), 1, Timeout::NoWait).unwrap_err();
        assert!(matches!(err, PutError::NotPriority(_)), "{order:?}");
        assert_eq!(err.into_inner(), "x");
        assert!(q.is_empty());
        assert_eq!(q.unfinished(), 0);
    }
}

/// xorshift64*: a tiny deterministic generator, so the test is reproducible.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn equal_priorities_come_out_in_put_order() {
    let n = if cfg!(miri) { 300 } else { 12_000 };
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let q = Queue::with_order(Order::Priority, 0);
    // The model: (priority, item) kept stably sorted by priority, i.e. each
    // put goes after every entry of equal priority.
    let mut model: Vec<(i64, usize)> = Vec::new();
    let mut got = Vec::new();
    let mut expected = Vec::new();
    for item in 0..n {
        // Few distinct priorities, so that ties are the rule.
        let priority = rng.below(8) as i64 - 4;
        q.put_priority(item, priority, Timeout::NoWait).unwrap();
        let at = model.partition_point(|&(p, _)| p <= priority);
        model.insert(at, (priority, item));
        if rng.below(3) == 0 {
            got.push(q.get_nowait().unwrap());
            expected.push(model.remove(0).1);
        }
    }
    got.extend(drain(&q));
    expected.extend(model.into_iter().map(|(_, x)| x));
    assert_eq!(got.len(), n);
    assert!(got == expected, "the priority queue diverged from a stable sort");
}

#[test]
fn put_many_fills_what_fits_and_leaves_the_rest_in_the_iterator() {
    let q = filled(Order::Fifo, 3, [0]);
    let mut rest = vec![10, 11, 12, 13].into_iter();
    assert_eq!(q.put_many(&mut rest, Timeout::NoWait), Ok(2));
    assert_eq!(rest.as_slice(), [12, 13]);
    assert_eq!(q.unfinished(), 3);
    assert_eq!(drain(&q), [0, 10, 11]);
    assert_eq!(q.put_many(&mut rest, Timeout::NoWait), Ok(2));
    assert_eq!(rest.len(), 0);
    assert_eq!(drain(&q), [12, 13]);
}

#[test]
fn put_many_follows_the_order() {
    let lifo = Queue::with_order(Order::Lifo, 0);
    assert_eq!(lifo.put_many([1, 2, 3], Timeout::NoWait), Ok(3));
    assert_eq!(drain(&lifo), [3, 2, 1]);

    let prio = Queue::with_order(Order::Priority, 0);
    prio.put_priority("last", 1, Timeout::NoWait).unwrap();
    prio.put_priority("first", -1, Timeout::NoWait).unwrap();
    prio.put_nowait("zero").unwrap();
    assert_eq!(prio.put_many(["a", "b"], Timeout::NoWait), Ok(2));
    assert_eq!(drain(&prio), ["first", "zero", "a", "b", "last"]);
}

#[test]
fn put_many_with_nothing_to_put_is_ok_zero() {
    let q = filled(Order::Fifo, 1, [1]);
    assert_eq!(q.put_many(Vec::<i32>::new(), Timeout::Forever), Ok(0));
    q.shutdown(false);
    assert_eq!(q.put_many(Vec::<i32>::new(), Timeout::Forever), Ok(0));
    assert_eq!(q.unfinished(), 1);
}

#[test]
fn put_many_on_a_full_queue() {
    let q = filled(Order::Fifo, 2, [1, 2]);
    let mut items = vec![3, 4].into_iter();
    assert_eq!(q.put_many(&mut items, Timeout::NoWait), Err(PutError::Full(())));
    let timeout = Duration::from_millis(40);
    let start = Instant::now();
    assert_eq!(q.put_many(&mut items, Timeout::After(timeout)), Err(PutError::Full(())));
    assert!(start.elapsed() >= timeout);
    assert_eq!(items.len(), 2, "nothing taken from the iterator");
    assert_eq!(q.unfinished(), 2);
}

#[test]
fn put_many_after_shutdown() {
    let q = Queue::new(0);
    q.shutdown(false);
    let mut items = vec![1, 2].into_iter();
    assert_eq!(q.put_many(&mut items, Timeout::Forever), Err(PutError::ShutDown(())));
    assert_eq!(items.len(), 2);
    assert!(q.is_empty());
}

#[test]
fn put_many_waits_for_the_first_slot_only() {
    let q = Arc::new(filled(Order::Fifo, 2, [1, 2]));
    let putter = {
        let q = Arc::clone(&q);
        thread::spawn(move || {
            let mut items = vec![3, 4, 5].into_iter();
            let r = q.put_many(&mut items, Timeout::Forever);
            (r, items.collect::<Vec<_>>())
        })
    };
    assert_blocked(std::slice::from_ref(&putter));
    assert_eq!(q.get_nowait(), Ok(1));
    assert_eq!(putter.join().unwrap(), (Ok(1), vec![4, 5]));
    assert_eq!(drain(&q), [2, 3]);
}

#[test]
fn put_many_wakes_as_many_getters_as_it_puts() {
    let q: Arc<Queue<u32>> = Arc::new(Queue::new(0));
    let getters: Vec<_> = (0..3)
        .map(|_| {
            let q = Arc::clone(&q);
            thread::spawn(move || q.get(Timeout::Forever))
        })
        .collect();
    assert_blocked(&getters);
    assert_eq!(q.put_many([1, 2, 3], Timeout::NoWait), Ok(3));
    let mut got: Vec<u32> = join_all(getters).into_iter().map(Result::unwrap).collect();
    got.sort_unstable();
    assert_eq!(got, [1, 2, 3]);
}

#[test]
fn get_many_with_max_zero_is_ok_zero() {
    let q: Queue<i32> = Queue::new(0);
    let mut out = vec![-1];
    assert_eq!(q.get_many(&mut out, 0, Timeout::Forever), Ok(0));
    q.put_nowait(1).unwrap();
    q.shutdown(false);
    assert_eq!(q.get_many(&mut out, 0, Timeout::Forever), Ok(0));
    assert_eq!(out, [-1]);
    assert_eq!(q.qsize(), 1);
}

#[test]
fn get_many_takes_up_to_max_in_queue_order() {
    for (order, expected) in [(Order::Fifo, [0, 1, 2, 3, 4, 5]), (Order::Lifo, [5, 4, 3, 2, 1, 0])] {
        let q = filled(order, 0, 0..6);
        let mut out = vec![-1];
        assert_eq!(q.get_many(&mut out, 4, Timeout::NoWait), Ok(4));
        assert_eq!(q.get_many(&mut out, 100, Timeout::Forever), Ok(2));
        assert_eq!(out[0], -1, "get_many appends");
        assert_eq!(out[1..], expected, "{order:?}");
        assert_eq!(q.unfinished(), 6, "a get finishes no task");
    }
    let q = Queue::with_order(Order::Priority, 0);
    for (x, p) in [('c', 2), ('a', 0), ('b', 1), ('d', 2)] {
        q.put_priority(x, p, Timeout::NoWait).unwrap();
    }
    let mut out = Vec::new();
    assert_eq!(q.get_many(&mut out, 3, Timeout::NoWait), Ok(3));
    assert_eq!(out, ['a', 'b', 'c']);
}

#[test]
fn get_many_on_an_empty_queue() {
    let q: Queue<u8> = Queue::new(0);
    let mut out = Vec::new();
    assert_eq!(q.get_many(&mut out, 3, Timeout::NoWait), Err(GetError::Empty));
    let timeout = Duration::from_millis(40);
    let start = Instant::now();
    assert_eq!(q.get_many(&mut out, 3, Timeout::After(timeout)), Err(GetError::Empty));
    assert!(start.elapsed() >= timeout);
    assert!(out.is_empty());
}

#[test]
fn get_many_drains_after_shutdown_then_fails() {
    let q = filled(Order::Fifo, 0, [1, 2, 3]);
    q.shutdown(false);
    let mut out = Vec::new();
    assert_eq!(q.get_many(&mut out, 2, Timeout::Forever), Ok(2));
    assert_eq!(q.get_many(&mut out, 2, Timeout::Forever), Ok(1));
    assert_eq!(q.get_many(&mut out, 2, Timeout::Forever), Err(GetError::ShutDown));
    assert_eq!(out, [1, 2, 3]);
}

#[test]
fn a_blocked_get_many_wakes_for_a_single_put() {
    let q = Arc::new(Queue::new(0));
    let getter = {
        let q = Arc::clone(&q);
        thread::spawn(move || {
            let mut out = Vec::new();
            let r = q.get_many(&mut out, 10, Timeout::After(GENEROUS));
            (r, out)
        })
    };
    assert_blocked(std::slice::from_ref(&getter));
    q.put_nowait(7).unwrap();
    assert_eq!(getter.join().unwrap(), (Ok(1), vec![7]));
}

#[test]
fn a_blocked_get_many_wakes_on_shutdown() {
    let q: Arc<Queue<u8>> = Arc::new(Queue::new(0));
    let getter = {
        let q = Arc::clone(&q);
        thread::spawn(move || q.get_many(&mut Vec::new(), 10, Timeout::Forever))
    };
    assert_blocked(std::slice::from_ref(&getter));
    q.shutdown(false);
    assert_eq!(getter.join().unwrap(), Err(GetError::ShutDown));
}

#[test]
fn get_many_freeing_k_slots_wakes_k_putters() {
    const K: usize = 4;
    let q = Arc::new(filled(Order::Fifo, K, 0..K));
    let putters: Vec<_> = (K..2 * K)
        .map(|x| {
            let q = Arc::clone(&q);
            thread::spawn(move || q.put(x, Timeout::Forever))
        })
        .collect();
    assert_blocked(&putters);
    let mut out = Vec::new();
    assert_eq!(q.get_many(&mut out, K, Timeout::NoWait), Ok(K));
    assert_eq!(out, (0..K).collect::<Vec<_>>());
    assert_eq!(join_all(putters), [Ok(()); K]);
    let mut rest = drain(&q);
    rest.sort_unstable();
    assert_eq!(rest, (K..2 * K).collect::<Vec<_>>());
}
