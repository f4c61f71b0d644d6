//! check: every `tq_status` the library returns maps to its own member of
//! `tq.Error` (and `TQ_OK` to success); an unknown status is `Internal`.

const std = @import("std");
const tq = @import("tq");

/// Each non-OK status and the error it maps to.
const mapped = .{
    .{ tq.c.TQ_FULL, error.Full },
    .{ tq.c.TQ_EMPTY, error.Empty },
    .{ tq.c.TQ_SHUTDOWN, error.ShutDown },
    .{ tq.c.TQ_TIMEOUT, error.Timeout },
    .{ tq.c.TQ_INVALID, error.Invalid },
    .{ tq.c.TQ_TOO_MANY_DONE, error.TooManyDone },
    .{ tq.c.TQ_NOMEM, error.OutOfMemory },
    .{ tq.c.TQ_INTERNAL, error.Internal },
    .{ tq.c.TQ_SYSTEM, error.System },
};

test "check maps TQ_OK to success and each other status to its error" {
    try tq.check(tq.c.TQ_OK);
    inline for (mapped) |pair| try std.testing.expectError(pair[1], tq.check(pair[0]));
}

test "every member of tq.Error is the mapping of exactly one status" {
    const members = @typeInfo(tq.Error).error_set.?;
    try std.testing.expectEqual(members.len, mapped.len);
    inline for (members) |member| {
        var times: usize = 0;
        inline for (mapped) |pair| {
            if (pair[1] == @field(anyerror, member.name)) times += 1;
        }
        try std.testing.expectEqual(1, times);
    }
}

test "a status the binding does not know is Internal" {
    try std.testing.expectError(error.Internal, tq.check(tq.c.TQ_SYSTEM + 1));
    try std.testing.expectError(error.Internal, tq.check(1000));
}
