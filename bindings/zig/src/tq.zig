//! Zig binding of tq: a thread-safe blocking queue with the semantics of
//! Python's `queue.Queue` (bounded or unbounded, blocking put/get with
//! timeouts, taskDone/join, shutdown), over the C ABI in `tq.h`.
//!
//! `Queue` moves untyped `?*anyopaque` items; `TypedQueue(*T)` moves typed
//! pointers. Both are handles: copies refer to the same queue and may be
//! used from any thread until `deinit`. `getFd`/`putFd` give descriptors to
//! poll beside other work; `getAny` takes from whichever of several queues
//! has an item.

const std = @import("std");

/// The raw C API, as translated from `tq.h`.
pub const c = @cImport(@cInclude("tq.h"));

/// The major version of `tq.h` this wrapper was written for.
pub const abi_major = 0;

comptime {
    if (c.TQ_VERSION_MAJOR != abi_major)
        @compileError(std.fmt.comptimePrint(
            "tq.h has TQ_VERSION_MAJOR {d}; this binding was written for {d}",
            .{ c.TQ_VERSION_MAJOR, abi_major },
        ));
}

/// The failures of queue operations, one per non-OK `tq_status`.
pub const Error = error{
    /// put: no room before the timeout (Python's `queue.Full`).
    Full,
    /// get: no item before the timeout (Python's `queue.Empty`).
    Empty,
    /// The queue is shut down (Python's `queue.ShutDown`).
    ShutDown,
    /// join: tasks still unfinished at the timeout.
    Timeout,
    /// A bad argument, e.g. `putPriority` on a FIFO or LIFO queue, or
    /// options the library rejects at creation.
    Invalid,
    /// taskDone called more often than items were put (Python's `ValueError`).
    TooManyDone,
    /// The library could not allocate; nothing was changed.
    OutOfMemory,
    /// An operating-system call failed (e.g. no descriptor could be made);
    /// nothing was changed.
    System,
    /// The library caught a bug of its own (or returned an unknown status).
    Internal,
};

/// Turns a `tq_status` into `Error`; `TQ_OK` is success. Public for calls
/// made through `c`.
pub fn check(status: c.tq_status) Error!void {
    return switch (status) {
        c.TQ_OK => {},
        c.TQ_FULL => error.Full,
        c.TQ_EMPTY => error.Empty,
        c.TQ_SHUTDOWN => error.ShutDown,
        c.TQ_TIMEOUT => error.Timeout,
        c.TQ_INVALID => error.Invalid,
        c.TQ_TOO_MANY_DONE => error.TooManyDone,
        c.TQ_NOMEM => error.OutOfMemory,
        c.TQ_SYSTEM => error.System,
        else => error.Internal,
    };
}

/// How long a blocking call may wait.
pub const Timeout = union(enum) {
    /// Never block: fail at once (Python's `block=False`).
    nowait,
    /// Wait at most this many milliseconds; more than `maxInt(i64)` is `forever`.
    ms: u64,
    /// Wait without a time limit (Python's `timeout=None`).
    forever,

    /// The `timeout_ms` argument of the C API.
    fn toC(self: Timeout) i64 {
        return switch (self) {
            .nowait => c.TQ_NOWAIT,
            .forever => c.TQ_FOREVER,
            .ms => |ms| std.math.cast(i64, ms) orelse c.TQ_FOREVER,
        };
    }
};

/// The order a queue hands its items out in.
pub const Order = enum(c.tq_order) {
    /// First in, first out (Python's `Queue`).
    fifo = c.TQ_FIFO,
    /// Last in, first out (Python's `LifoQueue`).
    lifo = c.TQ_LIFO,
    /// Lowest priority first, FIFO among equal priorities (a stable `PriorityQueue`).
    priority = c.TQ_PRIORITY,
};

/// Called with each item the queue drops (on `deinit` and immediate
/// `shutdown`), never with an item handed out by a get.
pub const DestroyFn = *const fn (item: ?*anyopaque, ctx: ?*anyopaque) callconv(.c) void;

/// How to build a queue with `Queue.initWith`. Every value of it makes
/// options the library accepts: `order` is an exhaustive enum of the
/// library's orders, and the binding sets `struct_size` itself.
pub const Options = struct {
    /// The order items come out in.
    order: Order = .fifo,
    /// The bound; 0 = unbounded.
    maxsize: usize = 0,
    /// Optional: disposes of the items the queue drops.
    destroy: ?DestroyFn = null,
    /// Passed to `destroy` as its second argument.
    destroy_ctx: ?*anyopaque = null,
};

/// The library's version, "MAJOR.MINOR.PATCH" (equal to `c.TQ_VERSION`
/// when the header and the library match).
pub fn version() [:0]const u8 {
    return std.mem.span(c.tq_version());
}

/// What `getAny` returns: the item taken and which queue gave it.
pub fn Taken(comptime Item: type) type {
    return struct {
        /// The item taken.
        item: Item,
        /// The position, in the slice passed, of the queue that gave it
        /// (the one whose task it is).
        index: usize,
    };
}

/// A queue of `?*anyopaque` items (null is a legal item). Copies of the
/// handle share the queue; it is thread-safe until `deinit`. Extern, so
/// that a slice of queues is the C API's array of handles.
pub const Queue = extern struct {
    handle: *c.tq_queue,

    /// A FIFO queue holding at most `bound` items (0 = unbounded), like
    /// Python's `Queue(maxsize)`; `error.OutOfMemory` when the library
    /// cannot allocate it.
    pub fn init(bound: usize) Error!Queue {
        return initWith(.{ .maxsize = bound });
    }

    /// A queue with the given order, bound and item destructor, made by
    /// `tq_create`: `error.OutOfMemory` when the library cannot allocate it,
    /// `error.Invalid` when it rejects the options, which no `Options` value
    /// should be (see `Options`).
    pub fn initWith(options: Options) Error!Queue {
        const opts: c.tq_options = .{
            .struct_size = @sizeOf(c.tq_options),
            .order = @intFromEnum(options.order),
            .maxsize = options.maxsize,
            .destroy = options.destroy,
            .destroy_ctx = options.destroy_ctx,
        };
        var handle: ?*c.tq_queue = null;
        try check(c.tq_create(&opts, &handle));
        return .{ .handle = handle.? };
    }

    /// Frees the queue; items still queued go to the destructor, if set.
    /// No other thread may be using it (shut it down and join them first).
    pub fn deinit(self: Queue) void {
        c.tq_free(self.handle);
    }

    /// Puts `item`, waiting per `timeout` for room: `error.Full` at the
    /// timeout, `error.ShutDown` after `shutdown`. On a priority queue the
    /// item gets priority 0.
    pub fn put(self: Queue, item: ?*anyopaque, timeout: Timeout) Error!void {
        return check(c.tq_put(self.handle, item, timeout.toC()));
    }

    /// Puts `item` with `priority` on a priority queue (lowest first, FIFO
    /// among equals); `error.Invalid` on a FIFO or LIFO queue.
    pub fn putPriority(self: Queue, item: ?*anyopaque, priority: i64, timeout: Timeout) Error!void {
        return check(c.tq_put_priority(self.handle, item, priority, timeout.toC()));
    }

    /// Takes the next item, waiting per `timeout`: `error.Empty` at the
    /// timeout, `error.ShutDown` once shut down and drained.
    pub fn get(self: Queue, timeout: Timeout) Error!?*anyopaque {
        var item: ?*anyopaque = null;
        try check(c.tq_get(self.handle, &item, timeout.toC()));
        return item;
    }

    /// Puts `items` in order: waits per `timeout` until the first fits, then
    /// puts as many more as fit without waiting. Returns how many went in
    /// (at least one unless `items` is empty); an error means none did.
    pub fn putMany(self: Queue, items: []const ?*anyopaque, timeout: Timeout) Error!usize {
        var n_put: usize = 0;
        try check(c.tq_put_many(self.handle, items.ptr, items.len, &n_put, timeout.toC()));
        return n_put;
    }

    /// Waits per `timeout` until at least one item is there, then takes up
    /// to `buffer.len` available items in queue order. Returns the filled
    /// front of `buffer` (empty only when `buffer` is).
    pub fn getMany(self: Queue, buffer: []?*anyopaque, timeout: Timeout) Error![]?*anyopaque {
        var n_got: usize = 0;
        try check(c.tq_get_many(self.handle, buffer.ptr, buffer.len, &n_got, timeout.toC()));
        return buffer[0..n_got];
    }

    /// Takes one item from whichever of `queues` has one, waiting per
    /// `timeout`, with the index of the queue that gave it. Each queue keeps
    /// its own order and none starves; the same queue may appear twice. A
    /// queue shut down and drained is passed over: `error.ShutDown` once
    /// every one is, `error.Empty` at the timeout, `error.Invalid` (nothing
    /// taken) for an empty slice.
    pub fn getAny(queues: []const Queue, timeout: Timeout) Error!Taken(?*anyopaque) {
        var item: ?*anyopaque = null;
        var index: usize = 0;
        try check(c.tq_get_any(@ptrCast(queues.ptr), queues.len, &item, &index, timeout.toC()));
        return .{ .item = item, .index = index };
    }

    /// A descriptor that polls readable (`POLLIN`) exactly while a get would
    /// not block: an item is queued, or the queue is shut down. The same one
    /// on every call; the queue owns it and `deinit` closes it, so poll it
    /// and never read, write or close it. Another consumer may win the item:
    /// get with `.nowait` until `error.Empty`. `error.System` when the OS
    /// refuses a descriptor.
    pub fn getFd(self: Queue) Error!std.posix.fd_t {
        var fd: c_int = -1;
        try check(c.tq_get_fd(self.handle, &fd));
        return fd;
    }

    /// As `getFd`, for puts: readable exactly while a put would not block
    /// (there is room, or the queue is shut down).
    pub fn putFd(self: Queue) Error!std.posix.fd_t {
        var fd: c_int = -1;
        try check(c.tq_put_fd(self.handle, &fd));
        return fd;
    }

    /// Marks one task done (Python's `task_done`); `error.TooManyDone`,
    /// changing nothing, when no task is unfinished.
    pub fn taskDone(self: Queue) Error!void {
        return check(c.tq_task_done(self.handle));
    }

    /// Marks `n` tasks done, all or nothing: `error.TooManyDone` when `n`
    /// exceeds the unfinished count.
    pub fn taskDoneN(self: Queue, n: usize) Error!void {
        return check(c.tq_task_done_n(self.handle, n));
    }

    /// Marks every unfinished task done at once and returns how many that
    /// was (0 when none were); every `join` returns. Not in Python: for an
    /// owner that gives up on the work queued and taken, typically after
    /// `shutdown(true)` and before `deinit`, so that no thread stays
    /// blocked in `join`.
    pub fn taskDoneAll(self: Queue) Error!usize {
        var n_done: usize = 0;
        try check(c.tq_task_done_all(self.handle, &n_done));
        return n_done;
    }

    /// Waits per `timeout` until every put item is marked done;
    /// `error.Timeout` while tasks remain at the timeout.
    pub fn join(self: Queue, timeout: Timeout) Error!void {
        return check(c.tq_join(self.handle, timeout.toC()));
    }

    /// Shuts the queue down (Python's `shutdown(immediate)`), waking every
    /// blocked thread: puts fail with `error.ShutDown`, gets drain what is
    /// queued first. With `immediate`, queued items are dropped (to the
    /// destructor) and counted as done. Calling it again is harmless.
    pub fn shutdown(self: Queue, immediate: bool) Error!void {
        return check(c.tq_shutdown(self.handle, immediate));
    }

    /// How many items are queued (Python's `qsize`).
    pub fn qsize(self: Queue) usize {
        return c.tq_qsize(self.handle);
    }

    /// Whether no item is queued (Python's `empty`).
    pub fn empty(self: Queue) bool {
        return c.tq_empty(self.handle);
    }

    /// Whether the queue is bounded and at its bound (Python's `full`).
    pub fn full(self: Queue) bool {
        return c.tq_full(self.handle);
    }

    /// The bound, 0 = unbounded (Python's `maxsize`).
    pub fn maxsize(self: Queue) usize {
        return c.tq_maxsize(self.handle);
    }

    /// Changes the bound (Python's `q.maxsize = n`; 0 = unbounded); queued
    /// items are kept and putters that now fit wake.
    pub fn setMaxsize(self: Queue, n: usize) Error!void {
        return check(c.tq_set_maxsize(self.handle, n));
    }

    /// How many put items are not marked done yet (Python's `unfinished_tasks`).
    pub fn unfinished(self: Queue) usize {
        return c.tq_unfinished(self.handle);
    }

    /// Whether `shutdown` has been called (Python's `is_shutdown`).
    pub fn isShutdown(self: Queue) bool {
        return c.tq_is_shutdown(self.handle);
    }
};

/// A queue of non-null single-item pointers `P` (e.g. `*Job`). It adds
/// typed `put`/`putPriority`/`get`/`getAny`; everything else (`getFd`
/// too) is on `raw`, which must only ever be given items of type `P`.
pub fn TypedQueue(comptime P: type) type {
    const info = @typeInfo(P);
    if (info != .pointer or info.pointer.size != .one or info.pointer.is_allowzero)
        @compileError("TypedQueue needs a non-null single-item pointer type, not " ++ @typeName(P));

    return extern struct {
        const Self = @This();

        /// The untyped queue underneath.
        raw: Queue,

        /// A FIFO queue holding at most `bound` items (0 = unbounded), as
        /// `Queue.init`.
        pub fn init(bound: usize) Error!Self {
            return .{ .raw = try Queue.init(bound) };
        }

        /// A queue with the given order, bound and item destructor, as
        /// `Queue.initWith`.
        pub fn initWith(options: Options) Error!Self {
            return .{ .raw = try Queue.initWith(options) };
        }

        /// Frees the queue, as `Queue.deinit`.
        pub fn deinit(self: Self) void {
            self.raw.deinit();
        }

        /// Puts `item`, as `Queue.put`.
        pub fn put(self: Self, item: P, timeout: Timeout) Error!void {
            return self.raw.put(erase(item), timeout);
        }

        /// Puts `item` with `priority`, as `Queue.putPriority`.
        pub fn putPriority(self: Self, item: P, priority: i64, timeout: Timeout) Error!void {
            return self.raw.putPriority(erase(item), priority, timeout);
        }

        /// Takes the next item, as `Queue.get`.
        pub fn get(self: Self, timeout: Timeout) Error!P {
            return restore(try self.raw.get(timeout));
        }

        /// Takes one item from whichever of `queues` has one, as `Queue.getAny`.
        pub fn getAny(queues: []const Self, timeout: Timeout) Error!Taken(P) {
            const taken = try Queue.getAny(@ptrCast(queues), timeout);
            return .{ .item = restore(taken.item), .index = taken.index };
        }

        /// The untyped form of `item` (drops `const`, which `restore` gives back).
        fn erase(item: P) *anyopaque {
            const untyped: *const anyopaque = @ptrCast(item);
            return @constCast(untyped);
        }

        /// The typed form of an item that `erase` made.
        fn restore(item: ?*anyopaque) P {
            return @ptrCast(@alignCast(item.?));
        }
    };
}
