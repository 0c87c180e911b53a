//! Crash trials of the file graph store: a writer putting and removing nodes and edges, with a log
//! compacted as often as its garbage passes its live records, is killed again and again; after each
//! kill the graph is what the acknowledged writes made plus all or nothing of the one in flight, and
//! every index (labels, tags, properties, words, incoming edges, counts) answers as recomputed here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use cortex_core::{
    Direction, Edge, FileGraphStore, FileOptions, GraphStore, Node, NodeId, NodeQuery,
};

use crate::trial::{self, mix, Announced, Plan, Rng, Transcript};

const TEST: &str = "graph::acknowledged_file_graph_writes_survive_repeated_kills";
/// The writer stops by itself after this many writes, should the parent never kill it.
const WRITER_LIMIT: u64 = 1_000_000;
/// Few nodes, so writes replace and undo each other and the log is compacted every few writes.
const NODES: u64 = 8;
const RELATIONS: [&str; 3] = ["knows", "likes", "a-relation-long-enough-to-vary-frames"];
const LABELS: [&str; 3] = ["person", "place", "thing"];
const COLOURS: [&str; 3] = ["Dark Blue", "red", "blue-green"];

#[test]
fn acknowledged_file_graph_writes_survive_repeated_kills() {
    if let Some((path, plan)) = trial::writer_plan() {
        write_until_killed(&path, plan);
        return;
    }
    let (seed, kills) = trial::seed_and_kills(TEST);
    let mut rng = Rng::new(seed);
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut graph = Graph::default();
    let mut next_version = 0;
    let (mut mid_compaction, mut last_fresh) = (0, None);
    for kill in 0..kills {
        let plan = Plan {
            seed: rng.next(),
            first: next_version,
            sync: rng.below(2) == 0,
        };
        let announced = trial::kill_a_writer(TEST, dir.path(), plan, &mut rng);
        let context = format!("seed {seed}, kill {kill}");
        // A rewrite not yet renamed into place, and not one an earlier kill left: this kill
        // landed inside a compaction.
        let fresh = std::fs::metadata(dir.path().join("graph.log.new"));
        let fresh = fresh.and_then(|m| m.modified()).ok();
        if fresh.is_some() && fresh != last_fresh {
            mid_compaction += 1;
        }
        last_fresh = fresh;
        let store = FileGraphStore::open(dir.path(), options(plan.sync))
            .unwrap_or_else(|e| panic!("{context}: reopen after the kill: {e}"));
        next_version = graph.check_recovered(&store, &announced, &context, next_version);
        // The reopened graph takes new writes: a new version of a node, and an edge to itself.
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
        graph.check(&store, &context);
    }
    eprintln!("{TEST}: {mid_compaction} of {kills} kills left a compaction unfinished");
    let store = FileGraphStore::open(dir.path(), options(true)).expect("reopen at the end");
    graph.check_recovered(&store, &[], &format!("seed {seed}, final reopen"), 0);
}

/// Compaction as soon as the garbage passes the live records, so kills land in it.
fn options(sync: bool) -> FileOptions {
    FileOptions {
        sync,
        compact_after: 0,
        ..FileOptions::default()
    }
}

fn node_id(node: u64) -> NodeId {
    NodeId::from_name(&format!("node-{node}"))
}

fn node_number(id: &NodeId) -> u64 {
    (0..NODES)
        .find(|&n| node_id(n) == *id)
        .unwrap_or_else(|| panic!("{id} is none of the nodes the writers use"))
}

/// Node `node` as put with version `version`: every field but its stamps follows from the two.
fn node(node: u64, version: u64) -> Node {
    let note = "n".repeat((mix(version) % 300) as usize);
    let parity = if version.is_multiple_of(2) {
        "even"
    } else {
        "odd"
    };
    let mut put = Node::new(node_id(node), LABELS[(version % 3) as usize])
        .with_tag(parity)
        .with_property("version", version.to_string())
        .with_property("note", note)
        .with_property("colour", COLOURS[(mix(version) % 3) as usize]);
    for tag in 0..mix(version + 1) % 4 {
        put = put.with_tag(format!("tag-{tag}"));
    }
    put
}

/// One graph write, announced as a line of words; weights are whole quarters so they print exactly.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    PutNode {
        node: u64,
        version: u64,
    },
    PutEdge {
        from: u64,
        relation: u64,
        to: u64,
        quarters: u64,
    },
    RemoveEdge {
        from: u64,
        relation: u64,
        to: u64,
    },
    RemoveNode {
        node: u64,
    },
}

impl Op {
    fn line(&self) -> String {
        match *self {
            Op::PutNode { node, version } => format!("put_node {node} {version}"),
            Op::PutEdge {
                from,
                relation,
                to,
                quarters,
            } => {
                format!("put_edge {from} {relation} {to} {quarters}")
            }
            Op::RemoveEdge { from, relation, to } => format!("remove_edge {from} {relation} {to}"),
            Op::RemoveNode { node } => format!("remove_node {node}"),
        }
    }

    fn parse(line: &str) -> Op {
        let mut words = line.split(' ');
        let name = words.next();
        let mut n = || words.next().and_then(|w| w.parse().ok()).expect(line);
        match name {
            Some("put_node") => Op::PutNode {
                node: n(),
                version: n(),
            },
            Some("put_edge") => Op::PutEdge {
                from: n(),
                relation: n(),
                to: n(),
                quarters: n(),
            },
            Some("remove_edge") => Op::RemoveEdge {
                from: n(),
                relation: n(),
                to: n(),
            },
            Some("remove_node") => Op::RemoveNode { node: n() },
            _ => panic!("unknown write {line}"),
        }
    }

    /// Makes the write and says how it went, in the words `Graph::apply` uses.
    fn run(&self, store: &FileGraphStore) -> &'static str {
        let removed = |found: bool| if found { "removed" } else { "absent" };
        let outcome = match *self {
            Op::PutNode { node: n, version } => store.put_node(node(n, version)).map(|()| "put"),
            Op::PutEdge {
                from,
                relation,
                to,
                quarters,
            } => match store.put_edge(Edge {
                from: node_id(from),
                to: node_id(to),
                relation: RELATIONS[relation as usize].into(),
                weight: quarters as f64 / 4.0,
            }) {
                Err(cortex_core::Error::MissingNode(_)) => Ok("missing node"),
                other => other.map(|()| "put"),
            },
            Op::RemoveEdge { from, relation, to } => store
                .remove_edge(&node_id(from), RELATIONS[relation as usize], &node_id(to))
                .map(removed),
            Op::RemoveNode { node } => store.remove_node(&node_id(node)).map(removed),
        };
        outcome.unwrap_or_else(|e| panic!("{}: {e}", self.line()))
    }
}

/// The child: random writes from version `plan.first` on until killed, each announced before it
/// starts and acknowledged once it returned.
fn write_until_killed(path: &Path, plan: Plan) {
    let store = FileGraphStore::open(path, options(plan.sync)).expect("open the graph");
    let mut rng = Rng::new(plan.seed);
    let mut out = Transcript::new();
    for version in plan.first..plan.first + WRITER_LIMIT {
        let (node, relation) = (rng.below(NODES), rng.below(RELATIONS.len() as u64));
        let op = match rng.below(20) {
            0..=5 => Op::PutNode { node, version },
            6..=12 => Op::PutEdge {
                from: node,
                relation,
                to: rng.below(NODES),
                quarters: rng.below(64),
            },
            13..=16 => Op::RemoveEdge {
                from: node,
                relation,
                to: rng.below(NODES),
            },
            _ => Op::RemoveNode { node },
        };
        out.op(&op.line());
        out.ack(op.run(&store));
    }
}

/// The graph the acknowledged writes made: each node's version, each edge's weight in quarters.
#[derive(Clone, Debug, Default, PartialEq)]
struct Graph {
    nodes: BTreeMap<u64, u64>,
    edges: BTreeMap<(u64, u64, u64), u64>,
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

    /// Replays what the killed writer `announced`, checks the reopened `store` against it (with
    /// or without the write in flight), and returns the next unused node version.
    fn check_recovered(
        &mut self,
        store: &FileGraphStore,
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
    fn check(&self, store: &FileGraphStore, context: &str) {
        assert_eq!(Graph::read(store, context), *self, "{context}");
        self.check_incoming(store, context);
        self.check_found(store, context);
    }

    /// Each node's incoming edges, from the incoming index, against those recomputed from the
    /// outgoing ones this graph holds.
    fn check_incoming(&self, store: &FileGraphStore, context: &str) {
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
    fn check_found(&self, store: &FileGraphStore, context: &str) {
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
    fn read(store: &FileGraphStore, context: &str) -> Graph {
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

/// The (from, relation, to) numbers of a stored edge.
fn edge_key(edge: &Edge) -> (u64, u64, u64) {
    let relation = RELATIONS.iter().position(|r| *r == edge.relation);
    let relation = relation.expect("one of the relations the writers use") as u64;
    (node_number(&edge.from), relation, node_number(&edge.to))
}
