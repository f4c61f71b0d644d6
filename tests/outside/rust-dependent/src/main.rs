//! A program outside tq that uses the crate: a producer thread puts 1..=100
//! through a queue bounded at 4, the main thread gets them in order and marks
//! each done, and `join` then returns at once. Panics on any mismatch.

use std::sync::Arc;
use std::thread;
use std::time::Duration;
use tq::{Queue, Timeout};

/// How many items go through the queue; more than its bound, so puts block.
const ITEMS: u32 = 100;

fn main() {
    let q = Arc::new(Queue::new(4));
    let producer = {
        let q = Arc::clone(&q);
        thread::spawn(move || (1..=ITEMS).for_each(|n| q.put(n, Timeout::Forever).expect("put")))
    };
    for n in 1..=ITEMS {
        assert_eq!(q.get(Duration::from_secs(5)), Ok(n), "items come out in FIFO order");
        q.task_done().expect("task_done");
    }
    producer.join().expect("the producer does not panic");
    q.join(Timeout::NoWait).expect("join returns once every item is done");
    println!("rust dependent: {ITEMS} items through tq::Queue");
}
