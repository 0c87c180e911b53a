//! Appends to a store: the memory store singly or in batches, the file store in batches.

use std::hint::black_box;
use std::path::PathBuf;

use cortex_core::{EventStore, FileEventStore, FileOptions, MemoryEventStore};

use super::inputs::{append_in_batches, err, event, SCRATCH};
use super::workload::Workload;

/// `events` appended to an empty memory store, one at a time (`batch` 1) or with `append_batch`.
pub(super) struct Append {
    events: u64,
    batch: u64,
    store: MemoryEventStore,
}

impl Append {
    pub(super) fn new(events: u64, batch: u64) -> Self {
        Append {
            events,
            batch,
            store: MemoryEventStore::new(),
        }
    }
}

impl Workload for Append {
    fn prepare(&mut self) -> Result<(), String> {
        self.store = MemoryEventStore::new();
        Ok(())
    }

    fn run(&mut self) -> Result<u64, String> {
        if self.batch == 1 {
            for i in 0..self.events {
                black_box(self.store.append(event("bench.event", i))).map_err(err)?;
            }
        } else {
            append_in_batches(&self.store, self.events, self.batch, |_| "bench.event")?;
        }
        Ok(self.events)
    }
}

/// `events` appended to an empty file store (no sync) in `append_batch`es of 1,000: each batch one
/// checksummed frame written to the log, then applied in memory.
pub(super) struct FileAppend {
    events: u64,
    /// Where this scenario's stores go: one fresh directory per run.
    dir: PathBuf,
    runs: u64,
    store: Option<FileEventStore>,
}

impl FileAppend {
    pub(super) fn setup(events: u64) -> Result<Box<dyn Workload>, String> {
        let scratch = SCRATCH
            .get()
            .ok_or("needs a scratch directory: pass `--dir PATH`")?;
        Ok(Box::new(FileAppend {
            events,
            dir: scratch.join("file_batch_append"),
            runs: 0,
            store: None,
        }))
    }
}

impl Workload for FileAppend {
    fn prepare(&mut self) -> Result<(), String> {
        // The last run's store is closed first; its directory stays until the suite's scratch
        // directory is removed.
        self.store = None;
        self.runs += 1;
        let dir = self.dir.join(self.runs.to_string());
        std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        let options = FileOptions {
            sync: false,
            ..FileOptions::default()
        };
        self.store = Some(FileEventStore::open(&dir, options).map_err(err)?);
        Ok(())
    }

    fn run(&mut self) -> Result<u64, String> {
        if self.store.is_none() {
            self.prepare()?;
        }
        let store = self.store.as_ref().ok_or("no store")?;
        append_in_batches(store, self.events, 1_000, |_| "bench.event")?;
        Ok(self.events)
    }
}
