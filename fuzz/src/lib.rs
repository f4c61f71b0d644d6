//! The C-API fuzz target's machinery: the input format ([`input`]), the C
//! declarations it calls ([`abi`]), the model it checks against ([`model`]),
//! the queues' descriptors as seen from outside ([`fds`]) and the run itself
//! ([`run`]). Single-threaded, every timeout `TQ_NOWAIT`: nothing blocks.

mod abi;
mod drops;
mod fds;
pub mod input;
mod model;
mod run;

pub use run::run;
