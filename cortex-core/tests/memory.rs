//! The in-memory stores against the shared conformance suite.

mod conformance;

use cortex_core::{MemoryEventStore, MemoryGraphStore};

conformance::conformance_suite!(memory, |config| (
    MemoryEventStore::with_config(config),
    MemoryGraphStore::new(),
    ()
));
