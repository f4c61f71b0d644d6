//! The operating-system object behind `tq_get_fd` / `tq_put_fd`: a
//! descriptor that polls readable while it is *raised*. On Linux an eventfd
//! (raised: its counter is 1); elsewhere a pipe (raised: one byte is in it,
//! the read end is the one handed out). Non-blocking and close-on-exec;
//! closed on drop. When to raise and lower it is `queue::events`' business.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, FromRawFd, OwnedFd};

/// A pollable flag. Raising a raised one, or lowering a lowered one, is
/// harmless but costs a system call: the caller tracks the state.
pub(crate) struct Descriptor {
    /// The end that event loops poll.
    read: OwnedFd,
    /// Where raising writes (a pipe's write end); `None` for an eventfd.
    write: Option<OwnedFd>,
}

impl Descriptor {
    /// A lowered descriptor, or the system's reason for refusing one.
    #[cfg(target_os = "linux")]
    pub(crate) fn new() -> io::Result<Self> {
        // SAFETY: eventfd takes no pointers.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a fresh descriptor that nothing else owns.
        let read = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(Descriptor { read, write: None })
    }

    /// A lowered descriptor, or the system's reason for refusing one.
    #[cfg(not(target_os = "linux"))]
    pub(crate) fn new() -> io::Result<Self> {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe writes.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: two fresh descriptors that nothing else owns.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        for fd in [&read, &write] {
            set_flags(fd)?;
        }
        Ok(Descriptor {
            read,
            write: Some(write),
        })
    }

    /// The descriptor to poll.
    pub(crate) fn fd(&self) -> BorrowedFd<'_> {
        self.read.as_fd()
    }

    /// Makes it poll readable.
    pub(crate) fn raise(&self) {
        let one: u64 = 1;
        let (fd, len) = match &self.write {
            Some(w) => (w.as_fd(), 1),
            None => (self.read.as_fd(), size_of::<u64>()),
        };
        // A full pipe or counter is raised already: nothing to do then.
        retry_interrupted(|| {
            // SAFETY: `one` is readable for `len <= 8` bytes.
            unsafe { libc::write(raw(fd), (&raw const one).cast(), len) }
        });
    }

    /// Makes it poll not readable.
    pub(crate) fn lower(&self) {
        let mut sink = [0u8; 64];
        // An eventfd resets to zero in one read; a pipe is read until it is
        // empty (`EAGAIN`), however many raises filled it.
        loop {
            // SAFETY: `sink` is writable for its length.
            let n = unsafe { libc::read(raw(self.read.as_fd()), sink.as_mut_ptr().cast(), sink.len()) };
            if n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                continue;
            }
            if n <= 0 || self.write.is_none() {
                return;
            }
        }
    }
}

fn raw(fd: BorrowedFd<'_>) -> libc::c_int {
    use std::os::fd::AsRawFd;
    fd.as_raw_fd()
}

/// Runs a read or write again while a signal interrupts it.
fn retry_interrupted(mut call: impl FnMut() -> isize) {
    while call() < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {}
}

/// Non-blocking and close-on-exec, as eventfd's flags make an eventfd.
#[cfg(not(target_os = "linux"))]
fn set_flags(fd: &OwnedFd) -> io::Result<()> {
    let fd = raw(fd.as_fd());
    // SAFETY: fcntl on a descriptor we own, with integer arguments.
    unsafe {
        let fl = libc::fcntl(fd, libc::F_GETFL);
        if fl < 0 || libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK) < 0 {
            return Err(io::Error::last_os_error());
        }
        let fdfl = libc::fcntl(fd, libc::F_GETFD);
        if fdfl < 0 || libc::fcntl(fd, libc::F_SETFD, fdfl | libc::FD_CLOEXEC) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Whether `fd` polls readable now.
#[cfg(test)]
pub(crate) fn is_readable(fd: BorrowedFd<'_>) -> bool {
    let mut p = libc::pollfd {
        fd: raw(fd),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    let n = unsafe { libc::poll(&mut p, 1, 0) };
    n == 1 && p.revents & libc::POLLIN != 0
}

#[cfg(all(test, not(loom), not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore = "Miri cannot call poll(2)")]
    fn raising_and_lowering_flip_readability() {
        let d = Descriptor::new().unwrap();
        assert!(!is_readable(d.fd()), "made lowered");
        for _ in 0..100 {
            d.raise();
        }
        assert!(is_readable(d.fd()));
        d.lower();
        assert!(!is_readable(d.fd()), "one lower undoes any number of raises");
        d.lower();
        assert!(!is_readable(d.fd()));
    }
}
