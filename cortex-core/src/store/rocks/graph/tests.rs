//! The node indexes seen from the raw database: entries written and removed with their node, named by
//! `verify_indexes` when they go wrong, and built on open for a graph written before they existed.

use super::index::{self, BY_CREATED, BY_TAG, BY_WORD};
use super::{RocksGraphStore, IN, NODES, OUT};
use crate::error::Error;
use crate::event::NodeId;
use crate::graph::{Node, NodeQuery};
use crate::store::rocks::{open, RocksOptions};
use crate::store::GraphStore;

const ALL: [&str; 8] = [
    NODES,
    OUT,
    IN,
    index::BY_LABEL,
    BY_TAG,
    index::BY_PROPERTY,
    BY_CREATED,
    BY_WORD,
];

fn store(path: &std::path::Path) -> RocksGraphStore {
    RocksGraphStore::open(path, RocksOptions::default()).unwrap()
}

/// A version 1 node record, byte by byte from that version's layout
/// `1 | id[32] | label | property count | (key | value)*` (lengths under 128 take one byte).
fn version_1_record(name: &str, label: &str, properties: &[(&str, &str)]) -> Vec<u8> {
    let mut bytes = vec![1];
    bytes.extend_from_slice(&NodeId::from_name(name).0);
    for text in std::iter::once(label) {
        bytes.push(text.len() as u8);
        bytes.extend_from_slice(text.as_bytes());
    }
    bytes.push(properties.len() as u8);
    for text in properties.iter().flat_map(|(k, v)| [*k, *v]) {
        bytes.push(text.len() as u8);
        bytes.extend_from_slice(text.as_bytes());
    }
    bytes
}

#[test]
fn a_graph_written_before_the_node_indexes_is_indexed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        // The column families that version wrote, and its records.
        let (db, _) = open(dir.path(), &RocksOptions::default(), &[NODES, OUT, IN]).unwrap();
        let nodes = db.cf_handle(NODES).unwrap();
        let ada = version_1_record("ada", "person", &[("name", "Ada Lovelace")]);
        db.put_cf(nodes, NodeId::from_name("ada").0, ada).unwrap();
        let bob = version_1_record("bob", "place", &[]);
        db.put_cf(nodes, NodeId::from_name("bob").0, bob).unwrap();
    }
    let graph = store(dir.path());
    let report = graph.verify_indexes().unwrap();
    assert!(report.is_consistent(), "{report}");
    let created = report.indexes.iter().find(|c| c.index == BY_CREATED);
    assert_eq!(created.map(|c| c.entries), Some(2), "{report}");

    let ada = graph
        .find_nodes(&NodeQuery::default().text("LOVELACE"))
        .unwrap();
    assert_eq!(ada.len(), 1);
    assert_eq!(
        ada[0],
        Node::new(NodeId::from_name("ada"), "person").with_property("name", "Ada Lovelace")
    );
    let by_label = graph.find_nodes(&NodeQuery::default().labels(["place"]));
    assert_eq!(by_label.unwrap()[0].id, NodeId::from_name("bob"));
    // Both were created "at 0": the old records carry no time.
    let at_zero = graph.find_nodes(&NodeQuery::default().until(1)).unwrap();
    assert_eq!(at_zero.len(), 2);
    // Put again, a node keeps that time and gains an update time.
    graph
        .put_node(Node::new(NodeId::from_name("bob"), "place").with_tag("t"))
        .unwrap();
    let bob = graph.get_node(&NodeId::from_name("bob")).unwrap().unwrap();
    assert!(bob.created_at == 0 && bob.updated_at > 0, "{bob:?}");
    assert!(graph.verify_indexes().unwrap().is_consistent());
}

#[test]
fn verify_indexes_names_missing_and_stale_node_entries() {
    let dir = tempfile::tempdir().unwrap();
    let id = NodeId::from_name("n");
    let graph = store(dir.path());
    graph
        .put_node(Node::new(id, "l").with_tag("kept").with_tag("lost"))
        .unwrap();
    let report = graph.verify_indexes().unwrap();
    assert!(report.is_consistent(), "{report}");
    drop(graph);

    let lost = [b"lost\0".as_slice(), &id.0].concat();
    let stale = [b"stale\0".as_slice(), &id.0].concat();
    {
        let (db, _) = open(dir.path(), &RocksOptions::default(), &ALL).unwrap();
        db.delete_cf(db.cf_handle(BY_TAG).unwrap(), &lost).unwrap();
        db.put_cf(db.cf_handle(BY_WORD).unwrap(), &stale, [])
            .unwrap();
    }
    let report = store(dir.path()).verify_indexes().unwrap();
    let check = |name: &str| report.indexes.iter().find(|c| c.index == name).unwrap();
    assert_eq!(check(BY_TAG).missing, [lost], "{report}");
    assert_eq!(check(BY_WORD).extra, [stale], "{report}");
    assert_eq!(
        report.indexes.iter().filter(|c| !c.is_consistent()).count(),
        2
    );
}

#[test]
fn a_removed_node_leaves_no_entry_behind() {
    let dir = tempfile::tempdir().unwrap();
    let graph = store(dir.path());
    let (gone, kept) = (NodeId::from_name("gone"), NodeId::from_name("kept"));
    for id in [gone, kept] {
        let node = Node::new(id, "l")
            .with_tag("t")
            .with_property("k", "some words");
        graph.put_node(node).unwrap();
    }
    graph
        .put_node(Node::new(gone, "other").with_tag("u"))
        .unwrap();
    assert!(graph.remove_node(&gone).unwrap());
    let report = graph.verify_indexes().unwrap();
    assert!(report.is_consistent(), "{report}");
    let stored = graph.get_node(&kept).unwrap().unwrap();
    let entries: u64 = report.indexes[2..].iter().map(|c| c.entries).sum();
    assert_eq!(entries, index::entries(&stored).len() as u64, "{report}");
}

#[test]
fn a_garbled_node_can_be_put_over_and_its_unknown_entries_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let id = NodeId::from_name("n");
    let graph = store(dir.path());
    graph.put_node(Node::new(id, "old")).unwrap();
    drop(graph);
    {
        let (db, _) = open(dir.path(), &RocksOptions::default(), &ALL).unwrap();
        db.put_cf(db.cf_handle(NODES).unwrap(), id.0, b"\x02garbled")
            .unwrap();
    }
    let graph = store(dir.path());
    assert!(matches!(graph.get_node(&id), Err(Error::Corrupt(_))));
    graph.put_node(Node::new(id, "new")).unwrap();
    assert_eq!(graph.get_node(&id).unwrap().unwrap().label, "new");
    // What the garbled record was indexed under could not be known, so it stays, and is reported.
    let report = graph.verify_indexes().unwrap();
    let label = report.indexes.iter().find(|c| c.index == index::BY_LABEL);
    assert_eq!(
        label.unwrap().extra,
        [[b"old\0".as_slice(), &id.0].concat()]
    );
}

/// The walk the algorithms take over RocksDB (one iterator, key order) answers as the reference
/// view through `neighbors` does, relations holding the key's 0 separator included.
#[test]
fn traversal_and_paths_over_the_raw_walk_match_the_neighbors_view() {
    let dir = tempfile::tempdir().unwrap();
    let graph = store(dir.path());
    let id = |i: u64| NodeId::from_name(&format!("w{i}"));
    for i in 0..60 {
        graph.put_node(Node::new(id(i), "n")).unwrap();
    }
    let relations = ["a", "a\0b", "ab", "b", "\0"];
    let mut x = 0x9e37_79b9_7f4a_7c15_u64;
    for from in 0..60 {
        for _ in 0..4 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let edge = crate::graph::Edge {
                from: id(from),
                to: id(x % 60),
                relation: relations[(x % 5) as usize].into(),
                weight: (x % 11) as f64,
            };
            graph.put_edge(edge).unwrap();
        }
    }
    use crate::store::algorithms::{shortest_path, traverse};
    for (start, depth) in [(0, 1), (3, 3), (59, usize::MAX)] {
        assert_eq!(
            graph.traverse(&id(start), depth).unwrap(),
            traverse(&graph, &id(start), depth).unwrap(),
            "from {start} to depth {depth}"
        );
    }
    for (from, to) in [(0, 59), (7, 7), (12, 40), (33, 1)] {
        assert_eq!(
            graph.shortest_path(&id(from), &id(to)).unwrap(),
            shortest_path(&graph, &id(from), &id(to)).unwrap(),
            "from {from} to {to}"
        );
    }
    assert!(matches!(
        graph.traverse(&id(1000), 1),
        Err(Error::MissingNode(_))
    ));
}
