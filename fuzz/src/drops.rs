//! The destroy callback the fuzzed queues get: it logs each item it is
//! given, and looks into the queue from inside (`docs/semantics.md`,
//! "Destroy callbacks and re-entry": the queue is still valid then, shut
//! down and empty, so its descriptors poll readable).

use std::cell::{Cell, RefCell};
use std::ffi::{c_int, c_void};
use std::ptr;

use crate::abi::*;
use crate::fds::{Fds, Polls};

/// What a queue with the callback gets as its `destroy_ctx`.
pub struct Owner {
    /// Names the queue in the log.
    pub id: usize,
    /// The queue, once created.
    pub q: Cell<*mut tq_queue>,
    /// The queue's descriptors handed out so far.
    pub fds: Cell<Fds>,
}

/// One call of the callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dropped {
    /// The owner's id.
    pub id: usize,
    /// The item given.
    pub item: usize,
    /// What the callback saw.
    pub inside: Inside,
}

/// What the queue answered from inside the callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Inside {
    /// `tq_qsize`.
    pub qsize: usize,
    /// `tq_is_shutdown`.
    pub is_shutdown: bool,
    /// `tq_put` of another item.
    pub put: c_int,
    /// `tq_get`.
    pub get: c_int,
    /// `poll` of the descriptors, after those calls.
    pub polls: Polls,
}

thread_local! {
    /// The calls of [`record`] not yet [`take`]n.
    static DROPPED: RefCell<Vec<Dropped>> = const { RefCell::new(Vec::new()) };
}

/// The item the callback tries to put (no item is numbered this high).
const INSIDE_ITEM: usize = usize::MAX - 1;

/// A `tq_destroy_fn` whose `ctx` is an [`Owner`].
///
/// # Safety
/// `ctx` points to a live `Owner` whose queue is set (the queue is the one calling).
pub unsafe extern "C" fn record(item: *mut c_void, ctx: *mut c_void) {
    // SAFETY: the harness registers a live Owner as the context.
    let owner = unsafe { &*ctx.cast::<Owner>() };
    let q = owner.q.get();
    let mut out = ptr::null_mut();
    // SAFETY: the queue stays valid while its callbacks run.
    let inside = unsafe {
        Inside {
            qsize: tq_qsize(q),
            is_shutdown: tq_is_shutdown(q),
            put: tq_put(q, ptr::without_provenance_mut(INSIDE_ITEM), TQ_NOWAIT),
            get: tq_get(q, &mut out, TQ_NOWAIT),
            polls: owner.fds.get().poll(),
        }
    };
    DROPPED.with_borrow_mut(|log| {
        log.push(Dropped {
            id: owner.id,
            item: item.addr(),
            inside,
        })
    });
}

/// The calls logged since the last `take`, sorted.
pub fn take() -> Vec<Dropped> {
    let mut log = DROPPED.take();
    log.sort_unstable();
    log
}
