//! The RocksDB stores: the shared conformance suite, and what must survive closing and reopening.
#![cfg(all(not(target_family = "wasm"), feature = "native"))]

mod conformance;

use cortex_core::{
    Direction, Edge, EventFilter, EventId, EventStore, GraphStore, NewEvent, Node, NodeId,
    NodeQuery, RocksEventStore, RocksGraphStore, RocksOptions, StoreConfig,
};

/// A fresh pair of stores in a temporary directory, which the returned guard removes.
fn open_both(config: StoreConfig) -> (RocksEventStore, RocksGraphStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let options = RocksOptions {
        store: config,
        ..Default::default()
    };
    let events = RocksEventStore::open(dir.path().join("events"), options.clone())
        .expect("open the event store");
    let graph =
        RocksGraphStore::open(dir.path().join("graph"), options).expect("open the graph store");
    (events, graph, dir)
}

conformance::conformance_suite!(rocksdb, open_both);

fn new_event(source: &str, kind: &str, payload: &[u8]) -> NewEvent {
    NewEvent {
        source: NodeId::from_name(source),
        kind: kind.into(),
        payload: payload.to_vec(),
        parent: None,
    }
}

fn node(name: &str) -> Node {
    Node::new(NodeId::from_name(name), "person")
        .with_tag("tagged")
        .with_property("name", name)
}

fn edge(from: &str, relation: &str, to: &str, weight: f64) -> Edge {
    Edge {
        from: NodeId::from_name(from),
        to: NodeId::from_name(to),
        relation: relation.into(),
        weight,
    }
}

#[test]
fn events_and_their_indexes_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let store = RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap();
    store.append(new_event("ann", "login", b"1")).unwrap();
    let batch = store
        .append_batch(vec![
            new_event("bob", "click", b"2"),
            new_event("ann", "click", b"3"),
            new_event("bob", "login", b"4"),
        ])
        .unwrap();
    let before = store.query(&EventFilter::default()).unwrap();
    drop(store);

    let store = RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap();
    let report = store.verify_indexes().unwrap();
    assert!(report.is_consistent() && report.records == 4, "{report}");
    assert_eq!(store.len().unwrap(), 4);
    assert_eq!(store.query(&EventFilter::default()).unwrap(), before);
    assert_eq!(store.get(batch[1].id).unwrap(), Some(batch[1].clone()));
    let clicks = store
        .query(&EventFilter {
            kinds: vec!["click".into()],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        clicks.iter().map(|e| &e.payload[..]).collect::<Vec<_>>(),
        [b"2", b"3"]
    );
    let bob = store
        .query(&EventFilter {
            source: Some(NodeId::from_name("bob")),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        bob.iter().map(|e| e.id).collect::<Vec<_>>(),
        [EventId(2), EventId(4)]
    );
    let since = before[0].timestamp;
    let timed = store
        .query(&EventFilter {
            since: Some(since),
            after: Some(EventId(1)),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(timed, before[1..]);
}

#[test]
fn ids_continue_after_the_last_one_and_timestamps_never_go_back() {
    let dir = tempfile::tempdir().unwrap();
    let first = {
        let store = RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap();
        store
            .append_batch((0..3).map(|i| new_event("s", "k", &[i])).collect())
            .unwrap()
    };
    let store = RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap();
    let next = store.append(new_event("s", "k", b"after")).unwrap();
    assert_eq!(next.id, EventId(4));
    assert!(next.timestamp >= first[2].timestamp);
    let page = store
        .query(&EventFilter {
            kinds: vec!["k".into()],
            after: Some(EventId(2)),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        page.iter().map(|e| e.id).collect::<Vec<_>>(),
        [EventId(3), EventId(4)]
    );
}

/// Opening a log reads its kind catalogue and the last key of two families, never a family
/// through: with 20,000 events of 7 kinds, a scan of the log or of any index would step over
/// 20,000 keys, the catalogue over 7. The store opened so still knows where its log ends and
/// every kind in it.
#[test]
fn reopening_a_log_reads_its_ends_and_catalogue_not_its_keys() {
    const EVENTS: u64 = 20_000;
    const KINDS: u64 = 7;
    let dir = tempfile::tempdir().unwrap();
    {
        let store = RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap();
        for chunk in 0..EVENTS / 1000 {
            let batch = (chunk * 1000..(chunk + 1) * 1000)
                .map(|n| new_event("s", &format!("kind-{}", n % KINDS), &n.to_le_bytes()))
                .collect();
            store.append_batch(batch).unwrap();
        }
    }
    // The first reopen replays the write-ahead log and flushes it; the one measured then finds
    // everything in table files, as a store reopened after a while does.
    drop(RocksEventStore::open(dir.path(), RocksOptions::default()).unwrap());
    let options = RocksOptions {
        statistics: true,
        ..Default::default()
    };
    let store = RocksEventStore::open(dir.path(), options).unwrap();
    let opened = store.statistics().unwrap();
    assert!(
        opened.iterator_steps <= KINDS + 1 && opened.iterator_seeks <= 3,
        "opening read more than the catalogue and the ends of the log: {opened:?}"
    );

    assert_eq!(store.len().unwrap(), EVENTS);
    let next = store.append(new_event("s", "kind-0", b"next")).unwrap();
    assert_eq!(next.id, EventId(EVENTS + 1));
    // Each kind the catalogue lists is found by a pattern: one event of each, the first 7 ids.
    let firsts: Vec<(EventId, String)> = (0..KINDS)
        .map(|k| {
            let found = store
                .query(&EventFilter {
                    kinds: vec![format!("kind-{k}*")],
                    limit: Some(1),
                    ..Default::default()
                })
                .unwrap();
            (found[0].id, found[0].kind.clone())
        })
        .collect();
    let expected: Vec<(EventId, String)> = (0..KINDS)
        .map(|k| (EventId(k + 1), format!("kind-{k}")))
        .collect();
    assert_eq!(firsts, expected);
}

#[test]
fn the_graph_survives_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let stored_a = {
        let graph = RocksGraphStore::open(dir.path(), RocksOptions::default()).unwrap();
        for name in ["a", "b", "c", "gone"] {
            graph.put_node(node(name)).unwrap();
        }
        graph.put_edge(edge("a", "knows", "b", 1.0)).unwrap();
        graph.put_edge(edge("b", "knows", "c", 2.0)).unwrap();
        graph.put_edge(edge("a", "likes", "c", 5.0)).unwrap();
        graph.put_edge(edge("gone", "knows", "a", 1.0)).unwrap();
        graph.put_edge(edge("c", "knows", "gone", 1.0)).unwrap();
        assert!(graph.remove_node(&NodeId::from_name("gone")).unwrap());
        graph.get_node(&NodeId::from_name("a")).unwrap()
    };
    let graph = RocksGraphStore::open(dir.path(), RocksOptions::default()).unwrap();
    assert_eq!(
        (graph.node_count().unwrap(), graph.edge_count().unwrap()),
        (3, 3)
    );
    // The node comes back as stored, its times included.
    let a = graph.get_node(&NodeId::from_name("a")).unwrap();
    assert_eq!(a, stored_a);
    let mut a = a.unwrap();
    assert!(a.created_at > 0 && a.updated_at >= a.created_at, "{a:?}");
    (a.created_at, a.updated_at) = (0, 0);
    assert_eq!(a, node("a"));
    let tagged = graph
        .find_nodes(&NodeQuery::default().tags(["tagged"]))
        .unwrap();
    let names: Vec<_> = tagged
        .iter()
        .map(|n| n.properties["name"].as_str())
        .collect();
    assert_eq!(names, ["a", "b", "c"], "found by the index after a reopen");
    assert_eq!(graph.get_node(&NodeId::from_name("gone")).unwrap(), None);
    let a = NodeId::from_name("a");
    assert_eq!(
        graph.neighbors(&a, Direction::Both, None).unwrap(),
        [edge("a", "knows", "b", 1.0), edge("a", "likes", "c", 5.0)]
    );
    let c = NodeId::from_name("c");
    assert_eq!(
        graph.neighbors(&c, Direction::Incoming, None).unwrap(),
        [edge("b", "knows", "c", 2.0), edge("a", "likes", "c", 5.0)]
    );
    let path = graph.shortest_path(&a, &c).unwrap().unwrap();
    assert_eq!((path.nodes.len(), path.cost), (3, 3.0));
    assert!(graph.remove_edge(&a, "likes", &c).unwrap());
    assert_eq!(graph.edge_count().unwrap(), 2);
    // Removing "gone" took its edges out of both directions, nothing left over.
    let report = graph.verify_indexes().unwrap();
    assert!(report.is_consistent() && report.records == 5, "{report}");
    assert!(report
        .indexes
        .iter()
        .any(|check| check.entries > 0 && check.index == "by_tag"));
}
