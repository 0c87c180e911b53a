//! Times and ids named by their place in a store's log, and filters built from them.
//!
//! Stores stamp events themselves, so each hands out timestamps of its own; a mark names
//! "event 3's timestamp, plus one" and each store's mark resolves against that store's own log.

use cortex_core::{Event, EventFilter, EventId};

use super::source;
use crate::oracle::Log;

/// A timestamp or id named by its place in a log: zero, the greatest value, or a logged event's value
/// shifted by -1, 0 or +1, so bounds land on, just before and just after real ones.
#[derive(Clone, Copy, Debug)]
pub(super) enum Mark {
    Zero,
    Near { event: usize, shift: i8 },
    Max,
}

impl Mark {
    pub(super) fn resolve(self, log: &Log, value: impl Fn(&Event) -> u64) -> u64 {
        let events = log.events();
        match self {
            Mark::Zero => 0,
            Mark::Max => u64::MAX,
            Mark::Near { event, shift } => events
                .get(event % events.len().max(1))
                .map_or(0, value)
                .saturating_add_signed(shift.into()),
        }
    }
}

/// A filter whose times and cursor are marks, resolved per store.
#[derive(Clone, Debug)]
pub(super) struct FilterSpec {
    pub(super) kinds: Vec<&'static str>,
    pub(super) source: Option<u8>,
    pub(super) since: Option<Mark>,
    pub(super) until: Option<Mark>,
    pub(super) after: Option<Mark>,
    pub(super) limit: Option<usize>,
}

impl FilterSpec {
    pub(super) fn resolve(&self, log: &Log) -> EventFilter {
        let time = |mark: Mark| mark.resolve(log, |e| e.timestamp);
        EventFilter {
            kinds: self.kinds.iter().map(|k| k.to_string()).collect(),
            source: self.source.map(source),
            since: self.since.map(time),
            until: self.until.map(time),
            after: self
                .after
                .map(|mark| EventId(mark.resolve(log, |e| e.id.0))),
            limit: self.limit,
        }
    }
}
