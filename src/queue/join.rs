//! Task accounting calls: `task_done`, `task_done_all` and `join` (the count itself is
//! `crate::tasks`).

use super::{Queue, State};
use crate::error::{JoinTimeout, TooManyDone};
use crate::timeout::{Expiry, Timeout};
use crate::wait::{Spin, wait};

impl<T> Queue<T> {
    /// Marks one task done (Python's `task_done`). When the unfinished count
    /// reaches zero, every `join` returns. Fails, changing nothing, when the
    /// count is already zero.
    ///
    /// ```
    /// use tq::{Queue, Timeout, TooManyDone};
    ///
    /// let q = Queue::new(0);
    /// q.put("job", Timeout::NoWait).unwrap();
    /// let _job = q.get(Timeout::NoWait).unwrap();
    /// assert_eq!(q.task_done(), Ok(()));
    /// assert_eq!(q.task_done(), Err(TooManyDone), "one put, one task");
    /// ```
    pub fn task_done(&self) -> Result<(), TooManyDone> {
        self.task_done_n(1)
    }

    /// Marks `n` tasks done at once, all or nothing: `n` above the unfinished
    /// count fails and changes nothing; `n == 0` does nothing.
    pub fn task_done_n(&self, n: usize) -> Result<(), TooManyDone> {
        if n == 0 {
            return Ok(());
        }
        if self.tasks.finish(n, || self.ring_puts())? {
            self.wake_joiners();
        }
        Ok(())
    }

    /// Marks every unfinished task done at once and returns how many that
    /// was; every `join` returns. Not in Python: it is for an owner that
    /// gives up on the work (the Go binding's `Close` ends every `Join` with
    /// it, after an immediate shutdown).
    ///
    /// ```
    /// use tq::{Queue, Timeout};
    ///
    /// let q = Queue::new(0);
    /// q.put_many([1, 2, 3], Timeout::NoWait).unwrap();
    /// let _taken = q.get(Timeout::NoWait).unwrap();
    /// assert_eq!(q.task_done_all(), 3);
    /// assert_eq!(q.join(Timeout::NoWait), Ok(()));
    /// ```
    pub fn task_done_all(&self) -> usize {
        let n = self.tasks.finish_at_most(usize::MAX, || self.ring_puts());
        if n > 0 {
            self.wake_joiners();
        }
        n
    }

    /// Wakes the parked joiners. One that set the joiner flag did so with the
    /// lock held and keeps it until it parks: once we hold the lock, the
    /// notify reaches it.
    fn wake_joiners(&self) {
        drop(self.state.lock());
        self.waiting.joiners.notify_all();
    }

    /// Waits up to `timeout` until every put item has been marked done
    /// (Python's `join`, plus a timeout). As in Python, shutting down does not
    /// end a join by itself; an immediate shutdown counts the items it
    /// discards as done.
    ///
    /// ```
    /// use std::time::Duration;
    /// use tq::{JoinTimeout, Queue, Timeout};
    ///
    /// let q = Queue::new(0);
    /// q.put(1, Timeout::NoWait).unwrap();
    /// assert_eq!(q.join(Timeout::After(Duration::from_millis(5))), Err(JoinTimeout));
    /// q.get(Timeout::NoWait).unwrap();
    /// q.task_done().unwrap();
    /// assert_eq!(q.join(Timeout::Forever), Ok(()));
    /// ```
    pub fn join(&self, timeout: impl Into<Timeout>) -> Result<(), JoinTimeout> {
        if self.unfinished() > 0 {
            // `task_done` learns of joiners from the task count's flag.
            let all_done = |_: &mut State<T>| self.tasks.register_joiner(|| self.ring_puts()).then_some(());
            let never = || false;
            let (_s, done) = wait(
                &self.state,
                &self.waiting.joiners,
                &mut Expiry::new(timeout.into()),
                Spin::Until(never),
                all_done,
            );
            // What the wait saw decides: a put after it must not turn an
            // ended join into a timeout.
            return done.ok_or(JoinTimeout);
        }
        Ok(())
    }
}
