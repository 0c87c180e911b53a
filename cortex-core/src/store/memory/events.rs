//! `MemoryEventStore`: an append-only log of compact records, payloads packed end to end in one buffer,
//! with per-kind and per-source position indexes.
//!
//! An append moves the caller's kind and payload into the `Event` it returns and copies only the payload
//! bytes into the log: no allocation per event beyond the buffers' amortised growth, and each kind's name
//! and each source's id is held once, however many events carry it (a record names them by number; the few
//! events with a parent keep it beside the log: 24 bytes a record natively, where one holding the
//! source's id and the parent took 72). Reads build their `Event`s from the records.

use std::collections::HashMap;

use super::lock::{Lock, ReadGuard, WriteGuard};
use super::poisoned;
use crate::error::{Error, Result};
use crate::event::{now_millis, Event, EventFilter, EventId, NewEvent, NodeId, Timestamp};
use crate::hash_state::MapState;
use crate::kind_pattern::{any_kind, matches_any, validate_kind_patterns};
use crate::store::subscription::Subscribers;
use crate::store::validate::validate_new_event;
use crate::store::{EventStore, StoreConfig, Subscription};

/// An event log held in memory. Event `n` (counting from 1) has id `n`, so lookups are O(1), and
/// timestamps never decrease along the log, so a time range is a contiguous, binary-searchable slice.
#[derive(Debug, Default)]
pub struct MemoryEventStore {
    config: StoreConfig,
    log: Lock<Log>,
    subscribers: Subscribers,
}

#[derive(Debug, Default)]
struct Log {
    /// One record per event, at position id - 1.
    records: Vec<Record>,
    /// Every payload, in log order; a record's bytes end at its `payload_end` and start where the
    /// previous record's end.
    payloads: Vec<u8>,
    /// Each stored kind's number: its place in `kinds`.
    kind_numbers: HashMap<String, u32, MapState>,
    /// Each kind's name and the positions of its events, ascending.
    kinds: Vec<Kind>,
    /// Each source's number: its place in `sources`.
    source_numbers: HashMap<NodeId, u32, MapState>,
    /// Each source's id and the positions of its events, ascending.
    sources: Vec<Source>,
    /// The parent of each event that has one, by position, ascending; its record says it is here.
    parents: Vec<(usize, EventId)>,
}

/// An event as the log keeps it: the kind by number, the payload as a range of `Log::payloads`.
#[derive(Debug)]
struct Record {
    timestamp: Timestamp,
    payload_end: usize,
    kind: u32,
    /// The source's number, shifted left by one; the low bit is set when the event has a parent.
    source_and_parent: u32,
}

impl Record {
    fn source(&self) -> usize {
        (self.source_and_parent >> 1) as usize
    }

    fn has_parent(&self) -> bool {
        self.source_and_parent & 1 == 1
    }
}

/// A place in the log, as the kind and source lists keep it: 4 bytes where a `usize` takes 8
/// natively. Each append writes one to each list, and fresh memory is most of what an append costs
/// (about 17 ns of ~220 for each 8 bytes); [`MAX_EVENTS`] is the price.
type Position = u32;

/// The most events a memory store holds: every position fits a [`Position`]. At 100 bytes an event
/// that is 400 GiB of memory, past what the store is for.
const MAX_EVENTS: usize = Position::MAX as usize;

#[derive(Debug)]
struct Kind {
    name: String,
    positions: Vec<Position>,
}

#[derive(Debug)]
struct Source {
    id: NodeId,
    positions: Vec<Position>,
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
    /// The clock is read once for the whole batch: its events share a timestamp, as if appended at once.
    fn commit(&self, events: Vec<NewEvent>) -> Result<Vec<Event>> {
        let mut log = self.write()?;
        log.room_for(events.len())?;
        let now = now_millis();
        // A plain loop: an iterator chain here costs the wasm module a collect and an adapter of its own.
        let mut stored = Vec::with_capacity(events.len());
        for new in events {
            stored.push(log.push(new, now));
        }
        self.subscribers.publish_all(&stored);
        Ok(stored)
    }
}

impl Log {
    /// Refuses `more` events that would take the log past [`MAX_EVENTS`].
    fn room_for(&self, more: usize) -> Result<()> {
        match fits(self.records.len(), more) {
            true => Ok(()),
            false => Err(Error::Backend {
                context: format!(
                    "a memory event store holds at most {MAX_EVENTS} events; \
                     keep a log this long in RocksDB"
                ),
                source: None,
            }),
        }
    }

    /// Stores `new` stamped no earlier than `now`, and hands it back as an `Event` that owns the
    /// caller's kind and payload (the log keeps a copy of the payload bytes only).
    fn push(&mut self, new: NewEvent, now: Timestamp) -> Event {
        let position = self.records.len();
        // `room_for` was asked first, so the position fits.
        let at = position as Position;
        // A clock stepping backwards must not break the ordering the time-range search relies on.
        let timestamp = self.records.last().map_or(0, |r| r.timestamp).max(now);
        let kind = self.kind_number(&new.kind);
        self.kinds[kind as usize].positions.push(at);
        let source = self.source_number(new.source);
        self.sources[source as usize].positions.push(at);
        if let Some(parent) = new.parent {
            self.parents.push((position, parent));
        }
        self.payloads.extend_from_slice(&new.payload);
        self.records.push(Record {
            timestamp,
            payload_end: self.payloads.len(),
            kind,
            source_and_parent: (source << 1) | u32::from(new.parent.is_some()),
        });
        Event {
            id: EventId(position as u64 + 1),
            timestamp,
            source: new.source,
            kind: new.kind,
            payload: new.payload,
            parent: new.parent,
        }
    }

    /// The number of `kind`, given one if it is new: a single hash of the name per append.
    fn kind_number(&mut self, kind: &str) -> u32 {
        if let Some(&number) = self.kind_numbers.get(kind) {
            return number;
        }
        let number = self.kinds.len() as u32;
        self.kind_numbers.insert(kind.to_owned(), number);
        self.kinds.push(Kind {
            name: kind.to_owned(),
            positions: Vec::new(),
        });
        number
    }

    /// The number of `source`, given one if it is new (a record has 31 bits for it: two billion
    /// sources, each with its id and list, would fill more memory than a machine has).
    fn source_number(&mut self, source: NodeId) -> u32 {
        if let Some(&number) = self.source_numbers.get(&source) {
            return number;
        }
        let number = self.sources.len() as u32;
        self.source_numbers.insert(source, number);
        self.sources.push(Source {
            id: source,
            positions: Vec::new(),
        });
        number
    }

    /// The event at `position`, rebuilt from its record.
    fn event(&self, position: usize) -> Event {
        let record = &self.records[position];
        let start = position
            .checked_sub(1)
            .map_or(0, |p| self.records[p].payload_end);
        Event {
            id: EventId(position as u64 + 1),
            timestamp: record.timestamp,
            source: self.sources[record.source()].id,
            kind: self.kinds[record.kind as usize].name.clone(),
            payload: self.payloads[start..record.payload_end].to_vec(),
            parent: record.has_parent().then(|| self.parent(position)),
        }
    }

    /// The parent of the event at `position`, whose record says it has one.
    fn parent(&self, position: usize) -> EventId {
        let at = self.parents.partition_point(|&(p, _)| p < position);
        self.parents[at].1
    }

    /// `filter.matches` on the record at `position`, without building its `Event`.
    fn matches(&self, filter: &EventFilter, position: usize) -> bool {
        let record = &self.records[position];
        let source = &self.sources[record.source()].id;
        filter.matches_kind_and_source(&self.kinds[record.kind as usize].name, source)
            && filter.matches_stamp(EventId(position as u64 + 1), record.timestamp)
    }

    /// `matches` for a position whose kind is known to be selected.
    fn matches_source_and_stamp(&self, filter: &EventFilter, position: usize) -> bool {
        let record = &self.records[position];
        filter
            .source
            .as_ref() // not a 33-byte copy per event (see `EventFilter::matches_kind_and_source`)
            .is_none_or(|s| *s == self.sources[record.source()].id)
            && filter.matches_stamp(EventId(position as u64 + 1), record.timestamp)
    }

    fn get(&self, id: EventId) -> Option<Event> {
        let position = usize::try_from(id.0).ok()?.checked_sub(1)?;
        (position < self.records.len()).then(|| self.event(position))
    }

    /// First position whose timestamp is at least `t`.
    fn first_at_or_after(&self, t: Timestamp) -> usize {
        self.records.partition_point(|r| r.timestamp < t)
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
            .map_or(self.records.len(), |t| self.first_at_or_after(t));
        if start >= end || limit == 0 {
            return Vec::new();
        }
        // Both ends are at most the log's length, which `room_for` keeps within a `Position`.
        let (first, last) = (start as Position, end as Position);
        let window = |positions: &'a [Position]| -> &'a [Position] {
            let lo = positions.partition_point(|&p| p < first);
            // Without `until` the window runs to the end of the list: no second search.
            let hi = match end == self.records.len() {
                true => positions.len(),
                false => positions.partition_point(|&p| p < last),
            };
            &positions[lo..hi]
        };
        let empty: &[Position] = &[];
        let by_source = filter.source.map(|s| {
            window(
                self.source_numbers
                    .get(&s)
                    .map_or(empty, |&n| &self.sources[n as usize].positions),
            )
        });
        let every_kind = any_kind(&filter.kinds);
        let mut by_kind: Vec<&[Position]> = Vec::new();
        if !every_kind {
            by_kind = self.matching_kinds(&filter.kinds);
            for list in &mut by_kind {
                *list = window(list);
            }
        }
        let kind_total: usize = by_kind.iter().map(|l| l.len()).sum();

        // Walk the smallest index that covers the filter; `matches` checks whatever that index does not.
        // Kinds that hold half the range or more (a broad pattern) are walked in the log itself: at
        // most twice the events, and no merging of their lists.
        let dense_kinds = kind_total.saturating_mul(2) >= end - start;
        // Each walk, and whether every position it gives already has a selected kind (the kind
        // lists do: no kind is compared again per event, a `memcmp` that on wasm is a byte loop).
        let (positions, kind_known): (Box<dyn Iterator<Item = usize> + 'a>, _) = match by_source {
            Some(source) if every_kind || source.len() <= kind_total => {
                (Box::new(source.iter().map(|&p| p as usize)), every_kind)
            }
            _ if !every_kind && !dense_kinds => (Box::new(merged(by_kind)), true),
            _ => (Box::new(start..end), every_kind),
        };
        // On wasm, room for a page from the start (up to 256 events), so its events are not copied
        // again each time the list doubles: there each copy is a call into the runtime, and
        // cortex-core's allocator hands out a block of any size from a free list. Natively the list
        // grows instead: glibc serves a block that large (100 events are 6-9 KB) by first merging
        // every small block freed since, and that merging cost more than the copies (kind pages at
        // 160 k/s against 250 k/s).
        let presized = if cfg!(target_family = "wasm") {
            limit.min(end - start).min(256)
        } else {
            0
        };
        let mut found = Vec::with_capacity(presized);
        for position in positions {
            if found.len() == limit {
                break;
            }
            let selected = match kind_known {
                true => self.matches_source_and_stamp(filter, position),
                false => self.matches(filter, position),
            };
            if selected {
                found.push(self.event(position));
            }
        }
        found
    }
}

impl Log {
    /// The position list of every stored kind some pattern selects, each once: a kind named twice, or
    /// matched by two patterns, is still one list. Exact kinds are looked up; with a prefix pattern the
    /// kinds are walked once (distinct kinds are few next to events, and a hash map keeps the wasm
    /// module smaller than an ordered map would).
    fn matching_kinds(&self, patterns: &[String]) -> Vec<&[Position]> {
        let empty: &[Position] = &[];
        // Loops rather than adapter chains, which the module carries as code of their own.
        let mut lists = Vec::new();
        if patterns.iter().any(|p| p.ends_with('*')) {
            for kind in &self.kinds {
                if matches_any(patterns, &kind.name) {
                    lists.push(kind.positions.as_slice());
                }
            }
            return lists;
        }
        for (i, kind) in patterns.iter().enumerate() {
            if !patterns[..i].contains(kind) {
                lists.push(
                    self.kind_numbers
                        .get(kind)
                        .map_or(empty, |&n| &self.kinds[n as usize].positions),
                );
            }
        }
        lists
    }
}

/// True when a log of `len` events has room for `more` within [`MAX_EVENTS`].
fn fits(len: usize, more: usize) -> bool {
    MAX_EVENTS.checked_sub(len).is_some_and(|room| more <= room)
}

/// Ascending union of ascending position lists (each kind's list is disjoint from the others): at
/// each step the list with the smallest first position gives it up, and a list that runs out is
/// dropped, so a step looks only at lists that still have positions.
fn merged<'a>(mut lists: Vec<&'a [Position]>) -> impl Iterator<Item = usize> + 'a {
    lists.retain(|l| !l.is_empty());
    std::iter::from_fn(move || {
        let mut smallest = 0;
        for i in 1..lists.len() {
            if lists[i][0] < lists[smallest][0] {
                smallest = i;
            }
        }
        let (&position, rest) = lists.get(smallest)?.split_first()?;
        match rest.is_empty() {
            true => drop(lists.swap_remove(smallest)),
            false => lists[smallest] = rest,
        }
        Some(position as usize)
    })
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
        self.commit(events)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A log of four billion events cannot be built in a test; the bound it is held to can. The
    /// oracle is `u32::MAX`, the last position a `u32` names, plus one.
    #[test]
    fn the_log_stops_where_a_position_stops_fitting() {
        let most = u32::MAX as usize;
        assert!(fits(most - 1, 1));
        assert!(fits(most, 0));
        assert!(!fits(most, 1));
        assert!(!fits(0, most + 1));
        assert!(!fits(usize::MAX, 1));
    }

    /// Stamps from the epoch's first milliseconds to today's, some equal and some far apart, come
    /// back whole with their payloads, and every time range finds exactly its events (the binary
    /// search over the log at each end). The oracle is the list of stamps handed to the log and the
    /// filter's documented bounds (since inclusive, until exclusive), checked by hand.
    #[test]
    fn stamps_come_back_whole_and_every_time_range_finds_its_events() {
        let day = 86_400_000;
        let stamps = [
            5,
            5,
            10 * day,
            60 * day,
            60 * day + 1,
            200 * day,
            1_790_000_000_000,
        ];
        let mut log = Log::default();
        for (n, &now) in stamps.iter().enumerate() {
            let new = NewEvent {
                source: NodeId::from_name("s"),
                kind: "k".into(),
                payload: vec![n as u8; n],
                parent: None,
            };
            log.push(new, now);
        }
        for (n, &stamp) in stamps.iter().enumerate() {
            let event = log.get(EventId(n as u64 + 1)).expect("stored");
            assert_eq!((event.timestamp, event.payload), (stamp, vec![n as u8; n]));
        }
        let bounds = [
            0,
            5,
            6,
            10 * day,
            60 * day + 1,
            61 * day,
            1_790_000_000_000,
            u64::MAX,
        ];
        for &since in &bounds {
            for &until in &bounds {
                let filter = EventFilter {
                    since: Some(since),
                    until: Some(until),
                    ..Default::default()
                };
                let found: Vec<u64> = log.query(&filter).iter().map(|e| e.id.0).collect();
                let expected: Vec<u64> = (1..)
                    .zip(stamps)
                    .filter(|&(_, t)| since <= t && t < until)
                    .map(|(id, _)| id)
                    .collect();
                assert_eq!(found, expected, "since {since}, until {until}");
            }
        }
    }

    /// Payloads of every length, empty ones between, come back byte for byte from `get` and `query`:
    /// each record's range of the shared buffer starts where the one before it ends.
    #[test]
    fn payloads_packed_end_to_end_come_back_whole() {
        let store = MemoryEventStore::new();
        let payload = |n: usize| -> Vec<u8> { (0..n % 5 * 3).map(|b| (b + n) as u8).collect() };
        let input: Vec<NewEvent> = (0..40)
            .map(|n| NewEvent {
                source: NodeId::from_name(&format!("s{}", n % 3)),
                kind: format!("k{}", n % 4),
                payload: payload(n),
                parent: (n > 0).then_some(EventId(n as u64)),
            })
            .collect();
        store.append(input[0].clone()).unwrap();
        store.append_batch(input[1..].to_vec()).unwrap();
        for (n, new) in input.iter().enumerate() {
            let got = store.get(EventId(n as u64 + 1)).unwrap().unwrap();
            assert_eq!(
                (&got.kind, &got.source, &got.payload, got.parent),
                (&new.kind, &new.source, &new.payload, new.parent)
            );
        }
        let k2: Vec<Vec<u8>> = store
            .query(&EventFilter {
                kinds: vec!["k2".into()],
                ..Default::default()
            })
            .unwrap()
            .into_iter()
            .map(|e| e.payload)
            .collect();
        assert_eq!(k2, (2..40).step_by(4).map(payload).collect::<Vec<_>>());
    }
}
