//! Linearizability of `tq::Queue`: thousands of small concurrent runs (3-4
//! threads, 5-8 random operations each, every operation of the API), each
//! history checked against a sequential model of Python's queue semantics
//! by a Wing & Gong search with Lowe's memoisation. A batch is linearized as
//! its single puts or gets, each at its own point of the call. A history
//! that no order of its steps explains fails the test, printed with the
//! seed that chose its operations and the longest order the model accepts;
//! so does one explained only with another put between two items of one
//! `put_many` (a separate rule, checked on its own).
//!
//! `TQ_LIN_HISTORIES=N` runs N histories per kind of queue (default
//! [`DEFAULT_HISTORIES`]); `TQ_LIN_SEED=S` changes the first seed (history
//! `i` uses `S + i`). `scripts/verify.sh lin` runs many more in release mode.

#[path = "linearizability/checker.rs"]
mod checker;
#[path = "linearizability/history.rs"]
mod history;
#[path = "linearizability/model.rs"]
mod model;
#[path = "common/ring.rs"]
mod ring;
#[path = "linearizability/workload.rs"]
mod workload;

use checker::{BatchPuts, Failure, Report, check};
use history::{Event, Op, PutFail, Query, Ret, Wait};
use model::Model;
use tq::{GetError, JoinTimeout, Order, TooManyDone};
use workload::{Kind, run};

/// Histories per kind of queue in a plain `cargo test`.
const DEFAULT_HISTORIES: u64 = 3000;

/// The first seed when `TQ_LIN_SEED` is not set.
const DEFAULT_SEED: u64 = 0x7451_1e55;

/// Reads a number from the environment variable `name`.
fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

/// Runs and checks the configured number of histories on queues of `kind`.
fn check_histories(kind: Kind) {
    let count = env_number("TQ_LIN_HISTORIES", DEFAULT_HISTORIES);
    let first = env_number("TQ_LIN_SEED", DEFAULT_SEED);
    for seed in (0..count).map(|i| first.wrapping_add(i)) {
        let r = run(kind, seed);
        // The stricter check first; if it fails, the plain one says which rule broke.
        let failed = check(&r.init, &r.history, BatchPuts::Contiguous).err().map(|strict| {
            match check(&r.init, &r.history, BatchPuts::MayInterleave) {
                Ok(()) => (BatchPuts::Contiguous, strict),
                Err(plain) => (BatchPuts::MayInterleave, plain),
            }
        });
        if let Some((batch_puts, failure)) = failed {
            // The test harness names the thread after the test.
            let test = std::thread::current().name().unwrap_or("").to_owned();
            let title = format!(
                "{kind:?} queue {:?}, seed {seed} (its operations again: \
                 TQ_LIN_SEED={seed} TQ_LIN_HISTORIES=1 cargo test --test linearizability {test})",
                r.setup
            );
            let report = Report {
                title: &title,
                init: &r.init,
                history: &r.history,
                batch_puts,
                failure: &failure,
            };
            panic!("{report}");
        }
    }
}

#[test]
fn fifo_small_bounded_histories_are_linearizable() {
    check_histories(Kind::FifoSmall);
}

#[test]
fn fifo_unbounded_histories_are_linearizable() {
    check_histories(Kind::FifoUnbounded);
}

#[test]
fn fifo_overflow_histories_are_linearizable() {
    check_histories(Kind::FifoOverflow);
}

#[test]
fn lifo_histories_are_linearizable() {
    check_histories(Kind::Lifo);
}

#[test]
fn priority_histories_are_linearizable() {
    check_histories(Kind::Priority);
}

// The checker itself, on hand-written histories.

/// An event of thread `thread`, called at `call` and returned at `done`.
fn ev(thread: usize, call: u64, done: u64, op: Op, ret: Ret) -> Event {
    Event {
        thread,
        op,
        ret,
        call,
        done,
    }
}

/// `put_nowait(item)`.
fn put(item: u32) -> Op {
    Op::Put {
        item,
        priority: None,
        wait: Wait::NoWait,
    }
}

/// `get_nowait()`.
fn get() -> Op {
    Op::Get { wait: Wait::NoWait }
}

/// What a put that went in returns.
const OK: Ret = Ret::Put(Ok(()));

/// What a get that took `item` returns.
fn got(item: u32) -> Ret {
    Ret::Get(Ok(item))
}

/// Thread 0 running `steps` one after the other.
fn sequential(steps: Vec<(Op, Ret)>) -> Vec<Event> {
    let stamps = (0..).step_by(2);
    steps
        .into_iter()
        .zip(stamps)
        .map(|((op, ret), t)| ev(0, t, t + 1, op, ret))
        .collect()
}

/// An empty FIFO queue of `maxsize`, as the model sees it.
fn fifo(maxsize: usize) -> Model {
    Model::new(Order::Fifo, maxsize, 0..0, 0)
}

/// Whether the checker accepts `history` under `batch_puts`, panicking if
/// the search blew up.
fn accepted_with(batch_puts: BatchPuts, init: &Model, history: &[Event]) -> bool {
    match check(init, history, batch_puts) {
        Ok(()) => true,
        Err(Failure::NotLinearizable(_)) => false,
        Err(Failure::TooBig) => panic!("the search should be tiny"),
    }
}

/// Whether the checker accepts `history`, other puts allowed between the
/// items of a `put_many`.
fn accepted(init: &Model, history: &[Event]) -> bool {
    accepted_with(BatchPuts::MayInterleave, init, history)
}

/// The checker's report on `history`, which it must reject.
fn rejection(init: &Model, history: &[Event]) -> String {
    let failure = check(init, history, BatchPuts::MayInterleave).expect_err("the checker accepted it");
    Report {
        title: "hand-written",
        init,
        history,
        batch_puts: BatchPuts::MayInterleave,
        failure: &failure,
    }
    .to_string()
}

/// `put_many(items)` without waiting.
fn put_many(items: &[u32]) -> Op {
    Op::PutMany {
        items: items.to_vec(),
        wait: Wait::NoWait,
    }
}

/// `get_many(max)` without waiting.
fn get_many(max: usize) -> Op {
    Op::GetMany {
        max,
        wait: Wait::NoWait,
    }
}

/// What a get_many that took `items` returns.
fn got_many(items: &[u32]) -> Ret {
    Ret::GetMany(Ok((items.len(), items.to_vec())))
}

#[test]
fn a_get_of_an_item_not_yet_put_is_rejected_with_an_explanation() {
    let history = [ev(0, 0, 1, get(), got(7)), ev(1, 2, 3, put(7), OK)];
    let report = rejection(&fifo(0), &history);
    assert!(report.contains("NOT LINEARIZABLE"), "{report}");
    assert!(
        report.contains("T0 get_nowait() -> Ok(7): the model expects Err(Empty)"),
        "{report}"
    );
}

#[test]
fn two_gets_of_one_item_are_rejected() {
    let history = [
        ev(0, 0, 1, put(7), OK),
        ev(1, 2, 5, get(), got(7)),
        ev(2, 3, 4, get(), got(7)),
    ];
    assert!(!accepted(&fifo(0), &history));
}

#[test]
fn overlapping_operations_may_take_effect_in_either_order() {
    // put(2) and the get take effect before put(1), which overlaps both.
    let history = [
        ev(0, 0, 5, put(1), OK),
        ev(1, 1, 3, put(2), OK),
        ev(2, 2, 6, get(), got(2)),
        ev(1, 7, 8, Op::Query(Query::Qsize), Ret::Count(1)),
    ];
    assert!(accepted(&fifo(0), &history));
}

#[test]
fn a_step_that_changes_nothing_here_may_still_have_to_wait() {
    // set_maxsize(0) changes nothing at first, but must come after set_maxsize(3).
    let history = [
        ev(0, 0, 3, Op::SetMaxsize(3), Ret::Unit),
        ev(1, 1, 2, Op::SetMaxsize(0), Ret::Unit),
        ev(1, 4, 5, Op::Query(Query::Maxsize), Ret::Count(0)),
    ];
    assert!(accepted(&fifo(0), &history));
}

#[test]
fn real_time_order_binds_operations_that_do_not_overlap() {
    let fifo_broken = sequential(vec![(put(1), OK), (put(2), OK), (get(), got(2))]);
    assert!(!accepted(&fifo(0), &fifo_broken));
    let lifo = Model::new(Order::Lifo, 0, 0..0, 0);
    assert!(accepted(&lifo, &fifo_broken), "LIFO hands out the last item first");
}

#[test]
fn priorities_are_stable() {
    let put_p = |item, p| Op::Put {
        item,
        priority: Some(p),
        wait: Wait::NoWait,
    };
    let steps = |first| {
        sequential(vec![
            (put_p(1, 5), OK),
            (put_p(2, -1), OK),
            (put(3), OK),
            (put_p(4, 5), OK),
            (get(), got(2)),
            (get(), got(3)),
            (get(), got(first)),
        ])
    };
    let priority = Model::new(Order::Priority, 0, 0..0, 0);
    assert!(accepted(&priority, &steps(1)));
    assert!(
        !accepted(&priority, &steps(4)),
        "equal priorities come out in put order"
    );
}

#[test]
fn a_timed_get_fails_only_if_the_queue_was_empty_at_some_point_of_its_wait() {
    let timed = Op::Get { wait: Wait::Ms(2) };
    let empty = Ret::Get(Err(GetError::Empty));
    let raced = [ev(0, 0, 5, timed.clone(), empty.clone()), ev(1, 1, 2, put(1), OK)];
    assert!(accepted(&fifo(0), &raced));
    let never_empty = sequential(vec![(put(1), OK), (timed, empty)]);
    assert!(!accepted(&fifo(0), &never_empty));
}

#[test]
fn batches_move_as_many_items_as_fit_or_are_there() {
    let good = sequential(vec![
        (put_many(&[1, 2, 3]), Ret::PutMany(Ok(2))),
        (put_many(&[4]), Ret::PutMany(Err(PutFail::Full))),
        (get_many(5), Ret::GetMany(Ok((2, vec![1, 2])))),
        (get_many(5), Ret::GetMany(Err(GetError::Empty))),
    ]);
    assert!(accepted(&fifo(2), &good));
    let too_many = sequential(vec![(put_many(&[1, 2, 3]), Ret::PutMany(Ok(3)))]);
    assert!(!accepted(&fifo(2), &too_many));
    let too_few = sequential(vec![
        (put_many(&[1, 2]), Ret::PutMany(Ok(2))),
        (get_many(5), Ret::GetMany(Ok((1, vec![1])))),
    ]);
    assert!(!accepted(&fifo(2), &too_few), "both items were there");
    let empty = sequential(vec![(put_many(&[]), Ret::PutMany(Ok(0))), (get_many(0), got_many(&[]))]);
    assert!(accepted(&fifo(2), &empty));
    let counted_wrong = sequential(vec![(put(1), OK), (get_many(3), Ret::GetMany(Ok((2, vec![1]))))]);
    assert!(!accepted(&fifo(0), &counted_wrong));
}

#[test]
fn a_get_may_take_an_item_between_two_items_of_a_put_many() {
    // Bound 1: 1 goes in, T1 takes it, 2 goes in, 3 does not fit.
    let history = [
        ev(0, 0, 5, put_many(&[1, 2, 3]), Ret::PutMany(Ok(2))),
        ev(1, 1, 4, get(), got(1)),
        ev(1, 6, 7, get(), got(2)),
    ];
    assert!(accepted(&fifo(1), &history));
    assert!(
        accepted_with(BatchPuts::Contiguous, &fifo(1), &history),
        "a get is not a put"
    );
}

#[test]
fn a_put_many_puts_no_more_than_fit_without_a_get_between() {
    let history = sequential(vec![(put_many(&[1, 2, 3]), Ret::PutMany(Ok(2)))]);
    let report = rejection(&fifo(1), &history);
    assert!(
        report.contains("T0 put_many([1, 2, 3], nowait) -> Ok(2), step 2 of 3 (put 2): the model refuses it (Full)"),
        "{report}"
    );
    let stopped_too_soon = sequential(vec![(put_many(&[1, 2, 3]), Ret::PutMany(Ok(1)))]);
    let report = rejection(&fifo(2), &stopped_too_soon);
    assert!(
        report.contains("step 2 of 2 (2 does not fit): it fits, so the batch would not stop here"),
        "{report}"
    );
}

#[test]
fn a_get_may_take_an_item_between_two_items_of_a_get_many() {
    let mut history = sequential(vec![(put(1), OK), (put(2), OK), (put(3), OK)]);
    history.extend([
        ev(0, 10, 15, get_many(3), got_many(&[1, 3])),
        ev(1, 11, 12, get(), got(2)),
    ]);
    assert!(accepted(&fifo(0), &history));
}

#[test]
fn a_get_many_takes_its_items_in_queue_order() {
    let swapped = sequential(vec![(put(1), OK), (put(2), OK), (get_many(2), got_many(&[2, 1]))]);
    let report = rejection(&fifo(0), &swapped);
    assert!(
        report.contains("get_many(max 2, nowait) -> Ok(2: [2, 1]), step 1 of 2 (get -> 2): the model gives 1"),
        "{report}"
    );
    // A concurrent get may take 2 first, but not put it back behind 3.
    let mut history = sequential(vec![(put(1), OK), (put(2), OK), (put(3), OK)]);
    history.extend([
        ev(0, 10, 15, get_many(3), got_many(&[3, 1])),
        ev(1, 11, 12, get(), got(2)),
    ]);
    assert!(!accepted(&fifo(0), &history));
}

#[test]
fn a_batch_over_a_long_backlog_is_decided_despite_concurrent_puts() {
    // get_many drains 1025 queued items while five threads each put an
    // item: without moving the batch's gets ahead of the puts, the search
    // would try the puts, in each order, between any two of its gets.
    let backlog = Model::new(Order::Fifo, 0, 0..1025, 0);
    let history = |last_put: (u64, u64)| {
        let drained: Vec<u32> = (0..1025).collect();
        let mut history = vec![ev(0, 10, 100, get_many(2000), got_many(&drained))];
        history.extend((1..6).map(|t| ev(t, 10 + t as u64, 90 + t as u64, put(1000 + t as u32), OK)));
        history.push(ev(6, last_put.0, last_put.1, put(999), OK));
        history
    };
    assert!(
        accepted(&backlog, &history((20, 21))),
        "the batch may drain the queue before the puts"
    );
    let put_before = history((0, 1));
    assert!(
        matches!(
            check(&backlog, &put_before, BatchPuts::MayInterleave),
            Err(Failure::NotLinearizable(_))
        ),
        "999 was put before the batch began, so it does not stop at 1025 items"
    );
}

#[test]
fn no_put_goes_in_between_two_items_of_a_put_many_under_the_contiguous_rule() {
    let steps = |order: [u32; 3]| {
        let mut history = vec![
            ev(0, 0, 5, put_many(&[1, 2]), Ret::PutMany(Ok(2))),
            ev(1, 1, 4, put(3), OK),
        ];
        history.extend(
            order
                .iter()
                .enumerate()
                .map(|(k, &x)| ev(2, 10 + 2 * k as u64, 11 + 2 * k as u64, get(), got(x))),
        );
        history
    };
    let split = steps([1, 3, 2]);
    assert!(accepted(&fifo(0), &split));
    assert!(!accepted_with(BatchPuts::Contiguous, &fifo(0), &split));
    assert!(accepted_with(BatchPuts::Contiguous, &fifo(0), &steps([3, 1, 2])));
    assert!(accepted_with(BatchPuts::Contiguous, &fifo(0), &steps([1, 2, 3])));
}

#[test]
fn task_done_n_is_all_or_nothing() {
    let done = |n| Op::TaskDone { n: Some(n) };
    let unfinished = Op::Query(Query::Unfinished);
    let steps = |left| {
        sequential(vec![
            (put(1), OK),
            (put(2), OK),
            (done(3), Ret::TaskDone(Err(TooManyDone))),
            (unfinished.clone(), Ret::Count(left)),
        ])
    };
    assert!(accepted(&fifo(0), &steps(2)));
    assert!(!accepted(&fifo(0), &steps(0)), "a refused task_done_n changes nothing");
}

#[test]
fn an_immediate_shutdown_discards_the_items_and_counts_them_done() {
    let shutdown = |immediate| Op::Shutdown { immediate };
    let steps = |discarded: Vec<u32>| {
        sequential(vec![
            (put(1), OK),
            (put(2), OK),
            (shutdown(true), Ret::Shutdown(discarded)),
            (Op::Join { wait: Wait::NoWait }, Ret::Join(Ok(()))),
            (get(), Ret::Get(Err(GetError::ShutDown))),
            (put(3), Ret::Put(Err((PutFail::ShutDown, 3)))),
        ])
    };
    assert!(accepted(&fifo(0), &steps(vec![1, 2])));
    assert!(!accepted(&fifo(0), &steps(vec![1])));
    let plain = sequential(vec![
        (put(1), OK),
        (shutdown(false), Ret::Shutdown(vec![])),
        (get(), got(1)),
        (Op::Join { wait: Wait::Ms(1) }, Ret::Join(Err(JoinTimeout))),
    ]);
    assert!(accepted(&fifo(0), &plain), "a plain shutdown lets gets drain");
}

#[test]
fn the_search_is_bounded_even_when_every_operation_overlaps() {
    // Four threads of eight puts, each overlapping every other thread's:
    // the items may be queued in ~10^17 orders, none ending with `9`.
    let mut history: Vec<Event> = (0..4)
        .flat_map(|t| (0..8).map(move |j| ev(t, j * 10 + t as u64, j * 10 + 9, put(100 * t as u32 + j as u32), OK)))
        .collect();
    history.push(ev(4, 100, 101, get(), got(9)));
    assert!(matches!(
        check(&fifo(0), &history, BatchPuts::MayInterleave),
        Err(Failure::TooBig)
    ));
}
