//! What a history is made of: the operations the threads call, what each
//! returned, and when (stamps of one global counter, taken right before the
//! call and right after it returned).

use std::fmt;
use std::time::Duration;

use tq::{GetError, JoinTimeout, PutError, Timeout, TooManyDone};

/// How long an operation may wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// `Timeout::NoWait` (the `_nowait` calls for put and get).
    NoWait,
    /// `Timeout::After` this many milliseconds.
    Ms(u64),
}

impl Wait {
    /// The timeout to call with.
    pub fn timeout(self) -> Timeout {
        match self {
            Wait::NoWait => Timeout::NoWait,
            Wait::Ms(ms) => Timeout::After(Duration::from_millis(ms)),
        }
    }
}

/// A query: one of the methods that read the queue and change nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Query {
    Qsize,
    IsEmpty,
    IsFull,
    Unfinished,
    Maxsize,
    IsShutdown,
}

impl Query {
    /// The method's name.
    pub fn name(self) -> &'static str {
        match self {
            Query::Qsize => "qsize",
            Query::IsEmpty => "is_empty",
            Query::IsFull => "is_full",
            Query::Unfinished => "unfinished",
            Query::Maxsize => "maxsize",
            Query::IsShutdown => "is_shutdown",
        }
    }
}

/// One call on a `tq::Queue<u32>`. Every item put is distinct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `put_nowait`/`put`, or `put_priority` when a priority is given.
    Put {
        item: u32,
        priority: Option<i64>,
        wait: Wait,
    },
    /// `put_many` of these items.
    PutMany {
        items: Vec<u32>,
        wait: Wait,
    },
    /// `get_nowait`/`get`.
    Get {
        wait: Wait,
    },
    /// `get_many` of at most `max` items.
    GetMany {
        max: usize,
        wait: Wait,
    },
    /// `task_done()` (`None`) or `task_done_n(n)`.
    TaskDone {
        n: Option<usize>,
    },
    Join {
        wait: Wait,
    },
    SetMaxsize(usize),
    Query(Query),
    /// `shutdown(immediate)`.
    Shutdown {
        immediate: bool,
    },
}

/// Why a put failed: the `PutError` variant, without the item handed back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutFail {
    Full,
    ShutDown,
    NotPriority,
    NoMemory,
}

impl<T> From<&PutError<T>> for PutFail {
    fn from(e: &PutError<T>) -> Self {
        match e {
            PutError::Full(_) => PutFail::Full,
            PutError::ShutDown(_) => PutFail::ShutDown,
            PutError::NotPriority(_) => PutFail::NotPriority,
            PutError::NoMemory(_) => PutFail::NoMemory,
        }
    }
}

/// What an operation returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ret {
    /// A single put; an error carries the item handed back.
    Put(Result<(), (PutFail, u32)>),
    PutMany(Result<usize, PutFail>),
    Get(Result<u32, GetError>),
    /// The count returned and the items moved into the out-collection.
    GetMany(Result<(usize, Vec<u32>), GetError>),
    TaskDone(Result<(), TooManyDone>),
    Join(Result<(), JoinTimeout>),
    /// `set_maxsize` returns nothing.
    Unit,
    /// What `qsize`, `unfinished` and `maxsize` return.
    Count(usize),
    /// What `is_empty`, `is_full` and `is_shutdown` return.
    Flag(bool),
    /// The items an immediate shutdown discarded (none for a plain one).
    Shutdown(Vec<u32>),
}

/// One completed operation of a history.
#[derive(Clone, Debug)]
pub struct Event {
    pub thread: usize,
    pub op: Op,
    pub ret: Ret,
    /// Stamp taken right before the call.
    pub call: u64,
    /// Stamp taken right after it returned (greater than `call`).
    pub done: u64,
}

impl fmt::Display for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wait::NoWait => f.write_str("nowait"),
            Wait::Ms(ms) => write!(f, "{ms}ms"),
        }
    }
}

/// Writes a list of items, eliding the middle of long ones (backlogs).
pub fn write_items(f: &mut fmt::Formatter<'_>, items: &[u32]) -> fmt::Result {
    if items.len() <= 10 {
        return write!(f, "{items:?}");
    }
    let (head, tail) = (&items[..4], &items[items.len() - 3..]);
    write!(f, "{head:?} .. {tail:?} ({} items)", items.len())
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Put {
                item,
                priority: None,
                wait: Wait::NoWait,
            } => write!(f, "put_nowait({item})"),
            Op::Put {
                item,
                priority: None,
                wait,
            } => write!(f, "put({item}, {wait})"),
            Op::Put {
                item,
                priority: Some(p),
                wait,
            } => write!(f, "put_priority({item}, {p}, {wait})"),
            Op::PutMany { items, wait } => write!(f, "put_many({items:?}, {wait})"),
            Op::Get { wait: Wait::NoWait } => f.write_str("get_nowait()"),
            Op::Get { wait } => write!(f, "get({wait})"),
            Op::GetMany { max, wait } => write!(f, "get_many(max {max}, {wait})"),
            Op::TaskDone { n: None } => f.write_str("task_done()"),
            Op::TaskDone { n: Some(n) } => write!(f, "task_done_n({n})"),
            Op::Join { wait } => write!(f, "join({wait})"),
            Op::SetMaxsize(n) => write!(f, "set_maxsize({n})"),
            Op::Query(q) => write!(f, "{}()", q.name()),
            Op::Shutdown { immediate } => write!(f, "shutdown(immediate={immediate})"),
        }
    }
}

impl fmt::Display for Ret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ret::Put(Ok(())) | Ret::TaskDone(Ok(())) | Ret::Join(Ok(())) => f.write_str("Ok"),
            Ret::Put(Err((e, item))) => write!(f, "Err({e:?}, handing back {item})"),
            Ret::PutMany(r) => write!(f, "{r:?}"),
            Ret::Get(r) => write!(f, "{r:?}"),
            Ret::GetMany(Ok((n, items))) => {
                write!(f, "Ok({n}: ")?;
                write_items(f, items)?;
                f.write_str(")")
            }
            Ret::GetMany(Err(e)) => write!(f, "Err({e:?})"),
            Ret::TaskDone(Err(e)) => write!(f, "Err({e:?})"),
            Ret::Join(Err(e)) => write!(f, "Err({e:?})"),
            Ret::Unit => f.write_str("()"),
            Ret::Count(n) => write!(f, "{n}"),
            Ret::Flag(b) => write!(f, "{b}"),
            Ret::Shutdown(items) => {
                f.write_str("discarded ")?;
                write_items(f, items)
            }
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T{} {} -> {}", self.thread, self.op, self.ret)
    }
}
