//! The classic producer/consumer scenario (the demo, examples/producer_consumer.c): a
//! producer thread puts 1..5, a consumer thread gets each item and marks
//! it done, the main thread joins the producer and then the queue.

const std = @import("std");
const tq = @import("tq");

const items = [_]u32{ 1, 2, 3, 4, 5 };

const Demo = struct {
    queue: tq.TypedQueue(*const u32),
    /// The items in the order the consumer got them.
    seen: [items.len]u32 = @splat(0),
    /// How many items the consumer has finished processing.
    processed: std.atomic.Value(usize) = .init(0),
    producer_failure: ?tq.Error = null,
    consumer_failure: ?tq.Error = null,
    /// Why the consumer's loop ended (a get failing).
    consumer_end: ?tq.Error = null,

    fn produce(self: *Demo) void {
        for (&items) |*it| {
            self.queue.put(it, .forever) catch |err| {
                self.producer_failure = err;
                return;
            };
            std.Thread.sleep(2 * std.time.ns_per_ms);
        }
    }

    fn consume(self: *Demo) void {
        while (true) {
            const it = self.queue.get(.forever) catch |err| {
                self.consumer_end = err;
                return;
            };
            const n = self.processed.load(.monotonic);
            if (n < self.seen.len) self.seen[n] = it.*;
            // "Processing": a join that returned early would see the old count.
            std.Thread.sleep(3 * std.time.ns_per_ms);
            self.processed.store(n + 1, .release);
            self.queue.raw.taskDone() catch |err| {
                self.consumer_failure = err;
                return;
            };
        }
    }
};

test "producer/consumer: each item once, in order; join returns after the last taskDone" {
    var demo: Demo = .{ .queue = try .init(0) };
    defer demo.queue.deinit();

    const consumer = try std.Thread.spawn(.{}, Demo.consume, .{&demo});
    const producer = std.Thread.spawn(.{}, Demo.produce, .{&demo}) catch |err| {
        try demo.queue.raw.shutdown(false);
        consumer.join();
        return err;
    };
    producer.join();
    const joined = demo.queue.raw.join(.forever);
    const processed_at_join = demo.processed.load(.acquire);
    const unfinished_at_join = demo.queue.raw.unfinished();
    try demo.queue.raw.shutdown(false);
    consumer.join();

    try joined;
    try std.testing.expectEqual(items.len, processed_at_join);
    try std.testing.expectEqual(0, unfinished_at_join);
    try std.testing.expectEqual(null, demo.producer_failure);
    try std.testing.expectEqual(null, demo.consumer_failure);
    try std.testing.expectEqual(error.ShutDown, demo.consumer_end.?);
    try std.testing.expectEqualSlices(u32, &items, &demo.seen);
    try std.testing.expectEqual(items.len, demo.processed.load(.acquire));
}
