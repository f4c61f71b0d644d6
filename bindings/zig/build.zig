//! Builds the `tq` Zig module (src/tq.zig) against the C library and runs
//! its tests: `zig build test`. The header and the static library come from
//! the repository by default (include/ and target/release/, after
//! `cargo build --release`); -Dtq-include and -Dtq-lib point elsewhere.

const std = @import("std");

/// What libtq.a needs besides libc (`cargo rustc -- --print native-static-libs`).
const native_libs = [_][]const u8{ "gcc_s", "util", "rt", "pthread", "m", "dl" };

pub fn build(b: *std.Build) void {
    const target = b.standardTargetOptions(.{});
    const optimize = b.standardOptimizeOption(.{});
    const include_dir = b.option(std.Build.LazyPath, "tq-include", "Directory holding tq.h (default: ../../include)") orelse
        b.path("../../include");
    const lib_dir = b.option(std.Build.LazyPath, "tq-lib", "Directory holding libtq.a (default: ../../target/release)") orelse
        b.path("../../target/release");

    const tq = b.addModule("tq", .{
        .root_source_file = b.path("src/tq.zig"),
        .target = target,
        .optimize = optimize,
        .link_libc = true,
    });
    tq.addIncludePath(include_dir);
    tq.addObjectFile(lib_dir.path(b, "libtq.a"));
    for (native_libs) |name| tq.linkSystemLibrary(name, .{});

    const tests = b.addTest(.{
        .name = "tq-zig-tests",
        .root_module = b.createModule(.{
            .root_source_file = b.path("test/main.zig"),
            .target = target,
            .optimize = optimize,
            .imports = &.{.{ .name = "tq", .module = tq }},
        }),
    });
    const run_tests = b.addRunArtifact(tests);
    b.step("test", "Run the binding's tests against libtq").dependOn(&run_tests.step);
}
