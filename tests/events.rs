//! The pollable descriptors (`get_fd`, `put_fd`): readable exactly while a
//! get (a put) would not block, through every route an item takes (the
//! lock-free ring, the overflow store, LIFO and priority stores, batches,
//! bound changes, shutdown), and flipped with a system call only when that
//! changes, never once per item.

use std::os::fd::{AsRawFd, BorrowedFd};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::{Acquire, Release};
use std::thread;

use tq::{GetError, Order, Queue, Timeout};

#[path = "common/poll.rs"]
mod poll;

/// Whether `fd` polls readable now.
fn readable(fd: BorrowedFd<'_>) -> bool {
    poll::readable(fd.as_raw_fd())
}

/// Waits until `fd` polls readable; `false` after `ms` milliseconds.
fn poll_ms(fd: BorrowedFd<'_>, ms: i32) -> bool {
    let mut p = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut p, 1, ms) == 1 }
}

const ORDERS: [Order; 3] = [Order::Fifo, Order::Lifo, Order::Priority];

#[test]
fn the_get_descriptor_is_readable_exactly_while_an_item_is_queued() {
    // 0 and 4000: unbounded and a bound past the ring, so FIFO items overflow.
    for (order, maxsize) in ORDERS.iter().flat_map(|&o| [(o, 0), (o, 3), (o, 4000)]) {
        let q = Queue::with_order(order, maxsize);
        let fd = q.get_fd().unwrap();
        assert_eq!(
            q.get_fd().unwrap().as_raw_fd(),
            fd.as_raw_fd(),
            "the same descriptor every time"
        );
        assert!(!readable(fd), "{order:?}/{maxsize}: empty");
        q.put(1, Timeout::NoWait).unwrap();
        assert!(readable(fd), "{order:?}/{maxsize}: one item");
        q.put(2, Timeout::NoWait).unwrap();
        q.get(Timeout::NoWait).unwrap();
        assert!(readable(fd), "{order:?}/{maxsize}: one item left");
        q.get(Timeout::NoWait).unwrap();
        assert!(!readable(fd), "{order:?}/{maxsize}: emptied");
        let n = maxsize.clamp(1, 2000);
        assert_eq!(q.put_many(0..n, Timeout::NoWait), Ok(n));
        assert!(readable(fd), "{order:?}/{maxsize}: a batch");
        let mut out = Vec::new();
        assert_eq!(q.get_many(&mut out, n, Timeout::NoWait), Ok(n));
        assert!(!readable(fd), "{order:?}/{maxsize}: a batch emptied it");
        q.shutdown(false);
        assert!(readable(fd), "{order:?}/{maxsize}: shut down, a get does not block");
        assert_eq!(q.get(Timeout::NoWait), Err(GetError::ShutDown));
        assert!(readable(fd), "{order:?}/{maxsize}: still shut down");
    }
}

#[test]
fn a_descriptor_made_after_items_were_queued_shows_them() {
    for order in ORDERS {
        let q = Queue::with_order(order, 0);
        q.put(1, Timeout::NoWait).unwrap();
        assert!(readable(q.get_fd().unwrap()), "{order:?}");
        let q = Queue::with_order(order, 1);
        q.put(1, Timeout::NoWait).unwrap();
        assert!(!readable(q.put_fd().unwrap()), "{order:?}: full");
    }
}

#[test]
fn the_put_descriptor_is_readable_exactly_while_there_is_room() {
    for (order, maxsize) in ORDERS.iter().flat_map(|&o| [(o, 1), (o, 2), (o, 1500)]) {
        let q = Queue::with_order(order, maxsize);
        let fd = q.put_fd().unwrap();
        assert!(readable(fd), "{order:?}/{maxsize}: empty");
        assert_eq!(q.put_many(0..maxsize - 1, Timeout::NoWait), Ok(maxsize - 1));
        assert!(readable(fd), "{order:?}/{maxsize}: one place left");
        q.put(9, Timeout::NoWait).unwrap();
        assert!(!readable(fd), "{order:?}/{maxsize}: full");
        assert!(q.put(9, Timeout::NoWait).is_err());
        assert!(!readable(fd), "{order:?}/{maxsize}: still full");
        q.get(Timeout::NoWait).unwrap();
        assert!(readable(fd), "{order:?}/{maxsize}: room again");
        q.put(9, Timeout::NoWait).unwrap();
        q.set_maxsize(maxsize + 1);
        assert!(readable(fd), "{order:?}/{maxsize}: a grown bound makes room");
        q.set_maxsize(maxsize);
        assert!(!readable(fd), "{order:?}/{maxsize}: shrunk to full");
        q.shutdown(false);
        assert!(readable(fd), "{order:?}/{maxsize}: shut down, a put does not block");
    }
    let unbounded = Queue::new(0);
    let fd = unbounded.put_fd().unwrap();
    unbounded.put_many(0..3000, Timeout::NoWait).unwrap();
    assert!(readable(fd), "an unbounded queue always has room");
}

#[test]
fn an_immediate_shutdown_leaves_both_descriptors_readable() {
    let q = Queue::new(2);
    let (get, put) = (q.get_fd().unwrap(), q.put_fd().unwrap());
    q.put_many([1, 2], Timeout::NoWait).unwrap();
    assert!(readable(get) && !readable(put));
    assert_eq!(q.shutdown(true), [1, 2]);
    assert!(readable(get) && readable(put));
}

#[test]
fn a_poll_wakes_when_another_thread_puts() {
    let q = Arc::new(Queue::new(0));
    let fd = q.get_fd().unwrap().as_raw_fd();
    let putter = {
        let q = Arc::clone(&q);
        thread::spawn(move || {
            thread::sleep(std::time::Duration::from_millis(20));
            q.put(7, Timeout::NoWait).unwrap();
        })
    };
    // SAFETY: the queue (and so its descriptor) outlives this test's use.
    let fd = unsafe { BorrowedFd::borrow_raw(fd) };
    assert!(poll_ms(fd, 10_000), "the put made it readable");
    assert_eq!(q.get(Timeout::NoWait), Ok(7));
    putter.join().unwrap();
}

/// `(write, read)` system calls this process made so far (`/proc/self/io`).
fn syscalls() -> (u64, u64) {
    let io = std::fs::read_to_string("/proc/self/io").expect("Linux /proc/self/io");
    let field = |name: &str| {
        io.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse().ok())
            .expect("a counter")
    };
    (field("syscw:"), field("syscr:"))
}

/// The event-loop pattern over a million items: one thread puts them, the
/// other waits on the descriptor, then gets until `Empty`. Every item is
/// got once, in order, and the descriptor's writes and reads (which are
/// the only ones the process makes meanwhile, save the test harness and
/// the other tests) are far fewer than the items: one of each per burst.
/// The items come in bursts of `BURST` single puts, and the getter drains
/// a burst once it is all in, so that the count does not depend on the
/// timing: with a getter in step with the putter, taking each item as it
/// comes, every item may empty the queue and flip the descriptor twice,
/// as it should (that made this test fail in 1 of 6 runs and more).
#[test]
fn a_million_items_flip_the_descriptor_far_fewer_times() {
    const N: u64 = 1_000_000;
    const BURST: u64 = 1_000;
    let q = Arc::new(Queue::new(0));
    let fd = q.get_fd().unwrap().as_raw_fd();
    // How many items have been put, and how many got.
    let (put, got) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let before = syscalls();
    let producer = {
        let (q, put, got) = (Arc::clone(&q), Arc::clone(&put), Arc::clone(&got));
        thread::spawn(move || {
            for end in (BURST..=N).step_by(BURST as usize) {
                for n in end - BURST..end {
                    q.put(n, Timeout::NoWait).unwrap();
                }
                put.store(end, Release);
                while got.load(Acquire) < end {
                    thread::yield_now();
                }
            }
        })
    };
    // SAFETY: the queue outlives this use of its descriptor.
    let fd = unsafe { BorrowedFd::borrow_raw(fd) };
    let mut next = 0;
    let mut polls = 0u64;
    while next < N {
        assert!(poll_ms(fd, 10_000), "readable while items come");
        polls += 1;
        while put.load(Acquire) < next + BURST {
            thread::yield_now();
        }
        loop {
            match q.get(Timeout::NoWait) {
                Ok(n) => {
                    assert_eq!(n, next, "FIFO order");
                    next += 1;
                }
                Err(GetError::Empty) => break,
                Err(e) => panic!("{e:?}"),
            }
        }
        assert_eq!(next % BURST, 0, "a burst drained whole");
        got.store(next, Release);
    }
    producer.join().unwrap();
    let after = syscalls();
    let (writes, reads) = (after.0 - before.0, after.1 - before.1);
    println!("{N} items: {writes} descriptor writes, {reads} reads, {polls} polls");
    assert_eq!(polls, N / BURST, "one wake-up a burst");
    assert!(
        writes < N / 100,
        "{writes} writes for {N} items in {} bursts",
        N / BURST
    );
    assert!(reads < N / 100, "{reads} reads for {N} items in {} bursts", N / BURST);
    assert!(!readable(fd), "drained");
}
