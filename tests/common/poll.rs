//! Whether a descriptor polls readable now, for the tests of `get_fd` and
//! `put_fd` (shared by the model checkers' tests, which take it by `#[path]`).

/// Whether `fd` polls readable (`POLLIN`) now, without waiting.
pub fn readable(fd: std::os::fd::RawFd) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    let n = unsafe { libc::poll(&mut p, 1, 0) };
    assert!(n >= 0, "poll failed");
    n == 1 && p.revents & libc::POLLIN != 0
}
