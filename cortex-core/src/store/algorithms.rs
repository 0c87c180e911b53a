//! Graph algorithms written once against `GraphStore`, so every backend answers the same way.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};

use crate::error::{Error, Result};
use crate::event::NodeId;
use crate::graph::{Direction, Path};
use crate::store::GraphStore;

/// Breadth-first over outgoing edges from `start`: each reachable node once with its depth (start at 0),
/// up to `max_depth`, in the order found (neighbours in the store's deterministic order).
pub(crate) fn traverse<G: GraphStore + ?Sized>(
    graph: &G,
    start: &NodeId,
    max_depth: usize,
) -> Result<Vec<(NodeId, usize)>> {
    if graph.get_node(start)?.is_none() {
        return Err(Error::MissingNode(*start));
    }
    let mut seen = HashSet::from([*start]);
    let mut queue = VecDeque::from([(*start, 0usize)]);
    let mut reached = Vec::new();
    while let Some((node, depth)) = queue.pop_front() {
        reached.push((node, depth));
        if depth == max_depth {
            continue;
        }
        for edge in graph.neighbors(&node, Direction::Outgoing, None)? {
            if seen.insert(edge.to) {
                queue.push_back((edge.to, depth + 1));
            }
        }
    }
    Ok(reached)
}

/// Cheapest path from `from` to `to` by summed edge weight (Dijkstra over outgoing edges).
/// `from == to` is a one-node path of cost 0; an unreachable `to` is `Ok(None)`.
pub(crate) fn shortest_path<G: GraphStore + ?Sized>(
    graph: &G,
    from: &NodeId,
    to: &NodeId,
) -> Result<Option<Path>> {
    for end in [from, to] {
        if graph.get_node(end)?.is_none() {
            return Err(Error::MissingNode(*end));
        }
    }
    let mut best: HashMap<NodeId, f64> = HashMap::from([(*from, 0.0)]);
    let mut previous: HashMap<NodeId, NodeId> = HashMap::new();
    let mut frontier = BinaryHeap::from([Candidate {
        cost: 0.0,
        node: *from,
    }]);
    while let Some(Candidate { cost, node }) = frontier.pop() {
        if node == *to {
            return Ok(Some(Path {
                nodes: walk_back(&previous, *from, *to),
                cost,
            }));
        }
        if best.get(&node).is_some_and(|&known| cost > known) {
            continue; // a stale heap entry: a cheaper route to `node` was settled already
        }
        for edge in graph.neighbors(&node, Direction::Outgoing, None)? {
            let through = cost + edge.weight;
            if best.get(&edge.to).is_none_or(|&known| through < known) {
                best.insert(edge.to, through);
                previous.insert(edge.to, node);
                frontier.push(Candidate {
                    cost: through,
                    node: edge.to,
                });
            }
        }
    }
    Ok(None)
}

fn walk_back(previous: &HashMap<NodeId, NodeId>, from: NodeId, to: NodeId) -> Vec<NodeId> {
    let mut nodes = vec![to];
    let mut at = to;
    while at != from {
        match previous.get(&at) {
            Some(&p) => {
                nodes.push(p);
                at = p;
            }
            None => break,
        }
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
