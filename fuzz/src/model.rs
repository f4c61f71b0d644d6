//! What one live queue should do, sequentially: Python's `queue` semantics
//! plus the C API's decided edge cases (`docs/semantics.md`), with `TQ_NOWAIT`
//! timeouts only. Items are numbers.

use std::collections::BTreeMap;

use tq::ffi::tq_status::{self, *};

/// The order a queue was created with (`tq_order`'s values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// `TQ_FIFO`.
    Fifo,
    /// `TQ_LIFO`.
    Lifo,
    /// `TQ_PRIORITY`.
    Priority,
}

/// One queue's expected state.
#[derive(Debug)]
pub struct Model {
    order: Order,
    /// The bound (0 = unbounded).
    pub maxsize: usize,
    /// The queued items by (priority, put sequence number); the priority is
    /// 0 unless the queue is a priority queue.
    items: BTreeMap<(i64, u64), usize>,
    next_seq: u64,
    /// Python's `unfinished_tasks`.
    pub unfinished: usize,
    /// Whether `shutdown` was called.
    pub shutdown: bool,
}

impl Model {
    /// A new, empty queue.
    pub fn new(order: Order, maxsize: usize) -> Self {
        Model {
            order,
            maxsize,
            items: BTreeMap::new(),
            next_seq: 0,
            unfinished: 0,
            shutdown: false,
        }
    }

    /// `qsize`.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// `full`: bounded and at (or above) the bound.
    pub fn full(&self) -> bool {
        self.maxsize > 0 && self.len() >= self.maxsize
    }

    /// Whether a get would not block (what the get descriptor shows): an
    /// item is queued, or the queue is shut down.
    pub fn get_ready(&self) -> bool {
        self.shutdown || self.len() > 0
    }

    /// Whether a put would not block (what the put descriptor shows): there
    /// is room, or the queue is shut down.
    pub fn put_ready(&self) -> bool {
        self.shutdown || !self.full()
    }

    /// `put` / `put_priority` (`priority` given) of `item`.
    pub fn put(&mut self, item: usize, priority: Option<i64>) -> tq_status {
        if priority.is_some() && self.order != Order::Priority {
            TQ_INVALID
        } else if self.shutdown {
            TQ_SHUTDOWN
        } else if self.full() {
            TQ_FULL
        } else {
            self.push(item, priority.unwrap_or(0));
            TQ_OK
        }
    }

    /// `put_many`: as many of `items` as fit, in order; how many went in.
    pub fn put_many(&mut self, items: &[usize]) -> (tq_status, usize) {
        if items.is_empty() {
            return (TQ_OK, 0);
        }
        let room = if self.maxsize == 0 {
            items.len()
        } else {
            self.maxsize.saturating_sub(self.len())
        };
        let n = items.len().min(room);
        match self.put(items[0], None) {
            TQ_OK => {
                items[1..n].iter().for_each(|&x| self.push(x, 0));
                (TQ_OK, n)
            }
            refused => (refused, 0),
        }
    }

    /// `get`.
    pub fn get(&mut self) -> Result<usize, tq_status> {
        let next = match self.order {
            Order::Lifo => self.items.pop_last(),
            Order::Fifo | Order::Priority => self.items.pop_first(),
        };
        next.map(|(_, item)| item)
            .ok_or(if self.shutdown { TQ_SHUTDOWN } else { TQ_EMPTY })
    }

    /// `get_many` of up to `max`: the items taken.
    pub fn get_many(&mut self, max: usize) -> (tq_status, Vec<usize>) {
        if max == 0 {
            return (TQ_OK, Vec::new());
        }
        match self.get() {
            Ok(first) => {
                let rest = std::iter::from_fn(|| self.get().ok()).take(max - 1);
                (TQ_OK, std::iter::once(first).chain(rest).collect())
            }
            Err(status) => (status, Vec::new()),
        }
    }

    /// `task_done_n`, all or nothing.
    pub fn task_done(&mut self, n: usize) -> tq_status {
        if n > self.unfinished {
            return TQ_TOO_MANY_DONE;
        }
        self.unfinished -= n;
        TQ_OK
    }

    /// `task_done_all`: how many tasks it finished.
    pub fn task_done_all(&mut self) -> usize {
        std::mem::take(&mut self.unfinished)
    }

    /// `join` without waiting.
    pub fn join(&self) -> tq_status {
        if self.unfinished == 0 { TQ_OK } else { TQ_TIMEOUT }
    }

    /// `shutdown` (`tq_free` makes an immediate one): the items an immediate
    /// one discards (each a finished task).
    pub fn shutdown(&mut self, immediate: bool) -> Vec<usize> {
        self.shutdown = true;
        if !immediate {
            return Vec::new();
        }
        let discarded: Vec<usize> = std::mem::take(&mut self.items).into_values().collect();
        self.unfinished = self.unfinished.saturating_sub(discarded.len());
        discarded
    }

    /// Queues `item`: one more unfinished task.
    fn push(&mut self, item: usize, priority: i64) {
        self.items.insert((priority, self.next_seq), item);
        self.next_seq += 1;
        self.unfinished += 1;
    }
}

/// What `tq_get_any` over `queues` (valid arguments, no waiting) may do:
/// take from any listed queue that has an item (`Ok`: their indices; the
/// item is that queue's [`get`](Model::get)), else fail with `TQ_SHUTDOWN`
/// when every one is shut down, `TQ_EMPTY` otherwise.
pub fn get_any(queues: &[&Model]) -> Result<Vec<usize>, tq_status> {
    let ready: Vec<usize> = (0..queues.len()).filter(|&i| queues[i].len() > 0).collect();
    if !ready.is_empty() {
        Ok(ready)
    } else if queues.iter().all(|m| m.shutdown) {
        Err(TQ_SHUTDOWN)
    } else {
        Err(TQ_EMPTY)
    }
}
