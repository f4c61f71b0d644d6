//! tq-outside: a producer thread puts items 1..5, a consumer thread
//! processes each and marks it done, main joins the queue. Fails unless
//! every item arrived once, in order.

const std = @import("std");
const tq = @import("tq");

const items = [_]u32{ 1, 2, 3, 4, 5 };

/// Gets items until the queue is shut down, recording each in `seen`.
fn consume(queue: tq.TypedQueue(*const u32), seen: *std.ArrayList(u32)) !void {
    while (true) {
        const item = queue.get(.forever) catch |err| switch (err) {
            error.ShutDown => return,
            else => return err,
        };
        std.debug.print("Processing item {d}\n", .{item.*});
        try seen.appendBounded(item.*);
        try queue.raw.taskDone();
    }
}

pub fn main() !void {
    const queue = try tq.TypedQueue(*const u32).init(2);
    defer queue.deinit();
    var buffer: [items.len]u32 = undefined;
    var seen: std.ArrayList(u32) = .initBuffer(&buffer);

    var consumer_result: anyerror!void = {};
    const consumer = try std.Thread.spawn(.{}, struct {
        fn run(q: tq.TypedQueue(*const u32), s: *std.ArrayList(u32), result: *anyerror!void) void {
            result.* = consume(q, s);
        }
    }.run, .{ queue, &seen, &consumer_result });
    for (&items) |*item| try queue.put(item, .forever);
    try queue.raw.join(.forever);
    std.debug.print("All items processed\n", .{});
    try queue.raw.shutdown(false);
    consumer.join();

    try consumer_result;
    if (!std.mem.eql(u32, &items, seen.items)) return error.WrongItems;
}
