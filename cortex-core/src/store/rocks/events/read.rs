//! The read side of `RocksEventStore`: which index a query walks for its candidate ids, and how the
//! records those ids name are read back.

use rocksdb::ReadOptions;

use super::{RocksEventStore, FIRST_ID};
use crate::error::{Error, Result};
use crate::event::{Event, EventFilter, EventId};
use crate::kind_pattern::any_kind;
use crate::store::rocks::backend;
use crate::store::rocks::encoding::decode_record;
use crate::store::rocks::keys::{self, BY_KIND, BY_SOURCE, BY_TIME, EVENTS};
use crate::store::rocks::scan::{IndexScan, MergedScan};
use crate::store::EventStore;

/// Most ids a read may add to the block cache; longer reads leave it as it is.
const CACHED_READ_MAX: usize = 1024;

/// Widest average gap between the ids of a read that is walked in key order rather than looked up.
const DENSE_GAP: u64 = 4;

/// Most records a walk steps over to reach the next one it wants before it seeks instead.
const MAX_STEPS: usize = 8;

impl RocksEventStore {
    /// Ids of the candidate events for `filter`, ascending, from the narrowest index the filter names.
    pub(super) fn candidates(
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
    /// per key.
    pub(super) fn read_events(&self, ids: &[EventId]) -> Result<Vec<Event>> {
        let (Some(first), Some(last)) = (ids.first(), ids.last()) else {
            return Ok(Vec::new());
        };
        // A long read (a whole kind) passes through the block cache without filling it: it would
        // evict the blocks other reads keep using, for blocks it reads once, and the evicting would
        // itself slow such a read. Nor does it verify block checksums: a damaged block whose
        // records still decode would reach the caller of such a bulk read unnoticed, while `get`,
        // every short read and `verify_indexes` keep checking.
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
    pub(super) fn scan_log(
        &self,
        filter: &EventFilter,
        start: u64,
        limit: usize,
    ) -> Result<Vec<Event>> {
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
