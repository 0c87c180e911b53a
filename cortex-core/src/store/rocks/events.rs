//! `RocksEventStore`: the event log in `events`, indexed by kind, source and time in their own column families.

use std::fmt;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rocksdb::{ColumnFamily, IteratorMode, ReadOptions, WriteBatch, DB};

use super::encoding::{decode_event, encode_event};
use super::kinds::{KindCatalogue, KINDS};
use super::scan::{IndexScan, MergedScan};
use super::verify::{self, IndexReport};
use super::{backend, family, keys, write_options, RocksOptions, RocksStatistics, Statistics};
use crate::error::{Error, Result};
use crate::event::{now_millis, Event, EventFilter, EventId, NewEvent, Timestamp};
use crate::kind_pattern::{any_kind, validate_kind_patterns};
use crate::store::subscription::Subscribers;
use crate::store::validate::validate_new_event;
use crate::store::{EventStore, Subscription};

pub(super) const EVENTS: &str = "events";
pub(super) const BY_KIND: &str = "by_kind";
pub(super) const BY_SOURCE: &str = "by_source";
pub(super) const BY_TIME: &str = "by_time";

/// Most events a query reads from the log at once.
const READ_CHUNK: usize = 8192;

/// Most ids a read may add to the block cache; longer reads leave it as it is.
const CACHED_READ_MAX: usize = 1024;

/// Widest average gap between the ids of a read that is walked in key order rather than looked up.
const DENSE_GAP: u64 = 4;

/// Most records a walk steps over to reach the next one it wants before it seeks instead.
const MAX_STEPS: usize = 8;

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

    /// Stamps already-validated events and writes them, with their index entries, in one batch.
    fn commit(&self, events: Vec<NewEvent>) -> Result<Vec<Event>> {
        let (records, by_kind, by_source, by_time) = (
            self.family(EVENTS)?,
            self.family(BY_KIND)?,
            self.family(BY_SOURCE)?,
            self.family(BY_TIME)?,
        );
        let mut tail = self.tail();
        let timestamp = tail.last_timestamp.max(now_millis());
        let mut batch = WriteBatch::default();
        let mut stored = Vec::with_capacity(events.len());
        let mut kind_keys = Vec::with_capacity(events.len());
        let mut source_keys = Vec::with_capacity(events.len());
        for (offset, new) in (0u64..).zip(events) {
            let id = EventId(tail.next_id + offset);
            let event = Event {
                id,
                timestamp,
                source: new.source,
                kind: new.kind,
                payload: new.payload,
                parent: new.parent,
            };
            batch.put_cf(records, keys::event(id), encode_event(&event));
            batch.put_cf(by_time, keys::by_time(timestamp, id), b"");
            kind_keys.push(keys::by_kind(&event.kind, id));
            source_keys.push(keys::by_source(&event.source, id));
            stored.push(event);
        }
        // The memtable inserts a key next to the one inserted before it almost for free, and anywhere
        // else only after a search from the top: in key order, a batch's entries for one kind or one
        // source follow each other (records and by_time already come in order).
        kind_keys.sort_unstable();
        source_keys.sort_unstable();
        for key in kind_keys {
            batch.put_cf(by_kind, key, b"");
        }
        for key in source_keys {
            batch.put_cf(by_source, key, b"");
        }
        if stored.is_empty() {
            return Ok(stored);
        }
        let new_kinds =
            self.kinds
                .add_new(&mut batch, &self.db, stored.iter().map(|e| e.kind.as_str()))?;
        self.db
            .write_opt(batch, &write_options(&self.options))
            .map_err(backend("cannot write events to RocksDB"))?;
        self.kinds.remember(new_kinds);
        tail.next_id += stored.len() as u64;
        tail.last_timestamp = timestamp;
        self.subscribers.publish_all(&stored);
        Ok(stored)
    }

    /// Ids of the candidate events for `filter`, ascending, from the narrowest index the filter names.
    fn candidates(
        &self,
        filter: &EventFilter,
        start: u64,
    ) -> Result<Box<dyn Iterator<Item = Result<EventId>> + '_>> {
        let start_id = EventId(start);
        if !any_kind(&filter.kinds) {
            // A prefix pattern is a range of the catalogue, then one seek into `by_kind` per kind in it.
            let kinds = self.kinds.matching(&filter.kinds);
            let by_kind = self.family(BY_KIND)?;
            let scans = kinds
                .iter()
                .map(|kind| {
                    let prefix = keys::kind_prefix(kind);
                    let key_len = prefix.len() + 8;
                    IndexScan::new(
                        &self.db,
                        by_kind,
                        &keys::by_kind(kind, start_id),
                        keys::prefix_end(&prefix),
                        key_len,
                    )
                })
                .collect();
            return Ok(Box::new(MergedScan::new(scans)));
        }
        if let Some(source) = &filter.source {
            let lower = keys::by_source(source, start_id);
            let upper = keys::prefix_end(&source.0);
            return Ok(Box::new(IndexScan::new(
                &self.db,
                self.family(BY_SOURCE)?,
                &lower,
                upper,
                lower.len(),
            )));
        }
        // Timestamps never decrease along the log, so by_time order is id order too.
        let since = filter.since.unwrap_or(0);
        let lower = match start.checked_sub(1).filter(|&after| after >= FIRST_ID) {
            Some(after) => match self.get(EventId(after))? {
                Some(event) if event.timestamp >= since => keys::by_time(event.timestamp, start_id),
                _ => keys::by_time(since, EventId(0)),
            },
            None => keys::by_time(since, EventId(0)),
        };
        let upper = filter
            .until
            .map(|until| keys::by_time(until, EventId(0)).to_vec());
        Ok(Box::new(IndexScan::new(
            &self.db,
            self.family(BY_TIME)?,
            &lower,
            upper,
            lower.len(),
        )))
    }

    /// The events `ids` (ascending) name. Ids near each other (at most [`DENSE_GAP`] apart on average:
    /// a prefix pattern over most kinds, a time range, a source that wrote most of a stretch of the
    /// log) are read by one iterator walking the log in key order; sparser ones in one batched
    /// lookup, where RocksDB finds the sorted keys together instead of searching every level once
    /// per key. Over a 1 M event log of ten kinds: a page of 100 by a pattern over all ten took
    /// 57 µs walked against 114 µs looked up, and over three of them 71 µs against 102 µs; the
    /// whole of one kind (every tenth event) 205 ms walked against 170 ms looked up.
    fn read_events(&self, ids: &[EventId]) -> Result<Vec<Event>> {
        let (Some(first), Some(last)) = (ids.first(), ids.last()) else {
            return Ok(Vec::new());
        };
        // A long read (a whole kind) passes through the block cache without filling it: it would
        // evict the blocks other reads keep using, for blocks it reads once, and the evicting is
        // itself about a sixth of such a read. Nor does it verify block checksums, about 4% of
        // its time: a damaged block whose records still decode would reach the caller of such a
        // bulk read unnoticed, while `get`, every short read and `verify_indexes` keep checking.
        let mut read = ReadOptions::default();
        let long = ids.len() > CACHED_READ_MAX;
        read.fill_cache(!long);
        read.set_verify_checksums(!long);
        let span = last.0 - first.0 + 1;
        if span <= DENSE_GAP * ids.len() as u64 {
            self.walk_events(ids, read)
        } else {
            self.look_up_events(ids, &read)
        }
    }

    /// [`Self::read_events`] by one iterator that steps from each wanted record to the next (ids
    /// are dense in the log, so the next one is a few steps on).
    fn walk_events(&self, ids: &[EventId], mut read: ReadOptions) -> Result<Vec<Event>> {
        if let Some(end) = ids.last().and_then(|last| last.0.checked_add(1)) {
            read.set_iterate_upper_bound(keys::event(EventId(end)));
        }
        let mut iter = self.db.raw_iterator_cf_opt(self.family(EVENTS)?, read);
        let mut events = Vec::with_capacity(ids.len());
        let mut sought = false;
        for &id in ids {
            let key = keys::event(id);
            let mut steps = 0;
            loop {
                match iter.key() {
                    Some(at) if at >= key.as_slice() => break,
                    Some(_) if sought && steps < MAX_STEPS => {
                        iter.next();
                        steps += 1;
                    }
                    // Unpositioned, or too far behind: search for it instead.
                    _ => {
                        iter.seek(key);
                        sought = true;
                        break;
                    }
                }
            }
            match (iter.key(), iter.value()) {
                (Some(at), Some(value)) if at == key => events.push(decode_record(at, value)?),
                _ => {
                    iter.status()
                        .map_err(backend("cannot read events from RocksDB"))?;
                    return Err(missing(id));
                }
            }
        }
        Ok(events)
    }

    /// [`Self::read_events`] by one batched lookup of every id.
    fn look_up_events(&self, ids: &[EventId], read: &ReadOptions) -> Result<Vec<Event>> {
        let keys: Vec<[u8; 8]> = ids.iter().map(|&id| keys::event(id)).collect();
        let values = self
            .db
            .batched_multi_get_cf_opt(self.family(EVENTS)?, &keys, true, read);
        ids.iter()
            .zip(&keys)
            .zip(values)
            .map(|((id, key), value)| {
                match value.map_err(backend("cannot read events from RocksDB"))? {
                    Some(value) => decode_record(key, &value),
                    None => Err(missing(*id)),
                }
            })
            .collect()
    }

    /// Every event from `start` on, straight from the records: no index names anything to narrow by.
    fn scan_log(&self, filter: &EventFilter, start: u64, limit: usize) -> Result<Vec<Event>> {
        let mut iter = self.db.raw_iterator_cf(self.family(EVENTS)?);
        iter.seek(keys::event(EventId(start)));
        let mut found = Vec::new();
        while let Some(value) = iter.value() {
            if found.len() == limit {
                return Ok(found);
            }
            let event = decode_record(iter.key().unwrap_or_default(), value)?;
            if filter.matches(&event) {
                found.push(event);
            }
            iter.next();
        }
        iter.status()
            .map_err(backend("cannot scan the RocksDB log"))?;
        Ok(found)
    }
}

/// An index names an event the log does not hold.
fn missing(id: EventId) -> Error {
    Error::Corrupt(format!(
        "an index names event {id}, which is not in the log"
    ))
}

/// Decodes the record stored under `key`, which must be the record's own id.
pub(super) fn decode_record(key: &[u8], value: &[u8]) -> Result<Event> {
    let event = decode_event(value)?;
    if keys::trailing_id(key) != Some(event.id) || key.len() != 8 {
        return Err(Error::Corrupt(format!(
            "event {} is stored under the key {key:02x?}",
            event.id
        )));
    }
    Ok(event)
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
        let mut stored = self.commit(vec![event])?;
        stored.pop().ok_or_else(|| Error::Backend {
            context: "append stored no event".into(),
            source: None,
        })
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
