//! cortex-core: an embeddable event log and property graph, on RocksDB natively and in memory in wasm.

pub mod bus;
mod clock;
pub mod error;
pub mod event;
pub mod graph;
mod hash_state;
#[cfg(any(test, all(target_arch = "wasm32", feature = "wasm-heap")))]
#[allow(unsafe_code)]
mod heap;
mod id;
mod input;
mod kind_pattern;
pub mod store;

#[cfg(all(target_family = "wasm", feature = "wasm"))]
pub mod ffi;

#[cfg(feature = "fs")]
pub use error::FileProblem;
pub use error::{Error, Result};
pub use event::{Event, EventFilter, EventId, NewEvent, NodeId, Timestamp};
pub use graph::{Direction, Edge, Node, NodeQuery, Path};
pub use store::{
    EventStore, GraphStore, MemoryEventStore, MemoryGraphStore, StoreConfig, Subscription,
};

#[cfg(all(not(target_family = "wasm"), feature = "native"))]
pub use store::rocks::{
    IndexCheck, IndexReport, RocksEventStore, RocksGraphStore, RocksOptions, RocksStatistics,
};

#[cfg(feature = "fs")]
pub use store::file::{FileEventStore, FileGraphStore, FileOptions};
