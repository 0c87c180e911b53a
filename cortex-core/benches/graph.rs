//! Graph traversal speed, memory against RocksDB, over a 100 k node / 1 M edge graph.

use std::hint::black_box;
use std::time::Duration;

use cortex_core::{
    Edge, GraphStore, MemoryGraphStore, Node, NodeId, RocksGraphStore, RocksOptions,
};
use criterion::{criterion_group, criterion_main, Criterion};

const NODES: u64 = 100_000;
const EDGES_PER_NODE: u64 = 10;

fn node_id(n: u64) -> NodeId {
    let mut id = [0u8; 32];
    id[..8].copy_from_slice(&n.to_be_bytes());
    NodeId(id)
}

/// A fixed pseudo-random graph (xorshift), so every run and backend gets the same edges.
fn fill(graph: &dyn GraphStore) {
    for n in 0..NODES {
        let node = Node::new(node_id(n), "node");
        graph.put_node(node).expect("put node");
    }
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for from in 0..NODES {
        for _ in 0..EDGES_PER_NODE {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let to = state % NODES;
            let edge = Edge {
                from: node_id(from),
                to: node_id(to),
                relation: "link".into(),
                weight: 1.0,
            };
            graph.put_edge(edge).expect("put edge");
        }
    }
}

fn traverse(c: &mut Criterion) {
    let mut group = c.benchmark_group("traverse_100k_nodes_1m_edges");
    let dir = tempfile::tempdir().expect("temporary directory");
    let rocks = RocksGraphStore::open(dir.path(), RocksOptions::default()).expect("open RocksDB");
    let backends: [(&str, &dyn GraphStore); 2] =
        [("memory", &MemoryGraphStore::new()), ("rocksdb", &rocks)];
    for (name, graph) in backends {
        fill(graph);
        for depth in [2, 4] {
            let reached = graph.traverse(&node_id(0), depth).expect("traverse").len();
            group.bench_function(format!("{name}/depth_{depth}_reaching_{reached}"), |b| {
                b.iter(|| black_box(graph.traverse(&node_id(0), depth).expect("traverse")))
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = traverse
}
criterion_main!(benches);
