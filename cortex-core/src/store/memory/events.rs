//! `MemoryEventStore`: an append-only Vec of events with per-kind and per-source position indexes.

use std::collections::HashMap;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::poisoned;
use crate::error::Result;
use crate::event::{now_millis, Event, EventFilter, EventId, NewEvent, NodeId, Timestamp};
use crate::kind_pattern::{any_kind, matches_any, validate_kind_patterns};
use crate::store::subscription::Subscribers;
use crate::store::validate::validate_new_event;
use crate::store::{EventStore, StoreConfig, Subscription};

/// An event log held in memory. Event `n` (counting from 1) has id `n`, so lookups are O(1), and
/// timestamps never decrease along the log, so a time range is a contiguous, binary-searchable slice.
#[derive(Debug, Default)]
pub struct MemoryEventStore {
    config: StoreConfig,
    log: RwLock<Log>,
    subscribers: Subscribers,
}

#[derive(Debug, Default)]
struct Log {
    events: Vec<Event>,
    /// Positions in `events` of each kind's events, ascending.
    by_kind: HashMap<String, Vec<usize>>,
    /// Positions in `events` of each source's events, ascending.
    by_source: HashMap<NodeId, Vec<usize>>,
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

    fn read(&self) -> Result<RwLockReadGuard<'_, Log>> {
        self.log.read().map_err(poisoned)
    }

    fn write(&self) -> Result<RwLockWriteGuard<'_, Log>> {
        self.log.write().map_err(poisoned)
    }

    /// Stamps and stores already-validated events under one lock, so ids follow append order exactly.
    fn commit(&self, events: Vec<NewEvent>) -> Result<Vec<Event>> {
        let mut log = self.write()?;
        let mut stored = Vec::with_capacity(events.len());
        for new in events {
            let event = log.push(new);
            self.subscribers.publish(&event);
            stored.push(event);
        }
        Ok(stored)
    }
}

impl Log {
    fn push(&mut self, new: NewEvent) -> Event {
        let position = self.events.len();
        // A clock stepping backwards must not break the ordering the time-range search relies on.
        let timestamp = self
            .events
            .last()
            .map_or(0, |e| e.timestamp)
            .max(now_millis());
        let event = Event {
            id: EventId(position as u64 + 1),
            timestamp,
            source: new.source,
            kind: new.kind,
            payload: new.payload,
            parent: new.parent,
        };
        match self.by_kind.get_mut(&event.kind) {
            Some(positions) => positions.push(position),
            None => {
                self.by_kind.insert(event.kind.clone(), vec![position]);
            }
        }
        self.by_source
            .entry(event.source)
            .or_default()
            .push(position);
        self.events.push(event.clone());
        event
    }

    fn get(&self, id: EventId) -> Option<&Event> {
        let position = usize::try_from(id.0).ok()?.checked_sub(1)?;
        self.events.get(position)
    }

    /// First position whose timestamp is at least `t`.
    fn first_at_or_after(&self, t: Timestamp) -> usize {
        self.events.partition_point(|e| e.timestamp < t)
    }

    fn query<'a>(&'a self, filter: &EventFilter) -> Vec<Event> {
        let limit = filter.limit.unwrap_or(usize::MAX);
        // Event ids are positions + 1, so "after id a" starts at position a.
        let after = filter
            .after
            .map_or(0, |a| usize::try_from(a.0).unwrap_or(usize::MAX));
        let start = after.max(filter.since.map_or(0, |t| self.first_at_or_after(t)));
        let end = filter
            .until
            .map_or(self.events.len(), |t| self.first_at_or_after(t));
        if start >= end || limit == 0 {
            return Vec::new();
        }
        let window = |positions: &'a [usize]| -> &'a [usize] {
            let lo = positions.partition_point(|&p| p < start);
            // Without `until` the window runs to the end of the list: no second search.
            let hi = match end == self.events.len() {
                true => positions.len(),
                false => positions.partition_point(|&p| p < end),
            };
            &positions[lo..hi]
        };
        let empty: &[usize] = &[];
        let by_source = filter
            .source
            .map(|s| window(self.by_source.get(&s).map_or(empty, Vec::as_slice)));
        let every_kind = any_kind(&filter.kinds);
        let by_kind: Vec<&[usize]> = if every_kind {
            Vec::new()
        } else {
            self.matching_kinds(&filter.kinds)
                .into_iter()
                .map(window)
                .collect()
        };
        let kind_total: usize = by_kind.iter().map(|l| l.len()).sum();

        // Walk the smallest index that covers the filter; `matches` checks whatever that index does not.
        // Kinds that hold half the range or more (a broad pattern) are walked in the log itself: at
        // most twice the events, and no merging of their lists.
        let dense_kinds = kind_total.saturating_mul(2) >= end - start;
        let positions: Box<dyn Iterator<Item = usize> + 'a> = match by_source {
            Some(source) if every_kind || source.len() <= kind_total => {
                Box::new(source.iter().copied())
            }
            _ if !every_kind && !dense_kinds => Box::new(merged(by_kind)),
            _ => Box::new(start..end),
        };
        positions
            .map(|p| &self.events[p])
            .filter(|e| filter.matches(e))
            .take(limit)
            .cloned()
            .collect()
    }
}

impl Log {
    /// The position list of every stored kind some pattern selects, each once: a kind named twice, or
    /// matched by two patterns, is still one list. Exact kinds are looked up; with a prefix pattern the
    /// kinds are walked once (distinct kinds are few next to events, and a hash map keeps the wasm
    /// module smaller than an ordered map would).
    fn matching_kinds(&self, patterns: &[String]) -> Vec<&[usize]> {
        let empty: &[usize] = &[];
        if patterns.iter().any(|p| p.ends_with('*')) {
            return self
                .by_kind
                .iter()
                .filter(|(kind, _)| matches_any(patterns, kind))
                .map(|(_, positions)| positions.as_slice())
                .collect();
        }
        patterns
            .iter()
            .enumerate()
            .filter(|(i, kind)| !patterns[..*i].contains(kind))
            .map(|(_, k)| self.by_kind.get(k).map_or(empty, Vec::as_slice))
            .collect()
    }
}

/// Ascending union of ascending position lists (each kind's list is disjoint from the others).
fn merged<'a>(mut lists: Vec<&'a [usize]>) -> impl Iterator<Item = usize> + 'a {
    lists.retain(|l| !l.is_empty());
    let mut heads = vec![0usize; lists.len()];
    std::iter::from_fn(move || {
        let (list, _) = lists
            .iter()
            .enumerate()
            .filter(|(i, l)| heads[*i] < l.len())
            .min_by_key(|(i, l)| l[heads[*i]])?;
        let position = lists[list][heads[list]];
        heads[list] += 1;
        Some(position)
    })
}

impl EventStore for MemoryEventStore {
    fn append(&self, event: NewEvent) -> Result<Event> {
        validate_new_event(&event, &self.config)?;
        let mut log = self.write()?;
        let event = log.push(event);
        self.subscribers.publish(&event);
        Ok(event)
    }

    fn append_batch(&self, events: Vec<NewEvent>) -> Result<Vec<Event>> {
        for event in &events {
            validate_new_event(event, &self.config)?;
        }
        self.commit(events)
    }

    fn get(&self, id: EventId) -> Result<Option<Event>> {
        Ok(self.read()?.get(id).cloned())
    }

    fn query(&self, filter: &EventFilter) -> Result<Vec<Event>> {
        validate_kind_patterns(&filter.kinds)?;
        Ok(self.read()?.query(filter))
    }

    fn len(&self) -> Result<u64> {
        Ok(self.read()?.events.len() as u64)
    }

    fn subscribe(&self, filter: EventFilter) -> Subscription {
        self.subscribers.subscribe(filter)
    }
}
