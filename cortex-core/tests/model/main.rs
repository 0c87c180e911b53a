//! Random operation sequences, crashes included, give what a plain reference predicts, on memory and on RocksDB.
//!
//! The references never ask the library: events are checked against the oracle the conformance suite
//! uses, over the log of what each store handed back from its appends; the graph against brute force.
#![cfg(all(not(target_family = "wasm"), feature = "native"))]

mod events;
mod graph;
#[path = "../conformance/oracle.rs"]
mod oracle;

use cortex_core::{Error, RocksOptions, StoreConfig};
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

/// A RocksDB store and the directory it lives in, so it can be dropped without a flush and reopened.
struct Rocks<S> {
    dir: tempfile::TempDir,
    store: S,
    open: fn(&std::path::Path) -> S,
}

impl<S> Rocks<S> {
    fn open(dir: tempfile::TempDir, open: fn(&std::path::Path) -> S) -> Rocks<S> {
        let store = open(dir.path());
        Rocks { dir, store, open }
    }

    fn crash(self) -> Rocks<S> {
        let Rocks { dir, store, open } = self;
        drop(store);
        Rocks::open(dir, open)
    }
}
