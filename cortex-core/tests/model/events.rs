//! Event operations on the three stores, each answer checked against the oracle over that store's own
//! log (`step`).
//!
//! Filters name their times and cursor by place in the log (`marks`), since each store stamps its own.

mod marks;
mod step;

use std::time::Duration;

use cortex_core::{
    EventId, EventStore, FileEventStore, MemoryEventStore, NewEvent, NodeId, RocksEventStore,
};
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestCaseResult};

use crate::on_disk::{Disks, Restart};
use crate::oracle::Log;
use crate::sequences::{self, Tally};
use crate::{file_options, rocks_options, store_config, MAX_PAYLOAD};
use marks::{FilterSpec, Mark};
use step::{ids, step};

/// Event sources are `s0`..`s4`; filters may also name `s5`, which never writes.
const SOURCES: u8 = 5;
/// Kinds sharing a prefix, so an index keyed by kind must keep them apart; "" and "x*" are refused.
const KINDS: [&str; 7] = ["x", "xy", "x\0y", "x.a", "z", "", "x*"];
/// What filters ask for: the stored kinds, one never stored, prefix patterns (one naming no stored
/// kind), `*`, and a malformed pattern every query must refuse.
const WANTED: [&str; 12] = [
    "x", "xy", "x\0y", "z", "missing", "x*", "x.*", "x\0*", "xy*", "m*", "*", "x*y",
];

fn source(i: u8) -> NodeId {
    NodeId::from_name(&format!("s{i}"))
}

#[derive(Clone, Debug)]
enum Op {
    Append(NewEvent),
    AppendBatch(Vec<NewEvent>),
    Get(Mark),
    Query(FilterSpec),
    /// Reads the filter's whole answer in pages of this size, each resuming after the last id.
    Page(FilterSpec, usize),
    Len,
    /// Waits long enough for the next events to get a later millisecond.
    Tick,
    /// Drops and reopens the stores on disk that it names; then reads back every event.
    Restart(Restart),
}

fn new_event() -> impl Strategy<Value = NewEvent> {
    (
        0..SOURCES,
        prop::sample::select(KINDS.to_vec()),
        prop::collection::vec(any::<u8>(), 0..=MAX_PAYLOAD + 1),
        prop::option::of(1u64..40),
    )
        .prop_map(|(s, kind, payload, parent)| NewEvent {
            source: source(s),
            kind: kind.into(),
            payload,
            parent: parent.map(EventId),
        })
}

fn mark() -> impl Strategy<Value = Mark> {
    prop_oneof![
        1 => Just(Mark::Zero),
        // Taken modulo the log's length, so small numbers (which shrink well) reach every event.
        10 => (0usize..100, -1i8..=1).prop_map(|(event, shift)| Mark::Near { event, shift }),
        1 => Just(Mark::Max),
    ]
}

fn filter() -> impl Strategy<Value = FilterSpec> {
    (
        prop::collection::vec(prop::sample::select(WANTED.to_vec()), 0..3),
        prop::option::of(0..=SOURCES),
        prop::option::of(mark()),
        prop::option::of(mark()),
        prop::option::of(mark()),
        prop::option::of(0usize..6),
    )
        .prop_map(|(kinds, source, since, until, after, limit)| FilterSpec {
            kinds,
            source,
            since,
            until,
            after,
            limit,
        })
}

fn op() -> impl Strategy<Value = Op> {
    // Reopening RocksDB is by far the dearest step (it flushes what it recovers), hence about one crash
    // in every other sequence: over the default 256 cases that is still a hundred or so. Reopening
    // the file store reads one small file, so it comes every few steps.
    prop_oneof![
        15 => new_event().prop_map(Op::Append),
        6 => prop::collection::vec(new_event(), 0..5).prop_map(Op::AppendBatch),
        3 => mark().prop_map(Op::Get),
        15 => filter().prop_map(Op::Query),
        6 => (filter(), 1usize..5).prop_map(|(filter, size)| Op::Page(filter, size)),
        2 => Just(Op::Len),
        6 => Just(Op::Tick),
        1 => Just(Op::Restart(Restart::Crash)),
        10 => Just(Op::Restart(Restart::Reopen)),
    ]
}

#[test]
fn event_stores_answer_as_the_oracle_does() {
    let name = "events::event_stores_answer_as_the_oracle_does";
    sequences::check(file!(), name, op(), answer_as_the_oracle_does);
}

/// Runs `ops` on every store, each step's answer checked against the oracle over that store's log.
fn answer_as_the_oracle_does(ops: Vec<Op>, tally: &Tally) -> TestCaseResult {
    let memory = MemoryEventStore::with_config(store_config());
    let mut disks = Disks::new(
        |dir| RocksEventStore::open(dir, rocks_options()),
        |dir| FileEventStore::open(dir, file_options()),
    );
    let mut logs: [Log; 3] = Default::default();
    for (n, op) in ops.iter().enumerate() {
        match *op {
            Op::Tick => std::thread::sleep(Duration::from_millis(2)),
            Op::Restart(restart) => {
                disks = disks.restart(restart);
                tally.reopen();
            }
            _ => {}
        }
        tally.step();
        let stores: [(&str, &dyn EventStore); 3] = [
            ("memory", &memory),
            ("rocksdb", &disks.rocks.store),
            ("file", &disks.file.store),
        ];
        for ((name, store), log) in stores.into_iter().zip(&mut logs) {
            step(store, log, op)
                .map_err(|why| TestCaseError::fail(format!("{name}, step {n} {op:?}: {why}")))?;
            // Cheap enough to check after every step.
            let len = store
                .len()
                .map_err(|e| TestCaseError::fail(format!("{name}: {e:?}")))?;
            prop_assert_eq!(
                len,
                log.events().len() as u64,
                "{}, len after step {}",
                name,
                n
            );
        }
    }
    // Every backend documents ids counting up from 1 in append order, so their logs agree on ids.
    let [memory, rocks, file] = logs.each_ref().map(|log| ids(log.events()));
    prop_assert_eq!(&memory, &rocks, "memory and rocksdb ids");
    prop_assert_eq!(&memory, &file, "memory and file ids");
    Ok(())
}
