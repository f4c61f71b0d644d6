//! The three orders: FIFO, LIFO and a stable priority order.

const std = @import("std");
const tq = @import("tq");
const util = @import("util.zig");

/// Puts 1..5 into a queue of `order` and checks they come out as `expected`.
fn expectOrder(order: tq.Order, expected: []const usize) !void {
    const q = try tq.Queue.initWith(.{ .order = order });
    defer q.deinit();
    for (1..6) |n| try q.put(util.item(n), .nowait);
    for (expected) |n| try std.testing.expectEqual(n, util.number(try q.get(.nowait)));
    try std.testing.expectError(error.Empty, q.get(.nowait));
}

test "FIFO hands items out in the order they were put" {
    try expectOrder(.fifo, &.{ 1, 2, 3, 4, 5 });
}

test "LIFO hands the newest item out first" {
    try expectOrder(.lifo, &.{ 5, 4, 3, 2, 1 });
}

test "priority: lowest first, FIFO among equal priorities, put means priority 0" {
    const q = try tq.Queue.initWith(.{ .order = .priority });
    defer q.deinit();
    const priorities = [_]i64{ 3, 1, 2, 1, -4, 0 };
    for (priorities, 1..) |p, n| try q.putPriority(util.item(n), p, .nowait);
    try q.put(util.item(7), .nowait);
    for ([_]usize{ 5, 6, 7, 2, 4, 3, 1 }) |n|
        try std.testing.expectEqual(n, util.number(try q.get(.nowait)));
}

test "putPriority on a FIFO or LIFO queue is Invalid and puts nothing" {
    for ([_]tq.Order{ .fifo, .lifo }) |order| {
        const q = try tq.Queue.initWith(.{ .order = order });
        defer q.deinit();
        try std.testing.expectError(error.Invalid, q.putPriority(util.item(1), 0, .nowait));
        try std.testing.expectEqual(0, q.qsize());
        try std.testing.expectEqual(0, q.unfinished());
    }
}

test "null is a legal item" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    try q.put(null, .nowait);
    try std.testing.expectEqual(null, try q.get(.nowait));
}
