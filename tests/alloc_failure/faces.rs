//! The two ways to drive a queue: the C ABI and the Rust API.

use std::ffi::c_void;
use std::ptr;

use tq::ffi::*;
use tq::{Order, PutError, Queue, Timeout};

use crate::failing::library;
use crate::model::Observed;

/// One way to drive a queue: the C ABI or the Rust API. Every method makes
/// its library calls inside [`library`] and does its own bookkeeping outside.
pub trait Face: Sized {
    /// A new queue, or `None` when creation reported out of memory.
    fn create(order: Order, maxsize: usize, destroy: bool) -> Option<Self>;
    /// Puts `id` (with `priority` on a priority queue).
    fn put(&mut self, id: usize, priority: i64) -> tq_status;
    /// Puts `ids` in one batch; returns the status and how many went in.
    fn put_many(&mut self, ids: &[usize]) -> (tq_status, usize);
    /// Takes the next item.
    fn get(&mut self) -> Result<usize, tq_status>;
    /// Takes up to `max` items in one batch.
    fn get_many(&mut self, max: usize) -> (tq_status, Vec<usize>);
    /// Changes the bound.
    fn set_maxsize(&mut self, maxsize: usize) -> tq_status;
    /// Shuts down; returns the status and the discarded items, if the face sees them.
    fn shutdown(&mut self, immediate: bool) -> (tq_status, Option<Vec<usize>>);
    /// Marks `n` tasks done.
    fn task_done_n(&mut self, n: usize) -> tq_status;
    /// Joins without waiting.
    fn join(&mut self) -> tq_status;
    /// The queue's state, read without allocating.
    fn observed(&self) -> Observed;
    /// Frees the queue; returns the items still queued, if the face sees them.
    fn free(self) -> Option<Vec<usize>>;
}

/// Room in the destroy callback's record: more than any scenario discards.
pub const DESTROY_ROOM: usize = 4096;

/// The C ABI with `void *` items that are the ids (never dereferenced).
pub struct CApi {
    q: *mut tq_queue,
    order: Order,
    /// What the destroy callback was given, if one is set; the callback
    /// only writes into room reserved beforehand. Boxed: its address is the
    /// callback's context, and must not move with `CApi`.
    #[allow(clippy::box_collection)]
    destroyed: Option<Box<Vec<usize>>>,
}

/// Records a destroyed item in the `Vec<usize>` at `ctx`.
pub unsafe extern "C" fn record(item: *mut c_void, ctx: *mut c_void) {
    // SAFETY: `ctx` is the `CApi::destroyed` of the queue being destroyed.
    let record = unsafe { &mut *ctx.cast::<Vec<usize>>() };
    // Within the capacity, so the push allocates nothing; beyond it, the
    // missing item fails the comparison with the model.
    if record.len() < record.capacity() {
        record.push(item.addr());
    }
}

/// The C item of id `id`.
pub fn item(id: usize) -> *mut c_void {
    ptr::without_provenance_mut(id)
}

impl CApi {
    /// What the destroy callback got since the last call.
    fn take_destroyed(&mut self) -> Option<Vec<usize>> {
        self.destroyed.as_mut().map(|d| d.drain(..).collect())
    }
}

impl Face for CApi {
    fn create(order: Order, maxsize: usize, destroy: bool) -> Option<Self> {
        let mut destroyed = destroy.then(|| Box::new(Vec::with_capacity(DESTROY_ROOM)));
        let q = match (order, destroy) {
            (Order::Fifo, false) => library(|| tq_new(maxsize)),
            _ => {
                let opts = tq_options {
                    struct_size: size_of::<tq_options>() as u32,
                    order: match order {
                        Order::Fifo => tq_order::TQ_FIFO,
                        Order::Lifo => tq_order::TQ_LIFO,
                        Order::Priority => tq_order::TQ_PRIORITY,
                    } as u32,
                    maxsize,
                    destroy: if destroy { Some(record) } else { None },
                    destroy_ctx: destroyed
                        .as_mut()
                        .map_or(ptr::null_mut(), |d| ptr::from_mut(&mut **d).cast()),
                };
                // SAFETY: valid options.
                library(|| unsafe { tq_new_with(&opts) })
            }
        };
        (!q.is_null()).then_some(CApi { q, order, destroyed })
    }

    fn put(&mut self, id: usize, priority: i64) -> tq_status {
        // SAFETY: `self.q` is live.
        library(|| unsafe {
            match self.order {
                Order::Priority => tq_put_priority(self.q, item(id), priority, TQ_NOWAIT),
                _ => tq_put(self.q, item(id), TQ_NOWAIT),
            }
        })
    }

    fn put_many(&mut self, ids: &[usize]) -> (tq_status, usize) {
        let items: Vec<*mut c_void> = ids.iter().map(|&id| item(id)).collect();
        let mut n = usize::MAX;
        // SAFETY: `self.q` is live; `items` holds `ids.len()` pointers.
        let status = library(|| unsafe { tq_put_many(self.q, items.as_ptr(), items.len(), &mut n, TQ_NOWAIT) });
        (status, n)
    }

    fn get(&mut self) -> Result<usize, tq_status> {
        let mut out = item(usize::MAX);
        // SAFETY: `self.q` is live; `out` is writable.
        match library(|| unsafe { tq_get(self.q, &mut out, TQ_NOWAIT) }) {
            tq_status::TQ_OK => Ok(out.addr()),
            status => Err(status),
        }
    }

    fn get_many(&mut self, max: usize) -> (tq_status, Vec<usize>) {
        let mut out = vec![item(usize::MAX); max];
        let mut n = usize::MAX;
        // SAFETY: `self.q` is live; `out` has room for `max` pointers.
        let status = library(|| unsafe { tq_get_many(self.q, out.as_mut_ptr(), max, &mut n, TQ_NOWAIT) });
        (status, out[..n].iter().map(|p| p.addr()).collect())
    }

    fn set_maxsize(&mut self, maxsize: usize) -> tq_status {
        // SAFETY: `self.q` is live.
        library(|| unsafe { tq_set_maxsize(self.q, maxsize) })
    }

    fn shutdown(&mut self, immediate: bool) -> (tq_status, Option<Vec<usize>>) {
        // SAFETY: `self.q` is live.
        let status = library(|| unsafe { tq_shutdown(self.q, immediate) });
        (status, self.take_destroyed())
    }

    fn task_done_n(&mut self, n: usize) -> tq_status {
        // SAFETY: `self.q` is live.
        library(|| unsafe { tq_task_done_n(self.q, n) })
    }

    fn join(&mut self) -> tq_status {
        // SAFETY: `self.q` is live.
        library(|| unsafe { tq_join(self.q, TQ_NOWAIT) })
    }

    fn observed(&self) -> Observed {
        // SAFETY: `self.q` is live; queries allocate nothing.
        unsafe {
            Observed {
                qsize: tq_qsize(self.q),
                unfinished: tq_unfinished(self.q),
                maxsize: tq_maxsize(self.q),
                shutdown: tq_is_shutdown(self.q),
            }
        }
    }

    fn free(mut self) -> Option<Vec<usize>> {
        // SAFETY: `self.q` is live and used by no one else.
        library(|| unsafe { tq_free(self.q) });
        self.take_destroyed()
    }
}

/// The Rust API with boxed items, so that a lost or doubly dropped item shows.
pub struct RustApi(Queue<Box<usize>>);

/// The status of a put of `id`, checking that a refused item is handed back.
pub fn put_status(result: Result<(), PutError<Box<usize>>>, id: usize) -> tq_status {
    match result {
        Ok(()) => tq_status::TQ_OK,
        Err(e) => e
            .map(|item| assert_eq!(*item, id, "the refused item is handed back"))
            .into(),
    }
}

impl Face for RustApi {
    fn create(order: Order, maxsize: usize, _destroy: bool) -> Option<Self> {
        library(|| Queue::try_with_order(order, maxsize)).map(RustApi)
    }

    fn put(&mut self, id: usize, priority: i64) -> tq_status {
        let item = Box::new(id);
        let result = library(|| match self.0.order() {
            Order::Priority => self.0.put_priority(item, priority, Timeout::NoWait),
            _ => self.0.put(item, Timeout::NoWait),
        });
        put_status(result, id)
    }

    fn put_many(&mut self, ids: &[usize]) -> (tq_status, usize) {
        let mut items = ids.iter().map(|&id| Box::new(id)).collect::<Vec<_>>().into_iter();
        let result = library(|| self.0.put_many(&mut items, Timeout::NoWait));
        let (status, n) = match result {
            Ok(n) => (tq_status::TQ_OK, n),
            Err(e) => (e.into(), 0),
        };
        let left: Vec<usize> = items.map(|b| *b).collect();
        assert_eq!(
            left,
            ids[n.min(ids.len())..],
            "put_many leaves the items it did not put"
        );
        (status, n)
    }

    fn get(&mut self) -> Result<usize, tq_status> {
        library(|| self.0.get(Timeout::NoWait)).map(|b| *b).map_err(Into::into)
    }

    fn get_many(&mut self, max: usize) -> (tq_status, Vec<usize>) {
        // Room reserved here: growing `out` is the caller's allocation, not the queue's.
        let mut out = Vec::with_capacity(max);
        let result = library(|| self.0.get_many(&mut out, max, Timeout::NoWait));
        let got: Vec<usize> = out.into_iter().map(|b| *b).collect();
        match result {
            Ok(n) => {
                assert_eq!(n, got.len(), "get_many counts what it moved");
                (tq_status::TQ_OK, got)
            }
            Err(e) => (e.into(), got),
        }
    }

    fn set_maxsize(&mut self, maxsize: usize) -> tq_status {
        library(|| self.0.set_maxsize(maxsize));
        tq_status::TQ_OK
    }

    fn shutdown(&mut self, immediate: bool) -> (tq_status, Option<Vec<usize>>) {
        let discarded = library(|| self.0.shutdown(immediate));
        (tq_status::TQ_OK, Some(discarded.into_iter().map(|b| *b).collect()))
    }

    fn task_done_n(&mut self, n: usize) -> tq_status {
        let result = library(|| self.0.task_done_n(n));
        result.map_or_else(Into::into, |()| tq_status::TQ_OK)
    }

    fn join(&mut self) -> tq_status {
        let result = library(|| self.0.join(Timeout::NoWait));
        result.map_or_else(Into::into, |()| tq_status::TQ_OK)
    }

    fn observed(&self) -> Observed {
        Observed {
            qsize: self.0.qsize(),
            unfinished: self.0.unfinished(),
            maxsize: self.0.maxsize(),
            shutdown: self.0.is_shutdown(),
        }
    }

    fn free(self) -> Option<Vec<usize>> {
        let items = library(|| self.0.into_items());
        Some(items.into_iter().map(|b| *b).collect())
    }
}
