//! Graph operations on both stores, each answer checked against a brute-force reference graph.

mod reference;

use std::collections::BTreeMap;

use cortex_core::{
    Direction, Edge, Error, GraphStore, MemoryGraphStore, Node, NodeId, RocksGraphStore,
};
use proptest::prelude::*;

use crate::{config, failure, rocks_options, Rocks};
use reference::ReferenceGraph;

/// Node ids `n0`..`n6`: few enough that edges find both ends, enough for paths of several hops.
const NODES: u8 = 7;
const RELATIONS: [&str; 3] = ["r", "s", ""];

fn node(i: u8) -> NodeId {
    NodeId::from_name(&format!("n{i}"))
}

fn props(i: u8) -> BTreeMap<String, String> {
    BTreeMap::from([("index".to_owned(), i.to_string())])
}

#[derive(Clone, Debug)]
enum Op {
    PutNode(u8, &'static str),
    GetNode(u8),
    RemoveNode(u8),
    PutEdge(u8, &'static str, u8, f64),
    GetEdge(u8, &'static str, u8),
    RemoveEdge(u8, &'static str, u8),
    Neighbors(u8, Direction, Option<&'static str>),
    Traverse(u8, usize),
    ShortestPath(u8, u8),
    Counts,
    /// Drops the RocksDB store without flushing, reopens it, and reads back every node and edge.
    Crash,
}

/// An answer reduced to what the reference can predict.
#[derive(Debug, PartialEq)]
enum Answer {
    Done,
    Flag(bool),
    Node(Option<Node>),
    Edges(Vec<Edge>),
    Reached(Vec<(NodeId, usize)>),
    /// Equal-cost paths may differ between algorithms, so only the cost, in quarters, is compared.
    Cost(Option<u64>),
    Counts(u64, u64),
    /// Every node id's node and its edges in both directions.
    State(Vec<(Option<Node>, Vec<Edge>)>),
    Failed(String),
}

fn answer<T>(result: Result<T, Error>, ok: impl FnOnce(T) -> Answer) -> Answer {
    result.map_or_else(|e| Answer::Failed(failure(&e)), ok)
}

fn op() -> impl Strategy<Value = Op> {
    let n = || 0..NODES;
    let relation = || prop::sample::select(RELATIONS.to_vec());
    let direction = prop::sample::select(vec![
        Direction::Outgoing,
        Direction::Incoming,
        Direction::Both,
    ]);
    // Weights are multiples of a quarter, so the reference sums them exactly.
    let weight = prop::sample::select(vec![0.0, 0.25, 1.0, 2.5, 4.0, -1.0]);
    // Reopening RocksDB is by far the dearest step, hence about one crash in every other sequence.
    prop_oneof![
        12 => (n(), prop::sample::select(vec!["person", "place", ""])).prop_map(|(i, l)| Op::PutNode(i, l)),
        3 => n().prop_map(Op::GetNode),
        4 => n().prop_map(Op::RemoveNode),
        18 => (n(), relation(), n(), weight).prop_map(|(a, r, b, w)| Op::PutEdge(a, r, b, w)),
        3 => (n(), relation(), n()).prop_map(|(a, r, b)| Op::GetEdge(a, r, b)),
        3 => (n(), relation(), n()).prop_map(|(a, r, b)| Op::RemoveEdge(a, r, b)),
        6 => (n(), direction, prop::option::of(prop::sample::select(vec!["r", "s"]))).prop_map(|(a, d, r)| Op::Neighbors(a, d, r)),
        6 => (n(), 0usize..5).prop_map(|(a, d)| Op::Traverse(a, d)),
        6 => (n(), n()).prop_map(|(a, b)| Op::ShortestPath(a, b)),
        2 => Just(Op::Counts),
        1 => Just(Op::Crash),
    ]
}

/// Runs `op` on one store.
fn run(graph: &dyn GraphStore, op: &Op) -> Answer {
    match op {
        Op::PutNode(i, label) => answer(
            graph.put_node(Node {
                id: node(*i),
                label: label.to_string(),
                properties: props(*i),
            }),
            |()| Answer::Done,
        ),
        Op::GetNode(i) => answer(graph.get_node(&node(*i)), Answer::Node),
        Op::RemoveNode(i) => answer(graph.remove_node(&node(*i)), Answer::Flag),
        Op::PutEdge(a, relation, b, weight) => answer(
            graph.put_edge(Edge {
                from: node(*a),
                to: node(*b),
                relation: relation.to_string(),
                weight: *weight,
            }),
            |()| Answer::Done,
        ),
        Op::GetEdge(a, relation, b) => {
            answer(graph.get_edge(&node(*a), relation, &node(*b)), |e| {
                Answer::Edges(e.into_iter().collect())
            })
        }
        Op::RemoveEdge(a, relation, b) => answer(
            graph.remove_edge(&node(*a), relation, &node(*b)),
            Answer::Flag,
        ),
        Op::Neighbors(a, direction, relation) => answer(
            graph.neighbors(&node(*a), *direction, *relation),
            Answer::Edges,
        ),
        Op::Traverse(a, depth) => answer(graph.traverse(&node(*a), *depth), Answer::Reached),
        Op::ShortestPath(a, b) => answer(graph.shortest_path(&node(*a), &node(*b)), |path| {
            Answer::Cost(path.map(|p| (p.cost * 4.0) as u64))
        }),
        Op::Counts => answer(
            graph
                .node_count()
                .and_then(|n| Ok((n, graph.edge_count()?))),
            |(n, e)| Answer::Counts(n, e),
        ),
        Op::Crash => answer(
            (0..NODES)
                .map(|i| {
                    let id = node(i);
                    Ok((
                        graph.get_node(&id)?,
                        graph.neighbors(&id, Direction::Both, None)?,
                    ))
                })
                .collect(),
            Answer::State,
        ),
    }
}

fn open_rocks(path: &std::path::Path) -> RocksGraphStore {
    RocksGraphStore::open(path, rocks_options()).expect("open the graph store")
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn graph_stores_answer_as_the_reference_does(ops in prop::collection::vec(op(), 1..64)) {
        let mut reference = ReferenceGraph::default();
        let memory = MemoryGraphStore::new();
        let mut rocks = Rocks::open(tempfile::tempdir().expect("temporary directory"), open_rocks);
        for (n, op) in ops.iter().enumerate() {
            if matches!(op, Op::Crash) {
                rocks = rocks.crash();
            }
            let expected = reference.apply(op);
            prop_assert_eq!(&run(&memory, op), &expected, "memory, step {} {:?}", n, op);
            prop_assert_eq!(&run(&rocks.store, op), &expected, "rocksdb, step {} {:?}", n, op);
            // Sizes are cheap to compare, so they are compared after every step.
            let expected = reference.apply(&Op::Counts);
            prop_assert_eq!(&run(&memory, &Op::Counts), &expected, "memory, after step {}", n);
            prop_assert_eq!(&run(&rocks.store, &Op::Counts), &expected, "rocksdb, after step {}", n);
            if let Op::ShortestPath(a, b) = op {
                let (a, b) = (node(*a), node(*b));
                let paths = (memory.shortest_path(&a, &b), rocks.store.shortest_path(&a, &b));
                prop_assert_eq!(paths.0.ok(), paths.1.ok(), "same algorithm, same neighbour order: same path");
            }
        }
    }
}
