//! Helpers shared by the integration tests. Each test crate compiles this
//! module and uses only part of it, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::ffi::c_void;
use std::ptr;
use std::sync::Mutex;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

#[path = "ring.rs"]
mod ring;
#[allow(unused_imports)]
pub use ring::RING_CAPACITY;

/// How long a thread must stay inside a call before we call it "blocked".
pub const SETTLE: Duration = Duration::from_millis(50);

/// An upper bound for "returns promptly" that no healthy machine comes near.
pub const GENEROUS: Duration = Duration::from_secs(10);

/// Gives the threads time to reach their blocking call, then asserts that
/// none of them has returned.
pub fn assert_blocked<T>(threads: &[JoinHandle<T>]) {
    thread::sleep(SETTLE);
    for (i, t) in threads.iter().enumerate() {
        assert!(!t.is_finished(), "thread {i} returned but should still be blocked");
    }
}

/// Polls `cond` until it holds; panics if it still does not after [`GENEROUS`].
pub fn eventually(cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < GENEROUS, "condition still false after {GENEROUS:?}");
        thread::sleep(Duration::from_millis(1));
    }
}

/// Joins every thread and returns their results in spawn order.
pub fn join_all<T>(threads: Vec<JoinHandle<T>>) -> Vec<T> {
    threads
        .into_iter()
        .map(|t| t.join().expect("test thread panicked"))
        .collect()
}

/// The C item numbered `n`: a distinct pointer value the queue never
/// dereferences (`item(0)` is NULL, a legal item).
pub fn item(n: usize) -> *mut c_void {
    ptr::without_provenance_mut(n)
}

/// Records, in call order, every item a `tq_destroy_fn` is given.
#[derive(Default)]
pub struct Recorder(Mutex<Vec<usize>>);

impl Recorder {
    /// The `destroy_ctx` to register along with [`record`].
    pub fn ctx(&self) -> *mut c_void {
        ptr::from_ref(self).cast_mut().cast()
    }

    /// The items destroyed so far (as addresses), in call order.
    pub fn seen(&self) -> Vec<usize> {
        self.0.lock().unwrap().clone()
    }
}

/// A `tq_destroy_fn` whose `ctx` is a [`Recorder`].
///
/// # Safety
/// `ctx` points to a live `Recorder`.
pub unsafe extern "C" fn record(item: *mut c_void, ctx: *mut c_void) {
    // SAFETY: the test registered a live Recorder as the context.
    let recorder = unsafe { &*ctx.cast::<Recorder>() };
    recorder.0.lock().unwrap().push(item.addr());
}

/// Every query's answer for `q` (possibly NULL):
/// (qsize, empty, full, maxsize, unfinished, is_shutdown).
pub fn queries(q: *const tq::ffi::tq_queue) -> (usize, bool, bool, usize, usize, bool) {
    use tq::ffi::{tq_empty, tq_full, tq_is_shutdown, tq_maxsize, tq_qsize, tq_unfinished};
    // SAFETY: every caller passes NULL or a live queue.
    unsafe {
        (
            tq_qsize(q),
            tq_empty(q),
            tq_full(q),
            tq_maxsize(q),
            tq_unfinished(q),
            tq_is_shutdown(q),
        )
    }
}
