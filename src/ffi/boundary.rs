//! The panic boundary every exported function's body runs inside.

/// Runs `$body`; if it panics, returns `$on_panic` instead of unwinding into C.
macro_rules! boundary {
    ($on_panic:expr, $body:block) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)) {
            Ok(value) => value,
            Err(_) => $on_panic,
        }
    };
}
