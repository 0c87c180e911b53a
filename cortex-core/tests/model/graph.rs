//! Graph operations on both stores, each answer checked against a brute-force reference graph.
//!
//! Each store stamps its own times on nodes: they are read back after every put, checked there (kept
//! on replace, never going back), and logged per store in `Stamps`; the reference fills them into
//! the nodes it answers with, and a query's time bounds name a node whose creation time to use.

#[path = "../conformance/node_oracle.rs"]
mod node_oracle;
mod paths;
mod reference;
mod stamps;

use cortex_core::RocksGraphStore;
use cortex_core::{Direction, Edge, Error, GraphStore, MemoryGraphStore, Node, NodeId, NodeQuery};
use proptest::prelude::*;

use crate::{config, failure, rocks_options, Rocks};
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
    /// Drops the RocksDB store without flushing, reopens it, and reads back every node and edge.
    Crash,
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
    let put = (
        n(),
        prop::sample::select(vec!["person", "place", ""]),
        0u8..10,
        prop::option::of(prop::sample::select(COLOURS.to_vec())),
    )
        .prop_map(|(node, label, tags, colour)| Put {
            node,
            label,
            tags,
            colour,
        });
    let mark = || prop::option::of((n(), any::<bool>()));
    let find = (
        prop::sample::subsequence(vec!["person", "place", "nobody"], 0..=2),
        prop::sample::subsequence(vec!["x", "y", "z z"], 0..=2),
        prop::option::of(prop::sample::select(COLOURS.to_vec())),
        prop::option::of(prop::sample::select(vec![
            "blue",
            "DARK blue",
            "person",
            "z",
            "3",
            "x y",
            ",,",
        ])),
        (mark(), mark()),
        prop::option::of(n()),
        prop::option::of(0usize..4),
    )
        .prop_map(
            |(labels, tags, colour, text, (since, until), after, limit)| Find {
                labels,
                tags,
                colour,
                text,
                since,
                until,
                after,
                limit,
            },
        );
    // Reopening RocksDB is by far the dearest step, hence about one crash in every other sequence.
    prop_oneof![
        12 => put.prop_map(Op::PutNode),
        3 => n().prop_map(Op::GetNode),
        4 => n().prop_map(Op::RemoveNode),
        18 => (n(), relation(), n(), weight).prop_map(|(a, r, b, w)| Op::PutEdge(a, r, b, w)),
        3 => (n(), relation(), n()).prop_map(|(a, r, b)| Op::GetEdge(a, r, b)),
        3 => (n(), relation(), n()).prop_map(|(a, r, b)| Op::RemoveEdge(a, r, b)),
        6 => (n(), direction, prop::option::of(prop::sample::select(vec!["r", "s"]))).prop_map(|(a, d, r)| Op::Neighbors(a, d, r)),
        6 => (n(), 0usize..5).prop_map(|(a, d)| Op::Traverse(a, d)),
        6 => (n(), n()).prop_map(|(a, b)| Op::ShortestPath(a, b)),
        2 => Just(Op::Counts),
        8 => find.prop_map(Op::FindNodes),
        1 => Just(Op::Crash),
    ]
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
        let (mut memory_stamps, mut rocks_stamps) = (Stamps::default(), Stamps::default());
        for (n, op) in ops.iter().enumerate() {
            if matches!(op, Op::Crash) {
                rocks = rocks.crash();
            }
            let expected = reference.apply(op);
            let stores: [(&str, &dyn GraphStore, &mut Stamps); 2] = [
                ("memory", &memory, &mut memory_stamps),
                ("rocksdb", &rocks.store, &mut rocks_stamps),
            ];
            for (name, store, stamps) in stores {
                let expected = match op {
                    Op::FindNodes(find) => reference.find(&find.query(stamps), stamps),
                    _ => stamps.fill(expected.clone()),
                };
                let found = run(store, op, stamps);
                prop_assert_eq!(&found, &expected, "{}, step {} {:?}", name, n, op);
                if let (Op::ShortestPath(a, b), Answer::Cost(_)) = (op, &found) {
                    let (a, b) = (node(*a), node(*b));
                    let path = store.shortest_path(&a, &b).expect("answered a moment ago");
                    reference.check_path(a, b, path.as_ref()).map_err(|why| {
                        TestCaseError::fail(format!("{name}, step {n} {op:?}: {why}"))
                    })?;
                }
                stamps.observe(store, op, &found).map_err(|why| {
                    TestCaseError::fail(format!("{name}, step {n} {op:?}: {why}"))
                })?;
                // Sizes are cheap to compare, so they are compared after every step.
                let expected = reference.apply(&Op::Counts);
                prop_assert_eq!(&run(store, &Op::Counts, stamps), &expected, "{}, after step {}", name, n);
            }
            if let Op::ShortestPath(a, b) = op {
                let (a, b) = (node(*a), node(*b));
                let paths = (memory.shortest_path(&a, &b), rocks.store.shortest_path(&a, &b));
                prop_assert_eq!(paths.0.ok(), paths.1.ok(), "same algorithm, same neighbour order: same path");
            }
        }
    }
}
