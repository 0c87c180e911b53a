//! The file event store beside RocksDB: batches of 1,000 appended with and without a sync per
//! batch, and reopening a file log of 1 M events (every frame read, checked and replayed).

use std::path::Path;

use cortex_core::{EventStore, FileEventStore, FileOptions, RocksEventStore, RocksOptions};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

#[path = "common/event_log.rs"]
mod event_log;
#[path = "common/settings.rs"]
mod settings;

use event_log::{append_batches, fill, reopen_full_log};

/// The file store and RocksDB, each with `sync`, in directories the guard keeps.
fn backends(sync: bool) -> Vec<(&'static str, Box<dyn EventStore>, tempfile::TempDir)> {
    let file = FileOptions {
        sync,
        ..FileOptions::default()
    };
    let rocks = RocksOptions {
        sync,
        ..RocksOptions::default()
    };
    vec![
        in_temp_dir("file", |dir| {
            FileEventStore::open(dir, file).expect("open the file store")
        }),
        in_temp_dir("rocksdb", |dir| {
            RocksEventStore::open(dir, rocks).expect("open RocksDB")
        }),
    ]
}

/// The store `open` gives in a fresh temporary directory, under `name`, with the directory's guard.
fn in_temp_dir<S: EventStore + 'static>(
    name: &'static str,
    open: impl FnOnce(&Path) -> S,
) -> (&'static str, Box<dyn EventStore>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = open(dir.path());
    (name, Box::new(store), dir)
}

fn append_batch(c: &mut Criterion) {
    for sync in [false, true] {
        let mut group = c.benchmark_group(format!("append_batch_1000_sync_{sync}"));
        group.throughput(Throughput::Elements(1000));
        for (name, store, _dir) in backends(sync) {
            append_batches(&mut group, name, store.as_ref());
        }
        group.finish();
    }
}

fn reopen(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    {
        let store = FileEventStore::open(dir.path(), FileOptions::default()).expect("open");
        fill(&store);
    }
    reopen_full_log(c, "file", dir.path(), |dir| {
        FileEventStore::open(dir, FileOptions::default()).expect("reopen")
    });
}

criterion_group! {
    name = benches;
    config = settings::settings();
    targets = append_batch, reopen
}
criterion_main!(benches);
