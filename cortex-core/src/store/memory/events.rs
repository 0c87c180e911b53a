//! `MemoryEventStore`: an append-only log of compact records, payloads packed end to end in one buffer,
//! with per-kind and per-source position indexes.
//!
//! An append moves the caller's kind and payload into the `Event` it returns and copies only the payload
//! bytes into the log: no allocation per event beyond the buffers' amortised growth, and each kind's name
//! and each source's id is held once, however many events carry it (a record names them by number, and
//! the few events with a parent keep it beside the log, so a record is 24 bytes natively). Reads build
//! their `Event`s from the records. The log is in `log`, the answering of a filter in `query`.

mod log;
mod query;
#[cfg(test)]
mod tests;

use super::lock::{Lock, ReadGuard, WriteGuard};
use super::poisoned;
use crate::error::Result;
use crate::event::{now_millis, Event, EventFilter, EventId, NewEvent, Timestamp};
use crate::kind_pattern::validate_kind_patterns;
use crate::store::subscription::Subscribers;
use crate::store::validate::validate_new_event;
use crate::store::{EventStore, StoreConfig, Subscription};
use log::Log;

/// An event log held in memory. Event `n` (counting from 1) has id `n`, so lookups are O(1), and
/// timestamps never decrease along the log, so a time range is a contiguous, binary-searchable slice.
#[derive(Debug, Default)]
pub struct MemoryEventStore {
    config: StoreConfig,
    log: Lock<Log>,
    subscribers: Subscribers,
}

impl MemoryEventStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_config(config: StoreConfig) -> Self {
        MemoryEventStore {
            config,
            ..Self::default()
        }
    }

    fn read(&self) -> Result<ReadGuard<'_, Log>> {
        self.log.read().map_err(poisoned)
    }

    fn write(&self) -> Result<WriteGuard<'_, Log>> {
        self.log.write().map_err(poisoned)
    }

    /// Stamps and stores already-validated events under one lock, so ids follow append order exactly.
    /// The clock is read once for the whole batch, by the caller: its events share a timestamp, no
    /// earlier than the last one stored, as if appended at once. The file store passes the timestamp
    /// its log holds, so a replay stamps each event as it was first stamped.
    pub(crate) fn commit(&self, events: Vec<NewEvent>, now: Timestamp) -> Result<Vec<Event>> {
        let mut log = self.write()?;
        log.room_for(events.len())?;
        // A plain loop: an iterator chain here costs the wasm module a collect and an adapter of its own.
        let mut stored = Vec::with_capacity(events.len());
        for new in events {
            stored.push(log.push(new, now));
        }
        self.subscribers.publish_all(&stored);
        Ok(stored)
    }
}

impl EventStore for MemoryEventStore {
    fn append(&self, event: NewEvent) -> Result<Event> {
        validate_new_event(&event, &self.config)?;
        let mut log = self.write()?;
        log.room_for(1)?;
        let event = log.push(event, now_millis());
        self.subscribers.publish(&event);
        Ok(event)
    }

    fn append_batch(&self, events: Vec<NewEvent>) -> Result<Vec<Event>> {
        for event in &events {
            validate_new_event(event, &self.config)?;
        }
        self.commit(events, now_millis())
    }

    fn get(&self, id: EventId) -> Result<Option<Event>> {
        Ok(self.read()?.get(id))
    }

    fn query(&self, filter: &EventFilter) -> Result<Vec<Event>> {
        validate_kind_patterns(&filter.kinds)?;
        Ok(self.read()?.query(filter))
    }

    fn len(&self) -> Result<u64> {
        Ok(self.read()?.records.len() as u64)
    }

    fn subscribe(&self, filter: EventFilter) -> Subscription {
        self.subscribers.subscribe(filter)
    }
}
