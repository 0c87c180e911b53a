//! The node index column families of the RocksDB graph: their key layouts, the entries a node calls
//! for, and the rebuild that indexes a graph written before they existed.
//!
//! Every key ends with the node's 32-byte id and has an empty value. `by_label`, `by_tag` and `by_word`
//! key `name | 0 | id`; `by_property` keys `len(key) | key | value | 0 | id` (LEB128 length, so no
//! two properties share a prefix); `by_created` keys `created_at (big-endian u64) | id`. Within one
//! name the keys are in id order, which is what lets `find` intersect indexes by seeking.

use rocksdb::{WriteBatch, DB};

use super::super::encoding::{decode_node, put_varint};
use super::super::{backend, family};
use crate::error::Result;
use crate::event::{NodeId, Timestamp};
use crate::graph::{Node, Term};

pub(in crate::store::rocks) const BY_LABEL: &str = "by_label";
pub(in crate::store::rocks) const BY_TAG: &str = "by_tag";
pub(in crate::store::rocks) const BY_PROPERTY: &str = "by_property";
pub(in crate::store::rocks) const BY_CREATED: &str = "by_created";
pub(in crate::store::rocks) const BY_WORD: &str = "by_word";

/// The node index families, in the order `verify_indexes` reports them.
pub(in crate::store::rocks) const FAMILIES: [&str; 5] =
    [BY_LABEL, BY_TAG, BY_PROPERTY, BY_CREATED, BY_WORD];

pub(super) const ID_LEN: usize = 32;

/// The family a term is indexed in, and the prefix of its keys (each followed by a node id).
pub(super) fn term_prefix(term: &Term) -> (&'static str, Vec<u8>) {
    let mut prefix = Vec::new();
    let family = match term {
        Term::Label(name) | Term::Tag(name) | Term::Word(name) => {
            prefix.extend_from_slice(name.as_bytes());
            prefix.push(0);
            match term {
                Term::Label(_) => BY_LABEL,
                Term::Tag(_) => BY_TAG,
                _ => BY_WORD,
            }
        }
        Term::Property(key, value) => {
            put_varint(&mut prefix, key.len() as u64);
            prefix.extend_from_slice(key.as_bytes());
            prefix.extend_from_slice(value.as_bytes());
            prefix.push(0);
            BY_PROPERTY
        }
    };
    (family, prefix)
}

/// `by_created`: created_at | id.
pub(super) fn created(at: Timestamp, id: &NodeId) -> Vec<u8> {
    let mut key = at.to_be_bytes().to_vec();
    key.extend_from_slice(&id.0);
    key
}

/// Every (family, key) `node` is indexed under, each once, in order.
pub(in crate::store::rocks) fn entries(node: &Node) -> Vec<(&'static str, Vec<u8>)> {
    let mut entries: Vec<_> = Term::of(node)
        .iter()
        .map(|term| {
            let (family, mut key) = term_prefix(term);
            key.extend_from_slice(&node.id.0);
            (family, key)
        })
        .collect();
    entries.push((BY_CREATED, created(node.created_at, &node.id)));
    // A word the node holds twice is one entry.
    entries.sort_unstable();
    entries.dedup();
    entries
}

/// The node id at the end of an index key, if the key is long enough to hold one.
pub(super) fn trailing_node(key: &[u8]) -> Option<NodeId> {
    let start = key.len().checked_sub(ID_LEN)?;
    Some(NodeId(key[start..].try_into().ok()?))
}

/// Adds to `batch` the deletion of `node`'s entries (when it is `Some`) and the insertion of those of
/// `new` (when it is `Some`).
pub(super) fn update(
    db: &DB,
    batch: &mut WriteBatch,
    old: Option<&Node>,
    new: Option<&Node>,
) -> Result<()> {
    for (family_name, key) in old.map(entries).unwrap_or_default() {
        batch.delete_cf(family(db, family_name)?, key);
    }
    for (family_name, key) in new.map(entries).unwrap_or_default() {
        batch.put_cf(family(db, family_name)?, key, []);
    }
    Ok(())
}

/// Indexes every node again, in one batch, when `by_created` (which holds one entry per node) does not
/// hold as many entries as there are nodes: a graph written before the node indexes existed, whose
/// version 1 records index with no tags and time 0. A record that cannot be decoded is left unindexed
/// (reading it reports the corruption).
pub(in crate::store::rocks) fn rebuild_if_missing(db: &DB, nodes: u64) -> Result<()> {
    if super::count_keys(db, family(db, BY_CREATED)?)? == nodes {
        return Ok(());
    }
    let mut batch = WriteBatch::default();
    for name in FAMILIES {
        let cf = family(db, name)?;
        let mut iter = db.raw_iterator_cf(cf);
        iter.seek_to_first();
        while let Some(key) = iter.key() {
            batch.delete_cf(cf, key);
            iter.next();
        }
        iter.status()
            .map_err(backend("cannot clear a node index of the RocksDB graph"))?;
    }
    let mut iter = db.raw_iterator_cf(family(db, super::NODES)?);
    iter.seek_to_first();
    while let Some(value) = iter.value() {
        if let Ok(node) = decode_node(value) {
            update(db, &mut batch, None, Some(&node))?;
        }
        iter.next();
    }
    iter.status()
        .map_err(backend("cannot read the nodes of the RocksDB graph"))?;
    db.write(batch).map_err(backend(
        "cannot write the rebuilt node indexes of the RocksDB graph",
    ))
}
