//! Waiting beside other work: the pollable descriptors and `tq_get_any`.

use std::ffi::{c_int, c_void};
use std::os::fd::AsRawFd;
use std::slice;

use super::status::tq_status;
use super::{Item, Millis, tq_queue, with_queue};
use crate::queue::get_any_of;

/// Makes the descriptor (only once `fd_out` is known to be non-NULL, so a
/// refused call changes nothing) and writes its number to `fd_out`:
/// `TQ_OK`, or `TQ_SYSTEM` when no descriptor could be made.
///
/// Safety:
/// `fd_out` is NULL or writable.
unsafe fn write_fd<'q>(
    make: impl FnOnce() -> std::io::Result<std::os::fd::BorrowedFd<'q>>,
    fd_out: *mut c_int,
) -> tq_status {
    if fd_out.is_null() {
        return tq_status::TQ_INVALID;
    }
    match make() {
        Ok(fd) => {
            // SAFETY: checked non-NULL; the caller promised it is writable.
            unsafe { fd_out.write(fd.as_raw_fd()) };
            tq_status::TQ_OK
        }
        Err(_) => tq_status::TQ_SYSTEM,
    }
}

/// Writes to `*fd_out` a descriptor that polls readable (`POLLIN`) exactly
/// while a get would not block: an item is queued, or the queue is shut
/// down. Made on the first call (later calls give the same one), owned by
/// the queue and closed by `tq_free`: poll it, never read, write or close
/// it. Another consumer may win the item it announced, so get with
/// `TQ_NOWAIT` until `TQ_EMPTY`. After a get that returns `TQ_EMPTY`, the
/// descriptor is not readable, or it was made readable again since (a
/// fresh edge), so edge-triggered waiting (`EPOLLET`) works too. The
/// library makes a system call only when readability flips, never once
/// per item. `TQ_INVALID` for NULL
/// arguments; `TQ_SYSTEM` when the system refuses a descriptor.
///
/// Safety:
/// `q` is NULL or a live queue; `fd_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_get_fd(q: *mut tq_queue, fd_out: *mut c_int) -> tq_status {
    // SAFETY: forwarded from the caller.
    unsafe { with_queue(q, |q| write_fd(|| q.queue.get_fd(), fd_out)) }
}

/// As `tq_get_fd`, for puts: the descriptor polls readable exactly while a
/// put would not block (there is room, or the queue is shut down).
///
/// Safety:
/// `q` is NULL or a live queue; `fd_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_put_fd(q: *mut tq_queue, fd_out: *mut c_int) -> tq_status {
    // SAFETY: forwarded from the caller.
    unsafe { with_queue(q, |q| write_fd(|| q.queue.put_fd(), fd_out)) }
}

/// Takes one item from whichever of `queues[0..n)` has one into
/// `*item_out`, waiting per `timeout_ms` (as `tq_get`), and writes which
/// queue gave it to `*index_out` (its task count is the one that rose).
/// Each queue keeps its own order, and no queue starves: each call starts
/// looking at another one. A queue shut down and drained is passed over;
/// `TQ_SHUTDOWN` once every queue is, `TQ_EMPTY` at the timeout. A blocked
/// caller wakes on a put to any of the queues and on each shutdown. The
/// same queue may appear twice. `TQ_INVALID` (nothing taken) for a NULL
/// array, `n == 0`, a NULL entry or NULL out-pointers. The out-pointers
/// are written only on `TQ_OK`.
///
/// Safety:
/// `queues` is NULL or points to `n` readable entries, each NULL or a live
/// queue; `item_out` and `index_out` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_get_any(
    queues: *const *mut tq_queue,
    n: usize,
    item_out: *mut *mut c_void,
    index_out: *mut usize,
    timeout_ms: i64,
) -> tq_status {
    boundary!(tq_status::TQ_INTERNAL, {
        if queues.is_null() || n == 0 || item_out.is_null() || index_out.is_null() {
            return tq_status::TQ_INVALID;
        }
        // SAFETY: the caller promised `n` readable entries.
        let entries = unsafe { slice::from_raw_parts(queues, n) };
        if entries.iter().any(|q| q.is_null()) {
            return tq_status::TQ_INVALID;
        }
        // SAFETY: each entry is non-NULL and, as promised, a live queue.
        let queue = |i: usize| unsafe { &(*entries[i]).queue };
        match get_any_of(n, queue, Millis(timeout_ms).into()) {
            Ok((index, Item(item))) => {
                // SAFETY: both checked non-NULL; the caller promised they are writable.
                unsafe {
                    item_out.write(item);
                    index_out.write(index);
                }
                tq_status::TQ_OK
            }
            Err(e) => e.into(),
        }
    })
}
