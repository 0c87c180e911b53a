//! File-backed stores: the memory stores as the index, and a log in a directory that every write is
//! appended to before it is applied, replayed into fresh memory stores on open.
//!
//! The same code runs natively and on wasm32-wasip1, in a directory the host granted. Each store
//! keeps one file in its directory (`events.log`, `graph.log`), so an event store and a graph store
//! may share one. A file is a header (magic, format version, what it holds) and then one frame per
//! write: its length twice (the second inverted), a CRC-32 of its body, and the body. A frame is
//! committed when all of it is in the file; `sync: true` makes the write call `sync_data` (`fd_datasync`
//! on WASI) before it returns. Opening reads every frame; a torn last frame (a crash mid-write) is cut
//! off, while damage anywhere before it is [`FileProblem::Corrupt`], naming the file and offset.
//! One open store per file: nothing stops a second from writing the same file.
//!
//! [`FileProblem::Corrupt`]: crate::error::FileProblem::Corrupt

mod codec;
mod crc;
mod events;
mod frame;
mod graph;
mod log;
mod sys;
#[cfg(test)]
mod tests;

pub use events::FileEventStore;
pub use graph::FileGraphStore;

use crate::store::StoreConfig;

/// How many writes the file stores of this process have synced (`sync: true`: one per write;
/// compaction and opening sync on their own and are not counted). For tests that check `sync`.
#[doc(hidden)]
pub fn synced_writes() -> u64 {
    log::synced_writes()
}

/// How a file-backed store is opened.
#[derive(Clone, Debug)]
pub struct FileOptions {
    /// Limits shared with every backend.
    pub store: StoreConfig,
    /// `sync_data` after every write, before it returns: it then survives power loss, not only a
    /// crash of the process (or the end of a wasm instance).
    pub sync: bool,
    /// Create the directory (its parent must exist) and the log when they do not exist.
    pub create_if_missing: bool,
    /// How many frames of garbage (graph writes a later one replaced or undid) a graph log holds
    /// before it is rewritten with only the live nodes and edges; it is rewritten once its garbage
    /// passes both this and the live records, so a log stays within about twice its live size.
    pub compact_after: u64,
}

impl Default for FileOptions {
    fn default() -> Self {
        FileOptions {
            store: StoreConfig::default(),
            sync: false,
            create_if_missing: true,
            compact_after: 1024,
        }
    }
}
