//! The reference graph: two BTreeMaps answering every operation by brute force.

use std::collections::{BTreeMap, HashSet, VecDeque};

use cortex_core::{Direction, Edge, Error, Node, NodeId, NodeQuery, Path};

use super::node_oracle::{is_wordless, oracle};
use super::paths;
use super::{answer, node, Answer, Op, Stamps, NODES};

#[derive(Default)]
pub(super) struct ReferenceGraph {
    nodes: BTreeMap<NodeId, Node>,
    edges: BTreeMap<(NodeId, String, NodeId), f64>,
}

fn missing(id: NodeId) -> Answer {
    answer(Err::<(), _>(Error::MissingNode(id)), |()| Answer::Done)
}

impl ReferenceGraph {
    fn first_missing(&self, ids: [NodeId; 2]) -> Option<NodeId> {
        ids.into_iter().find(|id| !self.nodes.contains_key(id))
    }

    /// Edges touching `at`, ordered by (relation, other end, outgoing before incoming), as the stores promise.
    fn neighbors(&self, at: NodeId, direction: Direction, relation: Option<&str>) -> Vec<Edge> {
        let mut found: Vec<(String, NodeId, bool, Edge)> = Vec::new();
        for ((from, rel, to), &weight) in &self.edges {
            if relation.is_some_and(|r| r != rel) {
                continue;
            }
            let edge = Edge {
                from: *from,
                to: *to,
                relation: rel.clone(),
                weight,
            };
            if *from == at && direction != Direction::Incoming {
                found.push((rel.clone(), *to, false, edge));
            } else if *to == at && direction != Direction::Outgoing {
                found.push((rel.clone(), *from, true, edge));
            }
        }
        found.sort_by(|a, b| (&a.0, a.1, a.2).cmp(&(&b.0, b.1, b.2)));
        found.into_iter().map(|f| f.3).collect()
    }

    pub(super) fn apply(&mut self, op: &Op) -> Answer {
        match op {
            Op::PutNode(put) => {
                let node = put.node();
                if node.label.is_empty() || node.tags.contains("") {
                    return Answer::Failed("InvalidInput".into());
                }
                self.nodes.insert(node.id, node);
                Answer::Done
            }
            // Answered per store by `find`, with the times that store stamped.
            Op::FindNodes(_) => Answer::Done,
            Op::GetNode(i) => Answer::Node(self.nodes.get(&node(*i)).cloned()),
            Op::RemoveNode(i) => {
                let id = node(*i);
                self.edges
                    .retain(|(from, _, to), _| *from != id && *to != id);
                Answer::Flag(self.nodes.remove(&id).is_some())
            }
            Op::PutEdge(a, relation, b, weight) => {
                if relation.is_empty() || *weight < 0.0 {
                    return Answer::Failed("InvalidInput".into());
                }
                if let Some(id) = self.first_missing([node(*a), node(*b)]) {
                    return missing(id);
                }
                self.edges
                    .insert((node(*a), relation.to_string(), node(*b)), *weight);
                Answer::Done
            }
            Op::GetEdge(a, relation, b) => {
                let key = (node(*a), relation.to_string(), node(*b));
                let edge = self.edges.get(&key).map(|&weight| Edge {
                    from: key.0,
                    to: key.2,
                    relation: key.1.clone(),
                    weight,
                });
                Answer::Edges(edge.into_iter().collect())
            }
            Op::RemoveEdge(a, relation, b) => {
                let key = (node(*a), relation.to_string(), node(*b));
                Answer::Flag(self.edges.remove(&key).is_some())
            }
            Op::Neighbors(a, direction, relation) => {
                Answer::Edges(self.neighbors(node(*a), *direction, *relation))
            }
            Op::Traverse(a, depth) => match self.first_missing([node(*a); 2]) {
                Some(id) => missing(id),
                None => Answer::Reached(self.breadth_first(node(*a), *depth)),
            },
            Op::ShortestPath(a, b) => match self.first_missing([node(*a), node(*b)]) {
                Some(id) => missing(id),
                None => Answer::Cost(self.cheapest(node(*a), node(*b))),
            },
            Op::Counts => Answer::Counts(self.nodes.len() as u64, self.edges.len() as u64),
            Op::Restart(_) => Answer::State(
                (0..NODES)
                    .map(|i| {
                        let id = node(i);
                        let edges = self.neighbors(id, Direction::Both, None);
                        (self.nodes.get(&id).cloned(), edges)
                    })
                    .collect(),
            ),
        }
    }

    /// The nodes `query` selects, by the plain scan of `node_oracle`, with the times of `stamps`.
    pub(super) fn find(&self, query: &NodeQuery, stamps: &Stamps) -> Answer {
        if query.text.as_deref().is_some_and(is_wordless) {
            return Answer::Failed("InvalidInput".into());
        }
        let stamped = Answer::Nodes(self.nodes.values().cloned().collect());
        let Answer::Nodes(nodes) = stamps.fill(stamped) else {
            unreachable!("fill keeps the kind of answer")
        };
        let ids = oracle(&nodes, query);
        Answer::Nodes(nodes.into_iter().filter(|n| ids.contains(&n.id)).collect())
    }

    /// Each node reachable over outgoing edges within `max_depth`, once, in breadth-first order.
    fn breadth_first(&self, start: NodeId, max_depth: usize) -> Vec<(NodeId, usize)> {
        let mut seen = HashSet::from([start]);
        let mut queue = VecDeque::from([(start, 0)]);
        let mut reached = Vec::new();
        while let Some((at, depth)) = queue.pop_front() {
            reached.push((at, depth));
            if depth < max_depth {
                for edge in self.neighbors(at, Direction::Outgoing, None) {
                    if seen.insert(edge.to) {
                        queue.push_back((edge.to, depth + 1));
                    }
                }
            }
        }
        reached
    }

    /// Whether `found`, a store's shortest path from `from` to `to`, is one of the cheapest.
    pub(super) fn check_path(
        &self,
        from: NodeId,
        to: NodeId,
        found: Option<&Path>,
    ) -> Result<(), String> {
        paths::check(&self.edges, (from, to), self.cheapest(from, to), found)
    }

    /// Bellman-Ford in quarters (every generated weight is a multiple of 0.25, so sums are exact).
    fn cheapest(&self, from: NodeId, to: NodeId) -> Option<u64> {
        let mut best = BTreeMap::from([(from, 0u64)]);
        for _ in 0..=self.nodes.len() {
            for ((a, _, b), &w) in &self.edges {
                if let Some(&cost) = best.get(a) {
                    let through = cost + (w * 4.0) as u64;
                    if best.get(b).is_none_or(|&known| through < known) {
                        best.insert(*b, through);
                    }
                }
            }
        }
        best.get(&to).copied()
    }
}
