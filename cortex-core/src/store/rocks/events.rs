//! `RocksEventStore`: the event log in `events`, indexed by kind, source and time in their own column
//! families; appends are written in `write`, queries planned and read in `read`.

mod read;
mod verify;
mod write;

use std::fmt;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rocksdb::{ColumnFamily, IteratorMode, DB};

use super::encoding::decode_record;
use super::keys::{self, BY_KIND, BY_SOURCE, BY_TIME, EVENTS, KINDS};
use super::kinds::KindCatalogue;
use super::verify::IndexReport;
use super::{backend, family, RocksOptions, RocksStatistics, Statistics};
use crate::error::{Error, Result};
use crate::event::{Event, EventFilter, EventId, NewEvent, Timestamp};
use crate::kind_pattern::{any_kind, validate_kind_patterns};
use crate::store::subscription::Subscribers;
use crate::store::validate::validate_new_event;
use crate::store::{the_one_stored, EventStore, Subscription};

/// Most events a query reads from the log at once.
const READ_CHUNK: usize = 8192;

/// The first id a store hands out; ids then count up by one, as in the memory store.
const FIRST_ID: u64 = 1;

/// An event log persisted in RocksDB. Every append is one atomic write batch holding the
/// record and its three index entries (and, for a kind new to the log, its catalogue entry); appends
/// are serialised so ids increase in commit order.
pub struct RocksEventStore {
    db: DB,
    options: RocksOptions,
    statistics: Statistics,
    tail: Mutex<Tail>,
    kinds: KindCatalogue,
    subscribers: Subscribers,
}

/// Where the log ends: the next id to hand out and the newest timestamp, which never decreases.
#[derive(Debug)]
struct Tail {
    next_id: u64,
    last_timestamp: Timestamp,
}

impl RocksEventStore {
    /// Opens the log at `path`, creating it if `options.create_if_missing`; ids continue after the last stored one.
    pub fn open(path: impl AsRef<Path>, options: RocksOptions) -> Result<Self> {
        let (db, statistics) = super::open(
            path.as_ref(),
            &options,
            &[EVENTS, BY_KIND, BY_SOURCE, BY_TIME, KINDS],
        )?;
        let kinds = KindCatalogue::load(&db)?;
        let next_id = last_key(&db, family(&db, EVENTS)?)?
            .map_or(Some(FIRST_ID), |key| {
                keys::trailing_id(&key).and_then(|id| id.0.checked_add(1))
            })
            .ok_or_else(|| Error::Corrupt("malformed key at the end of the event log".into()))?;
        // by_time sorts by timestamp first, so its last key carries the newest timestamp.
        let last_timestamp = last_key(&db, family(&db, BY_TIME)?)?
            .and_then(|key| Some(u64::from_be_bytes(key.get(..8)?.try_into().ok()?)))
            .unwrap_or(0);
        Ok(RocksEventStore {
            db,
            options,
            statistics,
            tail: Mutex::new(Tail {
                next_id,
                last_timestamp,
            }),
            kinds,
            subscribers: Subscribers::default(),
        })
    }

    /// Compares `by_kind`, `by_source` and `by_time` entry by entry with the entries recomputed from
    /// the log, as of one snapshot: what to run after a crash to know the indexes can be trusted.
    /// Reads the whole log once, holding the expected index keys in memory; an undecodable record is
    /// an `Error::Corrupt`.
    pub fn verify_indexes(&self) -> Result<IndexReport> {
        verify::event_indexes(&self.db)
    }

    /// RocksDB's counters for this store, or `None` unless it was opened with `RocksOptions::statistics`.
    pub fn statistics(&self) -> Option<RocksStatistics> {
        self.statistics.read()
    }

    fn family(&self, name: &str) -> Result<&ColumnFamily> {
        family(&self.db, name)
    }

    // Tail is two integers updated only after a successful write, so it is consistent even after a panic.
    fn tail(&self) -> MutexGuard<'_, Tail> {
        self.tail.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The last key of a column family, if it has any.
fn last_key(db: &DB, family: &ColumnFamily) -> Result<Option<Box<[u8]>>> {
    match db.iterator_cf(family, IteratorMode::End).next() {
        Some(Ok((key, _))) => Ok(Some(key)),
        Some(Err(e)) => Err(backend("cannot read the last key in RocksDB")(e)),
        None => Ok(None),
    }
}

impl EventStore for RocksEventStore {
    fn append(&self, event: NewEvent) -> Result<Event> {
        validate_new_event(&event, &self.options.store)?;
        the_one_stored(self.commit(vec![event])?)
    }

    fn append_batch(&self, events: Vec<NewEvent>) -> Result<Vec<Event>> {
        for event in &events {
            validate_new_event(event, &self.options.store)?;
        }
        self.commit(events)
    }

    fn get(&self, id: EventId) -> Result<Option<Event>> {
        match self
            .db
            .get_pinned_cf(self.family(EVENTS)?, keys::event(id))
            .map_err(backend("cannot read an event from RocksDB"))?
        {
            Some(value) => decode_record(&keys::event(id), &value).map(Some),
            None => Ok(None),
        }
    }

    fn query(&self, filter: &EventFilter) -> Result<Vec<Event>> {
        validate_kind_patterns(&filter.kinds)?;
        let limit = filter.limit.unwrap_or(usize::MAX);
        let Some(start) = filter
            .after
            .map_or(Some(FIRST_ID), |after| after.0.checked_add(1))
        else {
            return Ok(Vec::new());
        };
        let empty_range = filter
            .until
            .is_some_and(|until| filter.since.is_some_and(|since| since >= until));
        if limit == 0 || empty_range || start >= self.tail().next_id {
            return Ok(Vec::new());
        }
        if any_kind(&filter.kinds)
            && filter.source.is_none()
            && filter.since.is_none()
            && filter.until.is_none()
        {
            return self.scan_log(filter, start, limit);
        }
        let mut found = Vec::new();
        let mut candidates = self.candidates(filter, start)?;
        let mut ids = Vec::new();
        while found.len() < limit {
            // As many ids as events still wanted (more cannot all be kept, and the index usually
            // selects exactly), within a bound on what one read holds in memory.
            ids.clear();
            for id in candidates
                .by_ref()
                .take((limit - found.len()).min(READ_CHUNK))
            {
                ids.push(id?);
            }
            if ids.is_empty() {
                break;
            }
            for event in self.read_events(&ids)? {
                if filter.matches(&event) && found.len() < limit {
                    found.push(event);
                }
            }
        }
        Ok(found)
    }

    fn len(&self) -> Result<u64> {
        Ok(self.tail().next_id - FIRST_ID)
    }

    fn subscribe(&self, filter: EventFilter) -> Subscription {
        self.subscribers.subscribe(filter)
    }
}

impl fmt::Debug for RocksEventStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RocksEventStore")
            .field("path", &self.db.path())
            .field("tail", &*self.tail())
            .finish()
    }
}
