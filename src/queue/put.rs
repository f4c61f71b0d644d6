//! Putting: `put`, `put_priority` and `put_many`, the lock-free attempt on
//! the ring and the locked one that may overflow into the store.

use std::panic::{self, AssertUnwindSafe};

use super::{DEFAULT_PRIORITY, Order, Queue, State};
use crate::error::PutError;
use crate::fifo::{Fifo, Refusal};
use crate::sync::MutexGuard;
use crate::timeout::{Expiry, Timeout};
use crate::wait::{Backoff, Spin, wait};

impl<T> Queue<T> {
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
    /// // Any `Duration` is a timeout too.
    /// assert_eq!(q.put("b", Duration::from_millis(1)), Err(PutError::Full("b")));
    /// ```
    #[inline]
    pub fn put(&self, item: T, timeout: impl Into<Timeout>) -> Result<(), PutError<T>> {
        self.put_at(item, DEFAULT_PRIORITY, timeout)
    }

    /// Puts `item` without blocking (Python's `put_nowait`).
    pub fn put_nowait(&self, item: T) -> Result<(), PutError<T>> {
        self.put(item, Timeout::NoWait)
    }

    /// Puts `item` with a priority: on an [`Order::Priority`] queue, lower
    /// priorities come out first and equal priorities in the order they were
    /// put. Any other queue rejects it with [`PutError::NotPriority`].
    #[inline]
    pub fn put_priority(&self, item: T, priority: i64, timeout: impl Into<Timeout>) -> Result<(), PutError<T>> {
        if self.order != Order::Priority {
            return Err(PutError::NotPriority(item));
        }
        self.put_at(item, priority, timeout)
    }

    /// `put` and `put_priority`: `timeout` is converted only where the
    /// call has to wait, so that a put that completes at once (such as one
    /// with a C `timeout_ms`) spends nothing on it.
    #[inline(always)]
    fn put_at(&self, item: T, priority: i64, timeout: impl Into<Timeout>) -> Result<(), PutError<T>> {
        // The lock-free path first, inline: a free slot is taken at once.
        match self.put_into_free_slot(item) {
            Ok(()) => Ok(()),
            Err(item) => self.put_past_free(item, priority, timeout.into()),
        }
    }

    /// `put_at` past the lock-free path (for the C ABI's `tq_put` too, after
    /// [`put_free`](Queue::put_free)): LIFO and priority queues, which have
    /// no ring, go straight to the lock.
    #[inline]
    pub(crate) fn put_past_free(&self, item: T, priority: i64, timeout: Timeout) -> Result<(), PutError<T>> {
        #[cfg(feature = "fault-injection")]
        fault::panic_if_armed(&self.state);
        if self.fifo.is_none() {
            return self.put_waiting(item, priority, Expiry::new(timeout), false);
        }
        self.put_slow(item, priority, timeout)
    }

    /// `put` past the inline path: the ring's (or list's) every other case,
    /// then spinning, then the lock. A call that may wait and finds the
    /// ring's next slot still taken spins on that slot at once, without the
    /// ring's exact full test, which reads the consumers' index (see
    /// `Backoff::spin_phase`). Out of line, so that the lock-free path is
    /// one test of its outcome.
    #[inline(never)]
    fn put_slow(&self, item: T, priority: i64, timeout: Timeout) -> Result<(), PutError<T>> {
        if timeout != Timeout::NoWait && !self.may_put() {
            return self.put_spinning(item, priority, timeout);
        }
        match self.put_into_ring(item) {
            Ok(()) => Ok(()),
            // A segment list that could not allocate its next block.
            Err((item, Refusal::NoMemory)) => Err(PutError::NoMemory(item)),
            Err((item, Refusal::Full)) if timeout != Timeout::NoWait => self.put_spinning(item, priority, timeout),
            Err((item, _)) => self.put_waiting(item, priority, Expiry::new(timeout), false),
        }
    }

    /// `put` on a full ring or list (or one whose next slot looked taken,
    /// nothing decided): spins on it without the lock while the timeout
    /// allows (as `get` does on an empty one), then leaves the item pending
    /// while it yields (see `pending`), then waits with the lock. Out of
    /// line, as the waits are.
    #[inline(never)]
    fn put_spinning(&self, item: T, priority: i64, timeout: Timeout) -> Result<(), PutError<T>> {
        let mut expiry = Expiry::new(timeout);
        let mut backoff = Backoff::new(&mut expiry, &self.waiting.putters.spinning);
        let mut held = Some(item);
        let pushed = backoff.spin_phase(
            || self.may_put(),
            || match self.put_into_ring(held.take().expect("held until put")) {
                Err((item, Refusal::Full)) => {
                    held = Some(item);
                    None
                }
                other => Some(other),
            },
        );
        let item = match pushed {
            Some(Ok(())) => return Ok(()),
            Some(Err((item, Refusal::NoMemory))) => return Err(PutError::NoMemory(item)),
            Some(Err((item, _))) => return self.put_waiting(item, priority, expiry, false),
            // Spun all along on an open, full ring.
            None => held.expect("held until put"),
        };
        match self.put_pending(item, priority, &mut backoff) {
            Ok(put) => put,
            // Yielded in vain: time to park.
            Err(item) => self.put_waiting(item, priority, expiry, true),
        }
    }

    /// A look without the lock: whether the ring may have room now.
    fn may_put(&self) -> bool {
        self.fifo.as_ref().is_some_and(Fifo::may_claim_now)
    }

    /// `put` past the ring: with the lock, waiting for room as `expiry`
    /// says (spinning first unless the caller has spun already). Out of
    /// line, so that the lock-free path saves no registers for it.
    #[inline(never)]
    fn put_waiting(&self, item: T, priority: i64, mut expiry: Expiry, spun: bool) -> Result<(), PutError<T>> {
        let mut item = Some(item);
        let mut take = || item.take().expect("an item is taken once");
        let (s, put) = self.wait_for_room(&mut expiry, spun, |s| self.try_put(s, priority, &mut take, 1));
        drop(s);
        self.after_put(put.unwrap_or(Err(PutError::Full(()))), item)
    }

    /// The outcome of a locked put of one item (`try_put`), the lock
    /// released: wakes the listed getter it owes, or hands the refused
    /// item back.
    pub(super) fn after_put(&self, put: Result<usize, PutError<()>>, mut item: Option<T>) -> Result<(), PutError<T>> {
        match put {
            Ok(n) => {
                self.waiting.getters.wake_listed(n);
                Ok(())
            }
            Err(e) => Err(e.map(|()| item.take().expect("a refused item is kept"))),
        }
    }

    /// Puts `item` into the ring without the lock, waking a getter and
    /// keeping the descriptors right (each a load and a branch when there
    /// is nothing to do); hands it back, and why, when there is no ring
    /// (`Closed`), or it refused it.
    #[inline(always)]
    pub(super) fn put_into_ring(&self, item: T) -> Result<(), (T, Refusal)> {
        let Some(ring) = &self.fifo else {
            return Err((item, Refusal::Closed));
        };
        ring.push(item)?;
        self.put_lock_free();
        Ok(())
    }

    /// [`put_into_ring`](Queue::put_into_ring)'s inline case: `item` into
    /// the ring's next slot if it is free now; else handed back, nothing
    /// decided (full, closed, another producer first, no ring).
    #[inline(always)]
    fn put_into_free_slot(&self, item: T) -> Result<(), T> {
        if self.put_free(item)? {
            self.announce_put();
        }
        Ok(())
    }

    /// The lock-free put alone, for a caller that runs everything else in a
    /// panic boundary (the C ABI's `tq_put`), since it never panics: `item`
    /// into the ring's next slot if it is free now. `Ok(true)`: it went in,
    /// and [`announce_put`](Queue::announce_put) must follow; `Ok(false)`:
    /// it went in, nothing follows; `Err(item)`: nothing decided,
    /// [`put_past_free`](Queue::put_past_free) is next.
    #[inline(always)]
    pub(crate) fn put_free(&self, item: T) -> Result<bool, T> {
        // An armed fault is `put_past_free`'s to raise.
        #[cfg(feature = "fault-injection")]
        if fault::armed() {
            return Err(item);
        }
        let Some(ring) = &self.fifo else {
            return Err(item);
        };
        ring.push_free(item)?;
        Ok(self.waiting.getters.anyone_or_watched())
    }

    /// After an item went into the ring without the lock: one load and one
    /// branch for both things a getter's side may need to hear of, a
    /// counted getter and descriptors.
    #[inline(always)]
    fn put_lock_free(&self) {
        if self.waiting.getters.anyone_or_watched() {
            self.announce_put();
        }
    }

    /// After an item went into the ring without the lock, with a getter
    /// counted or descriptors made: wakes the getter, keeps the descriptors right.
    #[cold]
    #[inline(never)]
    pub(crate) fn announce_put(&self) {
        self.added_item();
        self.signal_after_ring_put();
    }

    /// Puts the items `next` yields, up to `max` of them, while there is room
    /// now, announcing each to a parked getter (the caller wakes as many
    /// listed ones once it released the lock: `Waiters::wake_listed`); `Ok(n)` says how many went
    /// in (at least one), `None` that not even the first fitted (`next` is
    /// not called then). Runs with the lock held, and keeps lock-free putters
    /// out until it is done, so that no other put lands between its items.
    ///
    /// `next` is called only once a place is held for its item, so a panic
    /// in it (a caller's iterator) leaves the items put before it, and
    /// nothing else.
    pub(super) fn try_put(
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
        self.sync_signals(s);
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
        if let Some(ring) = &self.fifo
            && s.store.len() == 0
        {
            // The ring's turn (no overflow ahead of it). Closed, so that the
            // room found stays free for `next`'s item.
            ring.close();
            if ring.has_room_closed() {
                if !ring.push_closed(next) {
                    return Some(Err(PutError::NoMemory(())));
                }
                return Some(Ok(()));
            }
            if s.maxsize != 0 && s.maxsize <= ring.capacity() {
                return None;
            }
            // Full, but the queue's bound is above the ring's: overflow. The
            // ring stays closed, its items ahead of the store's.
        }
        if s.maxsize > 0 && self.queued(s) >= s.maxsize {
            return None;
        }
        if s.store.try_push(next, priority).is_err() {
            return Some(Err(PutError::NoMemory(())));
        }
        self.tasks.stored_one();
        Some(Ok(()))
    }

    /// [`wait`](crate::wait::wait)s as a putter (spinning first unless the
    /// caller has spun already): until `attempt` finds room.
    fn wait_for_room<R>(
        &self,
        expiry: &mut Expiry,
        spun: bool,
        attempt: impl FnMut(&mut State<T>) -> Option<R>,
    ) -> (MutexGuard<'_, State<T>>, Option<R>) {
        let spin = if spun { Spin::No } else { Spin::Until(|| self.may_put()) };
        let (s, put) = wait(&self.state, &self.waiting.putters, expiry, spin, attempt);
        if put.is_none() {
            // The last attempt (`try_put`) synced the descriptors.
            self.signal_missed(true);
        }
        (s, put)
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
    pub fn put_many<I>(&self, items: I, timeout: impl Into<Timeout>) -> Result<usize, PutError<()>>
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
        let (s, put) = self.wait_for_room(&mut Expiry::new(timeout.into()), false, |s| {
            self.try_put(s, DEFAULT_PRIORITY, &mut next, total)
        });
        drop(s);
        let put = put.unwrap_or(Err(PutError::Full(())));
        if let Ok(n) = put {
            self.waiting.getters.wake_listed(n);
        }
        put
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

    /// Whether this thread armed the fault (it stays armed).
    pub(super) fn armed() -> bool {
        ARMED.get()
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
    /// again unless something keeps it closed. The same panic on a segment
    /// list, at every offset in a block, must leave no claimed, empty slot
    /// (a get would wait on it forever).
    #[test]
    fn a_put_that_fails_after_closing_the_ring_opens_it_again() {
        // A 4-slot ring raised past its capacity, and lists filled to each offset.
        let cases = std::iter::once((4, 4)).chain((0..40).map(|n| (0, n)));
        for (maxsize, queued) in cases {
            let q = Queue::new(maxsize);
            q.put_many(0..queued, Timeout::NoWait).unwrap();
            q.set_maxsize(0);
            let ring = q.fifo.as_ref().unwrap();
            assert!(!ring.is_closed(), "the ring holds {queued}");
            let panicking = (0..1u32).map(|_| -> u32 { panic!("the caller's iterator fails") });
            let put = panic::catch_unwind(AssertUnwindSafe(|| q.put_many(panicking, Timeout::NoWait)));
            assert!(put.is_err(), "the panic reaches the caller");
            assert!(!ring.is_closed(), "nothing went to the store: the ring is open");
            assert_eq!(q.qsize(), queued as usize);
            q.put(queued, Timeout::NoWait).unwrap();
            for n in 0..=queued {
                assert_eq!(q.get_nowait(), Ok(n));
            }
            assert_eq!(q.get_nowait(), Err(crate::GetError::Empty));
            assert!(!ring.is_closed());
        }
    }
}
