//! The event log's crash trial on the file store.

use std::path::Path;

use cortex_core::{FileEventStore, FileOptions};

use crate::kill_trial::{events, Backend};

#[test]
fn acknowledged_file_appends_survive_repeated_kills() {
    events::run(&Backend {
        test: "events::acknowledged_file_appends_survive_repeated_kills",
        open,
        check: |_, _| {},
    });
}

fn open(path: &Path, sync: bool) -> cortex_core::Result<FileEventStore> {
    let options = FileOptions {
        sync,
        ..FileOptions::default()
    };
    FileEventStore::open(path, options)
}
