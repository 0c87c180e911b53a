//! A store that lives in a directory, so it can be dropped (without a flush) and opened again.

use std::path::Path;

/// A store and the directory it lives in; `open` opens it there, fresh or again.
pub(crate) struct OnDisk<S> {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) store: S,
    open: fn(&Path) -> S,
}

impl<S> OnDisk<S> {
    /// A store in a fresh temporary directory.
    pub(crate) fn new(open: fn(&Path) -> S) -> OnDisk<S> {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = open(dir.path());
        OnDisk { dir, store, open }
    }

    /// Drops the store, then opens it again from what its directory holds.
    pub(crate) fn reopen(self) -> OnDisk<S> {
        let OnDisk { dir, store, open } = self;
        drop(store);
        let store = open(dir.path());
        OnDisk { dir, store, open }
    }
}
