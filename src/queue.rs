//! The queue: routes items between the lock-free FIFO (a ring or a segment
//! list, see `fifo`) and the locked store (LIFO and priority queues, and the
//! overflow of a ring whose bound was raised past it), and
//! asks `wait` to wait or wake and `tasks` to count. Every operation's
//! semantics are Python's; where Python has no equivalent (batches, join
//! timeouts, stable priorities) the behaviour is the one `docs/semantics.md`
//! fixes.
//!
//! This file holds the queue's parts, its construction and the calls that
//! look at or change its size; the operations are beside it, one file each:
//! `put` (put, put_many), `get` (get, get_many), `join` (task_done, join)
//! and `shutdown`.

use std::collections::VecDeque;
use std::fmt;

use crate::fifo::Fifo;
use crate::store::Store;
use crate::sync::atomic::AtomicU64;
use crate::sync::{Mutex, Padded};
use crate::tasks::Tasks;
use crate::wait::Waiters;
use events::Events;
use pending::Pending;
use wanting::Want;

mod any;
mod events;
mod futures;
mod get;
mod join;
mod pending;
mod poll;
mod put;
mod shutdown;
mod wanting;

pub use any::get_any;
pub(crate) use any::get_any_of;
pub use futures::{GetFuture, JoinFuture, PutFuture};
pub(crate) use get::AfterGet;

/// The order in which a queue hands out its items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Order {
    /// First in, first out (Python's `Queue`).
    Fifo,
    /// Last in, first out (Python's `LifoQueue`).
    Lifo,
    /// Lowest priority first, first in first out among equal priorities
    /// (Python's `PriorityQueue`, made stable).
    Priority,
}

/// The priority of an item put without one (by `put` on a priority queue).
pub const DEFAULT_PRIORITY: i64 = 0;
/// A thread-safe blocking queue with the semantics of Python's `queue.Queue`.
///
/// Bounded (`maxsize > 0`) or unbounded (`maxsize == 0`), in [`Order::Fifo`],
/// [`Order::Lifo`] or [`Order::Priority`] order. Every successful put adds an
/// unfinished task; [`task_done`](Queue::task_done) finishes one and
/// [`join`](Queue::join) waits until none are left. [`shutdown`](Queue::shutdown)
/// makes puts fail, lets gets drain what is queued, and wakes every blocked
/// thread.
///
/// A FIFO queue keeps its items lock-free: bounded at most 1024, in a ring
/// allocated with it; unbounded or bounded above that, in a list of blocks
/// that grows as it fills and keeps up to 32 emptied blocks for reuse. Puts and
/// gets that need not wait take no lock.
/// LIFO and priority queues keep their items in a store behind a mutex, as
/// CPython does. Threads that must wait spin a little, then park on
/// condition variables under that mutex either way.
///
/// Share it between threads with an `Arc` (or scoped threads).
pub struct Queue<T> {
    order: Order,
    /// The lock-free items of a FIFO queue. A full ring under a larger bound
    /// (raised by `set_maxsize`; a segment list is never full below its
    /// bound) overflows: it closes, keeping its items, and puts go to the store
    /// until the get that empties the store (the ring drained before it)
    /// opens it again, so ring items always come before store items. A put
    /// under the lock closes it while it runs, a shrink until the next put
    /// (see `State::shrunk_at`); [`settle`](Queue::settle) opens it again.
    /// A shutdown closes it for good; gets still drain it.
    fifo: Option<Fifo<T>>,
    state: Mutex<State<T>>,
    /// Read on every put and get, written only around a wait: kept away
    /// from the counters that change on every operation.
    waiting: Padded<Waiting>,
    /// The task count (see `tasks`).
    tasks: Padded<Tasks>,
    /// The pollable descriptors, once asked for (see `events`).
    events: Events,
}

/// See `Queue::waiting`.
struct Waiting {
    /// Wait for an item (or shutdown).
    getters: Waiters,
    /// Wait for room (or shutdown).
    putters: Waiters,
    /// Wait for the unfinished count to reach zero.
    joiners: Waiters,
    /// The ticket of the last pending item moved in (see `pending`).
    moved: AtomicU64,
    /// The ticket of the last want served (see `wanting`).
    served: AtomicU64,
}

/// Everything the mutex protects.
struct State<T> {
    /// The items, or a FIFO queue's overflow (see `Queue::fifo`).
    store: Store<T>,
    /// 0 means unbounded.
    maxsize: usize,
    shutdown: bool,
    /// Set by a `set_maxsize` that lowered the ring's bound: the ring's tail
    /// then. The ring stays closed until a put moves its tail past it, so
    /// that a lock-free putter that read the old bound cannot claim a slot
    /// after the shrink (its compare-and-swap expects the old tail).
    shrunk_at: Option<usize>,
    /// Blocked putters' items, oldest first, for a get that makes room to
    /// move in (see `pending`).
    pending: VecDeque<Pending<T>>,
    /// Yielding getters' wants, oldest first, for a put to serve (see
    /// `wanting`).
    wants: VecDeque<Want<T>>,
    /// The last ticket given to a pending item or a want.
    tickets: u64,
}

impl<T> State<T> {
    /// A new ticket for a pending item or a want, above every one before.
    fn next_ticket(&mut self) -> u64 {
        self.tickets += 1;
        self.tickets
    }
}

impl<T> Queue<T> {
    /// A FIFO queue holding at most `maxsize` items; `0` means unbounded
    /// (Python's `Queue(maxsize)`).
    pub fn new(maxsize: usize) -> Self {
        Self::with_order(Order::Fifo, maxsize)
    }

    /// A queue of the given order holding at most `maxsize` items (`0`: unbounded).
    ///
    /// # Panics
    /// When its storage cannot be allocated, as std's collections do;
    /// [`try_with_order`](Queue::try_with_order) returns `None` instead.
    pub fn with_order(order: Order, maxsize: usize) -> Self {
        Self::try_with_order(order, maxsize).expect("out of memory: a queue's storage could not be allocated")
    }

    /// As [`with_order`](Queue::with_order), or `None` when out of memory.
    pub fn try_with_order(order: Order, maxsize: usize) -> Option<Self> {
        let fifo = match order {
            Order::Fifo => Some(Fifo::new(maxsize)?),
            _ => None,
        };
        let store_room = if fifo.is_some() { 0 } else { maxsize };
        Some(Queue {
            order,
            fifo,
            state: Mutex::new(State {
                store: Store::new(order, store_room)?,
                maxsize,
                shutdown: false,
                shrunk_at: None,
                pending: VecDeque::new(),
                wants: VecDeque::new(),
                tickets: 0,
            }),
            waiting: Padded(Waiting {
                getters: Waiters::new(),
                putters: Waiters::new(),
                joiners: Waiters::new(),
                moved: AtomicU64::new(0),
                served: AtomicU64::new(0),
            }),
            tasks: Padded(Tasks::new()),
            events: Events::new(),
        })
    }

    /// The order the queue hands out its items in.
    pub fn order(&self) -> Order {
        self.order
    }

    /// Opens the ring again (with the lock held) where nothing keeps it
    /// closed: the queue is not shut down, no overflow is queued in the
    /// store, and no shrink is waiting for a put to move the tail (see
    /// `State::shrunk_at`).
    #[inline]
    fn settle(&self, s: &mut State<T>) {
        let Some(ring) = &self.fifo else { return };
        if s.shutdown || s.store.len() > 0 {
            return;
        }
        if let Some(at) = s.shrunk_at {
            if ring.tail_position() == at {
                return;
            }
            s.shrunk_at = None;
        }
        ring.reopen();
    }

    /// How many items were ever put into the ring (see `tasks`).
    #[inline]
    fn ring_puts(&self) -> usize {
        self.fifo.as_ref().map_or(0, Fifo::pushed)
    }

    /// How many items are queued, the lock held.
    #[inline]
    fn queued(&self, s: &State<T>) -> usize {
        self.fifo.as_ref().map_or(0, Fifo::len) + s.store.len()
    }

    /// How many items are queued (Python's `qsize`).
    pub fn qsize(&self) -> usize {
        self.queued(&self.state.lock())
    }

    /// How many items are queued: [`qsize`](Queue::qsize) under its Rust name.
    pub fn len(&self) -> usize {
        self.qsize()
    }

    /// Whether no item is queued (Python's `empty`).
    pub fn is_empty(&self) -> bool {
        self.qsize() == 0
    }

    /// Whether the queue is bounded and at its bound (Python's `full`).
    pub fn is_full(&self) -> bool {
        let s = self.state.lock();
        s.maxsize > 0 && self.queued(&s) >= s.maxsize
    }

    /// The bound; `0` means unbounded (Python's `maxsize`).
    pub fn maxsize(&self) -> usize {
        self.state.lock().maxsize
    }

    /// Changes the bound of a live queue (Python's `q.maxsize = n`; `0`:
    /// unbounded). Shrinking keeps every queued item; putters that now fit wake.
    ///
    /// ```
    /// use tq::{Queue, Timeout};
    ///
    /// let q = Queue::new(0);
    /// q.put_many([1, 2, 3], Timeout::NoWait).unwrap();
    /// q.set_maxsize(2);
    /// assert_eq!(q.qsize(), 3, "shrinking keeps every item");
    /// assert!(q.is_full());
    /// ```
    pub fn set_maxsize(&self, maxsize: usize) {
        let mut s = self.state.lock();
        s.maxsize = maxsize;
        if let Some(ring) = &self.fifo {
            let bound = ring_bound(maxsize, ring.capacity());
            if bound < ring.bound() {
                // A putter that read the old bound must not claim after this.
                ring.close();
                s.shrunk_at = Some(ring.tail_position());
            }
            ring.set_bound(bound);
        }
        // A raised bound makes room for the pending items.
        let moved = self.serve_pending(&mut s);
        self.sync_signals(&s);
        drop(s);
        self.waiting.getters.wake_listed(moved);
        self.waiting.putters.notify_all();
    }

    /// How many put items have not been marked done yet (Python's `unfinished_tasks`).
    pub fn unfinished(&self) -> usize {
        self.tasks.unfinished(|| self.ring_puts())
    }

    /// Whether [`shutdown`](Queue::shutdown) has been called (Python's `is_shutdown`).
    pub fn is_shutdown(&self) -> bool {
        self.state.lock().shutdown
    }

    /// Consumes the queue and returns the items still in it, in queue order.
    pub fn into_items(self) -> Vec<T> {
        let mut s = self.state.lock();
        self.take_all(&mut s).collect()
    }
}

/// The bound a ring of `capacity` slots (a list: `usize::MAX`) enforces
/// for a queue of `maxsize`: the queue's own if it fits, else the whole
/// ring (the rest overflows).
fn ring_bound(maxsize: usize, capacity: usize) -> usize {
    if maxsize == 0 { capacity } else { maxsize.min(capacity) }
}

impl<T> fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.state.lock();
        f.debug_struct("Queue")
            .field("order", &self.order)
            .field("qsize", &self.queued(&s))
            .field("maxsize", &s.maxsize)
            .field("unfinished", &self.unfinished())
            .field("shutdown", &s.shutdown)
            .finish()
    }
}

#[cfg(all(test, not(loom), not(shuttle)))]
mod tests {
    /// `tests/common/ring.rs` repeats the ring's capacity for the tests that
    /// cross from the ring into the store; this keeps the two the same.
    #[test]
    fn the_tests_know_the_ring_capacity() {
        let mirror = include_str!("../tests/common/ring.rs");
        let expected = format!("pub const RING_CAPACITY: usize = {};", crate::fifo::RING_CAPACITY);
        assert!(mirror.contains(&expected), "tests/common/ring.rs must say `{expected}`");
    }
}
