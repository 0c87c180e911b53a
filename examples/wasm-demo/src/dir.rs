//! `--dir PATH`: the scenario's events kept in a file store in the directory PATH, so each run finds
//! the events the runs before it left there. Natively always; on wasm32-wasip1 in a build with the
//! feature `fs`, run with the directory granted (`wasmtime --dir PATH`, Node's `preopens`).

use cortex_core::{Event, EventStore, FileEventStore, FileOptions, NewEvent};

use crate::report::{number, Report};

/// Opens the store in `dir`, reports the events it found, appends this run's stored events as one
/// synced batch and reports how many it holds now.
pub fn keep(report: &mut Report, dir: &str, stored: &[Event]) {
    let options = FileOptions {
        sync: true,
        ..FileOptions::default()
    };
    let Some(store) = report.ok(
        "open the directory store",
        FileEventStore::open(dir, options),
    ) else {
        return;
    };
    let Some(found) = report.ok("count what earlier runs left", store.len()) else {
        return;
    };
    let batch = stored
        .iter()
        .map(|event| NewEvent {
            source: event.source,
            kind: event.kind.clone(),
            payload: event.payload.clone(),
            parent: None,
        })
        .collect();
    let appended = report
        .ok("append this run's events", store.append_batch(batch))
        .map_or(0, |events| events.len() as u64);
    let left = report.ok("count the events left", store.len()).unwrap_or(0);
    report.check(
        "the directory holds both runs' events",
        left == found + appended,
        || format!("found {found}, appended {appended}, left {left}"),
    );
    report.line(
        "dir",
        &[
            ("found", number(found)),
            ("appended", number(appended)),
            ("left", number(left)),
        ],
    );
}
