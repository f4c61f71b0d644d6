//! Runs an input's calls on real queues and checks every result, out-value,
//! query, descriptor and destroy callback against the [`Model`].

use std::cell::Cell;
use std::ffi::{CStr, c_int, c_void};
use std::fmt;
use std::mem::size_of;
use std::ptr;

use tq::ffi::tq_status::{self, *};

use crate::abi::*;
use crate::drops::{self, Dropped, Inside, Owner};
use crate::fds::{self, Fds};
use crate::input::{self, Call, MAX_ARRAY_LEN, Op, SLOTS, Tail};
use crate::model::{self, Model, Order};

/// What an out-slot holds until the library writes it (no item is numbered this high).
const SENTINEL: usize = usize::MAX;

/// What a count out-pointer holds until the library writes it.
const UNSET_COUNT: usize = usize::MAX;

/// What a descriptor out-pointer holds until the library writes it.
const UNSET_FD: c_int = -1;

/// The most items one input may put, so that a run stays fast.
const ITEM_BUDGET: usize = 16 * input::MAX_BATCH;

/// Runs the calls `data` holds, then frees the queues left; panics at the
/// first difference from the model.
pub fn run(data: &[u8]) {
    drops::take();
    let mut h = Harness {
        slots: Default::default(),
        next_item: 0,
        next_owner: 1,
    };
    for (i, call) in Call::decode(data).enumerate() {
        let at = At::Step(i, call);
        h.step(&call, &at);
        h.check(&at);
    }
    for slot in 0..SLOTS {
        h.free(slot, &At::End);
    }
}

/// Where a check is, for its failure message (formatted only then).
enum At {
    /// The call at this index of the input.
    Step(usize, Call),
    /// The clean-up after the last call.
    End,
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            At::Step(i, call) => write!(f, "step {i}, {call:?}"),
            At::End => f.write_str("the final tq_free calls"),
        }
    }
}

/// A queue the input created.
struct Live {
    /// The handle.
    q: *mut tq_queue,
    /// What it should do.
    model: Model,
    /// The destroy callback's context, if it has the callback.
    owner: Option<Box<Owner>>,
    /// What it should have passed to the callback since the last check.
    dropped: Vec<usize>,
    /// The descriptors it handed out.
    fds: Fds,
}

/// The queues of a run and its counters.
struct Harness {
    /// The queues, by slot.
    slots: [Option<Live>; SLOTS],
    /// The number of the next fresh item (item 0 is NULL, a legal item).
    next_item: usize,
    /// The id of the next [`Owner`].
    next_owner: usize,
}

/// The C item numbered `n`, a pointer that is never dereferenced.
fn item(n: usize) -> *mut c_void {
    ptr::without_provenance_mut(n)
}

/// The highest `tq_status`.
const LAST_STATUS: tq_status = TQ_SYSTEM;

/// Fails to compile when a status is added, so that [`LAST_STATUS`] is kept up to date.
const _: fn(tq_status) = |s| match s {
    TQ_OK | TQ_FULL | TQ_EMPTY | TQ_SHUTDOWN | TQ_TIMEOUT | TQ_INVALID | TQ_TOO_MANY_DONE | TQ_NOMEM | TQ_INTERNAL
    | TQ_SYSTEM => {}
};

/// Whether `s` is a `tq_status` value.
fn is_status(s: c_int) -> bool {
    (0..=LAST_STATUS as c_int).contains(&s)
}

/// Asserts that the library returned `expected`, and a valid `tq_status`.
fn assert_status(got: c_int, expected: tq_status, at: &At) {
    assert!(is_status(got), "{at}: {got} is no tq_status");
    assert_eq!(got, expected as c_int, "{at}: the status");
}

/// NULL if `null`, else `p`.
fn or_null<T>(null: bool, p: *mut T) -> *mut T {
    if null { ptr::null_mut() } else { p }
}

impl Harness {
    /// The handle the call works on (NULL for a NULL target or an empty slot)
    /// and its model.
    fn target(&mut self, call: &Call) -> (*mut tq_queue, Option<&mut Live>) {
        match call.slot().and_then(|s| self.slots[s].as_mut()) {
            Some(live) => (live.q, Some(live)),
            None => (ptr::null_mut(), None),
        }
    }

    /// `n` fresh item numbers, or `None` when the input's budget is spent.
    fn fresh(&mut self, n: usize) -> Option<Vec<usize>> {
        (self.next_item + n <= ITEM_BUDGET).then(|| {
            self.next_item += n;
            (self.next_item - n..self.next_item).collect()
        })
    }

    /// Makes the call and checks what it returned and wrote.
    fn step(&mut self, call: &Call, at: &At) {
        match call.op {
            Op::New => {
                let slot = call.slot().expect("creating calls have a slot");
                self.free(slot, at);
                let maxsize = input::maxsize(call.value);
                // SAFETY: no pointers.
                let q = unsafe { tq_new(maxsize) };
                assert!(!q.is_null(), "{at}: tq_new returned NULL");
                self.slots[slot] = Some(Live {
                    q,
                    model: Model::new(Order::Fifo, maxsize),
                    owner: None,
                    dropped: Vec::new(),
                    fds: Fds::default(),
                });
            }
            Op::NewWith | Op::Create => self.create(call, at),
            Op::Free => match call.slot() {
                Some(slot) => self.free(slot, at),
                // SAFETY: NULL is a no-op.
                None => unsafe { tq_free(ptr::null_mut()) },
            },
            Op::Put | Op::PutPriority => {
                let Some(fresh) = self.fresh(1) else { return };
                let priority = (call.op == Op::PutPriority).then(|| input::priority(call.value));
                let (q, live) = self.target(call);
                // SAFETY: `q` is NULL or live.
                let got = unsafe {
                    match priority {
                        None => tq_put(q, item(fresh[0]), TQ_NOWAIT),
                        Some(p) => tq_put_priority(q, item(fresh[0]), p, TQ_NOWAIT),
                    }
                };
                let expected = live.map_or(TQ_INVALID, |l| l.model.put(fresh[0], priority));
                assert_status(got, expected, at);
            }
            Op::Get => {
                let (q, live) = self.target(call);
                let mut out = item(SENTINEL);
                // SAFETY: `q` is NULL or live, the out-pointer NULL or writable.
                let got = unsafe { tq_get(q, or_null(call.null_pointer(), &mut out), TQ_NOWAIT) };
                let expected = match live {
                    Some(l) if !call.null_pointer() => l.model.get(),
                    _ => Err(TQ_INVALID),
                };
                assert_status(got, expected.err().unwrap_or(TQ_OK), at);
                assert_eq!(out.addr(), expected.unwrap_or(SENTINEL), "{at}: *item_out");
            }
            Op::PutMany => self.put_many(call, at),
            Op::GetMany => self.get_many(call, at),
            Op::GetFd | Op::PutFd => self.fd(call, at),
            Op::GetAny => self.get_any(call, at),
            Op::TaskDone | Op::TaskDoneN => {
                let n = if call.op == Op::TaskDone {
                    1
                } else {
                    input::tasks(call.value)
                };
                let (q, live) = self.target(call);
                // SAFETY: `q` is NULL or live.
                let got = unsafe {
                    if call.op == Op::TaskDone {
                        tq_task_done(q)
                    } else {
                        tq_task_done_n(q, n)
                    }
                };
                assert_status(got, live.map_or(TQ_INVALID, |l| l.model.task_done(n)), at);
            }
            Op::TaskDoneAll => {
                let (q, live) = self.target(call);
                let mut n = SENTINEL;
                // SAFETY: `q` is NULL or live, the out-pointer NULL or writable.
                let got = unsafe { tq_task_done_all(q, or_null(call.null_count(), &mut n)) };
                let expected = match live {
                    Some(l) if !call.null_count() => Ok(l.model.task_done_all()),
                    _ => Err(TQ_INVALID),
                };
                assert_status(got, expected.err().unwrap_or(TQ_OK), at);
                assert_eq!(n, expected.unwrap_or(SENTINEL), "{at}: *n_done");
            }
            Op::Join => {
                let (q, live) = self.target(call);
                // SAFETY: `q` is NULL or live.
                let got = unsafe { tq_join(q, TQ_NOWAIT) };
                assert_status(got, live.map_or(TQ_INVALID, |l| l.model.join()), at);
            }
            Op::Shutdown => {
                let (q, live) = self.target(call);
                // SAFETY: `q` is NULL or live.
                let got = unsafe { tq_shutdown(q, call.flag()) };
                let expected = live.map_or(TQ_INVALID, |l| {
                    let discarded = l.model.shutdown(call.flag());
                    l.dropped.extend(discarded);
                    TQ_OK
                });
                assert_status(got, expected, at);
            }
            Op::SetMaxsize => {
                let maxsize = input::maxsize(call.value);
                let (q, live) = self.target(call);
                // SAFETY: `q` is NULL or live.
                let got = unsafe { tq_set_maxsize(q, maxsize) };
                let expected = live.map_or(TQ_INVALID, |l| {
                    l.model.maxsize = maxsize;
                    TQ_OK
                });
                assert_status(got, expected, at);
            }
            Op::StatusStr => {
                let s = input::status_value(call.value, call.extra);
                // SAFETY: no pointers.
                let text = unsafe { tq_status_str(s) };
                assert!(!text.is_null(), "{at}: tq_status_str is NULL");
                // SAFETY: the library returns a static C string.
                let text = unsafe { CStr::from_ptr(text) }.to_bytes();
                assert_eq!(
                    text == b"unknown status",
                    !is_status(s),
                    "{at}: tq_status_str = {text:?}"
                );
                assert!(!text.is_empty(), "{at}: tq_status_str is empty");
            }
        }
    }

    /// `tq_new_with` or `tq_create` on options made from `call`, into its slot.
    fn create(&mut self, call: &Call, at: &At) {
        /// The options followed by room for a larger `struct_size`.
        #[repr(C)]
        struct Buffer {
            opts: tq_options,
            tail: [u8; 8],
        }
        let slot = call.slot().expect("creating calls have a slot");
        self.free(slot, at);
        let (struct_size, tail) = call.struct_size();
        let order = input::order(call.extra);
        let maxsize = input::maxsize(call.value);
        let owner = call.flag().then(|| {
            Box::new(Owner {
                id: self.next_owner,
                q: Cell::new(ptr::null_mut()),
                fds: Cell::default(),
            })
        });
        let mut buf = Buffer {
            opts: tq_options {
                struct_size,
                order,
                maxsize,
                destroy: owner
                    .as_ref()
                    .map(|_| drops::record as unsafe extern "C" fn(*mut c_void, *mut c_void)),
                destroy_ctx: owner
                    .as_ref()
                    .map_or(ptr::null_mut(), |o| ptr::from_ref::<Owner>(o).cast_mut().cast()),
            },
            tail: [0; 8],
        };
        if tail == Tail::NonZero {
            buf.tail[7] = 0xA5;
        }
        let valid = !call.null_pointer() && struct_size as usize >= size_of::<tq_options>() && tail == Tail::Zero;
        let expected = match order {
            0 => Some(Order::Fifo),
            1 => Some(Order::Lifo),
            2 => Some(Order::Priority),
            _ => None,
        }
        .filter(|_| valid);
        let opts = or_null(call.null_pointer(), &mut buf.opts);
        // SAFETY: `opts` is NULL or points to `struct_size` (at most 8 past the
        // fields) readable bytes; the out-pointer is NULL or writable.
        let (q, created) = unsafe {
            if call.op == Op::Create {
                let unset = item(SENTINEL).cast::<tq_queue>();
                let mut q = unset;
                let status = tq_create(opts, or_null(call.null_count(), &mut q));
                let ok = expected.is_some() && !call.null_count();
                assert_status(status, if ok { TQ_OK } else { TQ_INVALID }, at);
                assert_eq!(q != unset, ok, "{at}: *q_out written");
                (q, ok)
            } else {
                let q = tq_new_with(opts);
                assert_eq!(q.is_null(), expected.is_none(), "{at}: tq_new_with's NULL");
                (q, expected.is_some())
            }
        };
        let Some(order) = expected.filter(|_| created) else {
            return;
        };
        assert!(!q.is_null(), "{at}: a NULL queue for valid options");
        if let Some(o) = &owner {
            o.q.set(q);
            self.next_owner += 1;
        }
        self.slots[slot] = Some(Live {
            q,
            model: Model::new(order, maxsize),
            owner,
            dropped: Vec::new(),
            fds: Fds::default(),
        });
    }

    /// `tq_free` of the slot's queue, if it has one.
    fn free(&mut self, slot: usize, at: &At) {
        let Some(mut live) = self.slots[slot].take() else {
            return;
        };
        // SAFETY: live, and forgotten here (its owner outlives the call).
        unsafe { tq_free(live.q) };
        for fd in live.fds.all() {
            assert!(
                !fds::is_open(fd),
                "{at}: slot {slot}'s descriptor {fd} is still open after tq_free"
            );
        }
        // tq_free shuts the queue down at once, then frees it.
        let left = live.model.shutdown(true);
        live.dropped.extend(left);
        expect_drops([&live], at);
    }

    /// `tq_get_fd` or `tq_put_fd`: the same descriptor on every call, and
    /// none opened by a refused one.
    fn fd(&mut self, call: &Call, at: &At) {
        let next_free = fds::next_free();
        let (q, live) = self.target(call);
        let mut fd = UNSET_FD;
        let fd_out = or_null(call.null_pointer(), &mut fd);
        // SAFETY: `q` is NULL or live, the out-pointer NULL or writable.
        let got = unsafe {
            if call.op == Op::GetFd {
                tq_get_fd(q, fd_out)
            } else {
                tq_put_fd(q, fd_out)
            }
        };
        let Some(live) = live.filter(|_| !call.null_pointer()) else {
            assert_status(got, TQ_INVALID, at);
            assert_eq!(fd, UNSET_FD, "{at}: *fd_out");
            assert!(
                !fds::is_open(next_free),
                "{at}: a refused call opened descriptor {next_free}"
            );
            return;
        };
        assert_status(got, TQ_OK, at);
        let known = if call.op == Op::GetFd {
            &mut live.fds.get
        } else {
            &mut live.fds.put
        };
        assert_eq!(
            *known.get_or_insert(fd),
            fd,
            "{at}: not the descriptor handed out before"
        );
        if let Some(o) = &live.owner {
            o.fds.set(live.fds);
        }
    }

    /// `tq_get_any` over the call's entries (an empty slot is a NULL entry):
    /// an item from one of the listed queues that has one, as its model
    /// gives it out, and the index it came from.
    fn get_any(&mut self, call: &Call, at: &At) {
        let slots: Vec<Option<usize>> = call.entries().map(|e| e.filter(|&s| self.slots[s].is_some())).collect();
        let live = |s: usize| self.slots[s].as_ref().expect("filtered above");
        let mut handles: Vec<*mut tq_queue> = slots.iter().map(|e| e.map_or(ptr::null_mut(), |s| live(s).q)).collect();
        let mut out = item(SENTINEL);
        let mut index = UNSET_COUNT;
        // SAFETY: the array NULL or `handles.len()` entries, each NULL or live;
        // the out-pointers NULL or writable.
        let got = unsafe {
            tq_get_any(
                or_null(call.null_pointer(), handles.as_mut_ptr()),
                handles.len(),
                or_null(call.flag(), &mut out),
                or_null(call.null_count(), &mut index),
                TQ_NOWAIT,
            )
        };
        let models: Option<Vec<&Model>> = slots.iter().map(|e| Some(&live((*e)?).model)).collect();
        let expected = match models {
            Some(m) if !m.is_empty() && !call.null_pointer() && !call.flag() && !call.null_count() => {
                model::get_any(&m)
            }
            _ => Err(TQ_INVALID),
        };
        let ready = match expected {
            Ok(ready) => ready,
            Err(status) => {
                assert_status(got, status, at);
                assert_eq!(
                    (out.addr(), index),
                    (SENTINEL, UNSET_COUNT),
                    "{at}: *item_out, *index_out"
                );
                return;
            }
        };
        assert_status(got, TQ_OK, at);
        assert!(
            ready.contains(&index),
            "{at}: *index_out = {index}, but only queues {ready:?} of {slots:?} had items"
        );
        let slot = slots[index].expect("a queue with an item");
        let model = &mut self.slots[slot].as_mut().expect("live").model;
        assert_eq!(
            Ok(out.addr()),
            model.get(),
            "{at}: the item from index {index} (slot {slot})"
        );
    }

    /// `tq_put_many` of fresh items.
    fn put_many(&mut self, call: &Call, at: &At) {
        let n = input::count(call.value);
        let oversized = n > MAX_ARRAY_LEN;
        // An oversized count gets a real one-item array: it must be refused unread.
        let Some(fresh) = self.fresh(if oversized { 1 } else { n }) else {
            return;
        };
        let mut items: Vec<*mut c_void> = fresh.iter().map(|&x| item(x)).collect();
        let mut count = UNSET_COUNT;
        let (q, live) = self.target(call);
        // SAFETY: `q` is NULL or live; the array NULL or `n` items (oversized: refused
        // before it is read); the count NULL or writable.
        let got = unsafe {
            tq_put_many(
                q,
                or_null(call.null_pointer(), items.as_mut_ptr()),
                n,
                or_null(call.null_count(), &mut count),
                TQ_NOWAIT,
            )
        };
        let (expected, moved) = match live {
            Some(l) if !call.null_pointer() && !call.null_count() && !oversized => l.model.put_many(&fresh),
            _ => (TQ_INVALID, 0),
        };
        assert_status(got, expected, at);
        if !call.null_count() {
            assert_eq!(count, moved, "{at}: *n_put");
        }
    }

    /// `tq_get_many` into an array of exactly `max` slots (one, for an
    /// oversized `max`), each checked.
    fn get_many(&mut self, call: &Call, at: &At) {
        let max = input::count(call.value);
        let oversized = max > MAX_ARRAY_LEN;
        let mut out = vec![item(SENTINEL); if oversized { 1 } else { max }];
        let mut count = UNSET_COUNT;
        let (q, live) = self.target(call);
        // SAFETY: `q` is NULL or live; the array NULL or room for `max` (oversized:
        // refused before it is written); the count NULL or writable.
        let got = unsafe {
            tq_get_many(
                q,
                or_null(call.null_pointer(), out.as_mut_ptr()),
                max,
                or_null(call.null_count(), &mut count),
                TQ_NOWAIT,
            )
        };
        let (expected, mut taken) = match live {
            Some(l) if !call.null_pointer() && !call.null_count() && !oversized => l.model.get_many(max),
            _ => (TQ_INVALID, Vec::new()),
        };
        assert_status(got, expected, at);
        if !call.null_count() {
            assert_eq!(count, taken.len(), "{at}: *n_got");
        }
        taken.resize(out.len(), SENTINEL);
        let out: Vec<usize> = out.iter().map(|p| p.addr()).collect();
        assert_eq!(out, taken, "{at}: the items taken, then the untouched slots");
    }

    /// Every query on every queue and on NULL, and the destroy callbacks.
    fn check(&mut self, at: &At) {
        // SAFETY: NULL is a valid argument to every query.
        let null = unsafe { queries(ptr::null()) };
        assert_eq!(null, (0, false, false, 0, 0, false), "{at}: the queries on NULL");
        for (slot, live) in self.slots.iter().enumerate() {
            let Some(live) = live else { continue };
            let m = &live.model;
            let want = (m.len(), m.len() == 0, m.full(), m.maxsize, m.unfinished, m.shutdown);
            // SAFETY: live.
            let got = unsafe { queries(live.q) };
            assert_eq!(
                got, want,
                "{at}: slot {slot}'s qsize, empty, full, maxsize, unfinished, is_shutdown"
            );
            assert_eq!(
                live.fds.poll(),
                live.fds.expected(m.get_ready(), m.put_ready()),
                "{at}: slot {slot}'s (get, put) descriptors {:?} polled (revents; model {m:?})",
                live.fds
            );
        }
        expect_drops(self.slots.iter().flatten(), at);
        for live in self.slots.iter_mut().flatten() {
            live.dropped.clear();
        }
    }
}

/// Checks that the destroy callbacks since the last check were given
/// exactly the `dropped` items of the `queues` that have a callback, each
/// once, and found the queue shut down and empty from inside (its
/// descriptors readable, as the queue's model says).
fn expect_drops<'a>(queues: impl IntoIterator<Item = &'a Live>, at: &At) {
    let mut want: Vec<Dropped> = queues
        .into_iter()
        .filter_map(|l| {
            let inside = Inside {
                qsize: 0,
                is_shutdown: true,
                put: TQ_SHUTDOWN as c_int,
                get: TQ_SHUTDOWN as c_int,
                polls: l.fds.expected(l.model.get_ready(), l.model.put_ready()),
            };
            Some((l.owner.as_ref()?.id, &l.dropped, inside))
        })
        .flat_map(|(id, dropped, inside)| dropped.iter().map(move |&item| Dropped { id, item, inside }))
        .collect();
    want.sort_unstable();
    assert_eq!(drops::take(), want, "{at}: the destroy callbacks");
}

/// (qsize, empty, full, maxsize, unfinished, is_shutdown) of `q`.
///
/// # Safety
/// `q` is NULL or live.
unsafe fn queries(q: *const tq_queue) -> (usize, bool, bool, usize, usize, bool) {
    // SAFETY: forwarded from the caller.
    unsafe {
        (
            tq_qsize(q),
            tq_empty(q),
            tq_full(q),
            tq_maxsize(q),
            tq_unfinished(q),
            tq_is_shutdown(q),
        )
    }
}
