//! Graph speed, memory against RocksDB: traversal over a 100 k node / 1 M edge graph, and `find_nodes`
//! by label, tag, property and text over 100 k nodes.

use std::hint::black_box;

use cortex_core::{
    Edge, GraphStore, MemoryGraphStore, Node, NodeId, NodeQuery, RocksGraphStore, RocksOptions,
};
use criterion::{criterion_group, criterion_main, Criterion};

#[path = "common/settings.rs"]
mod settings;

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

/// Words of the `title` property: each title takes three, so a word is on about 6 % of the nodes and
/// two given words on about 0.25 %.
const VOCABULARY: usize = 50;

/// 100 k nodes: 10 labels, tags `t0`..`t19` and `u0`..`u6`, `kind` `k0`..`k49`, a three-word title.
fn fill_recallable(graph: &dyn GraphStore) {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for n in 0..NODES {
        let mut title = Vec::new();
        for _ in 0..3 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            title.push(format!("word{}", state % VOCABULARY as u64));
        }
        let node = Node::new(node_id(n), format!("label{}", n % 10))
            .with_tag(format!("t{}", n % 20))
            .with_tag(format!("u{}", n % 7))
            .with_property("kind", format!("k{}", n % 50))
            .with_property("title", title.join(" "));
        graph.put_node(node).expect("put node");
    }
}

fn find_nodes(c: &mut Criterion) {
    let mut group = c.benchmark_group("find_nodes_100k_nodes");
    let dir = tempfile::tempdir().expect("temporary directory");
    let memory = MemoryGraphStore::new();
    fill_recallable(&memory);
    // Filled, then reopened: the store as an embedder finds it on disk (reopening flushes what the
    // write-ahead log held into table files).
    let rocks = RocksGraphStore::open(dir.path(), RocksOptions::default()).expect("open RocksDB");
    fill_recallable(&rocks);
    drop(rocks);
    let rocks = RocksGraphStore::open(dir.path(), RocksOptions::default()).expect("reopen RocksDB");
    let backends: [(&str, &dyn GraphStore); 2] = [("memory", &memory), ("rocksdb", &rocks)];
    // Pages start after a cursor halfway through the ids, as a reader paging on would.
    let page = NodeQuery::default().after(node_id(NODES / 2)).limit(100);
    let queries = [
        ("by_label_page_100", page.clone().labels(["label3"])),
        ("by_tag_page_100", page.clone().tags(["t7"])),
        (
            "by_property_page_100",
            page.clone().properties([("kind", "k7")]),
        ),
        ("text_two_words", NodeQuery::default().text("word7 WORD11")),
    ];
    for (name, graph) in backends {
        for (what, query) in &queries {
            let found = graph.find_nodes(query).expect("find nodes").len();
            group.bench_function(format!("{name}/{what}_finding_{found}"), |b| {
                b.iter(|| black_box(graph.find_nodes(query).expect("find nodes")))
            });
        }
    }
    group.finish();
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
    config = settings::settings();
    targets = traverse, find_nodes
}
criterion_main!(benches);
