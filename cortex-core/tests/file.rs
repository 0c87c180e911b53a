//! The file stores: the shared conformance suite as they are, reopened before every call, and
//! reopened with a graph log compacted whenever it holds any garbage; what survives a reopen and a
//! compaction, torn and damaged logs, and input that is not a store.
#![cfg(feature = "fs")]

#[path = "file/compaction.rs"]
mod compaction;
mod conformance;
#[path = "file/damage.rs"]
mod damage;
#[path = "file/input.rs"]
mod input;
#[path = "file/reopen.rs"]
mod reopen;

use cortex_core::{FileEventStore, FileGraphStore, FileOptions, StoreConfig};
use reopen::{Reopening, ReopeningEvents, ReopeningGraph};

fn options(config: StoreConfig) -> FileOptions {
    FileOptions {
        store: config,
        ..FileOptions::default()
    }
}

/// A fresh pair of stores sharing one temporary directory, which the returned guard removes.
fn open_both(config: StoreConfig) -> (FileEventStore, FileGraphStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let events = FileEventStore::open(dir.path(), options(config.clone())).expect("open events");
    let graph = FileGraphStore::open(dir.path(), options(config)).expect("open graph");
    (events, graph, dir)
}

/// The same, each store closed and opened again before every call that follows a write.
fn open_reopening(config: StoreConfig) -> (ReopeningEvents, ReopeningGraph, tempfile::TempDir) {
    reopening(options(config))
}

fn reopening(options: FileOptions) -> (ReopeningEvents, ReopeningGraph, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let events = Reopening::new(dir.path(), options.clone()).expect("open events");
    let graph = Reopening::new(dir.path(), options).expect("open graph");
    (events, graph, dir)
}

/// Reopened stores whose graph log is rewritten as soon as its garbage passes its live records.
fn open_compacting(config: StoreConfig) -> (ReopeningEvents, ReopeningGraph, tempfile::TempDir) {
    reopening(FileOptions {
        compact_after: 0,
        ..options(config)
    })
}

conformance::conformance_suite!(file, open_both);
conformance::conformance_suite!(file_reopened, open_reopening);
conformance::conformance_suite!(file_compacting, open_compacting);

#[test]
fn events_survive_a_reopen_with_their_ids_and_timestamps() -> cortex_core::Result<()> {
    use cortex_core::{EventFilter, EventStore, NewEvent, NodeId};
    let dir = tempfile::tempdir().expect("temporary directory");
    let new = |kind: &str, payload: &[u8]| NewEvent {
        source: NodeId::from_name(kind),
        kind: kind.into(),
        payload: payload.to_vec(),
        parent: None,
    };
    let store = FileEventStore::open(dir.path(), FileOptions::default())?;
    let first = store.append(new("login", b"1"))?;
    let mut child = new("click", b"");
    child.parent = Some(first.id);
    store.append_batch(vec![child, new("login", &[7; 300])])?;
    let before = store.query(&EventFilter::default())?;
    drop(store);

    let store = FileEventStore::open(dir.path(), FileOptions::default())?;
    assert_eq!(store.query(&EventFilter::default())?, before);
    let logins = EventFilter {
        kinds: vec!["log*".into()],
        ..Default::default()
    };
    assert_eq!(store.query(&logins)?.len(), 2);
    let next = store.append(new("late", b"x"))?;
    assert_eq!(next.id.0, 4);
    assert!(next.timestamp >= before[2].timestamp);
    Ok(())
}

#[test]
fn the_graph_survives_a_reopen_with_its_stamps() -> cortex_core::Result<()> {
    use cortex_core::{Direction, Edge, GraphStore, Node, NodeId, NodeQuery};
    let dir = tempfile::tempdir().expect("temporary directory");
    let (a, b, c) = (
        NodeId::from_name("a"),
        NodeId::from_name("b"),
        NodeId::from_name("c"),
    );
    let edge = |from, to, relation: &str| Edge {
        from,
        to,
        relation: relation.into(),
        weight: 0.25,
    };
    let graph = FileGraphStore::open(dir.path(), FileOptions::default())?;
    graph.put_node(Node::new(a, "person").with_tag("vip"))?;
    graph.put_node(Node::new(b, "person").with_property("name", "Bob Stone"))?;
    graph.put_node(Node::new(c, "place"))?;
    graph.put_edge(edge(a, b, "knows"))?;
    graph.put_edge(edge(b, c, "lives"))?;
    graph.put_edge(edge(a, c, "visits"))?;
    std::thread::sleep(std::time::Duration::from_millis(2));
    graph.put_node(Node::new(a, "person").with_tag("vip").with_tag("new"))?;
    assert!(graph.remove_edge(&a, "visits", &c)?);
    assert!(graph.remove_node(&c)?);
    let nodes = graph.find_nodes(&NodeQuery::default())?;
    let edges = graph.neighbors(&a, Direction::Both, None)?;
    drop(graph);

    let graph = FileGraphStore::open(dir.path(), FileOptions::default())?;
    assert_eq!(graph.find_nodes(&NodeQuery::default())?, nodes);
    assert_eq!(graph.neighbors(&a, Direction::Both, None)?, edges);
    assert_eq!((graph.node_count()?, graph.edge_count()?), (2, 1));
    let found = graph.find_nodes(&NodeQuery::default().text("stone"))?;
    assert_eq!(found.iter().map(|n| n.id).collect::<Vec<_>>(), [b]);
    let a_node = graph.get_node(&a)?.expect("a is there");
    assert!(a_node.created_at < a_node.updated_at, "{a_node:?}");
    Ok(())
}
