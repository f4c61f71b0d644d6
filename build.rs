//! Gives the shared library the versioned SONAME `libtq.so.MAJOR`, but only
//! when `TQ_VERSIONED_SONAME=1` (the CMake build sets it: it installs the
//! library as `libtq.so.MAJOR.MINOR.PATCH` beside the `libtq.so.MAJOR` and
//! `libtq.so` links). A plain `cargo build` writes only `libtq.so`, so it
//! sets no SONAME, and a program linked with `-ltq` then finds that file at
//! run time.
//!
//! The header `include/tq.h` is checked in and kept fresh by
//! `tests/header.rs`: neither this script nor a crate that depends on tq
//! runs cbindgen.

use std::env;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=TQ_VERSIONED_SONAME");
    if env::var_os("TQ_VERSIONED_SONAME").is_some_and(|v| v == "1") {
        let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets the version");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libtq.so.{major}");
    }
}
