//! Creating, shutting down and freeing queues; the library version.

use std::alloc::{Layout, alloc};
use std::ffi::c_char;
use std::ptr;

use super::options::{tq_options, validate};
use super::status::tq_status;
use super::{Destroy, tq_queue, with_queue};
use crate::{Order, Queue};

/// Moves `value` to the heap, or `None` if the allocation fails (where
/// `Box::new` would abort the process).
fn try_box<T>(value: T) -> Option<Box<T>> {
    let layout = Layout::new::<T>();
    assert!(layout.size() > 0, "try_box is for sized, non-empty types");
    // SAFETY: the layout has a non-zero size.
    let raw = unsafe { alloc(layout) }.cast::<T>();
    if raw.is_null() {
        return None;
    }
    // SAFETY: `raw` is fresh, aligned memory for one `T`, allocated by the
    // global allocator with `T`'s layout, as `Box::from_raw` requires.
    unsafe {
        raw.write(value);
        Some(Box::from_raw(raw))
    }
}

fn new_queue(order: Order, maxsize: usize, destroy: Destroy) -> Option<*mut tq_queue> {
    let queue = Queue::try_with_order(order, maxsize)?;
    try_box(tq_queue { queue, destroy }).map(Box::into_raw)
}

/// `tq_create` without the out-pointer.
///
/// Safety:
/// As `tq_create`'s `opts`.
unsafe fn create(opts: *const tq_options) -> Result<*mut tq_queue, tq_status> {
    // SAFETY: forwarded from the caller.
    let o = unsafe { validate(opts) }.ok_or(tq_status::TQ_INVALID)?;
    let destroy = Destroy {
        callback: o.destroy,
        ctx: o.destroy_ctx,
    };
    new_queue(o.order, o.maxsize, destroy).ok_or(tq_status::TQ_NOMEM)
}

/// A new FIFO queue holding at most `maxsize` items (0 = unbounded), like
/// Python's `Queue(maxsize)`. Returns NULL only when out of memory.
#[unsafe(no_mangle)]
pub extern "C" fn tq_new(maxsize: usize) -> *mut tq_queue {
    boundary!(ptr::null_mut(), {
        let destroy = Destroy {
            callback: None,
            ctx: ptr::null_mut(),
        };
        new_queue(Order::Fifo, maxsize, destroy).unwrap_or(ptr::null_mut())
    })
}

/// A new queue configured by `opts` (order, bound, item destructor).
/// Returns NULL when `opts` is NULL or invalid (see `tq_options`) or when out
/// of memory; `tq_create` says which.
///
/// Safety:
/// `opts` is NULL or points to `opts->struct_size` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_new_with(opts: *const tq_options) -> *mut tq_queue {
    boundary!(ptr::null_mut(), {
        // SAFETY: forwarded from the caller.
        unsafe { create(opts) }.unwrap_or(ptr::null_mut())
    })
}

/// Creates a queue configured by `opts` into `*q_out`: `TQ_OK`, or
/// `TQ_INVALID` (NULL `opts` or `q_out`, or bad options: see `tq_options`),
/// or `TQ_NOMEM`. `*q_out` is written only on `TQ_OK`.
///
/// Safety:
/// `opts` is NULL or points to `opts->struct_size` readable bytes; `q_out`
/// is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_create(opts: *const tq_options, q_out: *mut *mut tq_queue) -> tq_status {
    boundary!(tq_status::TQ_INTERNAL, {
        if q_out.is_null() {
            return tq_status::TQ_INVALID;
        }
        // SAFETY: forwarded from the caller.
        match unsafe { create(opts) } {
            Ok(q) => {
                // SAFETY: checked non-NULL; the caller promised it is writable.
                unsafe { q_out.write(q) };
                tq_status::TQ_OK
            }
            Err(status) => status,
        }
    })
}

/// Frees `q`; NULL is a no-op. Items still queued are passed to the
/// destructor, if one was set, before this returns. No other thread may be
/// using `q` (shut it down and join your threads first).
///
/// The destructor may call back into `q` while it runs: the queue is then
/// shut down and empty, and its memory is released only after the last
/// callback returned.
///
/// Safety:
/// `q` is NULL or a queue from `tq_new`/`tq_new_with` not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_free(q: *mut tq_queue) {
    boundary!((), {
        if q.is_null() {
            return;
        }
        {
            // SAFETY: `q` is a live queue. Only shared references are made
            // while the callbacks run, since they may call in through `q`.
            let shared = unsafe { &*q };
            shared.destroy.run(shared.queue.shut_down(true));
        }
        // SAFETY: the caller hands back ownership of a queue we allocated;
        // the last callback has returned.
        drop(unsafe { Box::from_raw(q) });
    })
}

/// Shuts `q` down (Python's `shutdown(immediate)`); calling it again is harmless.
///
/// Afterwards every put returns `TQ_SHUTDOWN`, gets drain what is queued and
/// then return `TQ_SHUTDOWN`, and every blocked putter and getter wakes. With
/// `immediate`, the queued items are discarded at once (passed to the
/// destructor, if set, before this returns), each counted as a finished task
/// so that `tq_join` can return. The destructor may call back into `q` (it
/// is shut down and empty then). (A second, concurrent immediate shutdown
/// may return while the first is still passing its items to the destructor.)
///
/// Safety:
/// `q` is NULL or a live queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_shutdown(q: *mut tq_queue, immediate: bool) -> tq_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_queue(q, |q| {
            q.destroy.run(q.queue.shut_down(immediate));
            tq_status::TQ_OK
        })
    }
}

/// The library's version, `"MAJOR.MINOR.PATCH"` (static, never NULL). It
/// equals `TQ_VERSION` when the header and the library match.
#[unsafe(no_mangle)]
pub extern "C" fn tq_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
