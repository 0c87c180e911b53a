//! `sync: true` observed rather than assumed: RocksDB's own counters show one WAL fsync per synced write
//! and none for unsynced ones, which a kill test cannot tell apart (a killed process keeps the page cache).

use std::path::Path;

use cortex_core::{
    Edge, EventStore, GraphStore, NewEvent, Node, NodeId, Result, RocksEventStore, RocksGraphStore,
    RocksOptions, RocksStatistics,
};

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

/// A store in a temporary directory with RocksDB's statistics on, and whether it syncs each write.
struct Counted<S> {
    store: S,
    sync: bool,
    statistics: fn(&S) -> Option<RocksStatistics>,
    _dir: tempfile::TempDir,
}

impl<S> Counted<S> {
    /// A store that syncs and one that does not, each opened by `open` in a directory of its own.
    fn each_sync(
        open: fn(&Path, RocksOptions) -> Result<S>,
        statistics: fn(&S) -> Option<RocksStatistics>,
    ) -> impl Iterator<Item = Counted<S>> {
        [true, false].into_iter().map(move |sync| {
            let dir = tempfile::tempdir().expect("temporary directory");
            let options = RocksOptions {
                sync,
                statistics: true,
                ..RocksOptions::default()
            };
            Counted {
                store: open(dir.path(), options).expect("open"),
                sync,
                statistics,
                _dir: dir,
            }
        })
    }

    /// Runs `write` and checks it went through the WAL once, fsynced exactly when `sync` is set.
    fn assert_one_write(&self, what: &str, write: impl FnOnce(&S)) {
        let statistics = || (self.statistics)(&self.store).expect("statistics are on");
        let before = statistics();
        write(&self.store);
        let after = statistics();
        assert_eq!(
            after.wal_writes,
            before.wal_writes + 1,
            "{what}: WAL writes"
        );
        assert!(after.wal_bytes > before.wal_bytes, "{what}: WAL bytes");
        let sync = self.sync;
        assert_eq!(
            after.wal_syncs,
            before.wal_syncs + u64::from(sync),
            "{what} with sync: {sync}: WAL syncs"
        );
    }
}

#[test]
fn every_synced_event_write_fsyncs_the_wal_and_no_unsynced_one_does() {
    let open = |dir: &Path, options| RocksEventStore::open(dir, options);
    for wal in Counted::each_sync(open, RocksEventStore::statistics) {
        for n in 0..3 {
            wal.assert_one_write("append", |store| {
                store.append(new_event(n)).expect("append");
            });
        }
        wal.assert_one_write("append_batch", |store| {
            store
                .append_batch((0..4).map(new_event).collect())
                .expect("append a batch");
        });
    }
}

#[test]
fn every_synced_graph_write_fsyncs_the_wal_and_no_unsynced_one_does() {
    let open = |dir: &Path, options| RocksGraphStore::open(dir, options);
    for wal in Counted::each_sync(open, RocksGraphStore::statistics) {
        let (a, b) = (NodeId::from_name("a"), NodeId::from_name("b"));
        for name in ["a", "b"] {
            wal.assert_one_write("put_node", |store| {
                store.put_node(node(name)).expect("put a node");
            });
        }
        wal.assert_one_write("put_edge", |store| {
            let edge = Edge {
                from: a,
                to: b,
                relation: "r".into(),
                weight: 1.0,
            };
            store.put_edge(edge).expect("put an edge");
        });
        wal.assert_one_write("remove_edge", |store| {
            assert!(store.remove_edge(&a, "r", &b).expect("remove an edge"));
        });
        wal.assert_one_write("remove_node", |store| {
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
