//! The lock-free items of a FIFO queue: a fixed ring for a queue bounded at
//! most [`RING_CAPACITY`], a segment list for one unbounded or bounded above
//! it. Both take the same calls (claims that a close mark stops, pushes by
//! the lock holder into a closed one, an atomic take-all), so the queue
//! handles them alike; this file only picks one and passes each call on.

use crate::list::{self, Emptied, List};
use crate::ring::{self, Ring};

/// How many items a FIFO queue bounded at most this holds in a ring of
/// `maxsize` slots, allocated with the queue; one unbounded or bounded above
/// it keeps its items in a segment list, which grows and shrinks by blocks.
/// A ring queue whose bound `set_maxsize` raises past its ring overflows
/// into the locked store. A tuning detail, not part of the API: the tests
/// that cross the boundary mirror it (`tests/common/ring.rs`, checked by
/// `the_tests_know_the_ring_capacity` in `queue.rs`).
pub(crate) const RING_CAPACITY: usize = 1024;

/// Why a push handed its item back.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// As many items as the bound allows are queued.
    Full,
    /// Closed to new items.
    Closed,
    /// A segment list could not allocate its next block.
    NoMemory,
}

/// What a pop found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Popped<T> {
    Item(T),
    /// Nothing queued right now.
    Empty,
    /// Nothing queued, and closed: nothing will be until it opens again.
    Drained,
}

/// A ring or a segment list.
// One per queue, used on every put and get: boxing the list (its spare
// block pointers make it the larger) would cost a pointer chase there.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Fifo<T> {
    Ring(Ring<T>),
    List(List<T>),
}

/// The items a [`Fifo::take_all`] took.
pub(crate) enum Taken<'a, T> {
    Ring(ring::Taken<'a, T>),
    List(list::Taken<'a, T>),
}

/// Passes a call on to the ring or the list.
macro_rules! each {
    ($fifo:expr, $f:ident => $call:expr) => {
        match $fifo {
            Fifo::Ring($f) => $call,
            Fifo::List($f) => $call,
        }
    };
}

impl<T> Fifo<T> {
    /// The place for a FIFO queue of `maxsize` (`0`: unbounded) items, or
    /// `None` if it cannot be allocated.
    pub(crate) fn new(maxsize: usize) -> Option<Self> {
        if maxsize == 0 || maxsize > RING_CAPACITY {
            let list = List::new()?;
            if maxsize > 0 {
                list.set_bound(maxsize);
            }
            Some(Fifo::List(list))
        } else {
            Some(Fifo::Ring(Ring::new(maxsize)?))
        }
    }

    /// The largest bound it can hold (`usize::MAX` for a list: any).
    pub(crate) fn capacity(&self) -> usize {
        each!(self, f => f.capacity())
    }

    /// How many items may be queued.
    pub(crate) fn bound(&self) -> usize {
        each!(self, f => f.bound())
    }

    /// Sets how many items may be queued, `1..=capacity()`; items queued
    /// beyond a smaller bound stay.
    pub(crate) fn set_bound(&self, bound: usize) {
        each!(self, f => f.set_bound(bound))
    }

    /// Closes it to lock-free claims. Returns whether it was open.
    pub(crate) fn close(&self) -> bool {
        each!(self, f => f.close())
    }

    /// Opens it again (the caller holds the queue's lock).
    pub(crate) fn reopen(&self) {
        each!(self, f => f.reopen())
    }

    /// Whether it is closed.
    #[cfg(test)]
    pub(crate) fn is_closed(&self) -> bool {
        each!(self, f => f.is_closed())
    }

    /// A number that changes with every claim and with nothing else.
    pub(crate) fn tail_position(&self) -> usize {
        each!(self, f => f.tail_position())
    }

    /// How many items are queued (the caller holds the queue's lock).
    pub(crate) fn len(&self) -> usize {
        each!(self, f => f.len())
    }

    /// A hint: whether a pop may find an item.
    #[inline(always)]
    pub(crate) fn may_pop(&self) -> bool {
        each!(self, f => f.may_pop())
    }

    /// A hint for a getter spinning: whether a pop may find an item now,
    /// from a look at the next slot alone (not at `tail`).
    #[inline(always)]
    pub(crate) fn may_pop_now(&self) -> bool {
        match self {
            Fifo::Ring(r) => r.slot_filled(),
            Fifo::List(l) => l.slot_filled(),
        }
    }

    /// A hint for a putter spinning: whether a claim may find room now, or
    /// would find it closed, from a look at the ring's next slot (a list:
    /// at its count, if bounded).
    #[inline(always)]
    pub(crate) fn may_claim_now(&self) -> bool {
        match self {
            Fifo::Ring(r) => r.slot_free(),
            Fifo::List(l) => l.room_or_closed(),
        }
    }

    /// A hint: whether a claim may find room.
    #[inline(always)]
    pub(crate) fn may_claim(&self) -> bool {
        each!(self, f => f.may_claim())
    }

    /// How many items were ever put in (or are being put in).
    #[inline(always)]
    pub(crate) fn pushed(&self) -> usize {
        each!(self, f => f.pushed())
    }

    /// Puts `item` in without waiting, unless full, closed or out of memory.
    #[inline(always)]
    pub(crate) fn push(&self, item: T) -> Result<(), (T, Refusal)> {
        each!(self, f => f.push(item))
    }

    /// Puts `item` in if its slot is free now (the inline case of
    /// [`push`](Fifo::push)); else hands it back, nothing decided.
    #[inline(always)]
    pub(crate) fn push_free(&self, item: T) -> Result<(), T> {
        each!(self, f => f.push_free(item))
    }

    /// Whether [`push_closed`](Fifo::push_closed) has room (the caller holds
    /// the queue's lock and closed it).
    pub(crate) fn has_room_closed(&self) -> bool {
        each!(self, f => f.has_room_closed())
    }

    /// Puts the item `next` makes into one the caller closed, where
    /// [`has_room_closed`](Fifo::has_room_closed) said there is room (the
    /// caller's close holds the place); `false` (and `next` not called)
    /// when a list could not allocate its next block. A panic in `next`
    /// leaves everything as it was.
    pub(crate) fn push_closed(&self, next: impl FnOnce() -> T) -> bool {
        match self {
            Fifo::Ring(r) => {
                r.push_closed(next());
                true
            }
            Fifo::List(l) => l.push_closed(next),
        }
    }

    /// Takes the oldest item, without waiting for one.
    #[inline(always)]
    pub(crate) fn pop(&self) -> Popped<T> {
        each!(self, f => f.pop())
    }

    /// [`pop`](Fifo::pop)'s common case, inline: the oldest item if it is
    /// there for the taking, with the block the pop emptied (a list's), for
    /// [`keep`](Fifo::keep) once the item is delivered; `None` (nothing
    /// changed) when `pop_contended` has to look further.
    #[inline(always)]
    pub(crate) fn pop_fast(&self) -> Option<(T, Emptied<T>)> {
        match self {
            Fifo::Ring(r) => r.pop_fast().map(|item| (item, Emptied::none())),
            Fifo::List(l) => l.pop_fast(),
        }
    }

    /// Keeps the block a [`pop_fast`](Fifo::pop_fast) emptied, if it did.
    #[inline(always)]
    pub(crate) fn keep(&self, emptied: Emptied<T>) {
        if let Fifo::List(l) = self {
            l.keep(emptied);
        }
    }

    /// [`pop`](Fifo::pop) without its inline common case, out of line.
    pub(crate) fn pop_contended(&self) -> Popped<T> {
        each!(self, f => f.pop_contended())
    }

    /// Closes it and takes every item at once (see `Ring::take_all`).
    pub(crate) fn take_all(&self) -> Taken<'_, T> {
        match self {
            Fifo::Ring(r) => Taken::Ring(r.take_all()),
            Fifo::List(l) => Taken::List(l.take_all()),
        }
    }
}

impl<T> Taken<'_, T> {
    /// How many items are left to hand out.
    pub(crate) fn len(&self) -> usize {
        match self {
            Taken::Ring(t) => t.len(),
            Taken::List(t) => t.len(),
        }
    }
}

impl<T> Iterator for Taken<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        match self {
            Taken::Ring(t) => t.next(),
            Taken::List(t) => t.next(),
        }
    }
}
