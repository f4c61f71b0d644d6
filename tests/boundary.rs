//! The panic boundary of the C ABI: a panic inside the core (forced with the
//! test-only `fault-injection` hook) comes back to the caller as
//! `TQ_INTERNAL`, the process keeps running, and the queue stays usable
//! (the panic unwound through the queue's lock without poisoning it).
//!
//! Run with: `cargo test --features fault-injection --test boundary`

use std::ffi::c_void;
use std::ptr;
use std::thread;
use std::time::Duration;

use tq::Queue;
use tq::ffi::{
    TQ_FOREVER, TQ_NOWAIT, tq_free, tq_get, tq_new, tq_new_with, tq_options, tq_order, tq_put, tq_put_priority,
    tq_qsize, tq_queue, tq_status, tq_unfinished,
};

/// Makes the next put on this thread panic inside the core.
fn arm() {
    Queue::<()>::panic_on_next_put();
}

/// An item that is not a real pointer: the queue never dereferences items.
fn item(n: usize) -> *mut c_void {
    n as *mut c_void
}

/// A queue pointer that can be handed to another thread.
#[derive(Clone, Copy)]
struct Shared(*mut tq_queue);

// SAFETY: tq_queue is thread-safe; the tests free it only after joining.
unsafe impl Send for Shared {}

fn get_nowait(q: *mut tq_queue) -> (tq_status, *mut c_void) {
    let mut out = ptr::null_mut();
    // SAFETY: `q` is live and `out` is writable.
    let status = unsafe { tq_get(q, &mut out, TQ_NOWAIT) };
    (status, out)
}

#[test]
fn a_panic_in_put_is_tq_internal_and_changes_nothing() {
    let q = tq_new(0);
    arm();
    // SAFETY: `q` is live until tq_free.
    unsafe {
        assert_eq!(tq_put(q, item(1), TQ_FOREVER), tq_status::TQ_INTERNAL);
        assert_eq!(tq_qsize(q), 0, "the panicking put queued nothing");
        assert_eq!(tq_unfinished(q), 0, "and counted no task");
        assert_eq!(tq_put(q, item(2), TQ_FOREVER), tq_status::TQ_OK, "the fault fires once");
    }
    assert_eq!(get_nowait(q), (tq_status::TQ_OK, item(2)));
    // SAFETY: no other thread uses `q`.
    unsafe { tq_free(q) };
}

#[test]
fn a_panic_in_put_priority_is_tq_internal() {
    let opts = tq_options {
        struct_size: size_of::<tq_options>() as u32,
        order: tq_order::TQ_PRIORITY as u32,
        maxsize: 1,
        destroy: None,
        destroy_ctx: ptr::null_mut(),
    };
    // SAFETY: `opts` is a complete, readable tq_options.
    let q = unsafe { tq_new_with(&opts) };
    assert!(!q.is_null());
    arm();
    // SAFETY: `q` is live until tq_free.
    unsafe {
        assert_eq!(tq_put_priority(q, item(1), 5, TQ_NOWAIT), tq_status::TQ_INTERNAL);
        assert_eq!(tq_put_priority(q, item(3), 5, TQ_NOWAIT), tq_status::TQ_OK);
    }
    assert_eq!(get_nowait(q), (tq_status::TQ_OK, item(3)));
    // SAFETY: no other thread uses `q`.
    unsafe { tq_free(q) };
}

#[test]
fn a_panic_releases_the_lock_for_blocked_threads() {
    let q = Shared(tq_new(1));
    let getter = thread::spawn(move || {
        let q = q;
        let mut out = ptr::null_mut();
        // SAFETY: `q` outlives this thread; `out` is writable.
        let status = unsafe { tq_get(q.0, &mut out, TQ_FOREVER) };
        (status, out as usize)
    });
    // Most likely the getter is blocked by now; the test holds either way.
    thread::sleep(Duration::from_millis(50));
    arm();
    // SAFETY: `q` is live until tq_free.
    unsafe {
        assert_eq!(tq_put(q.0, item(1), TQ_FOREVER), tq_status::TQ_INTERNAL);
        assert_eq!(tq_put(q.0, item(2), TQ_FOREVER), tq_status::TQ_OK);
    }
    assert_eq!(getter.join().unwrap(), (tq_status::TQ_OK, 2));
    // SAFETY: the getter thread is joined.
    unsafe { tq_free(q.0) };
}
