//! The C ABI called from Rust: lifecycle, NULL handling, items, batches,
//! option validation, destroy callbacks, status strings and the version.
//! Runs under `cargo +nightly miri test --test ffi`.

mod common;

use std::ffi::{CStr, c_void};
use std::mem::size_of;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use common::{Recorder, assert_blocked, item, queries, record};
use tq::ffi::*;

/// Iterations for loops that miri would otherwise take minutes over.
const ITERS: usize = if cfg!(miri) { 10 } else { 1000 };

/// A short timeout for calls that are expected to time out.
const SHORT_MS: i64 = 20;

/// Options with everything but order and bound left empty.
fn options(order: u32, maxsize: usize) -> tq_options {
    tq_options {
        struct_size: size_of::<tq_options>() as u32,
        order,
        maxsize,
        destroy: None,
        destroy_ctx: ptr::null_mut(),
    }
}

/// Options whose destroy callback records into `recorder`.
fn recording(order: u32, maxsize: usize, recorder: &Recorder) -> tq_options {
    tq_options {
        destroy: Some(record),
        destroy_ctx: recorder.ctx(),
        ..options(order, maxsize)
    }
}

/// `tq_new_with(opts)`, asserting it succeeded.
fn new_with(opts: &tq_options) -> *mut tq_queue {
    // SAFETY: `opts` is a complete, readable tq_options.
    let q = unsafe { tq_new_with(opts) };
    assert!(!q.is_null());
    q
}

/// A queue handle that test threads may share (the C API is thread-safe).
#[derive(Clone, Copy)]
struct Shared(*mut tq_queue);

// SAFETY: every tq_* function may be called from any thread on a live queue;
// the tests free the queue only after joining their threads.
unsafe impl Send for Shared {}

impl Shared {
    fn get(self) -> *mut tq_queue {
        self.0
    }
}

#[test]
fn enum_values_are_the_contract() {
    let statuses = [
        tq_status::TQ_OK,
        tq_status::TQ_FULL,
        tq_status::TQ_EMPTY,
        tq_status::TQ_SHUTDOWN,
        tq_status::TQ_TIMEOUT,
        tq_status::TQ_INVALID,
        tq_status::TQ_TOO_MANY_DONE,
        tq_status::TQ_NOMEM,
        tq_status::TQ_INTERNAL,
        tq_status::TQ_SYSTEM,
    ];
    for (n, s) in statuses.into_iter().enumerate() {
        assert_eq!(s as usize, n);
    }
    assert_eq!(tq_order::TQ_FIFO as u32, 0);
    assert_eq!(tq_order::TQ_LIFO as u32, 1);
    assert_eq!(tq_order::TQ_PRIORITY as u32, 2);
    assert_eq!(TQ_NOWAIT, 0);
    assert_eq!(TQ_FOREVER, -1);
}

#[test]
fn lifecycle() {
    for maxsize in [0, 1, 5, usize::MAX] {
        let q = tq_new(maxsize);
        assert!(!q.is_null());
        assert_eq!(queries(q), (0, true, false, maxsize, 0, false));
        // SAFETY: `q` is live and freed once.
        unsafe { tq_free(q) };
    }
    for _ in 0..ITERS {
        // SAFETY: a fresh queue, freed once.
        unsafe { tq_free(tq_new(3)) };
    }
    // SAFETY: NULL is a documented no-op.
    unsafe { tq_free(ptr::null_mut()) };
}

#[test]
fn a_null_handle_is_invalid_everywhere() {
    use tq_status::TQ_INVALID;
    let null = ptr::null_mut::<tq_queue>();
    let mut out = item(7);
    let mut slots = [item(7); 2];
    let mut count = 99;
    // SAFETY: NULL handles are documented as TQ_INVALID; every other pointer is valid.
    unsafe {
        assert_eq!(tq_put(null, item(1), TQ_NOWAIT), TQ_INVALID);
        assert_eq!(tq_put(null, item(1), TQ_FOREVER), TQ_INVALID);
        assert_eq!(tq_put_priority(null, item(1), 0, TQ_NOWAIT), TQ_INVALID);
        assert_eq!(tq_get(null, &mut out, TQ_FOREVER), TQ_INVALID);
        assert_eq!(out, item(7));
        assert_eq!(tq_get(null, ptr::null_mut(), TQ_NOWAIT), TQ_INVALID);
        assert_eq!(tq_put_many(null, slots.as_ptr(), 2, &mut count, TQ_FOREVER), TQ_INVALID);
        assert_eq!(count, 0);
        count = 99;
        assert_eq!(
            tq_get_many(null, slots.as_mut_ptr(), 2, &mut count, TQ_FOREVER),
            TQ_INVALID
        );
        assert_eq!(count, 0);
        assert_eq!(slots, [item(7); 2]);
        assert_eq!(
            tq_put_many(null, ptr::null(), 0, ptr::null_mut(), TQ_NOWAIT),
            TQ_INVALID
        );
        assert_eq!(
            tq_get_many(null, ptr::null_mut(), 0, ptr::null_mut(), TQ_NOWAIT),
            TQ_INVALID
        );
        assert_eq!(tq_task_done(null), TQ_INVALID);
        assert_eq!(tq_task_done_n(null, 0), TQ_INVALID);
        count = 99;
        assert_eq!(tq_task_done_all(null, &mut count), TQ_INVALID);
        assert_eq!(count, 99, "left as it was");
        assert_eq!(tq_join(null, TQ_FOREVER), TQ_INVALID);
        assert_eq!(tq_shutdown(null, false), TQ_INVALID);
        assert_eq!(tq_shutdown(null, true), TQ_INVALID);
        assert_eq!(tq_set_maxsize(null, 3), TQ_INVALID);
        tq_free(null);
    }
    assert_eq!(queries(null), (0, false, false, 0, 0, false));
}

#[test]
fn pointers_round_trip_including_null() {
    let q = tq_new(0);
    let mut out = item(12345);
    // SAFETY: `q` is live; `out` is writable.
    unsafe {
        assert_eq!(tq_put(q, ptr::null_mut(), TQ_NOWAIT), tq_status::TQ_OK);
        for n in 1..=ITERS {
            assert_eq!(tq_put(q, item(n), TQ_NOWAIT), tq_status::TQ_OK);
        }
        assert_eq!(queries(q), (ITERS + 1, false, false, 0, ITERS + 1, false));
        assert_eq!(tq_get(q, &mut out, TQ_NOWAIT), tq_status::TQ_OK);
        assert!(out.is_null(), "a NULL item is an item");
        for n in 1..=ITERS {
            assert_eq!(tq_get(q, &mut out, TQ_FOREVER), tq_status::TQ_OK);
            assert_eq!(out, item(n));
        }
        out = item(12345);
        assert_eq!(tq_get(q, &mut out, TQ_NOWAIT), tq_status::TQ_EMPTY);
        assert_eq!(out, item(12345), "written only on success");
        tq_free(q);
    }
}

#[test]
fn boxes_round_trip_and_stay_valid() {
    let q = tq_new(0);
    // SAFETY: `q` is live; every pointer put is a Box taken back exactly once.
    unsafe {
        for n in 0..ITERS as u64 {
            let boxed = Box::into_raw(Box::new(n * 3)).cast::<c_void>();
            assert_eq!(tq_put(q, boxed, TQ_NOWAIT), tq_status::TQ_OK);
        }
        for n in 0..ITERS as u64 {
            let mut out = ptr::null_mut();
            assert_eq!(tq_get(q, &mut out, TQ_NOWAIT), tq_status::TQ_OK);
            assert_eq!(*Box::from_raw(out.cast::<u64>()), n * 3);
        }
        tq_free(q);
    }
}

#[test]
fn get_with_a_null_out_pointer_removes_nothing() {
    let q = tq_new(0);
    // SAFETY: `q` is live.
    unsafe {
        assert_eq!(tq_put(q, item(1), TQ_NOWAIT), tq_status::TQ_OK);
        assert_eq!(tq_get(q, ptr::null_mut(), TQ_NOWAIT), tq_status::TQ_INVALID);
        assert_eq!(tq_get(q, ptr::null_mut(), TQ_FOREVER), tq_status::TQ_INVALID);
        assert_eq!(queries(q), (1, false, false, 0, 1, false));
        tq_free(q);
    }
}

#[test]
fn timeouts_follow_the_c_convention() {
    let q = tq_new(1);
    let mut out = ptr::null_mut();
    // SAFETY: `q` is live; `out` is writable.
    unsafe {
        assert_eq!(tq_get(q, &mut out, TQ_NOWAIT), tq_status::TQ_EMPTY);
        assert_eq!(tq_get(q, &mut out, SHORT_MS), tq_status::TQ_EMPTY);
        assert_eq!(tq_join(q, SHORT_MS), tq_status::TQ_OK);
        assert_eq!(tq_put(q, item(1), SHORT_MS), tq_status::TQ_OK);
        assert_eq!(tq_put(q, item(2), TQ_NOWAIT), tq_status::TQ_FULL);
        assert_eq!(tq_put(q, item(2), SHORT_MS), tq_status::TQ_FULL);
        assert_eq!(tq_join(q, TQ_NOWAIT), tq_status::TQ_TIMEOUT);
        assert_eq!(tq_join(q, SHORT_MS), tq_status::TQ_TIMEOUT);
        assert_eq!(
            tq_get(q, &mut out, -12345),
            tq_status::TQ_OK,
            "any negative timeout is forever"
        );
        assert_eq!(out, item(1));
        assert_eq!(tq_task_done(q), tq_status::TQ_OK);
        assert_eq!(tq_join(q, TQ_FOREVER), tq_status::TQ_OK);
        tq_free(q);
    }
}

#[test]
fn task_accounting() {
    let q = tq_new(0);
    // SAFETY: `q` is live.
    unsafe {
        assert_eq!(tq_task_done(q), tq_status::TQ_TOO_MANY_DONE);
        assert_eq!(tq_task_done_n(q, 0), tq_status::TQ_OK);
        for n in 0..3 {
            assert_eq!(tq_put(q, item(n), TQ_NOWAIT), tq_status::TQ_OK);
        }
        assert_eq!(tq_task_done_n(q, 4), tq_status::TQ_TOO_MANY_DONE);
        assert_eq!(tq_unfinished(q), 3);
        assert_eq!(tq_task_done_n(q, 2), tq_status::TQ_OK);
        assert_eq!(tq_task_done(q), tq_status::TQ_OK);
        assert_eq!(tq_task_done(q), tq_status::TQ_TOO_MANY_DONE);
        assert_eq!(queries(q), (3, false, false, 0, 0, false));
        for n in 3..5 {
            assert_eq!(tq_put(q, item(n), TQ_NOWAIT), tq_status::TQ_OK);
        }
        assert_eq!(tq_task_done_all(q, ptr::null_mut()), tq_status::TQ_INVALID);
        assert_eq!(tq_unfinished(q), 2, "a refused call changes nothing");
        let mut n = 0;
        assert_eq!(tq_task_done_all(q, &mut n), tq_status::TQ_OK);
        assert_eq!((n, tq_unfinished(q), tq_qsize(q)), (2, 0, 5));
        tq_free(q);
    }
}

#[test]
fn orders_and_put_priority() {
    let fifo = new_with(&options(0, 0));
    let lifo = new_with(&options(1, 0));
    let prio = new_with(&options(2, 0));
    let mut out = ptr::null_mut();
    // SAFETY: the queues are live; `out` is writable.
    unsafe {
        for q in [fifo, lifo] {
            assert_eq!(tq_put_priority(q, item(1), 0, TQ_NOWAIT), tq_status::TQ_INVALID);
            assert_eq!(queries(q), (0, true, false, 0, 0, false));
            for n in 1..=3 {
                assert_eq!(tq_put(q, item(n), TQ_NOWAIT), tq_status::TQ_OK);
            }
        }
        for (x, p) in [(1, 5), (2, -5), (3, 0), (4, -5)] {
            assert_eq!(tq_put_priority(prio, item(x), p, TQ_NOWAIT), tq_status::TQ_OK);
        }
        assert_eq!(
            tq_put(prio, item(5), TQ_NOWAIT),
            tq_status::TQ_OK,
            "priority 0, after item 3"
        );
        for (q, expected) in [(fifo, &[1, 2, 3][..]), (lifo, &[3, 2, 1]), (prio, &[2, 4, 3, 5, 1])] {
            for &x in expected {
                assert_eq!(tq_get(q, &mut out, TQ_NOWAIT), tq_status::TQ_OK);
                assert_eq!(out, item(x));
            }
            tq_free(q);
        }
    }
}

#[test]
fn put_many_checks_its_pointers_and_fills_what_fits() {
    let q = tq_new(3);
    let items = [item(1), item(2), item(3), item(4)];
    let mut count = 99;
    // SAFETY: `q` is live; arrays and counts are valid or NULL as stated.
    unsafe {
        assert_eq!(
            tq_put_many(q, ptr::null(), 2, &mut count, TQ_NOWAIT),
            tq_status::TQ_INVALID
        );
        assert_eq!(count, 0);
        assert_eq!(
            tq_put_many(q, items.as_ptr(), 2, ptr::null_mut(), TQ_NOWAIT),
            tq_status::TQ_INVALID
        );
        assert_eq!(tq_qsize(q), 0, "nothing put without a count to report it");
        count = 99;
        assert_eq!(
            tq_put_many(q, items.as_ptr(), 0, &mut count, TQ_FOREVER),
            tq_status::TQ_OK
        );
        assert_eq!(count, 0);
        assert_eq!(
            tq_put_many(q, items.as_ptr(), 4, &mut count, TQ_NOWAIT),
            tq_status::TQ_OK
        );
        assert_eq!(count, 3);
        count = 99;
        assert_eq!(
            tq_put_many(q, items[3..].as_ptr(), 1, &mut count, TQ_NOWAIT),
            tq_status::TQ_FULL
        );
        assert_eq!(count, 0);
        assert_eq!(
            tq_put_many(q, items[3..].as_ptr(), 1, &mut count, SHORT_MS),
            tq_status::TQ_FULL
        );
        assert_eq!(queries(q), (3, false, true, 3, 3, false));
        assert_eq!(tq_shutdown(q, false), tq_status::TQ_OK);
        count = 99;
        assert_eq!(
            tq_put_many(q, items.as_ptr(), 1, &mut count, TQ_FOREVER),
            tq_status::TQ_SHUTDOWN
        );
        assert_eq!(count, 0);
        tq_free(q);
    }
}

#[test]
fn get_many_checks_its_pointers_and_takes_what_is_there() {
    let q = tq_new(0);
    let mut slots = [item(99); 4];
    let mut count = 99;
    // SAFETY: `q` is live; arrays and counts are valid or NULL as stated.
    unsafe {
        for n in 1..=3 {
            assert_eq!(tq_put(q, item(n), TQ_NOWAIT), tq_status::TQ_OK);
        }
        assert_eq!(
            tq_get_many(q, ptr::null_mut(), 2, &mut count, TQ_NOWAIT),
            tq_status::TQ_INVALID
        );
        assert_eq!(count, 0);
        assert_eq!(
            tq_get_many(q, slots.as_mut_ptr(), 2, ptr::null_mut(), TQ_NOWAIT),
            tq_status::TQ_INVALID
        );
        assert_eq!(tq_qsize(q), 3, "nothing taken without a count to report it");
        count = 99;
        assert_eq!(
            tq_get_many(q, slots.as_mut_ptr(), 0, &mut count, TQ_FOREVER),
            tq_status::TQ_OK
        );
        assert_eq!(count, 0);
        assert_eq!(
            tq_get_many(q, slots.as_mut_ptr(), 2, &mut count, TQ_NOWAIT),
            tq_status::TQ_OK
        );
        assert_eq!(count, 2);
        assert_eq!(slots, [item(1), item(2), item(99), item(99)]);
        assert_eq!(
            tq_get_many(q, slots.as_mut_ptr(), 4, &mut count, TQ_FOREVER),
            tq_status::TQ_OK
        );
        assert_eq!(count, 1);
        assert_eq!(
            slots,
            [item(3), item(2), item(99), item(99)],
            "only `count` slots written"
        );
        count = 99;
        assert_eq!(
            tq_get_many(q, slots.as_mut_ptr(), 4, &mut count, SHORT_MS),
            tq_status::TQ_EMPTY
        );
        assert_eq!(count, 0);
        assert_eq!(tq_unfinished(q), 3);
        assert_eq!(tq_shutdown(q, false), tq_status::TQ_OK);
        count = 99;
        assert_eq!(
            tq_get_many(q, slots.as_mut_ptr(), 4, &mut count, TQ_FOREVER),
            tq_status::TQ_SHUTDOWN
        );
        assert_eq!(count, 0);
        tq_free(q);
    }
}

#[test]
fn new_with_rejects_bad_options() {
    // SAFETY: every pointer is NULL or points to `struct_size` readable bytes.
    unsafe {
        assert!(tq_new_with(ptr::null()).is_null());
        for size in [0, 4, size_of::<tq_options>() - 1] {
            let opts = tq_options {
                struct_size: size as u32,
                ..options(0, 0)
            };
            assert!(tq_new_with(&opts).is_null(), "struct_size {size}");
        }
        for order in [3, 4, 0x100, i32::MAX as u32, u32::MAX] {
            assert!(tq_new_with(&options(order, 0)).is_null(), "order {order}");
        }
    }
}

#[test]
fn new_with_accepts_a_larger_struct_only_with_a_zero_tail() {
    const EXTRA: usize = 16;
    let size = size_of::<tq_options>() + EXTRA;
    for tail_byte in [None, Some(0), Some(EXTRA - 1)] {
        // u64 words keep the buffer aligned for tq_options.
        let mut buf = vec![0u64; size.div_ceil(8)];
        let base = buf.as_mut_ptr().cast::<u8>();
        // SAFETY: `buf` holds `size` bytes, aligned for tq_options.
        let q = unsafe {
            base.cast::<tq_options>().write(tq_options {
                struct_size: size as u32,
                ..options(1, 2)
            });
            if let Some(at) = tail_byte {
                base.add(size_of::<tq_options>() + at).write(1);
            }
            tq_new_with(base.cast::<tq_options>())
        };
        if tail_byte.is_some() {
            assert!(q.is_null(), "an unknown non-zero field must be rejected");
            continue;
        }
        assert!(!q.is_null());
        assert_eq!(queries(q), (0, true, false, 2, 0, false));
        let mut out = ptr::null_mut();
        // SAFETY: `q` is live; `out` is writable.
        unsafe {
            assert_eq!(tq_put(q, item(1), TQ_NOWAIT), tq_status::TQ_OK);
            assert_eq!(tq_put(q, item(2), TQ_NOWAIT), tq_status::TQ_OK);
            assert_eq!(tq_get(q, &mut out, TQ_NOWAIT), tq_status::TQ_OK);
            assert_eq!(out, item(2), "LIFO, as the options said");
            tq_free(q);
        }
    }
}

#[test]
fn destroy_runs_on_free_for_queued_items_only() {
    let recorder = Recorder::default();
    let q = new_with(&recording(0, 0, &recorder));
    let mut out = ptr::null_mut();
    // SAFETY: `q` is live; `recorder` outlives it.
    unsafe {
        for n in 1..=5 {
            assert_eq!(tq_put(q, item(n), TQ_NOWAIT), tq_status::TQ_OK);
        }
        assert_eq!(tq_get(q, &mut out, TQ_NOWAIT), tq_status::TQ_OK);
        assert_eq!(tq_shutdown(q, false), tq_status::TQ_OK);
        assert_eq!(tq_get(q, &mut out, TQ_NOWAIT), tq_status::TQ_OK);
        assert!(
            recorder.seen().is_empty(),
            "neither gets nor a graceful shutdown destroy"
        );
        tq_free(q);
    }
    assert_eq!(recorder.seen(), [3, 4, 5]);
}

#[test]
fn immediate_shutdown_destroys_before_returning_and_only_once() {
    let recorder = Recorder::default();
    let q = new_with(&recording(1, 0, &recorder));
    let mut out = ptr::null_mut();
    // SAFETY: `q` is live; `recorder` outlives it.
    unsafe {
        for n in 1..=4 {
            assert_eq!(tq_put(q, item(n), TQ_NOWAIT), tq_status::TQ_OK);
        }
        assert_eq!(tq_get(q, &mut out, TQ_NOWAIT), tq_status::TQ_OK);
        assert_eq!(tq_shutdown(q, true), tq_status::TQ_OK);
        assert_eq!(recorder.seen(), [3, 2, 1], "in queue order (LIFO)");
        assert_eq!(queries(q), (0, true, false, 0, 1, true));
        assert_eq!(tq_get(q, &mut out, TQ_NOWAIT), tq_status::TQ_SHUTDOWN);
        assert_eq!(tq_put(q, item(9), TQ_NOWAIT), tq_status::TQ_SHUTDOWN);
        assert_eq!(tq_shutdown(q, true), tq_status::TQ_OK);
        tq_free(q);
    }
    assert_eq!(recorder.seen(), [3, 2, 1]);
}

/// A `tq_destroy_fn` that frees a `Box<u64>` item and counts it in the
/// `AtomicUsize` at `ctx`.
unsafe extern "C" fn free_box(item: *mut c_void, ctx: *mut c_void) {
    // SAFETY: the test puts only Box<u64> pointers and registers an AtomicUsize.
    unsafe {
        drop(Box::from_raw(item.cast::<u64>()));
        (*ctx.cast::<AtomicUsize>()).fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn destroy_frees_every_owned_item_exactly_once() {
    // Under miri, a leak or a double free here is an error.
    let freed = AtomicUsize::new(0);
    let opts = tq_options {
        destroy: Some(free_box),
        destroy_ctx: ptr::from_ref(&freed).cast_mut().cast(),
        ..options(2, 0)
    };
    let q = new_with(&opts);
    // SAFETY: `q` is live; `freed` outlives it; each box has one owner at a time.
    unsafe {
        for n in 0..ITERS as u64 {
            let boxed = Box::into_raw(Box::new(n)).cast::<c_void>();
            assert_eq!(tq_put_priority(q, boxed, (n % 3) as i64, TQ_NOWAIT), tq_status::TQ_OK);
        }
        let mut out = ptr::null_mut();
        for _ in 0..ITERS / 2 {
            assert_eq!(tq_get(q, &mut out, TQ_NOWAIT), tq_status::TQ_OK);
            drop(Box::from_raw(out.cast::<u64>()));
        }
        tq_free(q);
    }
    assert_eq!(freed.load(Ordering::SeqCst), ITERS - ITERS / 2);
}

#[test]
fn status_strings() {
    let text = |s: i32| {
        let p = tq_status_str(s);
        assert!(!p.is_null());
        // SAFETY: tq_status_str returns a static NUL-terminated string.
        unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned()
    };
    let known: Vec<String> = (0..=9).map(text).collect();
    for (s, t) in known.iter().enumerate() {
        assert!(!t.is_empty() && t != "unknown status", "status {s}: {t:?}");
        assert_eq!(
            known.iter().filter(|u| *u == t).count(),
            1,
            "status {s} shares its text"
        );
    }
    assert_eq!(known[tq_status::TQ_OK as usize], "ok");
    for bogus in [-1, 10, 100, i32::MIN, i32::MAX] {
        assert_eq!(text(bogus), "unknown status");
    }
}

#[test]
fn version_is_the_crate_version() {
    // SAFETY: tq_version returns a static NUL-terminated string.
    let v = unsafe { CStr::from_ptr(tq_version()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}

#[test]
fn set_maxsize_and_queries() {
    let q = tq_new(1);
    // SAFETY: `q` is live.
    unsafe {
        assert_eq!(tq_put(q, item(1), TQ_NOWAIT), tq_status::TQ_OK);
        assert!(tq_full(q));
        assert_eq!(tq_set_maxsize(q, 2), tq_status::TQ_OK);
        assert_eq!(queries(q), (1, false, false, 2, 1, false));
        assert_eq!(tq_put(q, item(2), TQ_NOWAIT), tq_status::TQ_OK);
        assert_eq!(tq_set_maxsize(q, 1), tq_status::TQ_OK);
        assert_eq!(queries(q), (2, false, true, 1, 2, false), "shrinking keeps the items");
        assert_eq!(tq_set_maxsize(q, 0), tq_status::TQ_OK);
        assert_eq!(queries(q), (2, false, false, 0, 2, false));
        tq_free(q);
    }
}

#[test]
fn producer_consumer_through_the_c_api() {
    let n = if cfg!(miri) { 5 } else { 200 };
    let q = Shared(tq_new(2));
    // SAFETY (all blocks below): `q` stays live until both threads are joined.
    let producer = thread::spawn(move || {
        for i in 1..=n {
            assert_eq!(unsafe { tq_put(q.get(), item(i), TQ_FOREVER) }, tq_status::TQ_OK);
        }
    });
    let consumer = thread::spawn(move || {
        let mut got = Vec::new();
        let mut out = ptr::null_mut();
        loop {
            match unsafe { tq_get(q.get(), &mut out, TQ_FOREVER) } {
                tq_status::TQ_OK => got.push(out.addr()),
                status => return (status, got),
            }
            assert_eq!(unsafe { tq_task_done(q.get()) }, tq_status::TQ_OK);
        }
    });
    producer.join().unwrap();
    unsafe {
        assert_eq!(tq_join(q.get(), TQ_FOREVER), tq_status::TQ_OK);
        assert_eq!(tq_shutdown(q.get(), false), tq_status::TQ_OK);
    }
    let (status, got) = consumer.join().unwrap();
    assert_eq!(status, tq_status::TQ_SHUTDOWN);
    assert_eq!(got, (1..=n).collect::<Vec<_>>());
    unsafe { tq_free(q.get()) };
}

#[test]
fn shutdown_wakes_blocked_c_callers() {
    let empty = Shared(tq_new(0));
    let full = Shared(tq_new(1));
    // SAFETY (all blocks below): the queues stay live until the threads are joined.
    unsafe { assert_eq!(tq_put(full.get(), item(1), TQ_NOWAIT), tq_status::TQ_OK) };
    let threads = vec![
        thread::spawn(move || unsafe { tq_get(empty.get(), &mut ptr::null_mut(), TQ_FOREVER) }),
        thread::spawn(move || unsafe {
            tq_get_many(empty.get(), [ptr::null_mut(); 2].as_mut_ptr(), 2, &mut 0, TQ_FOREVER)
        }),
        thread::spawn(move || unsafe { tq_put(full.get(), item(2), TQ_FOREVER) }),
        thread::spawn(move || unsafe { tq_put_many(full.get(), [item(3)].as_ptr(), 1, &mut 0, TQ_FOREVER) }),
        thread::spawn(move || unsafe { tq_join(full.get(), TQ_FOREVER) }),
    ];
    assert_blocked(&threads);
    unsafe {
        assert_eq!(tq_shutdown(empty.get(), false), tq_status::TQ_OK);
        assert_eq!(tq_shutdown(full.get(), true), tq_status::TQ_OK);
    }
    let results: Vec<tq_status> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    use tq_status::{TQ_OK, TQ_SHUTDOWN};
    assert_eq!(results, [TQ_SHUTDOWN, TQ_SHUTDOWN, TQ_SHUTDOWN, TQ_SHUTDOWN, TQ_OK]);
    unsafe {
        tq_free(empty.get());
        tq_free(full.get());
    }
}

/// What a re-entrant destroy callback saw of its queue: `(qsize, is_shutdown,
/// status of a put)` per call. Its `ctx` points to one of these, whose
/// `queue` is set once the queue exists.
struct Reentry {
    queue: std::cell::Cell<*mut tq_queue>,
    seen: std::sync::Mutex<Vec<(usize, bool, tq_status)>>,
}

/// A `tq_destroy_fn` that calls back into the queue it is destroying an item of.
unsafe extern "C" fn call_back_in(_item: *mut c_void, ctx: *mut c_void) {
    // SAFETY: the tests register a `Reentry` that outlives the queue, and the
    // contract keeps the queue valid while its callbacks run.
    unsafe {
        let reentry = &*ctx.cast::<Reentry>();
        let q = reentry.queue.get();
        let put = tq_put(q, item(99), TQ_NOWAIT);
        reentry.seen.lock().unwrap().push((tq_qsize(q), tq_is_shutdown(q), put));
    }
}

/// Regression: `tq_free` released the queue before its callbacks ran, so a
/// callback that called in read freed memory (valgrind, Miri). Both
/// `tq_free` and an immediate shutdown now keep the queue valid, shut down
/// and empty, until the last callback returned.
#[test]
fn destroy_callbacks_may_call_back_into_the_queue() {
    for immediate_shutdown_first in [false, true] {
        let reentry = Reentry {
            queue: std::cell::Cell::new(ptr::null_mut()),
            seen: std::sync::Mutex::new(Vec::new()),
        };
        let opts = tq_options {
            destroy: Some(call_back_in),
            destroy_ctx: (&raw const reentry).cast_mut().cast(),
            ..options(0, 0)
        };
        let q = new_with(&opts);
        reentry.queue.set(q);
        // SAFETY: `q` is live until tq_free; `reentry` outlives it.
        unsafe {
            for n in 1..=3 {
                assert_eq!(tq_put(q, item(n), TQ_NOWAIT), tq_status::TQ_OK);
            }
            if immediate_shutdown_first {
                assert_eq!(tq_shutdown(q, true), tq_status::TQ_OK);
            }
            tq_free(q);
        }
        let seen = reentry.seen.into_inner().unwrap();
        assert_eq!(
            seen,
            [(0, true, tq_status::TQ_SHUTDOWN); 3],
            "shut down and empty while callbacks run"
        );
    }
}

/// Regression: a batch count above what any array of pointers can hold
/// built an invalid slice (undefined behaviour; a debug build aborted).
/// It is `TQ_INVALID`, with the count written as 0 and nothing moved.
#[test]
fn batch_counts_no_array_can_hold_are_invalid() {
    let q = new_with(&options(0, 0));
    let too_many = isize::MAX as usize / size_of::<*mut c_void>() + 1;
    let mut slots = [ptr::null_mut(); 2];
    // SAFETY: `q` is live; the calls must reject the counts before reading
    // or writing past the two slots.
    unsafe {
        assert_eq!(tq_put(q, item(1), TQ_NOWAIT), tq_status::TQ_OK);
        for n in [too_many, usize::MAX] {
            let mut count = 7;
            assert_eq!(
                tq_put_many(q, slots.as_ptr(), n, &mut count, TQ_NOWAIT),
                tq_status::TQ_INVALID
            );
            assert_eq!(count, 0);
            count = 7;
            assert_eq!(
                tq_get_many(q, slots.as_mut_ptr(), n, &mut count, TQ_NOWAIT),
                tq_status::TQ_INVALID
            );
            assert_eq!(count, 0);
        }
        assert_eq!(queries(q), (1, false, false, 0, 1, false), "nothing moved");
        tq_free(q);
    }
}

/// `tq_create` says why it failed, and writes `*q_out` only on success.
#[test]
fn create_says_why_and_writes_only_on_success() {
    let sentinel = ptr::dangling_mut::<tq_queue>();
    let mut q = sentinel;
    let mut bad_order = options(0, 0);
    bad_order.order = 3;
    let mut too_small = options(0, 0);
    too_small.struct_size -= 1;
    // SAFETY: every pointer is NULL or points to a complete tq_options.
    unsafe {
        assert_eq!(tq_create(ptr::null(), &mut q), tq_status::TQ_INVALID);
        assert_eq!(tq_create(&bad_order, &mut q), tq_status::TQ_INVALID);
        assert_eq!(tq_create(&too_small, &mut q), tq_status::TQ_INVALID);
        assert_eq!(tq_create(&options(0, 0), ptr::null_mut()), tq_status::TQ_INVALID);
        assert_eq!(q, sentinel, "untouched on failure");
        for order in 0..3 {
            assert_eq!(tq_create(&options(order, 2), &mut q), tq_status::TQ_OK);
            assert_ne!(q, sentinel);
            assert_eq!(queries(q), (0, true, false, 2, 0, false));
            assert_eq!(tq_put(q, item(1), TQ_NOWAIT), tq_status::TQ_OK);
            tq_free(q);
        }
    }
}
