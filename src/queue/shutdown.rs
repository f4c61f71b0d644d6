//! `shutdown`, and taking every queued item at once.

use super::{Queue, State};
use crate::fifo::{Fifo, Taken};
use crate::store::Drain;

impl<T> Queue<T> {
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
        if let Some(ring) = &self.fifo {
            ring.close();
        }
        let discarded = if immediate {
            self.take_all(&mut s)
        } else {
            Discarded {
                fifo: None,
                store: None,
            }
        };
        self.tasks.finish_at_most(discarded.len(), || self.ring_puts());
        self.sync_signals(&s);
        drop(s);
        self.waiting.getters.notify_all();
        self.waiting.putters.notify_all();
        if immediate {
            self.waiting.joiners.notify_all();
        }
        discarded
    }

    /// Removes every queued item at once, to be handed out in queue order.
    pub(super) fn take_all(&self, s: &mut State<T>) -> Discarded<'_, T> {
        Discarded {
            fifo: self.fifo.as_ref().map(Fifo::take_all),
            store: Some(s.store.take_all()),
        }
    }
}

/// Items removed from a queue at once (by an immediate shutdown), handed out
/// in queue order: the lock-free FIFO's, then the store's.
pub(crate) struct Discarded<'a, T> {
    fifo: Option<Taken<'a, T>>,
    store: Option<Drain<T>>,
}

impl<T> Discarded<'_, T> {
    /// How many items are left to hand out.
    fn len(&self) -> usize {
        self.fifo.as_ref().map_or(0, Taken::len) + self.store.as_ref().map_or(0, Drain::len)
    }
}

impl<T> Iterator for Discarded<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.fifo
            .as_mut()
            .and_then(Iterator::next)
            .or_else(|| self.store.as_mut()?.next())
    }
}
