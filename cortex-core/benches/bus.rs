//! Bus throughput, 500 k events a run, each scenario beside a baseline that builds the same events
//! (a 10-byte `format!("event-{i}")` payload, an owned kind) and publishes nothing: the floor a
//! publish can only add to. Subscribers queue 256 events under `DropNewest`.
//!
//! Scenarios: one `*` subscriber never read; three `sensor.*`/`grid.*`/`agent.*` subscribers, each
//! matching a third; one `*` subscriber drained with `try_recv` after every publish; four threads
//! publishing at once; `publish_batch` in batches of 1,000. Needs no RocksDB:
//! `cargo bench -p cortex-core --no-default-features --bench bus`.

use std::hint::black_box;
use std::thread;

use cortex_core::bus::{BackpressurePolicy, BusReceiver, EventBus};
use cortex_core::{EventFilter, NewEvent, NodeId};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const EVENTS: u64 = 500_000;
const CAPACITY: usize = 256;
const PRODUCERS: u64 = 4;
const BATCH: u64 = 1_000;
/// The kinds of the three-subscriber scenario, taken in turn.
const KINDS: [&str; 3] = ["sensor.reading", "grid.load", "agent.action"];

fn source() -> NodeId {
    NodeId::from_name("bench-source")
}

fn event(source: NodeId, kind: &str, i: u64) -> NewEvent {
    NewEvent {
        source,
        kind: kind.to_owned(),
        payload: format!("event-{i}").into_bytes(),
        parent: None,
    }
}

fn bus_with(patterns: &[&str]) -> (EventBus, Vec<BusReceiver>) {
    let bus = EventBus::new(CAPACITY, BackpressurePolicy::DropNewest);
    let receivers = patterns
        .iter()
        .map(|p| {
            let filter = EventFilter {
                kinds: vec![p.to_string()],
                ..EventFilter::default()
            };
            bus.subscribe(filter).expect("subscribe")
        })
        .collect();
    (bus, receivers)
}

/// Runs `routine` once per measured iteration on a fresh bus subscribed to `patterns`; setting the
/// bus up is not timed, and the bus and its receivers are dropped after the clock stops.
fn on_fresh_bus(
    b: &mut criterion::Bencher<'_>,
    patterns: &[&str],
    mut routine: impl FnMut(&EventBus, &mut [BusReceiver]),
) {
    b.iter_batched_ref(
        || bus_with(patterns),
        |(bus, receivers)| routine(bus, receivers),
        BatchSize::PerIteration,
    );
}

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(EVENTS));
    group.sample_size(10);
    group
}

/// The floor: the events built one by one and dropped.
fn build_only(
    c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    kinds: &[&str],
) {
    let source = source();
    c.bench_function("build_only", |b| {
        b.iter(|| {
            for (i, &kind) in (0..EVENTS).zip(kinds.iter().cycle()) {
                black_box(event(source, kind, i));
            }
        })
    });
}

/// One publisher, each scenario a group beside the floor for its kinds: one `*` subscriber never
/// read, three subscribers matching a third each, one `*` subscriber read after every publish.
fn one_publisher(c: &mut Criterion) {
    let publish = |bus: &EventBus, _: &mut [BusReceiver], event| {
        black_box(bus.try_publish(event)).expect("publish");
    };
    publisher(
        c,
        "bus_one_unread",
        &["bench.event"],
        &["*"],
        ("publish", publish),
    );
    let three = ["sensor.*", "grid.*", "agent.*"];
    publisher(
        c,
        "bus_three_patterns",
        &KINDS,
        &three,
        ("publish", publish),
    );
    let publish_and_recv = |bus: &EventBus, receivers: &mut [BusReceiver], event| {
        bus.try_publish(event).expect("publish");
        // Every event comes back out: the queue never fills, so none is dropped.
        black_box(receivers[0].try_recv().expect("the event just published"));
    };
    let figure = ("publish_and_recv", publish_and_recv);
    publisher(c, "bus_drained", &["bench.event"], &["*"], figure);
}

/// The group `name`: the floor for `kinds`, and the figure that hands each event, its kind taken
/// in turn from `kinds`, to `step` on a bus subscribed to `patterns`. `step` is a type of its own
/// in each scenario, so its loop is compiled for it alone.
fn publisher(
    c: &mut Criterion,
    name: &str,
    kinds: &[&str],
    patterns: &[&str],
    (figure, step): (&str, impl Fn(&EventBus, &mut [BusReceiver], NewEvent)),
) {
    let mut group = group(c, name);
    build_only(&mut group, kinds);
    let source = source();
    group.bench_function(figure, |b| {
        on_fresh_bus(b, patterns, |bus, receivers| {
            for (i, &kind) in (0..EVENTS).zip(kinds.iter().cycle()) {
                step(bus, receivers, event(source, kind, i));
            }
        })
    });
    group.finish();
}

/// Each of `PRODUCERS` threads builds (and with `bus`, publishes) its share of the events.
fn produce(bus: Option<&EventBus>) {
    let source = source();
    thread::scope(|scope| {
        for p in 0..PRODUCERS {
            scope.spawn(move || {
                for i in (p..EVENTS).step_by(PRODUCERS as usize) {
                    let event = event(source, "bench.event", i);
                    match bus {
                        Some(bus) => black_box(bus.try_publish(event)).expect("publish"),
                        None => drop(black_box(event)),
                    }
                }
            });
        }
    });
}

fn producers(c: &mut Criterion) {
    let mut group = group(c, "bus_four_producers");
    group.bench_function("build_only", |b| b.iter(|| produce(None)));
    group.bench_function("publish", |b| {
        on_fresh_bus(b, &["*"], |bus, _| produce(Some(bus)))
    });
    group.finish();
}

fn batches(c: &mut Criterion) {
    let mut group = group(c, "bus_batch_1000");
    let source = source();
    let build = move |start: u64| -> Vec<NewEvent> {
        (start..start + BATCH)
            .map(|i| event(source, "bench.event", i))
            .collect()
    };
    group.bench_function("build_only", |b| {
        b.iter(|| {
            for start in (0..EVENTS).step_by(BATCH as usize) {
                black_box(build(start));
            }
        })
    });
    group.bench_function("publish_batch", |b| {
        on_fresh_bus(b, &["*"], |bus, _| {
            for start in (0..EVENTS).step_by(BATCH as usize) {
                let accepted = bus.publish_batch(build(start)).expect("publish");
                assert_eq!(accepted, BATCH as usize, "DropNewest accepts every event");
            }
        })
    });
    group.finish();
}

criterion_group!(benches, one_publisher, producers, batches);
criterion_main!(benches);
