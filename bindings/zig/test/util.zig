//! Helpers shared by the tests: integer items, a destructor that records
//! what it was given, a blocking call run on its own thread, a stopwatch.

const std = @import("std");
const tq = @import("tq");

/// The item standing for the number `n` (0 is the null item).
pub fn item(n: usize) ?*anyopaque {
    return @ptrFromInt(n);
}

/// The number an item made by `item` stands for.
pub fn number(it: ?*anyopaque) usize {
    return @intFromPtr(it);
}

/// Counts and sums the items a queue hands to its destructor.
pub const DropLog = struct {
    count: usize = 0,
    sum: usize = 0,

    /// Options for a queue whose dropped items are recorded in `self`.
    pub fn options(self: *DropLog, order: tq.Order, maxsize: usize) tq.Options {
        return .{ .order = order, .maxsize = maxsize, .destroy = record, .destroy_ctx = self };
    }

    fn record(it: ?*anyopaque, ctx: ?*anyopaque) callconv(.c) void {
        const self: *DropLog = @ptrCast(@alignCast(ctx.?));
        self.count += 1;
        self.sum += number(it);
    }
};

/// `func` called on a thread of its own, so that the test can watch it
/// block and then make it return.
pub fn Background(comptime func: anytype) type {
    const Fn = @TypeOf(func);
    const Result = @typeInfo(Fn).@"fn".return_type.?;
    const Args = std.meta.ArgsTuple(Fn);

    return struct {
        const Self = @This();

        thread: std.Thread = undefined,
        result: Result = undefined,
        returned: std.atomic.Value(bool) = .init(false),

        /// Starts `func(args...)` on a new thread.
        pub fn start(self: *Self, args: Args) !void {
            self.thread = try std.Thread.spawn(.{}, run, .{ self, args });
        }

        /// Whether the call has returned yet.
        pub fn hasReturned(self: *Self) bool {
            return self.returned.load(.acquire);
        }

        /// Waits for the thread and gives the call's result.
        pub fn finish(self: *Self) Result {
            self.thread.join();
            return self.result;
        }

        fn run(self: *Self, args: Args) void {
            self.result = @call(.auto, func, args);
            self.returned.store(true, .release);
        }
    };
}

/// Long enough for a thread to reach a blocking call in practice.
pub const settle_ns = 50 * std.time.ns_per_ms;

/// Milliseconds on a monotonic clock since `start`.
pub fn msSince(start: std.time.Instant) u64 {
    return now().since(start) / std.time.ns_per_ms;
}

/// The monotonic clock's now.
pub fn now() std.time.Instant {
    return std.time.Instant.now() catch unreachable;
}
