//! Model-based property test of the C API: random sequences of non-blocking
//! calls on one queue, each status, out-value and observable checked against
//! a small sequential model of Python's `queue` semantics (plus the C API's
//! decided edge cases). Single-threaded; nothing ever blocks.
//!
//! `PROPTEST_CASES=N cargo test --test model` changes the number of cases
//! (256 by default).

mod common;

use std::ffi::c_void;
use std::mem::size_of;
use std::ptr;

use common::{Recorder, item, queries, record};
use proptest::prelude::*;
use tq::ffi::*;
use tq_status::*;

/// What an untouched out-slot holds (no item is numbered this high).
const SENTINEL: usize = usize::MAX;
/// What an untouched count holds.
const UNSET_COUNT: usize = 777;

/// How the queue is created.
#[derive(Clone, Debug)]
enum Setup {
    Valid { order: u32, maxsize: usize, destroy: bool },
    NullOptions,
    ShortStruct { struct_size: u32 },
    BadOrder { order: u32 },
}

/// One C call. Puts use fresh, distinct items; all timeouts are `TQ_NOWAIT`.
#[derive(Clone, Debug)]
enum Op {
    Put,
    PutPriority(i64),
    Get {
        null_out: bool,
    },
    PutMany {
        n: usize,
        null_items: bool,
        null_count: bool,
    },
    GetMany {
        max: usize,
        null_out: bool,
        null_count: bool,
    },
    TaskDone,
    TaskDoneN(usize),
    Join,
    SetMaxsize(usize),
    Shutdown {
        immediate: bool,
    },
}

impl Op {
    /// How many fresh items the call is given.
    fn fresh(&self) -> usize {
        match *self {
            Op::Put | Op::PutPriority(_) => 1,
            Op::PutMany { n, .. } => n,
            _ => 0,
        }
    }

    /// The length of the out-array passed (0: NULL or none). A batch get
    /// gets one spare slot, which must stay untouched.
    fn out_slots(&self) -> usize {
        match *self {
            Op::Get { null_out: false } => 1,
            Op::GetMany {
                max, null_out: false, ..
            } => max + 1,
            _ => 0,
        }
    }

    /// Whether a count out-pointer is passed.
    fn has_count(&self) -> bool {
        matches!(
            self,
            Op::PutMany { null_count: false, .. } | Op::GetMany { null_count: false, .. }
        )
    }
}

/// Everything a call returns or writes.
#[derive(Debug, PartialEq)]
struct Outcome {
    status: tq_status,
    count: Option<usize>,
    out: Vec<usize>,
}

impl Outcome {
    /// `status`, with `taken` in the first out-slots and `moved` as the count.
    fn new(op: &Op, status: tq_status, moved: usize, taken: &[usize]) -> Self {
        let mut out = vec![SENTINEL; op.out_slots()];
        out[..taken.len()].copy_from_slice(taken);
        Outcome {
            status,
            count: op.has_count().then_some(moved),
            out,
        }
    }
}

/// qsize, empty, full, maxsize, unfinished, is_shutdown.
type Observed = (usize, bool, bool, usize, usize, bool);

/// Python's `queue` semantics, sequentially, for one live queue.
#[derive(Debug)]
struct Model {
    order: u32,
    maxsize: usize,
    /// (priority, sequence number, item), in put order.
    items: Vec<(i64, u64, usize)>,
    next_seq: u64,
    unfinished: usize,
    shutdown: bool,
    has_destroy: bool,
    destroyed: Vec<usize>,
}

impl Model {
    fn new(order: u32, maxsize: usize, has_destroy: bool) -> Self {
        Model {
            order,
            maxsize,
            items: Vec::new(),
            next_seq: 0,
            unfinished: 0,
            shutdown: false,
            has_destroy,
            destroyed: Vec::new(),
        }
    }

    fn full(&self) -> bool {
        self.maxsize > 0 && self.items.len() >= self.maxsize
    }

    fn push(&mut self, x: usize, priority: i64) {
        self.items.push((priority, self.next_seq, x));
        self.next_seq += 1;
        self.unfinished += 1;
    }

    /// The next item: FIFO, LIFO, or lowest (priority, sequence number).
    fn pop(&mut self) -> Option<usize> {
        let at = match self.order {
            0 => 0,
            1 => self.items.len().checked_sub(1)?,
            _ => (0..self.items.len()).min_by_key(|&i| (self.items[i].0, self.items[i].1))?,
        };
        (at < self.items.len()).then(|| self.items.remove(at).2)
    }

    fn put(&mut self, x: usize, priority: Option<i64>) -> tq_status {
        if priority.is_some() && self.order != 2 {
            TQ_INVALID
        } else if self.shutdown {
            TQ_SHUTDOWN
        } else if self.full() {
            TQ_FULL
        } else {
            self.push(x, priority.unwrap_or(0));
            TQ_OK
        }
    }

    /// The status of a get that found nothing.
    fn nothing(&self) -> tq_status {
        if self.shutdown { TQ_SHUTDOWN } else { TQ_EMPTY }
    }

    fn task_done_n(&mut self, n: usize) -> tq_status {
        if n > self.unfinished {
            return TQ_TOO_MANY_DONE;
        }
        self.unfinished -= n;
        TQ_OK
    }

    /// Removes every item in queue order, handing it to the destructor.
    fn discard_all(&mut self) -> usize {
        let mut n = 0;
        while let Some(x) = self.pop() {
            if self.has_destroy {
                self.destroyed.push(x);
            }
            n += 1;
        }
        n
    }

    /// What `op` should do to a live queue, given its fresh items.
    fn apply(&mut self, op: &Op, fresh: &[usize]) -> Outcome {
        let status = |s| Outcome::new(op, s, 0, &[]);
        match *op {
            Op::Put => status(self.put(fresh[0], None)),
            Op::PutPriority(p) => status(self.put(fresh[0], Some(p))),
            Op::Get { null_out: true } => status(TQ_INVALID),
            Op::Get { null_out: false } => match self.pop() {
                Some(x) => Outcome::new(op, TQ_OK, 0, &[x]),
                None => status(self.nothing()),
            },
            Op::PutMany { null_count: true, .. } | Op::GetMany { null_count: true, .. } => status(TQ_INVALID),
            Op::PutMany { null_items: true, .. } | Op::GetMany { null_out: true, .. } => status(TQ_INVALID),
            Op::PutMany { n: 0, .. } | Op::GetMany { max: 0, .. } => status(TQ_OK),
            Op::PutMany { .. } if self.shutdown => status(TQ_SHUTDOWN),
            Op::PutMany { .. } if self.full() => status(TQ_FULL),
            Op::PutMany { n, .. } => {
                let room = if self.maxsize == 0 {
                    n
                } else {
                    self.maxsize - self.items.len()
                };
                let k = n.min(room);
                for &x in &fresh[..k] {
                    self.push(x, 0);
                }
                Outcome::new(op, TQ_OK, k, &[])
            }
            Op::GetMany { .. } if self.items.is_empty() => status(self.nothing()),
            Op::GetMany { max, .. } => {
                let taken: Vec<usize> = std::iter::from_fn(|| self.pop()).take(max).collect();
                Outcome::new(op, TQ_OK, taken.len(), &taken)
            }
            Op::TaskDone => status(self.task_done_n(1)),
            Op::TaskDoneN(n) => status(self.task_done_n(n)),
            Op::Join => status(if self.unfinished == 0 { TQ_OK } else { TQ_TIMEOUT }),
            Op::SetMaxsize(n) => {
                self.maxsize = n;
                status(TQ_OK)
            }
            Op::Shutdown { immediate } => {
                self.shutdown = true;
                if immediate {
                    let n = self.discard_all();
                    self.unfinished -= n.min(self.unfinished);
                }
                status(TQ_OK)
            }
        }
    }

    fn observed(&self) -> Observed {
        let len = self.items.len();
        (len, len == 0, self.full(), self.maxsize, self.unfinished, self.shutdown)
    }
}

/// What the model expects from `op` on `model`, or on a NULL handle (`None`).
fn expect(model: Option<&mut Model>, op: &Op, fresh: &[usize]) -> Outcome {
    match model {
        Some(m) => m.apply(op, fresh),
        None => Outcome::new(op, TQ_INVALID, 0, &[]),
    }
}

/// Makes the real C call for `op` on `q` (possibly NULL).
///
/// # Safety
/// `q` is NULL or live.
unsafe fn call(q: *mut tq_queue, op: &Op, fresh: &[usize]) -> Outcome {
    let items: Vec<*mut c_void> = fresh.iter().map(|&n| item(n)).collect();
    let mut out = vec![item(SENTINEL); op.out_slots()];
    let out_ptr = if out.is_empty() {
        ptr::null_mut()
    } else {
        out.as_mut_ptr()
    };
    let mut count = UNSET_COUNT;
    let count_ptr: *mut usize = if op.has_count() { &mut count } else { ptr::null_mut() };
    // SAFETY: `q` is NULL or live; every other pointer is NULL or valid for its length.
    let status = unsafe {
        match *op {
            Op::Put => tq_put(q, items[0], TQ_NOWAIT),
            Op::PutPriority(p) => tq_put_priority(q, items[0], p, TQ_NOWAIT),
            Op::Get { .. } => tq_get(q, out_ptr, TQ_NOWAIT),
            Op::PutMany { n, null_items, .. } => {
                let items_ptr = if null_items { ptr::null() } else { items.as_ptr() };
                tq_put_many(q, items_ptr, n, count_ptr, TQ_NOWAIT)
            }
            Op::GetMany { max, .. } => tq_get_many(q, out_ptr, max, count_ptr, TQ_NOWAIT),
            Op::TaskDone => tq_task_done(q),
            Op::TaskDoneN(n) => tq_task_done_n(q, n),
            Op::Join => tq_join(q, TQ_NOWAIT),
            Op::SetMaxsize(n) => tq_set_maxsize(q, n),
            Op::Shutdown { immediate } => tq_shutdown(q, immediate),
        }
    };
    Outcome {
        status,
        count: op.has_count().then_some(count),
        out: out.iter().map(|p| p.addr()).collect(),
    }
}

/// Creates the queue `setup` describes, with the model it should behave
/// like (`None` where creation must fail).
fn create(setup: &Setup, recorder: &Recorder) -> (*mut tq_queue, Option<Model>) {
    let mut opts = tq_options {
        struct_size: size_of::<tq_options>() as u32,
        order: 0,
        maxsize: 0,
        destroy: None,
        destroy_ctx: ptr::null_mut(),
    };
    let mut model = None;
    match *setup {
        Setup::Valid {
            order,
            maxsize,
            destroy,
        } => {
            opts.order = order;
            opts.maxsize = maxsize;
            if destroy {
                opts.destroy = Some(record);
                opts.destroy_ctx = recorder.ctx();
            }
            model = Some(Model::new(order, maxsize, destroy));
        }
        Setup::NullOptions => {}
        Setup::ShortStruct { struct_size } => opts.struct_size = struct_size,
        Setup::BadOrder { order } => opts.order = order,
    }
    let opts_ptr: *const tq_options = match setup {
        Setup::NullOptions => ptr::null(),
        _ => &opts,
    };
    // SAFETY: `opts_ptr` is NULL or points to a whole tq_options.
    (unsafe { tq_new_with(opts_ptr) }, model)
}

fn setup() -> impl Strategy<Value = Setup> {
    prop_oneof![
        12 => (0u32..3, 0usize..5, any::<bool>())
            .prop_map(|(order, maxsize, destroy)| Setup::Valid { order, maxsize, destroy }),
        1 => Just(Setup::NullOptions),
        1 => (0..size_of::<tq_options>() as u32).prop_map(|struct_size| Setup::ShortStruct { struct_size }),
        1 => (3u32..).prop_map(|order| Setup::BadOrder { order }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let rarely = || prop::bool::weighted(0.1);
    let priority = prop_oneof![6 => -2i64..=2, 1 => Just(i64::MIN), 1 => Just(i64::MAX)];
    prop_oneof![
        5 => Just(Op::Put),
        4 => priority.prop_map(Op::PutPriority),
        5 => rarely().prop_map(|null_out| Op::Get { null_out }),
        2 => (0usize..6, rarely(), rarely())
            .prop_map(|(n, null_items, null_count)| Op::PutMany { n, null_items, null_count }),
        2 => (0usize..6, rarely(), rarely())
            .prop_map(|(max, null_out, null_count)| Op::GetMany { max, null_out, null_count }),
        3 => Just(Op::TaskDone),
        1 => (0usize..5).prop_map(Op::TaskDoneN),
        1 => Just(Op::Join),
        1 => (0usize..5).prop_map(Op::SetMaxsize),
        1 => any::<bool>().prop_map(|immediate| Op::Shutdown { immediate }),
    ]
}

/// Runs `steps` (each an op and whether to aim it at a NULL handle instead)
/// on a queue made from `setup`, checking everything against the model.
fn check(setup: &Setup, steps: &[(Op, bool)]) -> Result<(), TestCaseError> {
    let recorder = Recorder::default();
    let (q, mut model) = create(setup, &recorder);
    prop_assert_eq!(q.is_null(), model.is_none(), "tq_new_with({:?})", setup);
    let mut next_item = 0;
    for (i, (op, on_null)) in steps.iter().enumerate() {
        let fresh: Vec<usize> = (next_item..next_item + op.fresh()).collect();
        next_item += fresh.len();
        let (target, expected) = if *on_null {
            (ptr::null_mut(), expect(None, op, &fresh))
        } else {
            (q, expect(model.as_mut(), op, &fresh))
        };
        // SAFETY: `target` is NULL or the live queue.
        let got = unsafe { call(target, op, &fresh) };
        prop_assert_eq!(&got, &expected, "step {}: {:?} (on NULL: {})", i, op, on_null);
        let want = model.as_ref().map_or(Default::default(), Model::observed);
        prop_assert_eq!(queries(q), want, "queries after step {}", i);
        prop_assert_eq!(queries(ptr::null()), Default::default());
        let destroyed = model.as_ref().map_or(&[][..], |m| &m.destroyed);
        prop_assert_eq!(recorder.seen(), destroyed, "destroyed after step {}", i);
    }
    // SAFETY: `q` is NULL or live, and freed once.
    unsafe { tq_free(q) };
    if let Some(m) = model.as_mut() {
        m.discard_all();
    }
    let destroyed = model.as_ref().map_or(&[][..], |m| &m.destroyed);
    prop_assert_eq!(recorder.seen(), destroyed, "destroyed by tq_free");
    Ok(())
}

proptest! {
    #[test]
    fn the_c_api_behaves_like_the_model(
        setup in setup(),
        steps in prop::collection::vec((op(), prop::bool::weighted(0.05)), 0..80),
    ) {
        check(&setup, &steps)?;
    }
}
