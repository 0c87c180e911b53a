//! The event log the event benches append and read: 100 sources, 10 kinds, 64-byte payloads, and
//! the batch-append figure every backend gives.

use std::hint::black_box;
use std::path::Path;

use cortex_core::{EventStore, NewEvent, NodeId};
use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion};

/// Events in a full log.
pub const LOG_LEN: u64 = 1_000_000;
pub const KINDS: u64 = 10;

pub fn new_event(n: u64) -> NewEvent {
    NewEvent {
        source: NodeId::from_name(&format!("source-{}", n % 100)),
        kind: format!("kind-{}", n % KINDS),
        payload: n.to_le_bytes().repeat(8),
        parent: None,
    }
}

pub fn batch(start: u64, len: u64) -> Vec<NewEvent> {
    (start..start + len).map(new_event).collect()
}

/// Appends [`LOG_LEN`] events to `store` in batches of 10,000.
pub fn fill(store: &dyn EventStore) {
    for start in (0..LOG_LEN).step_by(10_000) {
        store
            .append_batch(batch(start, 10_000))
            .expect("fill the log");
    }
}

/// Batches of 1,000 fresh events appended to `store`, under `name` in `group`.
pub fn append_batches(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    store: &dyn EventStore,
) {
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

/// Opening the full log in `dir` (and closing it), under `name` in the `reopen_1m` group; each
/// open checks it found all [`LOG_LEN`] events.
pub fn reopen_full_log<S: EventStore>(
    c: &mut Criterion,
    name: &str,
    dir: &Path,
    open: impl Fn(&Path) -> S,
) {
    let mut group = c.benchmark_group("reopen_1m");
    group.bench_function(name, |b| {
        b.iter(|| {
            let store = open(dir);
            assert_eq!(store.len().expect("len"), LOG_LEN);
            black_box(store)
        })
    });
    group.finish();
}
