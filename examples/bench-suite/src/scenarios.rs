//! The scenarios: what each sets up (untimed), resets before a run (untimed) and runs (timed).
//! cortex-core's in-memory stores and bus, and its file store in the scratch directory the suite
//! is given (`--dir`: natively a directory, on wasm one the host grants), which both targets have.

mod append;
mod bus;
mod floors;
mod inputs;
mod pages;
mod traversal;
mod workload;

use append::{Append, FileAppend};
use bus::BusPublish;
use floors::{BuildOnly, ClockRead, HeapChurn};
pub use inputs::set_scratch;
use pages::{kind_pages, node_pages};
use traversal::Traversal;
pub use workload::{Sizes, Workload};

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
