//! The root of `zig build test`: pulls in every test file.

test {
    _ = @import("demo_test.zig");
    _ = @import("create_test.zig");
    _ = @import("order_test.zig");
    _ = @import("timeout_test.zig");
    _ = @import("shutdown_test.zig");
    _ = @import("tasks_test.zig");
    _ = @import("batch_test.zig");
    _ = @import("destroy_test.zig");
    _ = @import("queries_test.zig");
    _ = @import("events_test.zig");
    _ = @import("status_test.zig");
}
