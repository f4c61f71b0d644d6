//! The queue's pollable descriptors (`get_fd`, `put_fd`): when each is
//! raised and lowered.
//!
//! The get descriptor is readable exactly while a get would not block (an
//! item is queued, or the queue is shut down), the put descriptor while a
//! put would not (room, or shut down). A queue that never made one keeps a
//! null pointer and pays nothing for the feature: a lock-free put (get)
//! looks at the getters' (putters') waiter count anyway, and making the
//! descriptors sets a bit in both counts (`Waiters::watch`). With one,
//! items still go through the lock-free
//! ring; an operation takes the lock to [`sync`](Queue::sync_signals) only
//! when its cheap look says a descriptor may have to flip, and the system
//! call happens only when it does flip, never once per item.
//!
//! Why no flip is missed: each signal's `shown` (what its descriptor shows)
//! is written only under the lock, by `sync_signals`, which stores it before
//! it looks at the queue once more. A lock-free put changes the ring (a
//! sequentially consistent compare-and-swap) before it reads `shown`: either
//! that last look sees the new item, or the put sees `shown` lowered and
//! syncs itself (and likewise a get that may have emptied the ring, and the
//! put and get sides of the put descriptor). A descriptor left raised
//! after a race (say, by two consumers emptying the ring at once) is
//! lowered by the next get that finds nothing, which is how event loops
//! drain it: get without waiting until empty. A get that finds nothing
//! while an item has come meanwhile leaves it raised, and raises it once
//! more (see [`signal_missed`](Queue::signal_missed)): after a failed get,
//! the descriptor is lowered or has a fresh edge, so edge-triggered loops
//! lose nothing either.

use std::io;
use std::os::fd::BorrowedFd;
use std::ptr;
use std::sync::OnceLock;

use super::{Queue, State};
use crate::descriptor::Descriptor;
use crate::sync::atomic::Ordering::SeqCst;
use crate::sync::atomic::{AtomicPtr, AtomicU8};
use crate::sync::fence_for_model;

/// `Signal::shown`: no descriptor was made.
const NONE: u8 = 0;
/// `Signal::shown`: the descriptor is lowered.
const LOWERED: u8 = 1;
/// `Signal::shown`: the descriptor is raised.
const RAISED: u8 = 2;

/// A queue's descriptors, made on first request and freed with the queue.
pub(super) struct Events(AtomicPtr<Signals>);

/// The two descriptors. Made together on the first request for either; each
/// descriptor is made on its own first request.
struct Signals {
    get: Signal,
    put: Signal,
}

/// One descriptor and what it shows.
struct Signal {
    /// Made under the queue's lock.
    fd: OnceLock<Descriptor>,
    /// [`NONE`], [`LOWERED`] or [`RAISED`]; written under the queue's lock.
    shown: AtomicU8,
}

impl Signal {
    fn new() -> Self {
        Signal {
            fd: OnceLock::new(),
            shown: AtomicU8::new(NONE),
        }
    }

    fn shows(&self, state: u8) -> bool {
        self.shown.load(SeqCst) == state
    }

    /// Raises or lowers the descriptor (if one was made) to show `ready`;
    /// with the lock held.
    fn show(&self, ready: bool) {
        let Some(fd) = self.fd.get() else { return };
        let want = if ready { RAISED } else { LOWERED };
        if self.shown.load(SeqCst) != want {
            if ready {
                fd.raise()
            } else {
                fd.lower()
            }
            self.shown.store(want, SeqCst);
        }
    }
}

impl Events {
    pub(super) fn new() -> Self {
        Events(AtomicPtr::new(ptr::null_mut()))
    }

    /// The descriptors, if any was made: the one branch a queue without
    /// them pays.
    #[inline]
    fn get(&self) -> Option<&Signals> {
        // SAFETY: non-null only once `make` stored a leaked box, freed only
        // by `drop`, which `&self` rules out.
        unsafe { self.0.load(SeqCst).as_ref() }
    }

    /// The descriptors, made now if need be (with the queue's lock held).
    fn make(&self) -> &Signals {
        if self.get().is_none() {
            let signals = Box::new(Signals {
                get: Signal::new(),
                put: Signal::new(),
            });
            self.0.store(Box::into_raw(signals), SeqCst);
        }
        self.get().expect("stored above")
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        let p = self.0.load(SeqCst);
        if !p.is_null() {
            // SAFETY: `make` leaked this box, and the queue is going away.
            drop(unsafe { Box::from_raw(p) });
        }
    }
}

impl<T> Queue<T> {
    /// A descriptor that polls readable exactly while a get would not block:
    /// an item is queued, or the queue is shut down. Made on the first call
    /// (later calls return the same one), owned by the queue and closed when
    /// it is dropped: poll it, never read, write or close it. A readable
    /// descriptor can still be raced by another consumer, so get with
    /// [`Timeout::NoWait`](crate::Timeout::NoWait) until `Empty`.
    ///
    /// ```
    /// use tq::{Queue, Timeout};
    ///
    /// let q = Queue::new(0);
    /// let fd = q.get_fd().unwrap();
    /// q.put(1, Timeout::NoWait).unwrap(); // fd now polls readable
    /// # let _ = fd;
    /// ```
    pub fn get_fd(&self) -> io::Result<BorrowedFd<'_>> {
        self.make_fd(|signals| &signals.get)
    }

    /// A descriptor that polls readable exactly while a put would not block:
    /// there is room, or the queue is shut down. As [`get_fd`](Queue::get_fd)
    /// otherwise.
    pub fn put_fd(&self) -> io::Result<BorrowedFd<'_>> {
        self.make_fd(|signals| &signals.put)
    }

    fn make_fd(&self, which: impl Fn(&Signals) -> &Signal) -> io::Result<BorrowedFd<'_>> {
        let s = self.state.lock();
        let signal = which(self.events.make());
        if signal.fd.get().is_none() {
            let fd = Descriptor::new()?;
            let _ = signal.fd.set(fd);
            signal.shown.store(LOWERED, SeqCst);
        }
        // Before the sync: from now on a lock-free put or get that missed
        // the bit moved its item before the sync's look at the queue.
        self.waiting.getters.watch();
        self.waiting.putters.watch();
        self.sync_signals(&s);
        Ok(signal.fd.get().expect("made above").fd())
    }

    /// Brings both descriptors up to date with the queue, the lock held.
    /// Each is looked at again after its `shown` is stored (see the module
    /// docs), until a look agrees with what it shows.
    #[inline(always)]
    pub(super) fn sync_signals(&self, s: &State<T>) {
        if let Some(signals) = self.events.get() {
            self.sync_signals_made(s, signals);
        }
    }

    #[cold]
    #[inline(never)]
    fn sync_signals_made(&self, s: &State<T>, signals: &Signals) {
        // What a get and a put would do, from one count of the items.
        let ready = || {
            let queued = self.queued(s);
            let get = s.shutdown || queued > 0;
            (get, s.shutdown || s.maxsize == 0 || queued < s.maxsize)
        };
        let mut now = ready();
        loop {
            signals.get.show(now.0);
            signals.put.show(now.1);
            fence_for_model();
            let again = ready();
            if again == now {
                return;
            }
            now = again;
        }
    }

    /// After a get (a put) that found nothing to do and fails with `Empty`
    /// (`Full`), the lock held and the descriptors synced: if the get (put)
    /// descriptor is readable anyway, what the call missed came before it
    /// could lower the descriptor, and no flip will announce it. Raising it
    /// once more gives edge-triggered waiters (`EPOLLET`, Go's netpoller,
    /// tokio's `AsyncFd`), which saw the call fail, a fresh edge.
    pub(super) fn signal_missed(&self, put: bool) {
        let Some(signals) = self.events.get() else { return };
        let signal = if put { &signals.put } else { &signals.get };
        if signal.shows(RAISED)
            && let Some(fd) = signal.fd.get()
        {
            fd.raise();
        }
    }

    /// After an item went into the ring without the lock: syncs if the get
    /// descriptor is lowered, or if the put descriptor is raised and the
    /// ring may be full. Reached only once the getters' count says the
    /// queue is watched (or a getter waits): see `Queue::put_into_ring`.
    #[inline(always)]
    pub(super) fn signal_after_ring_put(&self) {
        if let Some(signals) = self.events.get() {
            self.sync_after_ring_put(signals);
        }
    }

    #[cold]
    #[inline(never)]
    fn sync_after_ring_put(&self, signals: &Signals) {
        fence_for_model();
        let ring_full = || self.fifo.as_ref().is_some_and(|r| !r.may_claim());
        if signals.get.shows(LOWERED) || (signals.put.shows(RAISED) && ring_full()) {
            self.sync_signals(&self.state.lock());
        }
    }

    /// After an item left the ring without the lock: syncs if the put
    /// descriptor is lowered, or if the get descriptor is raised and the
    /// ring may be empty. Reached as `signal_after_ring_put` is.
    #[inline(always)]
    pub(super) fn signal_after_ring_get(&self) {
        if let Some(signals) = self.events.get() {
            self.sync_after_ring_get(signals);
        }
    }

    #[cold]
    #[inline(never)]
    fn sync_after_ring_get(&self, signals: &Signals) {
        fence_for_model();
        let ring_empty = || self.fifo.as_ref().is_some_and(|r| !r.may_pop());
        if signals.put.shows(LOWERED) || (signals.get.shows(RAISED) && ring_empty()) {
            self.sync_signals(&self.state.lock());
        }
    }
}

#[cfg(all(test, not(loom), not(shuttle)))]
mod tests {
    use std::os::fd::AsRawFd;

    use crate::{Queue, Timeout};

    /// Edge-triggered epoll on `fd`; `edges()` counts the edges since the last call.
    struct EdgeWatch(libc::c_int);

    impl EdgeWatch {
        fn new(fd: libc::c_int) -> Self {
            // SAFETY: plain epoll calls on descriptors we own or borrow.
            unsafe {
                let ep = libc::epoll_create1(libc::EPOLL_CLOEXEC);
                assert!(ep >= 0);
                let mut ev = libc::epoll_event {
                    events: (libc::EPOLLIN | libc::EPOLLET) as u32,
                    u64: 0,
                };
                assert_eq!(libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, fd, &mut ev), 0);
                EdgeWatch(ep)
            }
        }

        fn edges(&self) -> i32 {
            let mut ev = libc::epoll_event { events: 0, u64: 0 };
            // SAFETY: room for one event.
            unsafe { libc::epoll_wait(self.0, &mut ev, 1, 0) }
        }
    }

    impl Drop for EdgeWatch {
        fn drop(&mut self) {
            // SAFETY: our epoll descriptor.
            unsafe { libc::close(self.0) };
        }
    }

    /// Suspicion from review: a get that finds nothing, while an item comes
    /// before it syncs, leaves the descriptor raised without a new edge,
    /// and an edge-triggered waiter that saw the get fail waits forever. A
    /// missed get now raises a readable descriptor once more.
    #[test]
    fn a_missed_get_gives_a_readable_descriptor_a_fresh_edge() {
        let q = Queue::new(0);
        let watch = EdgeWatch::new(q.get_fd().unwrap().as_raw_fd());
        q.put(1, Timeout::NoWait).unwrap();
        assert_eq!(watch.edges(), 1, "the put raised it");
        assert_eq!(watch.edges(), 0, "no edge since");
        // What a get that looked before the put and synced after it does:
        q.signal_missed(false);
        assert_eq!(watch.edges(), 1, "a fresh edge for whoever saw the get fail");
        assert_eq!(q.get(Timeout::NoWait), Ok(1));
        assert_eq!(q.get(Timeout::NoWait), Err(crate::GetError::Empty));
        q.put(2, Timeout::NoWait).unwrap();
        assert_eq!(
            watch.edges(),
            1,
            "lowered by the get that emptied it, raised by the put"
        );
        assert_eq!(watch.edges(), 0);
    }

    #[test]
    fn a_missed_get_on_a_lowered_descriptor_adds_no_edge() {
        let q = Queue::<u32>::new(0);
        let watch = EdgeWatch::new(q.get_fd().unwrap().as_raw_fd());
        assert_eq!(q.get(Timeout::NoWait), Err(crate::GetError::Empty));
        assert_eq!(watch.edges(), 0, "nothing queued, nothing announced");
        let full = Queue::new(1);
        let put_watch = EdgeWatch::new(full.put_fd().unwrap().as_raw_fd());
        assert_eq!(put_watch.edges(), 1, "made readable (room)");
        full.put(1, Timeout::NoWait).unwrap();
        assert!(full.put(2, Timeout::NoWait).is_err());
        assert_eq!(put_watch.edges(), 0, "full: lowered, and a missed put adds nothing");
    }
}
