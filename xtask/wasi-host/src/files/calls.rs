//! The counts of durable-write and rename calls a test reads from outside the store.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How often the program asked for its writes to be made durable, and for renames: read by a
/// test from outside the store while the program runs, so the counts are shared atomics.
#[derive(Debug, Clone, Default)]
pub struct FileCalls(Arc<[AtomicU64; 3]>);

impl FileCalls {
    /// `fd_sync` calls that succeeded.
    pub fn syncs(&self) -> u64 {
        self.0[0].load(Ordering::Relaxed)
    }
    /// `fd_datasync` calls that succeeded.
    pub fn datasyncs(&self) -> u64 {
        self.0[1].load(Ordering::Relaxed)
    }
    /// `path_rename` calls that succeeded.
    pub fn renames(&self) -> u64 {
        self.0[2].load(Ordering::Relaxed)
    }
    pub(super) fn count(&self, which: usize) {
        self.0[which].fetch_add(1, Ordering::Relaxed);
    }
}
