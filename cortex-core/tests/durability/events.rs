//! Crash trials of the event log: a writer appending singly and in batches is killed again and again; after
//! each kill the log holds every acknowledged event exactly, whole batches only, consistent indexes, and goes on.

use std::path::Path;

use cortex_core::{
    Event, EventFilter, EventId, EventStore, NewEvent, NodeId, RocksEventStore, RocksOptions,
};

use crate::trial::{self, mix, Announced, Plan, Rng, Transcript};

const TEST: &str = "events::acknowledged_appends_survive_repeated_kills";
const KINDS: [&str; 4] = [
    "alpha",
    "beta",
    "gamma",
    "a-kind-long-enough-to-vary-key-lengths",
];
const MAX_BATCH: u64 = 40;
/// Payloads run up to a KiB, so a kill has bytes to land in the middle of.
const MAX_FILLER: u64 = 1024;
/// The writer stops by itself after this many events, should the parent never kill it.
const WRITER_LIMIT: u64 = 1_000_000;

#[test]
fn acknowledged_appends_survive_repeated_kills() {
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
        let store = RocksEventStore::open(dir.path(), options(plan.sync))
            .unwrap_or_else(|e| panic!("{context}: reopen after the kill: {e}"));
        log.check_recovered(&store, &announced, &context);
        log.write_after_reopen(&store, &context);
    }
    let store = RocksEventStore::open(dir.path(), options(true)).expect("reopen at the end");
    log.check_recovered(&store, &[], &format!("seed {seed}, final reopen"));
}

fn options(sync: bool) -> RocksOptions {
    RocksOptions {
        sync,
        ..RocksOptions::default()
    }
}

/// The event with sequence number `n`: all of it follows from `n`, so the parent can recompute it.
fn nth_event(n: u64) -> NewEvent {
    let bits = mix(n);
    let mut payload = n.to_le_bytes().to_vec();
    payload.resize(8 + (bits % MAX_FILLER) as usize, n as u8);
    NewEvent {
        source: NodeId::from_name(&format!("writer-{}", (bits >> 16) % 5)),
        kind: KINDS[((bits >> 24) % KINDS.len() as u64) as usize].into(),
        payload,
        parent: (bits >> 32).is_multiple_of(2).then_some(EventId(n / 2 + 1)),
    }
}

/// One write: `len` events from sequence number `first`, through `append` when `single`, else `append_batch`.
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
}

/// The child: appends from `plan.first` until killed, announcing each write and acknowledging
/// it with the first id and the timestamp the store gave it.
fn write_until_killed(path: &Path, plan: Plan) {
    let store = RocksEventStore::open(path, options(plan.sync)).expect("open the log");
    let mut rng = Rng::new(plan.seed);
    let mut out = Transcript::new();
    let mut next = plan.first;
    while next < plan.first + WRITER_LIMIT {
        let write = match rng.below(3) {
            0 => Write {
                first: next,
                len: 1 + rng.below(MAX_BATCH),
                single: false,
            },
            _ => Write {
                first: next,
                len: 1,
                single: true,
            },
        };
        out.op(&write.line());
        let stored = if write.single {
            vec![store.append(nth_event(next)).expect("append")]
        } else {
            store.append_batch(write.events()).expect("append a batch")
        };
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
    /// Checks the reopened `store` against the log and the writes the killed writer `announced`: every
    /// acknowledged event exactly, and of the one write left unacknowledged all its events or none.
    fn check_recovered(&mut self, store: &RocksEventStore, announced: &[Announced], context: &str) {
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
        let report = store.verify_indexes().expect("verify the indexes");
        assert!(report.is_consistent(), "{context}: {report}");

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
        let len = store.len().expect("len");
        assert_eq!(len, self.events.len() as u64, "{context}: len() of the log");
    }

    /// Adds the events of an acknowledged `write`: ids from `first_id` on, one timestamp not before the last.
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

    /// The reopened log takes new writes, a batch and a single append, right after the recovered ones.
    fn write_after_reopen(&mut self, store: &RocksEventStore, context: &str) {
        for write in [(3, false), (1, true)].map(|(len, single)| Write {
            first: self.next,
            len,
            single,
        }) {
            self.next += write.len;
            let stored = if write.single {
                vec![store.append(nth_event(write.first)).expect("append")]
            } else {
                store.append_batch(write.events()).expect("append a batch")
            };
            self.push(write, stored[0].id.0, stored[0].timestamp, context);
            assert_eq!(stored, self.events[self.events.len() - stored.len()..]);
        }
    }
}
