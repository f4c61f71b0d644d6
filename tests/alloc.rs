//! A bounded queue allocates nothing per item once created: puts, gets and
//! batch calls reuse the storage reserved up front. Counted with a global
//! allocator that records the allocations made by the test's own thread
//! while it counts (the harness's threads allocate when they like).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use tq::{Order, Queue, Timeout};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Whether this thread's allocations are counted.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

/// Counts one allocation if the calling thread is counting.
fn record() {
    if COUNTING.with(Cell::get) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: forwards to the system allocator, only counting calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record();
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record();
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A bounded queue reserves its storage (up to 1024 items) at creation.
/// Fills and drains a bounded queue of each order many times over, one item
/// and one batch at a time, and asserts that no allocation happened.
#[test]
fn a_bounded_queue_allocates_nothing_per_item() {
    for order in [Order::Fifo, Order::Lifo, Order::Priority] {
        let q = Queue::with_order(order, 64);
        let mut batch = Vec::with_capacity(64);
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        COUNTING.with(|c| c.set(true));
        for round in 0..100u64 {
            for i in 0..64 {
                q.put(round * 64 + i, Timeout::NoWait).unwrap();
            }
            assert_eq!(
                q.put(0, Timeout::NoWait).map_err(|e| e.into_inner()),
                Err(0),
                "{order:?}: the bound holds"
            );
            for _ in 0..32 {
                q.get(Timeout::NoWait).unwrap();
            }
            batch.clear();
            assert_eq!(q.get_many(&mut batch, 64, Timeout::NoWait), Ok(32));
            assert_eq!(q.put_many(batch.drain(..), Timeout::NoWait), Ok(32));
            assert_eq!(q.get_many(&mut batch, 64, Timeout::NoWait), Ok(32));
            q.task_done_n(96).unwrap();
        }
        COUNTING.with(|c| c.set(false));
        let after = ALLOCATIONS.load(Ordering::Relaxed);
        assert_eq!(after - before, 0, "{order:?}: allocations during 6400 puts and gets");
        assert_eq!(q.unfinished(), 0);
    }
}

/// An unbounded FIFO queue keeps its items in blocks, and keeps emptied
/// blocks for the next ones it needs: with a backlog that stays steady (100
/// items, swinging by 50, across many blocks' boundaries), puts and gets
/// allocate nothing once the first swing has made the blocks, whether one
/// at a time or in batches.
#[test]
fn an_unbounded_queue_with_a_steady_backlog_allocates_nothing_per_item() {
    let q = Queue::new(0);
    q.put_many(0..100u32, Timeout::NoWait).unwrap();
    let mut batch = Vec::with_capacity(64);
    let (mut next, mut expected) = (100u32, 0u32);
    let mut swing = || {
        for _ in 0..40 {
            q.put(next, Timeout::NoWait).unwrap();
            next += 1;
            assert_eq!(q.get(Timeout::NoWait), Ok(expected));
            expected += 1;
        }
        assert_eq!(q.put_many(next..next + 50, Timeout::NoWait), Ok(50));
        next += 50;
        batch.clear();
        assert_eq!(q.get_many(&mut batch, 50, Timeout::NoWait), Ok(50));
        assert_eq!(batch[0], expected);
        expected += 50;
    };
    swing();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    COUNTING.with(|c| c.set(true));
    for _ in 0..300 {
        swing();
    }
    COUNTING.with(|c| c.set(false));
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    assert_eq!(after - before, 0, "allocations during 27,000 puts and gets");
    assert_eq!(q.qsize(), 100);
}

/// The same through the C ABI, whose `tq_put` and `tq_get` take lock-free
/// paths of their own: 100 items queued, one put and one get at a time
/// across many blocks' boundaries, nothing allocated once the blocks are
/// made.
#[test]
fn the_c_abi_on_an_unbounded_queue_with_a_steady_backlog_allocates_nothing_per_item() {
    use std::ffi::c_void;
    use tq::ffi::{TQ_NOWAIT, tq_free, tq_get, tq_new, tq_put, tq_status};

    let item = |x: usize| x as *mut c_void;
    // SAFETY: `q` is live from `tq_new` to `tq_free`; `got` is writable.
    unsafe {
        let q = tq_new(0);
        assert!(!q.is_null());
        let mut next = 0;
        let round = |next: &mut usize| {
            assert_eq!(tq_put(q, item(*next), TQ_NOWAIT), tq_status::TQ_OK);
            let mut got = std::ptr::null_mut();
            assert_eq!(tq_get(q, &mut got, TQ_NOWAIT), tq_status::TQ_OK);
            assert_eq!(got, item(*next - 100));
            *next += 1;
        };
        for _ in 0..100 {
            assert_eq!(tq_put(q, item(next), TQ_NOWAIT), tq_status::TQ_OK);
            next += 1;
        }
        for _ in 0..100 {
            round(&mut next);
        }
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        COUNTING.with(|c| c.set(true));
        for _ in 0..10_000 {
            round(&mut next);
        }
        COUNTING.with(|c| c.set(false));
        let after = ALLOCATIONS.load(Ordering::Relaxed);
        assert_eq!(after - before, 0, "allocations during 10,000 rounds");
        tq_free(q);
    }
}
