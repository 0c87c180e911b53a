//! The memory graph's node index: one ordered set of (term, node id) pairs, so the nodes under a
//! label, tag, property or word are one range in id order, and `find_nodes` intersects those ranges
//! by seeking (a leapfrog join), never walking every node.
//!
//! One ordered collection rather than a map of id sets, and of the very type that holds a node's
//! edges (`Adjacency`, its weights unused here): each distinct B-tree type is several KB of every
//! wasm module, and seeking needs no set sizes to plan by. So a term is keyed as one string, its kind
//! first (see [`key`]).

use std::collections::btree_map::Range;
use std::ops::Bound;

use super::Adjacency;
use crate::event::NodeId;
use crate::graph::{Node, PreparedQuery, Term};

#[derive(Debug, Default)]
pub(super) struct NodeIndex {
    /// (key of a term, node) -> 0.0.
    entries: Adjacency,
}

/// The key every node is indexed under, so a query without terms walks the nodes in id order too:
/// empty, which no term's key is.
const EVERY_NODE: String = String::new();

/// `term` as one string, different for different terms: a letter for its kind, then its text; a
/// property's key goes with its length, so no key and value run together into another pair.
fn key(term: Term) -> String {
    match term {
        Term::Label(text) => kind_first('l', text),
        Term::Tag(text) => kind_first('t', text),
        Term::Word(text) => kind_first('w', text),
        Term::Property(name, value) => format!("p{}:{name}{value}", name.len()),
    }
}

fn kind_first(kind: char, mut text: String) -> String {
    text.insert(0, kind);
    text
}

impl NodeIndex {
    pub(super) fn insert(&mut self, node: &Node) {
        self.entries.insert((EVERY_NODE, node.id), 0.0);
        for term in Term::of(node) {
            self.entries.insert((key(term), node.id), 0.0);
        }
    }

    pub(super) fn remove(&mut self, node: &Node) {
        self.entries.remove(&(EVERY_NODE, node.id));
        for term in Term::of(node) {
            self.entries.remove(&(key(term), node.id));
        }
    }

    /// Calls `each` with the nodes (`node` finds each by id) matching `query`, in id order.
    /// Candidates are the ids every term set shares (its labels count as one set, their union); a
    /// query without terms walks every node.
    pub(super) fn find<'n>(
        &self,
        node: impl Fn(&NodeId) -> Option<&'n Node>,
        query: &PreparedQuery,
        mut each: impl FnMut(&'n Node),
    ) {
        let limit = query.limit();
        let mut found = 0;
        if limit == 0 {
            return;
        }
        let mut after = query.query.after;
        let mut seeker = Seeker::new(self, query);
        while let Some(id) = seeker.next_shared(after) {
            after = Some(id);
            let Some(node) = node(&id) else { continue };
            if query.in_window(node) {
                each(node);
                found += 1;
                if found == limit {
                    break;
                }
            }
        }
    }
}

/// Seeks in the index's term ranges, one cursor per term.
struct Seeker<'a> {
    /// The query's labels: a node needs one of them.
    any_of: Vec<Cursor<'a>>,
    /// Its tags, properties and words: a node needs all of them.
    all_of: Vec<Cursor<'a>>,
}

impl<'a> Seeker<'a> {
    fn new(index: &'a NodeIndex, query: &PreparedQuery) -> Self {
        // Loops rather than `map` and `collect`, whose adapters the module carries as code.
        let cursors = |terms: &[Term]| {
            let mut cursors = Vec::with_capacity(terms.len());
            for term in terms {
                cursors.push(Cursor::new(&index.entries, key(term.clone())));
            }
            cursors
        };
        let mut all_of = cursors(&query.all_of);
        if query.any_of.is_empty() && all_of.is_empty() {
            all_of.push(Cursor::new(&index.entries, EVERY_NODE));
        }
        Seeker {
            any_of: cursors(&query.any_of),
            all_of,
        }
    }

    /// The smallest id past `after` (or from the start) that every term set holds: each set in
    /// turn is asked for its first id at or past the largest seen so far, until all answer the same.
    fn next_shared(&mut self, after: Option<NodeId>) -> Option<NodeId> {
        let mut at = match self.any_of.is_empty() {
            false => {
                let heads = self.any_of.iter_mut().filter_map(|c| c.seek_past(after));
                heads.min()?
            }
            true => self.all_of[0].seek_past(after)?,
        };
        loop {
            let mut agreed = true;
            if !self.any_of.is_empty() {
                let heads = self.any_of.iter_mut().filter_map(|c| c.seek(at));
                let next = heads.min()?;
                agreed = next == at;
                at = next;
            }
            for cursor in &mut self.all_of {
                let next = cursor.seek(at)?;
                if next != at {
                    at = next;
                    agreed = false;
                }
            }
            if agreed {
                return Some(at);
            }
        }
    }
}

/// The ids under one term, read forward: a short way ahead by stepping, further by a fresh search.
struct Cursor<'a> {
    entries: &'a Adjacency,
    /// The term's key, and the id a fresh search starts from.
    probe: (String, NodeId),
    /// The term's last possible entry: ranges end there, so stepping never compares terms.
    last: (String, NodeId),
    range: Range<'a, (String, NodeId), f64>,
    /// The id the cursor is on; None past the term's last.
    head: Option<NodeId>,
}

/// How many entries a cursor steps over before it searches instead.
const STEPS_BEFORE_SEARCH: usize = 8;

impl<'a> Cursor<'a> {
    fn new(entries: &'a Adjacency, key: String) -> Self {
        let last = (key.clone(), NodeId([u8::MAX; 32]));
        let probe = (key, NodeId([0; 32]));
        let mut cursor = Cursor {
            entries,
            range: entries.range((Bound::Included(&probe), Bound::Included(&last))),
            probe,
            last,
            head: None,
        };
        cursor.step();
        cursor
    }

    fn step(&mut self) {
        self.head = self.range.next().map(|((_, id), _)| *id);
    }

    /// The first id at or past `target`.
    fn seek(&mut self, target: NodeId) -> Option<NodeId> {
        for _ in 0..STEPS_BEFORE_SEARCH {
            match self.head {
                Some(id) if id < target => self.step(),
                head => return head,
            }
        }
        if self.head.as_ref().is_some_and(|id| *id < target) {
            self.probe.1 = target;
            self.range = self
                .entries
                .range((Bound::Included(&self.probe), Bound::Included(&self.last)));
            self.step();
        }
        self.head
    }

    /// The first id past `after`, or the first of all.
    fn seek_past(&mut self, after: Option<NodeId>) -> Option<NodeId> {
        let Some(after) = after else { return self.head };
        match self.seek(after)? {
            id if id == after => {
                self.step();
                self.head
            }
            id => Some(id),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::event::NodeId;
    use crate::graph::{Node, NodeQuery};
    use crate::store::{GraphStore, MemoryGraphStore};

    /// Terms that would share a key if kinds or a property's key and value ran together: each query
    /// must find the one node that really holds what it asks for, as the node itself says.
    #[test]
    fn terms_of_different_kinds_or_splits_never_share_a_key() {
        let store = MemoryGraphStore::new();
        let nodes = [
            Node::new(NodeId::from_name("a"), "x").with_property("ab", "c"),
            Node::new(NodeId::from_name("b"), "y").with_property("a", "bc"),
            Node::new(NodeId::from_name("c"), "z").with_tag("x"),
            Node::new(NodeId::from_name("d"), "tx"),
            Node::new(NodeId::from_name("e"), "w").with_property("p1", ":a"),
            Node::new(NodeId::from_name("f"), "w").with_property("p1:", "a"),
        ];
        for node in &nodes {
            store.put_node(node.clone()).unwrap();
        }
        let queries = [
            NodeQuery::default().properties([("ab", "c")]),
            NodeQuery::default().properties([("a", "bc")]),
            NodeQuery::default().properties([("p1", ":a")]),
            NodeQuery::default().properties([("p1:", "a")]),
            NodeQuery::default().labels(["x"]),
            NodeQuery::default().tags(["x"]),
            NodeQuery::default().labels(["tx"]),
        ];
        for query in queries {
            let holds = |node: &Node| {
                query
                    .properties
                    .iter()
                    .all(|(k, v)| node.properties.get(k) == Some(v))
                    && query.tags.iter().all(|t| node.tags.contains(t))
                    && (query.labels.is_empty() || query.labels.contains(&node.label))
            };
            let mut expected: Vec<NodeId> =
                nodes.iter().filter(|n| holds(n)).map(|n| n.id).collect();
            expected.sort();
            let found: Vec<NodeId> = store
                .find_nodes(&query)
                .unwrap()
                .iter()
                .map(|n| n.id)
                .collect();
            assert_eq!(found, expected, "{query:?}");
            assert_eq!(found.len(), 1, "{query:?}");
        }
    }
}
