//! The memory graph's node index: the ids of the nodes under each label, tag, property and word, and
//! `find_nodes` planned over it, so a query walks the smallest matching id set, never every node.

use std::collections::btree_set::Range;
use std::collections::{BTreeMap, BTreeSet};
use std::iter::Peekable;
use std::ops::Bound;

use crate::event::NodeId;
use crate::graph::{Node, PreparedQuery, Term};

#[derive(Debug, Default)]
pub(super) struct NodeIndex {
    /// Never holds an empty set: a term's entry goes with its last node.
    postings: BTreeMap<Term, BTreeSet<NodeId>>,
}

impl NodeIndex {
    pub(super) fn insert(&mut self, node: &Node) {
        for term in Term::of(node) {
            self.postings.entry(term).or_default().insert(node.id);
        }
    }

    pub(super) fn remove(&mut self, node: &Node) {
        for term in Term::of(node) {
            if let Some(ids) = self.postings.get_mut(&term) {
                ids.remove(&node.id);
                if ids.is_empty() {
                    self.postings.remove(&term);
                }
            }
        }
    }

    /// The nodes of `nodes` matching `query`: candidates come, in id order, from the smallest id
    /// set the query names (its labels' sets count as one, merged), or from every node when it
    /// names none; each is checked against the other sets and then against the node itself.
    pub(super) fn find<'a>(
        &'a self,
        nodes: &'a BTreeMap<NodeId, Node>,
        query: &PreparedQuery,
    ) -> Vec<Node> {
        let limit = query.limit();
        let lower = query.query.after.map_or(Bound::Unbounded, Bound::Excluded);
        let range = |ids: &'a BTreeSet<NodeId>| ids.range((lower, Bound::Unbounded));
        let mut all_of = Vec::with_capacity(query.all_of.len());
        for term in &query.all_of {
            match self.postings.get(term) {
                Some(ids) => all_of.push(ids),
                None => return Vec::new(),
            }
        }
        let any_of: Vec<&BTreeSet<NodeId>> = query
            .any_of
            .iter()
            .filter_map(|term| self.postings.get(term))
            .collect();
        if limit == 0 || (!query.any_of.is_empty() && any_of.is_empty()) {
            return Vec::new();
        }
        // Only the smallest set matters (it gives the candidates); the rest are probes, in any order.
        if let Some(smallest) = (0..all_of.len()).min_by_key(|&i| all_of[i].len()) {
            all_of.swap(0, smallest);
        }
        let any_len: usize = any_of.iter().map(|ids| ids.len()).sum();
        let (candidates, size, probes): (Box<dyn Iterator<Item = &NodeId>>, _, _) =
            match all_of.split_first() {
                Some((first, rest)) if any_of.is_empty() || first.len() <= any_len => {
                    (Box::new(range(first)), first.len(), rest)
                }
                _ if !any_of.is_empty() => (
                    Box::new(Merged(
                        any_of.into_iter().map(|s| range(s).peekable()).collect(),
                    )),
                    any_len,
                    &all_of[..],
                ),
                _ => (
                    Box::new(nodes.range((lower, Bound::Unbounded)).map(|(id, _)| id)),
                    nodes.len(),
                    &[][..],
                ),
            };
        // A set not much larger than the candidates is walked beside them (a merge); a far larger
        // one is looked up, so its size does not count.
        let mut probes: Vec<Probe> = probes
            .iter()
            .map(|ids| match ids.len() / size.max(1) {
                0..WALK_RATIO => Probe::Walk(range(ids).peekable()),
                _ => Probe::Look(ids),
            })
            .collect();
        let mut found = Vec::new();
        for id in candidates {
            if !probes.iter_mut().all(|probe| probe.holds(id)) {
                continue;
            }
            let Some(node) = nodes.get(id) else { continue };
            let labels = &query.query.labels;
            if (labels.is_empty() || labels.contains(&node.label)) && query.in_window(node) {
                found.push(node.clone());
                if found.len() == limit {
                    break;
                }
            }
        }
        found
    }
}

/// How many times larger than the candidates an id set may be and still be walked beside them.
const WALK_RATIO: usize = 8;

/// An id set the candidates are checked against, in ascending order.
enum Probe<'a> {
    Walk(Peekable<Range<'a, NodeId>>),
    Look(&'a BTreeSet<NodeId>),
}

impl Probe<'_> {
    /// Whether the set holds `id`; each call must ask for a larger id than the one before.
    fn holds(&mut self, id: &NodeId) -> bool {
        match self {
            Probe::Walk(ids) => {
                while ids.next_if(|next| *next < id).is_some() {}
                ids.peek() == Some(&id)
            }
            Probe::Look(ids) => ids.contains(id),
        }
    }
}

/// Ascending id ranges of disjoint sets (one per label) merged into one ascending sequence.
struct Merged<'a>(Vec<Peekable<Range<'a, NodeId>>>);

impl<'a> Iterator for Merged<'a> {
    type Item = &'a NodeId;

    fn next(&mut self) -> Option<&'a NodeId> {
        let smallest = self
            .0
            .iter_mut()
            .enumerate()
            .filter_map(|(i, ids)| Some((*ids.peek()?, i)))
            .min()?;
        self.0[smallest.1].next()
    }
}
