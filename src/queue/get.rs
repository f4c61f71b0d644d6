//! Getting: `get` and `get_many`, from the ring without the lock when it
//! has an item, else with the lock from the ring and then the store.

use super::{Queue, State};
use crate::error::GetError;
use crate::fifo::{Fifo, Popped};
use crate::list::Emptied;
use crate::sync::MutexGuard;
use crate::timeout::{Expiry, Timeout};
use crate::wait::{Backoff, Spin, wait};

/// What a lock-free get leaves to do once its caller has the item (see
/// [`Queue::get_free`]): keep the block the pop emptied, if it did, and tell
/// the putters' side, if a putter is counted or descriptors watch.
#[must_use]
pub(crate) struct AfterGet<T> {
    emptied: Emptied<T>,
    announce: bool,
}

impl<T> AfterGet<T> {
    /// Whether nothing is left to do (a load and a branch for each part).
    #[inline(always)]
    pub(crate) fn is_nothing(&self) -> bool {
        self.emptied.is_none() && !self.announce
    }
}

impl<T> Queue<T> {
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
    #[inline]
    pub fn get(&self, timeout: impl Into<Timeout>) -> Result<T, GetError> {
        // The lock-free path first, inline: an item in the ring is taken at
        // once. `timeout` is converted only where the call may wait.
        if let Some((item, after)) = self.get_free() {
            if !after.is_nothing() {
                self.after_get(after);
            }
            return Ok(item);
        }
        self.get_slow(timeout.into())
    }

    /// The lock-free get alone, for a caller that runs everything else in a
    /// panic boundary (the C ABI's `tq_get`), since it never panics: the
    /// ring's next item if it is there now, and what
    /// [`after_get`](Queue::after_get) must do once the caller has it
    /// (unless that is nothing); `None`: nothing decided,
    /// [`get_slow`](Queue::get_slow) is next.
    #[inline(always)]
    pub(crate) fn get_free(&self) -> Option<(T, AfterGet<T>)> {
        let (item, emptied) = self.fifo.as_ref()?.pop_fast()?;
        let announce = self.waiting.putters.anyone_or_watched();
        Some((item, AfterGet { emptied, announce }))
    }

    /// What a [`get_free`](Queue::get_free) left: keeps the block it
    /// emptied, wakes a putter and keeps the descriptors right.
    #[cold]
    #[inline(never)]
    pub(crate) fn after_get(&self, after: AfterGet<T>) {
        if let Some(ring) = &self.fifo {
            ring.keep(after.emptied);
        }
        if after.announce {
            self.announce_get();
        }
    }

    /// `get` past the inline path: the ring's every other case, then the
    /// lock (where LIFO and priority queues, which have no ring, go
    /// straight). Out of line, so that the inline path saves no registers
    /// for it and has no outcome to merge with its own.
    ///
    /// A call that may wait and finds the ring's next slot still empty
    /// spins on that slot at once, without the ring's exact empty test,
    /// which reads the producers' index (see `Backoff::spin_phase`).
    #[inline(never)]
    pub(crate) fn get_slow(&self, timeout: Timeout) -> Result<T, GetError> {
        if let Some(ring) = &self.fifo {
            if timeout != Timeout::NoWait && !ring.may_pop_now() {
                return self.get_spinning(ring, timeout);
            }
            match ring.pop_contended() {
                Popped::Item(item) => return Ok(self.took_from_ring(item)),
                Popped::Empty => return self.get_spinning(ring, timeout),
                Popped::Drained => {}
            }
        }
        self.get_locked(Expiry::new(timeout), false)
    }

    /// After an item left the ring without the lock: wakes a putter and
    /// keeps the descriptors right (one load and one branch for both when
    /// there is nothing to do).
    #[inline(always)]
    pub(super) fn took_from_ring(&self, item: T) -> T {
        if self.waiting.putters.anyone_or_watched() {
            self.announce_get();
        }
        item
    }

    /// After an item left the ring without the lock, with a putter counted
    /// or descriptors made: wakes the putter, keeps the descriptors right.
    #[cold]
    #[inline(never)]
    fn announce_get(&self) {
        self.made_room();
        self.signal_after_ring_get();
    }

    /// `get` on a ring or list found empty (or whose next slot looked empty,
    /// nothing decided): spins on it without the lock while the timeout
    /// allows, then yields (leaving a want if the queue is bounded, see
    /// `wanting`), then waits with the lock. A `NoWait` call only tries
    /// with the lock.
    #[inline(never)]
    fn get_spinning(&self, ring: &Fifo<T>, timeout: Timeout) -> Result<T, GetError> {
        if timeout == Timeout::NoWait {
            return self.get_locked(Expiry::new(timeout), false);
        }
        let mut expiry = Expiry::new(timeout);
        let mut backoff = Backoff::new(&mut expiry, &self.waiting.getters.spinning);
        let mut pop = || match ring.pop() {
            Popped::Empty => None,
            other => Some(other),
        };
        let mut popped = backoff.spin_phase(|| ring.may_pop_now(), &mut pop);
        // The exact look the spin may have left out (a closed ring, or no spin).
        if popped.is_none() {
            popped = pop();
        }
        // On a bounded ring a want frees room for a putter (see `wanting`);
        // on an unbounded one no putter waits for room, so it only costs.
        let bounded = ring.bound() != usize::MAX;
        if popped.is_none() && !bounded {
            popped = backoff.yield_phase(&mut pop);
        }
        match popped {
            Some(Popped::Item(item)) => Ok(self.took_from_ring(item)),
            Some(_) => self.get_locked(expiry, false),
            None if bounded => match self.get_wanting(ring, &mut backoff) {
                Some(got) => got,
                // Yielded in vain, or an item came another way: the
                // locked try first, then park.
                None => self.get_locked(expiry, true),
            },
            // Spun and yielded all along on an open, empty ring: park.
            None => self.get_locked(expiry, true),
        }
    }

    /// `get` with the lock: from the ring or the store, waiting as `expiry`
    /// says (spinning first unless the caller has spun already). Only the
    /// out-of-line paths call it, and it is inlined there: a LIFO or
    /// priority get is one call from `get`, not two.
    #[inline(always)]
    fn get_locked(&self, mut expiry: Expiry, spun: bool) -> Result<T, GetError> {
        let (s, got) = self.wait_for_item(&mut expiry, spun);
        let result = got.unwrap_or(Err(GetError::Empty));
        if result.is_ok() {
            self.made_room_locked(s, 1);
        }
        result
    }

    /// Takes the next item if there is one now; `None` when there is not and
    /// the queue is not shut down. Runs with the lock held.
    #[inline]
    pub(super) fn try_get(&self, s: &mut State<T>) -> Option<Result<T, GetError>> {
        // With overflow in the store the ring is closed, so only gets change
        // it: once it looks empty, it is drained and need not be popped.
        if let Some(ring) = &self.fifo
            && (s.store.len() == 0 || ring.may_pop())
        {
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
    #[inline(always)]
    fn wait_for_item(
        &self,
        expiry: &mut Expiry,
        spun: bool,
    ) -> (MutexGuard<'_, State<T>>, Option<Result<T, GetError>>) {
        // A look without the lock: whether the ring may have an item.
        let may_get = || self.fifo.as_ref().is_some_and(Fifo::may_pop);
        let spin = if spun { Spin::No } else { Spin::Until(may_get) };
        let (s, got) = wait(&self.state, &self.waiting.getters, expiry, spin, |s| self.try_get(s));
        self.sync_signals(&s);
        if got.is_none() {
            self.signal_missed(false);
        }
        (s, got)
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
    pub fn get_many<E: Extend<T>>(
        &self,
        out: &mut E,
        max: usize,
        timeout: impl Into<Timeout>,
    ) -> Result<usize, GetError> {
        if max == 0 {
            return Ok(0);
        }
        let (mut s, first) = self.wait_for_item(&mut Expiry::new(timeout.into()), false);
        let first = first.unwrap_or(Err(GetError::Empty))?;
        // Each item taken is counted and wakes one putter as it leaves the
        // queue (a listed one once the lock is released); an `Extend` that
        // stops early leaves the rest queued.
        let mut moved = 0;
        let mut first = Some(first);
        let items = std::iter::from_fn(|| first.take().or_else(|| self.try_get(&mut s)?.ok()));
        out.extend(items.take(max).inspect(|_| moved += 1));
        self.sync_signals(&s);
        self.made_room_locked(s, moved);
        Ok(moved)
    }
}
