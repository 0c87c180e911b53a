//! Crash trials of the file stores: native writer processes killed with SIGKILL again and again
//! (mid-write, mid-batch, mid-compaction, and one time in eight while opening), each recovery checked
//! against the test's own record of what was acknowledged, every index-served query included.
#![cfg(all(unix, feature = "fs"))]

mod events;
mod graph;
#[path = "../kill_trial/mod.rs"]
mod kill_trial;
