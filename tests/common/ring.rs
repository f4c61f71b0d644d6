//! The capacity of a FIFO queue's lock-free ring, for the tests that cross
//! from the ring into the locked store. It is a tuning detail of tq, not part
//! of its API; a unit test in `src/queue.rs` keeps this copy right.

/// How many items a FIFO queue holds in its ring before it overflows.
pub const RING_CAPACITY: usize = 1024;
