//! The index check behind `verify_indexes`: each store recomputes every index entry from its records
//! (`events/verify.rs`, `graph/verify.rs`), and this compares them, key and value, with what the index
//! column family holds, like an fsck after a crash.
//!
//! Queries cannot show a bad index: they re-check each candidate against its record, so a stale entry is
//! filtered out and a missing one silently drops a result. This reads the column families themselves.

use std::fmt;

use rocksdb::{Snapshot, DB};

use super::{backend, family};
use crate::error::Result;

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

/// Calls `each` with every entry of `name`, in key order, as of `snapshot`.
pub(super) fn scan(
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
pub(super) fn compare(
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
