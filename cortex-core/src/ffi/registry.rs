//! Store handles: small positive integers naming the open in-memory event + graph store pairs.

use std::cell::RefCell;
use std::rc::Rc;

use super::codes::{Failure, Outcome, CORTEX_E_BAD_HANDLE, CORTEX_E_INTERNAL};
use crate::store::{MemoryEventStore, MemoryGraphStore, StoreConfig};

/// What one handle opens: an event log and a graph, side by side.
#[derive(Debug)]
pub(crate) struct OpenStore {
    /// The event store's limits, kept so oversized input is refused before it is copied in.
    pub(crate) config: StoreConfig,
    pub(crate) events: MemoryEventStore,
    pub(crate) graph: MemoryGraphStore,
}

impl OpenStore {
    fn new(config: StoreConfig) -> Self {
        OpenStore {
            events: MemoryEventStore::with_config(config.clone()),
            graph: MemoryGraphStore::new(),
            config,
        }
    }
}

thread_local! {
    // Handle `h` is slot `h - 1`. Closed slots stay `None` and are never reused, so a stale
    // handle keeps failing instead of silently reaching a newer store.
    static STORES: RefCell<Vec<Option<Rc<OpenStore>>>> = const { RefCell::new(Vec::new()) };
}

fn busy() -> Failure {
    Failure::new(CORTEX_E_INTERNAL, "store table busy")
}

fn unknown(handle: i32) -> Failure {
    Failure::new(
        CORTEX_E_BAD_HANDLE,
        format!("unknown or closed store handle {handle}"),
    )
}

/// Opens a fresh store pair and returns its handle (> 0).
pub(crate) fn open() -> Outcome<i32> {
    STORES.with(|stores| {
        let mut stores = stores.try_borrow_mut().map_err(|_| busy())?;
        let handle = i32::try_from(stores.len() + 1)
            .map_err(|_| Failure::new(CORTEX_E_INTERNAL, "too many stores opened"))?;
        stores.push(Some(Rc::new(OpenStore::new(StoreConfig::default()))));
        Ok(handle)
    })
}

/// Closes a handle; its stores are dropped once no call is using them.
pub(crate) fn close(handle: i32) -> Outcome<()> {
    STORES.with(|stores| {
        let mut stores = stores.try_borrow_mut().map_err(|_| busy())?;
        let slot = slot_index(handle)
            .and_then(|i| stores.get_mut(i))
            .ok_or_else(|| unknown(handle))?;
        slot.take().map(drop).ok_or_else(|| unknown(handle))
    })
}

/// The stores behind an open handle; the table is not borrowed while the caller uses them.
pub(crate) fn get(handle: i32) -> Outcome<Rc<OpenStore>> {
    STORES.with(|stores| {
        let stores = stores.try_borrow().map_err(|_| busy())?;
        slot_index(handle)
            .and_then(|i| stores.get(i))
            .and_then(Option::clone)
            .ok_or_else(|| unknown(handle))
    })
}

fn slot_index(handle: i32) -> Option<usize> {
    usize::try_from(handle).ok()?.checked_sub(1)
}
