//! Async calls: `get_async`, `put_async` and `join_async` return futures
//! that any executor can run (they need only the `Waker` it passes), on the
//! same queue as blocking calls. A waiting future is a listed waker (see
//! `wakers`); a sync-only queue never lists one and pays nothing for them.
//!
//! Cancel-safe: a future dropped before it completed has taken no item and
//! holds no place. A future that leaves the list (completed or dropped)
//! after a wake-up reached it passes the wake-up on.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::Queue;
use crate::error::{GetError, PutError};
use crate::sync::Mutex;
use crate::wait::Waiters;
use crate::wakers::new_id;

/// The future of [`Queue::get_async`].
#[must_use = "futures do nothing unless awaited"]
pub struct GetFuture<'q, T> {
    queue: &'q Queue<T>,
    listing: Listing,
}

/// The future of [`Queue::put_async`]; holds its item until it is put.
#[must_use = "futures do nothing unless awaited"]
pub struct PutFuture<'q, T> {
    queue: &'q Queue<T>,
    item: Option<T>,
    listing: Listing,
}

/// The future of [`Queue::join_async`].
#[must_use = "futures do nothing unless awaited"]
pub struct JoinFuture<'q, T> {
    queue: &'q Queue<T>,
    listing: Listing,
}

/// A future's place among the wakers of its condition.
struct Listing {
    id: u64,
    /// Whether the future has completed.
    done: bool,
}

impl Listing {
    fn new() -> Self {
        Listing {
            id: new_id(),
            done: false,
        }
    }

    /// The id to poll under. Panics once the future has completed: polling
    /// it again must not take a second item.
    fn id(&self) -> u64 {
        assert!(!self.done, "a tq future polled after it completed");
        self.id
    }

    /// Records a poll's outcome: once it is `Ready`, the future leaves the
    /// list (handing on a wake-up that reached it, see `wakers`).
    fn record<S, R>(&mut self, waiters: &Waiters, lock: &Mutex<S>, poll: Poll<R>) -> Poll<R> {
        if poll.is_ready() {
            self.done = true;
            waiters.leave(self.id, lock);
        }
        poll
    }

    /// For a future dropped before it completed: leaves the list, handing
    /// on a wake-up that reached it.
    fn cancel<S>(&mut self, waiters: &Waiters, lock: &Mutex<S>) {
        if !self.done {
            self.done = true;
            waiters.leave(self.id, lock);
        }
    }
}

impl<T> Queue<T> {
    /// Takes the next item, waiting without blocking the thread: the
    /// future resolves like [`get`](Queue::get) with `Timeout::Forever` (an
    /// item, or `ShutDown` once shut down and drained). For a timeout, use
    /// your executor's. Dropping the future before it resolves takes no item.
    ///
    /// ```
    /// use std::pin::pin;
    /// use std::task::{Context, Poll, Waker};
    /// use tq::{Queue, Timeout};
    ///
    /// let q = Queue::new(0);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// let mut get = pin!(q.get_async());
    /// assert!(get.as_mut().poll(&mut cx).is_pending(), "nothing queued yet");
    /// q.put(5, Timeout::NoWait).unwrap(); // wakes the future's waker
    /// assert_eq!(get.as_mut().poll(&mut cx), Poll::Ready(Ok(5)));
    /// ```
    pub fn get_async(&self) -> GetFuture<'_, T> {
        GetFuture {
            queue: self,
            listing: Listing::new(),
        }
    }

    /// Puts `item`, waiting for room without blocking the thread: resolves
    /// like [`put`](Queue::put) with `Timeout::Forever` (`Ok`, or `ShutDown`
    /// handing the item back; `NoMemory` as `put`). On a priority queue the
    /// item gets [`DEFAULT_PRIORITY`](crate::DEFAULT_PRIORITY). Dropping the
    /// future before it resolves drops the item, which was never queued.
    pub fn put_async(&self, item: T) -> PutFuture<'_, T> {
        PutFuture {
            queue: self,
            item: Some(item),
            listing: Listing::new(),
        }
    }

    /// Resolves once every put item has been marked done, like
    /// [`join`](Queue::join) with `Timeout::Forever`.
    pub fn join_async(&self) -> JoinFuture<'_, T> {
        JoinFuture {
            queue: self,
            listing: Listing::new(),
        }
    }
}

impl<T> Future for GetFuture<'_, T> {
    type Output = Result<T, GetError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let poll = this.queue.poll_get(this.listing.id(), Some(cx.waker()));
        this.listing
            .record(&this.queue.waiting.getters, &this.queue.state, poll)
    }
}

impl<T> Drop for GetFuture<'_, T> {
    fn drop(&mut self) {
        self.listing.cancel(&self.queue.waiting.getters, &self.queue.state);
    }
}

// The item is never pinned: it only moves into the queue.
impl<T> Unpin for PutFuture<'_, T> {}

impl<T> Future for PutFuture<'_, T> {
    type Output = Result<(), PutError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let poll = this.queue.poll_put(this.listing.id(), cx.waker(), &mut this.item);
        this.listing
            .record(&this.queue.waiting.putters, &this.queue.state, poll)
    }
}

impl<T> Drop for PutFuture<'_, T> {
    fn drop(&mut self) {
        self.listing.cancel(&self.queue.waiting.putters, &self.queue.state);
    }
}

impl<T> Future for JoinFuture<'_, T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let poll = this.queue.poll_join(this.listing.id(), cx.waker());
        this.listing
            .record(&this.queue.waiting.joiners, &this.queue.state, poll)
    }
}

impl<T> Drop for JoinFuture<'_, T> {
    fn drop(&mut self) {
        self.listing.cancel(&self.queue.waiting.joiners, &self.queue.state);
    }
}
