//! Random operation sequences, crashes and reopens included, give what a plain reference predicts, on
//! memory, on RocksDB and on the file stores.
//!
//! The references never ask the library: events are checked against the oracle the conformance suite
//! uses, over the log of what each store handed back from its appends; the graph against brute force.
#![cfg(all(not(target_family = "wasm"), feature = "native"))]

mod events;
mod graph;
mod on_disk;
#[path = "../conformance/oracle.rs"]
mod oracle;
mod sequences;

use cortex_core::{Error, FileOptions, RocksOptions, StoreConfig};
use proptest::test_runner::Config;

/// The payload limit every store is opened with: small, so oversized payloads come up often.
const MAX_PAYLOAD: usize = 8;

/// Cases per property: 256, or `PROPTEST_CASES` when set (say `PROPTEST_CASES=5000` for a long soak).
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(256);
    Config {
        cases,
        ..Config::default()
    }
}

fn store_config() -> StoreConfig {
    StoreConfig {
        max_payload_bytes: MAX_PAYLOAD,
    }
}

fn rocks_options() -> RocksOptions {
    RocksOptions {
        store: store_config(),
        ..RocksOptions::default()
    }
}

/// A graph log is rewritten as soon as its garbage passes its live records, so sequences of a few
/// dozen writes over seven nodes compact it now and then.
fn file_options() -> FileOptions {
    FileOptions {
        store: store_config(),
        compact_after: 0,
        ..FileOptions::default()
    }
}

/// An error reduced to what every backend must agree on: its variant, and its details where they do
/// not depend on message wording.
fn failure(error: &Error) -> String {
    match error {
        Error::MissingNode(_) | Error::PayloadTooLarge { .. } => format!("{error:?}"),
        _ => format!("{error:?}")
            .split(['(', ' '])
            .next()
            .unwrap_or_default()
            .to_owned(),
    }
}
