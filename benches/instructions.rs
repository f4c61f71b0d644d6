//! `instructions QUEUE PATH ROUNDS`: one thread does ROUNDS uncontended
//! rounds of PATH on QUEUE, for scripts/instructions.sh, which runs this
//! under callgrind at two values of ROUNDS and divides the difference in
//! instructions by the difference in rounds (start-up cancels out). A round
//! is a put and a get (plus a task_done on `task_done`); QUEUE is a peer of
//! benches/queues/peers.rs (`tq` is `tq::Queue`), PATH one of:
//!
//! - `bounded`: FIFO bounded 1024, empty (tq: the lock-free ring)
//! - `backlog`: FIFO unbounded holding 4096 items (tq: past the ring)
//! - `lifo`, `priority` (tq only): bounded 1024, empty; `put_priority` on `priority`
//! - `task_done` (tq only): `bounded`, and a `task_done` per round
//!
//! benches/c/instructions.c does the same through the C ABI. Every get is
//! checked against the item it must return. Without arguments (as `cargo
//! test --all-targets` and `cargo bench` run it) it does a few rounds of
//! every queue and path, as a check.

#[path = "queues/peers.rs"]
mod peers;
#[path = "queues/tq_peer.rs"]
mod tq_peer;

use std::process::exit;

use peers::{Crossbeam, Flume, Kanal, Peer, StdMpsc};
use tq::{Order, Queue, Timeout};
use tq_peer::Tq;

/// The items `backlog` holds before its rounds start.
const BACKLOG: u64 = 4096;
/// The bound of the bounded paths.
const BOUND: usize = 1024;
/// Every path, the peers' first.
const PATHS: [&str; 5] = ["bounded", "backlog", "lifo", "priority", "task_done"];
/// Rounds of the check run without arguments.
const CHECK_ROUNDS: u64 = 5000;

/// Panics unless a get returned the item it must.
fn expect(got: u64, want: u64) {
    assert_eq!(got, want, "got item {got}, want {want}");
}

/// `bounded` or `backlog` on peer `P`.
fn channel_rounds<P: Peer>(backlog: bool, rounds: u64) {
    let (tx, rx) = P::channel(if backlog { 0 } else { BOUND });
    let lag = if backlog { BACKLOG } else { 0 };
    (1..=lag).for_each(|item| P::put(&tx, item));
    for item in lag + 1..lag + rounds + 1 {
        P::put(&tx, item);
        expect(P::get(&rx), item - lag);
    }
}

/// `lifo`, `priority` or `task_done` on `tq::Queue`.
fn tq_rounds(path: &str, rounds: u64) {
    let order = match path {
        "lifo" => Order::Lifo,
        "priority" => Order::Priority,
        _ => Order::Fifo,
    };
    let q = Queue::with_order(order, BOUND);
    for item in 1..rounds + 1 {
        match order {
            Order::Priority => q.put_priority(item, 1, Timeout::Forever),
            _ => q.put(item, Timeout::Forever),
        }
        .expect("put");
        expect(q.get(Timeout::Forever).expect("get"), item);
        if path == "task_done" {
            q.task_done().expect("task_done");
        }
    }
}

/// Runs `rounds` of `path` on the peer named `queue`; false if there is no such pair.
fn run(queue: &str, path: &str, rounds: u64) -> bool {
    /// `bounded` and `backlog` on whichever of the peers is named `queue`.
    macro_rules! channels {
        ($($peer:ty),+) => {
            $(if queue == <$peer as Peer>::NAME && (path == "bounded" || path == "backlog") {
                channel_rounds::<$peer>(path == "backlog", rounds);
                return true;
            })+
        };
    }
    channels!(Tq, Kanal, Crossbeam, Flume, StdMpsc);
    if queue == Tq::NAME && PATHS[2..].contains(&path) {
        tq_rounds(path, rounds);
        return true;
    }
    false
}

fn main() {
    // `cargo bench` passes --bench; everything else is ours.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    match &args[..] {
        [] => {
            for queue in [Tq::NAME, Kanal::NAME, Crossbeam::NAME, Flume::NAME, StdMpsc::NAME] {
                for path in PATHS {
                    let ran = run(queue, path, CHECK_ROUNDS);
                    assert_eq!(ran, queue == Tq::NAME || PATHS[..2].contains(&path), "{queue} {path}");
                }
            }
            println!("instructions: every queue and path checked; scripts/instructions.sh counts them");
        }
        [queue, path, rounds] => match rounds.parse() {
            Ok(rounds) if rounds > 0 && run(queue, path, rounds) => {}
            _ => {
                eprintln!("instructions: no path {path} on queue {queue}, or bad ROUNDS {rounds}");
                exit(2);
            }
        },
        _ => {
            eprintln!("usage: instructions QUEUE PATH ROUNDS");
            exit(2);
        }
    }
}
