//! # tq — Python's `queue.Queue` for Rust and, through a stable C ABI, for C, C++, Go and Zig
//!
//! [`Queue<T>`] is a thread-safe blocking queue with the semantics of
//! CPython's `queue` module (3.13, including `shutdown`): bounded or
//! unbounded, blocking [`put`](Queue::put) / [`get`](Queue::get) with a
//! [`Timeout`], [`task_done`](Queue::task_done) / [`join`](Queue::join),
//! [`shutdown`](Queue::shutdown), and FIFO, LIFO or stable priority
//! [`Order`]. Errors hand a rejected item back.
//!
//! ```
//! use std::sync::Arc;
//! use tq::{Queue, Timeout};
//!
//! let q = Arc::new(Queue::new(2));
//! let consumer = {
//!     let q = Arc::clone(&q);
//!     std::thread::spawn(move || {
//!         let mut sum = 0;
//!         while let Ok(n) = q.get(Timeout::Forever) {
//!             sum += n;
//!             q.task_done().unwrap();
//!         }
//!         sum
//!     })
//! };
//! for n in 1..=5 {
//!     q.put(n, Timeout::Forever).unwrap();
//! }
//! q.join(Timeout::Forever).unwrap();
//! q.shutdown(false);
//! assert_eq!(consumer.join().unwrap(), 15);
//! ```
//!
//! The C ABI lives in [`ffi`]; its header is `include/tq.h`.

#[cfg(unix)]
mod descriptor;
mod error;
pub mod ffi;
mod fifo;
mod list;
mod queue;
mod ring;
mod store;
mod sync;
mod tasks;
mod timeout;
mod wait;
mod wakers;

pub use error::{GetError, JoinTimeout, PutError, TooManyDone};
pub use queue::{DEFAULT_PRIORITY, GetFuture, JoinFuture, Order, PutFuture, Queue, get_any};
pub use timeout::Timeout;

/// The README's Rust examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
