//! `tq_status`: the result of every call that can fail.

use std::ffi::{CStr, c_char, c_int};

use crate::{GetError, JoinTimeout, PutError, TooManyDone};

/// The result of a call. The numbers are part of the ABI and never reused.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum tq_status {
    /// Success.
    TQ_OK = 0,
    /// put: no room before the timeout (Python's `queue.Full`).
    TQ_FULL = 1,
    /// get: no item before the timeout (Python's `queue.Empty`).
    TQ_EMPTY = 2,
    /// The queue is shut down (Python's `queue.ShutDown`).
    TQ_SHUTDOWN = 3,
    /// join: tasks still unfinished at the timeout.
    TQ_TIMEOUT = 4,
    /// NULL handle or out-pointer, or a bad argument; nothing was changed.
    TQ_INVALID = 5,
    /// task_done more often than items were put (Python's `ValueError`); nothing was changed.
    TQ_TOO_MANY_DONE = 6,
    /// Allocation failed; nothing was changed.
    TQ_NOMEM = 7,
    /// A bug was caught at the boundary (a Rust panic); never a crash.
    TQ_INTERNAL = 8,
    /// An operating-system call failed (e.g. no descriptor could be made);
    /// nothing was changed.
    TQ_SYSTEM = 9,
}

/// A `tq_status` read as the plain integer C passes, so that an out-of-range
/// value is never undefined behaviour. cbindgen prints it as `tq_status`.
pub type tq_status_value = c_int;

impl<T> From<PutError<T>> for tq_status {
    fn from(e: PutError<T>) -> Self {
        match e {
            PutError::Full(_) => tq_status::TQ_FULL,
            PutError::ShutDown(_) => tq_status::TQ_SHUTDOWN,
            PutError::NotPriority(_) => tq_status::TQ_INVALID,
            PutError::NoMemory(_) => tq_status::TQ_NOMEM,
        }
    }
}

impl From<GetError> for tq_status {
    fn from(e: GetError) -> Self {
        match e {
            GetError::Empty => tq_status::TQ_EMPTY,
            GetError::ShutDown => tq_status::TQ_SHUTDOWN,
        }
    }
}

impl From<TooManyDone> for tq_status {
    fn from(_: TooManyDone) -> Self {
        tq_status::TQ_TOO_MANY_DONE
    }
}

impl From<JoinTimeout> for tq_status {
    fn from(_: JoinTimeout) -> Self {
        tq_status::TQ_TIMEOUT
    }
}

/// `TQ_OK` for `Ok`, the error's status otherwise.
pub(crate) fn status_of<T, E: Into<tq_status>>(result: Result<T, E>) -> tq_status {
    match result {
        Ok(_) => tq_status::TQ_OK,
        Err(e) => e.into(),
    }
}

/// A static, human-readable description of `s` (never NULL); an unknown value
/// gives `"unknown status"`.
#[unsafe(no_mangle)]
pub extern "C" fn tq_status_str(s: tq_status_value) -> *const c_char {
    let text: &'static CStr = match s {
        0 => c"ok",
        1 => c"queue full",
        2 => c"queue empty",
        3 => c"queue shut down",
        4 => c"timed out with tasks unfinished",
        5 => c"invalid argument",
        6 => c"task_done called too many times",
        7 => c"out of memory",
        8 => c"internal error",
        9 => c"system call failed",
        _ => c"unknown status",
    };
    text.as_ptr()
}
