//! The linearizability check: Wing & Gong's search for an order of the
//! operations' steps that respects real time and that the sequential model
//! accepts, with Lowe's memoisation ("Testing for linearizability", 2017, as
//! in porcupine and knossos): a node already explored is never explored
//! again.
//!
//! Each event is linearized as the steps [`steps`] gives: an atomic
//! operation as one, a batch as its single puts or gets, each at its own
//! point within the call and in order. The next step may be the next one of
//! any pending event (not all its steps linearized) that was called before
//! the earliest return among the pending events; a batch with some steps
//! linearized always qualifies. Each thread's operations are sequential, so
//! at most one per thread qualifies. A node is the set of events fully
//! linearized (per-thread prefixes), how far each open batch has got, and
//! the model's state.
//!
//! A step that leaves every state that accepts it as it is (a query, a
//! failed put or get, a batch's stopping step: [`Step::changes_nothing`])
//! is taken alone as soon as it qualifies and the model accepts it: in any
//! linearization from here it may move up to now, as the steps in between
//! see the same states and leaving the pending set earlier only relaxes the
//! real-time order. Likewise a batch get taking the head of a FIFO queue is
//! taken alone when every step of another thread that may come before it
//! commutes with it or cannot come before it at all
//! ([`Step::commutes_with_fifo_get`]): it may move ahead of them, and so
//! may the batch's gets after it, which are taken with it in one move.
//! Without that, each put or bound change of another thread could go
//! between any two of the thousand gets of a batch over the ring's backlog.
//!
//! Steps of the event that returns first are tried first. Overlapping puts
//! can still leave the items in many orders, so the cache does not bound
//! the search: recorded histories need a few dozen nodes (a few thousand
//! when a batch over the ring's backlog overlaps queries of the length),
//! and [`MAX_STATES`] stops a pathological one. The depth-first search
//! keeps its own stack, as a path may be a thousand steps long.

use std::collections::HashSet;
use std::fmt;

use crate::history::Event;
use crate::model::{Model, Refusal, Step, steps};

/// The most nodes one check may explore.
pub const MAX_STATES: usize = 50_000;

/// Whether other puts may go in between the items of one `put_many`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchPuts {
    /// Any step may come between two of a batch's steps.
    MayInterleave,
    /// No other put goes in between two items of one `put_many` (a separate
    /// rule of `docs/semantics.md`: a batch's items are queued next to each
    /// other). Its stopping step may still come after other puts.
    Contiguous,
}

/// A step of an event: (index into the history, index into its steps).
pub type StepId = (usize, usize);

/// Why a history was rejected.
#[derive(Debug)]
pub enum Failure {
    /// No linearization exists; the explanation of the deepest dead end.
    NotLinearizable(DeadEnd),
    /// The search explored [`MAX_STATES`] nodes without an answer.
    TooBig,
}

/// The longest linearized prefix the search found, and why it could not go on.
#[derive(Debug)]
pub struct DeadEnd {
    /// The steps, in linearization order.
    pub prefix: Vec<StepId>,
    /// The model after the prefix.
    pub state: Model,
    /// Each step that could have come next, and why it could not (`None`:
    /// the model accepts it, but nothing fits after it).
    pub candidates: Vec<(StepId, Option<String>)>,
}

/// Checks `history` (operations in any order) against the model starting in
/// state `init`, under the rule `batch_puts`.
pub fn check(init: &Model, history: &[Event], batch_puts: BatchPuts) -> Result<(), Failure> {
    assert!(history.len() < 64, "the set of linearized events is a 64-bit mask");
    let mut search = Search {
        history,
        steps: history.iter().map(|e| steps(&e.op, &e.ret)).collect(),
        batch_puts,
        progress: vec![0; history.len()],
        seen: HashSet::new(),
        path: Vec::new(),
        deepest: None,
    };
    match search.run(init.clone()) {
        Some(true) => Ok(()),
        Some(false) => Err(Failure::NotLinearizable(
            search.deepest.expect("a failed search records its dead ends"),
        )),
        None => Err(Failure::TooBig),
    }
}

/// A node of Lowe's cache: the events fully linearized (a bit each), the
/// open batches with how many of their steps are linearized, the state.
type Key = (u64, Vec<(usize, usize)>, Model);

/// Why a step cannot come next.
enum NoGo {
    Refused(Refusal),
    /// Under `Contiguous`: a put while this event's put_many is between items.
    BetweenItems(usize),
}

impl fmt::Display for NoGo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoGo::Refused(why) => write!(f, "{why}"),
            NoGo::BetweenItems(b) => write!(f, "no put goes in between two items of #{b}'s put_many"),
        }
    }
}

/// A way on from a node: the next `count` steps of one event.
struct Move {
    first: StepId,
    count: usize,
    /// The state after them, or why the first cannot come next.
    outcome: Result<Model, NoGo>,
}

/// A node on the search's stack.
struct Node {
    state: Model,
    /// The moves that may come next.
    moves: Vec<Move>,
    /// How many of `moves` have been tried.
    tried: usize,
}

/// The depth-first search's state.
struct Search<'h> {
    history: &'h [Event],
    /// Each event's steps.
    steps: Vec<Vec<Step<'h>>>,
    batch_puts: BatchPuts,
    /// How many of each event's steps are linearized on the current path.
    progress: Vec<usize>,
    /// Lowe's cache: the nodes already explored.
    seen: HashSet<Key>,
    /// The steps linearized so far, in order.
    path: Vec<StepId>,
    deepest: Option<DeadEnd>,
}

impl Search<'_> {
    /// Whether the steps of every event can be linearized, from `init`;
    /// `None` when the search grew too big.
    fn run(&mut self, init: Model) -> Option<bool> {
        if self.finished() {
            return Some(true);
        }
        self.seen.insert(self.key(&init));
        let mut stack = vec![self.node(init)];
        while let Some(node) = stack.last_mut() {
            let Some(k) = (node.tried..node.moves.len()).find(|&k| node.moves[k].outcome.is_ok()) else {
                let node = stack.pop().expect("the loop looked at it");
                self.dead_end(node);
                if let Some(parent) = stack.last() {
                    self.undo(&parent.moves[parent.tried - 1]);
                }
                continue;
            };
            node.tried = k + 1;
            let taken = &node.moves[k];
            let Ok(state) = &taken.outcome else {
                unreachable!("only accepted moves are taken")
            };
            let state = state.clone();
            let ((i, p), count) = (taken.first, taken.count);
            self.progress[i] += count;
            self.path.extend((p..p + count).map(|q| (i, q)));
            if self.finished() {
                return Some(true);
            }
            if !self.seen.insert(self.key(&state)) {
                self.undo(&node.moves[k]);
                continue;
            }
            if self.seen.len() > MAX_STATES {
                return None;
            }
            stack.push(self.node(state));
        }
        Some(false)
    }

    /// Takes back the steps of `taken`, the last move on the path.
    fn undo(&mut self, taken: &Move) {
        self.progress[taken.first.0] -= taken.count;
        self.path.truncate(self.path.len() - taken.count);
    }

    /// Whether every step of every event is linearized.
    fn finished(&self) -> bool {
        self.progress.iter().zip(&self.steps).all(|(&p, s)| p == s.len())
    }

    /// The cache's key for the current path ending in `state`.
    fn key(&self, state: &Model) -> Key {
        let mut done = 0;
        let mut open = Vec::new();
        for (i, (&p, s)) in self.progress.iter().zip(&self.steps).enumerate() {
            if p == s.len() {
                done |= 1 << i;
            } else if p > 0 {
                open.push((i, p));
            }
        }
        (done, open, state.clone())
    }

    /// The node for `state` at the end of the current path: the moves that
    /// may come next, one step each, earliest return first (the event that
    /// must be done soonest). An accepted step that changes nothing is the
    /// only move; so is a batch get that may go first, with the batch's
    /// gets after it that the model accepts (each may go first in turn).
    fn node(&self, state: Model) -> Node {
        let pending = |i: &usize| self.progress[*i] < self.steps[*i].len();
        let n = self.history.len();
        let first_return = (0..n)
            .filter(pending)
            .map(|i| self.history[i].done)
            .min()
            .expect("something is pending");
        let mut next: Vec<StepId> = (0..n)
            .filter(pending)
            .filter(|&i| self.progress[i] > 0 || self.history[i].call <= first_return)
            .map(|i| (i, self.progress[i]))
            .collect();
        next.sort_by_key(|&(i, _)| self.history[i].done);
        // A put_many with items in and more to go, under `Contiguous`.
        let between_items = (0..n).find(|&i| {
            let p = self.progress[i];
            self.batch_puts == BatchPuts::Contiguous && p > 0 && matches!(self.steps[i].get(p), Some(Step::PutItem(_)))
        });
        let outcome = |(i, p): StepId| match between_items {
            Some(b) if b != i && self.steps[i][p].puts_an_item() => Err(NoGo::BetweenItems(b)),
            _ => state.step(self.steps[i][p]).map_err(NoGo::Refused),
        };
        let forced = next.iter().find_map(|&(i, p)| {
            let step = self.steps[i][p];
            let gets_first = self.may_go_first(i, step, &state);
            if !gets_first && !step.changes_nothing() {
                return None;
            }
            let mut after = outcome((i, p)).ok()?;
            let mut count = 1;
            while gets_first && matches!(self.steps[i].get(p + count), Some(Step::GetItem(_))) {
                let Ok(next) = after.step(self.steps[i][p + count]) else {
                    break;
                };
                after = next;
                count += 1;
            }
            Some(Move {
                first: (i, p),
                count,
                outcome: Ok(after),
            })
        });
        let moves = match forced {
            Some(only) => vec![only],
            None => next
                .into_iter()
                .map(|first| Move {
                    first,
                    count: 1,
                    outcome: outcome(first),
                })
                .collect(),
        };
        Node { state, moves, tried: 0 }
    }

    /// Whether `step`, the next of event `e`, is a batch get that, if it
    /// takes the head of a FIFO queue, may go before every step that may
    /// come before it (the remaining steps of the other events called
    /// before `e` returned).
    fn may_go_first(&self, e: usize, step: Step, state: &Model) -> bool {
        matches!(step, Step::GetItem(_))
            && state.is_fifo()
            && (0..self.history.len())
                .filter(|&j| j != e && self.history[j].call < self.history[e].done)
                .all(|j| {
                    self.steps[j][self.progress[j]..]
                        .iter()
                        .all(Step::commutes_with_fifo_get)
                })
    }

    /// Records the exhausted `node` if its path is the longest yet.
    fn dead_end(&mut self, node: Node) {
        if self.deepest.as_ref().is_none_or(|d| d.prefix.len() < self.path.len()) {
            self.deepest = Some(DeadEnd {
                prefix: self.path.clone(),
                state: node.state,
                candidates: node
                    .moves
                    .into_iter()
                    .map(|m| (m.first, m.outcome.err().map(|why| why.to_string())))
                    .collect(),
            });
        }
    }
}

/// A rejected history with its context, printed as the test's failure.
pub struct Report<'a> {
    /// What was run (the queue, the seed).
    pub title: &'a str,
    pub init: &'a Model,
    pub history: &'a [Event],
    /// The rule the failed check used; a `Contiguous` failure is reported as
    /// one of that rule alone (the history passed `MayInterleave`).
    pub batch_puts: BatchPuts,
    pub failure: &'a Failure,
}

impl Report<'_> {
    /// Writes event `i` and, for an event of several steps, which of them
    /// `first..=last` (0-based) are.
    fn write_steps(&self, f: &mut fmt::Formatter<'_>, i: usize, (first, last): (usize, usize)) -> fmt::Result {
        let event = &self.history[i];
        write!(f, "  #{i:<2} {event}")?;
        let steps = steps(&event.op, &event.ret);
        if steps.len() == 1 {
            return Ok(());
        }
        let n = steps.len();
        let labels: Vec<String> = steps[first..=last].iter().map(|s| s.to_string()).collect();
        if first == last {
            write!(f, ", step {} of {n} ({})", first + 1, labels[0])
        } else if labels.len() <= 4 {
            write!(f, ", steps {}-{} of {n} ({})", first + 1, last + 1, labels.join(", "))
        } else {
            let (a, z) = (&labels[0], &labels[labels.len() - 1]);
            write!(f, ", steps {}-{} of {n} ({a} .. {z})", first + 1, last + 1)
        }
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.title)?;
        writeln!(f, "initial state: {}", self.init)?;
        writeln!(f, "history, by call (stamps of one counter: [call, return]):")?;
        let mut by_call: Vec<usize> = (0..self.history.len()).collect();
        by_call.sort_by_key(|&i| self.history[i].call);
        for i in by_call {
            let e = &self.history[i];
            writeln!(f, "  #{i:<2} [{:>3}, {:>3}] {e}", e.call, e.done)?;
        }
        let dead_end = match self.failure {
            Failure::TooBig => return write!(f, "the search explored {MAX_STATES} states without an answer"),
            Failure::NotLinearizable(d) => d,
        };
        let total: usize = self.history.iter().map(|e| steps(&e.op, &e.ret).len()).sum();
        writeln!(
            f,
            "NOT LINEARIZABLE{}. The longest order the model accepts ({} of {total} steps):",
            if self.batch_puts == BatchPuts::Contiguous {
                " with no other put between two items of one put_many (linearizable without that rule)"
            } else {
                ""
            },
            dead_end.prefix.len(),
        )?;
        // Consecutive steps of one event on one line.
        let mut k = 0;
        while k < dead_end.prefix.len() {
            let (i, first) = dead_end.prefix[k];
            let run = dead_end.prefix[k..].iter().take_while(|&&(j, _)| j == i).count();
            self.write_steps(f, i, (first, first + run - 1))?;
            writeln!(f)?;
            k += run;
        }
        writeln!(f, "then the model is: {}", dead_end.state)?;
        writeln!(f, "and no step may come next:")?;
        for &((i, s), ref why) in &dead_end.candidates {
            let why = why.as_deref().unwrap_or("accepted, but nothing can follow it");
            self.write_steps(f, i, (s, s))?;
            writeln!(f, ": {why}")?;
        }
        Ok(())
    }
}
