//! Stores that close and reopen their file store before every call that follows a write, so each
//! step of a test reads, and writes on top of, what the steps before it left on disk. Subscriptions
//! live in one open store, so once one is taken the store stays open from then on.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use cortex_core::{
    Direction, Edge, Event, EventFilter, EventId, EventStore, FileEventStore, FileGraphStore,
    FileOptions, GraphStore, NewEvent, Node, NodeId, NodeQuery, Path as GraphPath, Result,
    Subscription,
};

/// A file store opened anew before each call.
pub struct Reopening<S> {
    dir: PathBuf,
    options: FileOptions,
    state: Mutex<State<S>>,
}

struct State<S> {
    store: Option<S>,
    /// Written to since it was opened.
    written: bool,
    /// A subscription holds it open.
    pinned: bool,
}

pub type ReopeningEvents = Reopening<FileEventStore>;
pub type ReopeningGraph = Reopening<FileGraphStore>;

/// How a file store opens.
pub trait Open: Sized {
    fn open_in(dir: &Path, options: FileOptions) -> Result<Self>;
}

impl Open for FileEventStore {
    fn open_in(dir: &Path, options: FileOptions) -> Result<Self> {
        FileEventStore::open(dir, options)
    }
}

impl Open for FileGraphStore {
    fn open_in(dir: &Path, options: FileOptions) -> Result<Self> {
        FileGraphStore::open(dir, options)
    }
}

/// The store, reopened unless a subscription pins it.
pub struct Reopened<'a, S>(MutexGuard<'a, State<S>>);

impl<S> std::ops::Deref for Reopened<'_, S> {
    type Target = S;
    fn deref(&self) -> &S {
        self.0
            .store
            .as_ref()
            .expect("the store is open between calls")
    }
}

impl<S: Open> Reopening<S> {
    pub fn new(dir: &Path, options: FileOptions) -> Result<Self> {
        let store = S::open_in(dir, options.clone())?;
        Ok(Reopening {
            dir: dir.to_owned(),
            options,
            state: Mutex::new(State {
                store: Some(store),
                written: false,
                pinned: false,
            }),
        })
    }

    /// The store for a call: opened again if it was written to, and marked written if `writes`.
    fn store(&self, writes: bool) -> Result<Reopened<'_, S>> {
        let mut state = self
            .state
            .lock()
            .expect("no test panicked holding the store");
        if state.written && !state.pinned {
            // Closed before it is opened again: never two open stores on one file.
            state.store = None;
            state.store = Some(S::open_in(&self.dir, self.options.clone())?);
        }
        state.written = writes;
        Ok(Reopened(state))
    }

    fn read(&self) -> Result<Reopened<'_, S>> {
        self.store(false)
    }

    fn write(&self) -> Result<Reopened<'_, S>> {
        self.store(true)
    }

    fn pinned(&self) -> Reopened<'_, S> {
        let mut state = self
            .state
            .lock()
            .expect("no test panicked holding the store");
        state.pinned = true;
        Reopened(state)
    }
}

impl EventStore for Reopening<FileEventStore> {
    fn append(&self, event: NewEvent) -> Result<Event> {
        self.write()?.append(event)
    }
    fn append_batch(&self, events: Vec<NewEvent>) -> Result<Vec<Event>> {
        self.write()?.append_batch(events)
    }
    fn get(&self, id: EventId) -> Result<Option<Event>> {
        self.read()?.get(id)
    }
    fn query(&self, filter: &EventFilter) -> Result<Vec<Event>> {
        self.read()?.query(filter)
    }
    fn len(&self) -> Result<u64> {
        self.read()?.len()
    }
    fn subscribe(&self, filter: EventFilter) -> Subscription {
        self.pinned().subscribe(filter)
    }
}

impl GraphStore for Reopening<FileGraphStore> {
    fn put_node(&self, node: Node) -> Result<()> {
        self.write()?.put_node(node)
    }
    fn get_node(&self, id: &NodeId) -> Result<Option<Node>> {
        self.read()?.get_node(id)
    }
    fn remove_node(&self, id: &NodeId) -> Result<bool> {
        self.write()?.remove_node(id)
    }
    fn put_edge(&self, edge: Edge) -> Result<()> {
        self.write()?.put_edge(edge)
    }
    fn get_edge(&self, from: &NodeId, relation: &str, to: &NodeId) -> Result<Option<Edge>> {
        self.read()?.get_edge(from, relation, to)
    }
    fn remove_edge(&self, from: &NodeId, relation: &str, to: &NodeId) -> Result<bool> {
        self.write()?.remove_edge(from, relation, to)
    }
    fn neighbors(
        &self,
        node: &NodeId,
        direction: Direction,
        relation: Option<&str>,
    ) -> Result<Vec<Edge>> {
        self.read()?.neighbors(node, direction, relation)
    }
    fn traverse(&self, start: &NodeId, max_depth: usize) -> Result<Vec<(NodeId, usize)>> {
        self.read()?.traverse(start, max_depth)
    }
    fn shortest_path(&self, from: &NodeId, to: &NodeId) -> Result<Option<GraphPath>> {
        self.read()?.shortest_path(from, to)
    }
    fn find_nodes(&self, query: &NodeQuery) -> Result<Vec<Node>> {
        self.read()?.find_nodes(query)
    }
    fn node_count(&self) -> Result<u64> {
        self.read()?.node_count()
    }
    fn edge_count(&self) -> Result<u64> {
        self.read()?.edge_count()
    }
}
