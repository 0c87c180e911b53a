//! The graph model: labelled, tagged nodes with properties, weighted directed edges with a relation.

use std::collections::{BTreeMap, BTreeSet};

use crate::event::{NodeId, Timestamp};

mod lowercase;
mod query;
pub(crate) mod words;

pub use query::NodeQuery;
pub(crate) use query::{PreparedQuery, Term};

/// A node of the graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub id: NodeId,
    pub label: String,
    /// Tags, kept sorted and unique so encodings and comparisons are deterministic.
    pub tags: BTreeSet<String>,
    /// Properties, kept sorted so encodings and comparisons are deterministic.
    pub properties: BTreeMap<String, String>,
    /// When the node was first put; assigned by the store, which keeps it when the node is replaced.
    pub created_at: Timestamp,
    /// When the node was last put; assigned by the store.
    pub updated_at: Timestamp,
}

impl Node {
    /// A node with no tags and no properties; the store stamps its times when it is put.
    pub fn new(id: NodeId, label: impl Into<String>) -> Self {
        Node {
            id,
            label: label.into(),
            tags: BTreeSet::new(),
            properties: BTreeMap::new(),
            created_at: 0,
            updated_at: 0,
        }
    }

    /// This node with one more tag.
    pub fn with_tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.insert(tag.into());
        self
    }

    /// This node with `key` set to `value` (replacing any earlier value of `key`).
    pub fn with_property(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.properties.insert(key.into(), value.into());
        self
    }
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
