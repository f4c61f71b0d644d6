//! The fuzzer's input: a sequence of C calls, four bytes each
//! (`[op, target, value, extra]`; a last, shorter chunk is ignored), and how
//! the bytes map to the calls' arguments.

use std::ffi::c_void;
use std::mem::size_of;

#[path = "../../tests/common/ring.rs"]
mod ring;
use ring::RING_CAPACITY;

/// The C call a step makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `tq_new(maxsize(value))` into the slot (freeing what was there).
    New,
    /// `tq_new_with`: `maxsize(value)`, `order(extra)`, [`Call::struct_size`],
    /// [`Call::flag`] = a destroy callback, [`Call::null_pointer`] = NULL options.
    NewWith,
    /// `tq_free`.
    Free,
    /// `tq_put` of a fresh item.
    Put,
    /// `tq_put_priority` of a fresh item with `priority(value)`.
    PutPriority,
    /// `tq_get`; [`Call::null_pointer`] = NULL `item_out`.
    Get,
    /// `tq_put_many` of `count(value)` fresh items; NULL array / count per the flags.
    PutMany,
    /// `tq_get_many` of up to `count(value)`; NULL array / count per the flags.
    GetMany,
    /// `tq_task_done`.
    TaskDone,
    /// `tq_task_done_n(tasks(value))`.
    TaskDoneN,
    /// `tq_join`.
    Join,
    /// `tq_shutdown`; [`Call::flag`] = immediate.
    Shutdown,
    /// `tq_set_maxsize(maxsize(value))`.
    SetMaxsize,
    /// `tq_status_str(status_value(value, extra))`.
    StatusStr,
    /// `tq_create`, with options as [`Op::NewWith`]'s; [`Call::null_count`] = NULL `q_out`.
    Create,
    /// `tq_task_done_all`; [`Call::null_count`] = NULL `n_done`.
    TaskDoneAll,
    /// `tq_get_fd`; [`Call::null_pointer`] = NULL `fd_out`.
    GetFd,
    /// `tq_put_fd`; [`Call::null_pointer`] = NULL `fd_out`.
    PutFd,
    /// `tq_get_any` over [`Call::entries`]; [`Call::null_pointer`] = NULL
    /// array, [`Call::null_count`] = NULL `index_out`, [`Call::flag`] = NULL `item_out`.
    GetAny,
}

impl Op {
    /// Every op; an input's op byte picks one modulo the length.
    pub const ALL: [Op; 19] = [
        Op::New,
        Op::NewWith,
        Op::Free,
        Op::Put,
        Op::PutPriority,
        Op::Get,
        Op::PutMany,
        Op::GetMany,
        Op::TaskDone,
        Op::TaskDoneN,
        Op::Join,
        Op::Shutdown,
        Op::SetMaxsize,
        Op::StatusStr,
        Op::Create,
        Op::TaskDoneAll,
        Op::GetFd,
        Op::PutFd,
        Op::GetAny,
    ];
}

/// How many queues a run juggles.
pub const SLOTS: usize = 3;

/// One step of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// The call.
    pub op: Op,
    /// Bits 0-1: the slot (3 = a NULL handle); bit 2: [`null_pointer`](Call::null_pointer);
    /// bit 3: [`null_count`](Call::null_count); bit 4: [`flag`](Call::flag);
    /// bits 5-7: [`struct_size`](Call::struct_size).
    pub target: u8,
    /// The main number argument, through one of the mappings below.
    pub value: u8,
    /// A second one (`tq_new_with`'s order, `tq_status_str`'s high bytes,
    /// `tq_get_any`'s count).
    pub extra: u8,
}

impl Call {
    /// The calls `data` holds.
    pub fn decode(data: &[u8]) -> impl Iterator<Item = Call> + '_ {
        data.chunks_exact(4).map(|c| Call {
            op: Op::ALL[usize::from(c[0]) % Op::ALL.len()],
            target: c[1],
            value: c[2],
            extra: c[3],
        })
    }

    /// The four bytes [`decode`](Call::decode) reads back as this call.
    pub fn encode(&self) -> [u8; 4] {
        let op = Op::ALL.iter().position(|&o| o == self.op).expect("every op is in ALL");
        [op as u8, self.target, self.value, self.extra]
    }

    /// The slot the call works on; `None`: a NULL handle. Creating calls
    /// always take a slot (a NULL target means slot 0).
    pub fn slot(&self) -> Option<usize> {
        match self.op {
            Op::New | Op::NewWith | Op::Create => Some(usize::from(self.target & 3) % SLOTS),
            _ => handle(self.target),
        }
    }

    /// The call's main pointer argument (options, array, `item_out`, `fd_out`) is NULL.
    pub fn null_pointer(&self) -> bool {
        self.target & 4 != 0
    }

    /// A batch call's count out-pointer (`tq_create`'s `q_out`, `tq_get_any`'s
    /// `index_out`) is NULL.
    pub fn null_count(&self) -> bool {
        self.target & 8 != 0
    }

    /// A destroy callback (`tq_new_with`, `tq_create`), an immediate
    /// shutdown, `tq_get_any`'s NULL `item_out`.
    pub fn flag(&self) -> bool {
        self.target & 16 != 0
    }

    /// `tq_get_any`'s array: `extra % 6` entries (0 to 5), each a slot or
    /// `None` (a NULL handle), the first the call's [`slot`](Call::slot), the
    /// others from `value`, two bits each.
    pub fn entries(&self) -> impl Iterator<Item = Option<usize>> + '_ {
        (0..self.extra % 6).map(|i| {
            handle(if i == 0 {
                self.target
            } else {
                self.value >> (2 * (i - 1))
            })
        })
    }

    /// The options' `struct_size` and the options' tail past the known
    /// fields: `(struct_size, tail)`.
    pub fn struct_size(&self) -> (u32, Tail) {
        let known = size_of::<tq::ffi::tq_options>() as u32;
        match self.target >> 5 {
            0 => (known, Tail::Zero),
            1 => (known + 8, Tail::Zero),
            2 => (known + 8, Tail::NonZero),
            3 => (known + 1, Tail::Zero),
            4 => (known - 1, Tail::Zero),
            5 => (known - 8, Tail::Zero),
            6 => (4, Tail::Zero),
            _ => (0, Tail::Zero),
        }
    }
}

/// The slot the low two bits of `b` name; `None` (3): a NULL handle.
fn handle(b: u8) -> Option<usize> {
    let slot = usize::from(b & 3);
    (slot < SLOTS).then_some(slot)
}

/// The bytes after the known `tq_options` fields (there are 8 of them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tail {
    /// All zero (accepted from a newer caller).
    Zero,
    /// The last byte is not zero.
    NonZero,
}

/// A bound: mostly 0-7 (0 = unbounded), else around [`RING_CAPACITY`], or huge.
pub fn maxsize(b: u8) -> usize {
    match b {
        0..0xC0 => usize::from(b % 8),
        0xC0..0xF0 => RING_CAPACITY - 8 + usize::from(b % 16),
        _ => usize::MAX - usize::from(b % 16),
    }
}

/// The most items a batch call is given (an array the fuzzer owns).
pub const MAX_BATCH: usize = RING_CAPACITY + 7;

/// The largest count a `void *` array can have (`isize::MAX` bytes).
pub const MAX_ARRAY_LEN: usize = isize::MAX as usize / size_of::<*mut c_void>();

/// A batch count: mostly 0-15, else around [`RING_CAPACITY`] (at most
/// [`MAX_BATCH`]), or above [`MAX_ARRAY_LEN`] (invalid, whatever the array).
pub fn count(b: u8) -> usize {
    match b {
        0..0xC0 => usize::from(b % 16),
        0xC0..0xF0 => RING_CAPACITY - 8 + usize::from(b % 16),
        _ => [MAX_ARRAY_LEN + 1, MAX_ARRAY_LEN + 2, isize::MAX as usize, usize::MAX][usize::from(b & 3)],
    }
}

/// A `tq_task_done_n` count: mostly 0-15, else huge.
pub fn tasks(b: u8) -> usize {
    match b {
        0..0xF0 => usize::from(b % 16),
        _ => [usize::MAX, usize::MAX - 1, isize::MAX as usize + 1, 1 << 32][usize::from(b & 3)],
    }
}

/// A priority: few distinct values (so ties are common) including the extremes.
pub fn priority(b: u8) -> i64 {
    match b {
        0..0x80 => [i64::MIN, -1, 0, 0, 1, 2, 3, i64::MAX][usize::from(b & 7)],
        _ => i64::from(b as i8),
    }
}

/// The options' `order`: mostly valid (0-2), else just past them or huge.
pub fn order(b: u8) -> u32 {
    match b % 8 {
        0..6 => u32::from(b % 8 % 3),
        6 => 3 + u32::from(b / 8),
        _ => u32::MAX - u32::from(b / 8),
    }
}

/// The status value given to `tq_status_str`: `extra` fills the high bytes
/// (0: 0-255; 0xFF: -256..-1; 0x7F or 0x80: near `i32::MAX` or `i32::MIN`).
pub fn status_value(value: u8, extra: u8) -> i32 {
    i32::from_le_bytes([value, extra, extra, extra])
}
