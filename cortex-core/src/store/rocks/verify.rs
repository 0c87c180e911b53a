//! The index check behind `verify_indexes`: every index entry is recomputed from the records and compared,
//! key and value, with what the index column family holds, like an fsck after a crash.
//!
//! Queries cannot show a bad index: they re-check each candidate against its record, so a stale entry is
//! filtered out and a missing one silently drops a result. This reads the column families themselves.

use std::collections::BTreeSet;
use std::fmt;

use rocksdb::{Snapshot, DB};

use super::encoding::decode_node;
use super::events::{decode_record, BY_KIND, BY_SOURCE, BY_TIME, EVENTS};
use super::graph::{index, IN, NODES, OUT};
use super::kinds::KINDS;
use super::{backend, family, keys};
use crate::error::{Error, Result};

/// How one index column family compares with the entries its records call for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct IndexCheck {
    /// The column family checked.
    pub index: &'static str,
    /// Entries found in it.
    pub entries: u64,
    /// Keys the records call for that the index lacks.
    pub missing: Vec<Vec<u8>>,
    /// Keys the index holds that no record accounts for: stale, malformed, or naming a record that is gone.
    pub extra: Vec<Vec<u8>>,
    /// Keys on both sides whose stored value differs from the one recomputed.
    pub mismatched: Vec<Vec<u8>>,
}

impl IndexCheck {
    /// True when the index holds exactly the entries its records call for.
    pub fn is_consistent(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.mismatched.is_empty()
    }
}

/// What `verify_indexes` found, from one snapshot of the store: one [`IndexCheck`] per index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct IndexReport {
    /// Records the entries were recomputed from: events for the event log; nodes and edges for the graph.
    pub records: u64,
    /// One check per index column family, in a fixed order.
    pub indexes: Vec<IndexCheck>,
}

impl IndexReport {
    /// True when every index holds exactly the entries its records call for.
    pub fn is_consistent(&self) -> bool {
        self.indexes.iter().all(IndexCheck::is_consistent)
    }
}

/// Recomputes the `by_kind`, `by_source` and `by_time` entries of every event, and the `kinds` catalogue
/// (one entry per distinct kind), and compares each index.
/// A record that cannot be decoded is an `Error::Corrupt`: what it should be indexed under is unknown.
pub(super) fn event_indexes(db: &DB) -> Result<IndexReport> {
    let snapshot = db.snapshot();
    // One pass over the log; the expected keys take about the room the indexes take on disk.
    let (mut by_kind, mut by_source, mut by_time) = (Vec::new(), Vec::new(), Vec::new());
    let mut kinds = BTreeSet::new();
    scan(db, &snapshot, EVENTS, |key, value| {
        let event = decode_record(key, value)?;
        if !kinds.contains(&event.kind) {
            kinds.insert(event.kind.clone());
        }
        by_kind.push((keys::by_kind(&event.kind, event.id), Vec::new()));
        by_source.push((keys::by_source(&event.source, event.id), Vec::new()));
        by_time.push((
            keys::by_time(event.timestamp, event.id).to_vec(),
            Vec::new(),
        ));
        Ok(())
    })?;
    Ok(IndexReport {
        records: by_kind.len() as u64,
        indexes: vec![
            compare(db, &snapshot, BY_KIND, by_kind)?,
            compare(db, &snapshot, BY_SOURCE, by_source)?,
            compare(db, &snapshot, BY_TIME, by_time)?,
            compare(
                db,
                &snapshot,
                KINDS,
                kinds
                    .into_iter()
                    .map(|k| (k.into_bytes(), Vec::new()))
                    .collect(),
            )?,
        ],
    })
}

/// Checks `out` and `in`, then the node indexes: an `out` entry is an edge when it parses and both its
/// ends are nodes, and every such edge must have its mirror in `in`, carrying the same weight; each
/// node index must hold exactly the entries the node records call for. A node record that cannot be decoded, or that is
/// stored under another id than its own, is an `Error::Corrupt`.
pub(super) fn graph_indexes(db: &DB) -> Result<IndexReport> {
    let snapshot = db.snapshot();
    let mut nodes = BTreeSet::new();
    let mut expected: Vec<Vec<(Vec<u8>, Vec<u8>)>> = vec![Vec::new(); index::FAMILIES.len()];
    scan(db, &snapshot, NODES, |key, value| {
        let node = decode_node(value)?;
        if key != node.id.0 {
            return Err(Error::Corrupt(format!(
                "node {} stored under the key {key:02x?}",
                node.id
            )));
        }
        for (family, key) in index::entries(&node) {
            let at = index::FAMILIES.iter().position(|f| *f == family);
            expected[at.unwrap_or_default()].push((key, Vec::new()));
        }
        nodes.insert(node.id);
        Ok(())
    })?;

    let (mut edges, mut mirrors) = (Vec::new(), Vec::new());
    scan(db, &snapshot, OUT, |key, value| {
        if let (Some((from, relation, to)), Some(_)) =
            (keys::split_adjacency(key), keys::parse_weight(value))
        {
            if nodes.contains(&from) && nodes.contains(&to) {
                mirrors.push((keys::adjacency(&to, relation, &from), value.to_vec()));
                edges.push((key.to_vec(), value.to_vec()));
            }
        }
        Ok(())
    })?;
    let records = (nodes.len() + edges.len()) as u64;
    let mut indexes = vec![
        compare(db, &snapshot, OUT, edges)?,
        compare(db, &snapshot, IN, mirrors)?,
    ];
    for (family, entries) in index::FAMILIES.into_iter().zip(expected) {
        indexes.push(compare(db, &snapshot, family, entries)?);
    }
    Ok(IndexReport { records, indexes })
}

/// Calls `each` with every entry of `name`, in key order, as of `snapshot`.
fn scan(
    db: &DB,
    snapshot: &Snapshot<'_>,
    name: &str,
    mut each: impl FnMut(&[u8], &[u8]) -> Result<()>,
) -> Result<()> {
    let mut iter = snapshot.raw_iterator_cf(family(db, name)?);
    iter.seek_to_first();
    while let Some((key, value)) = iter.item() {
        each(key, value)?;
        iter.next();
    }
    iter.status()
        .map_err(backend("cannot scan a RocksDB column family"))
}

/// Walks `index` in key order beside the `expected` entries and files every difference.
fn compare(
    db: &DB,
    snapshot: &Snapshot<'_>,
    index: &'static str,
    mut expected: Vec<(Vec<u8>, Vec<u8>)>,
) -> Result<IndexCheck> {
    // Byte order of the keys, as RocksDB's default comparator sorts them.
    expected.sort_unstable();
    let mut want = expected.into_iter().peekable();
    let mut check = IndexCheck {
        index,
        ..IndexCheck::default()
    };
    scan(db, snapshot, index, |key, value| {
        check.entries += 1;
        while let Some((missing, _)) = want.next_if(|(k, _)| k.as_slice() < key) {
            check.missing.push(missing);
        }
        match want.next_if(|(k, _)| k.as_slice() == key) {
            Some((_, expected)) if expected != value => check.mismatched.push(key.to_vec()),
            Some(_) => {}
            None => check.extra.push(key.to_vec()),
        }
        Ok(())
    })?;
    check.missing.extend(want.map(|(key, _)| key));
    Ok(check)
}

impl fmt::Display for IndexCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} entries, {} missing, {} extra, {} mismatched",
            self.index,
            self.entries,
            self.missing.len(),
            self.extra.len(),
            self.mismatched.len()
        )?;
        for (what, keys) in [
            ("missing", &self.missing),
            ("extra", &self.extra),
            ("mismatched", &self.mismatched),
        ] {
            if let Some(key) = keys.first() {
                write!(f, "; first {what} key ")?;
                key.iter().try_for_each(|byte| write!(f, "{byte:02x}"))?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for IndexReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} records", self.records)?;
        self.indexes
            .iter()
            .try_for_each(|check| write!(f, "\n  {check}"))
    }
}
