//! Fuzzes sequences of C-API calls on up to three queues against a
//! sequential model of Python's `queue` semantics (see `tq_fuzz::run`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tq_fuzz::run(data));
