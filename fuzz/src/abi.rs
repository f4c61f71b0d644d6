//! The C API as a C caller declares it (`include/tq.h`), linked to tq's
//! exported symbols: statuses come back as the plain `int` C receives, so
//! that a value outside `tq_status` is caught instead of being undefined
//! behaviour in Rust.

use std::ffi::{c_char, c_int, c_void};

pub use tq::ffi::{TQ_NOWAIT, tq_options};

/// `tq_queue` as C sees it: an incomplete type, only used behind pointers.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct tq_queue {
    _opaque: [u8; 0],
}

// Each function as `include/tq.h` documents it.
unsafe extern "C" {
    pub fn tq_new(maxsize: usize) -> *mut tq_queue;
    pub fn tq_new_with(opts: *const tq_options) -> *mut tq_queue;
    pub fn tq_create(opts: *const tq_options, q_out: *mut *mut tq_queue) -> c_int;
    pub fn tq_free(q: *mut tq_queue);
    pub fn tq_shutdown(q: *mut tq_queue, immediate: bool) -> c_int;
    pub fn tq_put(q: *mut tq_queue, item: *mut c_void, timeout_ms: i64) -> c_int;
    pub fn tq_put_priority(q: *mut tq_queue, item: *mut c_void, priority: i64, timeout_ms: i64) -> c_int;
    pub fn tq_get(q: *mut tq_queue, item_out: *mut *mut c_void, timeout_ms: i64) -> c_int;
    pub fn tq_task_done(q: *mut tq_queue) -> c_int;
    pub fn tq_task_done_n(q: *mut tq_queue, n: usize) -> c_int;
    pub fn tq_task_done_all(q: *mut tq_queue, n_done: *mut usize) -> c_int;
    pub fn tq_join(q: *mut tq_queue, timeout_ms: i64) -> c_int;
    pub fn tq_set_maxsize(q: *mut tq_queue, maxsize: usize) -> c_int;
    pub fn tq_put_many(
        q: *mut tq_queue,
        items: *const *mut c_void,
        n: usize,
        n_put: *mut usize,
        timeout_ms: i64,
    ) -> c_int;
    pub fn tq_get_many(
        q: *mut tq_queue,
        items_out: *mut *mut c_void,
        max: usize,
        n_got: *mut usize,
        timeout_ms: i64,
    ) -> c_int;
    pub fn tq_get_fd(q: *mut tq_queue, fd_out: *mut c_int) -> c_int;
    pub fn tq_put_fd(q: *mut tq_queue, fd_out: *mut c_int) -> c_int;
    pub fn tq_get_any(
        queues: *const *mut tq_queue,
        n: usize,
        item_out: *mut *mut c_void,
        index_out: *mut usize,
        timeout_ms: i64,
    ) -> c_int;
    pub fn tq_qsize(q: *const tq_queue) -> usize;
    pub fn tq_empty(q: *const tq_queue) -> bool;
    pub fn tq_full(q: *const tq_queue) -> bool;
    pub fn tq_maxsize(q: *const tq_queue) -> usize;
    pub fn tq_unfinished(q: *const tq_queue) -> usize;
    pub fn tq_is_shutdown(q: *const tq_queue) -> bool;
    pub fn tq_status_str(s: c_int) -> *const c_char;
}
