//! The errors of the queue's operations; a rejected item is handed back.

use std::fmt;

/// Why a `put` failed. The item that was not queued is handed back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PutError<T> {
    /// The queue stayed full until the timeout (Python's `queue.Full`).
    Full(T),
    /// The queue is shut down (Python's `queue.ShutDown`).
    ShutDown(T),
    /// A priority was given to a queue whose order is not [`Order::Priority`](crate::Order::Priority).
    NotPriority(T),
    /// Memory for the item could not be allocated; the queue is unchanged.
    NoMemory(T),
}

impl<T> PutError<T> {
    /// The item that was not queued.
    pub fn into_inner(self) -> T {
        match self {
            PutError::Full(t) | PutError::ShutDown(t) | PutError::NotPriority(t) | PutError::NoMemory(t) => t,
        }
    }

    /// The same error with the item replaced by `f(item)`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> PutError<U> {
        match self {
            PutError::Full(t) => PutError::Full(f(t)),
            PutError::ShutDown(t) => PutError::ShutDown(f(t)),
            PutError::NotPriority(t) => PutError::NotPriority(f(t)),
            PutError::NoMemory(t) => PutError::NoMemory(f(t)),
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            PutError::Full(_) => "queue full",
            PutError::ShutDown(_) => "queue shut down",
            PutError::NotPriority(_) => "priority given to a queue that is not a priority queue",
            PutError::NoMemory(_) => "out of memory",
        }
    }
}

impl<T> fmt::Debug for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            PutError::Full(_) => "Full",
            PutError::ShutDown(_) => "ShutDown",
            PutError::NotPriority(_) => "NotPriority",
            PutError::NoMemory(_) => "NoMemory",
        };
        write!(f, "{name}(..)")
    }
}

impl<T> fmt::Display for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

impl<T> std::error::Error for PutError<T> {}

/// Why a `get` failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GetError {
    /// The queue stayed empty until the timeout (Python's `queue.Empty`).
    Empty,
    /// The queue is shut down and has nothing left to hand out (Python's `queue.ShutDown`).
    ShutDown,
}

impl fmt::Display for GetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GetError::Empty => "queue empty",
            GetError::ShutDown => "queue shut down",
        })
    }
}

impl std::error::Error for GetError {}

/// `task_done` was called more often than items were put (Python's `ValueError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TooManyDone;

impl fmt::Display for TooManyDone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done() called too many times")
    }
}

impl std::error::Error for TooManyDone {}

/// `join` gave up: tasks were still unfinished at the timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct JoinTimeout;

impl fmt::Display for JoinTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tasks still unfinished at the timeout")
    }
}

impl std::error::Error for JoinTimeout {}
