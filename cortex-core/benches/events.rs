//! Event store speed, memory against RocksDB: single appends (and, in memory, one a subscriber reads,
//! beside the three parts of the floor under one: building the event, the clock, fresh memory),
//! batches of 1,000, kind queries over 1 M events, by one kind and by a prefix pattern over every kind,
//! and reopening a RocksDB log of 1 M events.

use std::hint::black_box;
use std::time::Instant;

use cortex_core::{
    event, EventFilter, EventId, EventStore, MemoryEventStore, RocksEventStore, RocksOptions,
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

#[path = "common/event_log.rs"]
mod event_log;
#[path = "common/settings.rs"]
mod settings;

use event_log::{append_batches, fill, new_event, reopen_full_log, KINDS, LOG_LEN};

const PAGE: usize = 100;

/// Each backend under test, opened fresh; the guard keeps the RocksDB directory alive.
fn backends() -> Vec<(&'static str, Box<dyn EventStore>, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let rocks = RocksEventStore::open(dir.path(), RocksOptions::default()).expect("open RocksDB");
    vec![
        ("memory", Box::new(MemoryEventStore::new()), None),
        ("rocksdb", Box::new(rocks), Some(dir)),
    ]
}

fn append(c: &mut Criterion) {
    let mut group = c.benchmark_group("append");
    group.throughput(Throughput::Elements(1));
    // The floor under every append figure: building the event and dropping it, with no store.
    let mut n = 0;
    group.bench_function("build_event_only", |b| {
        b.iter(|| {
            n += 1;
            black_box(new_event(n))
        })
    });
    // The two other parts of the floor under a memory append, each alone. The clock read that
    // stamps an event:
    group.bench_function("clock_only", |b| b.iter(|| black_box(event::now_millis())));
    // and the fresh memory an append leaves behind: this bench's event takes 96 bytes of it (its
    // 64-byte payload, a 24-byte record, a place in its kind's list and one in its source's), which
    // the machine must map and zero the first time they are written. Each sample writes to a buffer
    // reserved for it and never touched before, as the store's buffers grow into theirs.
    group.bench_function("fresh_memory_only", |b| {
        b.iter_custom(|iters| {
            const LEFT_BEHIND: [u8; 96] = [7; 96];
            let mut grown = Vec::with_capacity(LEFT_BEHIND.len() * iters as usize);
            let start = Instant::now();
            for _ in 0..iters {
                grown.extend_from_slice(black_box(&LEFT_BEHIND));
            }
            let elapsed = start.elapsed();
            black_box(grown);
            elapsed
        })
    });
    for (name, store, _dir) in backends() {
        let mut n = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                n += 1;
                black_box(store.append(new_event(n)).expect("append"))
            })
        });
    }
    // An append that a live subscription hands on, read back at once: the store's queue to a
    // subscriber, both ends.
    let store = MemoryEventStore::new();
    let mut subscription = store.subscribe(EventFilter::default());
    let mut n = 0;
    group.bench_function("memory_read_by_a_subscriber", |b| {
        b.iter(|| {
            n += 1;
            black_box(store.append(new_event(n)).expect("append"));
            black_box(subscription.try_recv().expect("the event just appended"))
        })
    });
    group.finish();
}

fn append_batch(c: &mut Criterion) {
    let mut group = c.benchmark_group("append_batch_1000");
    group.throughput(Throughput::Elements(1000));
    for (name, store, _dir) in backends() {
        append_batches(&mut group, name, store.as_ref());
    }
    group.finish();
}

/// One page of a kind from the middle of a 1 M event log, the same page by a prefix pattern that
/// matches all ten kinds (ten index ranges merged, the most a pattern here can cost), and a whole
/// kind (100 k events).
fn query_by_kind(c: &mut Criterion) {
    let mut group = c.benchmark_group("query_by_kind_1m");
    for (name, store, _dir) in backends() {
        fill(store.as_ref());
        let page = EventFilter {
            kinds: vec!["kind-3".into()],
            after: Some(EventId(LOG_LEN / 2)),
            limit: Some(PAGE),
            ..Default::default()
        };
        group.throughput(Throughput::Elements(PAGE as u64));
        group.bench_function(format!("{name}/page_of_{PAGE}"), |b| {
            b.iter(|| black_box(store.query(&page).expect("query")))
        });
        let prefix_page = EventFilter {
            kinds: vec!["kind-*".into()],
            ..page.clone()
        };
        group.throughput(Throughput::Elements(PAGE as u64));
        group.bench_function(format!("{name}/prefix_page_of_{PAGE}"), |b| {
            b.iter(|| black_box(store.query(&prefix_page).expect("query")))
        });
        // Three kinds by three prefixes: under half the log, so memory merges their lists too.
        let three_prefixes = EventFilter {
            kinds: vec!["kind-1*".into(), "kind-2*".into(), "kind-3*".into()],
            ..page.clone()
        };
        group.throughput(Throughput::Elements(PAGE as u64));
        group.bench_function(format!("{name}/three_prefixes_page_of_{PAGE}"), |b| {
            b.iter(|| black_box(store.query(&three_prefixes).expect("query")))
        });
        let all = EventFilter {
            kinds: vec!["kind-3".into()],
            ..Default::default()
        };
        group.throughput(Throughput::Elements(LOG_LEN / KINDS));
        group.bench_function(format!("{name}/whole_kind"), |b| {
            b.iter(|| black_box(store.query(&all).expect("query")))
        });
    }
    group.finish();
}

/// Opening (and closing) a RocksDB log of 1 M events: the kind catalogue and the last keys of the
/// log and of `by_time` are read, no family through (`tests/rocks.rs` counts what opening reads).
fn reopen(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    {
        let store =
            RocksEventStore::open(dir.path(), RocksOptions::default()).expect("open RocksDB");
        fill(&store);
    }
    // The first reopen replays the write-ahead log into table files; the timed ones find none.
    drop(RocksEventStore::open(dir.path(), RocksOptions::default()).expect("reopen"));
    reopen_full_log(c, "rocksdb", dir.path(), |dir| {
        RocksEventStore::open(dir, RocksOptions::default()).expect("reopen")
    });
}

criterion_group! {
    name = benches;
    config = settings::settings();
    targets = append, append_batch, query_by_kind, reopen
}
criterion_main!(benches);
