//! `sync: true` observed rather than assumed: RocksDB's own counters show one WAL fsync per synced write
//! and none for unsynced ones, which a kill test cannot tell apart (a killed process keeps the page cache).

use cortex_core::{
    Edge, EventStore, GraphStore, NewEvent, Node, NodeId, RocksEventStore, RocksGraphStore,
    RocksOptions, RocksStatistics,
};

fn options(sync: bool) -> RocksOptions {
    RocksOptions {
        sync,
        statistics: true,
        ..RocksOptions::default()
    }
}

fn new_event(n: u8) -> NewEvent {
    NewEvent {
        source: NodeId::from_name("s"),
        kind: "k".into(),
        payload: vec![n],
        parent: None,
    }
}

fn node(name: &str) -> Node {
    Node::new(NodeId::from_name(name), "n")
}

/// Runs `write` and checks it went through the WAL once, fsynced exactly when `sync` is set.
fn assert_one_write(
    what: &str,
    sync: bool,
    statistics: impl Fn() -> Option<RocksStatistics>,
    write: impl FnOnce(),
) {
    let before = statistics().expect("statistics are on");
    write();
    let after = statistics().expect("statistics are on");
    assert_eq!(
        after.wal_writes,
        before.wal_writes + 1,
        "{what}: WAL writes"
    );
    assert!(after.wal_bytes > before.wal_bytes, "{what}: WAL bytes");
    assert_eq!(
        after.wal_syncs,
        before.wal_syncs + u64::from(sync),
        "{what} with sync: {sync}: WAL syncs"
    );
}

#[test]
fn every_synced_event_write_fsyncs_the_wal_and_no_unsynced_one_does() {
    for sync in [true, false] {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = RocksEventStore::open(dir.path(), options(sync)).expect("open");
        let statistics = || store.statistics();
        for n in 0..3 {
            assert_one_write("append", sync, statistics, || {
                store.append(new_event(n)).expect("append");
            });
        }
        assert_one_write("append_batch", sync, statistics, || {
            store
                .append_batch((0..4).map(new_event).collect())
                .expect("append a batch");
        });
    }
}

#[test]
fn every_synced_graph_write_fsyncs_the_wal_and_no_unsynced_one_does() {
    for sync in [true, false] {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = RocksGraphStore::open(dir.path(), options(sync)).expect("open");
        let statistics = || store.statistics();
        let (a, b) = (NodeId::from_name("a"), NodeId::from_name("b"));
        for name in ["a", "b"] {
            assert_one_write("put_node", sync, statistics, || {
                store.put_node(node(name)).expect("put a node");
            });
        }
        assert_one_write("put_edge", sync, statistics, || {
            let edge = Edge {
                from: a,
                to: b,
                relation: "r".into(),
                weight: 1.0,
            };
            store.put_edge(edge).expect("put an edge");
        });
        assert_one_write("remove_edge", sync, statistics, || {
            assert!(store.remove_edge(&a, "r", &b).expect("remove an edge"));
        });
        assert_one_write("remove_node", sync, statistics, || {
            assert!(store.remove_node(&b).expect("remove a node"));
        });
    }
}

#[test]
fn statistics_are_off_unless_asked_for() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let events = RocksEventStore::open(dir.path().join("events"), RocksOptions::default());
    assert_eq!(events.expect("open").statistics(), None);
    let graph = RocksGraphStore::open(dir.path().join("graph"), RocksOptions::default());
    assert_eq!(graph.expect("open").statistics(), None);
}
