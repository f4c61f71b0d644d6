//! The queues' descriptors as the fuzzer sees them: the ones `tq_get_fd` /
//! `tq_put_fd` handed out, what `poll` says of them, and which descriptor
//! numbers are open.

use std::ffi::{c_int, c_short};
use std::io;

use libc::POLLIN;

/// A queue's descriptors, once handed out.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fds {
    /// From `tq_get_fd`.
    pub get: Option<c_int>,
    /// From `tq_put_fd`.
    pub put: Option<c_int>,
}

/// What `poll` (for `POLLIN`, no waiting) returns in `revents` for a queue's
/// (get, put) descriptors; `None` for one not handed out.
pub type Polls = (Option<c_short>, Option<c_short>);

impl Fds {
    /// Polls each descriptor handed out.
    pub fn poll(&self) -> Polls {
        (self.get.map(poll_in), self.put.map(poll_in))
    }

    /// What [`poll`](Fds::poll) should return when a get, a put would not
    /// block as given: `POLLIN` alone if so, else nothing.
    pub fn expected(&self, get_ready: bool, put_ready: bool) -> Polls {
        let revents = |ready| if ready { POLLIN } else { 0 };
        (
            self.get.map(|_| revents(get_ready)),
            self.put.map(|_| revents(put_ready)),
        )
    }

    /// The descriptors handed out.
    pub fn all(&self) -> impl Iterator<Item = c_int> {
        self.get.into_iter().chain(self.put)
    }
}

/// The `revents` of a `poll` of `fd` for `POLLIN` that does not wait.
fn poll_in(fd: c_int) -> c_short {
    let mut p = libc::pollfd {
        fd,
        events: POLLIN,
        revents: 0,
    };
    // SAFETY: one pollfd, readable and writable; no waiting.
    while unsafe { libc::poll(&mut p, 1, 0) } < 0 {
        let e = io::Error::last_os_error();
        assert_eq!(e.kind(), io::ErrorKind::Interrupted, "poll({fd}): {e}");
    }
    p.revents
}

/// Whether `fd` is an open descriptor.
pub fn is_open(fd: c_int) -> bool {
    // SAFETY: no pointers; an unknown number is EBADF.
    unsafe { libc::fcntl(fd, libc::F_GETFD) != -1 }
}

/// The number the next descriptor opened gets: the lowest one free.
pub fn next_free() -> c_int {
    // SAFETY: a static C string; the descriptor is closed at once.
    unsafe {
        let fd = libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
        assert!(fd >= 0, "open(/dev/null): {}", io::Error::last_os_error());
        libc::close(fd);
        fd
    }
}
