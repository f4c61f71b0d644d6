//! The test allocator: the system's, failing the k-th allocation a thread
//! makes inside library calls once armed, and counting each thread's live
//! blocks and bytes. Its state is per thread, so that other test threads are
//! never failed and never counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ptr;

thread_local! {
    /// Allocations to let through before the one that fails; `None`: none fails.
    static COUNTDOWN: Cell<Option<usize>> = const { Cell::new(None) };
    /// Whether a library call is running (only its allocations count down).
    static IN_LIBRARY: Cell<bool> = const { Cell::new(false) };
    /// Whether the failure was injected since [`arm`].
    static INJECTED: Cell<bool> = const { Cell::new(false) };
    /// Blocks and bytes this thread allocated and has not freed.
    static LIVE: Cell<(isize, isize)> = const { Cell::new((0, 0)) };
}

/// Fails the `k`-th allocation (0: the first) made inside [`library`] calls from now on.
pub fn arm(k: usize) {
    COUNTDOWN.set(Some(k));
    INJECTED.set(false);
}

/// Lets every later allocation succeed.
pub fn disarm() {
    COUNTDOWN.set(None);
}

/// Whether the failure was injected since [`arm`].
pub fn injected() -> bool {
    INJECTED.get()
}

/// The blocks and bytes this thread has allocated and not freed.
pub fn live() -> (isize, isize) {
    LIVE.get()
}

/// Runs `call` with the countdown paused: nothing in it fails.
pub fn spared<R>(call: impl FnOnce() -> R) -> R {
    let paused = COUNTDOWN.replace(None);
    let r = call();
    COUNTDOWN.set(paused);
    r
}

/// Runs a library call, counting its allocations down to the failing one.
pub fn library<R>(call: impl FnOnce() -> R) -> R {
    IN_LIBRARY.set(true);
    let r = call();
    IN_LIBRARY.set(false);
    r
}

/// Whether the allocation being made is the one to fail.
fn fail_now() -> bool {
    if !IN_LIBRARY.get() {
        return false;
    }
    match COUNTDOWN.get() {
        Some(0) => {
            COUNTDOWN.set(None);
            INJECTED.set(true);
            true
        }
        Some(n) => {
            COUNTDOWN.set(Some(n - 1));
            false
        }
        None => false,
    }
}

/// Adds to this thread's live counts.
fn track(blocks: isize, bytes: isize) {
    let (b, n) = LIVE.get();
    LIVE.set((b + blocks, n + bytes));
}

/// The system allocator, failing on request and counting live memory.
pub struct Failing;

// SAFETY: forwards to the system allocator; a failure returns NULL and
// leaves any existing block untouched, as `GlobalAlloc` allows.
unsafe impl GlobalAlloc for Failing {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if fail_now() {
            return ptr::null_mut();
        }
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            track(1, layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        track(-1, -(layout.size() as isize));
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(p, layout) }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if fail_now() {
            return ptr::null_mut();
        }
        // SAFETY: forwarded unchanged.
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            track(0, new_size as isize - layout.size() as isize);
        }
        q
    }
}
