//! The kind catalogue: every distinct kind in the log, so a prefix pattern finds its kinds by a range.
//!
//! `by_kind` keys are `kind | 0 | id`, and a kind may itself hold a 0 byte, so the keys of `x` and of
//! `x\0y` interleave: the distinct kinds under a prefix cannot be found by skipping from one kind to
//! the next without reading every key between. The catalogue (column family `kinds`, one empty-valued
//! entry per kind, written in the same batch as the first event of that kind) lists them instead; a
//! query reads its in-memory copy by range, then seeks each kind's own run of `by_kind`.

use std::collections::BTreeSet;
use std::ops::Bound;
use std::sync::{PoisonError, RwLock};

use rocksdb::{WriteBatch, DB};

use super::keys::{self, BY_KIND, KINDS};
use super::{backend, family};
use crate::error::{Error, Result};
use crate::kind_pattern::KindPattern;

/// The kinds of a log, held in memory and mirrored in the `kinds` column family.
#[derive(Debug, Default)]
pub(super) struct KindCatalogue {
    // Only whole-set inserts happen under the lock, so a poisoned lock still holds a consistent set.
    kinds: RwLock<BTreeSet<String>>,
}

impl KindCatalogue {
    /// Reads the catalogue, first filling it from `by_kind` when a log written before it existed has events.
    pub(super) fn load(db: &DB) -> Result<Self> {
        let mut kinds = BTreeSet::new();
        let mut iter = db.raw_iterator_cf(family(db, KINDS)?);
        iter.seek_to_first();
        while let Some(key) = iter.key() {
            kinds.insert(kind_name(key)?);
            iter.next();
        }
        iter.status()
            .map_err(backend("cannot read the RocksDB kind catalogue"))?;
        if kinds.is_empty() {
            kinds = backfill(db)?;
        }
        Ok(KindCatalogue {
            kinds: RwLock::new(kinds),
        })
    }

    /// Adds to `batch` an entry for each kind of `kinds` not catalogued yet, and returns those kinds
    /// for `remember` once the batch is written.
    pub(super) fn add_new<'k>(
        &self,
        batch: &mut WriteBatch,
        db: &DB,
        kinds: impl Iterator<Item = &'k str>,
    ) -> Result<Vec<&'k str>> {
        let known = self.kinds.read().unwrap_or_else(PoisonError::into_inner);
        let mut new: Vec<&str> = kinds.filter(|k| !known.contains(*k)).collect();
        new.sort_unstable();
        new.dedup();
        if !new.is_empty() {
            let catalogue = family(db, KINDS)?;
            for kind in &new {
                batch.put_cf(catalogue, kind.as_bytes(), b"");
            }
        }
        Ok(new)
    }

    /// Records kinds whose entries are now written.
    pub(super) fn remember(&self, new: Vec<&str>) {
        if !new.is_empty() {
            let mut known = self.kinds.write().unwrap_or_else(PoisonError::into_inner);
            known.extend(new.into_iter().map(str::to_owned));
        }
    }

    /// The catalogued kinds some pattern selects, ascending and each once; `*` is planned by the
    /// caller and a malformed pattern was refused before planning, so both add nothing here.
    pub(super) fn matching(&self, patterns: &[String]) -> Vec<String> {
        let known = self.kinds.read().unwrap_or_else(PoisonError::into_inner);
        let mut found = BTreeSet::new();
        for pattern in patterns {
            match KindPattern::parse(pattern) {
                Ok(KindPattern::Exact(kind)) => {
                    if let Some(kind) = known.get(kind) {
                        found.insert(kind);
                    }
                }
                Ok(KindPattern::Prefix(head)) => found.extend(
                    known
                        .range::<str, _>((Bound::Included(head), Bound::Unbounded))
                        .take_while(|kind| kind.starts_with(head)),
                ),
                Ok(KindPattern::Any) | Err(_) => {}
            }
        }
        found.into_iter().cloned().collect()
    }
}

/// Catalogues every kind `by_kind` holds, in one full pass: only ever run once, on a log from before the catalogue.
fn backfill(db: &DB) -> Result<BTreeSet<String>> {
    let mut kinds = BTreeSet::new();
    let mut iter = db.raw_iterator_cf(family(db, BY_KIND)?);
    iter.seek_to_first();
    while let Some(key) = iter.key() {
        let kind = keys::kind_of_index_key(key)
            .ok_or_else(|| Error::Corrupt(format!("malformed by_kind key {key:02x?}")))?;
        kinds.insert(kind_name(kind)?);
        iter.next();
    }
    iter.status()
        .map_err(backend("cannot scan the RocksDB kind index"))?;
    if !kinds.is_empty() {
        let catalogue = family(db, KINDS)?;
        let mut batch = WriteBatch::default();
        for kind in &kinds {
            batch.put_cf(catalogue, kind.as_bytes(), b"");
        }
        db.write(batch)
            .map_err(backend("cannot write the RocksDB kind catalogue"))?;
    }
    Ok(kinds)
}

fn kind_name(bytes: &[u8]) -> Result<String> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| Error::Corrupt(format!("kind {bytes:02x?} is not UTF-8")))
}

#[cfg(test)]
mod tests;
