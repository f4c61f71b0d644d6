//! Waiters that are not threads parked on one queue's condition variable:
//! async tasks (`get_async` and friends) and threads waiting on several
//! queues at once (`get_any`). Each is a [`Waker`] listed under an id in
//! the [`Wakers`] of every condition it waits for; the side that would
//! notify a parked thread wakes the oldest one listed too.
//!
//! A waker is taken off the list when it is woken, so one wake-up goes to
//! one waiter, as `notify_one` does for threads. A waiter that leaves
//! without using its wake-up (a dropped future, a `get_any` that took its
//! item from another queue) finds itself no longer listed and passes the
//! wake-up on, so that none is lost.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::task::{Wake, Waker};

use crate::sync::{Condvar, Mutex};
use crate::timeout::Deadline;

/// The wakers listed for one condition, oldest first.
pub(crate) struct Wakers(Mutex<VecDeque<(u64, Waker)>>);

/// A new id to list wakers under, unique in the process.
pub(crate) fn new_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Relaxed)
}

impl Wakers {
    pub(crate) fn new() -> Self {
        Wakers(Mutex::new(VecDeque::new()))
    }

    /// Lists `waker` under `id`, or, if `id` is listed already, makes
    /// `waker` the one it wakes. `true` when it was not listed before.
    pub(crate) fn list(&self, id: u64, waker: &Waker) -> bool {
        let mut list = self.0.lock();
        match list.iter_mut().find(|(i, _)| *i == id) {
            Some((_, w)) => {
                w.clone_from(waker);
                false
            }
            None => {
                list.push_back((id, waker.clone()));
                true
            }
        }
    }

    /// Takes `id` off the list; `false` when it was not listed (a wake-up
    /// took it off already, or it never was).
    pub(crate) fn unlist(&self, id: u64) -> bool {
        let mut list = self.0.lock();
        match list.iter().position(|(i, _)| *i == id) {
            Some(at) => {
                list.remove(at);
                true
            }
            None => false,
        }
    }

    /// Wakes the oldest waker listed, if any, taking it off; `true` if one
    /// was.
    pub(crate) fn wake_one(&self) -> bool {
        let first = self.0.lock().pop_front();
        first.map(|(_, w)| w.wake()).is_some()
    }

    /// Wakes every waker listed, taking them all off; returns how many.
    pub(crate) fn wake_all(&self) -> usize {
        let all = std::mem::take(&mut *self.0.lock());
        let n = all.len();
        all.into_iter().for_each(|(_, w)| w.wake());
        n
    }
}

/// A thread's own waker, for a thread that waits on several queues: waking
/// it sets a flag and unparks the thread from [`Parker::park`].
pub(crate) struct Parker {
    woken: Mutex<bool>,
    cv: Condvar,
}

impl Parker {
    /// A parker and the waker that unparks it.
    pub(crate) fn new() -> (Arc<Parker>, Waker) {
        let parker = Arc::new(Parker {
            woken: Mutex::new(false),
            cv: Condvar::new(),
        });
        let waker = Waker::from(Arc::clone(&parker));
        (parker, waker)
    }

    /// Forgets earlier wake-ups: call before looking at the queues again.
    pub(crate) fn reset(&self) {
        *self.woken.lock() = false;
    }

    /// Waits until woken since the last [`reset`](Parker::reset), or until
    /// `deadline`; `false` when the deadline passed first.
    pub(crate) fn park(&self, deadline: Deadline) -> bool {
        let mut woken = self.woken.lock();
        while !*woken {
            match deadline {
                Deadline::Now => return false,
                Deadline::Never => self.cv.wait(&mut woken),
                Deadline::At(at) => {
                    if !self.cv.wait_until(&mut woken, at) {
                        return *woken;
                    }
                }
            }
        }
        true
    }
}

impl Wake for Parker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        *self.woken.lock() = true;
        self.cv.notify_one();
    }
}
