//! Running a scenario once per allocation it makes, each failing in turn,
//! and checking every call against the model.

use tq::Order;
use tq::ffi::tq_status;

use crate::faces::{CApi, Face, RustApi};
use crate::failing;
use crate::model::Model;

/// No scenario has anywhere near this many allocations: a bound on the k loop.
pub const MAX_FAILURE_POINTS: usize = 200;

/// How many allocations a scenario failed in turn.
#[derive(Debug)]
pub struct Failures {
    /// All of them.
    pub total: usize,
    /// Those met after the queue was created (by puts, batches, ...).
    pub after_creation: usize,
}

/// Runs `scenario` once for each k, the k-th library allocation failing,
/// until a run meets no failure; asserts that every run frees what it
/// allocated. The scenario returns whether the failure was met after the
/// queue was created.
pub fn each_failure(name: &str, mut scenario: impl FnMut(&str) -> bool) -> Failures {
    let mut after_creation = 0;
    for k in 0..MAX_FAILURE_POINTS {
        let context = format!("{name}, allocation {k} failing");
        let before = failing::live();
        failing::arm(k);
        let met_after_creation = scenario(&context);
        failing::disarm();
        assert_eq!(failing::live(), before, "{context}: blocks and bytes leaked");
        if !failing::injected() {
            return Failures {
                total: k,
                after_creation,
            };
        }
        after_creation += usize::from(met_after_creation);
    }
    panic!("{name}: more than {MAX_FAILURE_POINTS} allocations");
}

/// Whether the failure was injected during `call` (and not before).
pub fn meets_failure<R>(call: impl FnOnce() -> R) -> (R, bool) {
    let before = failing::injected();
    let r = call();
    (r, failing::injected() && !before)
}

/// The priority a scenario puts item `id` with on a priority queue.
pub fn priority_of(id: usize) -> i64 {
    (id * 7 % 5) as i64 - 2
}
/// One call, or a batch of like calls, of a scenario.
#[derive(Clone, Copy, Debug)]
pub enum Step {
    /// Puts this many items one at a time (each with its [`priority_of`] on a
    /// priority queue).
    Put(usize),
    /// Puts this many items in one batch.
    PutMany(usize),
    /// Gets this many items one at a time.
    Get(usize),
    /// Gets up to this many items in one batch.
    GetMany(usize),
    /// Changes the bound.
    SetMaxsize(usize),
    /// Shuts the queue down.
    Shutdown { immediate: bool },
}

/// How a scenario ends.
#[derive(Clone, Copy, Debug)]
pub enum End {
    /// More puts, gets of everything in order, `task_done`s and a join; then free.
    Drain,
    /// Frees the queue with its items still queued.
    Free,
}

/// A queue and what is done with it.
pub struct Scenario {
    pub name: &'static str,
    pub order: Order,
    pub maxsize: usize,
    /// Whether the C ABI's queue gets a destroy callback (a FIFO queue
    /// without one is made by `tq_new`, any other by `tq_new_with`).
    pub destroy: bool,
    pub steps: Vec<Step>,
    pub end: End,
    /// Whether an immediate shutdown and the final free may meet the
    /// failure; otherwise their allocations are spared.
    pub fail_teardown: bool,
}

impl Scenario {
    /// A scenario that ends with [`End::Drain`] and spares the teardown.
    pub fn new(name: &'static str, order: Order, maxsize: usize, steps: &[Step]) -> Self {
        Scenario {
            name,
            order,
            maxsize,
            destroy: true,
            steps: steps.to_vec(),
            end: End::Drain,
            fail_teardown: false,
        }
    }
}

/// A scenario in progress: the queue, its model, the next item's id.
pub struct Run<'a, F> {
    q: F,
    model: Model,
    next_id: usize,
    context: &'a str,
    /// Whether the failure was met by a call after creation.
    met: bool,
}

/// Runs `s` once on face `F`; returns whether the failure was met after creation.
pub fn run<F: Face>(s: &Scenario, context: &str) -> bool {
    let (q, met) = meets_failure(|| F::create(s.order, s.maxsize, s.destroy));
    let Some(q) = q else {
        assert!(met, "{context}: creation failed with no allocation failing");
        return false;
    };
    // A creation that met the failure but returned a queue anyway must have
    // returned one that works: the rest of the scenario checks it.
    let mut run = Run {
        q,
        model: Model::new(s.order, s.maxsize),
        next_id: 0,
        context,
        met: false,
    };
    run.check("creation");
    for &step in &s.steps {
        match step {
            Step::Shutdown { immediate: true } if !s.fail_teardown => failing::spared(|| run.step(step)),
            _ => run.step(step),
        }
    }
    if let End::Drain = s.end {
        run.keeps_working();
    }
    let met = run.met;
    if s.fail_teardown {
        run.free();
    } else {
        failing::spared(|| run.free());
    }
    met
}

impl<F: Face> Run<'_, F> {
    /// Asserts that the queue shows what the model holds.
    fn check(&self, after: &str) {
        assert_eq!(
            self.q.observed(),
            self.model.observed(),
            "{}: state after {after}",
            self.context
        );
    }

    /// The ids of the next `n` items.
    fn ids(&mut self, n: usize) -> Vec<usize> {
        let ids = (self.next_id..self.next_id + n).collect();
        self.next_id += n;
        ids
    }

    /// Checks the outcome of a call that changes the queue only on `TQ_OK`:
    /// `want` unless it met the failure, then `TQ_NOMEM` and no change.
    fn settle(&mut self, what: &str, (got, met): (tq_status, bool), want: tq_status, apply: impl FnOnce(&mut Model)) {
        let context = self.context;
        if met {
            self.met = true;
            assert_eq!(got, tq_status::TQ_NOMEM, "{context}: {what} met the failure");
        } else {
            assert_eq!(got, want, "{context}: {what}");
            if got == tq_status::TQ_OK {
                apply(&mut self.model);
            }
        }
        self.check(what);
    }

    /// Runs `step`, checking each call.
    fn step(&mut self, step: Step) {
        let what = format!("{step:?}");
        match step {
            Step::Put(n) => {
                for id in self.ids(n) {
                    let priority = match self.model.order {
                        Order::Priority => priority_of(id),
                        _ => tq::DEFAULT_PRIORITY,
                    };
                    let outcome = meets_failure(|| self.q.put(id, priority));
                    let want = self.model.put_status();
                    self.settle(&format!("put of item {id}"), outcome, want, |m| m.put(id, priority));
                }
            }
            Step::PutMany(n) => self.put_many(n),
            Step::Get(n) => {
                for _ in 0..n {
                    self.get();
                }
            }
            Step::GetMany(max) => self.get_many(max),
            Step::SetMaxsize(maxsize) => {
                let outcome = meets_failure(|| self.q.set_maxsize(maxsize));
                self.settle(&what, outcome, tq_status::TQ_OK, |m| m.maxsize = maxsize);
            }
            Step::Shutdown { immediate } => {
                let ((got, discarded), met) = meets_failure(|| self.q.shutdown(immediate));
                let mut want = Vec::new();
                self.settle(&what, (got, met), tq_status::TQ_OK, |m| {
                    m.shutdown = true;
                    if immediate {
                        want = m.take_all();
                        m.unfinished -= want.len();
                    }
                });
                if let Some(discarded) = discarded {
                    assert_eq!(discarded, want, "{}: {what} discards the items in order", self.context);
                }
            }
        }
    }

    /// A batch put: on the failure, either nothing went in (`TQ_NOMEM`) or
    /// the items before the one that met it did (`TQ_OK` with fewer than would fit).
    fn put_many(&mut self, n: usize) {
        let ids = self.ids(n);
        let ((got, put), met) = meets_failure(|| self.q.put_many(&ids));
        let fit = match self.model.put_status() {
            tq_status::TQ_OK => self.model.room().min(n),
            _ => 0,
        };
        let context = self.context;
        if met {
            self.met = true;
            let partial = got == tq_status::TQ_OK && 0 < put && put < fit;
            assert!(
                (got, put) == (tq_status::TQ_NOMEM, 0) || partial,
                "{context}: a batch of {n} met the failure: {got:?} with {put} put, {fit} fit"
            );
        } else {
            let want = if fit > 0 {
                tq_status::TQ_OK
            } else {
                self.model.put_status()
            };
            assert_eq!((got, put), (want, fit), "{context}: a batch of {n}");
        }
        for &id in &ids[..put] {
            self.model.put(id, tq::DEFAULT_PRIORITY);
        }
        self.check("a batch put");
    }

    /// A get, which must allocate nothing (it cannot report a failure).
    fn get(&mut self) {
        let (got, met) = meets_failure(|| self.q.get());
        assert!(!met, "{}: a get allocated", self.context);
        let want = self.model.take().ok_or(self.model.nothing_status());
        assert_eq!(got, want, "{}: get", self.context);
        self.check("a get");
    }

    /// A batch get, which must allocate nothing either.
    fn get_many(&mut self, max: usize) {
        let ((got, items), met) = meets_failure(|| self.q.get_many(max));
        assert!(!met, "{}: a batch get allocated", self.context);
        let want: Vec<usize> = std::iter::from_fn(|| self.model.take()).take(max).collect();
        let status = if want.is_empty() {
            self.model.nothing_status()
        } else {
            tq_status::TQ_OK
        };
        assert_eq!((got, items), (status, want), "{}: a batch get of {max}", self.context);
        self.check("a batch get");
    }

    /// Puts, gets of everything in order, the task count and join all work
    /// (after the failure, or with it still to come).
    fn keeps_working(&mut self) {
        self.step(Step::Put(5));
        self.put_many(5);
        while !self.model.items.is_empty() {
            self.get();
        }
        self.get();
        let context = self.context;
        let unfinished = self.model.unfinished;
        let (done, met) = meets_failure(|| self.q.task_done_n(unfinished));
        assert_eq!(
            (done, met),
            (tq_status::TQ_OK, false),
            "{context}: task_done (met the failure?)"
        );
        self.model.unfinished = 0;
        let (joined, met) = meets_failure(|| self.q.join());
        assert_eq!(
            (joined, met),
            (tq_status::TQ_OK, false),
            "{context}: join (met the failure?)"
        );
        self.check("join");
    }

    /// Frees the queue: the items left go to the destroy callback, in order.
    fn free(self) {
        let Run {
            q, mut model, context, ..
        } = self;
        if let Some(left) = q.free() {
            assert_eq!(
                left,
                model.take_all(),
                "{context}: free destroys the items left, in order"
            );
        }
    }
}

/// Runs `s` through the C ABI and the Rust API; returns their failures.
pub fn both_faces(s: &Scenario) -> [Failures; 2] {
    [
        each_failure(&format!("C ABI: {}", s.name), |context| run::<CApi>(s, context)),
        each_failure(&format!("Rust API: {}", s.name), |context| run::<RustApi>(s, context)),
    ]
}

/// Runs each scenario through both faces and asserts that some call after
/// creation met a failure in each (the scenario does exercise growth).
pub fn assert_growth_fails_cleanly(scenarios: &[Scenario]) {
    for s in scenarios {
        for failures in both_faces(s) {
            assert!(
                failures.after_creation > 0,
                "{}: no call after creation allocated: {failures:?}",
                s.name
            );
        }
    }
}
