//! The graph's crash trial on RocksDB: removals mostly of edges the graph holds, since removing a node
//! is the largest batch; the raw index entries checked after each kill.

use std::path::Path;

use cortex_core::{Direction, GraphStore, RocksGraphStore, RocksOptions};

use crate::kill_trial::graph;
use crate::kill_trial::graph::op::{edge_key, node_id, Op, NODES, RELATIONS};
use crate::kill_trial::splitmix::SplitMix64;
use crate::kill_trial::Backend;

#[test]
fn acknowledged_graph_writes_survive_repeated_kills() {
    let backend = Backend {
        test: "graph::acknowledged_graph_writes_survive_repeated_kills",
        open,
        check: |store: &RocksGraphStore, context: &str| {
            let report = store.verify_indexes().expect("verify the indexes");
            assert!(report.is_consistent(), "{context}: {report}");
            assert_eq!(
                report.indexes.len(),
                7,
                "{context}: edges both ways and five node indexes"
            );
        },
    };
    graph::run(&backend, choose, |_| {});
}

fn open(path: &Path, sync: bool) -> cortex_core::Result<RocksGraphStore> {
    let options = RocksOptions {
        sync,
        ..RocksOptions::default()
    };
    RocksGraphStore::open(path, options)
}

/// Removing a node is the largest batch (the node and every edge at it, both directions), so it
/// gets a fair share of the kills.
fn choose(store: &RocksGraphStore, rng: &mut SplitMix64, version: u64) -> Op {
    match rng.below(20) {
        0..=4 => Op::PutNode {
            node: rng.below(NODES),
            version,
        },
        5..=12 => Op::PutEdge {
            edge: (
                rng.below(NODES),
                rng.below(RELATIONS.len() as u64),
                rng.below(NODES),
            ),
            quarters: rng.below(64),
        },
        13..=15 => existing_edge(store, rng),
        _ => Op::RemoveNode {
            node: rng.below(NODES),
        },
    }
}

/// Removal of an edge the graph holds, if a random node has any, else of a random (likely absent) one.
fn existing_edge(store: &RocksGraphStore, rng: &mut SplitMix64) -> Op {
    let from = rng.below(NODES);
    let edges = store
        .neighbors(&node_id(from), Direction::Outgoing, None)
        .expect("list edges");
    match edges.get(rng.below(edges.len().max(1) as u64) as usize) {
        Some(edge) => Op::RemoveEdge {
            edge: edge_key(edge),
        },
        None => Op::RemoveEdge {
            edge: (from, 0, rng.below(NODES)),
        },
    }
}
