//! `NodeQuery`, what `GraphStore::find_nodes` selects by, and the checked form the stores plan with.

use super::words::{for_each_node_word, for_each_word, node_words};
use super::Node;
use crate::error::{Error, Quoted, Result};
use crate::event::{NodeId, Timestamp};

/// Which nodes `find_nodes` returns; every set field must match. Results come in ascending `NodeId`
/// order, so `after` pages exactly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeQuery {
    /// Any of these labels (empty: every label).
    pub labels: Vec<String>,
    /// All of these tags.
    pub tags: Vec<String>,
    /// All of these (key, value) properties, each value equal.
    pub properties: Vec<(String, String)>,
    /// Inclusive lower bound on `created_at`.
    pub since: Option<Timestamp>,
    /// Exclusive upper bound on `created_at`.
    pub until: Option<Timestamp>,
    /// Every word of this text (runs of letters and digits) must be a whole word, ignoring case, of
    /// the label, a tag or a property value. Case is Unicode's lowercase mapping, character by
    /// character, with final sigma `ς` as `σ`. A text without a word is an `InvalidInput` error.
    pub text: Option<String>,
    /// Only nodes with an id strictly greater than this one (the last id of a previous page).
    pub after: Option<NodeId>,
    /// At most this many nodes.
    pub limit: Option<usize>,
}

impl NodeQuery {
    /// Sets `labels`: nodes with any of these labels.
    pub fn labels<S: Into<String>>(mut self, labels: impl IntoIterator<Item = S>) -> Self {
        self.labels = labels.into_iter().map(Into::into).collect();
        self
    }

    /// Sets `tags`: nodes with all of these tags.
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Sets `properties`: nodes with all of these (key, value) pairs.
    pub fn properties<K: Into<String>, V: Into<String>>(
        mut self,
        properties: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.properties = properties
            .into_iter()
            .map(|(key, value)| (key.into(), value.into()))
            .collect();
        self
    }

    /// Sets `since`: nodes created at or after `since`.
    pub fn since(mut self, since: Timestamp) -> Self {
        self.since = Some(since);
        self
    }

    /// Sets `until`: nodes created before `until`.
    pub fn until(mut self, until: Timestamp) -> Self {
        self.until = Some(until);
        self
    }

    /// Sets `text`: nodes holding every word of it.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Sets `after`: nodes with a greater id.
    pub fn after(mut self, after: NodeId) -> Self {
        self.after = Some(after);
        self
    }

    /// Sets `limit`: at most this many nodes.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }
}

/// One entry a node is indexed under, and a query looks up: what both backends key their indexes by.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Term {
    Label(String),
    Tag(String),
    Property(String, String),
    Word(String),
}

impl Term {
    /// Every term `node` is indexed under; a word it holds more than once comes more than once.
    pub(crate) fn of(node: &Node) -> Vec<Term> {
        let mut terms = vec![Term::Label(node.label.clone())];
        for tag in &node.tags {
            terms.push(Term::Tag(tag.clone()));
        }
        for (key, value) in &node.properties {
            terms.push(Term::Property(key.clone(), value.clone()));
        }
        for_each_node_word(node, &mut |word| terms.push(Term::Word(word)));
        terms
    }
}

/// Adds `term` to `terms`, which stay sorted and free of repeats. A query names few terms, and a
/// sort of them would be one more sort compiled into every wasm module.
fn add_term(terms: &mut Vec<Term>, term: Term) {
    if let Err(at) = terms.binary_search(&term) {
        terms.insert(at, term);
    }
}

/// A query checked and broken into index terms: `any_of` holds its labels, `all_of` its tags,
/// properties and words, each once.
#[derive(Debug)]
pub(crate) struct PreparedQuery<'q> {
    pub(crate) query: &'q NodeQuery,
    pub(crate) any_of: Vec<Term>,
    pub(crate) all_of: Vec<Term>,
}

impl<'q> PreparedQuery<'q> {
    pub(crate) fn new(query: &'q NodeQuery) -> Result<Self> {
        let mut all_of = Vec::new();
        for tag in &query.tags {
            add_term(&mut all_of, Term::Tag(tag.clone()));
        }
        for (key, value) in &query.properties {
            add_term(&mut all_of, Term::Property(key.clone(), value.clone()));
        }
        if let Some(text) = &query.text {
            let mut words = 0;
            for_each_word(text, &mut |word| {
                words += 1;
                add_term(&mut all_of, Term::Word(word));
            });
            if words == 0 {
                return Err(Error::InvalidInput(format!(
                    "query text {} has no word in it; give letters or digits, or no text",
                    Quoted(text)
                )));
            }
        }
        let mut any_of = Vec::new();
        for label in &query.labels {
            add_term(&mut any_of, Term::Label(label.clone()));
        }
        Ok(PreparedQuery {
            query,
            any_of,
            all_of,
        })
    }

    /// The most nodes the answer may hold.
    pub(crate) fn limit(&self) -> usize {
        self.query.limit.unwrap_or(usize::MAX)
    }

    /// True when `node` was created inside the query's `since`..`until` window.
    pub(crate) fn in_window(&self, node: &Node) -> bool {
        let q = self.query;
        q.since.is_none_or(|t| node.created_at >= t) && q.until.is_none_or(|t| node.created_at < t)
    }

    /// True when `node` satisfies every criterion but `limit`, checked on the node itself.
    #[cfg_attr(
        not(all(not(target_family = "wasm"), feature = "native")),
        allow(dead_code)
    )] // used by RocksDB, which checks each candidate against its record
    pub(crate) fn matches(&self, node: &Node) -> bool {
        let q = self.query;
        let words = if q.text.is_some() {
            node_words(node)
        } else {
            Default::default()
        };
        q.after.as_ref().is_none_or(|after| node.id > *after)
            && self.in_window(node)
            && (q.labels.is_empty() || q.labels.contains(&node.label))
            && self.all_of.iter().all(|term| match term {
                Term::Tag(tag) => node.tags.contains(tag),
                Term::Property(k, v) => node.properties.get(k) == Some(v),
                Term::Word(word) => words.contains(word),
                Term::Label(label) => node.label == *label,
            })
    }
}
