//! What `EventStore::query` and `get` must answer, worked out from the documented rules over a record of what was appended.
//!
//! Written apart from the library on purpose: nothing here calls `EventFilter::matches`, `query` or an
//! index, so a wrong rule in the library shows up as a disagreement instead of being copied into the
//! expectation. The rules are the field docs of `EventFilter` and the contract of `EventStore::query`.
//! The model test shares this file (through `#[path]`), so both suites check against the same reading.

use cortex_core::{Event, EventFilter, EventId};

/// Every event a store handed back from `append` or `append_batch`, in the order it handed them back.
///
/// Ids and timestamps are the store's to assign, so they are recorded as returned, never predicted.
#[derive(Debug, Default)]
pub struct Log {
    events: Vec<Event>,
}

impl Log {
    /// Adds an event as its append returned it, refusing one whose id does not exceed every earlier id
    /// (ids increase in append order) or whose timestamp is older than the newest one (stores never go back).
    pub fn record(&mut self, event: Event) -> Result<(), String> {
        if let Some(last) = self.events.last() {
            if event.id <= last.id {
                return Err(format!(
                    "id {} handed out after id {}: ids must increase in append order",
                    event.id, last.id
                ));
            }
            if event.timestamp < last.timestamp {
                return Err(format!(
                    "event {} stamped {} after event {} was stamped {}: timestamps must not go back",
                    event.id, event.timestamp, last.id, last.timestamp
                ));
            }
        }
        self.events.push(event);
        Ok(())
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The recorded event with this id, which is what `get` must return.
    pub fn get(&self, id: EventId) -> Option<&Event> {
        self.events.iter().find(|event| event.id == id)
    }

    /// What `query(filter)` must return: the selected events in append order, at most `filter.limit` of them.
    pub fn answer(&self, filter: &EventFilter) -> Vec<Event> {
        let mut found = Vec::new();
        for event in &self.events {
            if filter.limit == Some(found.len()) {
                break;
            }
            if selects(filter, event) {
                found.push(event.clone());
            }
        }
        found
    }
}

/// Whether `filter` selects `event`, field by field as `EventFilter` documents them (`limit` aside):
/// `kinds` is any of these kind patterns (see `pattern_selects`), or every kind when empty; `since` is an inclusive lower
/// bound and `until` an exclusive upper bound on the timestamp; `after` keeps ids strictly greater.
pub fn selects(filter: &EventFilter, event: &Event) -> bool {
    let kind_ok = filter.kinds.is_empty()
        || filter
            .kinds
            .iter()
            .any(|pattern| pattern_selects(pattern, &event.kind));
    let source_ok = match filter.source {
        Some(source) => event.source == source,
        None => true,
    };
    let since_ok = match filter.since {
        Some(since) => since <= event.timestamp,
        None => true,
    };
    let until_ok = match filter.until {
        Some(until) => event.timestamp < until,
        None => true,
    };
    let after_ok = match filter.after {
        Some(after) => after < event.id,
        None => true,
    };
    kind_ok && source_ok && since_ok && until_ok && after_ok
}

/// Whether one entry of `EventFilter::kinds` selects `kind`, read off the field's doc byte by byte:
/// a lone `*` takes every kind; `text*` (one `*`, last) takes the kinds whose first bytes are `text`;
/// anything else takes the kind equal to it. A `*` elsewhere makes the pattern malformed (see
/// `malformed_pattern`); read as a kind, it could only select a kind holding `*`, and none is stored.
pub fn pattern_selects(pattern: &str, kind: &str) -> bool {
    let (pattern, kind) = (pattern.as_bytes(), kind.as_bytes());
    let stars = pattern.iter().filter(|&&b| b == b'*').count();
    if stars == 1 && pattern[pattern.len() - 1] == b'*' {
        let head = &pattern[..pattern.len() - 1];
        return kind.len() >= head.len() && kind[..head.len()] == *head;
    }
    pattern == kind
}

/// Whether `pattern` holds a `*` anywhere but as its one last byte, which `query` must refuse.
pub fn malformed_pattern(pattern: &str) -> bool {
    let stars = pattern.matches('*').count();
    stars > 1 || (stars == 1 && !pattern.ends_with('*'))
}
