//! The non-blocking steps that async calls and `get_any` are made of: try
//! an operation, and if it would block, list a waker for its condition and
//! try once more (the order that loses no wake-up, see `wait`). The waker
//! stays listed until it is woken or its owner takes it off.

use std::task::{Poll, Waker};

use super::{DEFAULT_PRIORITY, Queue};
use crate::error::{GetError, PutError};
use crate::fifo::{Popped, Refusal};

impl<T> Queue<T> {
    /// Takes the next item if there is one, or `ShutDown` once the queue is
    /// shut down and drained; else lists `waker` under `id` among the
    /// getters (if given) and returns `Pending`.
    pub(crate) fn poll_get(&self, id: u64, waker: Option<&Waker>) -> Poll<Result<T, GetError>> {
        if let Some(ring) = &self.fifo
            && let Popped::Item(item) = ring.pop()
        {
            return Poll::Ready(Ok(self.took_from_ring(item)));
        }
        let mut s = self.state.lock();
        let mut got = self.try_get(&mut s);
        if got.is_none()
            && let Some(waker) = waker
        {
            self.waiting.getters.list(id, waker);
            got = self.try_get(&mut s);
        }
        self.sync_signals(&s);
        if got.is_none() && waker.is_none() {
            self.signal_missed(false);
        }
        if matches!(got, Some(Ok(_))) {
            self.made_room_locked(s, 1);
        }
        got.map_or(Poll::Pending, Poll::Ready)
    }

    /// Puts the item in `item` (taking it) if there is room, or fails with
    /// `ShutDown` (handing it back) once the queue is shut down; else lists
    /// `waker` under `id` among the putters and returns `Pending`, the item
    /// left in `item`.
    pub(crate) fn poll_put(&self, id: u64, waker: &Waker, item: &mut Option<T>) -> Poll<Result<(), PutError<T>>> {
        let value = item.take().expect("a put future holds its item until it completes");
        match self.put_into_ring(value) {
            Ok(()) => return Poll::Ready(Ok(())),
            Err((value, Refusal::NoMemory)) => return Poll::Ready(Err(PutError::NoMemory(value))),
            Err((value, _)) => *item = Some(value),
        }
        let mut s = self.state.lock();
        let mut take = || item.take().expect("an item is taken once");
        let mut put = self.try_put(&mut s, DEFAULT_PRIORITY, &mut take, 1);
        if put.is_none() {
            self.waiting.putters.list(id, waker);
            put = self.try_put(&mut s, DEFAULT_PRIORITY, &mut take, 1);
        }
        drop(s);
        match put {
            None => Poll::Pending,
            Some(Ok(n)) => {
                self.waiting.getters.wake_listed(n);
                Poll::Ready(Ok(()))
            }
            Some(Err(e)) => Poll::Ready(Err(e.map(|()| item.take().expect("a refused item is kept")))),
        }
    }

    /// `Ready` once every put item has been marked done; else lists `waker`
    /// under `id` among the joiners and returns `Pending`.
    pub(crate) fn poll_join(&self, id: u64, waker: &Waker) -> Poll<()> {
        if self.unfinished() == 0 {
            return Poll::Ready(());
        }
        let _s = self.state.lock();
        self.waiting.joiners.list(id, waker);
        // As `join`: the flag tells `task_done` that a joiner waits.
        if self.tasks.register_joiner(|| self.ring_puts()) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
