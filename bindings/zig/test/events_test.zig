//! Waiting beside other work: getFd / putFd poll readable exactly while a
//! get / a put would not block (watched with `std.posix.poll`, also beside
//! a producer thread), `error.System` when the OS refuses a descriptor, and
//! getAny taking from the right queue, passing over shut down ones.

const std = @import("std");
const tq = @import("tq");
const util = @import("util.zig");

/// Whether `fd` polls readable within `timeout_ms` (0: now).
fn readable(fd: std.posix.fd_t, timeout_ms: i32) !bool {
    var fds = [_]std.posix.pollfd{.{ .fd = fd, .events = std.posix.POLL.IN, .revents = 0 }};
    return try std.posix.poll(&fds, timeout_ms) == 1 and fds[0].revents & std.posix.POLL.IN != 0;
}

/// A wait that should not time out: long enough never to by accident on a
/// loaded machine, short enough that a bug fails the test instead of hanging.
const patient_ms = 10_000;
const patient: tq.Timeout = .{ .ms = patient_ms };

test "getFd polls readable exactly while an item is queued or the queue is shut down" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    const fd = try q.getFd();
    try std.testing.expectEqual(fd, try q.getFd());
    try std.testing.expect(!try readable(fd, 0));
    try q.put(util.item(1), .nowait);
    try q.put(util.item(2), .nowait);
    try std.testing.expect(try readable(fd, 0));
    try std.testing.expectEqual(1, util.number(try q.get(.nowait)));
    try std.testing.expect(try readable(fd, 0));
    try std.testing.expectEqual(2, util.number(try q.get(.nowait)));
    const start = util.now();
    try std.testing.expect(!try readable(fd, 30)); // emptied: a timed poll waits it out
    try std.testing.expect(util.msSince(start) >= 25);
    try q.shutdown(false);
    try std.testing.expect(try readable(fd, 0)); // a get would not block now
    try std.testing.expectError(error.ShutDown, q.get(.nowait));
}

test "putFd polls readable exactly while there is room or the queue is shut down" {
    const q = try tq.Queue.init(1);
    defer q.deinit();
    const fd = try q.putFd();
    try std.testing.expect(fd != try q.getFd());
    try std.testing.expect(try readable(fd, 0));
    try q.put(util.item(1), .nowait);
    try std.testing.expect(!try readable(fd, 0)); // full
    _ = try q.get(.nowait);
    try std.testing.expect(try readable(fd, 0));
    try q.put(util.item(2), .nowait);
    try q.setMaxsize(2);
    try std.testing.expect(try readable(fd, 0));
    try q.setMaxsize(1);
    try std.testing.expect(!try readable(fd, 0));
    try q.shutdown(false);
    try std.testing.expect(try readable(fd, 0)); // a put would not block now
}

/// Puts 1..count into `q`, waiting on its putFd for room, then shuts it down.
fn produce(q: tq.Queue, count: usize) !void {
    const fd = try q.putFd();
    var n: usize = 1;
    while (n <= count) {
        if (!try readable(fd, patient_ms)) return error.NeverRoom;
        while (n <= count) : (n += 1) {
            q.put(util.item(n), .nowait) catch |err| switch (err) {
                error.Full => break,
                else => return err,
            };
        }
    }
    try q.shutdown(false);
}

test "a poller on getFd and a producer thread on putFd move every item, in order" {
    const count = 500;
    const q = try tq.Queue.init(2);
    defer q.deinit();
    const fd = try q.getFd();
    var producer: util.Background(produce) = .{};
    try producer.start(.{ q, count });
    var next: usize = 1;
    var polled = true;
    consume: while (polled) {
        polled = try readable(fd, patient_ms);
        while (true) {
            const it = q.get(.nowait) catch |err| switch (err) {
                error.Empty => break,
                error.ShutDown => break :consume,
                else => return err,
            };
            try std.testing.expectEqual(next, util.number(it));
            next += 1;
        }
    }
    try producer.finish();
    try std.testing.expect(polled);
    try std.testing.expectEqual(count + 1, next);
}

test "getFd and putFd fail with error.System when the OS refuses a descriptor, changing nothing" {
    const q = try tq.Queue.init(0);
    defer q.deinit();
    const saved = try std.posix.getrlimit(.NOFILE);
    try std.posix.setrlimit(.NOFILE, .{ .cur = 0, .max = saved.max }); // no new descriptor at all
    const get_fd = q.getFd();
    const put_fd = q.putFd();
    try std.posix.setrlimit(.NOFILE, saved);
    try std.testing.expectError(error.System, get_fd);
    try std.testing.expectError(error.System, put_fd);
    try q.put(util.item(1), .nowait);
    try std.testing.expect(try readable(try q.getFd(), 0));
}

test "getAny takes from the queue that has an item and says which" {
    const qs = [_]tq.Queue{ try tq.Queue.init(0), try tq.Queue.init(0), try tq.Queue.init(0) };
    defer for (qs) |q| q.deinit();
    try qs[1].put(util.item(7), .nowait);
    const taken = try tq.Queue.getAny(&qs, .nowait);
    try std.testing.expectEqual(1, taken.index);
    try std.testing.expectEqual(7, util.number(taken.item));
    try qs[1].taskDone(); // the task is the giver's
    try std.testing.expectError(error.TooManyDone, qs[0].taskDone());
    try std.testing.expectError(error.Empty, tq.Queue.getAny(&qs, .nowait));

    // Each queue keeps its own order; the index names the source.
    try qs[0].put(util.item(1), .nowait);
    try qs[0].put(util.item(2), .nowait);
    try qs[2].put(util.item(3), .nowait);
    try qs[2].put(util.item(4), .nowait);
    var last = [_]usize{ 0, 0, 2 };
    for (0..4) |_| {
        const t = try tq.Queue.getAny(&qs, .nowait);
        try std.testing.expect(t.index == 0 or t.index == 2);
        try std.testing.expectEqual(last[t.index] + 1, util.number(t.item));
        last[t.index] += 1;
    }
    try std.testing.expectEqual([_]usize{ 2, 0, 4 }, last);

    // The same queue twice is fine.
    try qs[0].put(util.item(5), .nowait);
    const twice = try tq.Queue.getAny(&.{ qs[0], qs[0] }, .nowait);
    try std.testing.expectEqual(5, util.number(twice.item));
    try std.testing.expect(twice.index < 2);
}

test "getAny over two full queues takes from both" {
    const qs = [_]tq.Queue{ try tq.Queue.init(0), try tq.Queue.init(0) };
    defer for (qs) |q| q.deinit();
    for (1..21) |n| for (qs) |q| try q.put(util.item(n), .nowait);
    var taken = [_]usize{ 0, 0 };
    for (0..20) |_| taken[(try tq.Queue.getAny(&qs, .nowait)).index] += 1;
    try std.testing.expect(taken[0] > 0 and taken[1] > 0);
}

test "getAny passes over drained shut down queues, wakes on a put, then returns ShutDown" {
    const qs = [_]tq.Queue{ try tq.Queue.init(0), try tq.Queue.init(0) };
    defer for (qs) |q| q.deinit();
    try qs[0].put(util.item(1), .nowait);
    try qs[0].shutdown(false);
    const first = try tq.Queue.getAny(&qs, .nowait); // shut down, not drained: still gives
    try std.testing.expectEqual(0, first.index);
    const start = util.now();
    try std.testing.expectError(error.Empty, tq.Queue.getAny(&qs, .{ .ms = 30 }));
    try std.testing.expect(util.msSince(start) >= 25);

    var getter: util.Background(tq.Queue.getAny) = .{};
    try getter.start(.{ &qs, patient });
    std.Thread.sleep(util.settle_ns);
    const returned_early = getter.hasReturned();
    const put = qs[1].put(util.item(2), .nowait);
    const woken = getter.finish();
    try put;
    try std.testing.expect(!returned_early);
    const second = try woken;
    try std.testing.expectEqual(1, second.index);
    try std.testing.expectEqual(2, util.number(second.item));

    var last: util.Background(tq.Queue.getAny) = .{};
    try last.start(.{ &qs, patient });
    std.Thread.sleep(util.settle_ns);
    const last_returned_early = last.hasReturned();
    const shut = qs[1].shutdown(false);
    const ended = last.finish();
    try shut;
    try std.testing.expect(!last_returned_early);
    try std.testing.expectError(error.ShutDown, ended);
}

test "getAny over no queue is error.Invalid" {
    try std.testing.expectError(error.Invalid, tq.Queue.getAny(&.{}, patient));
    try std.testing.expectError(error.Invalid, tq.TypedQueue(*u64).getAny(&.{}, .nowait));
}

test "TypedQueue.getAny hands out typed pointers" {
    var jobs = [_]u64{ 10, 20 };
    const Jobs = tq.TypedQueue(*u64);
    const qs = [_]Jobs{ try Jobs.init(0), try Jobs.initWith(.{ .order = .lifo }) };
    defer for (qs) |q| q.deinit();
    try qs[1].put(&jobs[0], .nowait);
    try qs[1].put(&jobs[1], .nowait);
    const taken = try Jobs.getAny(&qs, .nowait);
    try std.testing.expectEqual(1, taken.index);
    try std.testing.expectEqual(&jobs[1], taken.item);
    try std.testing.expectEqual(&jobs[0], (try Jobs.getAny(&qs, .nowait)).item);
    try std.testing.expectError(error.Empty, Jobs.getAny(&qs, .nowait));
}
