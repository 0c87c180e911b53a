//! The graph the acknowledged writes of a trial made, as the parent records it, and the checks of
//! a reopened store against it.

use std::collections::{BTreeMap, BTreeSet};

use cortex_core::{Direction, GraphStore, Node, NodeQuery};

use super::op::{edge_key, node, node_id, node_number, EdgeKey, Op, LABELS, NODES};
use crate::kill_trial::writer::Announced;

/// Each node's version, each edge's weight in quarters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    nodes: BTreeMap<u64, u64>,
    edges: BTreeMap<EdgeKey, u64>,
}

impl Graph {
    /// Applies `op` as a store must, and says how it went.
    pub fn apply(&mut self, op: &Op) -> &'static str {
        let removed = |found: bool| if found { "removed" } else { "absent" };
        match *op {
            Op::PutNode { node, version } => {
                self.nodes.insert(node, version);
                "put"
            }
            Op::PutEdge { edge, quarters } => {
                let (from, _, to) = edge;
                if !(self.nodes.contains_key(&from) && self.nodes.contains_key(&to)) {
                    return "missing node";
                }
                self.edges.insert(edge, quarters);
                "put"
            }
            Op::RemoveEdge { edge } => removed(self.edges.remove(&edge).is_some()),
            Op::RemoveNode { node } => {
                self.edges
                    .retain(|&(from, _, to), _| from != node && to != node);
                removed(self.nodes.remove(&node).is_some())
            }
        }
    }

    /// Replays what the killed writer `announced`, checks the reopened `store` against it (with
    /// or without the write in flight), and returns the next unused node version (at least
    /// `next_version`).
    pub fn check_recovered(
        &mut self,
        store: &impl GraphStore,
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
        self.check(store, context);
        next_version
    }

    /// The store read back equals this graph, and every index answers as recomputed from it.
    pub fn check(&self, store: &impl GraphStore, context: &str) {
        assert_eq!(Graph::read(store, context), *self, "{context}");
        self.check_incoming(store, context);
        self.check_found(store, context);
    }

    /// Each node's incoming edges, from the incoming index, against those recomputed from the
    /// outgoing ones this graph holds; and the node and edge counts.
    fn check_incoming(&self, store: &impl GraphStore, context: &str) {
        for &n in self.nodes.keys() {
            let incoming = store.neighbors(&node_id(n), Direction::Incoming, None);
            let incoming: BTreeMap<_, _> = incoming
                .expect("incoming edges")
                .iter()
                .map(|edge| (edge_key(edge), (edge.weight * 4.0) as u64))
                .collect();
            let expected: BTreeMap<_, _> = self
                .edges
                .iter()
                .filter(|(key, _)| key.2 == n)
                .map(|(&key, &quarters)| (key, quarters))
                .collect();
            assert_eq!(incoming, expected, "{context}: edges into node {n}");
        }
        let counts = (
            store.node_count().expect("count"),
            store.edge_count().expect("count"),
        );
        let expected = (self.nodes.len() as u64, self.edges.len() as u64);
        assert_eq!(counts, expected, "{context}: node and edge counts");
    }

    /// `find_nodes` by label, tag, property and words against the nodes this graph describes.
    fn check_found(&self, store: &impl GraphStore, context: &str) {
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

    /// The whole graph through `get_node` and outgoing edges, every node checked field by field.
    fn read(store: &impl GraphStore, context: &str) -> Graph {
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
            let outgoing = store.neighbors(&node_id(n), Direction::Outgoing, None);
            for edge in outgoing.expect("outgoing edges") {
                let quarters = (edge.weight * 4.0) as u64;
                assert_eq!(quarters as f64 / 4.0, edge.weight, "{context}: {edge:?}");
                graph.edges.insert(edge_key(&edge), quarters);
            }
        }
        graph
    }
}
