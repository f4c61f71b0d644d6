//! Many threads on one queue, with checksums: every item is got exactly once,
//! and each consumer sees each producer's items in the order they were put.
//! Aimed at the lock-free ring's races (small rings, so that puts and gets
//! keep meeting in the same slots), while its bound changes and while it
//! overflows into the locked store and back, and at the segment list's
//! (unbounded: producers and consumers crossing block boundaries).

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use tq::{GetError, Queue, Timeout};

const PRODUCERS: usize = 3;
const CONSUMERS: usize = 3;
/// Items per producer (Miri runs a few: it is some 1000x slower).
const PER_PRODUCER: u64 = if cfg!(miri) { 30 } else { 20_000 };

/// An item: the producer in the high bits, its sequence number in the low ones.
fn item(producer: usize, seq: u64) -> u64 {
    (producer as u64) << 32 | seq
}

/// Puts this producer's items, alternating single puts and batches of 3.
fn produce(q: &Queue<u64>, producer: usize) {
    let mut seq = 0;
    while seq < PER_PRODUCER {
        if seq % 2 == 0 {
            let batch = (seq..PER_PRODUCER.min(seq + 3))
                .map(|s| item(producer, s))
                .collect::<Vec<_>>();
            let mut batch = batch.into_iter();
            while batch.len() > 0 {
                // A timeout now and then exercises the timed waits too.
                match q.put_many(&mut batch, Timeout::After(Duration::from_millis(1))) {
                    Ok(n) => seq += n as u64,
                    Err(e) => assert!(matches!(e, tq::PutError::Full(())), "unexpected {e:?}"),
                }
            }
        } else {
            q.put(item(producer, seq), Timeout::Forever).unwrap();
            seq += 1;
        }
    }
}

/// Gets until shutdown, checking that each producer's items come in order;
/// returns what it got.
fn consume(q: &Queue<u64>) -> Vec<u64> {
    let mut got = Vec::new();
    let mut next = [0u64; PRODUCERS];
    let mut check = |x: u64| {
        let (p, seq) = ((x >> 32) as usize, x & 0xffff_ffff);
        assert!(seq >= next[p], "producer {p}: {seq} after {}", next[p]);
        next[p] = seq + 1;
        got.push(x);
    };
    loop {
        let mut batch = Vec::new();
        match q.get_many(&mut batch, 2, Timeout::After(Duration::from_millis(1))) {
            Ok(_) => batch.into_iter().for_each(&mut check),
            Err(GetError::Empty) => continue,
            Err(GetError::ShutDown) => break,
        }
        match q.get(Timeout::Forever) {
            Ok(x) => check(x),
            Err(GetError::ShutDown) => break,
            Err(GetError::Empty) => unreachable!("a get without timeout never finds it empty"),
        }
    }
    got
}

/// Runs producers and consumers on `q` while `meddle` runs on this thread,
/// then checks that every item came out exactly once.
fn run(q: Queue<u64>, meddle: impl FnOnce(&Queue<u64>)) {
    let q = Arc::new(q);
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let q = Arc::clone(&q);
            thread::spawn(move || produce(&q, p))
        })
        .collect();
    let consumers: Vec<_> = (0..CONSUMERS)
        .map(|_| {
            let q = Arc::clone(&q);
            thread::spawn(move || consume(&q))
        })
        .collect();
    meddle(&q);
    producers.into_iter().for_each(|p| p.join().unwrap());
    q.shutdown(false);
    let mut all: Vec<u64> = consumers.into_iter().flat_map(|c| c.join().unwrap()).collect();
    all.sort_unstable();
    let expected: Vec<u64> = (0..PRODUCERS)
        .flat_map(|p| (0..PER_PRODUCER).map(move |s| item(p, s)))
        .collect();
    assert_eq!(all.len(), expected.len(), "items lost or duplicated");
    assert_eq!(all, expected);
    assert_eq!(q.unfinished() as u64, PRODUCERS as u64 * PER_PRODUCER);
}

#[test]
fn a_ring_of_one_hands_every_item_over_once_and_in_order() {
    run(Queue::new(1), |_| {});
}

#[test]
fn a_ring_keeps_every_item_while_its_bound_changes() {
    run(Queue::new(3), |q| {
        for round in 0..if cfg!(miri) { 5 } else { 200 } {
            q.set_maxsize(1 + round % 3);
            thread::sleep(Duration::from_micros(200));
        }
    });
}

#[test]
fn a_ring_overflowing_into_the_store_and_back_keeps_every_item() {
    run(Queue::new(2), |q| {
        thread::sleep(Duration::from_millis(20));
        q.set_maxsize(5);
    });
}

#[test]
fn an_unbounded_queue_keeps_every_item_across_its_segment_blocks() {
    run(Queue::new(0), |_| {});
}
