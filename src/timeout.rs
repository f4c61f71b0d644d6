//! How long a blocking call may wait.

use std::time::{Duration, Instant};

/// How long a blocking call (`put`, `get`, `join`, ...) may wait.
///
/// Python's `block=False` is [`Timeout::NoWait`], `timeout=t` is
/// [`Timeout::After`], and `block=True, timeout=None` is [`Timeout::Forever`].
/// Every call that takes a timeout takes `impl Into<Timeout>`: a plain
/// `Duration` is `After` it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timeout {
    /// Never block: fail at once if the call cannot complete.
    NoWait,
    /// Block for at most this long (measured on a monotonic clock).
    After(Duration),
    /// Block until the call can complete (or the queue shuts down).
    Forever,
}

impl Timeout {
    /// Fixes the moment the wait ends; computed once per call so that
    /// spurious or stolen wake-ups never extend it. A deadline too far away
    /// to represent is "forever".
    pub(crate) fn deadline(self) -> Deadline {
        match self {
            Timeout::NoWait => Deadline::Now,
            Timeout::Forever => Deadline::Never,
            Timeout::After(d) => match Instant::now().checked_add(d) {
                Some(at) => Deadline::At(at),
                None => Deadline::Never,
            },
        }
    }
}

impl From<Duration> for Timeout {
    fn from(d: Duration) -> Self {
        Timeout::After(d)
    }
}

/// The absolute end of a wait.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Deadline {
    Now,
    At(Instant),
    Never,
}

/// A call's timeout, whose deadline is fixed the first time it is needed:
/// a call that completes at once never reads the clock, and one that spins
/// and then parks waits for the same deadline throughout.
#[derive(Debug)]
pub(crate) struct Expiry {
    timeout: Timeout,
    deadline: Option<Deadline>,
}

impl Expiry {
    pub(crate) fn new(timeout: Timeout) -> Self {
        Expiry {
            timeout,
            deadline: None,
        }
    }

    /// The deadline, fixed on the first call.
    pub(crate) fn deadline(&mut self) -> Deadline {
        *self.deadline.get_or_insert_with(|| self.timeout.deadline())
    }

    /// Whether the deadline has passed (reads the clock only for a timed wait).
    pub(crate) fn passed(&mut self) -> bool {
        match self.deadline() {
            Deadline::Now => true,
            Deadline::At(at) => Instant::now() >= at,
            Deadline::Never => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expiry_fixes_its_deadline_once() {
        let mut expiry = Expiry::new(Timeout::After(Duration::from_millis(5)));
        let Deadline::At(first) = expiry.deadline() else {
            panic!("a timed wait has a deadline")
        };
        std::thread::sleep(Duration::from_millis(10));
        assert!(matches!(expiry.deadline(), Deadline::At(at) if at == first));
        assert!(expiry.passed());
        assert!(Expiry::new(Timeout::NoWait).passed());
        assert!(!Expiry::new(Timeout::Forever).passed());
    }

    #[test]
    fn deadlines_follow_the_timeout() {
        assert!(matches!(Timeout::After(Duration::MAX).deadline(), Deadline::Never));
        assert!(matches!(Timeout::NoWait.deadline(), Deadline::Now));
    }
}
