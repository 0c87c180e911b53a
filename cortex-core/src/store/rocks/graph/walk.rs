//! The graph algorithms' view of a RocksDB graph: one iterator over the `out` family, sought to each
//! node in turn. Going through `neighbors` opened an iterator and built `Edge`s (relations copied)
//! for every node reached, which cost a traversal more than reading the edges themselves.

use std::cell::RefCell;
use std::ops::Range;

use rocksdb::{DBRawIterator, DB};

use super::{RocksGraphStore, NODES, OUT};
use crate::error::{Error, Result};
use crate::event::NodeId;
use crate::store::algorithms::Successors;
use crate::store::rocks::{backend, keys};

pub(super) struct OutgoingWalk<'a> {
    store: &'a RocksGraphStore,
    iter: RefCell<DBRawIterator<'a>>,
    edges: RefCell<NodeEdges>,
}

/// A node's edges as read: each relation a range of `relations`, so reading a node's edges
/// allocates nothing once these have grown.
#[derive(Default)]
struct NodeEdges {
    relations: Vec<u8>,
    found: Vec<(Range<usize>, NodeId, f64)>,
}

impl<'a> OutgoingWalk<'a> {
    pub(super) fn new(store: &'a RocksGraphStore) -> Result<Self> {
        let db: &'a DB = &store.db;
        let iter = db.raw_iterator_cf(store.family(OUT)?);
        Ok(OutgoingWalk {
            store,
            iter: RefCell::new(iter),
            edges: RefCell::default(),
        })
    }
}

impl Successors for OutgoingWalk<'_> {
    fn has_node(&self, id: &NodeId) -> Result<bool> {
        self.store.contains(NODES, &id.0)
    }

    fn for_each_successor(&self, node: &NodeId, mut visit: impl FnMut(NodeId, f64)) -> Result<()> {
        let mut iter = self.iter.borrow_mut();
        let mut edges = self.edges.borrow_mut();
        let NodeEdges { relations, found } = &mut *edges;
        relations.clear();
        found.clear();
        iter.seek(node.0);
        while let Some((key, value)) = iter.item() {
            if !key.starts_with(&node.0) {
                break;
            }
            let corrupt = || Error::Corrupt(format!("malformed out entry of node {node}"));
            let (_, relation, to) = keys::split_adjacency(key).ok_or_else(corrupt)?;
            let weight = keys::parse_weight(value).ok_or_else(corrupt)?;
            let start = relations.len();
            relations.extend_from_slice(relation.as_bytes());
            found.push((start..relations.len(), to, weight));
            iter.next();
        }
        iter.status()
            .map_err(backend("cannot scan the edges of a node in RocksDB"))?;
        // Key order is (relation, other end), the order the algorithms promise, unless a relation
        // holds a 0 byte (the separator in the key).
        if relations.contains(&0) {
            found.sort_by(|a, b| {
                (&relations[a.0.clone()], a.1).cmp(&(&relations[b.0.clone()], b.1))
            });
        }
        for (_, to, weight) in found.iter() {
            visit(*to, *weight);
        }
        Ok(())
    }
}
