//! The item destructor: called on deinit for the items still queued, never
//! for items handed out.

const std = @import("std");
const tq = @import("tq");
const util = @import("util.zig");

test "deinit passes each item still queued to the destructor once" {
    var log: util.DropLog = .{};
    const q = try tq.Queue.initWith(log.options(.priority, 8));
    for (1..6) |n| try q.putPriority(util.item(n), @intCast(n), .nowait);
    try std.testing.expectEqual(1, util.number(try q.get(.nowait)));
    try std.testing.expectEqual(2, util.number(try q.get(.nowait)));
    try std.testing.expectEqual(0, log.count);
    q.deinit();
    try std.testing.expectEqual(3, log.count);
    try std.testing.expectEqual(3 + 4 + 5, log.sum);
}

test "an empty queue calls no destructor" {
    var log: util.DropLog = .{};
    const q = try tq.Queue.initWith(log.options(.fifo, 0));
    try q.put(util.item(1), .nowait);
    _ = try q.get(.nowait);
    q.deinit();
    try std.testing.expectEqual(0, log.count);
}
