//! The file store syncs in wasm as it says: through the embedded host, which counts `fd_sync` and
//! `fd_datasync`, a store opened with `CORTEX_OPEN_SYNC` syncs exactly once per write that returned
//! (single appends, a batch, graph puts), one opened without it never; and what was written is read
//! back by a fresh instance. Also: every file call the module imports is one the host serves.
#![cfg(feature = "runtime")]
#![allow(clippy::unwrap_used)]

mod common;

use common::fs_module::{granted, open_dir, optimised_bytes, Granted, OPEN_SYNC, UNLIMITED};
use xtask::runtime::cortex_abi::{encode_new_events, NewEventRecord};
use xtask::runtime::wasi::{served_names, FileCalls, MODULE};

const SINGLES: usize = 12;
const BATCH: usize = 7;

fn syncs(calls: &FileCalls) -> u64 {
    calls.syncs() + calls.datasyncs()
}

/// Appends [`SINGLES`] events one by one, a batch of [`BATCH`], then puts two nodes and an edge on
/// the store in `dir` opened with `flags`; returns the syncs each write made, in order.
fn write_through(dir: &std::path::Path, flags: i32) -> Vec<u64> {
    let Granted { mut abi, calls } = granted(dir, UNLIMITED);
    let handle = open_dir(&mut abi, "/data/store", flags).unwrap();
    assert!(handle > 0, "cortex_open_dir returned {handle}");
    let source = abi.put(&[7; 32]).unwrap();
    let kind = abi.put_region(b"note").unwrap();
    let mut per_write = Vec::new();
    for i in 0..SINGLES {
        let payload = abi.put_region(format!("event {i}").as_bytes()).unwrap();
        let before = syncs(&calls);
        let id = abi.append(handle, source, kind, payload).unwrap();
        assert!(id >= 0, "cortex_append returned {id}");
        per_write.push(syncs(&calls) - before);
    }
    let batch: Vec<_> = (0..BATCH)
        .map(|i| NewEventRecord::new([7; 32], "batch", format!("batched {i}").as_bytes()))
        .collect();
    let input = abi.put_region(&encode_new_events(&batch)).unwrap();
    let out = abi.put_region(&[0; 8 * BATCH]).unwrap();
    let before = syncs(&calls);
    assert_eq!(abi.append_batch(handle, input, out).unwrap(), BATCH as i32);
    per_write.push(syncs(&calls) - before);
    let (a, b) = (abi.put(&[1; 32]).unwrap(), abi.put(&[2; 32]).unwrap());
    let label = abi.put_region(b"thing").unwrap();
    let rel = abi.put_region(b"knows").unwrap();
    for id in [a, b] {
        let before = syncs(&calls);
        assert_eq!(abi.put_node(handle, id, label).unwrap(), 0);
        per_write.push(syncs(&calls) - before);
    }
    let before = syncs(&calls);
    assert_eq!(abi.put_edge(handle, a, b, rel, 1.5).unwrap(), 0);
    per_write.push(syncs(&calls) - before);
    per_write
}

/// What a fresh instance finds in `dir`: events and nodes.
fn reopened_counts(dir: &std::path::Path) -> (i64, i64, i64) {
    let Granted { mut abi, .. } = granted(dir, UNLIMITED);
    let handle = open_dir(&mut abi, "/data/store", 0).unwrap();
    assert!(handle > 0, "reopening returned {handle}");
    (
        abi.event_count(handle).unwrap(),
        abi.node_count(handle).unwrap(),
        abi.edge_count(handle).unwrap(),
    )
}

#[test]
fn a_synced_store_syncs_once_per_write_and_an_unsynced_one_never() {
    let writes = SINGLES + 1 + 3;
    let synced = tempfile::tempdir().unwrap();
    let per_write = write_through(synced.path(), OPEN_SYNC);
    eprintln!("syncs per write with CORTEX_OPEN_SYNC: {per_write:?}");
    assert_eq!(per_write, vec![1; writes], "one sync per synced write");
    let unsynced = tempfile::tempdir().unwrap();
    let per_write = write_through(unsynced.path(), 0);
    eprintln!("syncs per write without it: {per_write:?}");
    assert_eq!(per_write, vec![0; writes], "no sync without the flag");
    let expected = ((SINGLES + BATCH) as i64, 2, 1);
    assert_eq!(reopened_counts(synced.path()), expected);
    assert_eq!(reopened_counts(unsynced.path()), expected);
}

/// Every preview1 function the module imports is served for real: a stub would answer `ENOSYS`,
/// and the store would fail on a host that grants it a directory.
#[test]
fn every_file_call_the_module_imports_is_served() {
    let module = optimised_bytes();
    let mut imported = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&module) {
        if let wasmparser::Payload::ImportSection(imports) = payload.unwrap() {
            for import in imports {
                let import = import.unwrap();
                if import.module == MODULE {
                    imported.push(import.name.to_owned());
                }
            }
        }
    }
    assert!(
        imported.iter().any(|name| name == "path_open"),
        "the fs module opens files: {imported:?}"
    );
    let stubbed: Vec<_> = imported
        .iter()
        .filter(|name| !served_names().any(|served| served == name.as_str()))
        .collect();
    assert!(stubbed.is_empty(), "imported but not served: {stubbed:?}");
}
