//! The catalogue behind prefix patterns: a prefix reads only its own kinds' index entries, and a log
//! written before the catalogue existed gets one on open.

use super::KINDS;
use crate::event::{EventFilter, NewEvent, NodeId};
use crate::store::rocks::{RocksEventStore, RocksOptions};
use crate::store::EventStore;

fn new_event(kind: &str) -> NewEvent {
    NewEvent {
        source: NodeId::from_name("s"),
        kind: kind.into(),
        payload: Vec::new(),
        parent: None,
    }
}

fn kinds(patterns: &[&str]) -> EventFilter {
    EventFilter {
        kinds: patterns.iter().map(|p| p.to_string()).collect(),
        ..Default::default()
    }
}

#[test]
fn a_prefix_pattern_reads_its_kinds_range_not_the_whole_index() {
    const NOISE: usize = 5_000;
    let dir = tempfile::tempdir().unwrap();
    let options = RocksOptions {
        statistics: true,
        ..RocksOptions::default()
    };
    let store = RocksEventStore::open(dir.path(), options).unwrap();
    // The noise sorts on both sides of the prefix ("a…" before, "z…" after) and between its kinds' ids.
    let mut batch = Vec::new();
    for n in 0..NOISE {
        batch.push(new_event(if n % 2 == 0 { "alpha" } else { "zulu" }));
        if n % 100 == 0 {
            batch.push(new_event("sensor.mic"));
        }
        if n % 250 == 0 {
            batch.push(new_event("sensor.cam.v1"));
        }
    }
    store.append_batch(batch).unwrap();
    store.append(new_event("sensors.x")).unwrap();
    store.append(new_event("sensor")).unwrap();

    let before = store.statistics().unwrap();
    let found = store.query(&kinds(&["sensor.*"])).unwrap();
    let after = store.statistics().unwrap();
    // Expected from how the log was built: every 100th and every 250th noise event brought a sensor event.
    assert_eq!(found.len(), NOISE / 100 + NOISE / 250);
    assert!(found.windows(2).all(|w| w[0].id < w[1].id), "append order");
    assert!(found.iter().all(|e| e.kind.starts_with("sensor.")));
    // One seek per matching kind, then one step per entry of those kinds (and one off each end);
    // a walk of the whole kind index would step over the 5,000 noise entries as well.
    let seeks = after.iterator_seeks - before.iterator_seeks;
    let steps = after.iterator_steps - before.iterator_steps;
    assert!(
        steps <= found.len() as u64 + 2,
        "{steps} index steps for {} events",
        found.len()
    );
    assert_eq!(seeks, 2, "one seek into by_kind per kind under the prefix");
}

#[test]
fn a_log_from_before_the_catalogue_gets_one_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let store = RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap();
    for kind in ["x", "x\0y", "xy", "z"] {
        store.append(new_event(kind)).unwrap();
    }
    drop(store);
    // What a log written before the catalogue looks like: every index but `kinds`.
    let (mut db, _) = crate::store::rocks::open(
        dir.path(),
        &RocksOptions::default(),
        &["events", "by_kind", "by_source", "by_time", KINDS],
    )
    .unwrap();
    db.drop_cf(KINDS).unwrap();
    drop(db);

    let store = RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap();
    let report = store.verify_indexes().unwrap();
    assert!(report.is_consistent(), "{report}");
    let found: Vec<String> = store
        .query(&kinds(&["x*"]))
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(found, ["x", "x\0y", "xy"]);
}
