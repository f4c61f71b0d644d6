//! The queries (qsize, empty, full, maxsize, unfinished), setMaxsize, the
//! typed queue and the version.

const std = @import("std");
const tq = @import("tq");
const util = @import("util.zig");

test "queries follow puts and gets" {
    const q = try tq.Queue.init(2);
    defer q.deinit();
    try std.testing.expectEqual(2, q.maxsize());
    try std.testing.expect(q.empty() and !q.full());
    try q.put(util.item(1), .nowait);
    try q.put(util.item(2), .nowait);
    try std.testing.expect(!q.empty() and q.full());
    try std.testing.expectEqual(2, q.qsize());
    _ = try q.get(.nowait);
    try std.testing.expectEqual(1, q.qsize());
    try std.testing.expectEqual(2, q.unfinished());
}

test "an unbounded queue is never full" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    for (0..1000) |n| try q.put(util.item(n), .nowait);
    try std.testing.expect(!q.full());
    try std.testing.expectEqual(0, q.maxsize());
}

test "setMaxsize keeps items when shrinking and wakes a putter when growing" {
    const q = try tq.Queue.init(2);
    defer q.deinit();
    try q.put(util.item(1), .nowait);
    try q.put(util.item(2), .nowait);
    try q.setMaxsize(1);
    try std.testing.expectEqual(2, q.qsize());
    try std.testing.expect(q.full());

    var putter: util.Background(tq.Queue.put) = .{};
    try putter.start(.{ q, util.item(3), .forever });
    std.Thread.sleep(util.settle_ns);
    const returned_early = putter.hasReturned();
    const grown = q.setMaxsize(0);
    const put = putter.finish();
    try grown;
    try std.testing.expect(!returned_early);
    try put;
    try std.testing.expectEqual(3, q.qsize());
}

test "a typed queue hands back the pointers it was given" {
    var jobs = [_]u64{ 10, 20 };
    const q = try tq.TypedQueue(*u64).initWith(.{ .order = .priority });
    defer q.deinit();
    try q.putPriority(&jobs[0], 5, .nowait);
    try q.put(&jobs[1], .nowait);
    const first = try q.get(.nowait);
    try std.testing.expectEqual(&jobs[1], first);
    first.* += 1;
    try std.testing.expectEqual(21, jobs[1]);
    try std.testing.expectEqual(&jobs[0], try q.get(.nowait));
    try std.testing.expectError(error.Empty, q.get(.nowait));
}

test "the library's version is the header's" {
    try std.testing.expectEqualStrings(tq.c.TQ_VERSION, tq.version());
}
