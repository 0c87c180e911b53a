//! The write side of `RocksEventStore`: stamping a batch of events and writing each record with its
//! index entries in one RocksDB batch.

use rocksdb::WriteBatch;

use super::RocksEventStore;
use crate::error::Result;
use crate::event::{now_millis, Event, EventId, NewEvent};
use crate::store::rocks::encoding::encode_event;
use crate::store::rocks::keys::{self, BY_KIND, BY_SOURCE, BY_TIME, EVENTS};
use crate::store::rocks::{backend, write_options};

impl RocksEventStore {
    /// Stamps already-validated events and writes them, with their index entries, in one batch.
    pub(super) fn commit(&self, events: Vec<NewEvent>) -> Result<Vec<Event>> {
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
}
