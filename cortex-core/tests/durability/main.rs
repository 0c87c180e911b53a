//! Crash trials of the RocksDB stores: writers killed with SIGKILL again and again, each recovery checked
//! in full (records and every index entry), and the WAL fsyncs that `sync: true` promises counted.
#![cfg(all(not(target_family = "wasm"), feature = "native"))]

mod events;
mod graph;
#[path = "../kill_trial/mod.rs"]
mod kill_trial;
mod sync;
