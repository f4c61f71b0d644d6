//! Pinning the threads of a run to CPUs. A hand-off or ping-pong run is
//! fast or slow depending on whether its two threads share a CPU, which the
//! scheduler decides anew each run; pinned, each run measures one of the two
//! cases (as benches/c/scenarios.c does).

use std::sync::OnceLock;

/// Where the threads of a run go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pinning {
    /// Wherever the scheduler puts them.
    Free,
    /// All on the first CPU the process may use.
    SameCpu,
    /// Alternately on the first two CPUs the process may use.
    TwoCpus,
}

impl Pinning {
    /// The hand-off and ping-pong cases: each pinning and the suffix of its scenario name.
    pub const PINNED: [(Pinning, &'static str); 2] = [(Pinning::SameCpu, "same_cpu"), (Pinning::TwoCpus, "two_cpus")];

    /// Whether this machine can do it: two CPUs need two usable CPUs.
    pub fn possible(self) -> bool {
        self != Pinning::TwoCpus || cpus().len() >= 2
    }

    /// The CPU the run's thread number `i` goes to, if any.
    pub fn cpu(self, i: usize) -> Option<usize> {
        match self {
            Pinning::Free => None,
            Pinning::SameCpu => Some(cpus()[0]),
            Pinning::TwoCpus => Some(cpus()[i % 2]),
        }
    }
}

/// The CPUs the process may use, read once (before any thread is pinned: the
/// first call comes from `possible` or `cpu`, which run on the spawning thread).
fn cpus() -> &'static [usize] {
    static CPUS: OnceLock<Vec<usize>> = OnceLock::new();
    CPUS.get_or_init(|| {
        // SAFETY: a zeroed cpu_set_t is an empty set; the call writes at most its size.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        let size = std::mem::size_of::<libc::cpu_set_t>();
        // SAFETY: `set` is a valid, writable cpu_set_t of `size` bytes.
        assert_eq!(
            unsafe { libc::sched_getaffinity(0, size, &mut set) },
            0,
            "sched_getaffinity failed"
        );
        // SAFETY: CPU_ISSET reads the set only.
        (0..libc::CPU_SETSIZE as usize)
            .filter(|&c| unsafe { libc::CPU_ISSET(c, &set) })
            .collect()
    })
}

/// Pins the calling thread to `cpu`; panics when the kernel refuses.
pub fn pin(cpu: usize) {
    // SAFETY: as in `cpus`.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `cpu` is below CPU_SETSIZE (it came from `cpus`).
    unsafe { libc::CPU_SET(cpu, &mut set) };
    // SAFETY: `set` is a valid cpu_set_t; pid 0 is the calling thread.
    let r = unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) };
    assert_eq!(r, 0, "sched_setaffinity to CPU {cpu} failed");
}
