//! Writes the seed corpus, `corpus/c_api/`: small inputs that reach every
//! call and the paths a fuzzer finds slowly (full bounds, the ring's
//! overflow, invalid options and counts, descriptors flipping, `tq_get_any`
//! over several queues). Run from `fuzz/`:
//! `cargo run --example seeds`.

use std::fs;

use tq_fuzz::input::{Call, Op, Op::*};

/// Target bits (see `Call::target`): slot 3 is a NULL handle.
const NULL_Q: u8 = 3;
const NULL_PTR: u8 = 4;
const NULL_COUNT: u8 = 8;
const FLAG: u8 = 16;

/// A `struct_size` choice (see `Call::struct_size`).
const fn size(choice: u8) -> u8 {
    choice << 5
}

/// Value bytes (see the mappings in `tq_fuzz::input`).
const RING_PLUS_1: u8 = 0xC9; // maxsize 1025 / count 1025
const BIG_COUNT: u8 = 0xCF; // count 1031
const OVERSIZED: [u8; 4] = [0xF0, 0xF1, 0xF2, 0xF3]; // counts above isize::MAX / 8
const HUGE_TASKS: u8 = 0xF0; // usize::MAX
const BAD_ORDER: u8 = 6; // order 3
const HUGE_ORDER: u8 = 7; // order u32::MAX

/// A call, briefly.
fn c(op: Op, target: u8, value: u8, extra: u8) -> Call {
    Call {
        op,
        target,
        value,
        extra,
    }
}

/// `tq_get_any` over `entries` (slots, [`NULL_Q`] a NULL entry; at most 5)
/// with the target's pointer `flags` (see `Call::entries`).
fn any(flags: u8, entries: &[u8]) -> Call {
    assert!(entries.len() <= 5, "tq_get_any gets at most 5 entries");
    let first = entries.first().copied().unwrap_or(0);
    let rest = entries.iter().skip(1).enumerate().map(|(i, &e)| e << (2 * i)).sum();
    c(GetAny, flags | first, rest, entries.len() as u8)
}

/// The seeds: a name and its calls.
fn seeds() -> Vec<(&'static str, Vec<Call>)> {
    vec![
        (
            "fifo_bounded",
            vec![
                c(New, 0, 2, 0),
                c(Put, 0, 0, 0),
                c(Put, 0, 0, 0),
                c(Put, 0, 0, 0),
                c(Join, 0, 0, 0),
                c(Get, 0, 0, 0),
                c(TaskDone, 0, 0, 0),
                c(Get, 0, 0, 0),
                c(Get, 0, 0, 0),
                c(TaskDoneN, 0, 2, 0),
                c(TaskDoneN, 0, 1, 0),
                c(Join, 0, 0, 0),
            ],
        ),
        (
            "task_done_all",
            vec![
                c(New, 0, 0, 0),
                c(Put, 0, 0, 0),
                c(Put, 0, 0, 0),
                c(Get, 0, 0, 0),
                c(TaskDoneAll, NULL_COUNT, 0, 0),
                c(TaskDoneAll, NULL_Q, 0, 0),
                c(Join, 0, 0, 0),
                c(TaskDoneAll, 0, 0, 0),
                c(Join, 0, 0, 0),
                c(TaskDone, 0, 0, 0),
                c(TaskDoneAll, 0, 0, 0),
            ],
        ),
        (
            "lifo_destroy_immediate",
            vec![
                c(NewWith, FLAG, 0, 1),
                c(Put, 0, 0, 0),
                c(Put, 0, 0, 0),
                c(Put, 0, 0, 0),
                c(Get, 0, 0, 0),
                c(Shutdown, FLAG, 0, 0),
                c(Get, 0, 0, 0),
                c(Put, 0, 0, 0),
                c(Join, 0, 0, 0),
                c(Free, 0, 0, 0),
            ],
        ),
        (
            "priority_ties",
            vec![
                c(NewWith, FLAG | 1, 3, 2),
                c(PutPriority, 1, 4, 0),
                c(PutPriority, 1, 0, 0),
                c(Put, 1, 0, 0),
                c(PutPriority, 1, 7, 0),
                c(PutPriority, 1, 0xFF, 0),
                c(PutPriority, 1, 4, 0),
                c(GetMany, 1, 2, 0),
                c(Shutdown, 1, 0, 0),
                c(GetMany, 1, 15, 0),
                c(GetMany, 1, 1, 0),
            ],
        ),
        (
            "ring_overflow",
            vec![
                c(New, 0, 0, 0),
                c(PutMany, 0, BIG_COUNT, 0),
                c(PutMany, 0, BIG_COUNT, 0),
                c(GetMany, 0, BIG_COUNT, 0),
                c(Put, 0, 0, 0),
                c(GetMany, 0, BIG_COUNT, 0),
                c(Put, 0, 0, 0),
                c(GetMany, 0, 15, 0),
                c(TaskDoneN, 0, HUGE_TASKS, 0),
                c(Shutdown, 0, 0, 0),
                c(PutMany, 0, 0, 0),
                c(PutMany, 0, 3, 0),
            ],
        ),
        (
            "bound_above_ring",
            vec![
                c(NewWith, FLAG, RING_PLUS_1, 0),
                c(PutMany, 0, BIG_COUNT, 0),
                c(Put, 0, 0, 0),
                c(SetMaxsize, 0, 2, 0),
                c(GetMany, 0, 15, 0),
                c(Put, 0, 0, 0),
                c(SetMaxsize, 0, 0, 0),
                c(PutMany, 0, 15, 0),
                c(Free, 0, 0, 0),
            ],
        ),
        (
            "maxsize_changes",
            vec![
                c(New, 2, 4, 0),
                c(PutMany, 2, 4, 0),
                c(SetMaxsize, 2, 2, 0),
                c(Get, 2, 0, 0),
                c(Put, 2, 0, 0),
                c(Get, 2, 0, 0),
                c(Get, 2, 0, 0),
                c(Put, 2, 0, 0),
                c(SetMaxsize, 2, 6, 0),
                c(PutMany, 2, 9, 0),
                c(Shutdown, 2, FLAG, 0),
            ],
        ),
        (
            "three_queues",
            vec![
                c(New, 0, 0, 0),
                c(NewWith, FLAG | 1, 1, 1),
                c(NewWith, FLAG | 2, 0, 2),
                c(Put, 0, 0, 0),
                c(Put, 1, 0, 0),
                c(PutPriority, 2, 5, 0),
                c(Put, 1, 0, 0),
                c(Get, 1, 0, 0),
                c(Free, 1, 0, 0),
                c(Shutdown, FLAG | 2, 0, 0),
                c(NewWith, FLAG | 2, 0, 0),
                c(Put, 2, 0, 0),
                c(Get, 0, 0, 0),
            ],
        ),
        (
            "null_arguments",
            vec![
                c(New, 0, 1, 0),
                c(Put, NULL_Q, 0, 0),
                c(PutPriority, NULL_Q, 0, 0),
                c(Get, NULL_Q, 0, 0),
                c(Get, NULL_PTR, 0, 0),
                c(Put, 0, 0, 0),
                c(Get, NULL_PTR, 0, 0),
                c(PutMany, NULL_PTR, 2, 0),
                c(PutMany, NULL_COUNT, 2, 0),
                c(PutMany, NULL_Q, 2, 0),
                c(GetMany, NULL_PTR, 2, 0),
                c(GetMany, NULL_COUNT | NULL_PTR, 0, 0),
                c(GetMany, NULL_Q, 2, 0),
                c(TaskDone, NULL_Q, 0, 0),
                c(TaskDoneN, NULL_Q, 0, 0),
                c(Join, NULL_Q, 0, 0),
                c(Shutdown, NULL_Q | FLAG, 0, 0),
                c(SetMaxsize, NULL_Q, 3, 0),
                c(Free, NULL_Q, 0, 0),
                c(Get, 1, 0, 0),
            ],
        ),
        (
            "bad_options",
            vec![
                c(NewWith, NULL_PTR, 0, 0),
                c(NewWith, size(1), 0, 1),
                c(NewWith, size(2), 0, 1),
                c(NewWith, size(3), 0, 2),
                c(NewWith, size(4), 0, 0),
                c(NewWith, size(5), 0, 0),
                c(NewWith, size(6), 0, 0),
                c(NewWith, size(7), 0, 0),
                c(NewWith, 0, 0, BAD_ORDER),
                c(NewWith, 0, 0, HUGE_ORDER),
                c(NewWith, 1, 0xFF, 2),
                c(PutMany, 1, 3, 0),
            ],
        ),
        (
            "create",
            vec![
                c(Create, NULL_COUNT, 0, 0),
                c(Create, NULL_PTR, 0, 0),
                c(Create, size(4), 0, 0),
                c(Create, 0, 0, BAD_ORDER),
                c(Create, FLAG | 1, 2, 1),
                c(Put, 1, 0, 0),
                c(Put, 1, 0, 0),
                c(Create, 2, 0, 2),
                c(PutPriority, 2, 4, 0),
                c(Shutdown, FLAG | 1, 0, 0),
                c(Create, FLAG | 1, 0, 0),
            ],
        ),
        (
            "status_strings",
            vec![
                c(StatusStr, 0, 0, 0),
                c(StatusStr, 0, 8, 0),
                c(StatusStr, 0, 9, 0),
                c(StatusStr, 0, 10, 0),
                c(StatusStr, 0, 0xFF, 0xFF),
                c(StatusStr, 0, 0xFF, 0x7F),
                c(StatusStr, 0, 0, 0x80),
            ],
        ),
        (
            "descriptors",
            vec![
                c(New, 0, 2, 0),
                c(GetFd, 0, 0, 0),
                c(PutFd, 0, 0, 0),
                c(Put, 0, 0, 0),
                c(Put, 0, 0, 0),
                c(GetFd, 0, 0, 0),
                c(Get, 0, 0, 0),
                c(Get, 0, 0, 0),
                c(Get, 0, 0, 0),
                c(PutMany, 0, 3, 0),
                c(SetMaxsize, 0, 1, 0),
                c(GetMany, 0, 2, 0),
                c(SetMaxsize, 0, 0, 0),
                c(PutFd, 0, 0, 0),
                c(Shutdown, 0, 0, 0),
                c(Put, 0, 0, 0),
                c(Get, 0, 0, 0),
                c(TaskDoneAll, 0, 0, 0),
                c(Free, 0, 0, 0),
            ],
        ),
        (
            "descriptors_null",
            vec![
                c(GetFd, NULL_Q, 0, 0),
                c(PutFd, NULL_Q, 0, 0),
                c(NewWith, FLAG | 1, 1, 2),
                c(GetFd, 1 | NULL_PTR, 0, 0),
                c(PutFd, 1 | NULL_PTR, 0, 0),
                c(Put, 1, 0, 0),
                c(GetFd, 1, 0, 0),
                c(GetFd, 1 | NULL_PTR, 0, 0),
                c(Get, 1, 0, 0),
                c(PutFd, 1, 0, 0),
                c(Put, 1, 0, 0),
            ],
        ),
        (
            "descriptors_ring",
            vec![
                c(New, 0, RING_PLUS_1, 0),
                c(GetFd, 0, 0, 0),
                c(PutFd, 0, 0, 0),
                c(PutMany, 0, BIG_COUNT, 0),
                c(Get, 0, 0, 0),
                c(Put, 0, 0, 0),
                c(GetMany, 0, BIG_COUNT, 0),
                c(Put, 0, 0, 0),
                c(Get, 0, 0, 0),
                c(New, 1, 0, 0),
                c(PutFd, 1, 0, 0),
                c(GetFd, 1, 0, 0),
                c(PutMany, 1, BIG_COUNT, 0),
                c(GetMany, 1, BIG_COUNT, 0),
            ],
        ),
        (
            "descriptors_destroy",
            vec![
                c(NewWith, FLAG, 0, 1),
                c(GetFd, 0, 0, 0),
                c(PutFd, 0, 0, 0),
                c(Put, 0, 0, 0),
                c(Put, 0, 0, 0),
                c(Shutdown, FLAG, 0, 0),
                c(Create, FLAG | 2, 1, 2),
                c(PutFd, 2, 0, 0),
                c(PutPriority, 2, 3, 0),
                c(Free, 2, 0, 0),
                c(Create, FLAG | 1, 0, 0),
                c(GetFd, 1, 0, 0),
                c(Put, 1, 0, 0),
                c(New, 1, 0, 0),
            ],
        ),
        (
            "get_any",
            vec![
                c(New, 0, 0, 0),
                c(NewWith, 1, 0, 1),
                c(NewWith, 2, 0, 2),
                any(0, &[0, 1, 2]),
                c(Put, 0, 0, 0),
                c(Put, 0, 0, 0),
                c(Put, 1, 0, 0),
                c(Put, 1, 0, 0),
                c(PutPriority, 2, 5, 0),
                c(PutPriority, 2, 1, 0),
                any(0, &[0, 1, 2]),
                any(0, &[0, 1, 2]),
                any(0, &[2, 2, 1, 0, 1]),
                any(0, &[1]),
                any(0, &[0, 1, 2]),
                any(0, &[2, 0]),
                any(0, &[1, 2]),
                c(Join, 0, 0, 0),
                c(TaskDoneN, 1, 2, 0),
            ],
        ),
        (
            "get_any_invalid",
            vec![
                c(New, 0, 0, 0),
                c(Put, 0, 0, 0),
                any(0, &[]),
                any(NULL_PTR, &[0]),
                any(FLAG, &[0]),
                any(NULL_COUNT, &[0]),
                any(0, &[0, NULL_Q]),
                any(0, &[NULL_Q, 0]),
                any(0, &[1, 0]),
                any(0, &[0, 0]),
                any(0, &[0, 0]),
            ],
        ),
        (
            "get_any_shutdown",
            vec![
                c(New, 0, 0, 0),
                c(New, 1, 1, 0),
                c(GetFd, 0, 0, 0),
                c(GetFd, 1, 0, 0),
                c(Put, 1, 0, 0),
                c(Shutdown, 0, 0, 0),
                any(0, &[0, 1]),
                any(0, &[0, 1]),
                c(Put, 0, 0, 0),
                any(0, &[1, 0, 1]),
                c(Shutdown, 1, 0, 0),
                any(0, &[0, 1]),
                c(Put, 1, 0, 0),
                c(New, 2, 0, 0),
                any(0, &[0, 2]),
                c(Shutdown, FLAG | 2, 0, 0),
                any(0, &[2, 1, 0]),
            ],
        ),
        (
            "oversized_counts",
            vec![
                c(New, 0, 0, 0),
                c(Put, 0, 0, 0),
                c(PutMany, 0, OVERSIZED[0], 0),
                c(PutMany, 0, OVERSIZED[3], 0),
                c(GetMany, 0, OVERSIZED[0], 0),
                c(GetMany, 0, OVERSIZED[2], 0),
                c(GetMany, 0, OVERSIZED[1], 0),
                c(PutMany, 0, OVERSIZED[2], 0),
                c(GetMany, 0, 1, 0),
            ],
        ),
    ]
}

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/c_api");
    fs::create_dir_all(dir).expect("create the corpus directory");
    for (name, calls) in seeds() {
        let bytes: Vec<u8> = calls.iter().flat_map(Call::encode).collect();
        fs::write(format!("{dir}/{name}"), bytes).expect("write a seed");
    }
}
