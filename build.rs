//! Generates the C header `include/tq.h` with cbindgen and gives the shared
//! library a SONAME that carries the major version.
//!
//! The header is checked in. A build refreshes it when the sources changed;
//! with `TQ_CHECK_HEADER=1` (set by the test command) a stale checked-in
//! header fails the build instead, so CI catches a header nobody committed.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets the version");
    let minor = env::var("CARGO_PKG_VERSION_MINOR").expect("cargo sets the version");
    let patch = env::var("CARGO_PKG_VERSION_PATCH").expect("cargo sets the version");

    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=include/tq.h");
    println!("cargo:rerun-if-env-changed=TQ_CHECK_HEADER");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libtq.so.{major}");

    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml is valid");
    let version = format!(
        "/** The version of this header; `tq_version()` returns the library's. */\n\
         #define TQ_VERSION \"{major}.{minor}.{patch}\"\n\
         #define TQ_VERSION_MAJOR {major}\n\
         #define TQ_VERSION_MINOR {minor}\n\
         #define TQ_VERSION_PATCH {patch}"
    );
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(&root)
        .with_config(config)
        .with_after_include(version)
        .generate()
        .expect("cbindgen can read the crate")
        .write(&mut generated);
    fs::write(out.join("tq.h"), &generated).expect("OUT_DIR is writable");

    let checked_in = root.join("include").join("tq.h");
    if fs::read(&checked_in).ok().as_deref() == Some(generated.as_slice()) {
        return;
    }
    if env::var_os("TQ_CHECK_HEADER").is_some_and(|v| v == "1") {
        panic!("include/tq.h is stale: run `cargo build` to regenerate it, then commit it");
    }
    if let Err(e) = fs::create_dir_all(checked_in.parent().unwrap()).and_then(|()| fs::write(&checked_in, &generated)) {
        println!("cargo:warning=could not refresh include/tq.h: {e}");
    }
}
