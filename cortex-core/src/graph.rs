//! The graph model: labelled nodes with properties, weighted directed edges with a relation.

use std::collections::BTreeMap;

use crate::event::NodeId;

/// A node of the graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub id: NodeId,
    pub label: String,
    /// Properties, kept sorted so encodings and comparisons are deterministic.
    pub properties: BTreeMap<String, String>,
}

/// A directed edge `from -relation-> to`; at most one edge per (from, relation, to).
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub from: NodeId,
    pub to: NodeId,
    pub relation: String,
    /// Cost used by `shortest_path`; must be finite and non-negative.
    pub weight: f64,
}

/// Which edges of a node `neighbors` follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Outgoing,
    Incoming,
    Both,
}

/// A shortest path: the nodes from start to end inclusive, and the summed weight.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub nodes: Vec<NodeId>,
    pub cost: f64,
}
