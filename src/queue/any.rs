//! `get_any`: one item from whichever of several queues has one.
//!
//! The waiting thread lists one waker, under one id, among the getters of
//! every queue it waits on (see `wakers`), so a put to any of them, or a
//! shutdown, wakes it. It takes no two queues' locks at once. It looks at
//! the queues from a different one each call, so that none starves, and
//! hands on the wake-ups that reached it when it leaves.

use std::cell::Cell;
use std::sync::Arc;
use std::task::{Poll, Waker};

use super::Queue;
use crate::error::GetError;
use crate::timeout::{Expiry, Timeout};
use crate::wakers::{Parker, new_id};

/// Takes one item from whichever of `queues` has one, waiting up to
/// `timeout`, and says which queue gave it (its task count is the one that
/// rose, as for [`get`](Queue::get)). Each queue keeps its own order; when
/// several have items, each call starts looking at another one, so none
/// starves. A queue that is shut down and drained is passed over: the error
/// is `ShutDown` once every queue is, `Empty` at the timeout (and at once
/// for an empty slice). The same queue may appear twice.
///
/// ```
/// use tq::{Queue, Timeout, get_any};
///
/// let (a, b) = (Queue::new(0), Queue::new(0));
/// b.put("from b", Timeout::NoWait).unwrap();
/// assert_eq!(get_any(&[&a, &b], Timeout::Forever), Ok((1, "from b")));
/// ```
pub fn get_any<T>(queues: &[&Queue<T>], timeout: impl Into<Timeout>) -> Result<(usize, T), GetError> {
    get_any_of(queues.len(), |i| queues[i], timeout.into())
}

// The model checker's own, so that every run of a model starts alike.
#[cfg(loom)]
use loom::thread_local;
#[cfg(shuttle)]
use shuttle::thread_local;

thread_local! {
    /// Where this thread's next `get_any` starts looking.
    // loom's and shuttle's macros take no `const` block.
    #[allow(clippy::missing_const_for_thread_local)]
    static START: Cell<usize> = Cell::new(0);
}

/// [`get_any`] over the `n` queues `queue(0..n)` (the C ABI's array).
pub(crate) fn get_any_of<'q, T: 'q>(
    n: usize,
    queue: impl Fn(usize) -> &'q Queue<T>,
    timeout: Timeout,
) -> Result<(usize, T), GetError> {
    if n == 0 {
        return Err(GetError::Empty);
    }
    let start = START.with(|s| {
        let start = s.get();
        s.set(start.wrapping_add(1));
        start
    });
    let id = new_id();
    let mut expiry = Expiry::new(timeout);
    // Made when the first look finds nothing and the timeout lets it wait.
    let mut parked: Option<(Arc<Parker>, Waker)> = None;
    // Whether the last look listed the waker (and it is not taken off yet).
    let mut listed = false;
    let mut last_look = timeout == Timeout::NoWait;
    loop {
        let waker = match &parked {
            Some((parker, waker)) if !last_look => {
                parker.reset();
                listed = true;
                Some(waker)
            }
            _ => None,
        };
        let mut open = false;
        for k in 0..n {
            let i = start.wrapping_add(k) % n;
            match queue(i).poll_get(id, waker) {
                Poll::Ready(Ok(item)) => {
                    leave(n, &queue, id, listed);
                    return Ok((i, item));
                }
                Poll::Ready(Err(_)) => {}
                Poll::Pending => open = true,
            }
        }
        if !open {
            leave(n, &queue, id, listed);
            return Err(GetError::ShutDown);
        }
        if last_look {
            return Err(GetError::Empty);
        }
        match &parked {
            // Look again, this time listed on every queue.
            None => parked = Some(Parker::new()),
            Some((parker, _)) => {
                // Woken or not, the deadline ends the wait: wake-ups that
                // keep coming while others win the items must not stretch it.
                if !parker.park(expiry.deadline()) || expiry.passed() {
                    // The deadline: one last look, no longer listed.
                    leave(n, &queue, id, listed);
                    listed = false;
                    last_look = true;
                }
            }
        }
    }
}

/// Takes `id` off every queue's getters, handing on each wake-up that
/// reached it (see `wakers`: even the one from the queue that gave the item).
fn leave<'q, T: 'q>(n: usize, queue: &impl Fn(usize) -> &'q Queue<T>, id: u64, listed: bool) {
    if listed {
        for j in 0..n {
            let q = queue(j);
            q.waiting.getters.leave(id, &q.state);
        }
    }
}
