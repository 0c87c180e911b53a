//! Event operations on both stores, each answer checked against the oracle over that store's own log.
//!
//! Filters name their times and cursor by place in the log (`marks`), since each store stamps its own.

mod marks;

use std::time::Duration;

use cortex_core::{
    Error, Event, EventFilter, EventId, EventStore, MemoryEventStore, NewEvent, NodeId,
    RocksEventStore,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use crate::oracle::{self, Log};
use crate::{config, failure, rocks_options, store_config, Rocks, MAX_PAYLOAD};
use marks::{FilterSpec, Mark};

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
    /// Drops the RocksDB store without flushing and reopens it from its directory.
    Crash,
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
    // in every other sequence: over the default 256 cases that is still a hundred or so.
    prop_oneof![
        15 => new_event().prop_map(Op::Append),
        6 => prop::collection::vec(new_event(), 0..5).prop_map(Op::AppendBatch),
        3 => mark().prop_map(Op::Get),
        15 => filter().prop_map(Op::Query),
        6 => (filter(), 1usize..5).prop_map(|(filter, size)| Op::Page(filter, size)),
        2 => Just(Op::Len),
        6 => Just(Op::Tick),
        1 => Just(Op::Crash),
    ]
}

/// Why a store must refuse `event`, by the documented rules: a kind of 1 to `MAX_KIND_LEN` bytes
/// without `*`, and a payload within the store's limit.
fn refusal(event: &NewEvent) -> Option<String> {
    let error = if event.kind.is_empty()
        || event.kind.len() > cortex_core::event::MAX_KIND_LEN
        || event.kind.contains('*')
    {
        Error::InvalidKind(String::new())
    } else if event.payload.len() > MAX_PAYLOAD {
        Error::PayloadTooLarge {
            size: event.payload.len(),
            limit: MAX_PAYLOAD,
        }
    } else {
        return None;
    };
    Some(failure(&error))
}

/// Checks that `stored` is `new` as given, then logs it.
fn record(log: &mut Log, new: &NewEvent, stored: Event) -> Result<(), String> {
    let given = (&new.source, &new.kind, &new.payload, new.parent);
    if (&stored.source, &stored.kind, &stored.payload, stored.parent) != given {
        return Err(format!("stored {stored:?}, given {new:?}"));
    }
    log.record(stored)
}

/// Checks an append's outcome against the rules: success for valid input, the right refusal otherwise.
fn appended(
    log: &mut Log,
    given: &[NewEvent],
    result: Result<Vec<Event>, Error>,
) -> Result<(), String> {
    // A batch is all or nothing, refused for its first invalid event.
    match (result, given.iter().find_map(refusal)) {
        (Ok(stored), None) if stored.len() == given.len() => given
            .iter()
            .zip(stored)
            .try_for_each(|(new, stored)| record(log, new, stored)),
        (Err(e), Some(expected)) if failure(&e) == expected => Ok(()),
        (got, expected) => Err(format!(
            "append gave {got:?}, expected {}",
            expected.unwrap_or_else(|| format!("{} events stored", given.len()))
        )),
    }
}

fn ids(events: &[Event]) -> Vec<u64> {
    events.iter().map(|e| e.id.0).collect()
}

/// Runs `op` on one store and checks its answer against the oracle over `log`.
fn step(store: &dyn EventStore, log: &mut Log, op: &Op) -> Result<(), String> {
    let err = |e: Error| format!("unexpected {e:?}");
    match op {
        Op::Append(new) => appended(
            log,
            std::slice::from_ref(new),
            store.append(new.clone()).map(|e| vec![e]),
        ),
        Op::AppendBatch(batch) => appended(log, batch, store.append_batch(batch.clone())),
        Op::Get(mark) => {
            let id = EventId(mark.resolve(log, |e| e.id.0));
            let found = store.get(id).map_err(err)?;
            match found.as_ref() == log.get(id) {
                true => Ok(()),
                false => Err(format!(
                    "get({id}) gave {found:?}, expected {:?}",
                    log.get(id)
                )),
            }
        }
        Op::Query(spec) if malformed(spec) => refused(store.query(&spec.resolve(log))),
        Op::Page(spec, _) if malformed(spec) => refused(store.query(&spec.resolve(log))),
        Op::Query(spec) => {
            let filter = spec.resolve(log);
            same_answer(
                || format!("query({filter:?})"),
                store.query(&filter).map_err(err)?,
                log.answer(&filter),
            )
        }
        Op::Page(spec, size) => {
            let whole = EventFilter {
                limit: None,
                ..spec.resolve(log)
            };
            let expected = log.answer(&whole);
            let mut filter = EventFilter {
                limit: Some(*size),
                ..whole.clone()
            };
            let mut walked = Vec::new();
            // One page per expected event at most, plus the empty page that ends the walk.
            for _ in 0..=expected.len() {
                let page = store.query(&filter).map_err(err)?;
                if page.len() > *size {
                    return Err(format!("a page of {} under limit {size}", page.len()));
                }
                let Some(last) = page.last() else { break };
                filter.after = Some(last.id);
                walked.extend(page);
            }
            same_answer(|| format!("pages of {size} of {whole:?}"), walked, expected)
        }
        Op::Len | Op::Tick => Ok(()),
        // Everything logged must have survived the crash, records and indexes alike.
        Op::Crash => {
            let everything = EventFilter::default();
            same_answer(
                || "everything after the crash".to_owned(),
                store.query(&everything).map_err(err)?,
                log.answer(&everything),
            )
        }
    }
}

/// Whether the filter holds a kind pattern the documented rule makes malformed.
fn malformed(spec: &FilterSpec) -> bool {
    spec.kinds.iter().any(|k| oracle::malformed_pattern(k))
}

/// Checks that a query with a malformed pattern was refused as an invalid kind.
fn refused(result: Result<Vec<Event>, Error>) -> Result<(), String> {
    match result {
        Err(e) if failure(&e) == failure(&Error::InvalidKind(String::new())) => Ok(()),
        got => Err(format!(
            "a malformed kind pattern gave {got:?}, expected InvalidKind"
        )),
    }
}

/// Compares whole events, timestamps included; a mismatch names the ids, or the records when the ids agree.
fn same_answer(
    asked: impl FnOnce() -> String,
    found: Vec<Event>,
    expected: Vec<Event>,
) -> Result<(), String> {
    if found == expected {
        return Ok(());
    }
    let (found_ids, expected_ids) = (ids(&found), ids(&expected));
    Err(if found_ids == expected_ids {
        format!("{} gave {found:?}, expected {expected:?}", asked())
    } else {
        format!(
            "{} gave ids {found_ids:?}, expected {expected_ids:?}",
            asked()
        )
    })
}

fn open_rocks(path: &std::path::Path) -> RocksEventStore {
    RocksEventStore::open(path, rocks_options()).expect("open the event store")
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn event_stores_answer_as_the_oracle_does(ops in prop::collection::vec(op(), 1..64)) {
        let memory = MemoryEventStore::with_config(store_config());
        let mut rocks = Rocks::open(tempfile::tempdir().expect("temporary directory"), open_rocks);
        let (mut memory_log, mut rocks_log) = (Log::default(), Log::default());
        for (n, op) in ops.iter().enumerate() {
            match op {
                Op::Tick => std::thread::sleep(Duration::from_millis(2)),
                Op::Crash => rocks = rocks.crash(),
                _ => {}
            }
            let stores: [(&str, &dyn EventStore, &mut Log); 2] =
                [("memory", &memory, &mut memory_log), ("rocksdb", &rocks.store, &mut rocks_log)];
            for (name, store, log) in stores {
                step(store, log, op).map_err(|why| TestCaseError::fail(format!("{name}, step {n} {op:?}: {why}")))?;
                // Cheap enough to check after every step.
                let len = store.len().map_err(|e| TestCaseError::fail(format!("{name}: {e:?}")))?;
                prop_assert_eq!(len, log.events().len() as u64, "{}, len after step {}", name, n);
            }
        }
        // Both backends document ids counting up from 1 in append order, so their logs agree on ids.
        prop_assert_eq!(ids(memory_log.events()), ids(rocks_log.events()));
    }
}
