//! The Rust channels of the criterion bench (benches/queues/peers.rs) as
//! tq_bench adapters, so that they run in the same process and the same
//! interleaved repeats as tq's C ABI and the C/C++ queues. Each is called
//! through the adapter's function pointers, as every C adapter is.
//!
//! Built by benches/c/CMakeLists.txt as a cdylib (rust_peers/Cargo.toml):
//! a Rust staticlib would bring a second copy of Rust's std beside the one
//! in libtq.a. A failed send or receive panics, which aborts the bench.

#[path = "../queues/peers.rs"]
mod peers;

use std::ffi::{CStr, c_char, c_uint, c_void};

use peers::{Crossbeam, Flume, Kanal, Peer, StdMpsc};

/// `enum bench_caps` of adapter.h.
const UNBOUNDED: c_uint = 1 << 0;
const BOUNDED: c_uint = 1 << 1;
const MPMC: c_uint = 1 << 2;

/// `bench_adapter` of adapter.h; the functions this file leaves out
/// (`get_timed`, `task_done`, `join`) are NULL, and their capability bits clear.
#[repr(C)]
pub struct BenchAdapter {
    name: *const c_char,
    caps: c_uint,
    create: extern "C" fn(usize) -> *mut c_void,
    destroy: unsafe extern "C" fn(*mut c_void),
    put: unsafe extern "C" fn(*mut c_void, usize),
    get: unsafe extern "C" fn(*mut c_void) -> usize,
    get_timed: Option<extern "C" fn()>,
    task_done: Option<extern "C" fn()>,
    join: Option<extern "C" fn()>,
}

// SAFETY: the adapters are immutable, and `name` points to a static string.
unsafe impl Sync for BenchAdapter {}

/// Both ends of one channel: tq_bench's `void *q`.
struct Channel<P: Peer> {
    tx: P::Tx,
    rx: P::Rx,
}

extern "C" fn create<P: Peer>(capacity: usize) -> *mut c_void {
    let (tx, rx) = P::channel(capacity);
    Box::into_raw(Box::new(Channel::<P> { tx, rx })).cast()
}

/// # Safety
/// `q` came from `create::<P>` and no other call on it runs or follows.
unsafe extern "C" fn destroy<P: Peer>(q: *mut c_void) {
    drop(unsafe { Box::from_raw(q.cast::<Channel<P>>()) });
}

/// # Safety
/// `q` came from `create::<P>` and is not destroyed yet.
unsafe extern "C" fn put<P: Peer>(q: *mut c_void, item: usize) {
    P::put(unsafe { &(*q.cast::<Channel<P>>()).tx }, item as u64);
}

/// # Safety
/// As for `put`; and unless the adapter has `MPMC`, one thread at a time
/// gets (tq_bench gets from such a queue on one thread only), for a
/// receiving end that is not `Sync` (std's).
unsafe extern "C" fn get<P: Peer>(q: *mut c_void) -> usize {
    P::get(unsafe { &(*q.cast::<Channel<P>>()).rx }) as usize
}

/// `P`'s adapter, under `name`: the criterion bench's name for it (checked
/// at compile time), so that the report can set the two side by side.
const fn adapter<P: Peer>(name: &'static CStr, caps: c_uint) -> BenchAdapter {
    let (c, rust) = (name.to_bytes(), P::NAME.as_bytes());
    assert!(c.len() == rust.len(), "the C name is the criterion name");
    let mut i = 0;
    while i < c.len() {
        assert!(c[i] == rust[i], "the C name is the criterion name");
        i += 1;
    }
    BenchAdapter {
        name: name.as_ptr(),
        caps,
        create: create::<P>,
        destroy: destroy::<P>,
        put: put::<P>,
        get: get::<P>,
        get_timed: None,
        task_done: None,
        join: None,
    }
}

/// crossbeam-channel's `bounded`/`unbounded`.
#[unsafe(no_mangle)]
pub static bench_crossbeam: BenchAdapter = adapter::<Crossbeam>(c"crossbeam", UNBOUNDED | BOUNDED | MPMC);
/// flume's `bounded`/`unbounded`.
#[unsafe(no_mangle)]
pub static bench_flume: BenchAdapter = adapter::<Flume>(c"flume", UNBOUNDED | BOUNDED | MPMC);
/// kanal's `bounded`/`unbounded`.
#[unsafe(no_mangle)]
pub static bench_kanal: BenchAdapter = adapter::<Kanal>(c"kanal", UNBOUNDED | BOUNDED | MPMC);
/// std's `sync_channel`/`channel`: a single consumer.
#[unsafe(no_mangle)]
pub static bench_std_mpsc: BenchAdapter = adapter::<StdMpsc>(c"std_mpsc", UNBOUNDED | BOUNDED);
