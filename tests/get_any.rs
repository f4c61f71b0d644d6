//! `get_any`: one item from whichever of several queues has one, with each
//! queue's order kept, no queue starved, shut-down queues passed over, and
//! a blocked caller woken by a put to any queue or the last shutdown; and a
//! checksummed stress run of get_any consumers beside plain ones.

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use tq::{GetError, Order, Queue, Timeout, get_any};

#[test]
fn takes_from_the_queue_that_has_an_item_and_says_which() {
    let (a, b, c) = (Queue::new(0), Queue::with_order(Order::Lifo, 0), Queue::new(0));
    assert_eq!(get_any(&[&a, &b, &c], Timeout::NoWait), Err(GetError::Empty));
    b.put_many([1, 2], Timeout::NoWait).unwrap();
    assert_eq!(
        get_any(&[&a, &b, &c], Timeout::NoWait),
        Ok((1, 2)),
        "b's own (LIFO) order"
    );
    assert_eq!(get_any(&[&a, &b, &c], Timeout::NoWait), Ok((1, 1)));
    assert_eq!((b.unfinished(), a.unfinished()), (2, 0), "b's tasks: got, not done");
    assert_eq!(get_any::<u32>(&[], Timeout::NoWait), Err(GetError::Empty));
    assert_eq!(
        get_any(&[&c, &c], Timeout::NoWait),
        Err(GetError::Empty),
        "the same queue twice"
    );
    c.put(9, Timeout::NoWait).unwrap();
    assert_eq!(get_any(&[&c, &c], Timeout::NoWait).map(|(_, n)| n), Ok(9));
}

#[test]
fn no_queue_starves_when_all_have_items() {
    let queues: Vec<Queue<usize>> = (0..3).map(|_| Queue::new(0)).collect();
    for (i, q) in queues.iter().enumerate() {
        q.put_many(std::iter::repeat_n(i, 1000), Timeout::NoWait).unwrap();
    }
    let refs: Vec<&Queue<usize>> = queues.iter().collect();
    let mut served = [0; 3];
    for _ in 0..900 {
        let (i, item) = get_any(&refs, Timeout::NoWait).unwrap();
        assert_eq!(item, i);
        served[i] += 1;
    }
    assert!(served.iter().all(|&n| n >= 200), "served {served:?}");
}

#[test]
fn shut_down_queues_are_passed_over_until_all_are() {
    let (a, b) = (Queue::new(0), Queue::new(0));
    a.put(1, Timeout::NoWait).unwrap();
    a.shutdown(false);
    assert_eq!(get_any(&[&a, &b], Timeout::NoWait), Ok((0, 1)), "a drains first");
    assert_eq!(
        get_any(&[&a, &b], Timeout::NoWait),
        Err(GetError::Empty),
        "b is still open"
    );
    let started = Instant::now();
    assert_eq!(
        get_any(&[&a, &b], Timeout::After(Duration::from_millis(30))),
        Err(GetError::Empty)
    );
    assert!(started.elapsed() >= Duration::from_millis(30), "waited out its timeout");
    b.shutdown(false);
    assert_eq!(get_any(&[&a, &b], Timeout::Forever), Err(GetError::ShutDown));
}

#[test]
fn a_blocked_caller_wakes_on_a_put_to_any_queue() {
    for target in 0..3 {
        let queues: Arc<Vec<Queue<u32>>> = Arc::new((0..3).map(|_| Queue::new(1)).collect());
        let waiter = {
            let queues = Arc::clone(&queues);
            thread::spawn(move || get_any(&queues.iter().collect::<Vec<_>>(), Timeout::Forever))
        };
        thread::sleep(Duration::from_millis(10));
        queues[target].put(7, Timeout::NoWait).unwrap();
        assert_eq!(waiter.join().unwrap(), Ok((target, 7)));
    }
}

#[test]
fn a_blocked_caller_wakes_when_the_last_open_queue_shuts_down() {
    let queues: Arc<[Queue<u32>; 2]> = Arc::new([Queue::new(0), Queue::new(0)]);
    let waiter = {
        let queues = Arc::clone(&queues);
        thread::spawn(move || get_any(&[&queues[0], &queues[1]], Timeout::Forever))
    };
    queues[1].shutdown(false);
    thread::sleep(Duration::from_millis(10));
    assert!(!waiter.is_finished(), "queue 0 is still open");
    queues[0].shutdown(false);
    assert_eq!(waiter.join().unwrap(), Err(GetError::ShutDown));
}

/// Producers put numbered items into three queues of every order; get_any
/// consumers and a plain getter on the first queue take them. Every item is
/// got exactly once, and a get_any consumer sees each FIFO producer's items
/// in order.
#[test]
fn stress_every_item_exactly_once() {
    const PER_PRODUCER: u64 = 30_000;
    const PRODUCERS: u64 = 3;
    let queues: Arc<[Queue<u64>; 3]> = Arc::new([
        Queue::new(4),
        Queue::with_order(Order::Lifo, 8),
        Queue::with_order(Order::Priority, 0),
    ]);
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let queues = Arc::clone(&queues);
            thread::spawn(move || {
                for seq in 0..PER_PRODUCER {
                    let item = p << 32 | seq;
                    queues[(seq % 3) as usize].put(item, Timeout::Forever).unwrap();
                }
            })
        })
        .collect();
    let consumers: Vec<_> = (0..3)
        .map(|_| {
            let queues = Arc::clone(&queues);
            thread::spawn(move || {
                let refs = [&queues[0], &queues[1], &queues[2]];
                let mut got = Vec::new();
                let mut last_fifo = [None; PRODUCERS as usize];
                for call in 0u32.. {
                    // Timed waits now and then, to cover timing out while listed.
                    let timeout = if call % 4 == 0 {
                        Timeout::After(Duration::from_millis(1))
                    } else {
                        Timeout::Forever
                    };
                    let (i, item) = match get_any(&refs, timeout) {
                        Ok(got) => got,
                        Err(GetError::Empty) => continue,
                        Err(GetError::ShutDown) => break,
                    };
                    if i == 0 {
                        let p = (item >> 32) as usize;
                        assert!(last_fifo[p] < Some(item), "FIFO order within producer {p}");
                        last_fifo[p] = Some(item);
                    }
                    got.push(item);
                }
                got
            })
        })
        .collect();
    let plain = {
        let queues = Arc::clone(&queues);
        thread::spawn(move || std::iter::from_fn(|| queues[0].get(Timeout::Forever).ok()).collect::<Vec<_>>())
    };
    for p in producers {
        p.join().unwrap();
    }
    for q in queues.iter() {
        q.shutdown(false);
    }
    let mut all: Vec<u64> = consumers.into_iter().flat_map(|c| c.join().unwrap()).collect();
    all.extend(plain.join().unwrap());
    all.sort_unstable();
    let expected: Vec<u64> = (0..PRODUCERS)
        .flat_map(|p| (0..PER_PRODUCER).map(move |s| p << 32 | s))
        .collect();
    assert_eq!(all.len(), expected.len(), "no item lost or duplicated");
    assert!(all == expected, "every item exactly once");
}
