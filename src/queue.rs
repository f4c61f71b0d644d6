//! The queue: one mutex over the items and the counts, three condition
//! variables (`not_empty`, `not_full`, `all_done`), exactly as CPython's
//! `queue.Queue` is built. Every operation's semantics are Python's; where
//! Python has no equivalent (batches, join timeouts, stable priorities) the
//! behaviour is the one `design.md` fixes.

use std::fmt;

use crate::error::{GetError, JoinTimeout, PutError, TooManyDone};
use crate::store::{Order, Store};
use crate::sync::atomic::AtomicUsize;
use crate::sync::atomic::Ordering::SeqCst;
use crate::sync::{Condvar, Mutex, MutexGuard, SNOOZE_STEPS, snooze};
use crate::timeout::{Deadline, Timeout};

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
/// Share it between threads with an `Arc` (or scoped threads).
pub struct Queue<T> {
    order: Order,
    state: Mutex<State<T>>,
    /// Getters wait here for an item (or shutdown).
    not_empty: Condvar,
    /// Putters wait here for room (or shutdown).
    not_full: Condvar,
    /// Joiners wait here for the unfinished count to reach zero.
    all_done: Condvar,
    /// The unfinished-task count (items put and not yet marked done) times
    /// two, plus [`JOINER_WAITING`]. Puts raise it under the lock;
    /// `task_done` lowers it without the lock, and takes the lock to wake
    /// joiners only when it brings the count to zero with the flag set.
    tasks: AtomicUsize,
}

/// The flag bit of `Queue::tasks`: a joiner is (about to be) parked. A
/// joiner sets it and reads the count in one atomic step with the lock held,
/// and the `task_done` that reaches zero clears it in the same step that
/// lowers the count: one location, so no wake-up can slip between them.
const JOINER_WAITING: usize = 1;

/// One unfinished task in `Queue::tasks`.
const TASK: usize = 2;

/// Everything the mutex protects.
struct State<T> {
    store: Store<T>,
    /// 0 means unbounded.
    maxsize: usize,
    shutdown: bool,
}

impl<T> State<T> {
    fn is_full(&self) -> bool {
        self.maxsize > 0 && self.store.len() >= self.maxsize
    }

    fn is_empty(&self) -> bool {
        self.store.len() == 0
    }
}

impl<T> Queue<T> {
    /// A FIFO queue holding at most `maxsize` items; `0` means unbounded
    /// (Python's `Queue(maxsize)`).
    pub fn new(maxsize: usize) -> Self {
        Self::with_order(Order::Fifo, maxsize)
    }

    /// A queue of the given order holding at most `maxsize` items (`0`: unbounded).
    pub fn with_order(order: Order, maxsize: usize) -> Self {
        Queue {
            order,
            state: Mutex::new(State {
                store: Store::new(order, maxsize),
                maxsize,
                shutdown: false,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            all_done: Condvar::new(),
            tasks: AtomicUsize::new(0),
        }
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
        let mut s = self.state.lock();
        #[cfg(feature = "fault-injection")]
        fault::panic_if_armed();
        wait_while(&mut s, &self.not_full, timeout, |s| !s.shutdown && s.is_full());
        if s.shutdown {
            return Err(PutError::ShutDown(item));
        }
        if s.is_full() {
            return Err(PutError::Full(item));
        }
        if s.store.reserve(1).is_err() {
            return Err(PutError::NoMemory(item));
        }
        s.store.push(item, priority);
        self.tasks.fetch_add(TASK, SeqCst);
        drop(s);
        self.not_empty.notify_one();
        Ok(())
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
    /// is locked: it must not use the queue.
    pub fn put_many<I>(&self, items: I, timeout: Timeout) -> Result<usize, PutError<()>>
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: ExactSizeIterator,
    {
        let mut items = items.into_iter();
        if items.len() == 0 {
            return Ok(0);
        }
        let mut s = self.state.lock();
        wait_while(&mut s, &self.not_full, timeout, |s| !s.shutdown && s.is_full());
        if s.shutdown {
            return Err(PutError::ShutDown(()));
        }
        // Each item is counted and announced as it goes in, so that a panic
        // in the caller's iterator leaves the queue consistent.
        let mut n = 0;
        while !s.is_full() && items.len() > 0 && s.store.reserve(1).is_ok() {
            let item = items.next().expect("an ExactSizeIterator with len() > 0 yields");
            s.store.push(item, DEFAULT_PRIORITY);
            self.tasks.fetch_add(TASK, SeqCst);
            n += 1;
            self.not_empty.notify_one();
        }
        match n {
            0 if s.is_full() => Err(PutError::Full(())),
            0 => Err(PutError::NoMemory(())),
            n => Ok(n),
        }
    }

    /// Takes the next item, waiting up to `timeout` for one (Python's `get`).
    ///
    /// Fails with [`GetError::Empty`] when nothing arrived by the timeout, and
    /// with [`GetError::ShutDown`] once the queue is shut down and drained.
    pub fn get(&self, timeout: Timeout) -> Result<T, GetError> {
        let mut s = self.state.lock();
        wait_while(&mut s, &self.not_empty, timeout, |s| !s.shutdown && s.is_empty());
        match s.store.pop() {
            Some(item) => {
                drop(s);
                self.not_full.notify_one();
                Ok(item)
            }
            None if s.shutdown => Err(GetError::ShutDown),
            None => Err(GetError::Empty),
        }
    }

    /// Takes the next item without blocking (Python's `get_nowait`).
    pub fn get_nowait(&self) -> Result<T, GetError> {
        self.get(Timeout::NoWait)
    }

    /// Waits up to `timeout` until at least one item is there, then moves up
    /// to `max` of the items available into `out`, in queue order. Returns how
    /// many were moved; `max == 0` returns `Ok(0)` at once. Errors as [`get`](Queue::get).
    /// `out.extend` runs while the queue is locked: it must not use the queue.
    pub fn get_many<E: Extend<T>>(&self, out: &mut E, max: usize, timeout: Timeout) -> Result<usize, GetError> {
        if max == 0 {
            return Ok(0);
        }
        let mut s = self.state.lock();
        wait_while(&mut s, &self.not_empty, timeout, |s| !s.shutdown && s.is_empty());
        let n = max.min(s.store.len());
        if n == 0 {
            return Err(if s.shutdown {
                GetError::ShutDown
            } else {
                GetError::Empty
            });
        }
        // Each item taken is counted and wakes one putter as it leaves the
        // store; an `Extend` that stops early leaves the rest queued.
        let mut moved = 0;
        out.extend(std::iter::from_fn(|| s.store.pop()).take(n).inspect(|_| {
            moved += 1;
            self.not_full.notify_one();
        }));
        Ok(moved)
    }

    /// Marks one task done (Python's `task_done`). When the unfinished count
    /// reaches zero, every `join` returns. Fails, changing nothing, when the
    /// count is already zero.
    pub fn task_done(&self) -> Result<(), TooManyDone> {
        self.task_done_n(1)
    }

    /// Marks `n` tasks done at once, all or nothing: `n` above the unfinished
    /// count fails and changes nothing; `n == 0` does nothing.
    pub fn task_done_n(&self, n: usize) -> Result<(), TooManyDone> {
        if n == 0 {
            return Ok(());
        }
        let before = self
            .tasks
            .fetch_update(SeqCst, SeqCst, |t| {
                let left = (t / TASK).checked_sub(n)?;
                // Reaching zero clears the flag: this call wakes the joiners.
                Some(if left == 0 {
                    0
                } else {
                    left * TASK + (t & JOINER_WAITING)
                })
            })
            .map_err(|_| TooManyDone)?;
        if before == n * TASK + JOINER_WAITING {
            // The joiner that set the flag did so with the lock held and keeps
            // it until it parks: once we hold the lock, the notify reaches it.
            drop(self.state.lock());
            self.all_done.notify_all();
        }
        Ok(())
    }

    /// Waits up to `timeout` until every put item has been marked done
    /// (Python's `join`, plus a timeout). As in Python, shutting down does not
    /// end a join by itself; an immediate shutdown counts the items it
    /// discards as done.
    pub fn join(&self, timeout: Timeout) -> Result<(), JoinTimeout> {
        if self.unfinished() > 0 {
            let mut s = self.state.lock();
            wait_while(&mut s, &self.all_done, timeout, |_| {
                self.tasks.fetch_or(JOINER_WAITING, SeqCst) / TASK > 0
            });
        }
        if self.unfinished() > 0 {
            Err(JoinTimeout)
        } else {
            Ok(())
        }
    }

    /// Shuts the queue down (Python's `shutdown`); calling it again is harmless.
    ///
    /// Afterwards every put fails with `ShutDown`, gets drain what is queued
    /// and then fail with `ShutDown`, and every blocked putter and getter
    /// wakes. With `immediate`, the queued items are removed at once, each
    /// counted as a finished task, and returned (in queue order) so the caller
    /// can dispose of them; otherwise the returned vector is empty.
    pub fn shutdown(&self, immediate: bool) -> Vec<T> {
        let mut s = self.state.lock();
        s.shutdown = true;
        let discarded = if immediate { s.store.take_all() } else { Vec::new() };
        let _ = self.tasks.fetch_update(SeqCst, SeqCst, |t| {
            Some((t / TASK).saturating_sub(discarded.len()) * TASK + (t & JOINER_WAITING))
        });
        drop(s);
        self.not_empty.notify_all();
        self.not_full.notify_all();
        if immediate {
            self.all_done.notify_all();
        }
        discarded
    }

    /// How many items are queued (Python's `qsize`).
    pub fn qsize(&self) -> usize {
        self.state.lock().store.len()
    }

    /// Whether no item is queued (Python's `empty`).
    pub fn is_empty(&self) -> bool {
        self.state.lock().is_empty()
    }

    /// Whether the queue is bounded and at its bound (Python's `full`).
    pub fn is_full(&self) -> bool {
        self.state.lock().is_full()
    }

    /// The bound; `0` means unbounded (Python's `maxsize`).
    pub fn maxsize(&self) -> usize {
        self.state.lock().maxsize
    }

    /// Changes the bound of a live queue (Python's `q.maxsize = n`; `0`:
    /// unbounded). Shrinking keeps every queued item; putters that now fit wake.
    pub fn set_maxsize(&self, maxsize: usize) {
        self.state.lock().maxsize = maxsize;
        self.not_full.notify_all();
    }

    /// How many put items have not been marked done yet (Python's `unfinished_tasks`).
    pub fn unfinished(&self) -> usize {
        self.tasks.load(SeqCst) / TASK
    }

    /// Whether [`shutdown`](Queue::shutdown) has been called (Python's `is_shutdown`).
    pub fn is_shutdown(&self) -> bool {
        self.state.lock().shutdown
    }

    /// Consumes the queue and returns the items still in it, in queue order.
    pub fn into_items(self) -> Vec<T> {
        self.state.into_inner().store.take_all()
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
    pub(super) fn panic_if_armed() {
        if ARMED.replace(false) {
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

/// Waits on `cv` while `blocked` holds, for as long as `timeout` allows:
/// first a few short back-offs with the lock released (cheap when the other
/// side is running on another core), then parked on `cv`. The deadline is
/// fixed when waiting starts, so the fast path never reads the clock. The
/// caller re-reads the state afterwards to learn the outcome.
fn wait_while<T>(
    s: &mut MutexGuard<'_, State<T>>,
    cv: &Condvar,
    timeout: Timeout,
    blocked: impl Fn(&State<T>) -> bool,
) {
    if !blocked(s) {
        return;
    }
    let until = match timeout.deadline() {
        Deadline::Now => return,
        Deadline::At(at) => Some(at),
        Deadline::Never => None,
    };
    for step in 0..SNOOZE_STEPS {
        snooze(s, step);
        if !blocked(s) {
            return;
        }
    }
    while blocked(s) {
        match until {
            None => cv.wait(s),
            Some(at) => {
                if !cv.wait_until(s, at) {
                    return;
                }
            }
        }
    }
}

impl<T> fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.state.lock();
        f.debug_struct("Queue")
            .field("order", &self.order)
            .field("qsize", &s.store.len())
            .field("maxsize", &s.maxsize)
            .field("unfinished", &self.unfinished())
            .field("shutdown", &s.shutdown)
            .finish()
    }
}
