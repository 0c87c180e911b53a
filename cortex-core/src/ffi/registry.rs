//! Handles: small positive integers naming what a host opened — stores, store subscriptions, buses
//! and bus receivers — in one table, so a handle of one kind passed where another is expected is refused.

use std::cell::RefCell;
use std::rc::Rc;

use super::codes::{Failure, Outcome, CORTEX_E_BAD_HANDLE, CORTEX_E_INTERNAL};
use super::feed::{Feed, Source};
use crate::bus::EventBus;
use crate::store::StoreConfig;
// With `fs`, every store handle is a file store, opened on a directory or (`cortex_store_open`)
// without a file; without it, the memory stores alone.
#[cfg(feature = "fs")]
pub(crate) use crate::store::file::{
    FileEventStore as EventBackend, FileGraphStore as GraphBackend,
};
#[cfg(not(feature = "fs"))]
pub(crate) use crate::store::{MemoryEventStore as EventBackend, MemoryGraphStore as GraphBackend};

/// What one store handle opens: an event log and a graph, side by side.
#[derive(Debug)]
pub(crate) struct OpenStore {
    /// The event store's limits, kept so oversized input is refused before it is copied in.
    pub(crate) config: StoreConfig,
    pub(crate) events: EventBackend,
    pub(crate) graph: GraphBackend,
}

/// Everything a handle can name.
#[derive(Debug, Clone)]
pub(crate) enum Object {
    Store(Rc<OpenStore>),
    /// A store subscription or a bus receiver.
    Feed(Rc<RefCell<Feed>>),
    Bus(EventBus),
}

thread_local! {
    // Handle `h` is slot `h - 1`. Closed slots stay `None` and are never reused, so a stale
    // handle keeps failing instead of silently reaching a newer object.
    static OBJECTS: RefCell<Vec<Option<Object>>> = const { RefCell::new(Vec::new()) };
}

fn busy() -> Failure {
    Failure::new(CORTEX_E_INTERNAL, "handle table busy")
}

/// Runs `f` on the handle table. `try_with` rather than `with` (see `codes::finish`); a table that
/// cannot be reached is as busy as one that is borrowed.
fn with_objects<R>(f: impl FnOnce(&RefCell<Vec<Option<Object>>>) -> Outcome<R>) -> Outcome<R> {
    OBJECTS.try_with(f).unwrap_or_else(|_| Err(busy()))
}

fn unknown(handle: i32, kind: &str) -> Failure {
    Failure::new(
        CORTEX_E_BAD_HANDLE,
        // Widened: the module already formats i64s, and an i32 would be another copy.
        format!("{} is not an open {kind} handle", i64::from(handle)),
    )
}

/// Registers `object` and returns its new handle (> 0).
pub(crate) fn insert(object: Object) -> Outcome<i32> {
    with_objects(|objects| {
        let mut objects = objects.try_borrow_mut().map_err(|_| busy())?;
        let handle = i32::try_from(objects.len() + 1)
            .map_err(|_| Failure::new(CORTEX_E_INTERNAL, "too many handles opened"))?;
        objects.push(Some(object));
        Ok(handle)
    })
}

/// Opens a fresh store pair and returns its handle.
pub(crate) fn open_store() -> Outcome<i32> {
    let config = StoreConfig::default();
    #[cfg(not(feature = "fs"))]
    let (events, graph) = (
        EventBackend::with_config(config.clone()),
        GraphBackend::new(),
    );
    #[cfg(feature = "fs")]
    let (events, graph) = (
        EventBackend::in_memory(config.clone()),
        GraphBackend::in_memory(),
    );
    insert(Object::Store(Rc::new(OpenStore {
        events,
        graph,
        config,
    })))
}

/// Opens the event log and graph kept in the directory `dir` (created if missing), replayed, and
/// returns their handle. `sync`: each write is synced before its call returns.
#[cfg(feature = "fs")]
pub(crate) fn open_dir_store(dir: &str, sync: bool) -> Outcome<i32> {
    let options = crate::store::file::FileOptions {
        sync,
        ..Default::default()
    };
    insert(Object::Store(Rc::new(OpenStore {
        events: EventBackend::open(dir, options.clone())?,
        graph: GraphBackend::open(dir, options.clone())?,
        config: options.store,
    })))
}

/// The object behind an open handle; the table is not borrowed while the caller uses it.
fn get(handle: i32, kind: &str) -> Outcome<Object> {
    with_objects(|objects| {
        let objects = objects.try_borrow().map_err(|_| busy())?;
        slot_index(handle)
            .and_then(|i| objects.get(i))
            .and_then(Option::clone)
            .ok_or_else(|| unknown(handle, kind))
    })
}

pub(crate) fn store(handle: i32) -> Outcome<Rc<OpenStore>> {
    match get(handle, "store")? {
        Object::Store(s) => Ok(s),
        _ => Err(unknown(handle, "store")),
    }
}

pub(crate) fn bus(handle: i32) -> Outcome<EventBus> {
    match get(handle, "bus")? {
        Object::Bus(b) => Ok(b),
        _ => Err(unknown(handle, "bus")),
    }
}

/// A store subscription or bus receiver; `bus` says which kind the caller needs.
pub(crate) fn feed(handle: i32, bus: bool) -> Outcome<Rc<RefCell<Feed>>> {
    let kind = if bus { "bus receiver" } else { "subscription" };
    match get(handle, kind)? {
        Object::Feed(f) if matches!(f.borrow().source, Source::Bus(_)) == bus => Ok(f),
        _ => Err(unknown(handle, kind)),
    }
}

/// Closes a handle whose object `is_kind` accepts; the object is dropped once no call uses it.
/// Returns the object so the caller can finish it (a bus is closed for its clones too).
pub(crate) fn close(handle: i32, kind: &str, is_kind: fn(&Object) -> bool) -> Outcome<Object> {
    with_objects(|objects| {
        let mut objects = objects.try_borrow_mut().map_err(|_| busy())?;
        let slot = slot_index(handle)
            .and_then(|i| objects.get_mut(i))
            .filter(|slot| slot.as_ref().is_some_and(is_kind))
            .ok_or_else(|| unknown(handle, kind))?;
        slot.take().ok_or_else(|| unknown(handle, kind))
    })
}

fn slot_index(handle: i32) -> Option<usize> {
    usize::try_from(handle).ok()?.checked_sub(1)
}
