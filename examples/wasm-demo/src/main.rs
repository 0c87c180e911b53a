//! wasm-demo: one deterministic cortex-core scenario whose summary is byte-identical natively and on wasm32-wasip1.
//!
//! Events go through an `EventBus` into a `MemoryEventStore`, the graph of tagged actors is built from the
//! stored events in a `MemoryGraphStore`, then queries (by kind, kind pattern and source), a traversal, a
//! shortest path and recall (`find_nodes` by label, tag, text and creation time, paged) are checked against
//! references computed here. Nothing printed depends on the clock or on hash order; the exit code is 1 if
//! any check failed.

mod bus;
mod checksum;
mod events;
mod graph;
mod recall;
mod report;
mod scenario;

use std::process::ExitCode;
use std::sync::Arc;

use cortex_core::{MemoryEventStore, MemoryGraphStore};

use report::Report;

fn main() -> ExitCode {
    // Current-thread: the only flavour tokio offers on wasm32-wasip1, so use it natively too.
    let runtime = match tokio::runtime::Builder::new_current_thread().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("wasm-demo: cannot start the tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let report = runtime.block_on(run());
    print!("{}", report.render());
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

async fn run() -> Report {
    let mut report = Report::new();
    let script = scenario::events();
    let store = Arc::new(MemoryEventStore::new());
    bus::feed(&mut report, &store, &script).await;
    let stored = events::check(&mut report, &store, &script);
    let graph = MemoryGraphStore::new();
    graph::check(&mut report, &graph, &stored, &script);
    report
}
