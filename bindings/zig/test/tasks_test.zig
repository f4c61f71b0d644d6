//! taskDone / taskDoneN bookkeeping and its TooManyDone error.

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
