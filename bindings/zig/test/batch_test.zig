//! putMany / getMany: partial batches, counts, waiting for the first item.

const std = @import("std");
const tq = @import("tq");
const util = @import("util.zig");

test "putMany puts as many as fit, getMany takes what is there in order" {
    const q = try tq.Queue.init(3);
    defer q.deinit();
    const items = [_]?*anyopaque{ util.item(1), util.item(2), util.item(3), util.item(4), util.item(5) };
    try std.testing.expectEqual(3, try q.putMany(&items, .nowait));
    try std.testing.expectError(error.Full, q.putMany(items[3..], .nowait));
    try std.testing.expectEqual(3, q.unfinished());

    var buffer: [10]?*anyopaque = undefined;
    const got = try q.getMany(&buffer, .nowait);
    try std.testing.expectEqualSlices(?*anyopaque, items[0..3], got);
    try std.testing.expectError(error.Empty, q.getMany(&buffer, .nowait));
}

test "getMany takes at most the buffer's length" {
    const q = try tq.Queue.initWith(.{ .order = .lifo });
    defer q.deinit();
    const items = [_]?*anyopaque{ util.item(1), util.item(2), util.item(3) };
    try std.testing.expectEqual(3, try q.putMany(&items, .nowait));
    var buffer: [2]?*anyopaque = undefined;
    const got = try q.getMany(&buffer, .nowait);
    try std.testing.expectEqualSlices(?*anyopaque, &.{ util.item(3), util.item(2) }, got);
    try std.testing.expectEqual(1, q.qsize());
}

test "empty batches succeed at once with a count of 0" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    try std.testing.expectEqual(0, try q.putMany(&.{}, .forever));
    var buffer: [0]?*anyopaque = .{};
    try std.testing.expectEqual(0, (try q.getMany(&buffer, .forever)).len);
}

test "a blocked getMany wakes for the first item" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    var buffer: [4]?*anyopaque = undefined;
    var getter: util.Background(tq.Queue.getMany) = .{};
    try getter.start(.{ q, &buffer, .forever });
    std.Thread.sleep(util.settle_ns);
    const returned_early = getter.hasReturned();
    const put = q.put(util.item(7), .nowait);
    const got = getter.finish();
    try put;
    try std.testing.expect(!returned_early);
    try std.testing.expectEqualSlices(?*anyopaque, &.{util.item(7)}, try got);
}

test "batch calls after shutdown" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    try q.shutdown(false);
    try std.testing.expectError(error.ShutDown, q.putMany(&.{util.item(1)}, .nowait));
    var buffer: [2]?*anyopaque = undefined;
    try std.testing.expectError(error.ShutDown, q.getMany(&buffer, .nowait));
}
