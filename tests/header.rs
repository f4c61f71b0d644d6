//! The checked-in C header `include/tq.h` is exactly what cbindgen makes of
//! `src/ffi/` with `cbindgen.toml`, and its version macros are Cargo.toml's
//! version.
//!
//! The header is generated here, not in build.rs, so that neither a build
//! nor a crate that depends on tq needs cbindgen. After changing the C ABI
//! or the version, `TQ_BLESS=1 cargo test --test header` rewrites the header;
//! commit it with the change.

use std::env;
use std::fs;
use std::path::Path;

/// The crate root, where `include/tq.h` and `cbindgen.toml` live.
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The macros that follow the header's includes: the version, and
/// `TQ_FOREVER` in parentheses (as cbindgen would not write a negative value).
fn macros() -> String {
    format!(
        "/** The version of this header; `tq_version()` returns the library's. */\n\
         #define TQ_VERSION \"{}\"\n\
         #define TQ_VERSION_MAJOR {}\n\
         #define TQ_VERSION_MINOR {}\n\
         #define TQ_VERSION_PATCH {}\n\
         \n\
         /** `timeout_ms` value (any negative one does): block without a time limit. */\n\
         #define TQ_FOREVER ({})",
        env!("CARGO_PKG_VERSION"),
        env!("CARGO_PKG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_PATCH"),
        tq::ffi::TQ_FOREVER,
    )
}

/// The header cbindgen generates for the crate as it is now.
fn generate() -> String {
    let root = Path::new(ROOT);
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml is valid");
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .with_after_include(macros())
        .generate()
        .expect("cbindgen can read the crate")
        .write(&mut out);
    String::from_utf8(out).expect("cbindgen writes UTF-8")
}

/// The checked-in header.
fn checked_in() -> String {
    fs::read_to_string(Path::new(ROOT).join("include/tq.h")).unwrap_or_default()
}

/// The number of the first line where two texts differ, and that line in each.
fn first_difference<'a>(a: &'a str, b: &'a str) -> Option<(usize, &'a str, &'a str)> {
    const END: &str = "<end of file>";
    let lines = a.lines().count().max(b.lines().count());
    let padded = |s: &'a str| s.lines().chain(std::iter::repeat(END)).take(lines);
    let (n, (x, y)) = padded(a).zip(padded(b)).enumerate().find(|(_, (x, y))| x != y)?;
    Some((n + 1, x, y))
}

#[test]
fn header_is_what_cbindgen_generates() {
    let generated = generate();
    let current = checked_in();
    if current == generated {
        return;
    }
    if env::var_os("TQ_BLESS").is_some_and(|v| v == "1") {
        fs::write(Path::new(ROOT).join("include/tq.h"), &generated).expect("include/tq.h is writable");
        return;
    }
    let difference = match first_difference(&current, &generated) {
        Some((n, old, new)) => format!("line {n}:\n  checked in: {old}\n  generated:  {new}"),
        None => "only in line endings or the final newline".to_owned(),
    };
    panic!("include/tq.h is stale: run `TQ_BLESS=1 cargo test --test header` and commit it. It differs {difference}");
}

/// The value of `#define NAME value` in the header.
fn define<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.lines().find_map(|line| {
        let rest = line.strip_prefix("#define ")?.strip_prefix(name)?;
        rest.starts_with(' ').then(|| rest.trim())
    })
}

#[test]
fn version_macros_are_the_cargo_toml_version() {
    let header = checked_in();
    let manifest = fs::read_to_string(Path::new(ROOT).join("Cargo.toml")).expect("Cargo.toml is readable");
    let version = manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = \"")?.strip_suffix('"'))
        .expect("Cargo.toml has a version line");
    let parts: Vec<&str> = version.split('.').collect();
    assert_eq!(define(&header, "TQ_VERSION"), Some(format!("\"{version}\"").as_str()));
    assert_eq!(define(&header, "TQ_VERSION_MAJOR"), Some(parts[0]));
    assert_eq!(define(&header, "TQ_VERSION_MINOR"), Some(parts[1]));
    assert_eq!(define(&header, "TQ_VERSION_PATCH"), Some(parts[2]));
}

/// Each function of the header that takes a pointer says, in a "Safety:"
/// paragraph, what the pointer must be (src/ffi/ writes these paragraphs
/// instead of rustdoc's `# Safety` heading, whose lint is off there).
#[test]
fn every_function_taking_a_pointer_states_its_safety() {
    let header = checked_in();
    let mut doc = String::new();
    let mut missing = Vec::new();
    let mut checked = 0;
    for line in header.lines() {
        let line = line.trim();
        if line.starts_with("/**") {
            doc.clear();
        }
        if line.starts_with("/**") || line.starts_with('*') {
            doc.push_str(line);
            doc.push('\n');
            continue;
        }
        let Some((name, params)) = line.split_once('(') else {
            continue;
        };
        if !line.ends_with(");") || line.starts_with('#') || line.starts_with("typedef") {
            continue;
        }
        if params.contains('*') {
            checked += 1;
            if !doc.contains("Safety:") {
                missing.push(name.rsplit([' ', '*']).next().unwrap_or(name).to_owned());
            }
        }
        doc.clear();
    }
    assert!(
        checked >= 15,
        "found only {checked} functions taking pointers: is the header laid out as expected?"
    );
    assert!(missing.is_empty(), "no \"Safety:\" paragraph: {missing:?}");
}
