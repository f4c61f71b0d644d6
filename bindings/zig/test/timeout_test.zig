//! Timeouts: nowait fails at once, a timed wait fails no earlier than
//! asked, an enormous one waits like forever.

const std = @import("std");
const tq = @import("tq");
const util = @import("util.zig");

/// A generous upper bound for a short timed wait on a loaded machine.
const late_ms = 5000;

test "nowait: Full on a full queue, Empty on an empty one" {
    const q = try tq.Queue.init(1);
    defer q.deinit();
    try std.testing.expectError(error.Empty, q.get(.nowait));
    try q.put(util.item(1), .nowait);
    try std.testing.expectError(error.Full, q.put(util.item(2), .nowait));
    try std.testing.expectEqual(1, q.qsize());
    try std.testing.expectEqual(1, util.number(try q.get(.nowait)));
    try std.testing.expectError(error.Empty, q.get(.nowait));
}

test "a timed get returns Empty no earlier than the timeout" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    const start = util.now();
    try std.testing.expectError(error.Empty, q.get(.{ .ms = 60 }));
    const waited = util.msSince(start);
    try std.testing.expect(waited >= 60);
    try std.testing.expect(waited < late_ms);
}

test "a timed put on a full queue returns Full no earlier than the timeout" {
    const q = try tq.Queue.init(1);
    defer q.deinit();
    try q.put(util.item(1), .nowait);
    const start = util.now();
    try std.testing.expectError(error.Full, q.put(util.item(2), .{ .ms = 40 }));
    const waited = util.msSince(start);
    try std.testing.expect(waited >= 40);
    try std.testing.expect(waited < late_ms);
}

test "a timed join returns Timeout while a task is unfinished" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    try q.put(util.item(1), .nowait);
    const start = util.now();
    try std.testing.expectError(error.Timeout, q.join(.{ .ms = 30 }));
    try std.testing.expect(util.msSince(start) >= 30);
    _ = try q.get(.nowait);
    try q.taskDone();
    try q.join(.nowait);
}

test "a timeout beyond i64 milliseconds waits like forever" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    var getter: util.Background(tq.Queue.get) = .{};
    try getter.start(.{ q, .{ .ms = std.math.maxInt(u64) } });
    std.Thread.sleep(util.settle_ns);
    const returned_early = getter.hasReturned();
    const put = q.put(util.item(9), .nowait);
    const got = getter.finish();
    try put;
    try std.testing.expect(!returned_early);
    try std.testing.expectEqual(9, util.number(try got));
}
