//! In-memory stores: the only backend on wasm32, and a fast one for tests and short-lived embedders.

mod events;
mod graph;
mod lock;

pub use events::MemoryEventStore;
pub use graph::MemoryGraphStore;

use crate::error::Error;

/// A lock is poisoned only if a thread panicked mid-write; report it instead of trusting the half-written state.
fn poisoned<T>(_: T) -> Error {
    Error::Backend {
        context: "in-memory store lock poisoned by a panic in another thread".into(),
        source: None,
    }
}
