//! The lock-free ring behind a FIFO queue.
//!
//! A fixed array of slots, each with a sequence stamp (Dmitry Vyukov's
//! bounded MPMC queue, with positions laid out as `lap | index` the way
//! crossbeam's `ArrayQueue` does, so any capacity works without a division).
//! A producer claims a position with one compare-and-swap on `tail`, a
//! consumer with one on `head`; the two sides meet only in the slot they hand
//! over, and a slot's stamp says whose turn it is. No lock is taken.
//!
//! On top of that:
//! - a *bound* at most the capacity (`set_bound`), for a live `maxsize` change;
//! - a *mark* bit in `tail` that closes the ring: every lock-free claim after
//!   it fails, so no item slips in after a shutdown or an overflow, while
//!   consumers still drain it; clearing it opens the ring again. The queue's
//!   lock holder may still push into a ring it closed ([`Ring::push_closed`]):
//!   that is how a caller's iterator runs with a place held for its item,
//!   and no claimed slot is ever left without an item.
//!
//! Under loom each ring operation runs alone (behind a model mutex): a thread
//! that spins on another's in-flight store is a loop loom cannot bound, so
//! the models check the queue's protocol around a linearizable ring, and the
//! ring's own memory orderings are checked by Miri (`verify.sh miri`), TSan
//! and the checksummed stress tests.

use std::mem::MaybeUninit;

use crate::fifo::{Popped, Refusal};
use crate::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};
use crate::sync::atomic::{AtomicBool, AtomicUsize, fence};
use crate::sync::{Padded, UnsafeCell};
use crate::wait::backoff;

/// One place in the ring. `stamp` is the position the slot is ready for: a
/// producer may fill it when `stamp == tail`, a consumer may take it when
/// `stamp == head + 1`.
struct Slot<T> {
    stamp: AtomicUsize,
    /// Initialized exactly while the stamp says the slot is filled: from a
    /// producer's [`fill`](Ring::fill) to a consumer's take. The ring's
    /// `Drop` drops what is left.
    item: UnsafeCell<MaybeUninit<T>>,
}

/// How many times [`Ring::len`] looks for a consistent snapshot before it
/// stops the producers for one.
const LEN_TRIES: usize = 8;

/// A fixed-capacity multi-producer multi-consumer FIFO.
pub(crate) struct Ring<T> {
    /// The position of the next item to take.
    head: Padded<AtomicUsize>,
    /// The position of the next slot to fill, plus `mark` once closed.
    tail: Padded<AtomicUsize>,
    /// Whether `tail` has the mark, for a getter's look ([`slot_filled`](Ring::slot_filled)):
    /// on a line of its own that only closing and opening write, where
    /// `tail`'s is written by every claim. A hint, stored after the mark.
    closed: Padded<AtomicBool>,
    /// At most this many items may be queued (`1..=cap`).
    bound: AtomicUsize,
    slots: Box<[Slot<T>]>,
    cap: usize,
    /// The closed bit: the lowest power of two above every index.
    mark: usize,
    /// `mark - 1`: a position's index is `position & index_mask`.
    index_mask: usize,
    /// `cap - 1`, the last index: the one a lap wraps after. (This and
    /// `index_mask` are kept, not derived, for `at`: 2 instructions of its
    /// 10, on every put and get.)
    last_index: usize,
    /// Adding this to a position moves it one lap on (`2 * mark`).
    one_lap: usize,
    /// `log2(one_lap)`: a position's lap number is `position >> lap_shift`.
    lap_shift: u32,
    /// Makes each operation atomic in the model (see the module docs).
    #[cfg(loom)]
    model: crate::sync::Mutex<()>,
}

/// Proof that an operation runs alone, under loom; nothing otherwise.
#[cfg(loom)]
type Alone<'a> = crate::sync::MutexGuard<'a, ()>;
#[cfg(not(loom))]
type Alone<'a> = std::marker::PhantomData<&'a ()>;

// SAFETY: items move between threads through the ring (so `T: Send`); a
// slot's value is only touched by the one thread its stamp hands it to.
unsafe impl<T: Send> Send for Ring<T> {}
// SAFETY: as above; every shared field is atomic.
unsafe impl<T: Send> Sync for Ring<T> {}

impl<T> Ring<T> {
    /// An empty ring of `cap` slots (`cap > 0`), or `None` if the slots
    /// cannot be allocated.
    pub(crate) fn new(cap: usize) -> Option<Self> {
        assert!(cap > 0, "a ring needs at least one slot");
        let mark = (cap + 1).checked_next_power_of_two()?;
        let one_lap = mark.checked_mul(2)?;
        let mut slots = Vec::new();
        slots.try_reserve_exact(cap).ok()?;
        slots.extend((0..cap).map(|i| Slot {
            stamp: AtomicUsize::new(i),
            item: UnsafeCell::new(MaybeUninit::uninit()),
        }));
        Some(Ring {
            head: Padded(AtomicUsize::new(0)),
            tail: Padded(AtomicUsize::new(0)),
            closed: Padded(AtomicBool::new(false)),
            bound: AtomicUsize::new(cap),
            slots: slots.into_boxed_slice(),
            cap,
            mark,
            index_mask: mark - 1,
            last_index: cap - 1,
            one_lap,
            lap_shift: one_lap.trailing_zeros(),
            #[cfg(loom)]
            model: crate::sync::Mutex::new(()),
        })
    }

    /// Under loom, keeps other ring operations out until dropped.
    fn alone(&self) -> Alone<'_> {
        #[cfg(loom)]
        return self.model.lock();
        #[cfg(not(loom))]
        std::marker::PhantomData
    }

    /// How many slots the ring has: the largest bound it can hold.
    pub(crate) fn capacity(&self) -> usize {
        self.cap
    }

    /// How many items may be queued (see [`set_bound`](Ring::set_bound)).
    pub(crate) fn bound(&self) -> usize {
        self.bound.load(SeqCst)
    }

    /// Sets how many items may be queued, `1..=capacity()`. Items already
    /// queued beyond a smaller bound stay; claims fail until gets make room.
    pub(crate) fn set_bound(&self, bound: usize) {
        let _alone = self.alone();
        assert!((1..=self.cap).contains(&bound), "the bound must fit the ring");
        self.bound.store(bound, SeqCst);
    }

    /// Closes the ring to lock-free claims. Returns whether it was open.
    pub(crate) fn close(&self) -> bool {
        let _alone = self.alone();
        let was_open = self.tail.fetch_or(self.mark, SeqCst) & self.mark == 0;
        if was_open {
            self.closed.store(true, Relaxed);
        }
        was_open
    }

    /// Opens a closed ring again. The caller holds the queue's lock and makes
    /// sure nothing else should be put first (the overflow store is empty).
    pub(crate) fn reopen(&self) {
        let _alone = self.alone();
        if self.tail.fetch_and(!self.mark, SeqCst) & self.mark != 0 {
            self.closed.store(false, Relaxed);
        }
    }

    /// Whether the ring is closed.
    #[cfg(test)]
    pub(crate) fn is_closed(&self) -> bool {
        self.tail.load(SeqCst) & self.mark != 0
    }

    /// Where the next item will go (`tail` without the mark): it changes
    /// with every claim, so a caller can tell whether anything was put
    /// since it last looked.
    pub(crate) fn tail_position(&self) -> usize {
        self.tail.load(SeqCst) & !self.mark
    }

    /// The slot of position `pos` (marked or not), and the position after
    /// `pos`, from one look at its index. No bounds check: a position's
    /// index is below `cap`, the slots' length, as every position is 0 or
    /// one this made, wrapping the index there.
    #[inline(always)]
    fn at(&self, pos: usize) -> (&Slot<T>, usize) {
        let index = pos & self.index_mask;
        debug_assert!(index < self.cap, "a position past the slots");
        // SAFETY: as above.
        let slot = unsafe { self.slots.get_unchecked(index) };
        let next = if index < self.last_index {
            pos + 1
        } else {
            (pos & !(self.one_lap - 1)).wrapping_add(self.one_lap)
        };
        (slot, next)
    }

    /// How many positions lie from `head` up to `tail` (both unmarked, `head`
    /// not past `tail`).
    fn distance(&self, head: usize, tail: usize) -> usize {
        let hix = head & self.index_mask;
        let tix = tail & self.index_mask;
        if hix < tix {
            tix - hix
        } else if hix > tix {
            self.cap - hix + tix
        } else if head == tail {
            0
        } else {
            self.cap
        }
    }

    /// How many items are queued (or being put in by a producer that
    /// claimed its slot). The caller holds the queue's lock.
    ///
    /// Only a snapshot in which `tail` did not move around the read of
    /// `head` is consistent. Under steady lock-free puts that may take a few
    /// tries; after [`LEN_TRIES`] the ring is closed for one look (tail
    /// stops, as only the lock holder could move it then) and opened again.
    pub(crate) fn len(&self) -> usize {
        let _alone = self.alone();
        for _ in 0..LEN_TRIES {
            let tail = self.tail.load(SeqCst);
            let head = self.head.load(SeqCst);
            if self.tail.load(SeqCst) == tail {
                return self.distance(head, tail & !self.mark);
            }
        }
        let tail = self.tail.fetch_or(self.mark, SeqCst);
        let len = self.distance(self.head.load(SeqCst), tail & !self.mark);
        if tail & self.mark == 0 {
            self.tail.fetch_and(!self.mark, SeqCst);
        }
        len
    }

    /// A cheap look: whether a pop may find an item. Only a hint for a
    /// waiter deciding when to try again; a closed ring gives none.
    pub(crate) fn may_pop(&self) -> bool {
        self.tail.load(Relaxed) & !self.mark != self.head.load(Relaxed)
    }

    /// A cheap look: whether a claim may find room. Only a hint for a waiter
    /// deciding when to try again; a closed ring gives none.
    pub(crate) fn may_claim(&self) -> bool {
        let tail = self.tail.load(Relaxed);
        tail & self.mark == 0 && self.distance(self.head.load(Relaxed), tail) < self.bound.load(Relaxed)
    }

    /// A look at the next pop's slot: whether its item is there, or the
    /// ring is closed (so that a pop finds out what that means: drained, or
    /// the lock holder putting). For a getter spinning on an empty ring:
    /// unlike [`may_pop`](Ring::may_pop) it reads the line the producer
    /// writes to hand the item over, not `tail`, which the producer's next
    /// claim would have to take back.
    pub(crate) fn slot_filled(&self) -> bool {
        let head = self.head.load(Relaxed);
        self.at(head).0.stamp.load(Relaxed) == head + 1 || self.closed.load(Relaxed)
    }

    /// A look at the next claim's slot: whether it is free (and the bound
    /// leaves room), or the ring is closed (for a claim to report). For a
    /// putter spinning on a full ring, as [`slot_filled`](Ring::slot_filled)
    /// is for a getter: `head` is read only under a bound below the capacity.
    pub(crate) fn slot_free(&self) -> bool {
        let tail = self.tail.load(Relaxed);
        let bound = self.bound.load(Relaxed);
        tail & self.mark != 0
            || self.at(tail).0.stamp.load(Relaxed) == tail
                && (bound == self.cap || self.distance(self.head.load(Relaxed), tail) < bound)
    }

    /// How many positions were ever claimed: every item put in (or being
    /// put in). Never decreases.
    pub(crate) fn pushed(&self) -> usize {
        let _alone = self.alone();
        let tail = self.tail.load(SeqCst) & !self.mark;
        (tail >> self.lap_shift) * self.cap + (tail & self.index_mask)
    }

    /// Whether the bound leaves no room at `tail`, judged from a head read
    /// after a full fence (so that a consumer's take is either seen here or
    /// sees this caller's wait registration).
    fn at_bound(&self, tail: usize, bound: usize) -> bool {
        fence(SeqCst);
        let head = self.head.load(Relaxed);
        // Consistent only if tail has not moved since it was read.
        self.distance(head, tail) >= bound && self.tail.load(Relaxed) == tail
    }

    /// Puts `item` in without waiting for room, unless the ring is full or
    /// closed; then hands it back with the reason.
    #[inline(always)]
    pub(crate) fn push(&self, item: T) -> Result<(), (T, Refusal)> {
        let item = match self.push_free(item) {
            Ok(()) => return Ok(()),
            Err(item) => item,
        };
        let _alone = self.alone();
        match self.claim_contended() {
            Ok(slot) => {
                self.fill(slot, item);
                Ok(())
            }
            Err(refusal) => Err((item, refusal)),
        }
    }

    /// [`push`](Ring::push)'s common case alone: puts `item` in if the slot
    /// at `tail` is free now, else hands it back with nothing decided (full,
    /// closed, or another producer first), and nothing read of `head`.
    #[inline(always)]
    pub(crate) fn push_free(&self, item: T) -> Result<(), T> {
        let _alone = self.alone();
        match self.claim_free() {
            Some(slot) => {
                self.fill(slot, item);
                Ok(())
            }
            None => Err(item),
        }
    }

    /// Whether [`push_closed`](Ring::push_closed) has room. The caller holds
    /// the queue's lock and closed the ring, so only gets change the answer
    /// (from no to yes). The head is read after a full fence, so that a
    /// consumer's take is either seen here or sees the caller's wait
    /// registration.
    pub(crate) fn has_room_closed(&self) -> bool {
        let _alone = self.alone();
        let tail = self.tail.load(SeqCst) & !self.mark;
        fence(SeqCst);
        self.distance(self.head.load(SeqCst), tail) < self.bound.load(SeqCst)
    }

    /// Puts `item` into a ring the caller closed (holding the queue's lock),
    /// where [`has_room_closed`](Ring::has_room_closed) said there is room.
    /// The ring stays closed to everyone else.
    pub(crate) fn push_closed(&self, item: T) {
        let _alone = self.alone();
        let tail = self.tail.load(SeqCst);
        debug_assert!(tail & self.mark != 0, "the caller closed the ring");
        let (slot, next) = self.at(tail & !self.mark);
        // A consumer may still be taking last lap's item out of the slot.
        let mut step = 0;
        while slot.stamp.load(Acquire) != tail & !self.mark {
            backoff(step);
            step += 1;
        }
        // Only the lock holder moves a closed ring's tail.
        self.tail.store(next | self.mark, SeqCst);
        self.fill(slot, item);
    }

    /// Claims the slot at `tail` with a compare-and-swap, without waiting
    /// for room; the caller fills it at once. The common case, inline: the
    /// ring open, the slot free, no bound below the capacity, and no other
    /// producer first; `None` (nothing changed) leaves everything else to
    /// [`claim_contended`](Ring::claim_contended).
    #[inline(always)]
    fn claim_free(&self) -> Option<&Slot<T>> {
        let tail = self.tail.load(Acquire);
        let (slot, next) = self.at(tail);
        (tail & self.mark == 0
            && slot.stamp.load(Acquire) == tail
            && self.bound.load(Relaxed) == self.cap
            && self.tail.compare_exchange_weak(tail, next, SeqCst, Acquire).is_ok())
        .then_some(slot)
    }

    /// A claim, every case.
    #[cold]
    #[inline(never)]
    fn claim_contended(&self) -> Result<&Slot<T>, Refusal> {
        let mut step = 0;
        // Acquire: a tail that `reopen` wrote shows the bound set before it.
        let mut tail = self.tail.load(Acquire);
        loop {
            if tail & self.mark != 0 {
                return Err(Refusal::Closed);
            }
            let (slot, next) = self.at(tail);
            let stamp = slot.stamp.load(Acquire);
            if stamp == tail {
                let bound = self.bound.load(Relaxed);
                if bound < self.cap && self.distance(self.head.load(Relaxed), tail) >= bound {
                    if self.at_bound(tail, bound) {
                        return Err(Refusal::Full);
                    }
                    tail = self.tail.load(Acquire);
                    continue;
                }
                match self.tail.compare_exchange_weak(tail, next, SeqCst, Acquire) {
                    Ok(_) => return Ok(slot),
                    Err(now) => tail = now,
                }
            } else {
                // The slot still holds last lap's item: full, unless a
                // consumer is taking it right now.
                if stamp.wrapping_add(self.one_lap) == tail + 1 {
                    fence(SeqCst);
                    if self.head.load(Relaxed).wrapping_add(self.one_lap) == tail {
                        return Err(Refusal::Full);
                    }
                }
                // A consumer is taking last lap's item, or another producer
                // took this position first: look again.
                backoff(step);
                step += 1;
                tail = self.tail.load(Acquire);
            }
        }
    }

    /// Puts `item` into a slot this thread claimed and hands it to consumers.
    fn fill(&self, slot: &Slot<T>, item: T) {
        let stamp = slot.stamp.load(Relaxed) + 1;
        // SAFETY: the claim made this thread the slot's only user until the
        // stamp below hands it to a consumer; the slot is empty (its last
        // item was taken), so nothing is leaked.
        slot.item.with_mut(|p| unsafe { p.write(MaybeUninit::new(item)) });
        slot.stamp.store(stamp, Release);
    }

    /// Closes the ring and takes every item in it at once, to be handed
    /// out oldest first: a concurrent pop either took its item before (it
    /// is not among these) or finds the ring drained, never one from the
    /// middle. Allocates nothing. For the queue's lock holder (an immediate
    /// shutdown, or the queue's end); the ring is not opened again.
    pub(crate) fn take_all(&self) -> Taken<'_, T> {
        let _alone = self.alone();
        // Closed, the tail stays where it is: nothing is claimed after it.
        let tail = self.tail.fetch_or(self.mark, SeqCst) & !self.mark;
        self.closed.store(true, Relaxed);
        let mut head = self.head.load(SeqCst);
        while let Err(now) = self.head.compare_exchange_weak(head, tail, SeqCst, SeqCst) {
            head = now;
        }
        Taken { ring: self, head, tail }
    }

    /// Takes the oldest item, without waiting for one. A slot claimed by a
    /// producer that has not filled it yet is waited for (briefly: filling
    /// is a store).
    #[inline(always)]
    pub(crate) fn pop(&self) -> Popped<T> {
        match self.pop_fast() {
            Some(item) => Popped::Item(item),
            None => self.pop_contended(),
        }
    }

    /// [`pop`](Ring::pop)'s common case, inline: the head slot filled, no
    /// other consumer first. `None` (nothing changed) leaves every other
    /// case to [`pop_contended`](Ring::pop_contended).
    #[inline(always)]
    pub(crate) fn pop_fast(&self) -> Option<T> {
        let _alone = self.alone();
        let head = self.head.load(Relaxed);
        let (slot, next) = self.at(head);
        if slot.stamp.load(Acquire) == head + 1 && self.head.compare_exchange_weak(head, next, SeqCst, Relaxed).is_ok()
        {
            return Some(self.take(slot, head));
        }
        None
    }

    /// Takes the item out of `slot`, whose position `head` this thread won,
    /// and frees the slot for the next lap.
    #[inline(always)]
    fn take(&self, slot: &Slot<T>, head: usize) -> T {
        // SAFETY: winning the CAS on a filled slot makes this thread its
        // only reader until the stamp below marks it empty again.
        let item = slot.item.with_mut(|p| unsafe { p.read().assume_init() });
        slot.stamp.store(head.wrapping_add(self.one_lap), Release);
        item
    }

    /// [`pop`](Ring::pop), every case.
    #[cold]
    #[inline(never)]
    pub(crate) fn pop_contended(&self) -> Popped<T> {
        let _alone = self.alone();
        let mut step = 0;
        let mut head = self.head.load(Relaxed);
        loop {
            let (slot, next) = self.at(head);
            let stamp = slot.stamp.load(Acquire);
            if stamp == head + 1 {
                match self.head.compare_exchange_weak(head, next, SeqCst, Relaxed) {
                    Ok(_) => return Popped::Item(self.take(slot, head)),
                    Err(now) => head = now,
                }
            } else {
                // Closed and empty: a fact only the lock holder can undo
                // (`reopen`), so it needs no fence. Checked whatever the
                // slot's stamp says: after `take_all` the slot at `head` may
                // still hold an item that its `Taken` has not handed out.
                if self.tail.load(Relaxed) == head | self.mark {
                    return Popped::Drained;
                }
                if stamp == head {
                    fence(SeqCst);
                    let tail = self.tail.load(Relaxed);
                    if tail & !self.mark == head {
                        return if tail & self.mark != 0 {
                            Popped::Drained
                        } else {
                            Popped::Empty
                        };
                    }
                }
                // A producer claimed this slot and has not filled it yet, or
                // another consumer took this position first: look again.
                backoff(step);
                step += 1;
                head = self.head.load(Relaxed);
            }
        }
    }
}

/// The items [`Ring::take_all`] took: the positions from `head` up to
/// `tail`, which no other thread touches any more. Dropping it drops the
/// items not handed out.
pub(crate) struct Taken<'a, T> {
    ring: &'a Ring<T>,
    head: usize,
    tail: usize,
}

impl<T> Taken<'_, T> {
    /// How many items are left to hand out.
    pub(crate) fn len(&self) -> usize {
        self.ring.distance(self.head, self.tail)
    }
}

impl<T> Iterator for Taken<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        if self.head == self.tail {
            return None;
        }
        let ring = self.ring;
        let (slot, next) = ring.at(self.head);
        // A producer that claimed the slot may still be filling it.
        let mut step = 0;
        while slot.stamp.load(Acquire) != self.head + 1 {
            backoff(step);
            step += 1;
        }
        // SAFETY: `take_all` moved `head` past the slot, making this the
        // slot's only user, and the stamp says it is filled.
        let item = slot.item.with_mut(|p| unsafe { p.read().assume_init() });
        slot.stamp.store(self.head.wrapping_add(ring.one_lap), Release);
        self.head = next;
        Some(item)
    }
}

impl<T> Drop for Taken<'_, T> {
    fn drop(&mut self) {
        self.for_each(drop);
    }
}

impl<T> Drop for Ring<T> {
    /// Drops the items still queued: every claimed slot is filled by now,
    /// as a claim and its fill run back to back in one thread.
    fn drop(&mut self) {
        drop(self.take_all());
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn drain<T>(r: &Ring<T>) -> Vec<T> {
        std::iter::from_fn(|| match r.pop() {
            Popped::Item(x) => Some(x),
            _ => None,
        })
        .collect()
    }

    fn push(r: &Ring<u32>, x: u32) -> Result<(), Refusal> {
        r.push(x).map_err(|(_, refusal)| refusal)
    }

    #[test]
    fn keeps_fifo_order_over_many_laps() {
        for cap in [1, 2, 3, 5, 8] {
            let r = Ring::new(cap).unwrap();
            let mut next_out = 0;
            for x in 0..50u32 {
                if push(&r, x) == Err(Refusal::Full) {
                    assert_eq!(r.len(), cap);
                    assert_eq!(r.pop(), Popped::Item(next_out));
                    next_out += 1;
                    push(&r, x).unwrap();
                }
            }
            assert_eq!(r.pushed(), 50, "cap {cap}: every put counted across laps");
            let rest = drain(&r);
            assert_eq!(rest, (next_out..50).collect::<Vec<_>>(), "cap {cap}");
            assert_eq!(r.pop(), Popped::Empty);
        }
    }

    #[test]
    fn a_smaller_bound_limits_claims_and_keeps_items() {
        let r = Ring::new(4).unwrap();
        for x in 0..4 {
            push(&r, x).unwrap();
        }
        r.set_bound(2);
        assert_eq!(r.len(), 4, "shrinking keeps every item");
        assert_eq!(r.pop(), Popped::Item(0));
        assert_eq!(r.pop(), Popped::Item(1));
        assert_eq!(push(&r, 9), Err(Refusal::Full), "two queued, bound two");
        assert_eq!(r.pop(), Popped::Item(2));
        push(&r, 9).unwrap();
        assert_eq!(push(&r, 10), Err(Refusal::Full));
        r.set_bound(4);
        push(&r, 10).unwrap();
        assert_eq!(drain(&r), [3, 9, 10]);
    }

    #[test]
    fn closing_refuses_claims_and_drains_what_is_queued() {
        let r = Ring::new(3).unwrap();
        push(&r, 1).unwrap();
        r.close();
        assert_eq!(push(&r, 2), Err(Refusal::Closed));
        assert_eq!(r.len(), 1);
        assert_eq!(r.pop(), Popped::Item(1));
        assert_eq!(r.pop(), Popped::Drained);
        r.reopen();
        assert_eq!(r.pop(), Popped::Empty);
        push(&r, 3).unwrap();
        assert_eq!(r.pushed(), 2, "positions go on counting across a close");
        assert_eq!(drain(&r), [3]);
    }

    #[test]
    fn the_lock_holder_pushes_into_the_ring_it_closed() {
        let r = Ring::new(3).unwrap();
        push(&r, 1).unwrap();
        assert!(r.close(), "it was open");
        assert!(!r.close(), "closed already");
        assert!(r.has_room_closed());
        r.push_closed(2);
        assert_eq!(push(&r, 3), Err(Refusal::Closed), "still closed to everyone else");
        r.push_closed(3);
        assert!(!r.has_room_closed(), "three slots, three items");
        assert_eq!(r.len(), 3);
        assert_eq!(r.pop(), Popped::Item(1));
        assert!(r.has_room_closed(), "a get makes room");
        r.set_bound(1);
        assert!(!r.has_room_closed(), "two queued, bound one");
        assert_eq!(drain(&r), [2, 3]);
        assert_eq!(r.pop(), Popped::Drained);
        let before = r.tail_position();
        r.reopen();
        assert_eq!(r.tail_position(), before, "opening moves no position");
        push(&r, 4).unwrap();
        assert_ne!(r.tail_position(), before, "a claim does");
        assert_eq!(r.pushed(), 4);
    }

    /// Producers and consumers racing on a tiny ring, spinning where it
    /// refuses: every item comes out once. Under Miri this explores weak
    /// memory effects and checks for data races on the slots.
    #[test]
    fn racing_threads_move_every_item_exactly_once() {
        const PER_PRODUCER: u32 = if cfg!(miri) { 40 } else { 20_000 };
        let r = Ring::new(2).unwrap();
        let got = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for p in 0..2 {
                let r = &r;
                s.spawn(move || {
                    for i in 0..PER_PRODUCER {
                        while push(r, p * PER_PRODUCER + i).is_err() {
                            std::thread::yield_now();
                        }
                    }
                });
            }
            for _ in 0..2 {
                let (r, got) = (&r, &got);
                s.spawn(move || {
                    let mut mine = Vec::new();
                    while mine.len() < PER_PRODUCER as usize {
                        match r.pop() {
                            Popped::Item(x) => mine.push(x),
                            _ => std::thread::yield_now(),
                        }
                    }
                    got.lock().unwrap().extend(mine);
                });
            }
        });
        let mut got = got.into_inner().unwrap();
        got.sort_unstable();
        assert_eq!(got, (0..2 * PER_PRODUCER).collect::<Vec<_>>());
    }

    #[test]
    fn the_slot_looks_follow_the_slot_and_say_try_on_a_closed_ring() {
        let r = Ring::new(2).unwrap();
        assert!(!r.slot_filled() && r.slot_free(), "empty");
        push(&r, 1).unwrap();
        assert!(r.slot_filled() && r.slot_free(), "one of two");
        push(&r, 2).unwrap();
        assert!(r.slot_filled() && !r.slot_free(), "full");
        assert_eq!(drain(&r), [1, 2]);
        assert!(!r.slot_filled() && r.slot_free(), "empty again, a lap on");
        // Closed (a shutdown, an overflow into the store, a locked put),
        // both looks send a waiter to the exact test, which tells it why.
        assert!(r.close());
        assert!(r.slot_filled() && r.slot_free());
        assert_eq!(r.pop(), Popped::Drained);
        r.reopen();
        assert!(!r.slot_filled() && r.slot_free(), "open and empty");
        push(&r, 3).unwrap();
        r.set_bound(1);
        assert!(!r.slot_free(), "the bound leaves no room");
        drop(r.take_all());
        assert!(r.slot_filled() && r.slot_free(), "take_all closes");
    }

    #[test]
    fn take_all_closes_and_empties_the_ring_in_order() {
        for cap in [1, 3, 4] {
            let r = Ring::new(cap).unwrap();
            for x in 0..7 {
                if push(&r, x).is_err() {
                    assert!(matches!(r.pop(), Popped::Item(_)));
                    push(&r, x).unwrap();
                }
            }
            let taken = r.take_all();
            assert_eq!(taken.len(), cap, "cap {cap}");
            assert_eq!(r.len(), 0, "cap {cap}: taken at once");
            assert_eq!(r.pop(), Popped::Drained);
            assert_eq!(push(&r, 9), Err(Refusal::Closed));
            let expected: Vec<u32> = (7 - cap as u32..7).collect();
            assert_eq!(taken.collect::<Vec<_>>(), expected, "cap {cap}");
            assert_eq!(r.take_all().count(), 0);
        }
    }

    #[test]
    fn items_taken_but_not_handed_out_are_dropped() {
        let item = std::sync::Arc::new(());
        let r = Ring::new(3).unwrap();
        for _ in 0..3 {
            assert!(r.push(std::sync::Arc::clone(&item)).is_ok());
        }
        let mut taken = r.take_all();
        drop(taken.next());
        drop(taken);
        assert_eq!(std::sync::Arc::strong_count(&item), 1);
    }

    /// Consumers racing `take_all`: every item comes out once, and each
    /// consumer's items come before all of `take_all`'s (none from the middle).
    #[test]
    fn take_all_races_pops_without_taking_from_the_middle() {
        const ITEMS: u32 = if cfg!(miri) { 20 } else { 500 };
        for _ in 0..if cfg!(miri) { 2 } else { 50 } {
            let r = Ring::new(ITEMS as usize).unwrap();
            for x in 0..ITEMS {
                push(&r, x).unwrap();
            }
            let (popped, taken) = std::thread::scope(|s| {
                let popper = s.spawn(|| drain(&r));
                let taken: Vec<u32> = r.take_all().collect();
                (popper.join().unwrap(), taken)
            });
            let first_taken = taken.first().copied().unwrap_or(ITEMS);
            assert!(
                popped.iter().all(|&x| x < first_taken),
                "a pop took an item after take_all's first"
            );
            let mut all: Vec<u32> = popped.into_iter().chain(taken).collect();
            all.sort_unstable();
            assert_eq!(all, (0..ITEMS).collect::<Vec<_>>());
        }
    }

    #[test]
    fn dropping_the_ring_drops_queued_items() {
        let item = std::sync::Arc::new(());
        let r = Ring::new(2).unwrap();
        assert!(r.push(std::sync::Arc::clone(&item)).is_ok());
        drop(r);
        assert_eq!(std::sync::Arc::strong_count(&item), 1);
    }
}
