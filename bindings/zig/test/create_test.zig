//! init / initWith over `tq_create`: every order and bound makes a working
//! queue, and `Options` cannot name options the library would reject (so
//! `error.Invalid` from creation is not reachable from Zig).

const std = @import("std");
const tq = @import("tq");
const util = @import("util.zig");

test "Order is exhaustive and names exactly the library's orders" {
    const info = @typeInfo(tq.Order).@"enum";
    try std.testing.expect(info.is_exhaustive);
    try std.testing.expectEqual(3, info.fields.len);
    try std.testing.expectEqual(tq.c.TQ_FIFO, @intFromEnum(tq.Order.fifo));
    try std.testing.expectEqual(tq.c.TQ_LIFO, @intFromEnum(tq.Order.lifo));
    try std.testing.expectEqual(tq.c.TQ_PRIORITY, @intFromEnum(tq.Order.priority));
}

test "initWith accepts every order and bound and makes an empty queue with that bound" {
    inline for (@typeInfo(tq.Order).@"enum".fields) |field| {
        for ([_]usize{ 0, 1, 5000 }) |bound| {
            const q = try tq.Queue.initWith(.{ .order = @enumFromInt(field.value), .maxsize = bound });
            defer q.deinit();
            try std.testing.expectEqual(bound, q.maxsize());
            try std.testing.expect(q.empty() and !q.isShutdown());
            try std.testing.expectEqual(0, q.unfinished());
            try q.put(util.item(7), .nowait);
            try std.testing.expectEqual(7, util.number(try q.get(.nowait)));
        }
    }
}

test "init makes a FIFO queue with the given bound" {
    const q = try tq.Queue.init(2);
    defer q.deinit();
    try std.testing.expectEqual(2, q.maxsize());
    try q.put(util.item(1), .nowait);
    try q.put(util.item(2), .nowait);
    try std.testing.expectError(error.Full, q.put(util.item(3), .nowait));
    try std.testing.expectError(error.Invalid, q.putPriority(util.item(3), 0, .nowait));
    try std.testing.expectEqual(1, util.number(try q.get(.nowait)));
    try std.testing.expectEqual(2, util.number(try q.get(.nowait)));
}
