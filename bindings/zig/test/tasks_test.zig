//! taskDone / taskDoneN / taskDoneAll bookkeeping and the TooManyDone error.

const std = @import("std");
const tq = @import("tq");
const util = @import("util.zig");

test "taskDone more often than items were put is TooManyDone and changes nothing" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    try std.testing.expectError(error.TooManyDone, q.taskDone());
    try q.put(util.item(1), .nowait);
    _ = try q.get(.nowait);
    try std.testing.expectEqual(1, q.unfinished());
    try q.taskDone();
    try std.testing.expectEqual(0, q.unfinished());
    try std.testing.expectError(error.TooManyDone, q.taskDone());
    try std.testing.expectEqual(0, q.unfinished());
}

test "taskDoneN is all or nothing" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    try q.put(util.item(1), .nowait);
    try q.put(util.item(2), .nowait);
    try std.testing.expectError(error.TooManyDone, q.taskDoneN(3));
    try std.testing.expectEqual(2, q.unfinished());
    try q.taskDoneN(0);
    try std.testing.expectEqual(2, q.unfinished());
    try std.testing.expectError(error.Timeout, q.join(.nowait));
    try q.taskDoneN(2);
    try std.testing.expectEqual(0, q.unfinished());
    try q.join(.nowait);
}

test "a blocked join wakes when the last task is done" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    try q.put(util.item(1), .nowait);
    var joiner: util.Background(tq.Queue.join) = .{};
    try joiner.start(.{ q, .forever });
    std.Thread.sleep(util.settle_ns);
    const returned_early = joiner.hasReturned();
    const done = q.taskDone();
    const joined = joiner.finish();
    try done;
    try std.testing.expect(!returned_early);
    try joined;
}

test "taskDoneAll marks every unfinished task done and returns how many" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    try std.testing.expectEqual(0, try q.taskDoneAll());
    for (1..5) |n| try q.put(util.item(n), .nowait);
    _ = try q.get(.nowait);
    _ = try q.get(.nowait);
    try q.taskDone();
    try std.testing.expectEqual(3, q.unfinished());
    try std.testing.expectEqual(3, try q.taskDoneAll());
    try std.testing.expectEqual(0, q.unfinished());
    try q.join(.nowait);
    // Only the count changes: the items still queued stay queued.
    try std.testing.expectEqual(2, q.qsize());
    try std.testing.expectEqual(0, try q.taskDoneAll());
    try std.testing.expectError(error.TooManyDone, q.taskDone());
    try q.put(util.item(5), .nowait);
    try std.testing.expectEqual(1, q.unfinished());
}

test "taskDoneAll after an immediate shutdown ends a blocked join" {
    var log: util.DropLog = .{};
    const q = try tq.Queue.initWith(log.options(.fifo, 0));
    defer q.deinit();
    for (1..4) |n| try q.put(util.item(n), .nowait);
    _ = try q.get(.nowait);
    // Bounded, so that a join taskDoneAll fails to end is a failure, not a hang.
    var joiner: util.Background(tq.Queue.join) = .{};
    try joiner.start(.{ q, .{ .ms = 10_000 } });
    std.Thread.sleep(util.settle_ns);
    const returned_before_shutdown = joiner.hasReturned();
    // The two items dropped count as done; the one taken does not.
    const shut = q.shutdown(true);
    std.Thread.sleep(util.settle_ns);
    const returned_before_all = joiner.hasReturned();
    const unfinished = q.unfinished();
    const done = q.taskDoneAll();
    const joined = joiner.finish();
    try shut;
    try std.testing.expect(!returned_before_shutdown);
    try std.testing.expect(!returned_before_all);
    try std.testing.expectEqual(2, log.count);
    try std.testing.expectEqual(1, unfinished);
    try std.testing.expectEqual(1, try done);
    try joined;
    try std.testing.expectEqual(0, q.unfinished());
}
