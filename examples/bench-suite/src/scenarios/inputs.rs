//! What the scenarios are built from: the scratch directory, events and node ids made from a
//! counter, and cortex-core's errors as the runner's strings.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::OnceLock;

use cortex_core::{EventStore, NewEvent, NodeId};

/// The directory the file scenarios write under, from `--dir`.
pub(super) static SCRATCH: OnceLock<PathBuf> = OnceLock::new();

/// Sets the directory the file scenarios write under; the first call wins.
pub fn set_scratch(dir: PathBuf) {
    let _ = SCRATCH.set(dir);
}

pub(super) fn err(error: cortex_core::Error) -> String {
    error.to_string()
}

fn source() -> NodeId {
    NodeId::from_name("bench-source")
}

/// An event with a 10-byte-ish payload, built in the loop as an embedder would.
pub(super) fn event(kind: &str, i: u64) -> NewEvent {
    NewEvent {
        source: source(),
        kind: kind.to_owned(),
        payload: format!("event-{i}").into_bytes(),
        parent: None,
    }
}

/// A node id from a counter: distinct, and ordered like the counter.
pub(super) fn node_id(i: u64) -> NodeId {
    let mut id = [0u8; 32];
    id[..8].copy_from_slice(&i.to_be_bytes());
    NodeId(id)
}

/// Events `0..events` appended to `store` in `append_batch`es of `batch`, each of the kind `kind`
/// gives its counter.
pub(super) fn append_in_batches<'k>(
    store: &impl EventStore,
    events: u64,
    batch: u64,
    kind: impl Fn(u64) -> &'k str,
) -> Result<(), String> {
    let mut i = 0;
    while i < events {
        let end = (i + batch).min(events);
        let batch = (i..end).map(|i| event(kind(i), i)).collect();
        black_box(store.append_batch(batch)).map_err(err)?;
        i = end;
    }
    Ok(())
}
