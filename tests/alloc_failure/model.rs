//! What the queue should hold and show: Python's semantics, sequentially.

use tq::Order;
use tq::ffi::tq_status;

/// What a caller can observe of a queue, short of its items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observed {
    /// `qsize`.
    pub qsize: usize,
    /// `unfinished`.
    pub unfinished: usize,
    /// `maxsize`.
    pub maxsize: usize,
    /// `is_shutdown`.
    pub shutdown: bool,
}

/// What the queue should hold: Python's semantics, sequentially.
pub struct Model {
    pub order: Order,
    /// `(priority, id)` in put order.
    pub items: Vec<(i64, usize)>,
    pub unfinished: usize,
    pub maxsize: usize,
    pub shutdown: bool,
}

impl Model {
    /// A new, empty queue.
    pub fn new(order: Order, maxsize: usize) -> Self {
        Model {
            order,
            items: Vec::new(),
            unfinished: 0,
            maxsize,
            shutdown: false,
        }
    }

    /// What the queue should show.
    pub fn observed(&self) -> Observed {
        Observed {
            qsize: self.items.len(),
            unfinished: self.unfinished,
            maxsize: self.maxsize,
            shutdown: self.shutdown,
        }
    }

    /// How many more items fit (`usize::MAX`: unbounded).
    pub fn room(&self) -> usize {
        match self.maxsize {
            0 => usize::MAX,
            m => m.saturating_sub(self.items.len()),
        }
    }

    /// The status a put would return.
    pub fn put_status(&self) -> tq_status {
        if self.shutdown {
            tq_status::TQ_SHUTDOWN
        } else if self.room() == 0 {
            tq_status::TQ_FULL
        } else {
            tq_status::TQ_OK
        }
    }

    /// A successful put.
    pub fn put(&mut self, id: usize, priority: i64) {
        self.items.push((priority, id));
        self.unfinished += 1;
    }

    /// Removes the item a get would return.
    pub fn take(&mut self) -> Option<usize> {
        let i = match self.order {
            _ if self.items.is_empty() => return None,
            Order::Fifo => 0,
            Order::Lifo => self.items.len() - 1,
            // The first of the lowest priorities: FIFO among equals.
            Order::Priority => (0..self.items.len()).min_by_key(|&i| self.items[i].0)?,
        };
        Some(self.items.remove(i).1)
    }

    /// Removes every item, in the order gets would return them.
    pub fn take_all(&mut self) -> Vec<usize> {
        std::iter::from_fn(|| self.take()).collect()
    }

    /// The status a get would return when nothing is queued.
    pub fn nothing_status(&self) -> tq_status {
        if self.shutdown {
            tq_status::TQ_SHUTDOWN
        } else {
            tq_status::TQ_EMPTY
        }
    }
}
