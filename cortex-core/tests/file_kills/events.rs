//! Crash trials of the file event log: a writer appending singly and in batches is killed again and
//! again; after each kill the log holds every acknowledged event exactly, of the write in flight all
//! its events or none, and every indexed query answers what the test computes from its own record.

use std::path::Path;

use cortex_core::{
    Event, EventFilter, EventId, EventStore, FileEventStore, FileOptions, NewEvent, NodeId,
};

use crate::trial::{self, mix, Announced, Plan, Rng, Transcript};

const TEST: &str = "events::acknowledged_file_appends_survive_repeated_kills";
const KINDS: [&str; 4] = [
    "alpha",
    "beta",
    "gamma",
    "a-kind-long-enough-to-vary-frames",
];
const SOURCES: u64 = 5;
const MAX_BATCH: u64 = 40;
/// Payloads run up to a KiB, so a kill has bytes to land in the middle of.
const MAX_FILLER: u64 = 1024;
/// The writer stops by itself after this many events, should the parent never kill it.
const WRITER_LIMIT: u64 = 1_000_000;

#[test]
fn acknowledged_file_appends_survive_repeated_kills() {
    if let Some((path, plan)) = trial::writer_plan() {
        write_until_killed(&path, plan);
        return;
    }
    let (seed, kills) = trial::seed_and_kills(TEST);
    let mut rng = Rng::new(seed);
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut log = Log::default();
    for kill in 0..kills {
        // A kill keeps the page cache, so unsynced writes must survive it as well as synced ones.
        let plan = Plan {
            seed: rng.next(),
            first: log.next,
            sync: rng.below(2) == 0,
        };
        let announced = trial::kill_a_writer(TEST, dir.path(), plan, &mut rng);
        let context = format!("seed {seed}, kill {kill}");
        let store = FileEventStore::open(dir.path(), options(plan.sync))
            .unwrap_or_else(|e| panic!("{context}: reopen after the kill: {e}"));
        log.check_recovered(&store, &announced, &context);
        log.write_after_reopen(&store, &context);
    }
    let store = FileEventStore::open(dir.path(), options(true)).expect("reopen at the end");
    log.check_recovered(&store, &[], &format!("seed {seed}, final reopen"));
}

fn options(sync: bool) -> FileOptions {
    FileOptions {
        sync,
        ..FileOptions::default()
    }
}

fn source(n: u64) -> NodeId {
    NodeId::from_name(&format!("writer-{n}"))
}

/// The event with sequence number `n`: all of it follows from `n`, so the parent can recompute it.
fn nth_event(n: u64) -> NewEvent {
    let bits = mix(n);
    let mut payload = n.to_le_bytes().to_vec();
    payload.resize(8 + (bits % MAX_FILLER) as usize, n as u8);
    NewEvent {
        source: source((bits >> 16) % SOURCES),
        kind: KINDS[((bits >> 24) % KINDS.len() as u64) as usize].into(),
        payload,
        parent: (bits >> 32).is_multiple_of(2).then_some(EventId(n / 2 + 1)),
    }
}

/// One write: `len` events from sequence number `first`, through `append` when `single`, else
/// `append_batch`.
#[derive(Clone, Copy, Debug)]
struct Write {
    first: u64,
    len: u64,
    single: bool,
}

impl Write {
    fn line(&self) -> String {
        let how = if self.single { "append" } else { "batch" };
        format!("{how} {} {}", self.first, self.len)
    }

    fn parse(line: &str) -> Write {
        let mut fields = line.split(' ');
        let single = fields.next() == Some("append");
        let mut number = || fields.next().and_then(|f| f.parse().ok()).expect(line);
        Write {
            single,
            first: number(),
            len: number(),
        }
    }

    fn events(&self) -> Vec<NewEvent> {
        (self.first..self.first + self.len).map(nth_event).collect()
    }

    fn run(&self, store: &FileEventStore) -> Vec<Event> {
        if self.single {
            vec![store.append(nth_event(self.first)).expect("append")]
        } else {
            store.append_batch(self.events()).expect("append a batch")
        }
    }
}

/// The child: appends from `plan.first` until killed, announcing each write and acknowledging it
/// with the first id and the timestamp the store gave it, once the call has returned.
fn write_until_killed(path: &Path, plan: Plan) {
    let store = FileEventStore::open(path, options(plan.sync)).expect("open the log");
    let mut rng = Rng::new(plan.seed);
    let mut out = Transcript::new();
    let mut next = plan.first;
    while next < plan.first + WRITER_LIMIT {
        let single = rng.below(3) != 0;
        let len = if single { 1 } else { 1 + rng.below(MAX_BATCH) };
        let write = Write {
            first: next,
            len,
            single,
        };
        out.op(&write.line());
        let stored = write.run(&store);
        out.ack(&format!("{} {}", stored[0].id, stored[0].timestamp));
        next += write.len;
    }
}

/// What the log must hold: every acknowledged event as the store acknowledged it, in id order.
#[derive(Debug, Default)]
struct Log {
    events: Vec<Event>,
    /// The next unused sequence number.
    next: u64,
}

impl Log {
    /// Checks the reopened `store` against the log and the writes the killed writer `announced`:
    /// every acknowledged event exactly, and of the one write left unacknowledged all or none.
    fn check_recovered(&mut self, store: &FileEventStore, announced: &[Announced], context: &str) {
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
    fn check_indexes(&self, store: &FileEventStore, context: &str) {
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
    fn write_after_reopen(&mut self, store: &FileEventStore, context: &str) {
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
