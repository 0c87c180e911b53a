//! Graph operations on the three stores, each answer checked against a brute-force reference graph.
//!
//! Each store stamps its own times on nodes: they are read back after every put, checked there (kept
//! on replace, never going back), and logged per store in `Stamps`; the reference fills them into
//! the nodes it answers with, and a query's time bounds name a node whose creation time to use.

#[path = "../conformance/node_oracle.rs"]
mod node_oracle;
mod ops;
mod paths;
mod reference;
mod stamps;

use std::path::Path;

use cortex_core::{
    Direction, Edge, Error, FileGraphStore, GraphStore, MemoryGraphStore, Node, NodeId, NodeQuery,
    RocksGraphStore,
};
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestCaseResult};

use crate::on_disk::{Disks, Restart};
use crate::sequences::{self, Tally};
use crate::{failure, file_options, rocks_options};
use reference::ReferenceGraph;
use stamps::Stamps;

/// Node ids `n0`..`n6`: few enough that edges find both ends, enough for paths of several hops.
const NODES: u8 = 7;
const RELATIONS: [&str; 3] = ["r", "s", ""];

fn node(i: u8) -> NodeId {
    NodeId::from_name(&format!("n{i}"))
}

/// Tags a put picks from by bit: the empty one is refused.
const TAGS: [&str; 4] = ["x", "y", "z z", ""];
const COLOURS: [&str; 3] = ["red", "dark blue", "Blue"];

/// A node to put: `tags` is a bit set over [`TAGS`].
#[derive(Clone, Debug)]
struct Put {
    node: u8,
    label: &'static str,
    tags: u8,
    colour: Option<&'static str>,
}

impl Put {
    /// The node as given to `put_node`: its `index` property is its number, so texts can name it.
    fn node(&self) -> Node {
        let mut node =
            Node::new(node(self.node), self.label).with_property("index", self.node.to_string());
        for (bit, tag) in TAGS.iter().enumerate() {
            if self.tags & (1 << bit) != 0 {
                node = node.with_tag(*tag);
            }
        }
        match self.colour {
            Some(colour) => node.with_property("colour", colour),
            None => node,
        }
    }
}

/// A `find_nodes` query; its time bounds are the creation time (plus one when set) of a node, as
/// the store being asked stamped it, and absent when that node is.
#[derive(Clone, Debug)]
struct Find {
    labels: Vec<&'static str>,
    tags: Vec<&'static str>,
    colour: Option<&'static str>,
    text: Option<&'static str>,
    since: Option<(u8, bool)>,
    until: Option<(u8, bool)>,
    after: Option<u8>,
    limit: Option<usize>,
}

impl Find {
    fn query(&self, stamps: &Stamps) -> NodeQuery {
        let at = |mark: Option<(u8, bool)>| {
            let (n, plus_one) = mark?;
            Some(stamps.created(&node(n))? + u64::from(plus_one))
        };
        NodeQuery {
            labels: self.labels.iter().map(|l| l.to_string()).collect(),
            tags: self.tags.iter().map(|t| t.to_string()).collect(),
            properties: self
                .colour
                .map(|c| ("colour".into(), c.into()))
                .into_iter()
                .collect(),
            since: at(self.since),
            until: at(self.until),
            text: self.text.map(String::from),
            after: self.after.map(node),
            limit: self.limit,
        }
    }
}

#[derive(Clone, Debug)]
enum Op {
    PutNode(Put),
    GetNode(u8),
    RemoveNode(u8),
    PutEdge(u8, &'static str, u8, f64),
    GetEdge(u8, &'static str, u8),
    RemoveEdge(u8, &'static str, u8),
    Neighbors(u8, Direction, Option<&'static str>),
    Traverse(u8, usize),
    ShortestPath(u8, u8),
    Counts,
    FindNodes(Find),
    /// Drops and reopens the stores on disk that it names, and reads back every node and edge.
    Restart(Restart),
}

/// An answer reduced to what the reference can predict.
#[derive(Clone, Debug, PartialEq)]
enum Answer {
    Done,
    Flag(bool),
    Node(Option<Node>),
    Nodes(Vec<Node>),
    Edges(Vec<Edge>),
    Reached(Vec<(NodeId, usize)>),
    /// Equal-cost paths may differ between algorithms, so the cost, in quarters, is compared here
    /// and the node list is checked apart (`paths::check`).
    Cost(Option<u64>),
    Counts(u64, u64),
    /// Every node id's node and its edges in both directions.
    State(Vec<(Option<Node>, Vec<Edge>)>),
    Failed(String),
}

fn answer<T>(result: Result<T, Error>, ok: impl FnOnce(T) -> Answer) -> Answer {
    result.map_or_else(|e| Answer::Failed(failure(&e)), ok)
}

/// Runs `op` on one store, whose stamps so far are `stamps`.
fn run(graph: &dyn GraphStore, op: &Op, stamps: &Stamps) -> Answer {
    match op {
        Op::PutNode(put) => answer(graph.put_node(put.node()), |()| Answer::Done),
        Op::FindNodes(find) => answer(graph.find_nodes(&find.query(stamps)), Answer::Nodes),
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
        Op::Restart(_) => answer(
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

fn open_rocks(path: &Path) -> cortex_core::Result<RocksGraphStore> {
    RocksGraphStore::open(path, rocks_options())
}

fn open_file(path: &Path) -> cortex_core::Result<FileGraphStore> {
    FileGraphStore::open(path, file_options())
}

#[test]
fn graph_stores_answer_as_the_reference_does() {
    let name = "graph::graph_stores_answer_as_the_reference_does";
    let tally = sequences::check(file!(), name, ops::op(), answer_as_the_reference_does);
    // About one sequence in five compacts, so a short run (`PROPTEST_CASES=8`) may see none.
    if tally.cases() >= 64 {
        assert!(
            tally.compactions() > 0,
            "no graph log was compacted: {tally}"
        );
    }
}

/// Runs `ops` on every store, each step's answer checked against the reference's.
fn answer_as_the_reference_does(ops: Vec<Op>, tally: &Tally) -> TestCaseResult {
    let mut reference = ReferenceGraph::default();
    let memory = MemoryGraphStore::new();
    let mut disks = Disks::new(open_rocks, open_file);
    let mut stamps: [Stamps; 3] = Default::default();
    let log = disks.file.dir.path().join("graph.log");
    let log_len = || std::fs::metadata(&log).expect("the graph log").len();
    let mut last_len = log_len();
    for (n, op) in ops.iter().enumerate() {
        if let Op::Restart(restart) = *op {
            disks = disks.restart(restart);
            tally.reopen();
        }
        tally.step();
        let expected = reference.apply(op);
        let stores: [(&str, &dyn GraphStore); 3] = [
            ("memory", &memory),
            ("rocksdb", &disks.rocks.store),
            ("file", &disks.file.store),
        ];
        for ((name, store), stamps) in stores.into_iter().zip(&mut stamps) {
            let fail = |why| TestCaseError::fail(format!("{name}, step {n} {op:?}: {why}"));
            let expected = match op {
                Op::FindNodes(find) => reference.find(&find.query(stamps), stamps),
                _ => stamps.fill(expected.clone()),
            };
            let found = run(store, op, stamps);
            prop_assert_eq!(&found, &expected, "{}, step {} {:?}", name, n, op);
            if let (Op::ShortestPath(a, b), Answer::Cost(_)) = (op, &found) {
                let (a, b) = (node(*a), node(*b));
                let path = store.shortest_path(&a, &b).expect("answered a moment ago");
                reference.check_path(a, b, path.as_ref()).map_err(fail)?;
            }
            stamps.observe(store, op, &found).map_err(fail)?;
            // Sizes are cheap to compare, so they are compared after every step.
            let expected = reference.apply(&Op::Counts);
            prop_assert_eq!(
                &run(store, &Op::Counts, stamps),
                &expected,
                "{}, after step {}",
                name,
                n
            );
        }
        // A graph log only grows, but for a compaction, which rewrites it with fewer frames than it
        // held (more garbage than live records), or a reopen cutting a torn end, which a clean drop
        // never leaves.
        let len = log_len();
        if len < last_len {
            tally.compaction();
        }
        last_len = len;
        if let Op::ShortestPath(a, b) = op {
            let (a, b) = (node(*a), node(*b));
            let stores: [&dyn GraphStore; 3] = [&memory, &disks.rocks.store, &disks.file.store];
            let [memory, rocks, file] = stores.map(|store| store.shortest_path(&a, &b).ok());
            prop_assert_eq!(
                &memory,
                &rocks,
                "same algorithm, same neighbour order: same path"
            );
            prop_assert_eq!(
                &memory,
                &file,
                "same algorithm, same neighbour order: same path"
            );
        }
    }
    Ok(())
}
