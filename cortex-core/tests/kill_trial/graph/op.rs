//! The writes of the graph trials: which nodes, relations and labels writers use, and each write as a
//! line a writer announces and the parent parses back.

use cortex_core::{Edge, GraphStore, Node, NodeId};

use crate::kill_trial::splitmix::mix;

/// Few nodes, so edges pile up on them and removing one is a batch of many entries: kills must land
/// inside such batches often for a removal that is not atomic to show.
pub const NODES: u64 = 8;
pub const RELATIONS: [&str; 3] = ["knows", "likes", "a-relation-long-enough-to-vary-lengths"];
pub const LABELS: [&str; 3] = ["person", "place", "thing"];
/// Colours a node's `colour` property takes; their words are what text queries look for.
pub const COLOURS: [&str; 3] = ["Dark Blue", "red", "blue-green"];

pub fn node_id(node: u64) -> NodeId {
    NodeId::from_name(&format!("node-{node}"))
}

pub fn node_number(id: &NodeId) -> u64 {
    (0..NODES)
        .find(|&n| node_id(n) == *id)
        .unwrap_or_else(|| panic!("{id} is none of the nodes the writers use"))
}

/// An edge by the numbers of its (from, relation, to).
pub type EdgeKey = (u64, u64, u64);

/// The key of a stored edge.
pub fn edge_key(edge: &Edge) -> EdgeKey {
    let relation = RELATIONS.iter().position(|r| *r == edge.relation);
    let relation = relation.expect("one of the relations the writers use") as u64;
    (node_number(&edge.from), relation, node_number(&edge.to))
}

/// Node `node` as put with version `version`: every field but the times the store stamps follows
/// from the two numbers. Between one and four tags and three properties make each put a batch of
/// a dozen or so index entries besides the record.
pub fn node(node: u64, version: u64) -> Node {
    let note = "n".repeat((mix(version) % 300) as usize);
    let mut put = Node::new(node_id(node), LABELS[(version % 3) as usize])
        .with_tag(if version.is_multiple_of(2) {
            "even"
        } else {
            "odd"
        })
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
pub enum Op {
    PutNode { node: u64, version: u64 },
    PutEdge { edge: EdgeKey, quarters: u64 },
    RemoveEdge { edge: EdgeKey },
    RemoveNode { node: u64 },
}

impl Op {
    pub fn line(&self) -> String {
        match *self {
            Op::PutNode { node, version } => format!("put_node {node} {version}"),
            Op::PutEdge {
                edge: (from, relation, to),
                quarters,
            } => format!("put_edge {from} {relation} {to} {quarters}"),
            Op::RemoveEdge {
                edge: (from, relation, to),
            } => format!("remove_edge {from} {relation} {to}"),
            Op::RemoveNode { node } => format!("remove_node {node}"),
        }
    }

    pub fn parse(line: &str) -> Op {
        let mut words = line.split(' ');
        let name = words.next();
        let mut number = || words.next().and_then(|w| w.parse().ok()).expect(line);
        match name {
            Some("put_node") => Op::PutNode {
                node: number(),
                version: number(),
            },
            Some("put_edge") => Op::PutEdge {
                edge: (number(), number(), number()),
                quarters: number(),
            },
            Some("remove_edge") => Op::RemoveEdge {
                edge: (number(), number(), number()),
            },
            Some("remove_node") => Op::RemoveNode { node: number() },
            _ => panic!("unknown write {line}"),
        }
    }

    /// Makes the write and says how it went, in the words `Graph::apply` uses.
    pub fn run(&self, store: &impl GraphStore) -> &'static str {
        let removed = |found: bool| if found { "removed" } else { "absent" };
        match *self {
            Op::PutNode { node: n, version } => store.put_node(node(n, version)).map(|()| "put"),
            Op::PutEdge {
                edge: (from, relation, to),
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
            Op::RemoveEdge {
                edge: (from, relation, to),
            } => store
                .remove_edge(&node_id(from), RELATIONS[relation as usize], &node_id(to))
                .map(removed),
            Op::RemoveNode { node } => store.remove_node(&node_id(node)).map(removed),
        }
        .unwrap_or_else(|e| panic!("{}: {e}", self.line()))
    }
}
