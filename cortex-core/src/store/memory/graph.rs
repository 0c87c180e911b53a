//! `MemoryGraphStore`: each node with the edges at it (both ways, so neighbours and node removal are
//! cheap) in one hash map, and an ordered index of their terms that walks them in id order.

mod index;

use std::collections::{btree_map, BTreeMap, HashMap};
use std::ops::Bound;

use super::lock::{Lock, ReadGuard, WriteGuard};
use super::poisoned;
use crate::error::{Error, Result};
use crate::event::{now_millis, NodeId, Timestamp};
use crate::graph::{Direction, Edge, Node, NodeQuery, Path, PreparedQuery};
use crate::hash_state::MapState;
use crate::store::algorithms::{self, Successors};
use crate::store::validate::{validate_edge, validate_node};
use crate::store::GraphStore;
use index::NodeIndex;

/// A directed property graph held in memory.
#[derive(Debug, Default)]
pub struct MemoryGraphStore {
    graph: Lock<Graph>,
}

/// Edges of one node keyed by (relation, other endpoint): iteration order is the order `neighbors`
/// promises. The node index is of this type too (see `index`).
type Adjacency = BTreeMap<(String, NodeId), f64>;

#[derive(Debug, Default)]
struct Graph {
    /// Each node with the edges at it, by id, unordered: the index walks them in id order. One map
    /// for nodes and edges alike: an edge needs both its ends, and one lookup finds a node's edges.
    nodes: HashMap<NodeId, Entry, MapState>,
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

    /// `f` of the node stored under `id`, read in place: the C ABI encodes it from here, where
    /// `get_node` would copy it (and a module would carry the copying of its tags and properties).
    pub(crate) fn with_node<R>(
        &self,
        id: &NodeId,
        f: impl FnOnce(Option<&Node>) -> R,
    ) -> Result<R> {
        Ok(f(self.read()?.nodes.get(id).map(|entry| &entry.node)))
    }

    /// Calls `each` with every node `query` finds, in ascending id order, read in place: what
    /// `find_nodes` answers, without a copy of each node.
    pub(crate) fn for_each_found(&self, query: &NodeQuery, each: impl FnMut(&Node)) -> Result<()> {
        let query = PreparedQuery::new(query)?;
        let graph = self.read()?;
        graph.index.find(
            |id| graph.nodes.get(id).map(|entry| &entry.node),
            &query,
            each,
        );
        Ok(())
    }

    /// Puts a validated node as of `now`: `put_node` at the current time, and the file store at
    /// the time its log holds, so a replay stamps the node as it was first stamped.
    pub(crate) fn put_valid_node(&self, mut node: Node, now: Timestamp) -> Result<()> {
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

    fn read(&self) -> Result<ReadGuard<'_, Graph>> {
        self.graph.read().map_err(poisoned)
    }

    fn write(&self) -> Result<WriteGuard<'_, Graph>> {
        self.graph.write().map_err(poisoned)
    }
}

impl Successors for Graph {
    fn has_node(&self, id: &NodeId) -> Result<bool> {
        Ok(self.nodes.contains_key(id))
    }

    fn for_each_successor(&self, node: &NodeId, mut visit: impl FnMut(NodeId, f64)) -> Result<()> {
        // `if let` rather than `into_iter().flatten()`, whose adapter is code of its own.
        if let Some(outgoing) = self.outgoing(node) {
            for ((_, to), weight) in outgoing {
                visit(*to, *weight);
            }
        }
        Ok(())
    }
}

/// The edges of `adjacency` of one relation (or all), in its order: by relation, then the other end.
fn range_of<'a>(
    adjacency: &'a Adjacency,
    relation: Option<&str>,
) -> btree_map::Range<'a, (String, NodeId), f64> {
    // Bounds of one type for both cases, the type the index's cursors use too: each type of bounds
    // is a copy of the B-tree's range search in the module.
    match relation {
        None => adjacency.range::<(String, NodeId), (Bound<&(String, NodeId)>, _)>((
            Bound::Unbounded,
            Bound::Unbounded,
        )),
        Some(rel) => {
            let lo = (rel.to_owned(), NodeId([0; 32]));
            let hi = (rel.to_owned(), NodeId([u8::MAX; 32]));
            adjacency.range((Bound::Included(&lo), Bound::Included(&hi)))
        }
    }
}

impl GraphStore for MemoryGraphStore {
    fn put_node(&self, node: Node) -> Result<()> {
        validate_node(&node)?;
        self.put_valid_node(node, now_millis())
    }

    fn get_node(&self, id: &NodeId) -> Result<Option<Node>> {
        self.with_node(id, |node| node.cloned())
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
        let node = *node;
        let none = Adjacency::new();
        let entry = graph.nodes.get(&node);
        let side = |wanted: bool, adjacency: fn(&Entry) -> &Adjacency| match entry {
            Some(entry) if wanted => range_of(adjacency(entry), relation),
            _ => range_of(&none, None),
        };
        let mut outgoing = side(direction != Direction::Incoming, |e| &e.outgoing).peekable();
        let mut incoming = side(direction != Direction::Outgoing, |e| &e.incoming).peekable();
        // Both sides are in order (see `Adjacency`), so one merge puts them in the order
        // `neighbors` promises: by relation, then the other end, outgoing before incoming.
        let mut edges = Vec::new();
        loop {
            let take_outgoing = match (outgoing.peek(), incoming.peek()) {
                (Some((out, _)), Some((inc, _))) => out <= inc,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => return Ok(edges),
            };
            let edge = if take_outgoing {
                outgoing.next().map(|((rel, to), &weight)| Edge {
                    from: node,
                    to: *to,
                    relation: rel.clone(),
                    weight,
                })
            } else {
                incoming.next().and_then(|((rel, from), &weight)| {
                    // A self-loop is both outgoing and incoming: listed once, as outgoing.
                    let listed = *from == node && direction == Direction::Both;
                    (!listed).then(|| Edge {
                        from: *from,
                        to: node,
                        relation: rel.clone(),
                        weight,
                    })
                })
            };
            edges.extend(edge);
        }
    }

    // Under one read lock and without copying edges: the same algorithm, a consistent snapshot.
    fn traverse(&self, start: &NodeId, max_depth: usize) -> Result<Vec<(NodeId, usize)>> {
        algorithms::traverse_successors(&*self.read()?, start, max_depth)
    }

    fn shortest_path(&self, from: &NodeId, to: &NodeId) -> Result<Option<Path>> {
        algorithms::shortest_path_successors(&*self.read()?, from, to)
    }

    fn find_nodes(&self, query: &NodeQuery) -> Result<Vec<Node>> {
        let mut found = Vec::new();
        self.for_each_found(query, |node| found.push(node.clone()))?;
        Ok(found)
    }

    fn node_count(&self) -> Result<u64> {
        Ok(self.read()?.nodes.len() as u64)
    }

    fn edge_count(&self) -> Result<u64> {
        Ok(self.read()?.edge_count)
    }
}
