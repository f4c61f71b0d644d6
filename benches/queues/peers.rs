//! The Rust channels the benches compare tq with, behind one small trait
//! (tq's own side is tq_peer.rs). No tq in here: benches/c/adapter_rust.rs
//! builds these into a library beside tq_bench's libtq.a.

use std::sync::mpsc;

/// A queue under test, seen as a channel of `u64` items: a sending and a
/// receiving end. Peers whose receiving end is `Clone` also run the MPMC
/// scenarios (std's mpsc has a single consumer, so it does not).
pub trait Peer {
    /// The name criterion reports the peer under.
    const NAME: &'static str;
    type Tx: Clone + Send;
    type Rx: Send;
    /// A new queue holding at most `capacity` items; 0 means unbounded.
    fn channel(capacity: usize) -> (Self::Tx, Self::Rx);
    /// Puts `item`, blocking while the queue is full.
    fn put(tx: &Self::Tx, item: u64);
    /// Takes the next item, blocking while the queue is empty.
    fn get(rx: &Self::Rx) -> u64;
}

/// `crossbeam_channel::{bounded, unbounded}`.
pub struct Crossbeam;

impl Peer for Crossbeam {
    const NAME: &'static str = "crossbeam";
    type Tx = crossbeam_channel::Sender<u64>;
    type Rx = crossbeam_channel::Receiver<u64>;

    fn channel(capacity: usize) -> (Self::Tx, Self::Rx) {
        match capacity {
            0 => crossbeam_channel::unbounded(),
            n => crossbeam_channel::bounded(n),
        }
    }

    fn put(tx: &Self::Tx, item: u64) {
        tx.send(item).expect("crossbeam send");
    }

    fn get(rx: &Self::Rx) -> u64 {
        rx.recv().expect("crossbeam recv")
    }
}

/// `flume::{bounded, unbounded}`.
pub struct Flume;

impl Peer for Flume {
    const NAME: &'static str = "flume";
    type Tx = flume::Sender<u64>;
    type Rx = flume::Receiver<u64>;

    fn channel(capacity: usize) -> (Self::Tx, Self::Rx) {
        match capacity {
            0 => flume::unbounded(),
            n => flume::bounded(n),
        }
    }

    fn put(tx: &Self::Tx, item: u64) {
        tx.send(item).expect("flume send");
    }

    fn get(rx: &Self::Rx) -> u64 {
        rx.recv().expect("flume recv")
    }
}

/// `kanal::{bounded, unbounded}`.
pub struct Kanal;

impl Peer for Kanal {
    const NAME: &'static str = "kanal";
    type Tx = kanal::Sender<u64>;
    type Rx = kanal::Receiver<u64>;

    fn channel(capacity: usize) -> (Self::Tx, Self::Rx) {
        match capacity {
            0 => kanal::unbounded(),
            n => kanal::bounded(n),
        }
    }

    fn put(tx: &Self::Tx, item: u64) {
        tx.send(item).expect("kanal send");
    }

    fn get(rx: &Self::Rx) -> u64 {
        rx.recv().expect("kanal recv")
    }
}

/// `std::sync::mpsc::{channel, sync_channel}`.
pub struct StdMpsc;

/// std's two sender types: `channel()`'s and `sync_channel(n)`'s.
#[derive(Clone)]
pub enum StdTx {
    Unbounded(mpsc::Sender<u64>),
    Bounded(mpsc::SyncSender<u64>),
}

impl Peer for StdMpsc {
    const NAME: &'static str = "std_mpsc";
    type Tx = StdTx;
    type Rx = mpsc::Receiver<u64>;

    fn channel(capacity: usize) -> (Self::Tx, Self::Rx) {
        match capacity {
            0 => {
                let (tx, rx) = mpsc::channel();
                (StdTx::Unbounded(tx), rx)
            }
            n => {
                let (tx, rx) = mpsc::sync_channel(n);
                (StdTx::Bounded(tx), rx)
            }
        }
    }

    fn put(tx: &Self::Tx, item: u64) {
        match tx {
            StdTx::Unbounded(tx) => tx.send(item),
            StdTx::Bounded(tx) => tx.send(item),
        }
        .expect("std mpsc send");
    }

    fn get(rx: &Self::Rx) -> u64 {
        rx.recv().expect("std mpsc recv")
    }
}
