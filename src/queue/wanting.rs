//! Wanting gets, the mirror of pending puts (`pending`): a blocked getter
//! that is about to yield the CPU leaves a want with the queue, and the
//! lock-free put that finds it there hands an item over on the getter's
//! behalf, so that the getter finds its get done when it runs again.
//!
//! With both threads on one CPU and one slot, that passes three items per
//! two switches instead of two: the putter hands one item to the yielding
//! getter, which frees the slot for the next, and leaves the third pending
//! (the getter takes the second and moves the third in before it yields).
//!
//! Only a thread's `get` on a bounded FIFO leaves a want (on an unbounded
//! one no putter waits for the room it frees), and only for its yielding
//! steps: it takes the want back (and the item, if one was handed over)
//! before it parks, so parking, shutdown and timeouts stay as `wait` has
//! them. A handed-over item has been got: it is no longer queued, and the
//! get that made room that way serves the pending puts and wakes putters
//! (`Queue::made_room_locked`). Wants are served oldest first, each with
//! the item a locked get would take (`Queue::try_get`). Only the lock-free
//! put serves them; while yielding, the getter also looks at the ring
//! itself, so an item put another way ends its yields too.
//!
//! Why no want is left unserved while an item is there: the getter counts
//! itself among the getters (`Waiters::count_in`) and tries its get once
//! more before it leaves the want, all under the lock; a lock-free put
//! pushes its item before it reads that count (`Queue::put_into_ring`) and
//! serves the wants under the lock. Either the last try finds the item, or
//! the put finds the want.

use std::sync::atomic::Ordering::{Acquire, Release};

use super::{Queue, State};
use crate::error::GetError;
use crate::fifo::Fifo;
use crate::wait::Backoff;

/// A yielding getter's want, and the item handed over to it.
pub(super) struct Want<T> {
    /// Tickets rise in the order wants are left (see `State::tickets`).
    ticket: u64,
    item: Option<T>,
}

/// Leaves a want (room for it reserved); returns its ticket.
fn leave_want<T>(s: &mut State<T>) -> u64 {
    let ticket = s.next_ticket();
    s.wants.push_back(Want { ticket, item: None });
    ticket
}

impl<T> Queue<T> {
    /// Hands items over to the wants not yet served, oldest first, while
    /// there are items; returns how many were handed over. The caller holds
    /// the lock, and makes room for as many (`Queue::made_room_locked`).
    fn serve_wants(&self, s: &mut State<T>) -> usize {
        let mut wants = std::mem::take(&mut s.wants);
        let mut served = 0;
        for want in wants.iter_mut().filter(|want| want.item.is_none()) {
            let Some(Ok(item)) = self.try_get(s) else { break };
            want.item = Some(item);
            self.waiting.served.store(want.ticket, Release);
            self.waiting.getters.count_out();
            served += 1;
        }
        s.wants = wants;
        if served > 0 {
            self.sync_signals(s);
        }
        served
    }

    /// After a put added an item without the lock: serves the wants and
    /// wakes a parked getter, if a getter is counted (else one load and one
    /// branch), and a listed one once the lock is released.
    #[inline(always)]
    pub(super) fn added_item(&self) {
        if self.waiting.getters.anyone() {
            self.added_item_slow();
        }
    }

    #[cold]
    #[inline(never)]
    fn added_item_slow(&self) {
        let mut s = self.state.lock();
        match self.serve_wants(&mut s) {
            // The item is there for a parked getter or a listed waker.
            0 => {
                self.waiting.getters.notify_one_locked();
                drop(s);
                self.waiting.getters.wake_listed(1);
            }
            // Handed over instead: a get that made room.
            served => self.made_room_locked(s, served),
        }
    }

    /// `get` on an empty ring or list after its spin: leaves a want and
    /// yields the CPU while `backoff` allows, for a put to hand an item
    /// over. Returns the outcome if the get is over, else `None`, for the
    /// caller to park.
    pub(super) fn get_wanting(&self, ring: &Fifo<T>, backoff: &mut Backoff<'_>) -> Option<Result<T, GetError>> {
        let mut s = self.state.lock();
        // Counted before the last try (see the module docs).
        self.waiting.getters.count_in();
        if let Some(got) = self.try_get(&mut s) {
            self.waiting.getters.count_out();
            if got.is_ok() {
                self.made_room_locked(s, 1);
            }
            return Some(got);
        }
        if s.wants.try_reserve(1).is_err() {
            self.waiting.getters.count_out();
            return None;
        }
        let ticket = leave_want(&mut s);
        drop(s);
        let served = || self.waiting.served.load(Acquire) >= ticket;
        backoff.yield_phase(|| (served() || ring.may_pop()).then_some(()));
        let mut s = self.state.lock();
        let at = s.wants.iter().position(|want| want.ticket == ticket);
        let want = s.wants.remove(at.expect("only its getter takes a want back"));
        match want.expect("found at `at`").item {
            // Got while it yielded; the put that served it made room.
            Some(item) => Some(Ok(item)),
            None => {
                self.waiting.getters.count_out();
                None
            }
        }
    }
}

#[cfg(all(test, not(loom), not(shuttle)))]
mod tests {
    use std::sync::atomic::Ordering::SeqCst;
    use std::time::Duration;

    use super::*;
    use crate::queue::pending::leave_pending;
    use crate::timeout::{Expiry, Timeout};
    use crate::wait::Spinning;

    /// Leaves `n` wants on `q` as yielding getters would.
    fn leave_wants(q: &Queue<u32>, n: usize) {
        let mut s = q.state.lock();
        for _ in 0..n {
            q.waiting.getters.count_in();
            leave_want(&mut s);
        }
    }

    fn wants(q: &Queue<u32>) -> Vec<Option<u32>> {
        q.state.lock().wants.iter().map(|want| want.item).collect()
    }

    #[test]
    fn a_put_hands_its_item_to_the_oldest_want_and_makes_room() {
        let q = Queue::new(1);
        leave_wants(&q, 2);
        q.put(1, Timeout::NoWait).unwrap();
        assert_eq!(wants(&q), [Some(1), None], "the oldest want served");
        assert_eq!(q.waiting.served.load(SeqCst), 1, "the first ticket");
        assert_eq!((q.qsize(), q.unfinished()), (0, 1), "got, not done");
        q.put(2, Timeout::NoWait).unwrap();
        assert_eq!(wants(&q), [Some(1), Some(2)]);
        assert!(!q.waiting.getters.anyone(), "each served getter uncounted");
        q.put(3, Timeout::NoWait).unwrap();
        assert_eq!(
            q.put(4, Timeout::NoWait),
            Err(crate::PutError::Full(4)),
            "the slot is free for one"
        );
        assert_eq!(wants(&q), [Some(1), Some(2)]);
        assert_eq!(q.into_items(), [3]);
    }

    #[test]
    fn a_served_get_moves_a_pending_item_in() {
        let q = Queue::new(1);
        q.put(1, Timeout::NoWait).unwrap();
        leave_wants(&q, 1);
        // A putter waiting with its item.
        q.waiting.putters.count_in();
        leave_pending(&mut q.state.lock(), 2, 0);
        q.added_item();
        assert_eq!(wants(&q), [Some(1)]);
        assert!(q.state.lock().pending.is_empty(), "moved into the freed slot");
        assert!(!q.waiting.putters.anyone() && !q.waiting.getters.anyone());
        assert_eq!(q.into_items(), [2]);
    }

    /// A getter whose yields end before a put came takes its want back,
    /// uncounted; one that finds an item at its last try takes it at once,
    /// and one on a shut-down, empty queue learns so.
    #[test]
    fn a_getter_takes_its_want_back_when_no_put_came() {
        let q = Queue::new(1);
        let ring = q.fifo.as_ref().unwrap();
        let policy = Spinning::new();
        let mut expiry = Expiry::new(Timeout::After(Duration::from_millis(1)));
        expiry.deadline();
        std::thread::sleep(Duration::from_millis(5));
        let mut backoff = Backoff::new(&mut expiry, &policy);
        q.put(1, Timeout::NoWait).unwrap();
        assert_eq!(
            q.get_wanting(ring, &mut backoff),
            Some(Ok(1)),
            "an item at the last try"
        );
        assert_eq!(q.get_wanting(ring, &mut backoff), None, "yields over: nothing");
        assert!(wants(&q).is_empty());
        assert!(!q.waiting.getters.anyone());
        q.shutdown(false);
        assert_eq!(q.get_wanting(ring, &mut backoff), Some(Err(GetError::ShutDown)));
        assert!(!q.waiting.getters.anyone());
    }
}
