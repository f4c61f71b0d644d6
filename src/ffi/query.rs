//! Reading a queue's state.

use super::tq_queue;

/// Runs `f` on the queue behind `q`; `fallback` for NULL or a caught panic.
///
/// Safety:
/// `q` is NULL or a live queue.
unsafe fn query<R: Copy>(q: *const tq_queue, fallback: R, f: impl FnOnce(&tq_queue) -> R) -> R {
    boundary!(fallback, {
        // SAFETY: forwarded from the caller.
        match unsafe { q.as_ref() } {
            Some(q) => f(q),
            None => fallback,
        }
    })
}

/// How many items are queued (Python's `qsize`); 0 for NULL.
///
/// Safety:
/// `q` is NULL or a live queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_qsize(q: *const tq_queue) -> usize {
    // SAFETY: forwarded from the caller.
    unsafe { query(q, 0, |q| q.queue.qsize()) }
}

/// Whether no item is queued (Python's `empty`); false for NULL.
///
/// Safety:
/// `q` is NULL or a live queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_empty(q: *const tq_queue) -> bool {
    // SAFETY: forwarded from the caller.
    unsafe { query(q, false, |q| q.queue.is_empty()) }
}

/// Whether the queue is bounded and at its bound (Python's `full`); false for NULL.
///
/// Safety:
/// `q` is NULL or a live queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_full(q: *const tq_queue) -> bool {
    // SAFETY: forwarded from the caller.
    unsafe { query(q, false, |q| q.queue.is_full()) }
}

/// The bound, 0 = unbounded (Python's `maxsize`); 0 for NULL.
///
/// Safety:
/// `q` is NULL or a live queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_maxsize(q: *const tq_queue) -> usize {
    // SAFETY: forwarded from the caller.
    unsafe { query(q, 0, |q| q.queue.maxsize()) }
}

/// How many put items are not marked done yet (Python's `unfinished_tasks`); 0 for NULL.
///
/// Safety:
/// `q` is NULL or a live queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_unfinished(q: *const tq_queue) -> usize {
    // SAFETY: forwarded from the caller.
    unsafe { query(q, 0, |q| q.queue.unfinished()) }
}

/// Whether `tq_shutdown` has been called (Python's `is_shutdown`); false for NULL.
///
/// Safety:
/// `q` is NULL or a live queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_is_shutdown(q: *const tq_queue) -> bool {
    // SAFETY: forwarded from the caller.
    unsafe { query(q, false, |q| q.queue.is_shutdown()) }
}
