//! Waiters that are not threads parked on one queue's condition variable:
//! async tasks (`get_async` and friends) and threads waiting on several
//! queues at once (`get_any`). Each is a [`Waker`] listed under an id in
//! the [`Wakers`] of every condition it waits for; the side that would
//! notify a parked thread wakes the oldest one listed too, once it has
//! released the queue's lock (a waker's `wake` may call back into the
//! queue, or drop the future that listed it).
//!
//! A woken waker leaves the list of waiting ones, so one wake-up goes to one
//! waiter, as `notify_one` does for threads; its id is kept among the woken
//! until its owner takes it off. A waiter that leaves after a wake-up
//! reached it passes the wake-up on, whatever it got, so that none is lost:
//! the item it took may have come from an earlier put, whose own wake-up went
//! to a waiter that found nothing.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::task::{Wake, Waker};

use crate::sync::{Condvar, Mutex};
use crate::timeout::Deadline;

/// The wakers listed for one condition: those waiting, oldest first, and
/// the ids of those woken since.
pub(crate) struct Wakers(Mutex<List>);

struct List {
    waiting: VecDeque<(u64, Waker)>,
    woken: Vec<u64>,
}

/// Where [`Wakers::unlist`] found an id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unlisted {
    /// Still waiting: nothing reached it.
    Waiting,
    /// Woken since it was listed: its owner must pass the wake-up on.
    Woken,
    /// Not listed.
    Absent,
}

/// A new id to list wakers under, unique in the process.
pub(crate) fn new_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Relaxed)
}

impl Wakers {
    pub(crate) fn new() -> Self {
        Wakers(Mutex::new(List {
            waiting: VecDeque::new(),
            woken: Vec::new(),
        }))
    }

    /// Lists `waker` under `id` as waiting, or, if `id` is waiting already,
    /// makes `waker` the one it wakes. `true` when it was not waiting before.
    pub(crate) fn list(&self, id: u64, waker: &Waker) -> bool {
        let mut list = self.0.lock();
        if let Some((_, w)) = list.waiting.iter_mut().find(|(i, _)| *i == id) {
            w.clone_from(waker);
            return false;
        }
        // Waiting again after a wake-up: that one is used up.
        list.woken.retain(|&i| i != id);
        list.waiting.push_back((id, waker.clone()));
        true
    }

    /// Takes `id` off the list and says where it was.
    pub(crate) fn unlist(&self, id: u64) -> Unlisted {
        let mut list = self.0.lock();
        if let Some(at) = list.waiting.iter().position(|(i, _)| *i == id) {
            list.waiting.remove(at);
            return Unlisted::Waiting;
        }
        match list.woken.iter().position(|&i| i == id) {
            Some(at) => {
                list.woken.swap_remove(at);
                Unlisted::Woken
            }
            None => Unlisted::Absent,
        }
    }

    /// Takes the oldest waiting waker, if any, marking its id woken; the
    /// caller wakes it (with no lock held: `wake` may use the queue).
    pub(crate) fn take_one(&self) -> Option<Waker> {
        let mut list = self.0.lock();
        let (id, waker) = list.waiting.pop_front()?;
        list.woken.push(id);
        Some(waker)
    }

    /// Takes every waiting waker, marking their ids woken; the caller wakes
    /// them as [`take_one`](Wakers::take_one)'s.
    pub(crate) fn take_all(&self) -> Vec<Waker> {
        let mut list = self.0.lock();
        let all = std::mem::take(&mut list.waiting);
        list.woken.extend(all.iter().map(|&(id, _)| id));
        all.into_iter().map(|(_, waker)| waker).collect()
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
