//! What the event log must hold after each kill, as the trial's parent records it, and the checks
//! of a reopened store against it.

use cortex_core::{Event, EventFilter, EventId, EventStore};

use super::{source, Write, KINDS, SOURCES};
use crate::kill_trial::writer::Announced;

/// Every acknowledged event as the store acknowledged it, in id order.
#[derive(Debug, Default)]
pub struct Log {
    events: Vec<Event>,
    /// The next unused sequence number.
    pub next: u64,
}

impl Log {
    /// Checks the reopened `store` against the log and the writes the killed writer `announced`:
    /// every acknowledged event exactly, and of the one write left unacknowledged all or none.
    pub fn check_recovered(
        &mut self,
        store: &impl EventStore,
        announced: &[Announced],
        context: &str,
    ) {
        let mut pending = None;
        for (i, write) in announced.iter().enumerate() {
            let parsed = Write::parse(&write.op);
            self.next = parsed.first + parsed.len;
            match &write.ack {
                Some(ack) => {
                    let (id, timestamp) = ack.split_once(' ').expect("id and timestamp");
                    let (id, timestamp) = (id.parse().expect("id"), timestamp.parse().expect("ts"));
                    self.push(parsed, id, timestamp, context);
                }
                None if i + 1 == announced.len() => pending = Some(parsed),
                None => panic!("{context}: a write after one that never returned"),
            }
        }
        let stored = store.query(&EventFilter::default()).expect("read the log");
        let acked = self.events.len();
        assert!(
            stored.len() >= acked,
            "{context}: {acked} events acknowledged, {} recovered",
            stored.len()
        );
        if let Some(i) = (0..acked).find(|&i| stored[i] != self.events[i]) {
            panic!(
                "{context}: event {} recovered as {:?}, acknowledged as {:?}",
                i + 1,
                stored[i],
                self.events[i]
            );
        }
        let unacknowledged = &stored[acked..];
        if let Some(first) = unacknowledged.first() {
            let write = pending.unwrap_or_else(|| {
                panic!("{context}: {first:?} recovered though no write was in flight")
            });
            assert_eq!(
                unacknowledged.len() as u64,
                write.len,
                "{context}: part of the unacknowledged {} was recovered",
                write.line()
            );
            self.push(write, first.id.0, first.timestamp, context);
            assert_eq!(unacknowledged, &self.events[acked..], "{context}");
        }
        let len = self.events.len() as u64;
        assert_eq!(store.len().expect("len"), len, "{context}: len()");
        self.check_indexes(store, context);
    }

    /// Every query an index answers (kind, kind pattern, source, time range, pages) against the
    /// filter applied to the test's own list.
    fn check_indexes(&self, store: &impl EventStore, context: &str) {
        let mut filters: Vec<EventFilter> = KINDS
            .iter()
            .map(|kind| EventFilter {
                kinds: vec![(*kind).into()],
                ..Default::default()
            })
            .collect();
        filters.push(EventFilter {
            kinds: vec!["a*".into(), "beta".into()],
            ..Default::default()
        });
        filters.extend((0..SOURCES).map(|n| EventFilter {
            source: Some(source(n)),
            kinds: if n == 0 { vec!["gamma".into()] } else { vec![] },
            ..Default::default()
        }));
        if let Some(middle) = self.events.get(self.events.len() / 2) {
            filters.push(EventFilter {
                since: Some(middle.timestamp),
                until: Some(middle.timestamp + 5),
                kinds: vec!["alpha".into()],
                ..Default::default()
            });
            filters.push(EventFilter {
                after: Some(middle.id),
                limit: Some(7),
                source: Some(middle.source),
                ..Default::default()
            });
        }
        for filter in filters {
            let found = store.query(&filter).expect("query");
            let expected: Vec<&Event> = self
                .events
                .iter()
                .filter(|e| wanted(&filter, e))
                .take(filter.limit.unwrap_or(usize::MAX))
                .collect();
            let found: Vec<&Event> = found.iter().collect();
            assert_eq!(found, expected, "{context}: {filter:?}");
        }
    }

    /// Adds the events of an acknowledged `write`: ids from `first_id` on, one timestamp not before
    /// the last.
    fn push(&mut self, write: Write, first_id: u64, timestamp: u64, context: &str) {
        assert_eq!(
            first_id,
            self.events.len() as u64 + 1,
            "{context}: {} did not continue the ids",
            write.line()
        );
        if let Some(last) = self.events.last() {
            assert!(timestamp >= last.timestamp, "{context}: time went back");
        }
        for (offset, new) in (0..).zip(write.events()) {
            self.events.push(Event {
                id: EventId(first_id + offset),
                timestamp,
                source: new.source,
                kind: new.kind,
                payload: new.payload,
                parent: new.parent,
            });
        }
    }

    /// The reopened log takes new writes, a batch and a single append, right after the recovered
    /// ones.
    pub fn write_after_reopen(&mut self, store: &impl EventStore, context: &str) {
        for (len, single) in [(3, false), (1, true)] {
            let write = Write {
                first: self.next,
                len,
                single,
            };
            self.next += write.len;
            let stored = write.run(store);
            self.push(write, stored[0].id.0, stored[0].timestamp, context);
            assert_eq!(stored, self.events[self.events.len() - stored.len()..]);
        }
    }
}

/// Whether `event` passes `filter`, by the filter's documented meaning (the limit aside).
fn wanted(filter: &EventFilter, event: &Event) -> bool {
    let kind = filter.kinds.is_empty()
        || filter.kinds.iter().any(|k| match k.strip_suffix('*') {
            Some(prefix) => event.kind.starts_with(prefix) && event.kind.len() > prefix.len(),
            None => *k == event.kind,
        });
    kind && filter.source.is_none_or(|s| s == event.source)
        && filter.since.is_none_or(|t| event.timestamp >= t)
        && filter.until.is_none_or(|t| event.timestamp < t)
        && filter.after.is_none_or(|a| event.id > a)
}
