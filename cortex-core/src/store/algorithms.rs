//! Graph algorithms written once, so every backend answers the same way: any `GraphStore` through its
//! public methods, or a backend's own `Successors` view when it can walk its edges without copying them.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};

use crate::error::{Error, Result};
use crate::event::NodeId;
use crate::graph::{Edge, Path};
use crate::hash_state::MapState;
#[cfg(test)]
use crate::{graph::Direction, store::GraphStore};

/// What the algorithms read from a graph.
pub(crate) trait Successors {
    fn has_node(&self, id: &NodeId) -> Result<bool>;
    /// Calls `visit(to, weight)` for each outgoing edge of `node`, in the store's deterministic order.
    fn for_each_successor(&self, node: &NodeId, visit: impl FnMut(NodeId, f64)) -> Result<()>;
}

/// Any `GraphStore`, read through `get_node` and `neighbors`: the reference the backends' own views
/// are tested against.
#[cfg(test)]
struct ThroughStore<'a, G: ?Sized>(&'a G);

#[cfg(test)]
impl<G: GraphStore + ?Sized> Successors for ThroughStore<'_, G> {
    fn has_node(&self, id: &NodeId) -> Result<bool> {
        Ok(self.0.get_node(id)?.is_some())
    }

    fn for_each_successor(&self, node: &NodeId, mut visit: impl FnMut(NodeId, f64)) -> Result<()> {
        for edge in self.0.neighbors(node, Direction::Outgoing, None)? {
            visit(edge.to, edge.weight);
        }
        Ok(())
    }
}

/// Where an edge of `node` goes in the order `GraphStore::neighbors` promises: by relation, then by
/// the other endpoint, an outgoing edge before an incoming one from the same node.
#[cfg_attr(
    not(all(not(target_family = "wasm"), feature = "native")),
    allow(dead_code)
)] // used by RocksDB
fn neighbor_key<'e>(node: &NodeId, e: &'e Edge) -> (&'e str, NodeId, bool) {
    let incoming = e.from != *node;
    let other = if incoming { e.from } else { e.to };
    (e.relation.as_str(), other, incoming)
}

/// Puts the edges of `node` in the order `GraphStore::neighbors` promises. Linear on sorted input.
#[cfg_attr(
    not(all(not(target_family = "wasm"), feature = "native")),
    allow(dead_code)
)] // used by RocksDB
pub(crate) fn sort_neighbors(node: &NodeId, edges: &mut [Edge]) {
    edges.sort_by(|a, b| neighbor_key(node, a).cmp(&neighbor_key(node, b)));
}

/// Breadth-first over outgoing edges from `start`: each reachable node once with its depth (start at 0),
/// up to `max_depth`, in the order found (neighbours in the store's deterministic order).
#[cfg(test)]
pub(crate) fn traverse<G: GraphStore + ?Sized>(
    graph: &G,
    start: &NodeId,
    max_depth: usize,
) -> Result<Vec<(NodeId, usize)>> {
    traverse_successors(&ThroughStore(graph), start, max_depth)
}

/// [`traverse`] over a backend's own view of its edges.
pub(crate) fn traverse_successors(
    graph: &impl Successors,
    start: &NodeId,
    max_depth: usize,
) -> Result<Vec<(NodeId, usize)>> {
    if !graph.has_node(start)? {
        return Err(Error::MissingNode(*start));
    }
    let mut seen = HashSet::with_hasher(MapState::default());
    seen.insert(*start);
    // The answer is the breadth-first queue itself, read from the front as it grows: no second
    // copy of it, and no `VecDeque` for each module to carry.
    let mut reached = vec![(*start, 0usize)];
    let mut next = 0;
    while let Some(&(node, depth)) = reached.get(next) {
        next += 1;
        if depth == max_depth {
            continue;
        }
        graph.for_each_successor(&node, |to, _| {
            if seen.insert(to) {
                reached.push((to, depth + 1));
            }
        })?;
    }
    Ok(reached)
}

/// Cheapest path from `from` to `to` by summed edge weight (Dijkstra over outgoing edges).
/// `from == to` is a one-node path of cost 0; an unreachable `to` is `Ok(None)`.
#[cfg(test)]
pub(crate) fn shortest_path<G: GraphStore + ?Sized>(
    graph: &G,
    from: &NodeId,
    to: &NodeId,
) -> Result<Option<Path>> {
    shortest_path_successors(&ThroughStore(graph), from, to)
}

/// [`shortest_path`] over a backend's own view of its edges.
pub(crate) fn shortest_path_successors(
    graph: &impl Successors,
    from: &NodeId,
    to: &NodeId,
) -> Result<Option<Path>> {
    for end in [from, to] {
        if !graph.has_node(end)? {
            return Err(Error::MissingNode(*end));
        }
    }
    // Each node reached: the cheapest cost known and the node it was reached from (one map rather
    // than two: each map type is code of its own in a wasm module).
    let mut best = HashMap::with_hasher(MapState::default());
    best.insert(*from, (0.0, None));
    let mut frontier = BinaryHeap::from([Candidate {
        cost: 0.0,
        node: *from,
    }]);
    while let Some(Candidate { cost, node }) = frontier.pop() {
        if node == *to {
            return Ok(Some(Path {
                nodes: walk_back(&best, *to),
                cost,
            }));
        }
        if best.get(&node).is_some_and(|&(known, _)| cost > known) {
            continue; // a stale heap entry: a cheaper route to `node` was settled already
        }
        graph.for_each_successor(&node, |next, weight| {
            let through = cost + weight;
            if best.get(&next).is_none_or(|&(known, _)| through < known) {
                best.insert(next, (through, Some(node)));
                frontier.push(Candidate {
                    cost: through,
                    node: next,
                });
            }
        })?;
    }
    Ok(None)
}

/// The path to `to` read back through each node's predecessor, up to the start (which has none).
fn walk_back(best: &HashMap<NodeId, (f64, Option<NodeId>), MapState>, to: NodeId) -> Vec<NodeId> {
    let mut nodes = vec![to];
    let mut at = to;
    while let Some(&(_, Some(p))) = best.get(&at) {
        nodes.push(p);
        at = p;
    }
    nodes.reverse();
    nodes
}

/// A heap entry ordered so the cheapest (then smallest id, for determinism) pops first.
struct Candidate {
    cost: f64,
    node: NodeId,
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .cost
            .total_cmp(&self.cost)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

#[cfg(test)]
mod tests;
