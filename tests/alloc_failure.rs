//! Allocation failure: any allocation the library makes may fail without harm.
//!
//! A test allocator fails the k-th allocation (or reallocation) this thread
//! makes inside a library call, counted from the start of a scenario, for
//! k = 0, 1, 2, ... until the scenario runs with no failure injected. Each
//! time, the call that met the failure must say so (`TQ_NOMEM`,
//! `PutError::NoMemory`, a NULL queue) and change nothing (checked against a
//! model of the queue after every call), the queue must keep working
//! afterwards (puts, gets in the right order, join), and every block
//! allocated during the scenario must be freed once the queue is.
//!
//! Every scenario runs through the C ABI (`tq::ffi`) and the Rust API. If a
//! run aborts with "memory allocation of N bytes failed", the library
//! allocated infallibly where a failure was injected.

#[path = "alloc_failure/faces.rs"]
mod faces;
#[path = "alloc_failure/failing.rs"]
mod failing;
#[path = "alloc_failure/model.rs"]
mod model;
#[path = "alloc_failure/run.rs"]
mod run;

use tq::Order;

use faces::CApi;
use run::Step::{self, *};
use run::{End, Scenario, assert_growth_fails_cleanly, both_faces, each_failure, run};

#[global_allocator]
static GLOBAL: failing::Failing = failing::Failing;

/// `tq_new`, `tq_new_with` (each order, with and without a destroy
/// callback) and `Queue::with_order` return NULL or a queue that works.
#[test]
fn creation_fails_cleanly_or_gives_a_working_queue() {
    for order in [Order::Fifo, Order::Lifo, Order::Priority] {
        for maxsize in [0, 8, 2000] {
            for destroy in [false, true] {
                let s = Scenario {
                    destroy,
                    ..Scenario::new("creation", order, maxsize, &[Put(10), GetMany(3)])
                };
                let [c, _] = both_faces(&s);
                assert!(c.total > 0, "{order:?} {maxsize}: tq_new allocates");
            }
        }
    }
}

/// A FIFO queue whose ring is full puts into the locked store, which grows.
#[test]
fn fifo_overflow_into_the_store() {
    assert_growth_fails_cleanly(&[
        Scenario::new(
            "unbounded FIFO past the ring",
            Order::Fifo,
            0,
            &[PutMany(1000), Put(60), GetMany(30), PutMany(40), Get(5)],
        ),
        Scenario::new(
            "FIFO bound above the ring",
            Order::Fifo,
            2000,
            &[PutMany(1020), Put(20), GetMany(1030), Put(10)],
        ),
        Scenario::new(
            "small ring overflowing once set_maxsize raised the bound",
            Order::Fifo,
            4,
            &[
                Put(6),
                SetMaxsize(0),
                Put(20),
                GetMany(3),
                SetMaxsize(10),
                Put(2),
                GetMany(20),
                Put(3),
                SetMaxsize(0),
                PutMany(12),
            ],
        ),
    ]);
}

/// Single puts grow a LIFO or priority store, from empty or past the
/// room reserved at creation (a reallocation).
#[test]
fn lifo_and_priority_puts_grow_the_store() {
    assert_growth_fails_cleanly(&[
        Scenario::new("unbounded LIFO", Order::Lifo, 0, &[Put(40), GetMany(5), Put(10)]),
        Scenario::new(
            "LIFO growing past its reservation",
            Order::Lifo,
            6,
            &[Put(7), SetMaxsize(0), Put(10)],
        ),
        Scenario::new(
            "unbounded priority",
            Order::Priority,
            0,
            &[Put(40), GetMany(5), Put(10)],
        ),
        Scenario::new(
            "priority growing past its reservation",
            Order::Priority,
            5,
            &[Put(6), SetMaxsize(100), Put(30)],
        ),
    ]);
}

/// A batch put that meets the failure puts nothing, or the items before it.
#[test]
fn batches_grow_the_store() {
    assert_growth_fails_cleanly(&[
        Scenario::new("LIFO batches", Order::Lifo, 0, &[PutMany(20), GetMany(7), PutMany(30)]),
        Scenario::new(
            "priority batches",
            Order::Priority,
            0,
            &[Put(3), PutMany(40), GetMany(10)],
        ),
        Scenario::new(
            "a FIFO batch across the ring's end",
            Order::Fifo,
            0,
            &[PutMany(1020), PutMany(30), GetMany(1030), PutMany(10)],
        ),
        Scenario::new(
            "batches cut short by the bound",
            Order::Lifo,
            25,
            &[SetMaxsize(40), PutMany(30), PutMany(30), GetMany(5), PutMany(30)],
        ),
    ]);
}

/// After a (non-immediate) shutdown, gets drain what the failing puts left.
#[test]
fn shutdown_keeps_the_items_for_gets() {
    assert_growth_fails_cleanly(&[
        Scenario::new(
            "LIFO shut down",
            Order::Lifo,
            0,
            &[Put(10), Shutdown { immediate: false }, Put(2), PutMany(3), GetMany(4)],
        ),
        Scenario::new(
            "overflowed FIFO shut down",
            Order::Fifo,
            4,
            &[
                Put(4),
                SetMaxsize(0),
                Put(10),
                Shutdown { immediate: false },
                Put(1),
                Get(3),
            ],
        ),
    ]);
}

/// A queue of each order holding items (a FIFO queue both in its ring and
/// in the store), then `then`.
fn queues_with_items(then: &[Step], end: End, fail_teardown: bool) -> [Scenario; 3] {
    let kinds = [
        ("FIFO ring and store", Order::Fifo),
        ("LIFO", Order::Lifo),
        ("priority", Order::Priority),
    ];
    kinds.map(|(name, order)| Scenario {
        end,
        fail_teardown,
        ..Scenario::new(name, order, 4, &[&[SetMaxsize(0), Put(12)], then].concat())
    })
}

/// An immediate shutdown (its own allocations spared) discards exactly the
/// items the failing puts left, in order.
#[test]
fn immediate_shutdown_discards_the_items_in_order() {
    let then = [Shutdown { immediate: true }, Put(1), GetMany(2)];
    assert_growth_fails_cleanly(&queues_with_items(&then, End::Drain, false));
}

/// A free (its own allocations spared) destroys exactly the items the
/// failing puts left, in order.
#[test]
fn free_destroys_the_items_left_in_order() {
    assert_growth_fails_cleanly(&queues_with_items(&[GetMany(2)], End::Free, false));
}

/// The C ABI cannot abort on an allocation failure: an immediate shutdown
/// and a free allocate nothing, and destroy every item. (They used to
/// collect the discarded items into a `Vec`, which aborted when it could
/// not grow.)
#[test]
fn immediate_shutdown_and_free_survive_allocation_failure() {
    let shutdown = queues_with_items(&[Shutdown { immediate: true }], End::Drain, true);
    let free = queues_with_items(&[], End::Free, true);
    for s in shutdown.iter().chain(&free) {
        each_failure(&format!("C ABI: {}", s.name), |context| run::<CApi>(s, context));
    }
}
