//! The store traits every backend implements, and the backends themselves.

use crate::error::Result;
use crate::event::{Event, EventFilter, EventId, NewEvent, NodeId};
use crate::graph::{Direction, Edge, Node, NodeQuery, Path};

mod algorithms;
mod memory;
mod subscription;
pub(crate) mod validate;

#[cfg(feature = "fs")]
pub mod file;
#[cfg(all(not(target_family = "wasm"), feature = "native"))]
pub mod rocks;

pub use memory::{MemoryEventStore, MemoryGraphStore};
pub use subscription::Subscription;

/// Limits shared by every backend.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// Largest accepted payload, in bytes (default 1 MiB).
    pub max_payload_bytes: usize,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            max_payload_bytes: 1 << 20,
        }
    }
}

/// An append-only log of events. Implementations are shareable across threads and tasks.
pub trait EventStore: Send + Sync {
    /// Validates, stamps and stores one event; returns it with its id and timestamp.
    fn append(&self, event: NewEvent) -> Result<Event>;
    /// Stores all events or none: one invalid event rejects the whole batch.
    fn append_batch(&self, events: Vec<NewEvent>) -> Result<Vec<Event>>;
    fn get(&self, id: EventId) -> Result<Option<Event>>;
    /// Matching events in append order, honouring `filter.after` and `filter.limit`.
    fn query(&self, filter: &EventFilter) -> Result<Vec<Event>>;
    fn len(&self) -> Result<u64>;
    fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }
    /// Delivers every matching event appended after this call. A filter with a malformed kind pattern
    /// selects nothing and its subscription ends at once; `try_subscribe` reports it instead.
    fn subscribe(&self, filter: EventFilter) -> Subscription;
    /// `subscribe`, refusing a filter with a malformed kind pattern with `Error::InvalidKind`.
    fn try_subscribe(&self, filter: EventFilter) -> Result<Subscription> {
        crate::kind_pattern::validate_kind_patterns(&filter.kinds)?;
        Ok(self.subscribe(filter))
    }
}

/// The one event a single append stored; a backend whose commit returned none is broken.
#[cfg(any(feature = "fs", all(not(target_family = "wasm"), feature = "native")))]
pub(crate) fn the_one_stored(mut stored: Vec<Event>) -> Result<Event> {
    stored.pop().ok_or_else(|| crate::error::Error::Backend {
        context: "an append stored no event".into(),
        source: None,
    })
}

/// A directed property graph.
pub trait GraphStore: Send + Sync {
    /// Inserts or replaces a node, stamping its `updated_at` with the current time and its
    /// `created_at` with the time it was first put (what the caller set in either is ignored).
    fn put_node(&self, node: Node) -> Result<()>;
    fn get_node(&self, id: &NodeId) -> Result<Option<Node>>;
    /// Removes a node and every edge touching it; returns whether it existed.
    fn remove_node(&self, id: &NodeId) -> Result<bool>;
    /// Inserts or replaces the edge (from, relation, to); both nodes must exist.
    fn put_edge(&self, edge: Edge) -> Result<()>;
    fn get_edge(&self, from: &NodeId, relation: &str, to: &NodeId) -> Result<Option<Edge>>;
    fn remove_edge(&self, from: &NodeId, relation: &str, to: &NodeId) -> Result<bool>;
    /// Edges of `node` in `direction`, optionally only of one relation, in a deterministic order.
    fn neighbors(
        &self,
        node: &NodeId,
        direction: Direction,
        relation: Option<&str>,
    ) -> Result<Vec<Edge>>;
    /// Breadth-first from `start` over outgoing edges: each reachable node once, with its depth, up to `max_depth`.
    fn traverse(&self, start: &NodeId, max_depth: usize) -> Result<Vec<(NodeId, usize)>>;
    /// Cheapest path by summed weight over outgoing edges (Dijkstra), or `None` if unreachable.
    fn shortest_path(&self, from: &NodeId, to: &NodeId) -> Result<Option<Path>>;
    /// The nodes matching `query`, in ascending id order, honouring `query.after` and `query.limit`.
    /// A `text` without a word in it is `Error::InvalidInput`.
    fn find_nodes(&self, query: &NodeQuery) -> Result<Vec<Node>>;
    fn node_count(&self) -> Result<u64>;
    fn edge_count(&self) -> Result<u64>;
}
