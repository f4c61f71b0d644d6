//! Batch puts and gets: many items per lock round-trip.

use std::ffi::c_void;
use std::slice;

use super::status::tq_status;
use super::{Item, Millis, tq_queue, with_queue};

/// Puts `items[0..n]` in order: waits per `timeout_ms` (as `tq_put`) until
/// the first fits, then puts as many more as fit without waiting again.
/// `*n_put` is always set to how many went in: `TQ_OK` when at least one did
/// (or `n == 0`), otherwise the reason (`TQ_FULL`, `TQ_SHUTDOWN`, `TQ_NOMEM`).
/// NULL `items` or `n_put`, or an `n` no array can hold (above
/// `PTRDIFF_MAX / sizeof(void *)`), is `TQ_INVALID`.
///
/// Safety:
/// `q` is NULL or a live queue; `items` is NULL or points to `n` readable
/// pointers; `n_put` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_put_many(
    q: *mut tq_queue,
    items: *const *mut c_void,
    n: usize,
    n_put: *mut usize,
    timeout_ms: i64,
) -> tq_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        batch(q, items.is_null(), n, n_put, |q| {
            // SAFETY: the caller promised `n` readable pointers at `items`.
            let items = slice::from_raw_parts(items, n);
            q.queue.put_many(items.iter().map(|&p| Item(p)), Millis(timeout_ms))
        })
    }
}

/// Waits per `timeout_ms` (as `tq_get`) until at least one item is there,
/// then takes up to `max` of the items available into `items_out`, in queue
/// order. `*n_got` is always set to how many were taken: `TQ_OK` when at
/// least one was (or `max == 0`), otherwise `TQ_EMPTY` or `TQ_SHUTDOWN`.
/// NULL `items_out` or `n_got`, or a `max` no array can hold (above
/// `PTRDIFF_MAX / sizeof(void *)`), is `TQ_INVALID`.
///
/// Safety:
/// `q` is NULL or a live queue; `items_out` is NULL or has room for `max`
/// pointers; `n_got` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tq_get_many(
    q: *mut tq_queue,
    items_out: *mut *mut c_void,
    max: usize,
    n_got: *mut usize,
    timeout_ms: i64,
) -> tq_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        batch(q, items_out.is_null(), max, n_got, |q| {
            // SAFETY: the caller promised room for `max` pointers at `items_out`.
            let mut out = Slots(slice::from_raw_parts_mut(items_out, max).iter_mut());
            q.queue.get_many(&mut out, max, Millis(timeout_ms))
        })
    }
}

/// What both batch calls share: a NULL `count` or array, or a `len` that no
/// array of pointers can have (a slice of it would be undefined behaviour),
/// is `TQ_INVALID`; otherwise `*count` is 0 unless `f` moves items, then how
/// many it moved.
///
/// Safety:
/// `q` is NULL or a live queue; `count` is NULL or writable.
unsafe fn batch<E: Into<tq_status>>(
    q: *const tq_queue,
    array_is_null: bool,
    len: usize,
    count: *mut usize,
    f: impl FnOnce(&tq_queue) -> Result<usize, E>,
) -> tq_status {
    if count.is_null() {
        return tq_status::TQ_INVALID;
    }
    // SAFETY: checked non-NULL; the caller promised it is writable.
    unsafe { count.write(0) };
    if array_is_null || len > isize::MAX as usize / size_of::<*mut c_void>() {
        return tq_status::TQ_INVALID;
    }
    // SAFETY: forwarded from the caller.
    unsafe {
        with_queue(q, |q| match f(q) {
            Ok(moved) => {
                count.write(moved);
                tq_status::TQ_OK
            }
            Err(e) => e.into(),
        })
    }
}

/// The caller's output array, filled front to back.
struct Slots<'a>(slice::IterMut<'a, *mut c_void>);

impl Extend<Item> for Slots<'_> {
    fn extend<I: IntoIterator<Item = Item>>(&mut self, items: I) {
        for (slot, item) in self.0.by_ref().zip(items) {
            *slot = item.0;
        }
    }
}
