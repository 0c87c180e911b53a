//! Ordered scans of event ids out of one index, or merged out of several, for query planning.

use std::iter::Peekable;

use rocksdb::{ColumnFamily, DBRawIterator, ReadOptions, DB};

use super::{backend, keys};
use crate::error::Result;
use crate::event::EventId;

/// Ids taken from the trailing 8 bytes of index keys in `[lower, upper)`, in key order.
///
/// Keys of another length are skipped: they belong to a longer name sharing the prefix
/// (a kind `"a\0b"` under the prefix of kind `"a"`).
pub(super) struct IndexScan<'a> {
    iter: DBRawIterator<'a>,
    key_len: usize,
    started: bool,
    done: bool,
}

impl<'a> IndexScan<'a> {
    pub(super) fn new(
        db: &'a DB,
        family: &ColumnFamily,
        lower: &[u8],
        upper: Option<Vec<u8>>,
        key_len: usize,
    ) -> Self {
        let mut read = ReadOptions::default();
        if let Some(upper) = upper {
            read.set_iterate_upper_bound(upper);
        }
        let mut iter = db.raw_iterator_cf_opt(family, read);
        iter.seek(lower);
        IndexScan {
            iter,
            key_len,
            started: false,
            done: false,
        }
    }
}

impl Iterator for IndexScan<'_> {
    type Item = Result<EventId>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            if self.started {
                self.iter.next();
            }
            self.started = true;
            match self.iter.key() {
                Some(key) if key.len() == self.key_len => return keys::trailing_id(key).map(Ok),
                Some(_) => {}
                None => {
                    self.done = true;
                    return self
                        .iter
                        .status()
                        .err()
                        .map(|e| Err(backend("cannot scan a RocksDB index")(e)));
                }
            }
        }
        None
    }
}

/// Several ascending id scans merged into one ascending scan (an event is in exactly one of them).
pub(super) struct MergedScan<'a> {
    scans: Vec<Peekable<IndexScan<'a>>>,
}

impl<'a> MergedScan<'a> {
    pub(super) fn new(scans: Vec<IndexScan<'a>>) -> Self {
        MergedScan {
            scans: scans.into_iter().map(Iterator::peekable).collect(),
        }
    }
}

impl Iterator for MergedScan<'_> {
    type Item = Result<EventId>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut smallest: Option<(usize, EventId)> = None;
        for (i, scan) in self.scans.iter_mut().enumerate() {
            match scan.peek() {
                Some(Err(_)) => return scan.next(),
                Some(Ok(id)) if smallest.is_none_or(|(_, s)| *id < s) => smallest = Some((i, *id)),
                _ => {}
            }
        }
        let (i, _) = smallest?;
        self.scans[i].next()
    }
}
