//! Crash trials of the graph: a writer putting and removing nodes and edges is killed again and again; after
//! each kill the graph is exactly what the acknowledged writes made, plus all or nothing of the one in flight.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use cortex_core::{Direction, GraphStore, Node, NodeQuery, RocksGraphStore, RocksOptions};

use crate::trial::{self, Announced, Plan, Rng, Transcript};

mod op;

use op::{edge_key, node, node_id, node_number, Op, LABELS, NODES, RELATIONS};

const TEST: &str = "graph::acknowledged_graph_writes_survive_repeated_kills";
/// The writer stops by itself after this many writes, should the parent never kill it.
const WRITER_LIMIT: u64 = 1_000_000;

#[test]
fn acknowledged_graph_writes_survive_repeated_kills() {
    if let Some((path, plan)) = trial::writer_plan() {
        write_until_killed(&path, plan);
        return;
    }
    let (seed, kills) = trial::seed_and_kills(TEST);
    let mut rng = Rng::new(seed);
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut graph = Graph::default();
    let mut next_version = 0;
    for kill in 0..kills {
        let plan = Plan {
            seed: rng.next(),
            first: next_version,
            sync: rng.below(2) == 0,
        };
        let announced = trial::kill_a_writer(TEST, dir.path(), plan, &mut rng);
        let context = format!("seed {seed}, kill {kill}");
        let store = RocksGraphStore::open(dir.path(), options(plan.sync))
            .unwrap_or_else(|e| panic!("{context}: reopen after the kill: {e}"));
        next_version = graph.check_recovered(&store, &announced, &context, next_version);
        // The reopened graph takes new writes: a new version of a node, and an edge from it to itself.
        let node = rng.below(NODES);
        for op in [
            Op::PutNode {
                node,
                version: next_version,
            },
            Op::PutEdge {
                from: node,
                relation: 0,
                to: node,
                quarters: rng.below(64),
            },
        ] {
            assert_eq!(op.run(&store), graph.apply(&op), "{context}: {op:?}");
        }
        next_version += 1;
        assert_eq!(Graph::read(&store, &context), graph, "{context}");
    }
    let store = RocksGraphStore::open(dir.path(), options(true)).expect("reopen at the end");
    graph.check_recovered(&store, &[], &format!("seed {seed}, final reopen"), 0);
}

fn options(sync: bool) -> RocksOptions {
    RocksOptions {
        sync,
        ..RocksOptions::default()
    }
}

/// The child: random writes from version `plan.first` on until killed, each announced and acknowledged.
fn write_until_killed(path: &Path, plan: Plan) {
    let store = RocksGraphStore::open(path, options(plan.sync)).expect("open the graph");
    let mut rng = Rng::new(plan.seed);
    let mut out = Transcript::new();
    for version in plan.first..plan.first + WRITER_LIMIT {
        // Removing a node is the largest batch (the node and every edge at it, both directions),
        // so it gets a fair share of the kills.
        let op = match rng.below(20) {
            0..=4 => Op::PutNode {
                node: rng.below(NODES),
                version,
            },
            5..=12 => Op::PutEdge {
                from: rng.below(NODES),
                relation: rng.below(RELATIONS.len() as u64) as usize,
                to: rng.below(NODES),
                quarters: rng.below(64),
            },
            13..=15 => existing_edge(&store, &mut rng),
            _ => Op::RemoveNode {
                node: rng.below(NODES),
            },
        };
        out.op(&op.line());
        let outcome = op.run(&store);
        out.ack(outcome);
    }
}

/// Removal of an edge the graph holds, if a random node has any, else of a random (likely absent) one.
fn existing_edge(store: &RocksGraphStore, rng: &mut Rng) -> Op {
    let from = rng.below(NODES);
    let edges = store
        .neighbors(&node_id(from), Direction::Outgoing, None)
        .expect("list edges");
    match edges.get(rng.below(edges.len().max(1) as u64) as usize) {
        Some(edge) => {
            let (from, relation, to) = edge_key(edge);
            Op::RemoveEdge { from, relation, to }
        }
        None => Op::RemoveEdge {
            from,
            relation: 0,
            to: rng.below(NODES),
        },
    }
}

/// The graph the acknowledged writes made: each node's version, each edge's weight in quarters.
#[derive(Clone, Debug, Default, PartialEq)]
struct Graph {
    nodes: BTreeMap<u64, u64>,
    edges: BTreeMap<(u64, usize, u64), u64>,
}

impl Graph {
    /// Applies `op` as a store must, and says how it went.
    fn apply(&mut self, op: &Op) -> &'static str {
        let removed = |found: bool| if found { "removed" } else { "absent" };
        match *op {
            Op::PutNode { node, version } => {
                self.nodes.insert(node, version);
                "put"
            }
            Op::PutEdge {
                from,
                relation,
                to,
                quarters,
            } => {
                if !(self.nodes.contains_key(&from) && self.nodes.contains_key(&to)) {
                    return "missing node";
                }
                self.edges.insert((from, relation, to), quarters);
                "put"
            }
            Op::RemoveEdge { from, relation, to } => {
                removed(self.edges.remove(&(from, relation, to)).is_some())
            }
            Op::RemoveNode { node } => {
                self.edges
                    .retain(|&(from, _, to), _| from != node && to != node);
                removed(self.nodes.remove(&node).is_some())
            }
        }
    }

    /// Replays what the killed writer `announced` onto the graph, checks the reopened `store` against it,
    /// and returns the next unused node version (at least `next_version`).
    fn check_recovered(
        &mut self,
        store: &RocksGraphStore,
        announced: &[Announced],
        context: &str,
        mut next_version: u64,
    ) -> u64 {
        let mut pending = None;
        for (i, write) in announced.iter().enumerate() {
            let op = Op::parse(&write.op);
            if let Op::PutNode { version, .. } = op {
                next_version = version + 1;
            }
            match &write.ack {
                Some(ack) => {
                    let expected = self.apply(&op);
                    assert_eq!(ack, expected, "{context}: {} acknowledged", write.op);
                }
                None if i + 1 == announced.len() => pending = Some(op),
                None => panic!("{context}: a write after one that never returned"),
            }
        }
        let report = store.verify_indexes().expect("verify the indexes");
        assert!(report.is_consistent(), "{context}: {report}");
        assert_eq!(
            report.indexes.len(),
            7,
            "{context}: edges both ways and five node indexes"
        );
        let found = Graph::read(store, context);
        if found != *self {
            let mut with_pending = self.clone();
            if let Some(op) = pending {
                with_pending.apply(&op);
            }
            assert_eq!(
                found, with_pending,
                "{context}: the graph is neither the acknowledged writes nor those and {pending:?}"
            );
            *self = with_pending;
        }
        self.check_found(store, context);
        next_version
    }

    /// Asks `find_nodes` by label, tag, property and text, and checks each answer is the nodes of
    /// this graph that the query describes.
    fn check_found(&self, store: &RocksGraphStore, context: &str) {
        type Wanted = fn(&Node) -> bool;
        let queries: [(NodeQuery, Wanted); 6] = [
            (NodeQuery::default().labels([LABELS[0]]), |n| {
                n.label == LABELS[0]
            }),
            (NodeQuery::default().labels([LABELS[1], LABELS[2]]), |n| {
                n.label != LABELS[0]
            }),
            (NodeQuery::default().tags(["even", "tag-1"]), |n| {
                n.tags.contains("even") && n.tags.contains("tag-1")
            }),
            (NodeQuery::default().properties([("colour", "red")]), |n| {
                n.properties["colour"] == "red"
            }),
            (NodeQuery::default().text("BLUE"), |n| {
                n.properties["colour"] != "red"
            }),
            (NodeQuery::default().text("dark blue").tags(["odd"]), |n| {
                n.properties["colour"] == "Dark Blue" && n.tags.contains("odd")
            }),
        ];
        for (query, wanted) in queries {
            let found = store.find_nodes(&query).expect("find nodes");
            let found: BTreeSet<u64> = found.iter().map(|n| node_number(&n.id)).collect();
            let expected: BTreeSet<u64> = self
                .nodes
                .iter()
                .filter(|&(&n, &version)| wanted(&node(n, version)))
                .map(|(&n, _)| n)
                .collect();
            assert_eq!(found, expected, "{context}: {query:?}");
        }
    }

    /// Reads the whole graph back through the store, checking every node and edge is as written.
    fn read(store: &RocksGraphStore, context: &str) -> Graph {
        let mut graph = Graph::default();
        for n in 0..NODES {
            if let Some(found) = store.get_node(&node_id(n)).expect("get a node") {
                let version = found.properties["version"].parse().expect("a version");
                let mut put = found.clone();
                (put.created_at, put.updated_at) = (0, 0);
                assert_eq!(put, node(n, version), "{context}: node {n}");
                let times = (found.created_at, found.updated_at);
                assert!(0 < times.0 && times.0 <= times.1, "{context}: {found:?}");
                graph.nodes.insert(n, version);
            }
        }
        for &n in graph.nodes.keys() {
            let id = node_id(n);
            let outgoing = store.neighbors(&id, Direction::Outgoing, None);
            for edge in outgoing.expect("outgoing edges") {
                let quarters = (edge.weight * 4.0) as u64;
                assert_eq!(quarters as f64 / 4.0, edge.weight, "{context}: {edge:?}");
                graph.edges.insert(edge_key(&edge), quarters);
            }
        }
        // Incoming lists agree with outgoing ones (`verify_indexes` checked the raw entries already).
        for &n in graph.nodes.keys() {
            let incoming = store.neighbors(&node_id(n), Direction::Incoming, None);
            let incoming: BTreeMap<_, _> = incoming
                .expect("incoming edges")
                .iter()
                .map(|edge| (edge_key(edge), (edge.weight * 4.0) as u64))
                .collect();
            let expected: BTreeMap<_, _> = graph
                .edges
                .iter()
                .filter(|(key, _)| key.2 == n)
                .map(|(&key, &quarters)| (key, quarters))
                .collect();
            assert_eq!(incoming, expected, "{context}: edges into node {n}");
        }
        let counts = (store.node_count(), store.edge_count());
        let counts = (counts.0.expect("count"), counts.1.expect("count"));
        let expected = (graph.nodes.len() as u64, graph.edges.len() as u64);
        assert_eq!(counts, expected, "{context}: node and edge counts");
        graph
    }
}
