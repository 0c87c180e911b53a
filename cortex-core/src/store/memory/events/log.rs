//! The memory log itself: compact records, payloads packed end to end in one buffer, and each
//! kind's and each source's name held once with the positions of its events.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::event::{Event, EventId, NewEvent, NodeId, Timestamp};
use crate::hash_state::MapState;

#[derive(Debug, Default)]
pub(super) struct Log {
    /// One record per event, at position id - 1.
    pub(super) records: Vec<Record>,
    /// Every payload, in log order; a record's bytes end at its `payload_end` and start where the
    /// previous record's end.
    payloads: Vec<u8>,
    /// Each stored kind's number: its place in `kinds`.
    pub(super) kind_numbers: HashMap<String, u32, MapState>,
    /// Each kind's name and the positions of its events, ascending.
    pub(super) kinds: Vec<Kind>,
    /// Each source's number: its place in `sources`.
    pub(super) source_numbers: HashMap<NodeId, u32, MapState>,
    /// Each source's id and the positions of its events, ascending.
    pub(super) sources: Vec<Source>,
    /// The parent of each event that has one, by position, ascending; its record says it is here.
    parents: Vec<(usize, EventId)>,
}

/// An event as the log keeps it: the kind by number, the payload as a range of `Log::payloads`.
#[derive(Debug)]
pub(super) struct Record {
    pub(super) timestamp: Timestamp,
    payload_end: usize,
    pub(super) kind: u32,
    /// The source's number, shifted left by one; the low bit is set when the event has a parent.
    source_and_parent: u32,
}

impl Record {
    pub(super) fn source(&self) -> usize {
        (self.source_and_parent >> 1) as usize
    }

    fn has_parent(&self) -> bool {
        self.source_and_parent & 1 == 1
    }
}

/// A place in the log, as the kind and source lists keep it: 4 bytes where a `usize` takes 8
/// natively. Each append writes one to each list, and fresh memory is most of what an append costs;
/// [`MAX_EVENTS`] is the price.
pub(super) type Position = u32;

/// The most events a memory store holds: every position fits a [`Position`]. At 100 bytes an event
/// that is 400 GiB of memory, past what the store is for.
const MAX_EVENTS: usize = Position::MAX as usize;

#[derive(Debug)]
pub(super) struct Kind {
    pub(super) name: String,
    pub(super) positions: Vec<Position>,
}

#[derive(Debug)]
pub(super) struct Source {
    pub(super) id: NodeId,
    pub(super) positions: Vec<Position>,
}

impl Log {
    /// Refuses `more` events that would take the log past [`MAX_EVENTS`].
    pub(super) fn room_for(&self, more: usize) -> Result<()> {
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
    pub(super) fn push(&mut self, new: NewEvent, now: Timestamp) -> Event {
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
    pub(super) fn event(&self, position: usize) -> Event {
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

    pub(super) fn get(&self, id: EventId) -> Option<Event> {
        let position = usize::try_from(id.0).ok()?.checked_sub(1)?;
        (position < self.records.len()).then(|| self.event(position))
    }
}

/// True when a log of `len` events has room for `more` within [`MAX_EVENTS`].
pub(super) fn fits(len: usize, more: usize) -> bool {
    MAX_EVENTS.checked_sub(len).is_some_and(|room| more <= room)
}
