//! The queue: routes items between the lock-free ring (FIFO queues) and the
//! locked store (LIFO and priority queues, and a FIFO queue's overflow), and
//! asks `wait` to wait or wake and `tasks` to count. Every operation's
//! semantics are Python's; where Python has no equivalent (batches, join
//! timeouts, stable priorities) the behaviour is the one `docs/semantics.md`
//! fixes.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};

use crate::error::{GetError, JoinTimeout, PutError, TooManyDone};
use crate::ring::{Popped, Ring, Taken};
use crate::store::{Drain, Order, Store};
use crate::sync::{Mutex, MutexGuard, Padded};
use crate::tasks::Tasks;
use crate::timeout::{Expiry, Timeout};
use crate::wait::{Backoff, Spin, Waiters, wait};

/// The priority of an item put without one (by `put` on a priority queue).
pub const DEFAULT_PRIORITY: i64 = 0;

/// How many items a FIFO queue holds in its lock-free ring, at most: the
/// ring has `min(maxsize, RING_CAPACITY)` slots, allocated with the queue
/// (`RING_CAPACITY` when unbounded). A bounded queue that fits the ring never
/// needs more; one with a larger bound, or an unbounded one, overflows into
/// the locked store when the ring is full, and goes back to the ring once
/// gets have emptied the store.
pub const RING_CAPACITY: usize = 1024;

/// A thread-safe blocking queue with the semantics of Python's `queue.Queue`.
///
/// Bounded (`maxsize > 0`) or unbounded (`maxsize == 0`), in [`Order::Fifo`],
/// [`Order::Lifo`] or [`Order::Priority`] order. Every successful put adds an
/// unfinished task; [`task_done`](Queue::task_done) finishes one and
/// [`join`](Queue::join) waits until none are left. [`shutdown`](Queue::shutdown)
/// makes puts fail, lets gets drain what is queued, and wakes every blocked
/// thread.
///
/// A FIFO queue keeps its items in a lock-free ring (up to
/// [`RING_CAPACITY`] of them): puts and gets that need not wait take no lock.
/// LIFO and priority queues, and a FIFO queue's overflow, keep them in a
/// store behind a mutex, as CPython does. Threads that must wait spin a
/// little, then park on condition variables under that mutex either way.
///
/// Share it between threads with an `Arc` (or scoped threads).
pub struct Queue<T> {
    order: Order,
    /// The lock-free items of a FIFO queue. A full ring under a larger bound
    /// overflows: it closes, keeping its items, and puts go to the store
    /// until the get that empties the store (the ring drained before it)
    /// opens it again, so ring items always come before store items. A put
    /// under the lock closes it while it runs, a shrink until the next put
    /// (see `State::shrunk_at`); [`settle`](Queue::settle) opens it again.
    /// A shutdown closes it for good; gets still drain it.
    ring: Option<Ring<T>>,
    state: Mutex<State<T>>,
    /// Read on every put and get, written only around a wait: kept away
    /// from the counters that change on every operation.
    waiting: Padded<Waiting>,
    /// The task count (see `tasks`).
    tasks: Padded<Tasks>,
}

/// See `Queue::waiting`.
struct Waiting {
    /// Wait for an item (or shutdown).
    getters: Waiters,
    /// Wait for room (or shutdown).
    putters: Waiters,
    /// Wait for the unfinished count to reach zero.
    joiners: Waiters,
}

/// Everything the mutex protects.
struct State<T> {
    /// The items, or a FIFO queue's overflow (see `Queue::ring`).
    store: Store<T>,
    /// 0 means unbounded.
    maxsize: usize,
    shutdown: bool,
    /// Set by a `set_maxsize` that lowered the ring's bound: the ring's tail
    /// then. The ring stays closed until a put moves its tail past it, so
    /// that a lock-free putter that read the old bound cannot claim a slot
    /// after the shrink (its compare-and-swap expects the old tail).
    shrunk_at: Option<usize>,
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
        let ring = match order {
            Order::Fifo => Some(Ring::new(ring_bound(maxsize, RING_CAPACITY))?),
            _ => None,
        };
        let store_room = if ring.is_some() { 0 } else { maxsize };
        Some(Queue {
            order,
            ring,
            state: Mutex::new(State {
                store: Store::new(order, store_room)?,
                maxsize,
                shutdown: false,
                shrunk_at: None,
            }),
            waiting: Padded(Waiting {
                getters: Waiters::new(),
                putters: Waiters::new(),
                joiners: Waiters::new(),
            }),
            tasks: Padded(Tasks::new()),
        })
    }

    /// The order the queue hands out its items in.
    pub fn order(&self) -> Order {
        self.order
    }

    /// Puts `item`, waiting up to `timeout` for room (Python's `put`).
    ///
    /// On a priority queue the item gets [`DEFAULT_PRIORITY`]. Fails with
    /// [`PutError::Full`] when there is still no room at the timeout and with
    /// [`PutError::ShutDown`] once the queue is shut down, handing the item back.
    /// Success adds one unfinished task.
    ///
    /// ```
    /// use std::time::Duration;
    /// use tq::{PutError, Queue, Timeout};
    ///
    /// let q = Queue::new(1);
    /// q.put("a", Timeout::Forever).unwrap();
    /// // Full: after 10 ms the item comes back.
    /// let wait = Timeout::After(Duration::from_millis(10));
    /// assert_eq!(q.put("b", wait), Err(PutError::Full("b")));
    /// ```
    pub fn put(&self, item: T, timeout: Timeout) -> Result<(), PutError<T>> {
        self.put_at(item, DEFAULT_PRIORITY, timeout)
    }

    /// Puts `item` without blocking (Python's `put_nowait`).
    pub fn put_nowait(&self, item: T) -> Result<(), PutError<T>> {
        self.put(item, Timeout::NoWait)
    }

    /// Puts `item` with a priority: on an [`Order::Priority`] queue, lower
    /// priorities come out first and equal priorities in the order they were
    /// put. Any other queue rejects it with [`PutError::NotPriority`].
    pub fn put_priority(&self, item: T, priority: i64, timeout: Timeout) -> Result<(), PutError<T>> {
        if self.order != Order::Priority {
            return Err(PutError::NotPriority(item));
        }
        self.put_at(item, priority, timeout)
    }

    fn put_at(&self, item: T, priority: i64, timeout: Timeout) -> Result<(), PutError<T>> {
        #[cfg(feature = "fault-injection")]
        fault::panic_if_armed(&self.state);
        // The lock-free path first; the lock only when the ring refuses.
        let item = match &self.ring {
            Some(ring) => match ring.push(item) {
                Ok(()) => {
                    self.waiting.getters.notify_one(&self.state);
                    return Ok(());
                }
                Err((item, _)) => item,
            },
            None => item,
        };
        let mut item = Some(item);
        let mut take = || item.take().expect("an item is taken once");
        let (s, put) = self.wait_for_room(timeout, |s| self.try_put(s, priority, &mut take, 1));
        drop(s);
        match put.unwrap_or(Err(PutError::Full(()))) {
            Ok(_) => Ok(()),
            Err(e) => Err(e.map(|()| item.take().expect("a refused item is kept"))),
        }
    }

    /// Puts the items `next` yields, up to `max` of them, while there is room
    /// now, announcing each to a parked getter; `Ok(n)` says how many went
    /// in (at least one), `None` that not even the first fitted (`next` is
    /// not called then). Runs with the lock held, and keeps lock-free putters
    /// out until it is done, so that no other put lands between its items.
    ///
    /// `next` is called only once a place is held for its item, so a panic
    /// in it (a caller's iterator) leaves the items put before it, and
    /// nothing else.
    fn try_put(
        &self,
        s: &mut State<T>,
        priority: i64,
        next: &mut impl FnMut() -> T,
        max: usize,
    ) -> Option<Result<usize, PutError<()>>> {
        if s.shutdown {
            return Some(Err(PutError::ShutDown(())));
        }
        let mut n = 0;
        let put = panic::catch_unwind(AssertUnwindSafe(|| {
            while n < max {
                match self.put_locked(s, priority, next) {
                    Some(Ok(())) => self.waiting.getters.notify_one_locked(),
                    Some(Err(e)) if n == 0 => return Some(Err(e)),
                    None if n == 0 => return None,
                    _ => break,
                }
                n += 1;
            }
            Some(Ok(n))
        }));
        // Whatever happened (room, none, overflow, no memory, a panic), the
        // ring is open again unless something keeps it closed.
        self.settle(s);
        put.unwrap_or_else(|panic| panic::resume_unwind(panic))
    }

    /// One item of [`try_put`](Queue::try_put), without the clean-up: may
    /// leave the ring closed.
    fn put_locked(
        &self,
        s: &mut State<T>,
        priority: i64,
        next: &mut impl FnMut() -> T,
    ) -> Option<Result<(), PutError<()>>> {
        if let Some(ring) = &self.ring
            && s.store.len() == 0
        {
            // The ring's turn (no overflow ahead of it). Closed, so that the
            // room found stays free for `next`'s item.
            ring.close();
            if ring.has_room_closed() {
                ring.push_closed(next());
                return Some(Ok(()));
            }
            if s.maxsize != 0 && s.maxsize <= ring.capacity() {
                return None;
            }
            // Full, but the queue's bound is above the ring's: overflow. The
            // ring stays closed, its items ahead of the store's.
        }
        if s.maxsize > 0 && self.len(s) >= s.maxsize {
            return None;
        }
        if s.store.reserve(1).is_err() {
            return Some(Err(PutError::NoMemory(())));
        }
        s.store.push(next(), priority);
        self.tasks.stored_one();
        Some(Ok(()))
    }

    /// Opens the ring again (with the lock held) where nothing keeps it
    /// closed: the queue is not shut down, no overflow is queued in the
    /// store, and no shrink is waiting for a put to move the tail (see
    /// `State::shrunk_at`).
    fn settle(&self, s: &mut State<T>) {
        let Some(ring) = &self.ring else { return };
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

    /// [`wait`](Queue::wait)s as a putter: until `attempt` finds room.
    fn wait_for_room<R>(
        &self,
        timeout: Timeout,
        attempt: impl FnMut(&mut State<T>) -> Option<R>,
    ) -> (MutexGuard<'_, State<T>>, Option<R>) {
        let may_put = || self.ring.as_ref().is_some_and(Ring::may_claim);
        wait(
            &self.state,
            &self.waiting.putters,
            &mut Expiry::new(timeout),
            Spin::Until(may_put),
            attempt,
        )
    }

    /// Puts items in order: waits up to `timeout` until the first one fits,
    /// then puts as many more as fit without waiting again. Returns how many
    /// went in.
    ///
    /// Items are taken from the iterator only once there is room for them, so
    /// passing `&mut iter` keeps the ones that did not fit in `iter`. An empty
    /// iterator returns `Ok(0)` at once. If not even the first item fits, the
    /// error says why (`Full`, `ShutDown`, `NoMemory`). On a priority queue
    /// every item gets [`DEFAULT_PRIORITY`]. The iterator runs while the queue
    /// is locked and a place is held for its item: it must be quick and must
    /// not use the queue. If it panics, the items put before stay put and
    /// the panic goes on to the caller.
    ///
    /// ```
    /// use tq::{Queue, Timeout};
    ///
    /// let q = Queue::new(3);
    /// let mut items = 1..6;
    /// assert_eq!(q.put_many(&mut items, Timeout::NoWait), Ok(3));
    /// assert_eq!(items.collect::<Vec<_>>(), [4, 5], "what did not fit stays");
    /// ```
    pub fn put_many<I>(&self, items: I, timeout: Timeout) -> Result<usize, PutError<()>>
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: ExactSizeIterator,
    {
        let mut items = items.into_iter();
        if items.len() == 0 {
            return Ok(0);
        }
        let total = items.len();
        let mut next = || items.next().expect("an ExactSizeIterator with len() > 0 yields");
        let (_s, put) = self.wait_for_room(timeout, |s| self.try_put(s, DEFAULT_PRIORITY, &mut next, total));
        put.unwrap_or(Err(PutError::Full(())))
    }

    /// Takes the next item, waiting up to `timeout` for one (Python's `get`).
    ///
    /// Fails with [`GetError::Empty`] when nothing arrived by the timeout, and
    /// with [`GetError::ShutDown`] once the queue is shut down and drained.
    ///
    /// ```
    /// use tq::{GetError, Queue, Timeout};
    ///
    /// let q = Queue::new(0);
    /// assert_eq!(q.get(Timeout::NoWait), Err(GetError::Empty));
    /// q.put(7, Timeout::NoWait).unwrap();
    /// assert_eq!(q.get(Timeout::Forever), Ok(7));
    /// ```
    pub fn get(&self, timeout: Timeout) -> Result<T, GetError> {
        // The lock-free path first, spinning on an open ring while the
        // timeout allows; the lock only when that finds nothing.
        let mut spun = false;
        let mut expiry = Expiry::new(timeout);
        if let Some(ring) = &self.ring {
            let popped = match ring.pop() {
                Popped::Empty if timeout != Timeout::NoWait => Backoff::new(&mut expiry).spin(
                    || ring.may_pop(),
                    || match ring.pop() {
                        Popped::Empty => None,
                        popped => Some(popped),
                    },
                ),
                popped => Some(popped),
            };
            match popped {
                Some(Popped::Item(item)) => {
                    self.waiting.putters.notify_one(&self.state);
                    return Ok(item);
                }
                // Spun all along on an open, empty ring: time to park.
                None => spun = true,
                Some(_) => {}
            }
        }
        let (_s, got) = self.wait_for_item(&mut expiry, spun);
        let result = got.unwrap_or(Err(GetError::Empty));
        if result.is_ok() {
            self.waiting.putters.notify_one_locked();
        }
        result
    }

    /// Takes the next item if there is one now; `None` when there is not and
    /// the queue is not shut down. Runs with the lock held.
    fn try_get(&self, s: &mut State<T>) -> Option<Result<T, GetError>> {
        if let Some(ring) = &self.ring {
            match ring.pop() {
                Popped::Item(item) => return Some(Ok(item)),
                Popped::Empty => return None,
                // Closed and empty: what is left (if anything) is in the store.
                Popped::Drained => {}
            }
        }
        match s.store.pop() {
            Some(item) => {
                // The overflow may be drained: back to the (empty) ring.
                self.settle(s);
                Some(Ok(item))
            }
            None if s.shutdown => Some(Err(GetError::ShutDown)),
            None => None,
        }
    }

    /// Waits as a getter (spinning first unless the caller has spun
    /// already): until an item is there, or the queue is shut down and drained.
    fn wait_for_item(&self, expiry: &mut Expiry, spun: bool) -> (MutexGuard<'_, State<T>>, Option<Result<T, GetError>>) {
        // A look without the lock: whether the ring may have an item.
        let may_get = || self.ring.as_ref().is_some_and(Ring::may_pop);
        let spin = if spun { Spin::No } else { Spin::Until(may_get) };
        wait(&self.state, &self.waiting.getters, expiry, spin, |s| self.try_get(s))
    }

    /// Takes the next item without blocking (Python's `get_nowait`).
    pub fn get_nowait(&self) -> Result<T, GetError> {
        self.get(Timeout::NoWait)
    }

    /// Waits up to `timeout` until at least one item is there, then moves up
    /// to `max` of the items available into `out`, in queue order. Returns how
    /// many were moved; `max == 0` returns `Ok(0)` at once. Errors as [`get`](Queue::get).
    /// `out.extend` runs while the queue is locked: it must not use the queue.
    ///
    /// ```
    /// use tq::{Queue, Timeout};
    ///
    /// let q = Queue::new(0);
    /// q.put_many(1..6, Timeout::NoWait).unwrap();
    /// let mut got = Vec::new();
    /// assert_eq!(q.get_many(&mut got, 3, Timeout::Forever), Ok(3));
    /// assert_eq!(got, [1, 2, 3]);
    /// ```
    pub fn get_many<E: Extend<T>>(&self, out: &mut E, max: usize, timeout: Timeout) -> Result<usize, GetError> {
        if max == 0 {
            return Ok(0);
        }
        let (mut s, first) = self.wait_for_item(&mut Expiry::new(timeout), false);
        let first = first.unwrap_or(Err(GetError::Empty))?;
        // Each item taken is counted and wakes one putter as it leaves the
        // queue; an `Extend` that stops early leaves the rest queued.
        let mut moved = 0;
        let mut first = Some(first);
        let items = std::iter::from_fn(|| first.take().or_else(|| self.try_get(&mut s)?.ok()));
        out.extend(items.take(max).inspect(|_| {
            moved += 1;
            self.waiting.putters.notify_one_locked();
        }));
        Ok(moved)
    }

    /// Marks one task done (Python's `task_done`). When the unfinished count
    /// reaches zero, every `join` returns. Fails, changing nothing, when the
    /// count is already zero.
    ///
    /// ```
    /// use tq::{Queue, Timeout, TooManyDone};
    ///
    /// let q = Queue::new(0);
    /// q.put("job", Timeout::NoWait).unwrap();
    /// let _job = q.get(Timeout::NoWait).unwrap();
    /// assert_eq!(q.task_done(), Ok(()));
    /// assert_eq!(q.task_done(), Err(TooManyDone), "one put, one task");
    /// ```
    pub fn task_done(&self) -> Result<(), TooManyDone> {
        self.task_done_n(1)
    }

    /// Marks `n` tasks done at once, all or nothing: `n` above the unfinished
    /// count fails and changes nothing; `n == 0` does nothing.
    pub fn task_done_n(&self, n: usize) -> Result<(), TooManyDone> {
        if n == 0 {
            return Ok(());
        }
        if self.tasks.finish(n, || self.ring_puts())? {
            // The joiner that set the flag did so with the lock held and keeps
            // it until it parks: once we hold the lock, the notify reaches it.
            drop(self.state.lock());
            self.waiting.joiners.notify_all();
        }
        Ok(())
    }

    /// How many items were ever put into the ring (see `tasks`).
    fn ring_puts(&self) -> usize {
        self.ring.as_ref().map_or(0, Ring::pushed)
    }

    /// Waits up to `timeout` until every put item has been marked done
    /// (Python's `join`, plus a timeout). As in Python, shutting down does not
    /// end a join by itself; an immediate shutdown counts the items it
    /// discards as done.
    ///
    /// ```
    /// use std::time::Duration;
    /// use tq::{JoinTimeout, Queue, Timeout};
    ///
    /// let q = Queue::new(0);
    /// q.put(1, Timeout::NoWait).unwrap();
    /// assert_eq!(q.join(Timeout::After(Duration::from_millis(5))), Err(JoinTimeout));
    /// q.get(Timeout::NoWait).unwrap();
    /// q.task_done().unwrap();
    /// assert_eq!(q.join(Timeout::Forever), Ok(()));
    /// ```
    pub fn join(&self, timeout: Timeout) -> Result<(), JoinTimeout> {
        if self.unfinished() > 0 {
            // `task_done` learns of joiners from the task count's flag.
            let all_done = |_: &mut State<T>| self.tasks.register_joiner(|| self.ring_puts()).then_some(());
            let never = || false;
            let (_s, done) = wait(&self.state, &self.waiting.joiners, &mut Expiry::new(timeout), Spin::Until(never), all_done);
            // What the wait saw decides: a put after it must not turn an
            // ended join into a timeout.
            return done.ok_or(JoinTimeout);
        }
        Ok(())
    }

    /// Shuts the queue down (Python's `shutdown`); calling it again is harmless.
    ///
    /// Afterwards every put fails with `ShutDown`, gets drain what is queued
    /// and then fail with `ShutDown`, and every blocked putter and getter
    /// wakes. With `immediate`, the queued items are removed at once, each
    /// counted as a finished task, and returned (in queue order) so the caller
    /// can dispose of them; otherwise the returned vector is empty.
    ///
    /// ```
    /// use tq::{GetError, PutError, Queue, Timeout};
    ///
    /// let q = Queue::new(0);
    /// q.put_many([1, 2], Timeout::NoWait).unwrap();
    /// assert!(q.shutdown(false).is_empty(), "a graceful shutdown keeps the items");
    /// assert_eq!(q.put(3, Timeout::NoWait), Err(PutError::ShutDown(3)));
    /// assert_eq!(q.get(Timeout::Forever), Ok(1), "gets drain");
    /// assert_eq!(q.shutdown(true), [2], "an immediate one hands them back");
    /// assert_eq!(q.get(Timeout::Forever), Err(GetError::ShutDown));
    /// ```
    pub fn shutdown(&self, immediate: bool) -> Vec<T> {
        self.shut_down(immediate).collect()
    }

    /// [`shutdown`](Queue::shutdown), handing the discarded items out one by
    /// one rather than in a vector, so that it allocates nothing (the C ABI
    /// passes them to the destroy callback, without the lock).
    pub(crate) fn shut_down(&self, immediate: bool) -> Discarded<'_, T> {
        let mut s = self.state.lock();
        s.shutdown = true;
        if let Some(ring) = &self.ring {
            ring.close();
        }
        let discarded = if immediate {
            self.take_all(&mut s)
        } else {
            Discarded { ring: None, store: None }
        };
        self.tasks.discard(discarded.len(), || self.ring_puts());
        drop(s);
        self.waiting.getters.notify_all();
        self.waiting.putters.notify_all();
        if immediate {
            self.waiting.joiners.notify_all();
        }
        discarded
    }

    /// Removes every queued item at once, to be handed out in queue order.
    fn take_all(&self, s: &mut State<T>) -> Discarded<'_, T> {
        Discarded {
            ring: self.ring.as_ref().map(Ring::take_all),
            store: Some(s.store.take_all()),
        }
    }

    /// How many items are queued, the lock held.
    fn len(&self, s: &State<T>) -> usize {
        self.ring.as_ref().map_or(0, Ring::len) + s.store.len()
    }

    /// How many items are queued (Python's `qsize`).
    pub fn qsize(&self) -> usize {
        self.len(&self.state.lock())
    }

    /// Whether no item is queued (Python's `empty`).
    pub fn is_empty(&self) -> bool {
        self.qsize() == 0
    }

    /// Whether the queue is bounded and at its bound (Python's `full`).
    pub fn is_full(&self) -> bool {
        let s = self.state.lock();
        s.maxsize > 0 && self.len(&s) >= s.maxsize
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
        if let Some(ring) = &self.ring {
            let bound = ring_bound(maxsize, ring.capacity());
            if bound < ring.bound() {
                // A putter that read the old bound must not claim after this.
                ring.close();
                s.shrunk_at = Some(ring.tail_position());
            }
            ring.set_bound(bound);
        }
        drop(s);
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

/// Items removed from a queue at once (by an immediate shutdown), handed out
/// in queue order: the ring's, then the store's.
pub(crate) struct Discarded<'a, T> {
    ring: Option<Taken<'a, T>>,
    store: Option<Drain<T>>,
}

impl<T> Discarded<'_, T> {
    /// How many items are left to hand out.
    fn len(&self) -> usize {
        self.ring.as_ref().map_or(0, Taken::len) + self.store.as_ref().map_or(0, Drain::len)
    }
}

impl<T> Iterator for Discarded<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.ring.as_mut().and_then(Iterator::next).or_else(|| self.store.as_mut()?.next())
    }
}

/// Test-only fault injection (cargo feature `fault-injection`, used by
/// `tests/boundary.rs`): makes the core panic where a bug would, to check
/// that the C ABI turns the panic into `TQ_INTERNAL`.
#[cfg(feature = "fault-injection")]
mod fault {
    use std::cell::Cell;

    thread_local! {
        /// Set by `Queue::panic_on_next_put`, cleared by the put that panics.
        static ARMED: Cell<bool> = const { Cell::new(false) };
    }

    /// Panics (with the queue locked) if this thread armed the fault.
    pub(super) fn panic_if_armed<S>(lock: &crate::sync::Mutex<S>) {
        if ARMED.replace(false) {
            let _locked = lock.lock();
            panic!("fault injection: put panicked with the queue locked");
        }
    }

    impl<T> super::Queue<T> {
        /// Test-only: the next `put`/`put_priority` on this thread, on any
        /// queue, panics once while holding the queue's lock (the item is
        /// dropped, the queue unchanged).
        pub fn panic_on_next_put() {
            ARMED.set(true);
        }
    }
}

#[cfg(all(test, not(loom), not(shuttle)))]
mod tests {
    use std::panic::{self, AssertUnwindSafe};

    use super::*;

    /// Suspicion from review: a failure on the store path right after the
    /// ring closed for overflow left it closed over an empty store, so every
    /// later get took the lock. Any locked put now ends by opening the ring
    /// again unless something keeps it closed.
    #[test]
    fn a_put_that_fails_after_closing_the_ring_opens_it_again() {
        let q = Queue::new(0);
        let ring = q.ring.as_ref().unwrap();
        q.put_many(0..RING_CAPACITY as u32, Timeout::NoWait).unwrap();
        assert!(!ring.is_closed(), "the ring holds its capacity");
        let panicking = (0..1u32).map(|_| -> u32 { panic!("the caller's iterator fails") });
        let put = panic::catch_unwind(AssertUnwindSafe(|| q.put_many(panicking, Timeout::NoWait)));
        assert!(put.is_err(), "the panic reaches the caller");
        assert!(!ring.is_closed(), "nothing went to the store: the ring is open");
        assert_eq!(q.qsize(), RING_CAPACITY);
        for n in 0..RING_CAPACITY as u32 {
            assert_eq!(q.get_nowait(), Ok(n));
        }
        assert!(!ring.is_closed());
    }
}

/// The bound a ring of `capacity` slots enforces for a queue of `maxsize`:
/// the queue's own if it fits, else the whole ring (the rest overflows).
fn ring_bound(maxsize: usize, capacity: usize) -> usize {
    if maxsize == 0 { capacity } else { maxsize.min(capacity) }
}

impl<T> fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.state.lock();
        f.debug_struct("Queue")
            .field("order", &self.order)
            .field("qsize", &self.len(&s))
            .field("maxsize", &s.maxsize)
            .field("unfinished", &self.unfinished())
            .field("shutdown", &s.shutdown)
            .finish()
    }
}
