//! Builds the `tq` Zig module (src/tq.zig) over the C library libtq and runs
//! its tests: `zig build test`. An installed tq is found with pkg-config
//! (tq.pc: PKG_CONFIG_PATH is all a non-system prefix needs), or where the
//! options say: -Dtq-prefix (its include/ and lib/), or -Dtq-include and
//! -Dtq-lib. A package that depends on this one passes them to
//! `b.dependency("tq", .{ .@"tq-prefix" = ... })`. No path here leads out of
//! the package, so it works the same fetched into Zig's global cache.

const std = @import("std");

/// What a static libtq.a needs besides libc (`cargo rustc -- --print
/// native-static-libs`); harmless beside libtq.so. A copy of the repository's
/// cmake/native-static-libs.txt, as the package reads nothing outside its
/// directory; scripts/test-outside.sh checks both against rustc.
const native_libs = [_][]const u8{ "gcc_s", "util", "rt", "pthread", "m", "dl" };

pub fn build(b: *std.Build) void {
    const target = b.standardTargetOptions(.{});
    const optimize = b.standardOptimizeOption(.{});
    const prefix = b.option(std.Build.LazyPath, "tq-prefix", "Where tq is installed: <prefix>/include holds tq.h, <prefix>/lib libtq (default: ask pkg-config)");
    const include_dir = b.option(std.Build.LazyPath, "tq-include", "Directory holding tq.h (default: <tq-prefix>/include)") orelse
        if (prefix) |p| p.path(b, "include") else null;
    const lib_dir = b.option(std.Build.LazyPath, "tq-lib", "Directory holding libtq.so or libtq.a (default: <tq-prefix>/lib)") orelse
        if (prefix) |p| p.path(b, "lib") else null;

    const tq = b.addModule("tq", .{
        .root_source_file = b.path("src/tq.zig"),
        .target = target,
        .optimize = optimize,
        .link_libc = true,
    });
    if (include_dir) |dir| tq.addIncludePath(dir);
    if (lib_dir) |dir| tq.addLibraryPath(dir);
    // With neither directory given, pkg-config supplies both (plain -ltq if it knows no tq).
    const use_pkg_config: std.Build.Module.SystemLib.UsePkgConfig =
        if (include_dir == null and lib_dir == null) .yes else .no;
    tq.linkSystemLibrary("tq", .{ .use_pkg_config = use_pkg_config });
    for (native_libs) |name| tq.linkSystemLibrary(name, .{ .use_pkg_config = .no });

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
