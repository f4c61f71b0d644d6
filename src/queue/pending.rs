//! Pending puts: a blocked putter that is about to yield the CPU leaves its
//! item with the queue, and the get that makes room moves the item in on the
//! putter's behalf, so that the putter finds its put done when it runs again.
//!
//! With both threads on one CPU, that halves the switches of a hand-off:
//! without it every item costs a switch to the getter (which frees the slot)
//! and one back to the putter (which fills it); with it the getter refills
//! the slot from the pending item and takes that too before it switches.
//!
//! Only a thread's `put` leaves its item, and only for its yielding steps:
//! it takes the item back (unless it was moved) before it parks, so parking,
//! shutdown and timeouts stay as `wait` has them. A pending item is not
//! queued: it counts for neither `qsize` nor the tasks until it is moved.
//! Items move oldest first, each as a locked put would put it
//! (`Queue::try_put`), so the order of pending putters is kept; a lock-free
//! putter can still overtake them, as it can overtake a parked one.
//!
//! Why no pending item is left behind when there is room: the putter counts
//! itself among the putters (`Waiters::count_in`) and tries its put once
//! more before it leaves the item, all under the lock; a get changes the
//! state before it reads that count (`Queue::took_from_ring`) and serves the
//! pending items under the lock. Either the last try finds the room, or the
//! get finds the item.
//!
//! The mirror for gets is `wanting`.

use std::sync::atomic::Ordering::{Acquire, Release};

use super::{Queue, State};
use crate::error::PutError;
use crate::sync::MutexGuard;
use crate::wait::Backoff;

/// A blocked putter's item, waiting for a get to move it in.
pub(super) struct Pending<T> {
    /// Tickets rise in the order items are left (see `State::tickets`).
    ticket: u64,
    item: T,
    priority: i64,
}

/// Leaves `item` pending (room for it reserved); returns its ticket.
pub(super) fn leave_pending<T>(s: &mut State<T>, item: T, priority: i64) -> u64 {
    let ticket = s.next_ticket();
    s.pending.push_back(Pending { ticket, item, priority });
    ticket
}

impl<T> Queue<T> {
    /// Moves pending items in, oldest first, while there is room; returns
    /// how many moved. The caller holds the lock, and wakes as many listed
    /// getters once it released it (`Waiters::wake_listed`). Stops at the
    /// first item that does not go in (no room, shut down, no memory): its
    /// putter finds out itself when it takes it back.
    #[inline(always)]
    pub(super) fn serve_pending(&self, s: &mut State<T>) -> usize {
        if s.pending.is_empty() {
            0
        } else {
            self.serve_pending_slow(s)
        }
    }

    #[cold]
    #[inline(never)]
    fn serve_pending_slow(&self, s: &mut State<T>) -> usize {
        let mut pending = std::mem::take(&mut s.pending);
        let mut moved = 0;
        while let Some(&Pending { ticket, priority, .. }) = pending.front() {
            let mut next = || pending.pop_front().expect("the front item is there").item;
            if !matches!(self.try_put(s, priority, &mut next, 1), Some(Ok(_))) {
                break;
            }
            self.waiting.moved.store(ticket, Release);
            self.waiting.putters.count_out();
            moved += 1;
        }
        s.pending = pending;
        moved
    }

    /// After a get made room: serves the pending items and wakes a parked
    /// putter, if a putter is counted (else one load and one branch), and
    /// a listed one once the lock is released.
    #[inline(always)]
    pub(super) fn made_room(&self) {
        if self.waiting.putters.anyone() {
            self.made_room_slow();
        }
    }

    #[cold]
    #[inline(never)]
    fn made_room_slow(&self) {
        self.made_room_locked(self.state.lock(), 1);
    }

    /// [`made_room`](Queue::made_room) for a caller that holds the lock
    /// (passed in, and released here) after taking `n` items.
    pub(super) fn made_room_locked(&self, mut s: MutexGuard<'_, State<T>>, n: usize) {
        let moved = self.serve_pending(&mut s);
        for _ in 0..n {
            self.waiting.putters.notify_one_locked();
        }
        drop(s);
        self.waiting.getters.wake_listed(moved);
        self.waiting.putters.wake_listed(n);
    }

    /// `put` on a full ring or list after its spin: leaves the item pending
    /// and yields the CPU while `backoff` allows, for a get to move it in.
    /// Returns the outcome if the put is over, else the item, for the
    /// caller to park with.
    pub(super) fn put_pending(
        &self,
        item: T,
        priority: i64,
        backoff: &mut Backoff<'_>,
    ) -> Result<Result<(), PutError<T>>, T> {
        let mut s = self.state.lock();
        // Counted before the last try (see the module docs).
        self.waiting.putters.count_in();
        let mut held = Some(item);
        let mut take = || held.take().expect("an item is taken once");
        if let Some(put) = self.try_put(&mut s, priority, &mut take, 1) {
            self.waiting.putters.count_out();
            drop(s);
            return Ok(self.after_put(put, held));
        }
        let item = held.expect("a refused item is kept");
        if s.pending.try_reserve(1).is_err() {
            self.waiting.putters.count_out();
            return Err(item);
        }
        let ticket = leave_pending(&mut s, item, priority);
        drop(s);
        let moved = || (self.waiting.moved.load(Acquire) >= ticket).then_some(());
        if backoff.yield_phase(moved).is_some() {
            return Ok(Ok(()));
        }
        let mut s = self.state.lock();
        let Some(at) = s.pending.iter().position(|p| p.ticket == ticket) else {
            // Moved since it last looked.
            return Ok(Ok(()));
        };
        let Pending { item, .. } = s.pending.remove(at).expect("found at `at`");
        self.waiting.putters.count_out();
        Err(item)
    }
}

#[cfg(all(test, not(loom), not(shuttle)))]
mod tests {
    use std::sync::atomic::Ordering::SeqCst;
    use std::time::Duration;

    use super::*;
    use crate::timeout::{Expiry, Timeout};
    use crate::wait::Spinning;

    /// Leaves `items` pending on `q` as blocked putters would.
    fn leave_all(q: &Queue<u32>, items: &[u32]) {
        let mut s = q.state.lock();
        for &item in items {
            q.waiting.putters.count_in();
            leave_pending(&mut s, item, 0);
        }
    }

    fn pending(q: &Queue<u32>) -> Vec<u32> {
        q.state.lock().pending.iter().map(|p| p.item).collect()
    }

    #[test]
    fn a_get_moves_pending_items_in_oldest_first_while_there_is_room() {
        let q = Queue::new(2);
        q.put_many([1, 2], Timeout::NoWait).unwrap();
        leave_all(&q, &[3, 4, 5]);
        assert_eq!(q.get_nowait(), Ok(1));
        assert_eq!(pending(&q), [4, 5], "one slot freed, one item moved");
        assert_eq!(q.waiting.moved.load(SeqCst), 1, "the first ticket");
        assert_eq!((q.qsize(), q.unfinished()), (2, 3), "counted once moved in");
        let mut got = Vec::new();
        assert_eq!(q.get_many(&mut got, 2, Timeout::NoWait), Ok(2));
        assert_eq!(got, [2, 3]);
        assert!(pending(&q).is_empty());
        assert!(!q.waiting.putters.anyone(), "each moved putter uncounted");
        assert_eq!(q.into_items(), [4, 5]);
    }

    #[test]
    fn nothing_moves_after_a_shutdown_or_into_a_lowered_bound() {
        let q = Queue::new(1);
        q.put(1, Timeout::NoWait).unwrap();
        leave_all(&q, &[2]);
        q.set_maxsize(0);
        assert!(pending(&q).is_empty(), "a raised bound makes room");
        leave_all(&q, &[3]);
        q.set_maxsize(1);
        assert_eq!(q.get_nowait(), Ok(1));
        assert_eq!(pending(&q), [3], "still above the lowered bound");
        q.shutdown(false);
        assert_eq!(q.get_nowait(), Ok(2));
        assert_eq!(pending(&q), [3], "a shut-down queue takes no item");
        assert!(q.waiting.putters.anyone(), "its putter is still counted");
    }

    /// A putter whose yields end before a get came takes its item back,
    /// uncounted; one that finds room at its last try puts at once.
    #[test]
    fn a_putter_takes_its_item_back_when_no_get_came() {
        let q = Queue::new(1);
        let policy = Spinning::new();
        let mut expiry = Expiry::new(Timeout::After(Duration::from_millis(1)));
        expiry.deadline();
        std::thread::sleep(Duration::from_millis(5));
        let mut backoff = Backoff::new(&mut expiry, &policy);
        assert!(
            matches!(q.put_pending(1, 0, &mut backoff), Ok(Ok(()))),
            "room at the last try"
        );
        assert!(
            matches!(q.put_pending(2, 0, &mut backoff), Err(2)),
            "yields over: handed back"
        );
        assert!(pending(&q).is_empty());
        assert!(!q.waiting.putters.anyone());
        q.shutdown(false);
        assert!(matches!(
            q.put_pending(3, 0, &mut backoff),
            Ok(Err(PutError::ShutDown(3)))
        ));
        assert_eq!(q.into_items(), [1]);
    }
}
