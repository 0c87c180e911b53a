//! The event log's crash trial: a writer appending singly and in batches is killed again and again;
//! after each kill the log holds every acknowledged event exactly, of the write in flight all its
//! events or none, every indexed query answers what the test computes from its own record, and the
//! log goes on taking writes.

use std::path::Path;

use cortex_core::{EventId, EventStore, NewEvent, NodeId};

use super::splitmix::{mix, SplitMix64};
use super::writer::{self, Plan, Transcript};
use super::Backend;

mod log;

use log::Log;

const KINDS: [&str; 4] = [
    "alpha",
    "beta",
    "gamma",
    "a-kind-long-enough-to-vary-lengths",
];
const SOURCES: u64 = 5;
const MAX_BATCH: u64 = 40;
/// Payloads run up to a KiB, so a kill has bytes to land in the middle of.
const MAX_FILLER: u64 = 1024;
/// The writer stops by itself after this many events, should the parent never kill it.
const WRITER_LIMIT: u64 = 1_000_000;

/// Runs the trial on `backend`: in the writer child, writes until killed; in the parent, kills
/// writers and checks each recovery.
pub fn run<S: EventStore>(backend: &Backend<S>) {
    if let Some((path, plan)) = writer::writer_plan() {
        write_until_killed(backend, &path, plan);
        return;
    }
    let (seed, kills) = writer::seed_and_kills(backend.test);
    let mut rng = SplitMix64::new(seed);
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut log = Log::default();
    for kill in 0..kills {
        // A kill keeps the page cache, so unsynced writes must survive it as well as synced ones.
        let plan = Plan {
            seed: rng.next(),
            first: log.next,
            sync: rng.below(2) == 0,
        };
        let announced = writer::kill_a_writer(backend.test, dir.path(), plan, &mut rng);
        let context = format!("seed {seed}, kill {kill}");
        let store = backend.reopen(dir.path(), plan.sync, &context);
        (backend.check)(&store, &context);
        log.check_recovered(&store, &announced, &context);
        log.write_after_reopen(&store, &context);
    }
    let context = format!("seed {seed}, final reopen");
    let store = backend.reopen(dir.path(), true, &context);
    (backend.check)(&store, &context);
    log.check_recovered(&store, &[], &context);
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

    fn run(&self, store: &impl EventStore) -> Vec<cortex_core::Event> {
        if self.single {
            vec![store.append(nth_event(self.first)).expect("append")]
        } else {
            store.append_batch(self.events()).expect("append a batch")
        }
    }
}

/// The child: appends from `plan.first` until killed, announcing each write and acknowledging it
/// with the first id and the timestamp the store gave it, once the call has returned.
fn write_until_killed<S: EventStore>(backend: &Backend<S>, path: &Path, plan: Plan) {
    let store = (backend.open)(path, plan.sync).expect("open the log");
    let mut rng = SplitMix64::new(plan.seed);
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
