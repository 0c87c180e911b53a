//! `find_nodes` on RocksDB, as of one snapshot: the query's index scans are sized up to a cap, the
//! smallest drives and the others are intersected with it by seeking (each holds its ids in order),
//! and every candidate is checked against its record before it is returned.
//!
//! A time window small enough to count drives instead, through `by_created`; a query naming no index
//! walks the nodes from its cursor.

use rocksdb::{DBRawIterator, ReadOptions, SnapshotWithThreadMode, DB};

use super::index::{self, trailing_node, ID_LEN};
use super::NODES;
use crate::error::Result;
use crate::event::NodeId;
use crate::graph::{Node, PreparedQuery, Term};
use crate::store::rocks::encoding::decode_node;
use crate::store::rocks::{backend, family, keys};

type Snapshot<'a> = SnapshotWithThreadMode<'a, DB>;

/// How far an index scan is counted to size it up: beyond this, scans are equally large.
const SIZE_CAP: usize = 64;
/// Steps an index scan takes forward before it seeks instead: stepping is cheaper while ids interleave.
const STEPS_BEFORE_SEEK: usize = 8;

pub(super) fn find(db: &DB, query: &PreparedQuery) -> Result<Vec<Node>> {
    let snapshot = db.snapshot();
    let mut found = Finder {
        snapshot: &snapshot,
        db,
        query,
        nodes: Vec::new(),
    };
    if query.limit() > 0 {
        found.run()?;
    }
    Ok(found.nodes)
}

struct Finder<'a> {
    db: &'a DB,
    snapshot: &'a Snapshot<'a>,
    query: &'a PreparedQuery<'a>,
    nodes: Vec<Node>,
}

impl<'a> Finder<'a> {
    fn run(&mut self) -> Result<()> {
        let (db, snapshot, query) = (self.db, self.snapshot, self.query);
        let after = query.query.after;
        let mut scans = Vec::new();
        for term in &query.all_of {
            scans.push(Scan(vec![Posting::open(db, snapshot, term)?]));
        }
        if !query.any_of.is_empty() {
            let labels = query.any_of.iter();
            let postings = labels.map(|term| Posting::open(db, snapshot, term));
            scans.push(Scan(postings.collect::<Result<_>>()?));
        }
        let windowed = query.query.since.is_some() || query.query.until.is_some();
        // A lone scan drives whatever its size, unless a time window may be smaller.
        let compare = windowed || scans.len() > 1;
        let mut sized = Vec::with_capacity(scans.len());
        for mut scan in scans {
            scan.start(after);
            let size = if compare {
                scan.size_up_to(SIZE_CAP, after)
            } else {
                0
            };
            sized.push((size, scan));
        }
        let smallest = sized.iter().map(|(size, _)| *size).min();
        if windowed {
            if let Some(ids) = self.window_ids(smallest.unwrap_or(SIZE_CAP + 1))? {
                return self.accept_all(ids);
            }
        }
        if sized.is_empty() {
            return self.walk_nodes(after);
        }
        sized.sort_by_key(|(size, _)| *size);
        let mut scans: Vec<Scan> = sized.into_iter().map(|(_, scan)| scan).collect();
        let result = self.intersect(&mut scans);
        scans.iter().try_for_each(Scan::status)?;
        result
    }

    /// Ids in ascending order that are in every scan, each checked against its record.
    fn intersect(&mut self, scans: &mut [Scan]) -> Result<()> {
        let Some((first, rest)) = scans.split_first_mut() else {
            return Ok(());
        };
        'candidates: while let Some(candidate) = first.current() {
            let mut target = candidate;
            for scan in rest.iter_mut() {
                scan.advance_to(&target);
                match scan.current() {
                    None => break 'candidates,
                    Some(id) if id == target => {}
                    Some(id) => {
                        target = id;
                        break;
                    }
                }
            }
            if target != candidate {
                first.advance_to(&target);
            } else if self.accept(candidate)? {
                break;
            } else {
                first.advance();
            }
        }
        Ok(())
    }

    /// The ids created inside the query's window, sorted, when it holds fewer than `than` entries
    /// (and no more than the cap); `None` when it holds more.
    fn window_ids(&self, than: usize) -> Result<Option<Vec<NodeId>>> {
        let q = self.query.query;
        let mut read = ReadOptions::default();
        if let Some(until) = q.until {
            read.set_iterate_upper_bound(until.to_be_bytes());
        }
        let mut iter = self
            .snapshot
            .raw_iterator_cf_opt(family(self.db, index::BY_CREATED)?, read);
        iter.seek(q.since.unwrap_or(0).to_be_bytes());
        let mut ids = Vec::new();
        // Entries before the cursor count too: they are read all the same.
        let mut entries = 0;
        while let Some(key) = iter.key() {
            if entries >= than.min(SIZE_CAP) {
                return Ok(None);
            }
            entries += 1;
            ids.extend(trailing_node(key).filter(|id| q.after.is_none_or(|a| *id > a)));
            iter.next();
        }
        iter.status().map_err(backend(
            "cannot scan the creation times of the RocksDB graph",
        ))?;
        ids.sort_unstable();
        Ok(Some(ids))
    }

    fn accept_all(&mut self, ids: Vec<NodeId>) -> Result<()> {
        for id in ids {
            if self.accept(id)? {
                break;
            }
        }
        Ok(())
    }

    /// Every node after the cursor, in id order, checked against the query.
    fn walk_nodes(&mut self, after: Option<NodeId>) -> Result<()> {
        let mut iter = self.snapshot.raw_iterator_cf(family(self.db, NODES)?);
        match after {
            Some(after) => iter.seek(after.0),
            None => iter.seek_to_first(),
        }
        while let Some(value) = iter.value() {
            let node = decode_node(value)?;
            if self.query.matches(&node) {
                self.nodes.push(node);
                if self.nodes.len() == self.query.limit() {
                    break;
                }
            }
            iter.next();
        }
        iter.status()
            .map_err(backend("cannot scan the nodes of the RocksDB graph"))
    }

    /// Reads `id`'s record and keeps it if it matches; says whether the answer is complete.
    fn accept(&mut self, id: NodeId) -> Result<bool> {
        let record = self
            .snapshot
            .get_pinned_cf(family(self.db, NODES)?, id.0)
            .map_err(backend("cannot read a node from RocksDB"))?;
        if let Some(record) = record {
            let node = decode_node(&record)?;
            if self.query.matches(&node) {
                self.nodes.push(node);
            }
        }
        Ok(self.nodes.len() == self.query.limit())
    }
}

/// The ids under one term, in ascending order, read from its index family.
struct Posting<'a> {
    iter: DBRawIterator<'a>,
    prefix: Vec<u8>,
}

impl<'a> Posting<'a> {
    fn open(db: &'a DB, snapshot: &'a Snapshot<'a>, term: &Term) -> Result<Self> {
        let (name, prefix) = index::term_prefix(term);
        let mut read = ReadOptions::default();
        if let Some(end) = keys::prefix_end(&prefix) {
            read.set_iterate_upper_bound(end);
        }
        let iter = snapshot.raw_iterator_cf_opt(family(db, name)?, read);
        Ok(Posting { iter, prefix })
    }

    fn current(&self) -> Option<NodeId> {
        self.iter.key().and_then(trailing_node)
    }

    fn seek(&mut self, id: &NodeId) {
        let mut key = self.prefix.clone();
        key.extend_from_slice(&id.0);
        self.iter.seek(key);
        self.settle();
    }

    fn advance(&mut self) {
        self.iter.next();
        self.settle();
    }

    /// Steps past keys of another length: they belong to a longer name that shares the prefix.
    fn settle(&mut self) {
        while self
            .iter
            .key()
            .is_some_and(|key| key.len() != self.prefix.len() + ID_LEN)
        {
            self.iter.next();
        }
    }
}

/// The union of one or more postings (a query's labels), read as one ascending id sequence.
struct Scan<'a>(Vec<Posting<'a>>);

impl Scan<'_> {
    /// Positions every posting at its first id after `after`.
    fn start(&mut self, after: Option<NodeId>) {
        for posting in &mut self.0 {
            posting.seek(&after.unwrap_or_default());
            if after.is_some() && posting.current() == after {
                posting.advance();
            }
        }
    }

    fn current(&self) -> Option<NodeId> {
        self.0.iter().filter_map(Posting::current).min()
    }

    fn advance(&mut self) {
        let current = self.current();
        for posting in &mut self.0 {
            if posting.current() == current {
                posting.advance();
            }
        }
    }

    /// Moves to the first id not below `target`.
    fn advance_to(&mut self, target: &NodeId) {
        for posting in &mut self.0 {
            let mut steps = 0;
            while posting.current().is_some_and(|id| id < *target) {
                if steps == STEPS_BEFORE_SEEK {
                    posting.seek(target);
                    break;
                }
                posting.advance();
                steps += 1;
            }
        }
    }

    /// How many ids the scan holds after `after`, counted up to `cap`; the scan starts over after.
    fn size_up_to(&mut self, cap: usize, after: Option<NodeId>) -> usize {
        let mut size = 0;
        while size < cap && self.current().is_some() {
            self.advance();
            size += 1;
        }
        self.start(after);
        size
    }

    fn status(&self) -> Result<()> {
        self.0.iter().try_for_each(|posting| {
            posting
                .iter
                .status()
                .map_err(backend("cannot scan a node index of the RocksDB graph"))
        })
    }
}
