//! Builds tq-outside, a program that imports the `tq` module of the
//! dependency "tq" (the binding), and runs it: `zig build run`. libtq is
//! found by the binding: with pkg-config, or in -Dtq-prefix, which this
//! build passes on to the dependency.

const std = @import("std");

pub fn build(b: *std.Build) void {
    const target = b.standardTargetOptions(.{});
    const optimize = b.standardOptimizeOption(.{});
    const tq_prefix = b.option(std.Build.LazyPath, "tq-prefix", "Where tq is installed (default: ask pkg-config)");

    const tq = b.dependency("tq", .{ .target = target, .optimize = optimize, .@"tq-prefix" = tq_prefix });
    const exe = b.addExecutable(.{
        .name = "tq-outside",
        .root_module = b.createModule(.{
            .root_source_file = b.path("src/main.zig"),
            .target = target,
            .optimize = optimize,
            .imports = &.{.{ .name = "tq", .module = tq.module("tq") }},
        }),
    });
    b.installArtifact(exe);
    const run = b.addRunArtifact(exe);
    b.step("run", "Run tq-outside").dependOn(&run.step);
}
