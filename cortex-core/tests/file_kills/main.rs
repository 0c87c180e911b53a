//! Crash trials of the file stores: native writer processes killed with SIGKILL again and again
//! (mid-write, mid-batch, mid-compaction, and one time in eight while opening), each recovery checked
//! against the test's own record of what was acknowledged, every index-served query included.
#![cfg(all(unix, feature = "fs"))]

mod events;
mod graph;
// The child protocol and kill timing of the RocksDB trials, shared as they are: nothing in it is
// specific to a store.
#[path = "../durability/trial.rs"]
mod trial;
