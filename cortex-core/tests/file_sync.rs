//! `sync` observed: a file store with `sync: true` syncs each write (a batch of events, a node, an
//! edge, a removal) once before it returns, one without `sync` syncs none. Its own test binary with
//! one test, since the count is the process's.
#![cfg(feature = "fs")]

use cortex_core::store::file::synced_writes;
use cortex_core::{
    Edge, EventStore, FileEventStore, FileGraphStore, FileOptions, GraphStore, NewEvent, Node,
    NodeId, Result,
};

/// Writes three events (a single and a batch of two), two nodes, an edge, and removes the edge:
/// six writes.
fn write(dir: &std::path::Path, sync: bool) -> Result<()> {
    let options = FileOptions {
        sync,
        ..FileOptions::default()
    };
    let events = FileEventStore::open(dir, options.clone())?;
    let graph = FileGraphStore::open(dir, options)?;
    let event = |n: u8| NewEvent {
        source: NodeId::from_name("s"),
        kind: "k".into(),
        payload: vec![n],
        parent: None,
    };
    events.append(event(1))?;
    events.append_batch(vec![event(2), event(3)])?;
    let (a, b) = (NodeId::from_name("a"), NodeId::from_name("b"));
    graph.put_node(Node::new(a, "x"))?;
    graph.put_node(Node::new(b, "x"))?;
    let edge = Edge {
        from: a,
        to: b,
        relation: "r".into(),
        weight: 1.0,
    };
    graph.put_edge(edge)?;
    assert!(graph.remove_edge(&a, "r", &b)?);
    // Refused writes and removals of nothing write nothing, so they sync nothing.
    assert!(!graph.remove_node(&NodeId::from_name("ghost"))?);
    assert!(events.append_batch(Vec::new())?.is_empty());
    Ok(())
}

#[test]
fn a_synced_store_syncs_each_write_once_and_an_unsynced_one_never() -> Result<()> {
    let synced = tempfile::tempdir().expect("temporary directory");
    let before = synced_writes();
    write(synced.path(), true)?;
    assert_eq!(synced_writes() - before, 6);

    let unsynced = tempfile::tempdir().expect("temporary directory");
    let before = synced_writes();
    write(unsynced.path(), false)?;
    assert_eq!(synced_writes() - before, 0);
    Ok(())
}
