//! `tq_options`: the versioned, by-value creation options of `tq_new_with`.

use std::ffi::{c_uint, c_void};
use std::mem::size_of;

use crate::Order;

/// The order a queue hands out its items in.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tq_order {
    /// First in, first out (Python's `Queue`).
    TQ_FIFO = 0,
    /// Last in, first out (Python's `LifoQueue`).
    TQ_LIFO = 1,
    /// Lowest priority first, FIFO among equal priorities (a stable `PriorityQueue`).
    TQ_PRIORITY = 2,
}

/// A `tq_order` read as the plain integer C stores, validated before use.
/// cbindgen prints it as `tq_order`.
pub type tq_order_value = c_uint;

/// Called with each item the queue drops (on `tq_free` and on
/// `tq_shutdown(q, true)`), never with an item handed out by a get.
pub type tq_destroy_fn = Option<unsafe extern "C" fn(item: *mut c_void, ctx: *mut c_void)>;

/// Options for `tq_new_with`. Set `struct_size = sizeof(tq_options)`: a
/// smaller value is rejected; a larger one (a caller built against a newer
/// header) is accepted when every byte past the fields known here is zero.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tq_options {
    /// `sizeof(tq_options)`, so that the struct can grow.
    pub struct_size: u32,
    /// `TQ_FIFO`, `TQ_LIFO` or `TQ_PRIORITY`; any other value is rejected.
    pub order: tq_order_value,
    /// The bound; 0 = unbounded.
    pub maxsize: usize,
    /// Optional: disposes of the items the queue drops.
    pub destroy: tq_destroy_fn,
    /// Passed to `destroy` as its second argument.
    pub destroy_ctx: *mut c_void,
}

/// What `tq_new_with` needs, once the options are validated.
pub(crate) struct Validated {
    pub(crate) order: Order,
    pub(crate) maxsize: usize,
    pub(crate) destroy: tq_destroy_fn,
    pub(crate) destroy_ctx: *mut c_void,
}

/// Reads and validates the options at `opts`; `None` when they are unusable.
///
/// Safety:
/// `opts` is NULL or points to at least `opts->struct_size` readable bytes.
pub(crate) unsafe fn validate(opts: *const tq_options) -> Option<Validated> {
    if opts.is_null() {
        return None;
    }
    // SAFETY: the first field is readable in any version of the struct.
    let size = unsafe { std::ptr::addr_of!((*opts).struct_size).read_unaligned() } as usize;
    let known = size_of::<tq_options>();
    if size < known {
        return None;
    }
    // SAFETY: the caller promised `size` readable bytes.
    let tail = unsafe { std::slice::from_raw_parts(opts.cast::<u8>().add(known), size - known) };
    if tail.iter().any(|&b| b != 0) {
        return None;
    }
    // SAFETY: `size >= known`, so the whole struct is readable.
    let o = unsafe { opts.read_unaligned() };
    let order = match o.order {
        0 => Order::Fifo,
        1 => Order::Lifo,
        2 => Order::Priority,
        _ => return None,
    };
    Some(Validated {
        order,
        maxsize: o.maxsize,
        destroy: o.destroy,
        destroy_ctx: o.destroy_ctx,
    })
}
