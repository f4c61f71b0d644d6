//! Where the items live: one container per order.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, TryReserveError, VecDeque};

use crate::queue::Order;

/// A bounded queue reserves room for at most this many items up front.
const PREALLOCATE_MAX: usize = 1024;

/// The items of a queue, in the container that gives its order.
pub(crate) enum Store<T> {
    Fifo(VecDeque<T>),
    Lifo(Vec<T>),
    Priority { heap: BinaryHeap<Entry<T>>, next_seq: u64 },
}

impl<T> Store<T> {
    /// An empty store with room reserved for `maxsize` items (at most
    /// `PREALLOCATE_MAX`), so that a bounded queue allocates nothing per
    /// item; `None` if that reservation fails.
    pub(crate) fn new(order: Order, maxsize: usize) -> Option<Self> {
        let mut store = Self::empty(order);
        store.reserve(maxsize.min(PREALLOCATE_MAX)).ok()?;
        Some(store)
    }

    /// An empty store that has allocated nothing.
    fn empty(order: Order) -> Self {
        match order {
            Order::Fifo => Store::Fifo(VecDeque::new()),
            Order::Lifo => Store::Lifo(Vec::new()),
            Order::Priority => Store::Priority {
                heap: BinaryHeap::new(),
                next_seq: 0,
            },
        }
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        match self {
            Store::Fifo(d) => d.len(),
            Store::Lifo(v) => v.len(),
            Store::Priority { heap, .. } => heap.len(),
        }
    }

    /// Makes room for `n` more items, failing instead of aborting.
    fn reserve(&mut self, n: usize) -> Result<(), TryReserveError> {
        match self {
            Store::Fifo(d) => d.try_reserve(n),
            Store::Lifo(v) => v.try_reserve(n),
            Store::Priority { heap, .. } => heap.try_reserve(n),
        }
    }

    /// Adds the item `next` makes, once room for it is made (so `next` is
    /// not called when that fails); `priority` only matters to a priority
    /// store.
    #[inline]
    pub(crate) fn try_push(&mut self, next: impl FnOnce() -> T, priority: i64) -> Result<(), TryReserveError> {
        match self {
            Store::Fifo(d) => {
                d.try_reserve(1)?;
                d.push_back(next());
            }
            Store::Lifo(v) => {
                v.try_reserve(1)?;
                v.push(next());
            }
            Store::Priority { heap, next_seq } => {
                heap.try_reserve(1)?;
                heap.push(Entry {
                    priority,
                    seq: *next_seq,
                    item: next(),
                });
                *next_seq += 1;
            }
        }
        Ok(())
    }

    /// Removes the next item in the store's order.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<T> {
        match self {
            Store::Fifo(d) => d.pop_front(),
            Store::Lifo(v) => v.pop(),
            Store::Priority { heap, .. } => heap.pop().map(|e| e.item),
        }
    }

    /// Removes every item at once (allocating nothing), to be handed out in
    /// the order gets would have returned them.
    pub(crate) fn take_all(&mut self) -> Drain<T> {
        let order = match self {
            Store::Fifo(_) => Order::Fifo,
            Store::Lifo(_) => Order::Lifo,
            Store::Priority { .. } => Order::Priority,
        };
        Drain(std::mem::replace(self, Self::empty(order)))
    }
}

/// The items [`Store::take_all`] removed, in the order gets would have
/// returned them.
pub(crate) struct Drain<T>(Store<T>);

impl<T> Drain<T> {
    /// How many items are left to hand out.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T> Iterator for Drain<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.0.pop()
    }
}

/// An item of a priority store. The heap is a max-heap, so the entry that
/// should come out first (lowest priority, then lowest sequence number)
/// compares greatest.
pub(crate) struct Entry<T> {
    priority: i64,
    seq: u64,
    item: T,
}

impl<T> Entry<T> {
    fn key(&self) -> (i64, u64) {
        (self.priority, self.seq)
    }
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<T> Eq for Entry<T> {}

impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(order: Order, puts: &[(i64, u32)]) -> Vec<u32> {
        let mut s = Store::new(order, 0).unwrap();
        for &(p, x) in puts {
            s.try_push(|| x, p).unwrap();
        }
        let items = s.take_all().collect();
        assert_eq!(s.len(), 0, "take_all empties the store");
        items
    }

    #[test]
    fn each_order_pops_as_documented() {
        let puts = [(3, 1), (1, 2), (3, 3), (2, 4), (1, 5)];
        assert_eq!(drain(Order::Fifo, &puts), [1, 2, 3, 4, 5]);
        assert_eq!(drain(Order::Lifo, &puts), [5, 4, 3, 2, 1]);
        assert_eq!(drain(Order::Priority, &puts), [2, 5, 4, 1, 3]);
    }

    #[test]
    fn priority_extremes_order_correctly() {
        let puts = [(i64::MAX, 1), (0, 2), (i64::MIN, 3), (i64::MIN, 4)];
        assert_eq!(drain(Order::Priority, &puts), [3, 4, 2, 1]);
    }
}
