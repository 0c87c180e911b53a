//! Failure modes only a raw look at the database can set up: garbled records, corrupted indexes and
//! unopenable paths.

use std::path::Path;

use super::graph::index;
use super::{keys, RocksEventStore, RocksGraphStore, RocksOptions};
use crate::error::Error;
use crate::event::{EventFilter, EventId, NewEvent, NodeId};
use crate::graph::{Direction, Edge, Node};
use crate::store::{EventStore, GraphStore};

fn new_event(kind: &str) -> NewEvent {
    NewEvent {
        source: NodeId::from_name("s"),
        kind: kind.into(),
        payload: b"p".to_vec(),
        parent: None,
    }
}

/// Writes `value` under `key` in one column family, with the store closed.
fn overwrite(path: &Path, families: &[&str], family: &str, key: &[u8], value: &[u8]) {
    let (db, _) = super::open(path, &RocksOptions::default(), families).unwrap();
    db.put_cf(db.cf_handle(family).unwrap(), key, value)
        .unwrap();
}

/// Deletes `key` from one column family, with the store closed.
fn delete(path: &Path, families: &[&str], family: &str, key: &[u8]) {
    let (db, _) = super::open(path, &RocksOptions::default(), families).unwrap();
    db.delete_cf(db.cf_handle(family).unwrap(), key).unwrap();
}

const EVENT_FAMILIES: [&str; 5] = [
    keys::EVENTS,
    keys::BY_KIND,
    keys::BY_SOURCE,
    keys::BY_TIME,
    keys::KINDS,
];
const GRAPH_FAMILIES: [&str; 8] = [
    keys::NODES,
    keys::OUT,
    keys::IN,
    index::BY_LABEL,
    index::BY_TAG,
    index::BY_PROPERTY,
    index::BY_CREATED,
    index::BY_WORD,
];

#[test]
fn verify_indexes_names_each_missing_stale_and_mismatched_event_entry() {
    let dir = tempfile::tempdir().unwrap();
    let store = RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap();
    let stored = store
        .append_batch(vec![new_event("a"), new_event("b"), new_event("a")])
        .unwrap();
    let report = store.verify_indexes().unwrap();
    assert!(report.is_consistent(), "{report}");
    assert_eq!(report.records, 3);
    let entries: Vec<u64> = report.indexes.iter().map(|check| check.entries).collect();
    assert_eq!(entries, [3, 3, 3, 2], "three per-event indexes, two kinds");
    drop(store);

    let (second, source) = (EventId(2), NodeId::from_name("s"));
    let families = EVENT_FAMILIES;
    let path = dir.path();
    // Event 2 loses its kind entry and gains one under a kind it does not have.
    delete(path, &families, keys::BY_KIND, &keys::by_kind("b", second));
    overwrite(
        path,
        &families,
        keys::BY_KIND,
        &keys::by_kind("a", second),
        b"",
    );
    // An entry naming an event the log does not hold.
    let ghost = keys::by_source(&source, EventId(9));
    overwrite(path, &families, keys::BY_SOURCE, &ghost, b"");
    // The right key with a value no index entry has.
    let first_time = keys::by_time(stored[0].timestamp, EventId(1));
    overwrite(path, &families, keys::BY_TIME, &first_time, b"x");

    let store = RocksEventStore::open(path, RocksOptions::default()).unwrap();
    // A query re-checks every candidate against its record, so it hides the stale entry.
    let a = EventFilter {
        kinds: vec!["a".into()],
        ..Default::default()
    };
    assert_eq!(store.query(&a).unwrap().len(), 2);
    let report = store.verify_indexes().unwrap();
    assert!(!report.is_consistent());
    let [by_kind, by_source, by_time, kinds] = &report.indexes[..] else {
        panic!("four indexes in {report}");
    };
    assert!(kinds.is_consistent(), "{report}");
    assert_eq!(by_kind.missing, [keys::by_kind("b", second)]);
    assert_eq!(by_kind.extra, [keys::by_kind("a", second)]);
    assert_eq!(
        (by_source.extra.as_slice(), by_source.entries),
        (&[ghost][..], 4)
    );
    assert!(by_source.missing.is_empty() && by_source.mismatched.is_empty());
    assert_eq!(by_time.mismatched, [first_time.to_vec()]);
    assert!(by_time.missing.is_empty() && by_time.extra.is_empty());
    assert!(
        report.to_string().contains(
            "\n  by_kind: 3 entries, 1 missing, 1 extra, 0 mismatched; \
             first missing key 62000000000000000002; first extra key 61000000000000000002\n"
        ),
        "{report}"
    );
}

#[test]
fn verify_indexes_names_dangling_unmirrored_and_mismatched_edges() {
    let dir = tempfile::tempdir().unwrap();
    let [a, b, c, gone] = ["a", "b", "c", "gone"].map(NodeId::from_name);
    let store = RocksGraphStore::open(dir.path(), RocksOptions::default()).unwrap();
    for id in [a, b, c] {
        store.put_node(Node::new(id, "n")).unwrap();
    }
    for (from, to) in [(a, b), (b, c)] {
        store
            .put_edge(Edge {
                from,
                to,
                relation: "r".into(),
                weight: 1.0,
            })
            .unwrap();
    }
    let report = store.verify_indexes().unwrap();
    assert!(report.is_consistent(), "{report}");
    assert_eq!(report.records, 5);
    drop(store);

    let (families, path) = (GRAPH_FAMILIES, dir.path());
    // a -> b loses its mirror; b -> c's mirror carries another weight.
    delete(path, &families, keys::IN, &keys::adjacency(&b, "r", &a));
    overwrite(
        path,
        &families,
        keys::IN,
        &keys::adjacency(&c, "r", &b),
        &keys::weight(9.0),
    );
    // An edge to a node that is not stored, with its mirror: both are left over.
    let dangling = keys::adjacency(&a, "r", &gone);
    let dangling_mirror = keys::adjacency(&gone, "r", &a);
    overwrite(path, &families, keys::OUT, &dangling, &keys::weight(1.0));
    overwrite(
        path,
        &families,
        keys::IN,
        &dangling_mirror,
        &keys::weight(1.0),
    );
    // A mirror of no edge at all.
    let orphan = keys::adjacency(&a, "q", &c);
    overwrite(path, &families, keys::IN, &orphan, &keys::weight(1.0));

    let store = RocksGraphStore::open(path, RocksOptions::default()).unwrap();
    let report = store.verify_indexes().unwrap();
    let [out, inc, nodes @ ..] = &report.indexes[..] else {
        panic!("no edge indexes in {report}");
    };
    assert!(nodes.iter().all(|check| check.is_consistent()), "{report}");
    assert_eq!((out.extra.as_slice(), out.entries), (&[dangling][..], 3));
    assert!(out.missing.is_empty() && out.mismatched.is_empty());
    assert_eq!(inc.missing, [keys::adjacency(&b, "r", &a)]);
    let mut extra = vec![orphan, dangling_mirror];
    extra.sort();
    assert_eq!(inc.extra, extra);
    assert_eq!(inc.mismatched, [keys::adjacency(&c, "r", &b)]);
}

#[test]
fn a_garbled_event_record_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let store = RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap();
    store
        .append_batch(vec![new_event("a"), new_event("b")])
        .unwrap();
    drop(store);
    let families = EVENT_FAMILIES;
    overwrite(
        dir.path(),
        &families,
        keys::EVENTS,
        &2u64.to_be_bytes(),
        b"\x01\xff",
    );

    let store = RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap();
    assert_eq!(
        store.get(EventId(1)).unwrap().map(|e| e.kind),
        Some("a".into())
    );
    assert!(matches!(store.get(EventId(2)), Err(Error::Corrupt(_))));
    let by_kind = EventFilter {
        kinds: vec!["b".into()],
        ..Default::default()
    };
    assert!(matches!(store.query(&by_kind), Err(Error::Corrupt(_))));
    assert!(matches!(
        store.query(&EventFilter::default()),
        Err(Error::Corrupt(_))
    ));
    // A record filed under another id is no better than garbage.
    let moved = super::encoding::encode_event(&store.get(EventId(1)).unwrap().unwrap());
    drop(store);
    overwrite(
        dir.path(),
        &families,
        keys::EVENTS,
        &3u64.to_be_bytes(),
        &moved,
    );
    let store = RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap();
    assert!(matches!(store.get(EventId(3)), Err(Error::Corrupt(_))));
    // Ids still continue after the garbled record.
    assert_eq!(store.append(new_event("c")).unwrap().id, EventId(4));
}

#[test]
fn garbled_graph_records_are_reported_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (NodeId::from_name("a"), NodeId::from_name("b"));
    let store = RocksGraphStore::open(dir.path(), RocksOptions::default()).unwrap();
    for id in [a, b] {
        store.put_node(Node::new(id, "n")).unwrap();
    }
    store
        .put_edge(Edge {
            from: a,
            to: b,
            relation: "r".into(),
            weight: 1.0,
        })
        .unwrap();
    drop(store);
    let families = GRAPH_FAMILIES;
    overwrite(dir.path(), &families, keys::NODES, &a.0, b"\x01\x07");
    overwrite(
        dir.path(),
        &families,
        keys::OUT,
        &super::keys::adjacency(&a, "r", &b),
        b"short",
    );

    let store = RocksGraphStore::open(dir.path(), RocksOptions::default()).unwrap();
    assert!(matches!(store.get_node(&a), Err(Error::Corrupt(_))));
    assert!(matches!(
        store.get_edge(&a, "r", &b),
        Err(Error::Corrupt(_))
    ));
    assert!(matches!(
        store.neighbors(&a, Direction::Outgoing, None),
        Err(Error::Corrupt(_))
    ));
    assert!(store.get_node(&b).unwrap().is_some());
}

/// The context of a backend error and the message of its source: RocksDB's own error, which must be kept.
fn backend_failure<T: std::fmt::Debug>(result: crate::error::Result<T>) -> (String, String) {
    let error = result.expect_err("a backend failure");
    let cause = std::error::Error::source(&error).map(ToString::to_string);
    match (error, cause) {
        (Error::Backend { context, .. }, Some(cause)) => (context, cause),
        (other, _) => panic!("expected a backend error with a source, got {other:?}"),
    }
}

#[test]
fn a_path_that_is_a_file_is_refused_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-store");
    std::fs::write(&file, b"plain file").unwrap();
    let (context, _) = backend_failure(RocksEventStore::open(&file, RocksOptions::default()));
    assert!(context.contains(&file.display().to_string()), "{context}");
}

#[test]
fn a_store_open_elsewhere_is_refused_naming_the_path_and_keeping_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let _open = RocksGraphStore::open(dir.path(), RocksOptions::default()).unwrap();
    let (context, cause) =
        backend_failure(RocksGraphStore::open(dir.path(), RocksOptions::default()));
    assert!(
        context.contains(&dir.path().display().to_string()),
        "{context}"
    );
    assert!(cause.contains("lock"), "{cause}");
}

#[test]
fn a_missing_store_is_not_created_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent");
    let options = RocksOptions {
        create_if_missing: false,
        ..Default::default()
    };
    let (context, _) = backend_failure(RocksEventStore::open(&path, options));
    assert!(context.contains(&path.display().to_string()), "{context}");
    assert!(!path.join("CURRENT").exists());
}

/// Queries that need more than one chunk of reads from the log: a whole kind larger than a chunk, and a
/// kind whose candidates the source filter mostly rejects, so the next chunk is read to fill the limit.
/// The expected answers are picked from the appended events by their inputs alone.
#[test]
fn queries_spanning_several_read_chunks_match_the_appended_events() {
    let dir = tempfile::tempdir().unwrap();
    let store = RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap();
    let input: Vec<NewEvent> = (0..30_000u32)
        .map(|n| NewEvent {
            source: NodeId::from_name(&format!("s{}", n % 7)),
            kind: format!("k{}", n % 3),
            payload: n.to_le_bytes().to_vec(),
            parent: None,
        })
        .collect();
    for chunk in input.chunks(5_000) {
        store.append_batch(chunk.to_vec()).unwrap();
    }
    let payloads = |events: Vec<crate::event::Event>| -> Vec<Vec<u8>> {
        events.into_iter().map(|e| e.payload).collect()
    };
    let expected = |keep: &dyn Fn(&NewEvent) -> bool, limit: usize| -> Vec<Vec<u8>> {
        input
            .iter()
            .filter(|e| keep(e))
            .take(limit)
            .map(|e| e.payload.clone())
            .collect()
    };

    let whole_kind = EventFilter {
        kinds: vec!["k1".into()],
        ..Default::default()
    };
    let got = payloads(store.query(&whole_kind).unwrap());
    assert_eq!(got.len(), 10_000);
    assert_eq!(got, expected(&|e| e.kind == "k1", usize::MAX));

    let source = NodeId::from_name("s2");
    let kind_and_source = EventFilter {
        kinds: vec!["k1".into()],
        source: Some(source),
        limit: Some(1_200),
        ..Default::default()
    };
    assert_eq!(
        payloads(store.query(&kind_and_source).unwrap()),
        expected(&|e| e.kind == "k1" && e.source == source, 1_200)
    );
}

#[test]
fn an_index_entry_for_a_missing_record_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let store = RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap();
    store
        .append_batch(vec![new_event("a"), new_event("b"), new_event("a")])
        .unwrap();
    drop(store);
    delete(
        dir.path(),
        &EVENT_FAMILIES,
        keys::EVENTS,
        &3u64.to_be_bytes(),
    );
    let store = RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap();
    let by_kind = EventFilter {
        kinds: vec!["a".into()],
        ..Default::default()
    };
    match store.query(&by_kind) {
        Err(Error::Corrupt(message)) => assert!(message.contains("event 3"), "{message}"),
        other => panic!("expected a corrupt store, got {other:?}"),
    }
}
