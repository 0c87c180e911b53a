//! The crash trials every persistent backend runs: the writer child and its protocol, then the event
//! log's and the graph's trials, each given how to open its backend's store and what else to check.

use std::path::Path;

pub mod events;
pub mod graph;
#[path = "../conformance/splitmix.rs"]
pub mod splitmix;
pub mod writer;

/// What a trial needs of one backend.
pub struct Backend<S> {
    /// The test's path as the harness names it, so the writer child runs that test alone.
    pub test: &'static str,
    /// Opens the store in a directory, syncing each write when the flag is set.
    pub open: fn(&Path, bool) -> cortex_core::Result<S>,
    /// The backend's own checks of a reopened store (its raw indexes, say), with the context of a failure.
    pub check: fn(&S, &str),
}

impl<S> Backend<S> {
    /// Reopens the store after a kill, or says which kill left it unopenable.
    fn reopen(&self, dir: &Path, sync: bool, context: &str) -> S {
        (self.open)(dir, sync).unwrap_or_else(|e| panic!("{context}: reopen after the kill: {e}"))
    }
}
