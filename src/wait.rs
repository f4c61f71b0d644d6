//! Waiting: how a blocked call spins, then parks, and how the other side
//! wakes it.
//!
//! A blocked call follows one sequence ([`wait`]): try with the lock held;
//! back off a few times with the lock released, trying again whenever a
//! look without the lock says it may now succeed ([`Backoff`]); then count
//! itself among the [`Waiters`] of its condition, try once more, and park
//! until notified or its deadline. The other side (a put for getters, a get
//! for putters, the last `task_done` for joiners) wakes a parked thread only
//! when the count says one is there, so a call that nobody waits for costs
//! one load.
//!
//! Async tasks and threads waiting on several queues wait as listed
//! wakers instead (`wakers`), counted among the same waiters: whatever
//! wakes one parked thread wakes one listed waker too, once the lock is
//! released ([`Waiters::wake_listed`]).
//!
//! Why no wake-up is lost: a waiter raises the count (sequentially
//! consistent) before its last try, and keeps the lock until it parks; the
//! other side changes the state before it reads the count, and takes the
//! lock before it notifies. Either the last try sees the change, or the
//! other side sees the count and its notify finds the waiter parked.

use std::task::Waker;

use crate::sync::atomic::AtomicUsize;
use crate::sync::atomic::Ordering::SeqCst;
use crate::sync::{Condvar, Mutex, MutexGuard, fence_for_model, spin_loop, yield_now};
use crate::timeout::{Deadline, Expiry};
use crate::wakers::{Unlisted, Wakers};
use std::sync::atomic::Ordering::Relaxed;

/// One waiter in [`Waiters::parked`].
const WAITER: usize = 2;
/// The bit of [`Waiters::parked`] below the waiters: the queue has descriptors.
const WATCHED: usize = 1;

/// The waiters of one condition (items there, room there, all tasks done):
/// parked threads and listed wakers, with the count that tells the other
/// side whether to wake one.
pub(crate) struct Waiters {
    cv: Condvar,
    wakers: Wakers,
    /// Threads parked here (or about to park with the lock held), plus
    /// wakers listed, each counted as [`WAITER`]; plus [`WATCHED`] once the
    /// queue has descriptors.
    parked: AtomicUsize,
    /// How long a waiter here spins before it yields.
    pub(crate) spinning: Spinning,
}

impl Waiters {
    pub(crate) fn new() -> Self {
        Waiters {
            cv: Condvar::new(),
            wakers: Wakers::new(),
            parked: AtomicUsize::new(0),
            spinning: Spinning::new(),
        }
    }

    /// Lists `waker` under `id` (or updates it), counted as a waiter. The
    /// caller holds the lock and tries its operation once more afterwards
    /// (see the module docs).
    pub(crate) fn list(&self, id: u64, waker: &Waker) {
        if self.wakers.list(id, waker) {
            self.parked.fetch_add(WAITER, SeqCst);
        }
    }

    /// Takes `id` off the list and says where it was: a waker that was
    /// woken (`Unlisted::Woken`) is no longer counted.
    pub(crate) fn unlist(&self, id: u64) -> Unlisted {
        let was = self.wakers.unlist(id);
        if was == Unlisted::Waiting {
            self.parked.fetch_sub(WAITER, SeqCst);
        }
        was
    }

    /// Takes `id` off the list, and if a wake-up reached it, hands that
    /// wake-up on to the next waiter (see `wakers`). The caller does not
    /// hold the lock.
    pub(crate) fn leave<S>(&self, id: u64, lock: &Mutex<S>) {
        if self.unlist(id) == Unlisted::Woken {
            self.notify_one(lock);
        }
    }

    /// Counts one more waiter that is not parked on the condition variable
    /// (a putter whose item waits in `State::pending`, a getter whose want
    /// waits in `State::wants`), under the lock.
    pub(crate) fn count_in(&self) {
        self.parked.fetch_add(WAITER, SeqCst);
    }

    /// Takes back one [`count_in`](Waiters::count_in), under the lock.
    pub(crate) fn count_out(&self) {
        self.parked.fetch_sub(WAITER, SeqCst);
    }

    /// Whether a waiter is counted: one load, for the other side to skip
    /// the lock when nobody waits.
    #[inline(always)]
    pub(crate) fn anyone(&self) -> bool {
        fence_for_model();
        self.parked.load(SeqCst) >= WAITER
    }

    /// Marks the condition watched by the queue's descriptors, for good
    /// (with the lock held, before the descriptors are first synced).
    pub(crate) fn watch(&self) {
        self.parked.fetch_or(WATCHED, SeqCst);
    }

    /// Whether a waiter is counted or descriptors watch: the one load and
    /// branch of a lock-free put (get) after it moved an item, for both
    /// things the other side may need to hear of.
    #[inline(always)]
    pub(crate) fn anyone_or_watched(&self) -> bool {
        fence_for_model();
        self.parked.load(SeqCst) != 0
    }

    /// Wakes one parked thread, if one is counted. The caller holds the
    /// lock, so a counted thread has parked already. Listed wakers are left
    /// to [`wake_listed`](Waiters::wake_listed), once the lock is released.
    pub(crate) fn notify_one_locked(&self) {
        if self.parked.load(SeqCst) >= WAITER {
            self.cv.notify_one();
        }
    }

    /// Wakes up to `n` listed wakers, oldest first, for a caller that
    /// changed the state under the lock and has released it since: a
    /// waker's `wake` may call back into the queue. (A waker listed before
    /// the change is still listed here, unless another wake-up took it;
    /// one listed after saw the change.)
    #[inline(always)]
    pub(crate) fn wake_listed(&self, n: usize) {
        if n > 0 && self.anyone() {
            self.wake_listed_slow(n);
        }
    }

    #[cold]
    #[inline(never)]
    fn wake_listed_slow(&self, n: usize) {
        for _ in 0..n {
            let Some(waker) = self.wakers.take_one() else { return };
            // Uncounted first: a waker that panics leaves the count right.
            self.parked.fetch_sub(WAITER, SeqCst);
            waker.wake();
        }
    }

    /// Wakes one parked thread and one listed waker, if one is counted,
    /// from a caller without the lock: taking it (only then) makes sure a
    /// counted thread has parked before the notify. Inline: with nobody
    /// waiting, one load and one branch.
    #[inline(always)]
    pub(crate) fn notify_one<S>(&self, lock: &Mutex<S>) {
        if self.anyone() {
            self.notify_one_slow(lock);
        }
    }

    #[cold]
    #[inline(never)]
    fn notify_one_slow<S>(&self, lock: &Mutex<S>) {
        drop(lock.lock());
        self.cv.notify_one();
        self.wake_listed(1);
    }

    /// Wakes every parked thread and listed waker. The caller has released
    /// the lock after changing the state the waiters look at.
    pub(crate) fn notify_all(&self) {
        self.cv.notify_all();
        let all = self.wakers.take_all();
        self.parked.fetch_sub(all.len() * WAITER, SeqCst);
        all.into_iter().for_each(Waker::wake);
    }
}

/// Counts a thread among [`Waiters`] for as long as it may park.
struct Parked<'a>(&'a AtomicUsize);

impl<'a> Parked<'a> {
    fn new(waiters: &'a Waiters) -> Self {
        waiters.parked.fetch_add(WAITER, SeqCst);
        Parked(&waiters.parked)
    }
}

impl Drop for Parked<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(WAITER, SeqCst);
    }
}

/// The most back-off steps of a blocked call that spin (see [`Spinning`]
/// for how many do); [`YIELD_STEPS`] more yield the CPU, then it parks.
#[cfg(not(any(loom, shuttle)))]
const MAX_SPINNING: u32 = 16;
/// Under loom a blocked call parks at once: backing off adds nothing to
/// model but states.
#[cfg(loom)]
const MAX_SPINNING: u32 = 0;
/// Under shuttle a few steps, so that the models take both the spin and the
/// park.
#[cfg(shuttle)]
const MAX_SPINNING: u32 = 2;

/// The back-off steps that yield the CPU, after the spinning ones.
#[cfg(not(any(loom, shuttle)))]
const YIELD_STEPS: u32 = 8;
#[cfg(any(loom, shuttle))]
const YIELD_STEPS: u32 = 0;

/// Every this many waits on a condition that spins no more, one spins
/// fully, to find out whether spinning pays again; each probe that does not
/// pay doubles the interval, up to [`PROBE_EVERY_MAX`].
/// With both threads on one CPU a probe is lost time: at a fixed 128 a
/// ping-pong there spent ~5% of its time in probes' spins (perf).
const PROBE_EVERY: u32 = 128;
const PROBE_EVERY_MAX: u32 = 4096;

/// The back-off steps that spin in [`backoff`]; later ones yield the CPU.
const SPINNING_STEPS: u32 = 16;

/// For this many spinning steps of a blocked call (about 60 pauses), it tries
/// again only when its look without the lock says to (see
/// [`Backoff::spin_phase`]); later steps try after each back-off.
const GATED_STEPS: u32 = 6;

/// How many back-off steps a blocked call spins before it yields, learnt
/// for each condition from how its recent waits ended. Spinning pays only
/// while the thread that will end the wait runs on another CPU; with both
/// on one CPU only a yield lets it run, and every spin is lost time (a
/// hand-off through one slot ran 15x slower than with a yield at once).
/// A wait that ended while spinning restores the full spin; one that had
/// to yield or park halves it, down to none (a wait its deadline cut short
/// teaches nothing). Now and then a wait on a condition that spins no more
/// spins fully (see [`PROBE_EVERY`]), and restores the spin if that pays.
/// Under the model checkers the spin stays fixed.
pub(crate) struct Spinning {
    steps: std::sync::atomic::AtomicU32,
    /// Waits that did not spin, counted for the probes.
    unspun: std::sync::atomic::AtomicU32,
    /// One wait in this many that do not spin probes.
    probe_every: std::sync::atomic::AtomicU32,
}

impl Spinning {
    pub(crate) fn new() -> Self {
        Spinning {
            steps: std::sync::atomic::AtomicU32::new(MAX_SPINNING),
            unspun: std::sync::atomic::AtomicU32::new(0),
            probe_every: std::sync::atomic::AtomicU32::new(PROBE_EVERY),
        }
    }

    /// How many steps a wait starting now spins, and whether it probes.
    fn limit(&self) -> (u32, bool) {
        let steps = self.steps.load(Relaxed);
        if steps > 0 || cfg!(any(loom, shuttle)) {
            return (steps, false);
        }
        if self.unspun.fetch_add(1, Relaxed) + 1 >= self.probe_every.load(Relaxed) {
            self.unspun.store(0, Relaxed);
            (MAX_SPINNING, true)
        } else {
            (0, false)
        }
    }

    /// Learns from a wait (a probe or not) that ended while spinning or not.
    fn learn(&self, probing: bool, ended_spinning: bool) {
        if cfg!(any(loom, shuttle)) {
            return;
        }
        if probing {
            let every = self.probe_every.load(Relaxed);
            let every = if ended_spinning {
                PROBE_EVERY
            } else {
                (every * 2).min(PROBE_EVERY_MAX)
            };
            self.probe_every.store(every, Relaxed);
        }
        let now = self.steps.load(Relaxed);
        let steps = match (ended_spinning, probing) {
            (true, _) => MAX_SPINNING,
            // A probe that did not pay leaves the spin at none.
            (false, true) => now,
            (false, false) => now / 2,
        };
        if steps != now {
            self.steps.store(steps, Relaxed);
        }
    }
}

/// One step of a back-off (also the ring's and the list's, while they wait
/// for a slot that another thread is filling or emptying): step `k` spins
/// `2^min(k, 6)` times for the first 16 steps (about 700 pauses in all),
/// then yields the CPU. Under a model checker a step is one spin, which hands the model's
/// scheduler to another thread.
pub(crate) fn backoff(step: u32) {
    let _ = backoff_until(step, || false);
}

/// [`backoff`], cut short as soon as `ready()` holds; returns whether it did.
pub(crate) fn backoff_until(step: u32, ready: impl Fn() -> bool) -> bool {
    let spins = if cfg!(any(loom, shuttle)) {
        1
    } else {
        1u32 << step.min(6)
    };
    if step < SPINNING_STEPS || cfg!(any(loom, shuttle)) {
        for _ in 0..spins {
            if ready() {
                return true;
            }
            spin_loop();
        }
    } else {
        yield_now();
    }
    false
}

/// The spin-then-yield policy of one blocked call, before it parks: a few
/// short back-offs (as many spinning as [`Spinning`] says, then
/// [`YIELD_STEPS`] yielding), each cut short when a look without the lock
/// says to try again, never past the call's deadline. Cheap when the other
/// side runs on another core: it is served without a trip through the kernel.
pub(crate) struct Backoff<'e> {
    step: u32,
    /// How many steps spin, and whether this wait probes (see [`Spinning`]).
    spinning: u32,
    probing: bool,
    policy: &'e Spinning,
    expiry: &'e mut Expiry,
}

impl<'e> Backoff<'e> {
    pub(crate) fn new(expiry: &'e mut Expiry, policy: &'e Spinning) -> Self {
        let (spinning, probing) = policy.limit();
        Backoff {
            step: 0,
            spinning,
            probing,
            policy,
            expiry,
        }
    }

    /// Tries `op` after each back-off until it succeeds: the spinning steps,
    /// then the yielding ones ([`spin_phase`](Backoff::spin_phase), then
    /// [`yield_phase`](Backoff::yield_phase)); `None` when the spin ends first.
    pub(crate) fn spin<R>(&mut self, ready: impl Fn() -> bool, mut op: impl FnMut() -> Option<R>) -> Option<R> {
        self.spin_phase(ready, &mut op).or_else(|| self.yield_phase(op))
    }

    /// The spinning steps: tries `op` after each (cut short when `ready()`
    /// holds) until it succeeds, which teaches the condition's [`Spinning`]
    /// that spinning served; `None` when they are over or the deadline passed.
    /// For the first [`GATED_STEPS`] steps `op` runs only once `ready()` held:
    /// a failed try looks at what the other side writes (the ring's exact
    /// full or empty test reads the other side's index, which that side's
    /// next claim must then take back: a hand-off through one slot between
    /// two CPUs ran four times as fast without those looks), while `ready()`
    /// looks only at the slot the other side hands over. Later steps try
    /// anyway: a look is only a hint, and one that wrongly says no costs
    /// only those steps.
    pub(crate) fn spin_phase<R>(&mut self, ready: impl Fn() -> bool, mut op: impl FnMut() -> Option<R>) -> Option<R> {
        while self.step < self.spinning && !self.expiry.passed() {
            let ready = backoff_until(self.step, &ready);
            self.step += 1;
            if !ready && self.step <= GATED_STEPS {
                continue;
            }
            if let Some(r) = op() {
                self.policy.learn(self.probing, true);
                return Some(r);
            }
        }
        None
    }

    /// The yielding steps, after the spinning ones: yields the CPU and tries
    /// `op`, [`YIELD_STEPS`] times at most; `None` when they are over or the
    /// deadline passed. Unless the deadline cut it short, the condition's
    /// [`Spinning`] learns that spinning did not serve.
    pub(crate) fn yield_phase<R>(&mut self, mut op: impl FnMut() -> Option<R>) -> Option<R> {
        while self.step < self.spinning + YIELD_STEPS && !self.expiry.passed() {
            yield_now();
            self.step += 1;
            if let Some(r) = op() {
                self.policy.learn(self.probing, false);
                return Some(r);
            }
        }
        if self.step == self.spinning + YIELD_STEPS {
            self.policy.learn(self.probing, false);
        }
        None
    }
}

/// Whether [`wait`] spins before it parks.
pub(crate) enum Spin<F> {
    /// Straight to parking after the first try (the caller has spun already).
    No,
    /// Back off first (see [`Backoff`]), trying again, with the lock, each
    /// time the look without the lock says it may now succeed.
    Until(F),
}

/// Runs `attempt` with `lock` held until it returns `Some`, for as long as
/// `expiry` allows: at once, then while spinning, then parked among
/// `waiters`. The deadline is fixed when waiting starts (unless the caller
/// fixed it already), so a call that completes at once never reads the
/// clock. Returns the lock and the outcome (`None`: the deadline passed).
#[inline(always)]
pub(crate) fn wait<'a, S, R>(
    lock: &'a Mutex<S>,
    waiters: &Waiters,
    expiry: &mut Expiry,
    spin: Spin<impl Fn() -> bool>,
    mut attempt: impl FnMut(&mut S) -> Option<R>,
) -> (MutexGuard<'a, S>, Option<R>) {
    let mut s = lock.lock();
    if let Some(r) = attempt(&mut s) {
        return (s, Some(r));
    }
    let until = match expiry.deadline() {
        Deadline::Now => return (s, None),
        Deadline::At(at) => Some(at),
        Deadline::Never => None,
    };
    if let Spin::Until(ready) = spin {
        drop(s);
        let locked_attempt = || {
            let mut s = lock.lock();
            attempt(&mut s).map(|r| (s, r))
        };
        if let Some((s, r)) = Backoff::new(expiry, &waiters.spinning).spin(ready, locked_attempt) {
            return (s, Some(r));
        }
        s = lock.lock();
    }
    // Counted before the last try (see the module docs).
    let _parked = Parked::new(waiters);
    loop {
        if let Some(r) = attempt(&mut s) {
            return (s, Some(r));
        }
        let notified = match until {
            None => {
                waiters.cv.wait(&mut s);
                true
            }
            Some(at) => waiters.cv.wait_until(&mut s, at),
        };
        if !notified {
            let r = attempt(&mut s);
            return (s, r);
        }
    }
}

#[cfg(all(test, not(loom), not(shuttle)))]
mod tests {
    use std::cell::Cell;
    use std::time::Duration;

    use super::*;
    use crate::Timeout;

    /// Suspicion from review: the spin before parking ignored the deadline,
    /// so a short timed wait could overrun by the spin's yields. A spin now
    /// stops as soon as the deadline has passed.
    #[test]
    fn spinning_stops_at_the_deadline() {
        let tries = Cell::new(0);
        let op = || {
            tries.set(tries.get() + 1);
            None::<()>
        };
        let mut expiry = Expiry::new(Timeout::After(Duration::from_millis(1)));
        expiry.deadline();
        std::thread::sleep(Duration::from_millis(5));
        let policy = Spinning::new();
        assert_eq!(Backoff::new(&mut expiry, &policy).spin(|| true, op), None);
        assert_eq!(tries.get(), 0, "no try after the deadline");
        let policy = Spinning::new();
        assert_eq!(
            Backoff::new(&mut Expiry::new(Timeout::Forever), &policy).spin(|| true, op),
            None
        );
        assert_eq!(
            tries.get(),
            MAX_SPINNING + YIELD_STEPS,
            "without a deadline the spin runs its course"
        );
    }

    /// A spin that does not serve halves down to none; every
    /// `PROBE_EVERY`th wait then spins fully, each probe that does not
    /// serve doubling the interval up to `PROBE_EVERY_MAX` and leaving the
    /// spin at none, and a probe that serves restores the spin and the
    /// interval.
    #[test]
    fn the_spin_halves_when_it_does_not_serve_and_a_probe_restores_it() {
        let policy = Spinning::new();
        let steps = || policy.steps.load(Relaxed);
        assert_eq!(steps(), MAX_SPINNING);
        for expected in [8, 4, 2, 1, 0] {
            let (_, probing) = policy.limit();
            assert!(!probing);
            policy.learn(probing, false);
            assert_eq!(steps(), expected);
        }
        // The waits up to each probe, which does not serve.
        let mut next_probe = || {
            (1..)
                .find(|_| {
                    let (limit, probing) = policy.limit();
                    assert_eq!(limit, if probing { MAX_SPINNING } else { 0 });
                    policy.learn(probing, false);
                    probing
                })
                .unwrap()
        };
        let gaps: Vec<u32> = std::iter::repeat_with(&mut next_probe).take(8).collect();
        assert_eq!(gaps, [128, 256, 512, 1024, 2048, 4096, 4096, 4096]);
        assert_eq!((PROBE_EVERY, PROBE_EVERY_MAX), (128, 4096));
        assert_eq!(steps(), 0, "a probe that did not serve leaves the spin at none");
        let (_, probing) = std::iter::repeat_with(|| policy.limit()).find(|&(_, p)| p).unwrap();
        policy.learn(probing, true);
        assert_eq!(steps(), MAX_SPINNING, "a probe that served restores the spin");
        assert_eq!(policy.probe_every.load(Relaxed), PROBE_EVERY, "and the interval");
    }

    /// A wait cut short by its deadline says nothing about spinning.
    #[test]
    fn a_spin_cut_short_by_the_deadline_leaves_the_spin_alone() {
        let policy = Spinning::new();
        let mut expiry = Expiry::new(Timeout::After(Duration::from_millis(1)));
        expiry.deadline();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(Backoff::new(&mut expiry, &policy).spin(|| true, || None::<()>), None);
        assert_eq!(policy.steps.load(Relaxed), MAX_SPINNING);
        let forever = &mut Expiry::new(Timeout::Forever);
        assert_eq!(Backoff::new(forever, &policy).spin(|| true, || None::<()>), None);
        assert_eq!(
            policy.steps.load(Relaxed),
            MAX_SPINNING / 2,
            "a spin that ran its course and failed"
        );
    }

    #[test]
    fn a_wait_that_succeeds_at_once_never_counts_itself_parked() {
        let lock = Mutex::new(3);
        let waiters = Waiters::new();
        let (s, r) = wait(
            &lock,
            &waiters,
            &mut Expiry::new(Timeout::Forever),
            Spin::Until(|| true),
            |n: &mut i32| {
                assert_eq!(waiters.parked.load(SeqCst), 0);
                Some(*n)
            },
        );
        assert_eq!((*s, r), (3, Some(3)));
    }

    /// The watched bit makes the lock-free side look, and is no waiter:
    /// counts come and go around it, and it stays.
    #[test]
    fn the_watched_bit_is_seen_by_the_one_look_and_counts_no_waiter() {
        let waiters = Waiters::new();
        assert!(!waiters.anyone_or_watched());
        waiters.watch();
        assert!(waiters.anyone_or_watched() && !waiters.anyone());
        waiters.count_in();
        assert!(waiters.anyone());
        waiters.count_out();
        assert!(waiters.anyone_or_watched() && !waiters.anyone());
        waiters.watch();
        assert_eq!(waiters.parked.load(SeqCst), WATCHED, "watching twice is watching");
    }

    #[test]
    fn a_timed_wait_that_never_succeeds_returns_none_at_its_deadline() {
        let lock = Mutex::new(());
        let waiters = Waiters::new();
        let started = std::time::Instant::now();
        let timeout = Timeout::After(Duration::from_millis(20));
        let (_s, r) = wait(
            &lock,
            &waiters,
            &mut Expiry::new(timeout),
            Spin::Until(|| false),
            |_| None::<()>,
        );
        assert_eq!(r, None);
        assert!(
            started.elapsed() >= Duration::from_millis(20),
            "never earlier than asked"
        );
        assert_eq!(waiters.parked.load(SeqCst), 0, "uncounted on the way out");
    }
}
