//! `MemoryGraphStore`: nodes in a hash map with an ordered index of their terms, edges indexed both ways so
//! neighbours and node removal are cheap.

mod index;

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::poisoned;
use crate::error::{Error, Result};
use crate::event::{now_millis, NodeId};
use crate::graph::{Direction, Edge, Node, NodeQuery, Path, PreparedQuery};
use crate::store::algorithms::{self, Successors};
use crate::store::validate::{validate_edge, validate_node};
use crate::store::GraphStore;
use index::NodeIndex;

/// A directed property graph held in memory.
#[derive(Debug, Default)]
pub struct MemoryGraphStore {
    graph: RwLock<Graph>,
}

/// Edges of one node keyed by (relation, other endpoint): iteration order is the order `neighbors`
/// promises. The node index is of this type too (see `index`).
type Adjacency = BTreeMap<(String, NodeId), f64>;

#[derive(Debug, Default)]
struct Graph {
    /// Each node with the edges at it, by id, unordered: the index walks them in id order. One map
    /// for nodes and edges alike: an edge needs both its ends, and one lookup finds a node's edges.
    nodes: HashMap<NodeId, Entry>,
    index: NodeIndex,
    edge_count: u64,
}

/// A node and its edges, both ways.
#[derive(Debug)]
struct Entry {
    node: Node,
    outgoing: Adjacency,
    incoming: Adjacency,
}

impl Graph {
    /// Fails with the first of an edge's ends that is not a node.
    fn ends(&self, from: &NodeId, to: &NodeId) -> Result<()> {
        for end in [from, to] {
            if !self.nodes.contains_key(end) {
                return Err(Error::MissingNode(*end));
            }
        }
        Ok(())
    }

    fn outgoing(&self, node: &NodeId) -> Option<&Adjacency> {
        self.nodes.get(node).map(|entry| &entry.outgoing)
    }
}

impl MemoryGraphStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> Result<RwLockReadGuard<'_, Graph>> {
        self.graph.read().map_err(poisoned)
    }

    fn write(&self) -> Result<RwLockWriteGuard<'_, Graph>> {
        self.graph.write().map_err(poisoned)
    }
}

impl Successors for Graph {
    fn has_node(&self, id: &NodeId) -> Result<bool> {
        Ok(self.nodes.contains_key(id))
    }

    fn for_each_successor(&self, node: &NodeId, mut visit: impl FnMut(NodeId, f64)) -> Result<()> {
        for ((_, to), weight) in self.outgoing(node).into_iter().flatten() {
            visit(*to, *weight);
        }
        Ok(())
    }
}

/// The edges of `adjacency` of one relation (or all), as stored edges seen from `node`.
fn edges_of(
    adjacency: Option<&Adjacency>,
    relation: Option<&str>,
    to_edge: impl Fn(&str, NodeId, f64) -> Edge,
    into: &mut Vec<Edge>,
) {
    let Some(adjacency) = adjacency else { return };
    let to_edge = |((rel, other), weight): (&(String, NodeId), &f64)| to_edge(rel, *other, *weight);
    match relation {
        None => into.extend(adjacency.iter().map(to_edge)),
        Some(rel) => {
            let lo = (rel.to_owned(), NodeId([0; 32]));
            let hi = (rel.to_owned(), NodeId([u8::MAX; 32]));
            into.extend(
                adjacency
                    .range((Bound::Included(lo), Bound::Included(hi)))
                    .map(to_edge),
            );
        }
    }
}

impl GraphStore for MemoryGraphStore {
    fn put_node(&self, mut node: Node) -> Result<()> {
        validate_node(&node)?;
        let now = now_millis();
        let mut graph = self.write()?;
        let graph = &mut *graph;
        node.created_at = now;
        let old = graph.nodes.get_mut(&node.id);
        if let Some(old) = &old {
            graph.index.remove(&old.node);
            node.created_at = old.node.created_at;
        }
        // A clock set back must not make a node updated before it was created.
        node.updated_at = now.max(node.created_at);
        graph.index.insert(&node);
        match old {
            // Its edges stay.
            Some(old) => old.node = node,
            None => {
                let entry = Entry {
                    node,
                    outgoing: Adjacency::new(),
                    incoming: Adjacency::new(),
                };
                graph.nodes.insert(entry.node.id, entry);
            }
        }
        Ok(())
    }

    fn get_node(&self, id: &NodeId) -> Result<Option<Node>> {
        Ok(self.read()?.nodes.get(id).map(|entry| entry.node.clone()))
    }

    fn remove_node(&self, id: &NodeId) -> Result<bool> {
        let mut graph = self.write()?;
        let graph = &mut *graph;
        let Some(old) = graph.nodes.remove(id) else {
            return Ok(false);
        };
        graph.index.remove(&old.node);
        for (relation, to) in old.outgoing.into_keys() {
            if let Some(far) = graph.nodes.get_mut(&to) {
                far.incoming.remove(&(relation, *id));
            }
            graph.edge_count -= 1;
        }
        for (relation, from) in old.incoming.into_keys() {
            // A self-loop is in both maps of `id`: counted once, on the outgoing side.
            if from == *id {
                continue;
            }
            if let Some(far) = graph.nodes.get_mut(&from) {
                far.outgoing.remove(&(relation, *id));
            }
            graph.edge_count -= 1;
        }
        Ok(true)
    }

    fn put_edge(&self, edge: Edge) -> Result<()> {
        validate_edge(&edge)?;
        let mut graph = self.write()?;
        graph.ends(&edge.from, &edge.to)?;
        let Edge {
            from,
            to,
            relation,
            weight,
        } = edge;
        let outgoing = graph.nodes.get_mut(&from).map(|entry| &mut entry.outgoing);
        let added =
            outgoing.is_some_and(|out| out.insert((relation.clone(), to), weight).is_none());
        if let Some(entry) = graph.nodes.get_mut(&to) {
            entry.incoming.insert((relation, from), weight);
        }
        if added {
            graph.edge_count += 1;
        }
        Ok(())
    }

    fn get_edge(&self, from: &NodeId, relation: &str, to: &NodeId) -> Result<Option<Edge>> {
        let graph = self.read()?;
        let weight = graph
            .outgoing(from)
            .and_then(|edges| edges.get(&(relation.to_owned(), *to)));
        Ok(weight.map(|&weight| Edge {
            from: *from,
            to: *to,
            relation: relation.to_owned(),
            weight,
        }))
    }

    fn remove_edge(&self, from: &NodeId, relation: &str, to: &NodeId) -> Result<bool> {
        let mut graph = self.write()?;
        let key = (relation.to_owned(), *to);
        if graph
            .nodes
            .get_mut(from)
            .and_then(|entry| entry.outgoing.remove(&key))
            .is_none()
        {
            return Ok(false);
        }
        if let Some(entry) = graph.nodes.get_mut(to) {
            entry.incoming.remove(&(key.0, *from));
        }
        graph.edge_count -= 1;
        Ok(true)
    }

    fn neighbors(
        &self,
        node: &NodeId,
        direction: Direction,
        relation: Option<&str>,
    ) -> Result<Vec<Edge>> {
        let graph = self.read()?;
        let mut edges = Vec::new();
        let node = *node;
        let mut incoming_from = 0;
        if direction != Direction::Incoming {
            let outgoing = |rel: &str, to, weight| Edge {
                from: node,
                to,
                relation: rel.to_owned(),
                weight,
            };
            edges_of(graph.outgoing(&node), relation, outgoing, &mut edges);
        }
        if direction != Direction::Outgoing {
            let incoming = |rel: &str, from, weight| Edge {
                from,
                to: node,
                relation: rel.to_owned(),
                weight,
            };
            let before = edges.len();
            incoming_from = before;
            let incoming_of = graph.nodes.get(&node).map(|entry| &entry.incoming);
            edges_of(incoming_of, relation, incoming, &mut edges);
            if direction == Direction::Both {
                // A self-loop is both outgoing and incoming: list it once.
                let mut index = 0;
                edges.retain(|e| {
                    index += 1;
                    index <= before || e.from != node
                });
            }
        }
        // Each direction is already in order (see `Adjacency`): only the two need merging.
        algorithms::merge_neighbors(&node, &mut edges, incoming_from);
        Ok(edges)
    }

    // Under one read lock and without copying edges: the same algorithm, a consistent snapshot.
    fn traverse(&self, start: &NodeId, max_depth: usize) -> Result<Vec<(NodeId, usize)>> {
        algorithms::traverse_successors(&*self.read()?, start, max_depth)
    }

    fn shortest_path(&self, from: &NodeId, to: &NodeId) -> Result<Option<Path>> {
        algorithms::shortest_path_successors(&*self.read()?, from, to)
    }

    fn find_nodes(&self, query: &NodeQuery) -> Result<Vec<Node>> {
        let query = PreparedQuery::new(query)?;
        let graph = self.read()?;
        Ok(graph
            .index
            .find(|id| graph.nodes.get(id).map(|entry| &entry.node), &query))
    }

    fn node_count(&self) -> Result<u64> {
        Ok(self.read()?.nodes.len() as u64)
    }

    fn edge_count(&self) -> Result<u64> {
        Ok(self.read()?.edge_count)
    }
}
