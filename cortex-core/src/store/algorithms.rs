//! Graph algorithms written once, so every backend answers the same way: any `GraphStore` through its
//! public methods, or a backend's own `Successors` view when it can walk its edges without copying them.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use crate::error::{Error, Result};
use crate::event::NodeId;
use crate::graph::{Edge, Path};
use crate::hash_state::MapState;
#[cfg(test)]
use crate::{graph::Direction, store::GraphStore};

/// The one map type the algorithms keep: a node's place in a list of their own. The memory event
/// store numbers its sources with the same type, so in a wasm module both share one copy of the
/// hash-map code (each map type is a kilobyte or more of its own; `usize` places, though the same
/// bytes on wasm32, came out 400 bytes larger).
type Places = HashMap<NodeId, u32, MapState>;

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
    // Each node reached. A set: the places are not read, and every one is 0.
    let mut seen = Places::with_hasher(MapState::default());
    seen.insert(*start, 0);
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
            if let std::collections::hash_map::Entry::Vacant(entry) = seen.entry(to) {
                entry.insert(0);
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
    // Each node reached, by its place in `best`: the cheapest cost known and the place of the node
    // it was reached from.
    let mut places = Places::with_hasher(MapState::default());
    let mut best: Vec<(NodeId, f64, Option<u32>)> = vec![(*from, 0.0, None)];
    places.insert(*from, 0);
    let mut frontier = BinaryHeap::from([Candidate {
        cost: 0.0,
        node: *from,
    }]);
    // Set when a place no longer fits a `u32`: four billion nodes reached, more than any store
    // holds in memory, but an answer must not be built from places that wrapped.
    let mut out_of_places = false;
    while let Some(Candidate { cost, node }) = frontier.pop() {
        let Some(&at) = places.get(&node) else {
            continue; // only reached nodes are pushed
        };
        if node == *to {
            return Ok(Some(Path {
                nodes: walk_back(&best, at),
                cost,
            }));
        }
        if cost > best[at as usize].1 {
            continue; // a stale heap entry: a cheaper route to `node` was settled already
        }
        graph.for_each_successor(&node, |next, weight| {
            let through = cost + weight;
            let better = match places.get(&next) {
                Some(&known) => {
                    let slot = &mut best[known as usize];
                    let better = through < slot.1;
                    if better {
                        (slot.1, slot.2) = (through, Some(at));
                    }
                    better
                }
                None => {
                    let Ok(place) = u32::try_from(best.len()) else {
                        out_of_places = true;
                        return;
                    };
                    places.insert(next, place);
                    best.push((next, through, Some(at)));
                    true
                }
            };
            if better {
                frontier.push(Candidate {
                    cost: through,
                    node: next,
                });
            }
        })?;
        if out_of_places {
            return Err(Error::Backend {
                context: "a shortest-path search reached more than 4294967295 nodes".into(),
                source: None,
            });
        }
    }
    Ok(None)
}

/// The path to the node at place `to` read back through each predecessor, up to the start (which
/// has none).
fn walk_back(best: &[(NodeId, f64, Option<u32>)], to: u32) -> Vec<NodeId> {
    let mut nodes = vec![best[to as usize].0];
    let mut at = to;
    while let Some(previous) = best[at as usize].2 {
        nodes.push(best[previous as usize].0);
        at = previous;
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
