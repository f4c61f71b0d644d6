//! The unfinished-task count (Python's `unfinished_tasks`), kept off the put
//! path.
//!
//! Nothing is counted when an item is put into the lock-free ring: the ring's
//! claimed positions already say how many went in. The count is derived:
//! unfinished = puts - done, where puts = the ring's claimed positions + the
//! items put into the locked store (`stored`, raised under the queue's lock).
//! Only `task_done` (and `task_done_all`) and an immediate shutdown raise
//! `done`.
//!
//! The joiner protocol: `done` holds the tasks done times two, plus the
//! [`JOINER_WAITING`] flag. A joiner sets the flag, with the queue's lock
//! held, before it reads how many items were put; the `task_done` that
//! brings the count to zero reads that number before it clears the flag in
//! the same step that raises `done`. Either the joiner sees the count at
//! zero, or that `task_done` sees the flag and wakes it (taking the lock
//! first, which the joiner holds until it parks). `task_done_all` and an
//! immediate shutdown ([`Tasks::finish_at_most`]) leave the flag as it is and
//! always wake the joiners under the lock: a flag left set costs at most one
//! needless wake-up later.

use crate::error::TooManyDone;
use crate::sync::atomic::AtomicUsize;
use crate::sync::atomic::Ordering::SeqCst;

/// The flag bit of `Tasks::done`: a joiner is (about to be) parked.
const JOINER_WAITING: usize = 1;

/// One done task in `Tasks::done`.
const TASK: usize = 2;

/// How many times [`Tasks::unfinished`] reads the puts between two equal
/// reads of `done` before it settles for the last reads.
const UNFINISHED_TRIES: usize = 8;

/// The task count. `ring_puts` arguments are the ring's claimed positions
/// (0 for a queue without a ring), read afresh on every use: read after
/// `done`, the items ever put are at least the tasks done.
pub(crate) struct Tasks {
    /// Items put into the locked store.
    stored: AtomicUsize,
    /// Tasks done times [`TASK`], plus [`JOINER_WAITING`].
    done: AtomicUsize,
}

impl Tasks {
    pub(crate) fn new() -> Self {
        Tasks {
            stored: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
        }
    }

    /// Counts one item put into the locked store (with the queue's lock held).
    pub(crate) fn stored_one(&self) {
        self.stored.fetch_add(1, SeqCst);
    }

    fn puts(&self, ring_puts: &impl Fn() -> usize) -> usize {
        ring_puts() + self.stored.load(SeqCst)
    }

    /// Counts `n` more tasks done, if that many are unfinished; `Ok(true)`
    /// when this brought the count to zero with a joiner waiting (the caller
    /// takes the queue's lock and wakes the joiners).
    pub(crate) fn finish(&self, n: usize, ring_puts: impl Fn() -> usize) -> Result<bool, TooManyDone> {
        let mut reached_zero = false;
        let before = self
            .done
            .fetch_update(SeqCst, SeqCst, |d| {
                let done = d / TASK;
                let left = self.puts(&ring_puts).checked_sub(done)?.checked_sub(n)?;
                reached_zero = left == 0;
                // Reaching zero clears the flag: this call wakes the joiners.
                let flag = if reached_zero { 0 } else { d & JOINER_WAITING };
                Some((done + n) * TASK + flag)
            })
            .map_err(|_| TooManyDone)?;
        Ok(reached_zero && before & JOINER_WAITING != 0)
    }

    /// For a joiner, with the queue's lock held: sets the flag that makes the
    /// last `task_done` wake it, then says whether every task is done.
    pub(crate) fn register_joiner(&self, ring_puts: impl Fn() -> usize) -> bool {
        let done = self.done.fetch_or(JOINER_WAITING, SeqCst) / TASK;
        self.puts(&ring_puts) <= done
    }

    /// Counts up to `n` more tasks done, never beyond the items put, and
    /// returns how many it counted: the items an immediate shutdown discards,
    /// or (`n = usize::MAX`) every unfinished task. The caller wakes the
    /// joiners.
    pub(crate) fn finish_at_most(&self, n: usize, ring_puts: impl Fn() -> usize) -> usize {
        let mut counted = 0;
        let _ = self.done.fetch_update(SeqCst, SeqCst, |d| {
            let (before, puts) = (d / TASK, self.puts(&ring_puts));
            let done = before.saturating_add(n).min(puts);
            counted = done.saturating_sub(before);
            Some(done * TASK + (d & JOINER_WAITING))
        });
        counted
    }

    /// How many items put have not been marked done: the puts read between
    /// two reads of `done` that agree, so that the count is one it had at
    /// the moment of the puts (a `task_done` between a read of `done` and a
    /// later read of the puts made it one it never had: the linearizability
    /// check caught a count one too high). After [`UNFINISHED_TRIES`] tries
    /// in which tasks kept being done, the last reads.
    pub(crate) fn unfinished(&self, ring_puts: impl Fn() -> usize) -> usize {
        let mut done = self.done.load(SeqCst) / TASK;
        let mut puts = self.puts(&ring_puts);
        for _ in 1..UNFINISHED_TRIES {
            let again = self.done.load(SeqCst) / TASK;
            if again == done {
                break;
            }
            done = again;
            puts = self.puts(&ring_puts);
        }
        puts.saturating_sub(done)
    }
}

#[cfg(all(test, not(loom), not(shuttle)))]
mod tests {
    use super::*;

    const NO_RING: fn() -> usize = || 0;

    #[test]
    fn the_count_is_puts_minus_done() {
        let tasks = Tasks::new();
        tasks.stored_one();
        tasks.stored_one();
        assert_eq!(tasks.unfinished(|| 3), 5);
        assert_eq!(tasks.finish(4, || 3), Ok(false));
        assert_eq!(tasks.unfinished(|| 3), 1);
        assert_eq!(tasks.finish(2, || 3), Err(TooManyDone), "all or nothing");
        assert_eq!(tasks.unfinished(|| 3), 1);
        assert_eq!(tasks.finish(1, || 3), Ok(false), "zero, but no joiner to wake");
        assert_eq!(tasks.finish(1, || 3), Err(TooManyDone));
    }

    #[test]
    fn the_task_that_reaches_zero_wakes_a_registered_joiner_once() {
        let tasks = Tasks::new();
        tasks.stored_one();
        tasks.stored_one();
        assert!(!tasks.register_joiner(NO_RING), "two unfinished");
        assert_eq!(tasks.finish(1, NO_RING), Ok(false), "one left: no wake yet");
        assert_eq!(tasks.finish(1, NO_RING), Ok(true), "zero with a joiner: wake");
        tasks.stored_one();
        assert_eq!(tasks.finish(1, NO_RING), Ok(false), "the flag was cleared");
        assert!(tasks.register_joiner(NO_RING), "nothing unfinished");
    }

    #[test]
    fn a_task_done_while_the_puts_are_read_does_not_count_twice() {
        let tasks = Tasks::new();
        for _ in 0..3 {
            tasks.stored_one();
        }
        // Between the first read of `done` and the puts, one more item is
        // put (ring) and one task done: the count goes 3 -> 4 -> 3, never 4
        // plus the missed task.
        let ring = std::cell::Cell::new(0);
        let concurrent = || {
            if ring.get() == 0 {
                ring.set(1);
                assert_eq!(tasks.finish(1, || 1), Ok(false));
            }
            ring.get()
        };
        assert_eq!(tasks.unfinished(concurrent), 3);
    }

    #[test]
    fn finishing_at_most_n_never_goes_beyond_the_puts() {
        let tasks = Tasks::new();
        tasks.stored_one();
        assert_eq!(tasks.finish_at_most(5, NO_RING), 1, "one was unfinished");
        assert_eq!(tasks.unfinished(NO_RING), 0);
        tasks.stored_one();
        assert_eq!(tasks.unfinished(NO_RING), 1, "the cap kept later puts counted");
        assert_eq!(tasks.finish_at_most(usize::MAX, || 4), 5, "all of them, ring puts too");
        assert_eq!(tasks.unfinished(|| 4), 0);
        assert_eq!(tasks.finish_at_most(usize::MAX, || 4), 0);
    }
}
