//! Failure modes only a raw look at the database can set up: garbled records and unopenable paths.

use std::path::Path;

use super::{events, graph, RocksEventStore, RocksGraphStore, RocksOptions};
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
    let db = super::open(path, &RocksOptions::default(), families).unwrap();
    db.put_cf(db.cf_handle(family).unwrap(), key, value)
        .unwrap();
}

#[test]
fn a_garbled_event_record_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let store = RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap();
    store
        .append_batch(vec![new_event("a"), new_event("b")])
        .unwrap();
    drop(store);
    let families = [
        events::EVENTS,
        events::BY_KIND,
        events::BY_SOURCE,
        events::BY_TIME,
    ];
    overwrite(
        dir.path(),
        &families,
        events::EVENTS,
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
        events::EVENTS,
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
        store
            .put_node(Node {
                id,
                label: "n".into(),
                properties: Default::default(),
            })
            .unwrap();
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
    let families = [graph::NODES, graph::OUT, graph::IN];
    overwrite(dir.path(), &families, graph::NODES, &a.0, b"\x01\x07");
    overwrite(
        dir.path(),
        &families,
        graph::OUT,
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
