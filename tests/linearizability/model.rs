//! The sequential specification: Python's `queue.Queue` (FIFO, LIFO, stable
//! priority), with tq's additions as `docs/semantics.md` fixes them
//! (batches, `task_done_n`, join and put/get timeouts, `set_maxsize`), as
//! [`Step`]s. Deterministic: in a given state every step has exactly one
//! correct outcome. A timed operation is the same as a non-blocking one
//! here: if it fails, the condition (full, empty, tasks unfinished) held at
//! some point of its wait.
//!
//! A batch is not one step but a sequence of single puts or gets by its
//! thread ([`steps`]): one step per item moved, and, when it stopped early,
//! one more for the put that did not fit or the get that found nothing.

use std::fmt;
use std::ops::Range;

use tq::{GetError, JoinTimeout, Order, TooManyDone};

use crate::history::{Op, PutFail, Query, Ret, write_items};

/// One step of the sequential model: what the checker linearizes at one
/// point of an event's interval.
#[derive(Clone, Copy, Debug)]
pub enum Step<'h> {
    /// An atomic operation (anything but a batch) and what it returned.
    Whole(&'h Op, &'h Ret),
    /// A batch put's item going in.
    PutItem(u32),
    /// A batch put's next item not going in (full or shut down): it stops.
    PutStops(u32),
    /// A batch put's first item refused: the batch returns this error.
    PutRefused(PutFail),
    /// A batch get taking this item.
    GetItem(u32),
    /// A batch get's next get finding nothing: it stops.
    GetStops,
    /// A batch get's first get finding nothing: the batch returns this error.
    GetRefused(GetError),
    /// An empty batch (`put_many` of no items, `get_many` of at most 0),
    /// returning `Ok(0)` and changing nothing.
    NoItems,
    /// A batch result that no sequence of steps gives, and why.
    Impossible(&'static str),
}

/// Why the model does not take a step (formatted only for a report).
#[derive(Debug)]
pub enum Refusal {
    /// An atomic operation returns this instead.
    Expects(Ret),
    /// A put does not go in, for this reason.
    Refuses(PutFail),
    /// The next item fits, so the batch put does not stop.
    Fits,
    /// The batch put's first item goes in.
    FirstFits,
    /// A get takes this item instead.
    Gives(u32),
    /// A get finds nothing, returning this.
    FindsNothing(GetError),
    /// A get that should find nothing takes this item.
    Takes(u32),
    /// The result is one no sequence of steps gives, for this reason.
    Impossible(&'static str),
}

/// The steps that `op` returning `ret` is linearized as, in order.
pub fn steps<'h>(op: &'h Op, ret: &'h Ret) -> Vec<Step<'h>> {
    let one = |step| vec![step];
    match (op, ret) {
        (Op::PutMany { items, .. }, &Ret::PutMany(result)) => match result {
            Ok(0) if items.is_empty() => one(Step::NoItems),
            _ if items.is_empty() => one(Step::Impossible("a put_many of no items returns Ok(0)")),
            Ok(0) => one(Step::Impossible("a put_many that put nothing returns an error")),
            Ok(k) if k > items.len() => one(Step::Impossible("it cannot put more items than it was given")),
            Ok(k) => items[..k]
                .iter()
                .map(|&x| Step::PutItem(x))
                .chain(items.get(k).map(|&x| Step::PutStops(x)))
                .collect(),
            Err(why) => one(Step::PutRefused(why)),
        },
        (&Op::GetMany { max, .. }, Ret::GetMany(result)) => match result {
            Ok((0, got)) if max == 0 && got.is_empty() => one(Step::NoItems),
            _ if max == 0 => one(Step::Impossible(
                "a get_many of at most 0 returns Ok(0) and takes nothing",
            )),
            Ok((n, got)) if *n != got.len() => one(Step::Impossible("the count is not the number of items taken")),
            Ok((0, _)) => one(Step::Impossible("a get_many that took nothing returns an error")),
            Ok((n, _)) if *n > max => one(Step::Impossible("it cannot take more than max items")),
            Ok((n, got)) => got
                .iter()
                .map(|&x| Step::GetItem(x))
                .chain((*n < max).then_some(Step::GetStops))
                .collect(),
            Err(e) => one(Step::GetRefused(*e)),
        },
        (Op::PutMany { .. } | Op::GetMany { .. }, _) => one(Step::Impossible("a batch returns a batch's result")),
        _ => one(Step::Whole(op, ret)),
    }
}

impl Step<'_> {
    /// Whether this step puts an item in.
    pub fn puts_an_item(&self) -> bool {
        matches!(self, Step::PutItem(_) | Step::Whole(Op::Put { .. }, Ret::Put(Ok(()))))
    }

    /// Whether this step leaves every state that accepts it as it is: a
    /// query, a wait or call that failed, a batch's stopping step. (Not
    /// `set_maxsize(n)`, which changes nothing only where the bound is `n`.)
    pub fn changes_nothing(&self) -> bool {
        match self {
            Step::Whole(op, ret) => matches!(
                (op, ret),
                (Op::Query(_) | Op::Join { .. }, _)
                    | (Op::Put { .. }, Ret::Put(Err(_)))
                    | (Op::Get { .. }, Ret::Get(Err(_)))
                    | (Op::TaskDone { .. }, Ret::TaskDone(Err(_)))
                    | (Op::TaskDone { n: Some(0) }, _)
            ),
            Step::PutItem(_) | Step::GetItem(_) => false,
            Step::PutStops(_)
            | Step::PutRefused(_)
            | Step::GetStops
            | Step::GetRefused(_)
            | Step::NoItems
            | Step::Impossible(_) => true,
        }
    }

    /// Whether a get about to take the head of a FIFO queue may move ahead
    /// of this step of another thread, in any order from here where the
    /// step comes first, keeping every later state: the step cannot come
    /// before that get at all (it takes an item, finds none, finds the queue
    /// empty or discards it: all need the head gone, and only that get takes
    /// it); or it neither reads nor changes the head or the length (task
    /// counts, the bound, a plain shutdown); or what it sees stays true with
    /// one item fewer (a put at the tail going in, `is_full() -> false`).
    pub fn commutes_with_fifo_get(&self) -> bool {
        match self {
            Step::Whole(op, ret) => matches!(
                (op, ret),
                (
                    Op::Put { .. },
                    Ret::Put(Ok(()) | Err((PutFail::ShutDown | PutFail::NotPriority, _)))
                ) | (
                    Op::Get { .. } | Op::TaskDone { .. } | Op::Join { .. } | Op::SetMaxsize(_),
                    _
                ) | (Op::Query(Query::Maxsize | Query::Unfinished | Query::IsShutdown), _)
                    | (Op::Query(Query::IsFull), Ret::Flag(false))
                    | (Op::Query(Query::IsEmpty), Ret::Flag(true))
                    | (Op::Shutdown { .. }, _)
            ),
            Step::PutItem(_)
            | Step::PutRefused(PutFail::ShutDown)
            | Step::GetItem(_)
            | Step::GetStops
            | Step::GetRefused(_)
            | Step::NoItems => true,
            Step::PutRefused(_) | Step::PutStops(_) | Step::Impossible(_) => false,
        }
    }
}

/// The state of a queue, compared and hashed whole by the checker's cache.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Model {
    order: Order,
    /// 0 means unbounded.
    maxsize: usize,
    /// Items put before the concurrent part (FIFO only): the numbers in this
    /// range, queued ahead of `items`. A range keeps a backlog of more than
    /// the ring's 1024 slots cheap to copy and to hash.
    backlog: Range<u32>,
    /// (priority, item), in the order gets take them.
    items: Vec<(i64, u32)>,
    unfinished: usize,
    shutdown: bool,
}

impl Model {
    /// A live queue holding the items `backlog` (in FIFO order), with
    /// `unfinished` tasks not yet done.
    pub fn new(order: Order, maxsize: usize, backlog: Range<u32>, unfinished: usize) -> Self {
        assert!(
            backlog.is_empty() || order == Order::Fifo,
            "a backlog is a FIFO queue's"
        );
        Model {
            order,
            maxsize,
            backlog,
            items: Vec::new(),
            unfinished,
            shutdown: false,
        }
    }

    /// The state after `step`, or why the model does not take it.
    pub fn step(&self, step: Step) -> Result<Model, Refusal> {
        let mut next = self.clone();
        match step {
            Step::Whole(op, ret) => {
                let expected = next.apply(op);
                if expected != *ret {
                    return Err(Refusal::Expects(expected));
                }
            }
            Step::PutItem(item) => match self.refusal() {
                None => next.push(item, tq::DEFAULT_PRIORITY),
                Some(why) => return Err(Refusal::Refuses(why)),
            },
            Step::PutStops(_) if self.refusal().is_none() => return Err(Refusal::Fits),
            Step::PutRefused(why) => match self.refusal() {
                None => return Err(Refusal::FirstFits),
                Some(refusal) if refusal != why => return Err(Refusal::Refuses(refusal)),
                Some(_) => {}
            },
            Step::GetItem(item) => match next.pop() {
                Some(got) if got == item => {}
                Some(got) => return Err(Refusal::Gives(got)),
                None => return Err(Refusal::FindsNothing(self.nothing())),
            },
            Step::GetStops | Step::GetRefused(_) if self.len() > 0 => {
                return Err(Refusal::Takes(next.pop().expect("the queue is not empty")));
            }
            Step::GetRefused(e) if e != self.nothing() => return Err(Refusal::FindsNothing(self.nothing())),
            Step::Impossible(why) => return Err(Refusal::Impossible(why)),
            Step::PutStops(_) | Step::GetStops | Step::GetRefused(_) | Step::NoItems => {}
        }
        Ok(next)
    }

    /// Whether gets take the oldest item.
    pub fn is_fifo(&self) -> bool {
        self.order == Order::Fifo
    }

    fn len(&self) -> usize {
        self.backlog.len() + self.items.len()
    }

    fn full(&self) -> bool {
        self.maxsize > 0 && self.len() >= self.maxsize
    }

    fn push(&mut self, item: u32, priority: i64) {
        let at = match self.order {
            Order::Fifo => self.items.len(),
            Order::Lifo => 0,
            // After every item of the same or a lower priority: stable.
            Order::Priority => self.items.partition_point(|&(p, _)| p <= priority),
        };
        self.items.insert(at, (priority, item));
        self.unfinished += 1;
    }

    fn pop(&mut self) -> Option<u32> {
        if let Some(item) = self.backlog.next() {
            return Some(item);
        }
        (!self.items.is_empty()).then(|| self.items.remove(0).1)
    }

    /// Why a get finds nothing.
    fn nothing(&self) -> GetError {
        if self.shutdown {
            GetError::ShutDown
        } else {
            GetError::Empty
        }
    }

    /// Why a put does not go in now, if it does not.
    fn refusal(&self) -> Option<PutFail> {
        if self.shutdown {
            Some(PutFail::ShutDown)
        } else if self.full() {
            Some(PutFail::Full)
        } else {
            None
        }
    }

    /// Performs the atomic `op`, returning what the queue must return.
    fn apply(&mut self, op: &Op) -> Ret {
        match *op {
            Op::Put { item, priority, .. } => Ret::Put(if priority.is_some() && self.order != Order::Priority {
                Err((PutFail::NotPriority, item))
            } else if let Some(why) = self.refusal() {
                Err((why, item))
            } else {
                self.push(item, priority.unwrap_or(tq::DEFAULT_PRIORITY));
                Ok(())
            }),
            Op::Get { .. } => Ret::Get(self.pop().ok_or_else(|| self.nothing())),
            Op::PutMany { .. } | Op::GetMany { .. } => unreachable!("a batch is stepped item by item"),
            Op::TaskDone { n } => {
                let n = n.unwrap_or(1);
                Ret::TaskDone(match self.unfinished.checked_sub(n) {
                    Some(left) => {
                        self.unfinished = left;
                        Ok(())
                    }
                    None => Err(TooManyDone),
                })
            }
            Op::Join { .. } => Ret::Join(if self.unfinished == 0 { Ok(()) } else { Err(JoinTimeout) }),
            Op::SetMaxsize(n) => {
                self.maxsize = n;
                Ret::Unit
            }
            Op::Query(q) => match q {
                Query::Qsize => Ret::Count(self.len()),
                Query::IsEmpty => Ret::Flag(self.len() == 0),
                Query::IsFull => Ret::Flag(self.full()),
                Query::Unfinished => Ret::Count(self.unfinished),
                Query::Maxsize => Ret::Count(self.maxsize),
                Query::IsShutdown => Ret::Flag(self.shutdown),
            },
            Op::Shutdown { immediate } => {
                self.shutdown = true;
                let mut discarded = Vec::new();
                if immediate {
                    discarded.extend(std::iter::from_fn(|| self.pop()));
                    // Each discarded item counts as done (never below zero).
                    self.unfinished = self.unfinished.saturating_sub(discarded.len());
                }
                Ret::Shutdown(discarded)
            }
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let queued: Vec<u32> = self.backlog.clone().chain(self.items.iter().map(|&(_, x)| x)).collect();
        f.write_str("queued ")?;
        write_items(f, &queued)?;
        if self.order == Order::Priority {
            write!(
                f,
                " (priorities {:?})",
                self.items.iter().map(|&(p, _)| p).collect::<Vec<_>>()
            )?;
        }
        write!(f, ", maxsize {}, unfinished {}", self.maxsize, self.unfinished)?;
        if self.shutdown {
            f.write_str(", shut down")?;
        }
        Ok(())
    }
}

impl fmt::Display for Step<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Whole(op, ret) => write!(f, "{op} -> {ret}"),
            Step::PutItem(item) => write!(f, "put {item}"),
            Step::PutStops(item) => write!(f, "{item} does not fit"),
            Step::PutRefused(why) => write!(f, "first item refused: {why:?}"),
            Step::GetItem(item) => write!(f, "get -> {item}"),
            Step::GetStops => f.write_str("get finds nothing"),
            Step::GetRefused(e) => write!(f, "get finds nothing: {e:?}"),
            Step::NoItems => f.write_str("no items"),
            Step::Impossible(_) => f.write_str("its result"),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Expects(ret) => write!(f, "the model expects {ret}"),
            Refusal::Refuses(why) => write!(f, "the model refuses it ({why:?})"),
            Refusal::Fits => f.write_str("it fits, so the batch would not stop here"),
            Refusal::FirstFits => f.write_str("the model puts the first item in"),
            Refusal::Gives(item) => write!(f, "the model gives {item}"),
            Refusal::FindsNothing(e) => write!(f, "the model finds nothing ({e:?})"),
            Refusal::Takes(item) => write!(f, "the model takes {item}"),
            Refusal::Impossible(why) => f.write_str(why),
        }
    }
}
