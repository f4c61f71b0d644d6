//! tq's side of the Rust benches' comparisons (the channels are in peers.rs).

use std::sync::Arc;

use tq::Timeout;

use super::peers::Peer;

/// `tq::Queue`, shared through an `Arc` by both ends.
pub struct Tq;

impl Peer for Tq {
    const NAME: &'static str = "tq";
    type Tx = Arc<tq::Queue<u64>>;
    type Rx = Arc<tq::Queue<u64>>;

    fn channel(capacity: usize) -> (Self::Tx, Self::Rx) {
        let q = Arc::new(tq::Queue::new(capacity));
        (Arc::clone(&q), q)
    }

    fn put(tx: &Self::Tx, item: u64) {
        tx.put(item, Timeout::Forever).expect("tq put");
    }

    fn get(rx: &Self::Rx) -> u64 {
        rx.get(Timeout::Forever).expect("tq get")
    }
}
