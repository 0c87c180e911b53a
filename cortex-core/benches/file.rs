//! The file event store beside RocksDB: batches of 1,000 appended with and without a sync per
//! batch, and reopening a file log of 1 M events (every frame read, checked and replayed).

use std::hint::black_box;
use std::time::Duration;

use cortex_core::{
    EventStore, FileEventStore, FileOptions, NewEvent, NodeId, RocksEventStore, RocksOptions,
};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const LOG_LEN: u64 = 1_000_000;

/// The events of `benches/events.rs`: 100 sources, 10 kinds, 64-byte payloads.
fn new_event(n: u64) -> NewEvent {
    NewEvent {
        source: NodeId::from_name(&format!("source-{}", n % 100)),
        kind: format!("kind-{}", n % 10),
        payload: n.to_le_bytes().repeat(8),
        parent: None,
    }
}

fn batch(start: u64, len: u64) -> Vec<NewEvent> {
    (start..start + len).map(new_event).collect()
}

/// The file store and RocksDB, each with `sync`, in directories the guard keeps.
fn backends(sync: bool) -> Vec<(&'static str, Box<dyn EventStore>, tempfile::TempDir)> {
    let file_dir = tempfile::tempdir().expect("temporary directory");
    let file = FileEventStore::open(
        file_dir.path(),
        FileOptions {
            sync,
            ..FileOptions::default()
        },
    )
    .expect("open the file store");
    let rocks_dir = tempfile::tempdir().expect("temporary directory");
    let rocks = RocksEventStore::open(
        rocks_dir.path(),
        RocksOptions {
            sync,
            ..RocksOptions::default()
        },
    )
    .expect("open RocksDB");
    vec![
        ("file", Box::new(file), file_dir),
        ("rocksdb", Box::new(rocks), rocks_dir),
    ]
}

fn append_batch(c: &mut Criterion) {
    for sync in [false, true] {
        let mut group = c.benchmark_group(format!("append_batch_1000_sync_{sync}"));
        group.throughput(Throughput::Elements(1000));
        for (name, store, _dir) in backends(sync) {
            let mut n = 0;
            group.bench_function(name, |b| {
                b.iter_batched(
                    || {
                        n += 1000;
                        batch(n, 1000)
                    },
                    |events| black_box(store.append_batch(events).expect("append batch")),
                    BatchSize::SmallInput,
                )
            });
        }
        group.finish();
    }
}

fn reopen(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    {
        let store = FileEventStore::open(dir.path(), FileOptions::default()).expect("open");
        for start in (0..LOG_LEN).step_by(10_000) {
            store
                .append_batch(batch(start, 10_000))
                .expect("fill the log");
        }
    }
    let mut group = c.benchmark_group("reopen_1m");
    group.bench_function("file", |b| {
        b.iter(|| {
            let store = FileEventStore::open(dir.path(), FileOptions::default()).expect("reopen");
            assert_eq!(store.len().expect("len"), LOG_LEN);
            black_box(store)
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = append_batch, reopen
}
criterion_main!(benches);
