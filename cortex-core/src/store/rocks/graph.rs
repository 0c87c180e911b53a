//! `RocksGraphStore`: nodes in `nodes` with their index entries beside them (see `index`), each edge
//! under `out` and `in` so both directions are prefix scans.

mod find;
pub(super) mod index;
#[cfg(test)]
mod tests;
mod verify;
mod walk;

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path as FsPath;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rocksdb::{ColumnFamily, ReadOptions, WriteBatch, DB};

use super::encoding::{decode_node, encode_node};
use super::keys::{self, IN, NODES, OUT};
use super::verify::IndexReport;
use super::{backend, family, write_options, RocksOptions, RocksStatistics, Statistics};
use crate::error::{Error, Result};
use crate::event::{now_millis, NodeId};
use crate::graph::{Direction, Edge, Node, NodeQuery, Path, PreparedQuery};
use crate::store::validate::{validate_edge, validate_node};
use crate::store::{algorithms, GraphStore};

/// A directed property graph persisted in RocksDB. Each write (a node with its index entries, a node's
/// removal with all its edges and entries, or one edge in both directions) is one atomic batch; writes
/// are serialised so existence checks stay true.
pub struct RocksGraphStore {
    db: DB,
    options: RocksOptions,
    statistics: Statistics,
    counts: Mutex<Counts>,
}

/// Node and edge totals, counted once on open and kept up to date by the (serialised) writers.
#[derive(Debug)]
struct Counts {
    nodes: u64,
    edges: u64,
}

/// One adjacency entry read back from `out` or `in`, seen from the node whose prefix was scanned.
struct Adjacent {
    relation: String,
    other: NodeId,
    weight: f64,
}

impl RocksGraphStore {
    /// Opens the graph at `path`, creating it if `options.create_if_missing`.
    pub fn open(path: impl AsRef<FsPath>, options: RocksOptions) -> Result<Self> {
        let [label, tag, property, created, word] = index::FAMILIES;
        let families = [NODES, OUT, IN, label, tag, property, created, word];
        let (db, statistics) = super::open(path.as_ref(), &options, &families)?;
        let counts = Counts {
            nodes: count_keys(&db, family(&db, NODES)?)?,
            edges: count_keys(&db, family(&db, OUT)?)?,
        };
        index::rebuild_if_missing(&db, counts.nodes)?;
        Ok(RocksGraphStore {
            db,
            options,
            statistics,
            counts: Mutex::new(counts),
        })
    }

    /// Checks, as of one snapshot, that every `out` entry is an edge between two stored nodes, that
    /// `in` holds exactly their mirrors with the same weights, and that each node index holds exactly
    /// the entries the node records call for: what to run after a crash to trust the graph.
    pub fn verify_indexes(&self) -> Result<IndexReport> {
        verify::graph_indexes(&self.db)
    }

    /// RocksDB's counters for this store, or `None` unless it was opened with `RocksOptions::statistics`.
    pub fn statistics(&self) -> Option<RocksStatistics> {
        self.statistics.read()
    }

    fn family(&self, name: &str) -> Result<&ColumnFamily> {
        family(&self.db, name)
    }

    // The counts change only after a successful write, so they are consistent even after a panic.
    fn counts(&self) -> MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn contains(&self, family: &str, key: &[u8]) -> Result<bool> {
        Ok(self
            .db
            .get_pinned_cf(self.family(family)?, key)
            .map_err(backend("cannot look up a key in RocksDB"))?
            .is_some())
    }

    /// The stored node `id`, if any; a record that cannot be decoded counts as absent, so writing over
    /// or removing it repairs the node (its index entries, unknown, stay for `verify_indexes` to name).
    fn existing_node(&self, id: &NodeId) -> Result<Option<Node>> {
        self.get_node(id).or_else(|e| match e {
            Error::Corrupt(_) | Error::UnsupportedVersion { .. } => Ok(None),
            other => Err(other),
        })
    }

    fn write(&self, batch: WriteBatch) -> Result<()> {
        self.db
            .write_opt(batch, &write_options(&self.options))
            .map_err(backend("cannot write to the RocksDB graph"))
    }

    /// The entries of `node` in `family` (`out` or `in`), of one relation or all, in key order.
    fn adjacent(
        &self,
        family: &str,
        node: &NodeId,
        relation: Option<&str>,
    ) -> Result<Vec<Adjacent>> {
        let prefix = keys::adjacency_prefix(node, relation);
        let mut read = ReadOptions::default();
        if let Some(end) = keys::prefix_end(&prefix) {
            read.set_iterate_upper_bound(end);
        }
        let mut iter = self.db.raw_iterator_cf_opt(self.family(family)?, read);
        iter.seek(&prefix);
        let mut found = Vec::new();
        while let Some((key, value)) = iter.item() {
            let corrupt = || Error::Corrupt(format!("malformed {family} entry of node {node}"));
            let (_, rel, other) = keys::split_adjacency(key).ok_or_else(corrupt)?;
            // A relation containing a 0 byte can share the prefix of a shorter one; skip it.
            if relation.is_none_or(|r| r == rel) {
                let weight = keys::parse_weight(value).ok_or_else(corrupt)?;
                found.push(Adjacent {
                    relation: rel.to_owned(),
                    other,
                    weight,
                });
            }
            iter.next();
        }
        iter.status()
            .map_err(backend("cannot scan the edges of a node in RocksDB"))?;
        Ok(found)
    }
}

/// Number of keys in a column family.
fn count_keys(db: &DB, family: &ColumnFamily) -> Result<u64> {
    let mut iter = db.raw_iterator_cf(family);
    iter.seek_to_first();
    let mut count = 0;
    while iter.valid() {
        count += 1;
        iter.next();
    }
    iter.status()
        .map_err(backend("cannot count the keys of a RocksDB column family"))?;
    Ok(count)
}

impl GraphStore for RocksGraphStore {
    fn put_node(&self, mut node: Node) -> Result<()> {
        validate_node(&node)?;
        let now = now_millis();
        let mut counts = self.counts();
        let existed = self.contains(NODES, &node.id.0)?;
        let old = self.existing_node(&node.id)?;
        node.created_at = old.as_ref().map_or(now, |old| old.created_at);
        // A clock set back must not make a node updated before it was created.
        node.updated_at = now.max(node.created_at);
        let mut batch = WriteBatch::default();
        index::update(&self.db, &mut batch, old.as_ref(), Some(&node))?;
        batch.put_cf(self.family(NODES)?, node.id.0, encode_node(&node));
        self.write(batch)?;
        counts.nodes += u64::from(!existed);
        Ok(())
    }

    fn get_node(&self, id: &NodeId) -> Result<Option<Node>> {
        match self
            .db
            .get_pinned_cf(self.family(NODES)?, id.0)
            .map_err(backend("cannot read a node from RocksDB"))?
        {
            Some(value) => decode_node(&value).map(Some),
            None => Ok(None),
        }
    }

    fn remove_node(&self, id: &NodeId) -> Result<bool> {
        let (nodes, out, inc) = (self.family(NODES)?, self.family(OUT)?, self.family(IN)?);
        let mut counts = self.counts();
        if !self.contains(NODES, &id.0)? {
            return Ok(false);
        }
        let mut batch = WriteBatch::default();
        batch.delete_cf(nodes, id.0);
        index::update(&self.db, &mut batch, self.existing_node(id)?.as_ref(), None)?;
        // A self-loop shows up on both sides; the set counts it once.
        let mut removed = BTreeSet::new();
        for edge in self.adjacent(OUT, id, None)? {
            batch.delete_cf(out, keys::adjacency(id, &edge.relation, &edge.other));
            batch.delete_cf(inc, keys::adjacency(&edge.other, &edge.relation, id));
            removed.insert((*id, edge.relation, edge.other));
        }
        for edge in self.adjacent(IN, id, None)? {
            batch.delete_cf(inc, keys::adjacency(id, &edge.relation, &edge.other));
            batch.delete_cf(out, keys::adjacency(&edge.other, &edge.relation, id));
            removed.insert((edge.other, edge.relation, *id));
        }
        self.write(batch)?;
        counts.nodes -= 1;
        counts.edges -= removed.len() as u64;
        Ok(true)
    }

    fn put_edge(&self, edge: Edge) -> Result<()> {
        validate_edge(&edge)?;
        let mut counts = self.counts();
        for end in [&edge.from, &edge.to] {
            if !self.contains(NODES, &end.0)? {
                return Err(Error::MissingNode(*end));
            }
        }
        let out_key = keys::adjacency(&edge.from, &edge.relation, &edge.to);
        let existed = self.contains(OUT, &out_key)?;
        let mut batch = WriteBatch::default();
        batch.put_cf(self.family(OUT)?, out_key, keys::weight(edge.weight));
        batch.put_cf(
            self.family(IN)?,
            keys::adjacency(&edge.to, &edge.relation, &edge.from),
            keys::weight(edge.weight),
        );
        self.write(batch)?;
        counts.edges += u64::from(!existed);
        Ok(())
    }

    fn get_edge(&self, from: &NodeId, relation: &str, to: &NodeId) -> Result<Option<Edge>> {
        let key = keys::adjacency(from, relation, to);
        let Some(value) = self
            .db
            .get_pinned_cf(self.family(OUT)?, key)
            .map_err(backend("cannot read an edge from RocksDB"))?
        else {
            return Ok(None);
        };
        let weight = keys::parse_weight(&value).ok_or_else(|| {
            Error::Corrupt(format!(
                "malformed weight of edge {from} -{relation}-> {to}"
            ))
        })?;
        Ok(Some(Edge {
            from: *from,
            to: *to,
            relation: relation.to_owned(),
            weight,
        }))
    }

    fn remove_edge(&self, from: &NodeId, relation: &str, to: &NodeId) -> Result<bool> {
        let mut counts = self.counts();
        let out_key = keys::adjacency(from, relation, to);
        if !self.contains(OUT, &out_key)? {
            return Ok(false);
        }
        let mut batch = WriteBatch::default();
        batch.delete_cf(self.family(OUT)?, out_key);
        batch.delete_cf(self.family(IN)?, keys::adjacency(to, relation, from));
        self.write(batch)?;
        counts.edges -= 1;
        Ok(true)
    }

    fn neighbors(
        &self,
        node: &NodeId,
        direction: Direction,
        relation: Option<&str>,
    ) -> Result<Vec<Edge>> {
        let node = *node;
        let mut edges = Vec::new();
        if direction != Direction::Incoming {
            edges.extend(
                self.adjacent(OUT, &node, relation)?
                    .into_iter()
                    .map(|a| Edge {
                        from: node,
                        to: a.other,
                        relation: a.relation,
                        weight: a.weight,
                    }),
            );
        }
        if direction != Direction::Outgoing {
            let incoming = self.adjacent(IN, &node, relation)?.into_iter();
            // Listing both directions, a self-loop is already there as an outgoing edge.
            let incoming = incoming.filter(|a| direction == Direction::Incoming || a.other != node);
            edges.extend(incoming.map(|a| Edge {
                from: a.other,
                to: node,
                relation: a.relation,
                weight: a.weight,
            }));
        }
        // Key order already is (relation, other endpoint) except around relations holding a 0 byte,
        // and the two directions are listed one after the other.
        algorithms::sort_neighbors(&node, &mut edges);
        Ok(edges)
    }

    // One iterator for the whole walk, which also reads one implicit snapshot of the edges.
    fn traverse(&self, start: &NodeId, max_depth: usize) -> Result<Vec<(NodeId, usize)>> {
        algorithms::traverse_successors(&walk::OutgoingWalk::new(self)?, start, max_depth)
    }

    fn shortest_path(&self, from: &NodeId, to: &NodeId) -> Result<Option<Path>> {
        algorithms::shortest_path_successors(&walk::OutgoingWalk::new(self)?, from, to)
    }

    fn find_nodes(&self, query: &NodeQuery) -> Result<Vec<Node>> {
        find::find(&self.db, &PreparedQuery::new(query)?)
    }

    fn node_count(&self) -> Result<u64> {
        Ok(self.counts().nodes)
    }

    fn edge_count(&self) -> Result<u64> {
        Ok(self.counts().edges)
    }
}

impl fmt::Debug for RocksGraphStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RocksGraphStore")
            .field("path", &self.db.path())
            .field("counts", &*self.counts())
            .finish()
    }
}
