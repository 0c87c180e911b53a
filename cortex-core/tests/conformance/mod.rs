//! One behavioural suite every store backend must pass, instantiated per backend with `conformance_suite!`.

pub mod combinations;
pub mod concurrency;
pub mod events;
pub mod find_nodes;
pub mod graph;
pub mod mix;
pub mod node_oracle;
pub mod oracle;
pub mod paths;
pub mod patterns;
pub mod queries;
pub mod splitmix;
pub mod subscriptions;

use cortex_core::{
    Edge, Event, EventFilter, EventId, EventStore, GraphStore, NewEvent, Node, NodeId, Result,
    StoreConfig,
};

/// Expands to `mod $name { … }` holding one `#[test]` per conformance case, each run on fresh stores.
///
/// Contract:
/// - The invoking test crate declares `mod conformance;` at its root and invokes the macro at its root
///   (the generated module does `use super::*`, so names the factory uses may be imported there).
/// - `$factory` is an expression callable as `Fn(StoreConfig) -> (E, G, K)` with `E: EventStore`,
///   `G: GraphStore`, and `K` any guard that must outlive both stores (a `tempfile::TempDir`, or `()`).
/// - Every call returns new, empty stores that share nothing with other calls: tests run in parallel.
///   The `StoreConfig` must be honoured (tests pass a small `max_payload_bytes`).
/// - The stores are dropped before the guard, so a backend may flush into the guarded directory on drop.
///
/// ```ignore
/// mod conformance;
/// conformance::conformance_suite!(memory, |config| (MemoryEventStore::with_config(config), MemoryGraphStore::new(), ()));
/// conformance::conformance_suite!(rocks, |config| {
///     let dir = tempfile::tempdir().expect("temp dir");
///     let (events, graph) = open_both(dir.path(), config);
///     (events, graph, dir)
/// });
/// ```
macro_rules! conformance_suite {
    ($name:ident, $factory:expr $(,)?) => {
        $crate::conformance::conformance_suite!(@cases $name, $factory, [
            events::append_then_get_and_len,
            events::ids_are_unique_and_increasing,
            queries::query_by_kinds,
            queries::query_by_source,
            queries::query_by_time_range,
            queries::query_pages_with_after_and_limit,
            combinations::query_combinations_match_the_filter,
            patterns::query_by_kind_patterns,
            patterns::a_star_is_refused_in_kinds_and_before_the_end_of_patterns,
            patterns::subscriptions_match_kind_patterns,
            events::append_batch_is_all_or_nothing,
            events::invalid_events_are_rejected,
            subscriptions::subscribers_get_only_later_matching_events,
            subscriptions::subscription_limit_ends_it,
            graph::nodes_put_get_replace_remove,
            graph::invalid_nodes_and_edges_are_rejected,
            graph::edges_put_get_replace_remove,
            graph::edge_to_a_missing_node_changes_nothing,
            graph::removing_a_node_removes_its_edges,
            graph::neighbors_by_direction_and_relation,
            find_nodes::nodes_are_stamped_by_the_store,
            find_nodes::find_nodes_answers_as_a_scan_does,
            find_nodes::find_nodes_pages_exactly,
            find_nodes::find_nodes_by_creation_time,
            find_nodes::text_matches_whole_words_ignoring_case,
            find_nodes::replaced_and_removed_nodes_leave_the_indexes,
            paths::traverse_reports_each_node_once_with_its_depth,
            paths::shortest_path_prefers_the_cheaper_longer_route,
            concurrency::concurrent_appends_lose_nothing,
            concurrency::concurrent_graph_writes_lose_nothing,
        ]);
    };
    (@cases $name:ident, $factory:expr, [$($group:ident :: $case:ident),* $(,)?]) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $case() -> cortex_core::Result<()> {
                    $crate::conformance::$group::$case(&$factory)
                }
            )*
        }
    };
}
pub(crate) use conformance_suite;

/// The stores of one test; fields drop in order, so both stores close before the guard goes.
pub struct Stores<E, G, K> {
    pub events: E,
    pub graph: G,
    _guard: K,
}

/// What a conformance case is given: the backend's factory, any `Fn(StoreConfig) -> (E, G, K)`
/// as [`conformance_suite!`] describes it.
pub trait Backend {
    type Events: EventStore;
    type Graph: GraphStore;
    type Guard;

    /// New, empty stores honouring `config`.
    fn open(&self, config: StoreConfig) -> Stores<Self::Events, Self::Graph, Self::Guard>;

    /// New, empty stores with the default config.
    fn fresh(&self) -> Stores<Self::Events, Self::Graph, Self::Guard> {
        self.open(StoreConfig::default())
    }
}

impl<F, E: EventStore, G: GraphStore, K> Backend for F
where
    F: Fn(StoreConfig) -> (E, G, K),
{
    type Events = E;
    type Graph = G;
    type Guard = K;

    fn open(&self, config: StoreConfig) -> Stores<E, G, K> {
        let (events, graph, guard) = self(config);
        Stores {
            events,
            graph,
            _guard: guard,
        }
    }
}

pub fn new_event(source: &str, kind: &str, payload: &[u8]) -> NewEvent {
    NewEvent {
        source: NodeId::from_name(source),
        kind: kind.into(),
        payload: payload.to_vec(),
        parent: None,
    }
}

pub fn node(name: &str) -> Node {
    Node::new(NodeId::from_name(name), "thing").with_property("name", name)
}

/// `node` without the times the store stamped on it, to compare with what was put.
pub fn unstamped(node: Option<Node>) -> Option<Node> {
    node.map(|mut node| {
        (node.created_at, node.updated_at) = (0, 0);
        node
    })
}

pub fn edge(from: &str, relation: &str, to: &str, weight: f64) -> Edge {
    Edge {
        from: id(from),
        to: id(to),
        relation: relation.into(),
        weight,
    }
}

pub fn id(name: &str) -> NodeId {
    NodeId::from_name(name)
}

/// Puts a [`node`] for each of `names`, then each of `edges`, in order.
pub fn put_graph<G: GraphStore>(
    graph: &G,
    names: &[&str],
    edges: impl IntoIterator<Item = Edge>,
) -> Result<()> {
    names
        .iter()
        .try_for_each(|name| graph.put_node(node(name)))?;
    edges.into_iter().try_for_each(|edge| graph.put_edge(edge))
}

/// Appends one event and records what the store handed back in `log`.
pub fn append_logged<E: EventStore>(
    events: &E,
    log: &mut oracle::Log,
    new: NewEvent,
) -> Result<Event> {
    let stored = events.append(new)?;
    if let Err(why) = log.record(stored.clone()) {
        panic!("{why}");
    }
    Ok(stored)
}

/// Appends a batch and records what the store handed back in `log`.
pub fn append_batch_logged<E: EventStore>(
    events: &E,
    log: &mut oracle::Log,
    batch: Vec<NewEvent>,
) -> Result<Vec<Event>> {
    let stored = events.append_batch(batch)?;
    for event in &stored {
        if let Err(why) = log.record(event.clone()) {
            panic!("{why}");
        }
    }
    Ok(stored)
}

/// Every stored event, in append order, as the store's own query reports it (never an expectation).
pub fn all<E: EventStore>(events: &E) -> Result<Vec<Event>> {
    events.query(&EventFilter::default())
}

pub fn ids(events: &[Event]) -> Vec<EventId> {
    events.iter().map(|e| e.id).collect()
}
