//! The locking primitives the core is built on, behind one small facade
//! (the policy built on them, how long to spin, is `wait`'s).
//!
//! Normal builds use `parking_lot` (no poisoning, no spurious wake-ups visible
//! to callers, cheap notify when nobody waits). Under `--cfg loom` the same
//! names map onto loom's model-checked types, so `tests/loom.rs` explores every
//! interleaving of the real queue code. Under `--cfg shuttle` they map onto
//! shuttle's, so `tests/shuttle.rs` runs the real queue and the real
//! lock-free ring (which loom only sees as atomic steps) under shuttle's
//! randomized schedulers.

#[cfg(all(loom, shuttle))]
compile_error!("`--cfg loom` and `--cfg shuttle` are exclusive");

#[cfg(not(any(loom, shuttle)))]
mod imp {
    use std::time::Instant;

    pub(crate) use parking_lot::{Mutex, MutexGuard};

    pub(crate) use std::hint::spin_loop;
    pub(crate) use std::thread::yield_now;

    /// A no-op: see the loom version. In real builds the sequentially
    /// consistent accesses on both sides already order what it orders.
    #[inline(always)]
    pub(crate) fn fence_for_model() {}

    /// A condition variable paired with [`Mutex`].
    #[derive(Debug, Default)]
    pub(crate) struct Condvar(parking_lot::Condvar);

    impl Condvar {
        pub(crate) fn new() -> Self {
            Self(parking_lot::Condvar::new())
        }

        /// Blocks until notified.
        pub(crate) fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
            self.0.wait(guard);
        }

        /// Blocks until notified or `deadline`; `false` means the deadline passed.
        pub(crate) fn wait_until<T>(&self, guard: &mut MutexGuard<'_, T>, deadline: Instant) -> bool {
            !self.0.wait_until(guard, deadline).timed_out()
        }

        pub(crate) fn notify_one(&self) {
            self.0.notify_one();
        }

        pub(crate) fn notify_all(&self) {
            self.0.notify_all();
        }
    }
}

/// The primitives under loom.
#[cfg(loom)]
mod imp {
    /// A spin under loom must let the other model threads run.
    pub(crate) use loom::thread::yield_now as spin_loop;
    pub(crate) use loom::thread::yield_now;

    /// loom models sequentially consistent accesses as acquire/release only
    /// (fences are exact), so the wake-up handshake needs this fence to be
    /// modelled faithfully; real builds get the same order from the
    /// `SeqCst` accesses themselves.
    pub(crate) fn fence_for_model() {
        loom::sync::atomic::fence(loom::sync::atomic::Ordering::SeqCst);
    }

    pub(crate) use super::model::{Condvar, Mutex, MutexGuard};
}

/// The primitives under shuttle.
#[cfg(shuttle)]
mod imp {
    /// A spin hands the CPU to shuttle's scheduler (which lowers the
    /// spinner's priority), so that the thread it waits for runs: an
    /// unbounded spin would never end under a model.
    pub(crate) use shuttle::hint::spin_loop;
    pub(crate) use shuttle::thread::yield_now;

    /// A no-op: shuttle runs every atomic access as sequentially consistent.
    pub(crate) fn fence_for_model() {}

    pub(crate) use super::model::{Condvar, Mutex, MutexGuard};
}

/// The cell outside loom (shuttle runs its threads one at a time on one OS
/// thread: it has no model cell to check accesses with).
#[cfg(not(loom))]
mod cell {
    /// `std`'s `UnsafeCell` with loom's closure-based API.
    #[derive(Debug)]
    pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        pub(crate) fn new(value: T) -> Self {
            Self(std::cell::UnsafeCell::new(value))
        }

        /// Runs `f` on a raw pointer to the value.
        #[inline(always)]
        pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }
    }
}

/// The model checker's mutex and condition variable (loom's or shuttle's:
/// their APIs agree) with parking_lot's signatures.
#[cfg(any(loom, shuttle))]
mod model {
    use std::ops::{Deref, DerefMut};
    use std::time::Instant;

    #[cfg(loom)]
    use loom as rt;
    #[cfg(shuttle)]
    use shuttle as rt;

    /// The model's mutex with parking_lot's signature (no poisoning).
    #[derive(Debug)]
    pub(crate) struct Mutex<T>(rt::sync::Mutex<T>);

    /// A guard that a [`Condvar`] can take and give back while it waits.
    pub(crate) struct MutexGuard<'a, T>(Option<rt::sync::MutexGuard<'a, T>>);

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Self {
            Self(rt::sync::Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            MutexGuard(Some(self.0.lock().unwrap()))
        }
    }

    impl<T> Deref for MutexGuard<'_, T> {
        type Target = T;
        fn deref(&self) -> &T {
            self.0.as_ref().unwrap()
        }
    }

    impl<T> DerefMut for MutexGuard<'_, T> {
        fn deref_mut(&mut self) -> &mut T {
            self.0.as_mut().unwrap()
        }
    }

    /// The model's condition variable with parking_lot's signature.
    #[derive(Debug)]
    pub(crate) struct Condvar(rt::sync::Condvar);

    impl Condvar {
        pub(crate) fn new() -> Self {
            Self(rt::sync::Condvar::new())
        }

        pub(crate) fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
            let inner = guard.0.take().unwrap();
            guard.0 = Some(self.0.wait(inner).unwrap());
        }

        /// Neither model has a clock: their `wait_timeout` never times out
        /// (loom 0.7, shuttle 0.9), so a timed wait is an untimed one that
        /// reports "notified". The models use `Timeout::Forever` and
        /// `Timeout::NoWait`; timeouts are covered by the ordinary tests.
        pub(crate) fn wait_until<T>(&self, guard: &mut MutexGuard<'_, T>, deadline: Instant) -> bool {
            let inner = guard.0.take().unwrap();
            let left = deadline.saturating_duration_since(Instant::now());
            let (inner, waited) = self.0.wait_timeout(inner, left).unwrap();
            guard.0 = Some(inner);
            !waited.timed_out()
        }

        pub(crate) fn notify_one(&self) {
            self.0.notify_one();
        }

        pub(crate) fn notify_all(&self) {
            self.0.notify_all();
        }
    }
}

/// Keeps a value on cache lines of its own (128 bytes: adjacent-line
/// prefetch pairs 64-byte lines), so that threads writing it do not slow
/// down threads using its neighbours.
#[repr(align(128))]
pub(crate) struct Padded<T>(pub(crate) T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

#[cfg(not(any(loom, shuttle)))]
pub(crate) use std::sync::atomic;

#[cfg(loom)]
pub(crate) use loom::sync::atomic;

#[cfg(shuttle)]
pub(crate) use shuttle::sync::atomic;

#[cfg(not(loom))]
pub(crate) use cell::UnsafeCell;
#[cfg(loom)]
pub(crate) use loom::cell::UnsafeCell;

pub(crate) use imp::{Condvar, Mutex, MutexGuard, fence_for_model, spin_loop, yield_now};
