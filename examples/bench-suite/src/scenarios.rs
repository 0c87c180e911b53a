//! The scenarios: what each sets up (untimed), resets before a run (untimed) and runs (timed).
//! cortex-core's in-memory stores and bus, and its file store in the scratch directory the suite
//! is given (`--dir`: natively a directory, on wasm one the host grants), which both targets have.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::OnceLock;

use cortex_core::bus::{BackpressurePolicy, BusReceiver, EventBus};
use cortex_core::{
    Edge, EventFilter, EventStore, FileEventStore, FileOptions, GraphStore, MemoryEventStore,
    MemoryGraphStore, NewEvent, Node, NodeId, NodeQuery,
};

/// The directory the file scenarios write under, from `--dir`.
static SCRATCH: OnceLock<PathBuf> = OnceLock::new();

/// Sets the directory the file scenarios write under; the first call wins.
pub fn set_scratch(dir: PathBuf) {
    let _ = SCRATCH.set(dir);
}

/// How big each scenario is; `QUICK` only checks that everything runs.
pub struct Sizes {
    bus_events: u64,
    appends: u64,
    query_events: u64,
    query_nodes: u64,
    pages: u64,
    graph_nodes: u64,
    traversals: u64,
    clock_reads: u64,
    churn_bytes: usize,
}

impl Sizes {
    pub const FULL: Sizes = Sizes {
        bus_events: 500_000,
        appends: 200_000,
        query_events: 100_000,
        query_nodes: 20_000,
        pages: 2_000,
        graph_nodes: 10_000,
        traversals: 50,
        clock_reads: 1_000_000,
        churn_bytes: 4 << 20,
    };
    pub const QUICK: Sizes = Sizes {
        bus_events: 2_000,
        appends: 2_000,
        query_events: 2_000,
        query_nodes: 1_000,
        pages: 20,
        graph_nodes: 500,
        traversals: 5,
        clock_reads: 2_000,
        churn_bytes: 64 << 10,
    };
}

/// One scenario, ready to run.
pub trait Workload {
    /// Untimed: puts the state back as a run expects it (a fresh bus, an empty store).
    fn prepare(&mut self) -> Result<(), String> {
        Ok(())
    }
    /// Timed: the work; returns how many operations it did.
    fn run(&mut self) -> Result<u64, String>;
}

pub struct Scenario {
    pub name: &'static str,
    pub setup: fn(&Sizes) -> Result<Box<dyn Workload>, String>,
}

pub const ALL: &[Scenario] = &[
    Scenario {
        name: "bus_publish",
        setup: BusPublish::setup,
    },
    Scenario {
        name: "build_event_only",
        setup: |sizes| Ok(Box::new(BuildOnly(sizes.bus_events))),
    },
    Scenario {
        name: "memory_append",
        setup: |sizes| Ok(Box::new(Append::new(sizes.appends, 1))),
    },
    Scenario {
        name: "memory_batch_append",
        setup: |sizes| Ok(Box::new(Append::new(sizes.appends, 1_000))),
    },
    Scenario {
        name: "kind_query_page",
        setup: kind_pages,
    },
    Scenario {
        name: "node_query_page",
        setup: node_pages,
    },
    Scenario {
        name: "traversal",
        setup: Traversal::setup,
    },
    Scenario {
        name: "heap_churn",
        setup: |sizes| Ok(Box::new(HeapChurn(sizes.churn_bytes))),
    },
    Scenario {
        name: "file_batch_append",
        setup: |sizes| FileAppend::setup(sizes.appends),
    },
    Scenario {
        name: "clock_read",
        setup: |sizes| Ok(Box::new(ClockRead(sizes.clock_reads))),
    },
];

fn err(error: cortex_core::Error) -> String {
    error.to_string()
}

fn source() -> NodeId {
    NodeId::from_name("bench-source")
}

/// An event with a 10-byte-ish payload, built in the loop as an embedder would.
fn event(kind: &str, i: u64) -> NewEvent {
    NewEvent {
        source: source(),
        kind: kind.to_owned(),
        payload: format!("event-{i}").into_bytes(),
        parent: None,
    }
}

/// A node id from a counter: distinct, and ordered like the counter.
fn node_id(i: u64) -> NodeId {
    let mut id = [0u8; 32];
    id[..8].copy_from_slice(&i.to_be_bytes());
    NodeId(id)
}

/// `events` published with `try_publish` on a bus (capacity 256, DropNewest) whose one subscriber
/// to `*` is never read: the upstream scenario.
struct BusPublish {
    events: u64,
    bus: EventBus,
    _receiver: BusReceiver,
}

impl BusPublish {
    fn setup(sizes: &Sizes) -> Result<Box<dyn Workload>, String> {
        let (bus, receiver) = Self::fresh()?;
        Ok(Box::new(BusPublish {
            events: sizes.bus_events,
            bus,
            _receiver: receiver,
        }))
    }

    fn fresh() -> Result<(EventBus, BusReceiver), String> {
        let bus = EventBus::new(256, BackpressurePolicy::DropNewest);
        let filter = EventFilter {
            kinds: vec!["*".to_owned()],
            ..EventFilter::default()
        };
        let receiver = bus.subscribe(filter).map_err(err)?;
        Ok((bus, receiver))
    }
}

impl Workload for BusPublish {
    fn prepare(&mut self) -> Result<(), String> {
        (self.bus, self._receiver) = Self::fresh()?;
        Ok(())
    }

    fn run(&mut self) -> Result<u64, String> {
        for i in 0..self.events {
            black_box(self.bus.try_publish(event("bench.event", i))).map_err(err)?;
        }
        Ok(self.events)
    }
}

/// `events` appended to an empty memory store, one at a time (`batch` 1) or with `append_batch`.
struct Append {
    events: u64,
    batch: u64,
    store: MemoryEventStore,
}

impl Append {
    fn new(events: u64, batch: u64) -> Self {
        Append {
            events,
            batch,
            store: MemoryEventStore::new(),
        }
    }
}

impl Workload for Append {
    fn prepare(&mut self) -> Result<(), String> {
        self.store = MemoryEventStore::new();
        Ok(())
    }

    fn run(&mut self) -> Result<u64, String> {
        if self.batch == 1 {
            for i in 0..self.events {
                black_box(self.store.append(event("bench.event", i))).map_err(err)?;
            }
        } else {
            let mut i = 0;
            while i < self.events {
                let end = (i + self.batch).min(self.events);
                let batch = (i..end).map(|i| event("bench.event", i)).collect();
                black_box(self.store.append_batch(batch)).map_err(err)?;
                i = end;
            }
        }
        Ok(self.events)
    }
}

/// `events` appended to an empty file store (no sync) in `append_batch`es of 1,000: each batch one
/// checksummed frame written to the log, then applied in memory.
struct FileAppend {
    events: u64,
    /// Where this scenario's stores go: one fresh directory per run.
    dir: PathBuf,
    runs: u64,
    store: Option<FileEventStore>,
}

impl FileAppend {
    fn setup(events: u64) -> Result<Box<dyn Workload>, String> {
        let scratch = SCRATCH
            .get()
            .ok_or("needs a scratch directory: pass `--dir PATH`")?;
        Ok(Box::new(FileAppend {
            events,
            dir: scratch.join("file_batch_append"),
            runs: 0,
            store: None,
        }))
    }
}

impl Workload for FileAppend {
    fn prepare(&mut self) -> Result<(), String> {
        // The last run's store is closed first; its directory stays until the suite's scratch
        // directory is removed.
        self.store = None;
        self.runs += 1;
        let dir = self.dir.join(self.runs.to_string());
        std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        let options = FileOptions {
            sync: false,
            ..FileOptions::default()
        };
        self.store = Some(FileEventStore::open(&dir, options).map_err(err)?);
        Ok(())
    }

    fn run(&mut self) -> Result<u64, String> {
        if self.store.is_none() {
            self.prepare()?;
        }
        let store = self.store.as_ref().ok_or("no store")?;
        let mut i = 0;
        while i < self.events {
            let end = (i + 1000).min(self.events);
            let batch = (i..end).map(|i| event("bench.event", i)).collect();
            black_box(store.append_batch(batch)).map_err(err)?;
            i = end;
        }
        Ok(self.events)
    }
}

/// Pages of 100 from a store, each after the previous page's last id, starting over at the end:
/// `pages` queries a run. `next` queries the page after a cursor and gives the page's last id.
struct Pages<S, Id, F> {
    pages: u64,
    store: S,
    cursor: Option<Id>,
    next: F,
}

impl<S: 'static, Id: Copy + 'static, F> Pages<S, Id, F>
where
    F: FnMut(&S, Option<Id>) -> Result<Option<Id>, String> + 'static,
{
    fn boxed(pages: u64, store: S, next: F) -> Box<dyn Workload> {
        Box::new(Pages {
            pages,
            store,
            cursor: None,
            next,
        })
    }
}

impl<S, Id: Copy, F> Workload for Pages<S, Id, F>
where
    F: FnMut(&S, Option<Id>) -> Result<Option<Id>, String>,
{
    fn run(&mut self) -> Result<u64, String> {
        for _ in 0..self.pages {
            self.cursor = (self.next)(&self.store, self.cursor)?;
        }
        Ok(self.pages)
    }
}

const KINDS: [&str; 4] = ["sensor.reading", "grid.load", "agent.action", "user.note"];

/// Pages of 100 events of one kind (a quarter of the store).
fn kind_pages(sizes: &Sizes) -> Result<Box<dyn Workload>, String> {
    let store = MemoryEventStore::new();
    let mut i = 0;
    while i < sizes.query_events {
        let end = (i + 1_000).min(sizes.query_events);
        let batch = (i..end)
            .map(|i| event(KINDS[i as usize % KINDS.len()], i))
            .collect();
        store.append_batch(batch).map_err(err)?;
        i = end;
    }
    Ok(Pages::boxed(sizes.pages, store, |store, after| {
        let filter = EventFilter {
            kinds: vec![KINDS[0].to_owned()],
            after,
            limit: Some(100),
            ..EventFilter::default()
        };
        let page = store.query(&filter).map_err(err)?;
        let last = page.last().map(|e| e.id);
        black_box(page);
        Ok(last)
    }))
}

const LABELS: [&str; 4] = ["person", "place", "device", "topic"];

/// Pages of 100 nodes by label (a quarter of the graph) with `find_nodes`.
fn node_pages(sizes: &Sizes) -> Result<Box<dyn Workload>, String> {
    let graph = MemoryGraphStore::new();
    for i in 0..sizes.query_nodes {
        let node = Node::new(node_id(i), LABELS[i as usize % LABELS.len()])
            .with_tag(format!("group-{}", i % 10));
        graph.put_node(node).map_err(err)?;
    }
    Ok(Pages::boxed(sizes.pages, graph, |graph, after| {
        let mut query = NodeQuery::default().labels([LABELS[0]]).limit(100);
        if let Some(after) = after {
            query = query.after(after);
        }
        let page = graph.find_nodes(&query).map_err(err)?;
        let last = page.last().map(|n| n.id);
        black_box(page);
        Ok(last)
    }))
}

/// Traversals to depth 4 from one node of a graph where each node has three edges to pseudo-random
/// others (a fixed linear congruential sequence): `traversals` a run.
struct Traversal {
    traversals: u64,
    graph: MemoryGraphStore,
}

impl Traversal {
    fn setup(sizes: &Sizes) -> Result<Box<dyn Workload>, String> {
        let graph = MemoryGraphStore::new();
        let n = sizes.graph_nodes;
        for i in 0..n {
            graph
                .put_node(Node::new(node_id(i), "thing"))
                .map_err(err)?;
        }
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for from in 0..n {
            for _ in 0..3 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let edge = Edge {
                    from: node_id(from),
                    to: node_id((state >> 33) % n),
                    relation: "links".to_owned(),
                    weight: 1.0,
                };
                graph.put_edge(edge).map_err(err)?;
            }
        }
        Ok(Box::new(Traversal {
            traversals: sizes.traversals,
            graph,
        }))
    }
}

impl Workload for Traversal {
    fn run(&mut self) -> Result<u64, String> {
        for _ in 0..self.traversals {
            black_box(self.graph.traverse(&node_id(0), 4).map_err(err)?);
        }
        Ok(self.traversals)
    }
}

/// The events of `bus_publish` built and dropped, nothing published: the floor under it, and on each
/// target the part of its figure that is the loop's own `format!` and allocations, not the bus.
struct BuildOnly(u64);

impl Workload for BuildOnly {
    fn run(&mut self) -> Result<u64, String> {
        for i in 0..self.0 {
            black_box(event("bench.event", i));
        }
        Ok(self.0)
    }
}

/// `Instant::now()` alone: on wasm a WASI `clock_time_get` call into the host, the call a memory
/// append makes once per event, so the host's share of the other figures can be read off.
struct ClockRead(u64);

impl Workload for ClockRead {
    fn run(&mut self) -> Result<u64, String> {
        for _ in 0..self.0 {
            black_box(std::time::Instant::now());
        }
        Ok(self.0)
    }
}

/// 32 phases, each filling `.0` bytes with boxed slices of one size, the sizes going from 32 bytes
/// to 32 KiB and back in a fixed zigzag, each phase dropping the one before once it is filled: an
/// allocation a slice. Its peak is what the allocator keeps of memory freed by sizes no longer
/// asked for (at least twice `.0`: two phases live at once).
struct HeapChurn(usize);

impl Workload for HeapChurn {
    fn run(&mut self) -> Result<u64, String> {
        let mut allocations = 0;
        let mut previous: Vec<Box<[u8]>> = Vec::new();
        for phase in 0..32u32 {
            // Even phases climb from 32 bytes, odd ones come down from 32 KiB, ten doublings each.
            let step = if phase % 2 == 0 { phase } else { 32 - phase };
            let size = (32.0 * 2f64.powf(f64::from(step) * 10.0 / 31.0)) as usize;
            let count = self.0 / size;
            let blocks: Vec<Box<[u8]>> = (0..count)
                .map(|i| vec![i as u8; size].into_boxed_slice())
                .collect();
            allocations += count as u64;
            previous = black_box(blocks);
        }
        drop(previous);
        Ok(allocations)
    }
}
