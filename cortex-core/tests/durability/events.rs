//! The event log's crash trial on RocksDB, which also checks the raw index entries after each kill.

use std::path::Path;

use cortex_core::{RocksEventStore, RocksOptions};

use crate::kill_trial::{events, Backend};

#[test]
fn acknowledged_appends_survive_repeated_kills() {
    events::run(&Backend {
        test: "events::acknowledged_appends_survive_repeated_kills",
        open,
        check: |store, context| {
            let report = store.verify_indexes().expect("verify the indexes");
            assert!(report.is_consistent(), "{context}: {report}");
        },
    });
}

fn open(path: &Path, sync: bool) -> cortex_core::Result<RocksEventStore> {
    let options = RocksOptions {
        sync,
        ..RocksOptions::default()
    };
    RocksEventStore::open(path, options)
}
