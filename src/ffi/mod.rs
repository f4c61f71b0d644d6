//! The C ABI: a thin layer that converts between C and [`Queue`].
//!
//! Conventions (see `include/tq.h`): every function checks its pointers (a
//! NULL handle or out-pointer is `TQ_INVALID`; queries on NULL return 0 or
//! false), enum-typed inputs are read as plain integers and validated, out
//! pointers are written only on success (the batch counts always), and no
//! Rust panic unwinds into C: the boundary turns it into `TQ_INTERNAL`.
//! No queue logic lives here.

#![allow(non_camel_case_types)]
// Each function's preconditions are a "Safety:" paragraph rather than a
// rustdoc `# Safety` heading, which would reach the C header as a stray `#`;
// tests/header.rs checks that every function taking a pointer has one.
#![allow(clippy::missing_safety_doc)]

#[macro_use]
mod boundary;
mod options;

// cbindgen emits the functions in declaration order; the blank lines keep
// rustfmt from sorting these modules alphabetically.
mod lifecycle;

mod ops;

mod batch;

mod events;

mod query;

mod status;

use std::ffi::c_void;
use std::time::Duration;

use crate::{Queue, Timeout};

pub use batch::{tq_get_many, tq_put_many};
pub use events::{tq_get_any, tq_get_fd, tq_put_fd};
pub use lifecycle::{tq_create, tq_free, tq_new, tq_new_with, tq_shutdown, tq_version};
pub use ops::{
    tq_get, tq_join, tq_put, tq_put_priority, tq_set_maxsize, tq_task_done, tq_task_done_all, tq_task_done_n,
};
pub use options::{tq_destroy_fn, tq_options, tq_order};
pub use query::{tq_empty, tq_full, tq_is_shutdown, tq_maxsize, tq_qsize, tq_unfinished};
pub use status::{tq_status, tq_status_str};

/// `timeout_ms` value: never block.
pub const TQ_NOWAIT: i64 = 0;
/// `timeout_ms` value (any negative one does): block without a time limit.
pub const TQ_FOREVER: i64 = -1;

/// A C `timeout_ms`: `0` never blocks, `ms > 0` waits up to `ms`
/// milliseconds, any negative value waits forever. The core converts it
/// only where a call has to wait, so that one that completes at once
/// spends nothing on it.
#[derive(Clone, Copy)]
struct Millis(i64);

impl From<Millis> for Timeout {
    fn from(Millis(ms): Millis) -> Self {
        match ms {
            0 => Timeout::NoWait,
            ms if ms < 0 => Timeout::Forever,
            ms => Timeout::After(Duration::from_millis(ms.unsigned_abs())),
        }
    }
}

/// A queue of `void *` items, created by `tq_new`/`tq_new_with` and freed by
/// `tq_free`. Opaque to C.
pub struct tq_queue {
    queue: Queue<Item>,
    destroy: Destroy,
}

/// Runs `f` on the queue behind `q`: `TQ_INVALID` for NULL, `TQ_INTERNAL`
/// if anything panics.
///
/// Safety:
/// `q` is NULL or a live queue.
#[inline(always)]
unsafe fn with_queue(q: *const tq_queue, f: impl FnOnce(&tq_queue) -> tq_status) -> tq_status {
    boundary!(tq_status::TQ_INTERNAL, {
        // SAFETY: forwarded from the caller.
        match unsafe { q.as_ref() } {
            Some(q) => f(q),
            None => tq_status::TQ_INVALID,
        }
    })
}

/// A C item: an opaque pointer the queue moves but never dereferences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Item(*mut c_void);

// SAFETY: the queue never dereferences an item; handing a pointer to another
// thread is the C caller's business, as with any C queue.
unsafe impl Send for Item {}

/// The optional callback that disposes of items the queue drops.
struct Destroy {
    callback: tq_destroy_fn,
    ctx: *mut c_void,
}

impl Destroy {
    /// Passes every item to the callback, if there is one.
    fn run(&self, items: impl IntoIterator<Item = Item>) {
        if let Some(callback) = self.callback {
            for item in items {
                // SAFETY: the caller registered this callback for exactly these items.
                unsafe { callback(item.0, self.ctx) };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_follow_the_c_convention() {
        let timeout = |ms| Timeout::from(Millis(ms));
        assert_eq!(timeout(TQ_NOWAIT), Timeout::NoWait);
        assert_eq!(timeout(TQ_FOREVER), Timeout::Forever);
        assert_eq!(timeout(i64::MIN), Timeout::Forever);
        assert_eq!(timeout(25), Timeout::After(Duration::from_millis(25)));
        assert_eq!(
            timeout(i64::MAX),
            Timeout::After(Duration::from_millis(i64::MAX as u64))
        );
    }
}
