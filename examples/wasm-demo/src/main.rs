//! wasm-demo: one deterministic cortex-core scenario whose summary is byte-identical natively and on wasm32-wasip1.
//!
//! Events go through an `EventBus` into a `MemoryEventStore`, the graph of tagged actors is built from the
//! stored events in a `MemoryGraphStore`, then queries (by kind, kind pattern and source), a traversal, a
//! shortest path and recall (`find_nodes` by label, tag, text and creation time, paged) are checked against
//! references computed here. Nothing printed depends on the clock or on hash order; the exit code is 1 if
//! any check failed. With `--dir PATH` the stored events are also appended to a file store in PATH,
//! and a `dir` line says how many events earlier runs had left there (see `dir`); a wasm module built
//! without the feature `fs` reads no arguments.

mod block_on;
mod bus;
mod checksum;
#[cfg(any(not(target_family = "wasm"), feature = "fs"))]
mod dir;
mod events;
mod graph;
mod recall;
mod report;
mod scenario;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use cortex_core::{MemoryEventStore, MemoryGraphStore};

use block_on::block_on;
use report::Report;

fn main() -> ExitCode {
    // A module built without `fs` reads no arguments: parsing them is 10 KB of the module.
    #[cfg(any(not(target_family = "wasm"), feature = "fs"))]
    let dir = {
        let mut args = std::env::args().skip(1);
        match (args.next().as_deref(), args.next(), args.next()) {
            (None, ..) => None,
            (Some("--dir"), Some(dir), None) => Some(dir),
            _ => return fail("usage: wasm-demo [--dir PATH]"),
        }
    };
    #[cfg(all(target_family = "wasm", not(feature = "fs")))]
    let dir: Option<String> = None;
    // Polled on this thread alone, natively as on wasm32-wasip1 (see `block_on` for why not a runtime).
    let Ok(report) = block_on(run(dir.as_deref())) else {
        return fail("the scenario stalled: a future waited with nothing left to wake it");
    };
    // Written rather than `print!`ed: `print!` panics on a failed write, and its message formats the
    // OS error with wasi-libc's table of error texts (3 KB in the module).
    if let Err(e) = std::io::stdout().write_all(report.render().as_bytes()) {
        return fail(&format!("cannot write the summary to stdout: {}", e.kind()));
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Says why the run failed, on stderr (if even that fails, the exit code still does).
fn fail(why: &str) -> ExitCode {
    let _ = std::io::stderr().write_all(format!("wasm-demo: {why}\n").as_bytes());
    ExitCode::FAILURE
}

async fn run(dir: Option<&str>) -> Report {
    let mut report = Report::new();
    let script = scenario::events();
    let store = Arc::new(MemoryEventStore::new());
    bus::feed(&mut report, &store, &script).await;
    let stored = events::check(&mut report, &store, &script);
    let graph = MemoryGraphStore::new();
    graph::check(&mut report, &graph, &stored, &script);
    #[cfg(any(not(target_family = "wasm"), feature = "fs"))]
    if let Some(dir) = dir {
        dir::keep(&mut report, dir, &stored);
    }
    #[cfg(all(target_family = "wasm", not(feature = "fs")))]
    let _ = dir;
    report
}
