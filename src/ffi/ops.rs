//! Putting, getting, and task accounting.

use std::ffi::c_void;

use super::status::{status_of, tq_status};
use super::{Item, Millis, tq_queue, with_queue};
use crate::queue::{AfterGet, DEFAULT_PRIORITY};

/// Puts `item` (NULL is a legal item), waiting per `timeout_ms` for room:
/// `TQ_NOWAIT` (0) never blocks, a positive value waits that many
/// milliseconds, `TQ_FOREVER` (negative) waits until there is room. Returns
/// `TQ_OK`, `TQ_FULL` at the timeout, or `TQ_SHUTDOWN`. Success adds one
/// unfinished task. On a priority queue the item gets priority 0.
///
/// Safety:
/// `q` is NULL or a live queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_put(q: *mut tq_queue, item: *mut c_void, timeout_ms: i64) -> tq_status {
    // The lock-free put runs outside the panic boundary (it cannot panic):
    // inside it, the boundary's landing pad made every call save and
    // restore registers. What may panic runs in the boundary, in functions
    // of their own that this one reaches by tail calls.
    // SAFETY: forwarded from the caller.
    if let Some(queue) = unsafe { q.as_ref() } {
        match queue.queue.put_free(Item(item)) {
            Ok(false) => return tq_status::TQ_OK,
            // SAFETY: as above.
            Ok(true) => return unsafe { announce_put(q) },
            Err(_) => {}
        }
    }
    // SAFETY: as above.
    unsafe { put_full(q, item, timeout_ms) }
}

/// `tq_put` past its lock-free path.
///
/// Safety:
/// as `tq_put`'s.
#[inline(never)]
unsafe extern "C" fn put_full(q: *mut tq_queue, item: *mut c_void, timeout_ms: i64) -> tq_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_queue(q, |q| {
            status_of(
                q.queue
                    .put_past_free(Item(item), DEFAULT_PRIORITY, Millis(timeout_ms).into()),
            )
        })
    }
}

/// `tq_put` after its lock-free path put the item in: tells the getters' side.
///
/// Safety:
/// `q` is a live queue.
#[cold]
#[inline(never)]
unsafe extern "C" fn announce_put(q: *mut tq_queue) -> tq_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_queue(q, |q| {
            q.queue.announce_put();
            tq_status::TQ_OK
        })
    }
}

/// Puts `item` with `priority` on a `TQ_PRIORITY` queue: lowest priority
/// first, FIFO among equal priorities. Timeouts and results as `tq_put`;
/// `TQ_INVALID` on a FIFO or LIFO queue.
///
/// Safety:
/// `q` is NULL or a live queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_put_priority(
    q: *mut tq_queue,
    item: *mut c_void,
    priority: i64,
    timeout_ms: i64,
) -> tq_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_queue(q, |q| {
            status_of(q.queue.put_priority(Item(item), priority, Millis(timeout_ms)))
        })
    }
}

/// Takes the next item into `*item_out`, waiting per `timeout_ms` (as
/// `tq_put`). Returns `TQ_OK`, `TQ_EMPTY` at the timeout, or `TQ_SHUTDOWN`
/// once the queue is shut down and drained. `*item_out` is written only on
/// success; a NULL `item_out` is `TQ_INVALID` and removes nothing.
///
/// Safety:
/// `q` is NULL or a live queue; `item_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_get(q: *mut tq_queue, item_out: *mut *mut c_void, timeout_ms: i64) -> tq_status {
    // The lock-free get first, outside the panic boundary, as in `tq_put`.
    // SAFETY: forwarded from the caller.
    if let Some(queue) = unsafe { q.as_ref() }
        && !item_out.is_null()
        && let Some((item, after)) = queue.queue.get_free()
    {
        if !after.is_nothing() {
            // SAFETY: as above.
            return unsafe { after_get(q, item_out, item.0, after) };
        }
        // SAFETY: checked non-NULL; the caller promised it is writable.
        unsafe { item_out.write(item.0) };
        return tq_status::TQ_OK;
    }
    // SAFETY: as above.
    unsafe { get_full(q, item_out, timeout_ms) }
}

/// `tq_get` after its lock-free path took `item`, with something left to
/// do: does it, then hands the item over (written only on success, as
/// every get's). `extern "C"` for a call that cannot unwind, which `tq_get`
/// makes as a tail call; never called from C.
///
/// Safety:
/// `q` is a live queue; `item_out` is writable.
#[cold]
#[inline(never)]
// `after` is a Rust value passed between two Rust functions.
#[allow(improper_ctypes_definitions)]
unsafe extern "C" fn after_get(
    q: *mut tq_queue,
    item_out: *mut *mut c_void,
    item: *mut c_void,
    after: AfterGet<Item>,
) -> tq_status {
    // SAFETY: forwarded from the caller.
    let status = unsafe {
        with_queue(q, |q| {
            q.queue.after_get(after);
            tq_status::TQ_OK
        })
    };
    if status == tq_status::TQ_OK {
        // SAFETY: as the caller promised.
        unsafe { item_out.write(item) };
    }
    status
}

/// `tq_get` past its lock-free path.
///
/// Safety:
/// as `tq_get`'s.
#[inline(never)]
unsafe extern "C" fn get_full(q: *mut tq_queue, item_out: *mut *mut c_void, timeout_ms: i64) -> tq_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_queue(q, |q| {
            if item_out.is_null() {
                return tq_status::TQ_INVALID;
            }
            match q.queue.get_slow(Millis(timeout_ms).into()) {
                Ok(item) => {
                    // SAFETY: checked non-NULL; the caller promised it is writable.
                    item_out.write(item.0);
                    tq_status::TQ_OK
                }
                Err(e) => e.into(),
            }
        })
    }
}

/// Marks one task done (Python's `task_done`); when none are left, every
/// `tq_join` returns. `TQ_TOO_MANY_DONE`, changing nothing, when the
/// unfinished count is already 0.
///
/// Safety:
/// `q` is NULL or a live queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_task_done(q: *mut tq_queue) -> tq_status {
    // SAFETY: forwarded from the caller.
    unsafe { with_queue(q, |q| status_of(q.queue.task_done())) }
}

/// Marks `n` tasks done at once, all or nothing: `n` above the unfinished
/// count is `TQ_TOO_MANY_DONE` with no change; `n == 0` does nothing.
///
/// Safety:
/// `q` is NULL or a live queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_task_done_n(q: *mut tq_queue, n: usize) -> tq_status {
    // SAFETY: forwarded from the caller.
    unsafe { with_queue(q, |q| status_of(q.queue.task_done_n(n))) }
}

/// Marks every unfinished task done at once and sets `*n_done` to how many
/// that was; every `tq_join` returns. Not in Python: for an owner that gives
/// up on the work queued and taken, typically after `tq_shutdown(q, true)`
/// so that no thread stays blocked in `tq_join`; the owner still waits for
/// those threads to return from it before `tq_free`.
/// NULL `n_done` is `TQ_INVALID` and changes nothing.
///
/// Safety:
/// `q` is NULL or a live queue; `n_done` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_task_done_all(q: *mut tq_queue, n_done: *mut usize) -> tq_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_queue(q, |q| {
            if n_done.is_null() {
                return tq_status::TQ_INVALID;
            }
            // SAFETY: checked non-NULL; the caller promised it is writable.
            n_done.write(q.queue.task_done_all());
            tq_status::TQ_OK
        })
    }
}

/// Waits per `timeout_ms` (as `tq_put`) until every put item has been marked
/// done. Returns `TQ_OK`, or `TQ_TIMEOUT` while tasks remain at the timeout.
/// As in Python, a shutdown alone does not end a join; an immediate one
/// counts the items it discards as done.
///
/// Safety:
/// `q` is NULL or a live queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_join(q: *mut tq_queue, timeout_ms: i64) -> tq_status {
    // SAFETY: forwarded from the caller.
    unsafe { with_queue(q, |q| status_of(q.queue.join(Millis(timeout_ms)))) }
}

/// Changes the bound of a live queue (Python's `q.maxsize = n`; 0 =
/// unbounded). Shrinking keeps every queued item; putters that now fit wake.
///
/// Safety:
/// `q` is NULL or a live queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_set_maxsize(q: *mut tq_queue, maxsize: usize) -> tq_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_queue(q, |q| {
            q.queue.set_maxsize(maxsize);
            tq_status::TQ_OK
        })
    }
}
