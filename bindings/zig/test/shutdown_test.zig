//! shutdown: wakes blocked threads, refuses puts, drains gets; the
//! immediate form drops the queued items and counts them as done.

const std = @import("std");
const tq = @import("tq");
const util = @import("util.zig");

test "a getter blocked on an empty queue wakes with ShutDown" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    var getter: util.Background(tq.Queue.get) = .{};
    try getter.start(.{ q, .forever });
    std.Thread.sleep(util.settle_ns);
    const returned_early = getter.hasReturned();
    const shut = q.shutdown(false);
    const got = getter.finish();
    try shut;
    try std.testing.expect(!returned_early);
    try std.testing.expectError(error.ShutDown, got);
}

test "a putter blocked on a full queue wakes with ShutDown" {
    const q = try tq.Queue.init(1);
    defer q.deinit();
    try q.put(util.item(1), .nowait);
    var putter: util.Background(tq.Queue.put) = .{};
    try putter.start(.{ q, util.item(2), .forever });
    std.Thread.sleep(util.settle_ns);
    const returned_early = putter.hasReturned();
    const shut = q.shutdown(false);
    const put = putter.finish();
    try shut;
    try std.testing.expect(!returned_early);
    try std.testing.expectError(error.ShutDown, put);
    try std.testing.expectEqual(1, q.qsize());
}

test "after shutdown puts fail and gets drain the queue, then fail" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    try q.put(util.item(1), .nowait);
    try q.put(util.item(2), .nowait);
    try std.testing.expect(!q.isShutdown());
    try q.shutdown(false);
    try q.shutdown(false);
    try std.testing.expect(q.isShutdown());
    try std.testing.expectError(error.ShutDown, q.put(util.item(3), .forever));
    try std.testing.expectEqual(1, util.number(try q.get(.forever)));
    try std.testing.expectEqual(2, util.number(try q.get(.forever)));
    try std.testing.expectError(error.ShutDown, q.get(.forever));
    try std.testing.expectEqual(2, q.unfinished());
}

test "an immediate shutdown drops the queued items to the destructor and lets join return" {
    var log: util.DropLog = .{};
    const q = try tq.Queue.initWith(log.options(.fifo, 0));
    defer q.deinit();
    for (1..4) |n| try q.put(util.item(n), .nowait);
    try std.testing.expectEqual(1, util.number(try q.get(.nowait)));
    try q.shutdown(true);
    try std.testing.expectEqual(2, log.count);
    try std.testing.expectEqual(2 + 3, log.sum);
    try std.testing.expectEqual(0, q.qsize());
    try std.testing.expectError(error.ShutDown, q.get(.nowait));
    try std.testing.expectEqual(1, q.unfinished());
    try q.taskDone();
    try q.join(.nowait);
}
